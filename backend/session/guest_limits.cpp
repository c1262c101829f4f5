// SPDX-License-Identifier: MIT
// GuestLimits: admission of sessions and the shared buffer budget of each guest.
#include "backend/session/guest_limits.h"

#include <algorithm>
#include <cerrno>
#include <string>
#include <utility>

namespace vcam::session {

Result<GuestLimits::Lease> GuestLimits::admit(xen::DomId guest) {
  Usage& usage = usage_[guest];
  if (usage.sessions >= config_.maxSessions) {
    if (usage.sessions == 0) usage_.erase(guest);
    return makeError(EBUSY, "domain " + std::to_string(guest) + " has " +
                                std::to_string(config_.maxSessions) +
                                " camera(s) connected already (max-sessions-per-guest)");
  }
  ++usage.sessions;
  return Lease(this, guest);
}

std::uint32_t GuestLimits::sessionsOf(xen::DomId guest) const {
  auto found = usage_.find(guest);
  return found == usage_.end() ? 0 : found->second.sessions;
}

std::uint32_t GuestLimits::buffersOf(xen::DomId guest) const {
  auto found = usage_.find(guest);
  return found == usage_.end() ? 0 : found->second.buffers;
}

GuestLimits::Lease::Lease(Lease&& other) noexcept
    : limits_(std::exchange(other.limits_, nullptr)),
      guest_(other.guest_),
      buffers_(std::exchange(other.buffers_, 0)) {}

GuestLimits::Lease& GuestLimits::Lease::operator=(Lease&& other) noexcept {
  if (this != &other) {
    release();
    limits_ = std::exchange(other.limits_, nullptr);
    guest_ = other.guest_;
    buffers_ = std::exchange(other.buffers_, 0);
  }
  return *this;
}

GuestLimits::Lease::~Lease() { release(); }

std::uint32_t GuestLimits::Lease::resizeBuffers(std::uint32_t wanted) {
  if (limits_ == nullptr) return 0;
  Usage& usage = limits_->usage_[guest_];
  // What the guest's other sessions hold is not ours to take.
  const std::uint32_t others = usage.buffers - buffers_;
  const std::uint32_t budget =
      limits_->config_.maxBuffers - std::min(others, limits_->config_.maxBuffers);
  const std::uint32_t granted = std::min(wanted, budget);
  usage.buffers = others + granted;
  buffers_ = granted;
  return granted;
}

void GuestLimits::Lease::release() {
  if (limits_ == nullptr) return;
  auto found = limits_->usage_.find(guest_);
  if (found != limits_->usage_.end()) {
    found->second.buffers -= std::min(found->second.buffers, buffers_);
    if (--found->second.sessions == 0) limits_->usage_.erase(found);
  }
  limits_ = nullptr;
  buffers_ = 0;
}

}  // namespace vcam::session
