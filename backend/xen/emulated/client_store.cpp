// SPDX-License-Identifier: MIT
// EmulatedXenStore: XenStore requests encoded for the broker, replies decoded and bounded.
#include "backend/xen/emulated/client_store.h"

#include <cerrno>

namespace vcam::xen::emu {
namespace {

using wire::Op;

Error badReply(std::string_view what) {
  return makeError(EPROTO, "malformed " + std::string(what) + " reply from the broker");
}

}  // namespace

Result<std::unique_ptr<EmulatedXenStore>> EmulatedXenStore::create(const std::string& socketPath,
                                                                   DomId domid) {
  Result<std::unique_ptr<BrokerConnection>> connection =
      BrokerConnection::open(socketPath, domid, wire::ConnectionKind::Store);
  if (!connection) return connection.error();
  return std::unique_ptr<EmulatedXenStore>(new EmulatedXenStore(std::move(*connection)));
}

Status EmulatedXenStore::simple(Op op, XsTransactionId tx, std::string_view path) {
  wire::Writer request(op);
  request.u32(tx).str(path);
  Result<BrokerConnection::Reply> reply = connection_->call(request);
  if (!reply) return reply.error();
  return {};
}

Result<std::string> EmulatedXenStore::read(XsTransactionId tx, std::string_view path) {
  wire::Writer request(Op::XsRead);
  request.u32(tx).str(path);
  Result<BrokerConnection::Reply> reply = connection_->call(request);
  if (!reply) return reply.error();
  wire::Reader in = reply->payload();
  std::string value = in.str();
  if (!in.finish()) return badReply("read");
  return value;
}

Status EmulatedXenStore::write(XsTransactionId tx, std::string_view path, std::string_view value) {
  wire::Writer request(Op::XsWrite);
  request.u32(tx).str(path).str(value);
  Result<BrokerConnection::Reply> reply = connection_->call(request);
  if (!reply) return reply.error();
  return {};
}

Status EmulatedXenStore::mkdir(XsTransactionId tx, std::string_view path) {
  return simple(Op::XsMkdir, tx, path);
}

Status EmulatedXenStore::remove(XsTransactionId tx, std::string_view path) {
  return simple(Op::XsRemove, tx, path);
}

Result<std::vector<std::string>> EmulatedXenStore::directory(XsTransactionId tx,
                                                             std::string_view path) {
  wire::Writer request(Op::XsDirectory);
  request.u32(tx).str(path);
  Result<BrokerConnection::Reply> reply = connection_->call(request);
  if (!reply) return reply.error();
  wire::Reader in = reply->payload();
  // Each name costs at least its 4-byte length: the count is bounded by the message size.
  const std::uint32_t count = in.count(wire::kMaxMessageBytes / sizeof(std::uint32_t));
  std::vector<std::string> names;
  for (std::uint32_t i = 0; i < count && in.ok(); ++i) names.push_back(in.str());
  if (!in.finish()) return badReply("directory");
  return names;
}

Result<std::vector<XsPermission>> EmulatedXenStore::permissions(XsTransactionId tx,
                                                                std::string_view path) {
  wire::Writer request(Op::XsGetPerms);
  request.u32(tx).str(path);
  Result<BrokerConnection::Reply> reply = connection_->call(request);
  if (!reply) return reply.error();
  wire::Reader in = reply->payload();
  const std::uint32_t count = in.count(wire::kMaxMessageBytes / 3);
  std::vector<XsPermission> perms;
  for (std::uint32_t i = 0; i < count && in.ok(); ++i) {
    const DomId domid = in.u16();
    const std::uint8_t access = in.u8();
    if (access > static_cast<std::uint8_t>(XsAccess::ReadWrite)) return badReply("permissions");
    perms.push_back({domid, static_cast<XsAccess>(access)});
  }
  if (!in.finish()) return badReply("permissions");
  return perms;
}

Status EmulatedXenStore::setPermissions(XsTransactionId tx, std::string_view path,
                                        std::span<const XsPermission> permissions) {
  wire::Writer request(Op::XsSetPerms);
  request.u32(tx).str(path).u32(static_cast<std::uint32_t>(permissions.size()));
  for (const XsPermission& perm : permissions) {
    request.u16(perm.domid).u8(static_cast<std::uint8_t>(perm.access));
  }
  Result<BrokerConnection::Reply> reply = connection_->call(request);
  if (!reply) return reply.error();
  return {};
}

Result<XsTransactionId> EmulatedXenStore::transactionStart() {
  Result<BrokerConnection::Reply> reply = connection_->call(wire::Writer(Op::XsTxStart));
  if (!reply) return reply.error();
  wire::Reader in = reply->payload();
  const XsTransactionId tx = in.u32();
  if (!in.finish() || tx == kNoTransaction) return badReply("transaction start");
  return tx;
}

Status EmulatedXenStore::transactionEnd(XsTransactionId tx, bool commit) {
  wire::Writer request(Op::XsTxEnd);
  request.u32(tx).u8(commit ? 1 : 0);
  Result<BrokerConnection::Reply> reply = connection_->call(request);
  if (!reply) return reply.error();
  return {};
}

Result<XsWatch> EmulatedXenStore::watch(std::string_view path, std::string_view token) {
  wire::Writer request(Op::XsWatch);
  request.str(path).str(token);
  Result<BrokerConnection::Reply> reply = connection_->call(request);
  if (!reply) return reply.error();
  return XsWatch(this, std::string(path), std::string(token));
}

void EmulatedXenStore::unwatch(const std::string& path, const std::string& token) noexcept {
  wire::Writer request(Op::XsUnwatch);
  request.str(path).str(token);
  (void)connection_->call(request);  // nothing to do about a failure here
}

Result<std::optional<XsWatchEvent>> EmulatedXenStore::readWatch() {
  Result<std::optional<wire::Message>> message = connection_->nextNotification();
  if (!message) return message.error();
  if (!message->has_value()) return std::optional<XsWatchEvent>();
  wire::Reader in((*message)->bytes);
  XsWatchEvent event;
  event.path = in.str();
  event.token = in.str();
  if (!in.finish()) return badReply("watch event");
  return std::optional<XsWatchEvent>(std::move(event));
}

}  // namespace vcam::xen::emu
