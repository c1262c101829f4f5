// SPDX-License-Identifier: MIT
// RealEventChannels over libxenevtchn: bind, notify, and a non-blocking pending().
#include "backend/xen/real/real_event_channels.h"

#include <poll.h>

#include <cerrno>
#include <string>

#include "backend/xen/real/libxen.h"
#include "backend/xen/real/libxen_support.h"

namespace vcam::xen {

RealEventChannels::RealEventChannels(std::unique_ptr<XenLog> log, xenevtchn_handle* handle, int fd)
    : log_(std::move(log)), handle_(handle), fd_(fd) {}

Result<std::unique_ptr<RealEventChannels>> RealEventChannels::create() {
  auto log = std::make_unique<XenLog>();
  errno = 0;
  xenevtchn_handle* handle = xenevtchn_open(log->logger(), 0);
  if (handle == nullptr) {
    return openError(lastErrno(), "cannot open the event channel device /dev/xen/evtchn",
                     "xenevtchn_open", log->take());
  }
  const int fd = xenevtchn_fd(handle);
  return std::unique_ptr<RealEventChannels>(new RealEventChannels(std::move(log), handle, fd));
}

RealEventChannels::~RealEventChannels() { (void)xenevtchn_close(handle_); }

Result<EvtchnPort> RealEventChannels::bindInterdomain(DomId remote, Port remotePort) {
  log_->clear();
  errno = 0;
  const xenevtchn_port_or_error_t port = xenevtchn_bind_interdomain(handle_, remote, remotePort);
  if (port < 0) {
    return libraryError(lastErrno(),
                        "xenevtchn_bind_interdomain(dom" + std::to_string(remote) + ", port " +
                            std::to_string(remotePort) + ")",
                        log_->take());
  }
  return EvtchnPort(this, static_cast<Port>(port));
}

Result<EvtchnPort> RealEventChannels::allocUnbound(DomId remote) {
  log_->clear();
  errno = 0;
  const xenevtchn_port_or_error_t port = xenevtchn_bind_unbound_port(handle_, remote);
  if (port < 0) {
    return libraryError(lastErrno(),
                        "xenevtchn_bind_unbound_port(dom" + std::to_string(remote) + ")",
                        log_->take());
  }
  return EvtchnPort(this, static_cast<Port>(port));
}

Status RealEventChannels::notify(Port local) {
  log_->clear();
  errno = 0;
  if (xenevtchn_notify(handle_, local) < 0) {
    return libraryError(lastErrno(), "xenevtchn_notify(port " + std::to_string(local) + ")",
                        log_->take());
  }
  return {};
}

Result<std::optional<Port>> RealEventChannels::pending() {
  pollfd ready{fd_, POLLIN, 0};
  int polled = 0;
  do {
    polled = ::poll(&ready, 1, 0);
  } while (polled < 0 && errno == EINTR);
  if (polled < 0) return libraryError(lastErrno(), "poll(/dev/xen/evtchn)");
  if (polled == 0) return std::optional<Port>();
  if ((ready.revents & POLLIN) == 0) return makeError(EIO, "poll(/dev/xen/evtchn): device error");
  log_->clear();
  errno = 0;
  const xenevtchn_port_or_error_t port = xenevtchn_pending(handle_);
  if (port < 0) {
    const int code = lastErrno();
    if (code == EAGAIN) return std::optional<Port>();
    return libraryError(code, "xenevtchn_pending", log_->take());
  }
  return std::optional<Port>(static_cast<Port>(port));
}

Status RealEventChannels::unmask(Port local) {
  log_->clear();
  errno = 0;
  if (xenevtchn_unmask(handle_, local) < 0) {
    return libraryError(lastErrno(), "xenevtchn_unmask(port " + std::to_string(local) + ")",
                        log_->take());
  }
  return {};
}

void RealEventChannels::unbind(Port local) noexcept {
  // Only fails for a port this handle does not hold; nothing to undo then.
  (void)xenevtchn_unbind(handle_, local);
}

Result<std::unique_ptr<EventChannels>> openRealEventChannels() {
  Result<std::unique_ptr<RealEventChannels>> events = RealEventChannels::create();
  if (!events) return events.error();
  return std::unique_ptr<EventChannels>(std::move(events).value());
}

}  // namespace vcam::xen
