// SPDX-License-Identifier: MIT
// BrokerConnection: connect, HELLO, call and notifications on the client side.
#include "backend/xen/emulated/client_connection.h"

#include <sys/socket.h>
#include <sys/un.h>

#include <cerrno>
#include <cstring>

#include "backend/base/system_call.h"
#include "backend/xen/emulated/client_registry.h"

namespace vcam::xen::emu {
using base::systemError;

BrokerConnection::BrokerConnection(base::UniqueFd socket, DomId domid)
    : socket_(std::move(socket)), domid_(domid) {
  registry::addConnectionFd(socket_.get());
}

BrokerConnection::~BrokerConnection() {
  registry::removeConnectionFd(socket_.get());
  if (notify_) registry::removeConnectionFd(notify_.get());
}

Result<std::unique_ptr<BrokerConnection>> BrokerConnection::open(const std::string& socketPath,
                                                                 DomId domid,
                                                                 wire::ConnectionKind kind) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (socketPath.empty() || socketPath.size() >= sizeof(address.sun_path)) {
    return makeError(ENAMETOOLONG, "broker socket path empty or too long: " + socketPath);
  }
  std::memcpy(address.sun_path, socketPath.c_str(), socketPath.size() + 1);
  base::UniqueFd socket(::socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0));
  if (!socket) return systemError("socket");
  if (::connect(socket.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    return systemError("connect to the emulated Xen broker at " + socketPath);
  }
  std::unique_ptr<BrokerConnection> connection(new BrokerConnection(std::move(socket), domid));
  wire::Writer hello(wire::Op::Hello);
  hello.u16(domid).u8(static_cast<std::uint8_t>(kind));
  Result<Reply> greeted = connection->call(hello);
  if (!greeted) return greeted.error();
  const bool wantsNotify =
      kind == wire::ConnectionKind::Store || kind == wire::ConnectionKind::Events;
  if (greeted->message.fds.size() != (wantsNotify ? 1U : 0U) || !greeted->payload().finish()) {
    return makeError(EPROTO, "unexpected HELLO reply from the emulated Xen broker");
  }
  if (wantsNotify) {
    connection->notify_ = std::move(greeted->message.fds.front());
    registry::addConnectionFd(connection->notify_.get());
  }
  return connection;
}

Result<BrokerConnection::Reply> BrokerConnection::call(const wire::Writer& request,
                                                       std::span<const int> fds) {
  if (!socket_) return makeError(EBADF, "no connection to the emulated Xen broker");
  if (Status sent = wire::sendMessage(socket_.get(), request, fds); !sent) return sent.error();
  if (Status ready = base::waitReadableOrFail(socket_.get(), kCallTimeoutMs,
                                              "the emulated Xen broker's reply");
      !ready)
    return ready.error();
  Result<wire::Message> message = wire::receiveMessage(socket_.get(), false);
  if (!message) {
    if (message.error().code == EPIPE) return makeError(EPIPE, "the emulated Xen broker is gone");
    return message.error();
  }
  wire::Reader reader(message->bytes);
  if (Status status = wire::readReplyStatus(reader); !status) return status.error();
  return Reply{std::move(*message)};
}

Result<std::optional<wire::Message>> BrokerConnection::nextNotification() {
  if (!notify_) return makeError(EBADF, "this connection has no notifications");
  Result<wire::Message> message = wire::receiveMessage(notify_.get(), true);
  if (message) return std::optional<wire::Message>(std::move(*message));
  if (message.error().code == EAGAIN) return std::optional<wire::Message>();
  return message.error();
}

}  // namespace vcam::xen::emu
