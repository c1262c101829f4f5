// SPDX-License-Identifier: MIT
// Broker request decoding: each request is read field by field, bounded, then handed to the
// XenStore tree, the event channel table or the grant tables.
#include "backend/xen/emulated/broker.h"

#include <cerrno>
#include <optional>
#include <string>

namespace vcam::xen::emu {
namespace {

using wire::Op;

constexpr std::size_t kMaxPermissions = 1024;

Error malformed(Op op) {
  return makeError(EPROTO,
                   "malformed request (op " + std::to_string(static_cast<unsigned>(op)) + ")");
}

Error wrongConnection(Op op) {
  return makeError(EINVAL, "op " + std::to_string(static_cast<unsigned>(op)) +
                               " is not valid on this connection");
}

bool validDomid(DomId domid) { return domid < kDomidFirstReserved; }

std::optional<GrantAccess> accessOf(std::uint8_t raw) {
  if (raw > static_cast<std::uint8_t>(GrantAccess::ReadWrite)) return std::nullopt;
  return static_cast<GrantAccess>(raw);
}

}  // namespace

Broker::Reply Broker::dispatch(Connection& connection, wire::Message& request) {
  wire::Reader in(request.bytes);
  const auto op = static_cast<Op>(in.u16());
  const bool import = connection.kind == wire::ConnectionKind::Grants && op == Op::GntImport;
  Result<Reply> out = makeError(EPROTO, "empty request");
  if (!in.ok()) {
    // keep the EPROTO above
  } else if (!request.fds.empty() && !import) {
    out = makeError(EINVAL, "unexpected file descriptors with a request");
  } else {
    switch (connection.kind) {
      case wire::ConnectionKind::Store:
        out = storeRequest(connection, op, in);
        break;
      case wire::ConnectionKind::Events:
        out = eventRequest(connection, op, in);
        break;
      case wire::ConnectionKind::Grants:
        out = grantRequest(connection, op, in, request.fds);
        break;
      case wire::ConnectionKind::Sharer:
        out = sharerRequest(connection, op, in);
        break;
      case wire::ConnectionKind::Control:
        if (op != Op::CtlQuery) {
          out = wrongConnection(op);
        } else if (!in.finish()) {
          out = malformed(op);
        } else {
          Reply reply{wire::okReply(), {}};
          encodeReport(reply.message, report());
          out = std::move(reply);
        }
        break;
    }
  }
  if (!out) return Reply{wire::errorReply(out.error()), {}};
  return std::move(*out);
}

Result<Broker::Reply> Broker::storeRequest(const Connection& connection, Op op, wire::Reader& in) {
  const Caller caller{connection.id, connection.domid};
  Reply reply{wire::okReply(), {}};
  auto done = [&reply](Status status) -> Result<Reply> {
    if (!status) return status.error();
    return std::move(reply);
  };
  switch (op) {
    case Op::XsRead: {
      const XsTransactionId tx = in.u32();
      const std::string path = in.str();
      if (!in.finish()) return malformed(op);
      Result<std::string> value = tree_.read(caller, tx, path);
      if (!value) return value.error();
      reply.message.str(*value);
      return reply;
    }
    case Op::XsWrite: {
      const XsTransactionId tx = in.u32();
      const std::string path = in.str();
      const std::string value = in.str();
      if (!in.finish()) return malformed(op);
      return done(tree_.write(caller, tx, path, value));
    }
    case Op::XsMkdir:
    case Op::XsRemove: {
      const XsTransactionId tx = in.u32();
      const std::string path = in.str();
      if (!in.finish()) return malformed(op);
      return done(op == Op::XsMkdir ? tree_.mkdir(caller, tx, path)
                                    : tree_.remove(caller, tx, path));
    }
    case Op::XsDirectory: {
      const XsTransactionId tx = in.u32();
      const std::string path = in.str();
      if (!in.finish()) return malformed(op);
      Result<std::vector<std::string>> names = tree_.directory(caller, tx, path);
      if (!names) return names.error();
      reply.message.u32(static_cast<std::uint32_t>(names->size()));
      for (const std::string& name : *names) reply.message.str(name);
      return reply;
    }
    case Op::XsGetPerms: {
      const XsTransactionId tx = in.u32();
      const std::string path = in.str();
      if (!in.finish()) return malformed(op);
      Result<std::vector<XsPermission>> perms = tree_.permissions(caller, tx, path);
      if (!perms) return perms.error();
      reply.message.u32(static_cast<std::uint32_t>(perms->size()));
      for (const XsPermission& perm : *perms) {
        reply.message.u16(perm.domid).u8(static_cast<std::uint8_t>(perm.access));
      }
      return reply;
    }
    case Op::XsSetPerms: {
      const XsTransactionId tx = in.u32();
      const std::string path = in.str();
      const std::uint32_t count = in.count(kMaxPermissions);
      std::vector<XsPermission> perms;
      for (std::uint32_t i = 0; i < count && in.ok(); ++i) {
        const DomId domid = in.u16();
        const std::uint8_t access = in.u8();
        if (access > static_cast<std::uint8_t>(XsAccess::ReadWrite)) {
          return makeError(EINVAL, "setPermissions: unknown access value");
        }
        perms.push_back({domid, static_cast<XsAccess>(access)});
      }
      if (!in.finish()) return malformed(op);
      return done(tree_.setPermissions(caller, tx, path, perms));
    }
    case Op::XsTxStart: {
      if (!in.finish()) return malformed(op);
      Result<XsTransactionId> tx = tree_.transactionStart(caller);
      if (!tx) return tx.error();
      reply.message.u32(*tx);
      return reply;
    }
    case Op::XsTxEnd: {
      const XsTransactionId tx = in.u32();
      const std::uint8_t commit = in.u8();
      if (!in.finish() || commit > 1) return malformed(op);
      return done(tree_.transactionEnd(caller, tx, commit == 1));
    }
    case Op::XsWatch:
    case Op::XsUnwatch: {
      const std::string path = in.str();
      const std::string token = in.str();
      if (!in.finish()) return malformed(op);
      return done(op == Op::XsWatch ? tree_.addWatch(caller, path, token)
                                    : tree_.removeWatch(caller, path, token));
    }
    default:
      return wrongConnection(op);
  }
}

Result<Broker::Reply> Broker::eventRequest(const Connection& connection, Op op, wire::Reader& in) {
  Reply reply{wire::okReply(), {}};
  std::vector<PortDelivery> deliveries;
  Status status;
  switch (op) {
    case Op::EvAllocUnbound: {
      const DomId remote = in.u16();
      if (!in.finish()) return malformed(op);
      Result<Port> port = events_.allocUnbound(connection.id, connection.domid, remote);
      if (!port) return port.error();
      reply.message.u32(*port);
      return reply;
    }
    case Op::EvBind: {
      const DomId remote = in.u16();
      const Port remotePort = in.u32();
      if (!in.finish()) return malformed(op);
      Result<Port> port =
          events_.bindInterdomain(connection.id, connection.domid, remote, remotePort, deliveries);
      if (!port) return port.error();
      deliverPorts(deliveries);
      reply.message.u32(*port);
      return reply;
    }
    case Op::EvNotify:
    case Op::EvUnmask:
    case Op::EvUnbind: {
      const Port port = in.u32();
      if (!in.finish()) return malformed(op);
      if (op == Op::EvNotify) {
        status = events_.notify(connection.id, connection.domid, port, deliveries);
      } else if (op == Op::EvUnmask) {
        status = events_.unmask(connection.id, connection.domid, port, deliveries);
      } else {
        status = events_.unbind(connection.id, connection.domid, port);
      }
      deliverPorts(deliveries);
      if (!status) return status.error();
      return reply;
    }
    default:
      return wrongConnection(op);
  }
}

namespace {

Error noDmaBuf() {
  return makeError(ENOTTY, "gntdev has no dma-buf support (CONFIG_XEN_GNTDEV_DMABUF is not set)");
}

}  // namespace

Result<Broker::Reply> Broker::grantRequest(const Connection& connection, Op op, wire::Reader& in,
                                           std::vector<base::UniqueFd>& fds) {
  Reply reply{wire::okReply(), {}};
  switch (op) {
    case Op::GntMap:
    case Op::GntExport: {
      const DomId granter = in.u16();
      const std::uint8_t mode = in.u8();
      const std::vector<GrantRef> refs = in.u32s(wire::kMaxRefsPerRequest);
      if (!in.finish()) return malformed(op);
      if (op == Op::GntExport) {
        if (mode > static_cast<std::uint8_t>(DmaBufMemory::Coherent)) return malformed(op);
        if (!gntdevDmaBuf_) return noDmaBuf();
        // The memory kind only changes how real gntdev allocates; memfds are all alike.
        Result<ExportResult> exported =
            grants_.exportDmaBuf(connection.id, connection.domid, granter, refs);
        if (!exported) return exported.error();
        reply.message.u64(exported->id);
        reply.fds.push_back(std::move(exported->dmabuf));
        return reply;
      }
      const std::optional<GrantAccess> access = accessOf(mode);
      if (!access) return malformed(op);
      Result<MapResult> mapped =
          grants_.map(connection.id, connection.domid, granter, refs, *access);
      if (!mapped) return mapped.error();
      reply.message.u64(mapped->id).u32(static_cast<std::uint32_t>(mapped->runs.size()));
      for (const PageRun& run : mapped->runs) {
        reply.message.u32(run.fdIndex).u32(run.firstPage).u32(run.pages);
      }
      reply.fds = std::move(mapped->files);
      return reply;
    }
    case Op::GntUnmap:
    case Op::GntReleaseExport:
    case Op::GntReleaseImport: {
      const std::uint64_t id = in.u64();
      if (!in.finish()) return malformed(op);
      Status status = op == Op::GntUnmap           ? grants_.unmap(connection.id, id)
                      : op == Op::GntReleaseExport ? grants_.releaseExport(connection.id, id)
                                                   : grants_.releaseImport(connection.id, id);
      if (!status) return status.error();
      return reply;
    }
    case Op::GntImport: {
      const DomId grantee = in.u16();
      const std::uint32_t pages = in.u32();
      if (!in.finish() || fds.size() != 1) return malformed(op);
      if (!validDomid(grantee)) return makeError(EINVAL, "import: reserved domain id");
      if (!gntdevDmaBuf_) return noDmaBuf();
      Result<ImportResult> imported =
          grants_.importDmaBuf(connection.id, connection.domid, grantee, std::move(fds[0]), pages);
      if (!imported) return imported.error();
      reply.message.u64(imported->id).u32s(imported->refs);
      return reply;
    }
    default:
      return wrongConnection(op);
  }
}

Result<Broker::Reply> Broker::sharerRequest(const Connection& connection, Op op, wire::Reader& in) {
  Reply reply{wire::okReply(), {}};
  switch (op) {
    case Op::ShrShare: {
      const DomId grantee = in.u16();
      const std::uint32_t pages = in.u32();
      const std::optional<GrantAccess> access = accessOf(in.u8());
      if (!in.finish() || !access) return malformed(op);
      if (!validDomid(grantee)) return makeError(EINVAL, "share: reserved domain id");
      Result<ShareResult> shared =
          grants_.share(connection.id, connection.domid, grantee, pages, *access);
      if (!shared) return shared.error();
      reply.message.u64(shared->id).u32s(shared->refs);
      reply.fds.push_back(std::move(shared->memory));
      return reply;
    }
    case Op::ShrUnshare: {
      const std::uint64_t id = in.u64();
      if (!in.finish()) return malformed(op);
      if (Status status = grants_.unshare(connection.id, id); !status) return status.error();
      return reply;
    }
    default:
      return wrongConnection(op);
  }
}

}  // namespace vcam::xen::emu
