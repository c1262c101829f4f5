// SPDX-License-Identifier: MIT
// EmulatedEventChannels: the event channel interface over a broker connection.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include <vcamera/common/result.h>

#include "backend/xen/emulated/client_connection.h"
#include "backend/xen/transport.h"

namespace vcam::xen::emu {

/// An evtchn handle: ports fired by the broker arrive on fd() (the connection's notification
/// socket), one message per delivery; pending() takes one without blocking. Masking and
/// pending bits live in the broker (event_channel_table.h), so unmask() is a request.
class EmulatedEventChannels final : public EventChannels {
 public:
  [[nodiscard]] static Result<std::unique_ptr<EmulatedEventChannels>> create(
      const std::string& socketPath, DomId domid);

  [[nodiscard]] int fd() const override { return connection_->notifyFd(); }
  [[nodiscard]] Result<EvtchnPort> bindInterdomain(DomId remote, Port remotePort) override;
  [[nodiscard]] Result<EvtchnPort> allocUnbound(DomId remote) override;
  [[nodiscard]] Status notify(Port local) override;
  [[nodiscard]] Result<std::optional<Port>> pending() override;
  [[nodiscard]] Status unmask(Port local) override;

 protected:
  void unbind(Port local) noexcept override;

 private:
  explicit EmulatedEventChannels(std::unique_ptr<BrokerConnection> connection)
      : connection_(std::move(connection)) {}
  Result<Port> portCall(const wire::Writer& request);

  std::unique_ptr<BrokerConnection> connection_;
};

}  // namespace vcam::xen::emu
