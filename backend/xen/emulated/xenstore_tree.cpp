// SPDX-License-Identifier: MIT
// xenstored's data model in memory: the live tree, per-client transactions (snapshot, replay at
// commit) and watches (queue of fired events) on top of xenstore_node's operations.
#include "backend/xen/emulated/xenstore_tree.h"

#include <algorithm>
#include <cerrno>
#include <set>
#include <type_traits>

#include "backend/xen/emulated/xenstore_node.h"
#include "backend/xen/emulated/xenstore_path.h"

namespace vcam::xen::emu {
namespace {

using detail::XsChange;
using detail::XsOpContext;
using detail::XsState;

/// A change a transaction made, replayed on the live tree at commit.
enum class OpKind : std::uint8_t { Write, Mkdir, Remove, SetPermissions };

struct Op {
  OpKind kind = OpKind::Write;
  std::string path;  ///< absolute
  std::string value;
  std::vector<XsPermission> perms;
};

struct Transaction {
  ClientId client = 0;
  DomId domid = 0;
  XsState base;  ///< the store when the transaction started: what commit compares against
  XsState view;  ///< `base` plus the transaction's own changes
  std::set<std::string, std::less<>> accessed;
  std::vector<Op> ops;
};

struct Watch {
  std::uint64_t id = 0;  ///< registration order; ties queued events to their watch
  ClientId client = 0;
  DomId domid = 0;
  std::string given;     ///< as registered: the initial event, and removals above it
  std::string absolute;  ///< resolved (the name itself for special watches)
  std::string token;
  std::size_t relativePrefix = 0;  ///< bytes cut off event paths of a relative watch
  bool special = false;
};

struct QueuedEvent {
  std::uint64_t watchId = 0;
  FiredWatch fired;
};

Status applyOp(XsState& state, XsOpContext& ctx, const Op& op) {
  switch (op.kind) {
    case OpKind::Write:
      return detail::xsWrite(state, ctx, op.path, op.value);
    case OpKind::Mkdir:
      return detail::xsMkdir(state, ctx, op.path);
    case OpKind::Remove:
      return detail::xsRemove(state, ctx, op.path);
    case OpKind::SetPermissions:
      return detail::xsSetPermissions(state, ctx, op.path, op.perms);
  }
  return makeError(EINVAL, "unknown XenStore operation");
}

bool isSpecialName(std::string_view path) {
  return path == detail::kIntroduceDomain || path == detail::kReleaseDomain;
}

}  // namespace

struct XenStoreTree::Impl {
  XenStoreQuota quota;
  XsState live = detail::makeInitialState();
  std::uint64_t versions = 0;
  std::map<XsTransactionId, Transaction> transactions;
  XsTransactionId nextTransaction = 1;
  std::vector<Watch> watches;  // in registration order
  std::uint64_t nextWatch = 1;
  std::vector<QueuedEvent> queue;

  XsOpContext context(DomId domid) { return {domid, &quota, &versions, nullptr, nullptr}; }

  Result<Transaction*> transactionOf(const Caller& caller, XsTransactionId id) {
    const auto found = transactions.find(id);
    if (found == transactions.end() || found->second.client != caller.client) {
      return makeError(ENOENT,
                       "no XenStore transaction " + std::to_string(id) + " on this connection");
    }
    return &found->second;
  }

  Status checkRoom(const Transaction& tx) const {
    const std::size_t limit = quota.maxNodesPerTransaction;
    if (tx.domid == 0 || (tx.accessed.size() < limit && tx.ops.size() < limit)) return {};
    return makeError(ENOSPC,
                     "XenStore transaction touched more than " + std::to_string(limit) + " nodes");
  }

  /// Runs a read-only operation on the live tree or in a transaction.
  template <typename Fn>
  std::invoke_result_t<Fn, const XsState&, XsOpContext&, std::string_view> query(
      const Caller& caller, XsTransactionId tx, std::string_view path, Fn fn) {
    XsOpContext ctx = context(caller.domid);
    Transaction* open = nullptr;
    if (tx != kNoTransaction) {
      Result<Transaction*> found = transactionOf(caller, tx);
      if (!found) return found.error();
      if (Status room = checkRoom(**found); !room) return room.error();
      open = *found;
      ctx.accessed = &open->accessed;
    }
    Result<std::string> absolute = detail::resolvePath(caller.domid, path, quota.maxPathBytes);
    if (!absolute) return absolute.error();
    return fn(open != nullptr ? open->view : live, ctx, *absolute);
  }

  /// Runs a change: on the live tree (firing watches) or in a transaction (kept for commit).
  Status mutate(const Caller& caller, XsTransactionId tx, std::string_view path, Op op) {
    Transaction* open = nullptr;
    if (tx != kNoTransaction) {
      Result<Transaction*> found = transactionOf(caller, tx);
      if (!found) return found.error();
      if (Status room = checkRoom(**found); !room) return room;
      open = *found;
    }
    Result<std::string> absolute = detail::resolvePath(caller.domid, path, quota.maxPathBytes);
    if (!absolute) return absolute.error();
    op.path = std::move(*absolute);
    XsOpContext ctx = context(caller.domid);
    if (open == nullptr) {
      std::vector<XsChange> changes;
      ctx.changes = &changes;
      Status done = applyOp(live, ctx, op);
      for (const XsChange& change : changes) fire(change);
      return done;
    }
    ctx.accessed = &open->accessed;
    Status done = applyOp(open->view, ctx, op);
    if (done) open->ops.push_back(std::move(op));
    return done;
  }

