// SPDX-License-Identifier: MIT
// EmulatedEventChannels: event channel requests and fired-port notifications.
#include "backend/xen/emulated/client_events.h"

#include <cerrno>

namespace vcam::xen::emu {

using wire::Op;

Result<std::unique_ptr<EmulatedEventChannels>> EmulatedEventChannels::create(
    const std::string& socketPath, DomId domid) {
  Result<std::unique_ptr<BrokerConnection>> connection =
      BrokerConnection::open(socketPath, domid, wire::ConnectionKind::Events);
  if (!connection) return connection.error();
  return std::unique_ptr<EmulatedEventChannels>(new EmulatedEventChannels(std::move(*connection)));
}

Result<Port> EmulatedEventChannels::portCall(const wire::Writer& request) {
  Result<BrokerConnection::Reply> reply = connection_->call(request);
  if (!reply) return reply.error();
  wire::Reader in = reply->payload();
  const Port port = in.u32();
  if (!in.finish() || port == 0) return makeError(EPROTO, "malformed port reply from the broker");
  return port;
}

Result<EvtchnPort> EmulatedEventChannels::bindInterdomain(DomId remote, Port remotePort) {
  wire::Writer request(Op::EvBind);
  request.u16(remote).u32(remotePort);
  Result<Port> port = portCall(request);
  if (!port) return port.error();
  return EvtchnPort(this, *port);
}

Result<EvtchnPort> EmulatedEventChannels::allocUnbound(DomId remote) {
  wire::Writer request(Op::EvAllocUnbound);
  request.u16(remote);
  Result<Port> port = portCall(request);
  if (!port) return port.error();
  return EvtchnPort(this, *port);
}

Status EmulatedEventChannels::notify(Port local) {
  wire::Writer request(Op::EvNotify);
  request.u32(local);
  Result<BrokerConnection::Reply> reply = connection_->call(request);
  if (!reply) return reply.error();
  return {};
}

Result<std::optional<Port>> EmulatedEventChannels::pending() {
  Result<std::optional<wire::Message>> message = connection_->nextNotification();
  if (!message) return message.error();
  if (!message->has_value()) return std::optional<Port>();
  wire::Reader in((*message)->bytes);
  const Port port = in.u32();
  if (!in.finish()) return makeError(EPROTO, "malformed port notification from the broker");
  return std::optional<Port>(port);
}

Status EmulatedEventChannels::unmask(Port local) {
  wire::Writer request(Op::EvUnmask);
  request.u32(local);
  Result<BrokerConnection::Reply> reply = connection_->call(request);
  if (!reply) return reply.error();
  return {};
}

void EmulatedEventChannels::unbind(Port local) noexcept {
  wire::Writer request(Op::EvUnbind);
  request.u32(local);
  (void)connection_->call(request);
}

}  // namespace vcam::xen::emu
