// SPDX-License-Identifier: MIT
// GuestLimits: how many devices and buffers one guest may hold at once, over all its cameras.
#pragma once

#include <cstdint>
#include <map>

#include <vcamera/common/result.h>

#include "backend/xen/transport.h"

namespace vcam::session {

/// The configuration's per-guest limits (`max-sessions-per-guest`, `max-buffers-per-guest`).
struct GuestLimitsConfig {
  std::uint32_t maxSessions = 8;
  std::uint32_t maxBuffers = 32;
};

/// Counts what each frontend domain holds so that one guest cannot take every buffer or
/// session of the backend. A session holds a Lease for as long as it is connected; the
/// lease carries the session's share of the guest's buffers. Single-threaded (the loop's).
class GuestLimits {
 public:
  class Lease;

  explicit GuestLimits(GuestLimitsConfig config) : config_(config) {}
  GuestLimits(const GuestLimits&) = delete;
  GuestLimits& operator=(const GuestLimits&) = delete;
  ~GuestLimits() = default;

  /// A session for `guest`. EBUSY when the guest holds maxSessions already.
  [[nodiscard]] Result<Lease> admit(xen::DomId guest);

  [[nodiscard]] std::uint32_t sessionsOf(xen::DomId guest) const;
  [[nodiscard]] std::uint32_t buffersOf(xen::DomId guest) const;
  [[nodiscard]] const GuestLimitsConfig& config() const { return config_; }

 private:
  struct Usage {
    std::uint32_t sessions = 0;
    std::uint32_t buffers = 0;
  };

  GuestLimitsConfig config_;
  std::map<xen::DomId, Usage> usage_;  ///< only guests holding a session
};

/// One session's place in its guest's limits; released when destroyed. Must not outlive the
/// GuestLimits it came from. Move-only.
class GuestLimits::Lease {
 public:
  Lease() = default;
  Lease(Lease&& other) noexcept;
  Lease& operator=(Lease&& other) noexcept;
  Lease(const Lease&) = delete;
  Lease& operator=(const Lease&) = delete;
  ~Lease();

  /// Sets this session's buffer count to as many of `wanted` as the guest's budget allows
  /// (the buffers this session holds already count as available to it); returns the count
  /// now held. 0 releases them all.
  std::uint32_t resizeBuffers(std::uint32_t wanted);
  [[nodiscard]] std::uint32_t buffers() const { return buffers_; }

 private:
  friend class GuestLimits;
  Lease(GuestLimits* limits, xen::DomId guest) : limits_(limits), guest_(guest) {}
  void release();

  GuestLimits* limits_ = nullptr;
  xen::DomId guest_ = 0;
  std::uint32_t buffers_ = 0;
};

}  // namespace vcam::session