  /// Commits: every node the transaction looked at must be as it was at the start; then its
  /// changes are replayed on a copy of the live tree, which replaces it only if all succeed.
  Status commit(const Transaction& tx) {
    for (const std::string& path : tx.accessed) {
      if (detail::versionAt(tx.base, path) != detail::versionAt(live, path)) {
        return makeError(EAGAIN, "XenStore transaction conflicts with a change to " + path +
                                     "; nothing was applied");
      }
    }
    XsState working = live;
    std::vector<XsChange> changes;
    XsOpContext ctx = context(tx.domid);
    ctx.changes = &changes;
    for (const Op& op : tx.ops) {
      if (Status done = applyOp(working, ctx, op); !done) {
        return makeError(done.error().code,
                         "XenStore transaction commit failed, nothing was "
                         "applied: " +
                             done.error().message);
      }
    }
    live = std::move(working);
    for (const XsChange& change : changes) fire(change);
    return {};
  }

  Result<Watch> makeWatch(const Caller& caller, std::string_view path, std::string_view token) {
    if (token.find('\0') != std::string_view::npos) {
      return makeError(EINVAL, "watch token contains a NUL byte");
    }
    if (token.size() > quota.maxValueBytes) {
      return makeError(E2BIG,
                       "watch token longer than " + std::to_string(quota.maxValueBytes) + " bytes");
    }
    Watch watch;
    watch.client = caller.client;
    watch.domid = caller.domid;
    watch.given.assign(path);
    watch.token.assign(token);
    if (isSpecialName(path)) {
      watch.special = true;
      watch.absolute.assign(path);
      return watch;
    }
    Result<std::string> absolute = detail::resolvePath(caller.domid, path, quota.maxPathBytes);
    if (!absolute) return absolute.error();
    watch.absolute = std::move(*absolute);
    if (path.front() != '/') watch.relativePrefix = detail::domainPath(caller.domid).size() + 1;
    return watch;
  }

  std::vector<Watch>::iterator findWatch(const Watch& like) {
    return std::find_if(watches.begin(), watches.end(), [&](const Watch& watch) {
      return watch.client == like.client && watch.absolute == like.absolute &&
             watch.token == like.token;
    });
  }

  void queueEvent(const Watch& watch, std::string path) {
    queue.push_back(
        {watch.id, FiredWatch{watch.client, XsWatchEvent{std::move(path), watch.token}}});
  }

