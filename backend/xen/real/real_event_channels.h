// SPDX-License-Identifier: MIT
// RealEventChannels: the EventChannels interface over libxenevtchn (/dev/xen/evtchn).
#pragma once

#include <memory>
#include <optional>

#include <vcamera/common/result.h>

#include "backend/xen/transport.h"

struct xenevtchn_handle;

namespace vcam::xen {

class XenLog;

/// One xenevtchn handle. Ports bound through it are local to it: closing the handle unbinds
/// them all, so EvtchnPorts must not outlive it.
class RealEventChannels final : public EventChannels {
 public:
  /// Opens /dev/xen/evtchn (xenevtchn_open). Fails with "no Xen: ..." when it does not exist.
  [[nodiscard]] static Result<std::unique_ptr<RealEventChannels>> create();
  ~RealEventChannels() override;
  RealEventChannels(const RealEventChannels&) = delete;
  RealEventChannels& operator=(const RealEventChannels&) = delete;

  [[nodiscard]] int fd() const override { return fd_; }
  [[nodiscard]] Result<EvtchnPort> bindInterdomain(DomId remote, Port remotePort) override;
  [[nodiscard]] Result<EvtchnPort> allocUnbound(DomId remote) override;
  [[nodiscard]] Status notify(Port local) override;
  /// Polls the device first: xenevtchn_pending() itself blocks when nothing is pending (and
  /// O_NONBLOCK is not reliable on every kernel, see xenevtchn.h).
  [[nodiscard]] Result<std::optional<Port>> pending() override;
  [[nodiscard]] Status unmask(Port local) override;

 protected:
  void unbind(Port local) noexcept override;

 private:
  RealEventChannels(std::unique_ptr<XenLog> log, xenevtchn_handle* handle, int fd);

  std::unique_ptr<XenLog> log_;  ///< outlives handle_, which logs through it
  xenevtchn_handle* handle_;
  int fd_;
};

/// Opens a RealEventChannels as the EventChannels interface.
[[nodiscard]] Result<std::unique_ptr<EventChannels>> openRealEventChannels();

}  // namespace vcam::xen