  void fire(const XsChange& change) {
    std::size_t toLossy = 0;  // events for quota.lossyDomain
    auto queueCounted = [&](const Watch& watch, std::string path) {
      if (watch.domid != 0 && watch.domid == quota.lossyDomain &&
          toLossy++ >= quota.maxEventsPerChange) {
        return;
      }
      queueEvent(watch, std::move(path));
    };
    for (const Watch& watch : watches) {
      if (watch.special) continue;
      if (detail::isAtOrBelow(change.path, watch.absolute)) {
        const bool readable =
            detail::mayRead(watch.domid, change.perms) ||
            (!change.previousPerms.empty() && detail::mayRead(watch.domid, change.previousPerms));
        if (readable) queueCounted(watch, change.path.substr(watch.relativePrefix));
      } else if (change.removed && detail::isAtOrBelow(watch.absolute, change.path)) {
        // The watched node went with the subtree: the event names the watch's own path.
        const detail::XsNode& gone =
            detail::nearestNode(*change.removed, detail::pathBelow(watch.absolute, change.path));
        if (detail::mayRead(watch.domid, gone.perms)) queueCounted(watch, watch.given);
      }
    }
  }
};

XenStoreTree::XenStoreTree(XenStoreQuota quota) : impl_(std::make_unique<Impl>()) {
  impl_->quota = quota;
}

XenStoreTree::~XenStoreTree() = default;

Result<std::string> XenStoreTree::read(const Caller& caller, XsTransactionId tx,
                                       std::string_view path) {
  return impl_->query(caller, tx, path, detail::xsRead);
}

Status XenStoreTree::write(const Caller& caller, XsTransactionId tx, std::string_view path,
                           std::string_view value) {
  return impl_->mutate(caller, tx, path, Op{OpKind::Write, {}, std::string(value), {}});
}

Status XenStoreTree::mkdir(const Caller& caller, XsTransactionId tx, std::string_view path) {
  return impl_->mutate(caller, tx, path, Op{OpKind::Mkdir, {}, {}, {}});
}

Status XenStoreTree::remove(const Caller& caller, XsTransactionId tx, std::string_view path) {
  return impl_->mutate(caller, tx, path, Op{OpKind::Remove, {}, {}, {}});
}

Result<std::vector<std::string>> XenStoreTree::directory(const Caller& caller, XsTransactionId tx,
                                                         std::string_view path) {
  return impl_->query(caller, tx, path, detail::xsDirectory);
}

Result<std::vector<XsPermission>> XenStoreTree::permissions(const Caller& caller,
                                                            XsTransactionId tx,
                                                            std::string_view path) {
  return impl_->query(caller, tx, path, detail::xsPermissions);
}

Status XenStoreTree::setPermissions(const Caller& caller, XsTransactionId tx, std::string_view path,
                                    std::span<const XsPermission> permissions) {
  return impl_->mutate(
      caller, tx, path,
      Op{OpKind::SetPermissions, {}, {}, {permissions.begin(), permissions.end()}});
}

Result<XsTransactionId> XenStoreTree::transactionStart(const Caller& caller) {
  Impl& impl = *impl_;
  if (caller.domid != 0) {
    const auto open =
        std::count_if(impl.transactions.begin(), impl.transactions.end(),
                      [&](const auto& entry) { return entry.second.domid == caller.domid; });
    if (static_cast<std::size_t>(open) >= impl.quota.maxTransactionsPerDomain) {
      return makeError(ENOSPC, "domain " + std::to_string(caller.domid) + " has " +
                                   std::to_string(open) + " XenStore transactions open");
    }
  }
  // Ids are never 0 and never one still open; the loop ends within (open transactions + 2).
  XsTransactionId id = impl.nextTransaction;
  while (id == kNoTransaction || impl.transactions.contains(id)) ++id;
  impl.nextTransaction = id + 1;
  Transaction tx;
  tx.client = caller.client;
  tx.domid = caller.domid;
  tx.base = impl.live;
  tx.view = impl.live;
  impl.transactions.emplace(id, std::move(tx));
  return id;
}

Status XenStoreTree::transactionEnd(const Caller& caller, XsTransactionId tx, bool commit) {
  Result<Transaction*> found = impl_->transactionOf(caller, tx);
  if (!found) return found.error();
  // The transaction ends whatever the outcome, as in xenstored.
  const auto entry = impl_->transactions.find(tx);
  const Transaction ended = std::move(entry->second);
  impl_->transactions.erase(entry);
  if (!commit) return {};
  return impl_->commit(ended);
}

Status XenStoreTree::addWatch(const Caller& caller, std::string_view path, std::string_view token) {
  Impl& impl = *impl_;
  Result<Watch> watch = impl.makeWatch(caller, path, token);
  if (!watch) return watch.error();
  if (impl.findWatch(*watch) != impl.watches.end()) {
    return makeError(EEXIST, "already watching " + watch->given + " with this token");
  }
  if (caller.domid != 0) {
    const auto owned = std::count_if(impl.watches.begin(), impl.watches.end(),
                                     [&](const Watch& w) { return w.domid == caller.domid; });
    if (static_cast<std::size_t>(owned) >= impl.quota.maxWatchesPerDomain) {
      return makeError(E2BIG, "domain " + std::to_string(caller.domid) + " has " +
                                  std::to_string(owned) + " XenStore watches");
    }
  }
  watch->id = impl.nextWatch++;
  impl.watches.push_back(std::move(*watch));
  // xenstored fires every new watch once, so clients need not read before watching.
  const Watch& added = impl.watches.back();
  impl.queueEvent(added, added.given);
  return {};
}

Status XenStoreTree::removeWatch(const Caller& caller, std::string_view path,
                                 std::string_view token) {
  Impl& impl = *impl_;
  Result<Watch> like = impl.makeWatch(caller, path, token);
  if (!like) return like.error();
  const auto found = impl.findWatch(*like);
  if (found == impl.watches.end()) {
    return makeError(ENOENT, "no watch on " + like->given + " with this token");
  }
  const std::uint64_t id = found->id;
  impl.watches.erase(found);
  std::erase_if(impl.queue, [&](const QueuedEvent& event) { return event.watchId == id; });
  return {};
}

void XenStoreTree::fireSpecial(std::string_view name) {
  for (const Watch& watch : impl_->watches) {
    if (watch.special && watch.absolute == name) impl_->queueEvent(watch, watch.given);
  }
}

void XenStoreTree::dropClient(ClientId client) {
  Impl& impl = *impl_;
  std::erase_if(impl.watches, [&](const Watch& watch) { return watch.client == client; });
  std::erase_if(impl.queue, [&](const QueuedEvent& event) { return event.fired.client == client; });
  std::erase_if(impl.transactions,
                [&](const auto& entry) { return entry.second.client == client; });
}

std::vector<FiredWatch> XenStoreTree::takeFiredWatches() {
  std::vector<FiredWatch> fired;
  fired.reserve(impl_->queue.size());
  for (QueuedEvent& event : impl_->queue) fired.push_back(std::move(event.fired));
  impl_->queue.clear();
  return fired;
}

}  // namespace vcam::xen::emu
