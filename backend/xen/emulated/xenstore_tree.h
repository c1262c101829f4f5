// SPDX-License-Identifier: MIT
// xenstored's data model in memory - nodes, permissions, transactions, watches, quotas - for the
// emulated Xen's broker. No sockets here: the broker calls it on behalf of its clients.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <vcamera/common/result.h>

#include "backend/xen/transport.h"

namespace vcam::xen::emu {

/// One connection to the broker: transactions and watches belong to it.
using ClientId = std::uint64_t;

/// Who is asking: the connection and the domain it speaks for.
struct Caller {
  ClientId client = 0;
  DomId domid = 0;
};

/// Limits that keep one domain from starving the others (xenstored's defaults where it has one).
/// Value, path and token sizes are protocol limits and bind everybody, dom0 included (EINVAL
/// for a long path, E2BIG for a long value or token); the counts bind every domain but dom0.
struct XenStoreQuota {
  std::size_t maxValueBytes = 4096;           ///< XENSTORE_PAYLOAD_MAX; also bounds watch tokens
  std::size_t maxPathBytes = 3072;            ///< XENSTORE_ABS_PATH_MAX, after resolving
  std::size_t maxNodesPerDomain = 1000;       ///< nodes a domain may own (ENOSPC)
  std::size_t maxWatchesPerDomain = 128;      ///< E2BIG, as xenstored
  std::size_t maxTransactionsPerDomain = 10;  ///< open at once (ENOSPC)
  std::size_t maxPermissionsPerNode = 5;      ///< entries in one setPermissions list (ENOSPC)
  /// Distinct nodes one transaction may look at, and changes it may make, before further
  /// operations in it fail with ENOSPC (xenstored's transaction-nodes quota).
  std::size_t maxNodesPerTransaction = 1024;
  /// Watch events one change may fire for domain `lossyDomain` (never dom0); the rest are
  /// dropped. xenstored drops events to unprivileged domains as well (past their memory
  /// quota, or unread for 20 s), so a driver domain's backend must not count on every one;
  /// tests make the backend's domain lossy to show that it does not. Off by default.
  DomId lossyDomain = 0;
  std::size_t maxEventsPerChange = std::numeric_limits<std::size_t>::max();
};

/// A watch event for a client.
struct FiredWatch {
  ClientId client = 0;
  XsWatchEvent event;
};

/// The whole store. Semantics follow xenstored (docs/misc/xenstore.txt):
///  - A new store holds only "/", owned by dom0 with permissions "n0" (nobody else may read it).
///    Relative paths resolve under /local/domain/<caller domid>/.
///  - Path rules: absolute or relative, characters [A-Za-z0-9/_@-], no empty component, no
///    trailing slash (except "/" itself); paths starting with '@' are special watch names only.
///    EINVAL otherwise, and for paths longer than maxPathBytes once resolved.
///  - Permissions: dom0 may do anything; a node's owner (first entry) has full access; other
///    domains get their listed entry, else the first entry's access. Reading (read, directory,
///    permissions) needs Read; write, mkdir and remove need Write on the node, creating needs
///    Write on the nearest existing ancestor. New nodes (missing parents included) inherit
///    that ancestor's permissions, with the owner replaced by the creating domain unless that
///    is dom0. EACCES when denied - also instead of ENOENT when the caller may not read the
///    nearest existing ancestor of a missing node. Only the owner or dom0 may setPermissions;
///    only dom0 may change the owner (EPERM).
///  - remove: of a missing node succeeds when its parent exists (ENOENT otherwise), of "/" is
///    EINVAL. mkdir of an existing node changes nothing and fires nothing.
///  - directory() lists child names sorted by byte value.
///  - Transactions: operations with a transaction id see a snapshot taken at start plus the
///    transaction's own changes; commit fails with EAGAIN (nothing applied) when a node the
///    transaction looked at - read, listed, wrote, found missing, or checked permissions on
///    (for a new node: its nearest existing ancestor) - was changed by someone else since the
///    start (so, as in xenstored, two transactions creating siblings under one parent
///    conflict). Commit replays the transaction's changes on the live tree, all or nothing (a
///    quota exceeded by then fails the commit with nothing applied). A transaction ends with
///    its transactionEnd() whatever the outcome; its id belongs to the client that started it
///    (ENOENT for anyone else, as for an unknown id).
///  - Watches fire for the watched path and every path below it, once on registration (with the
///    watched path), then for each write, mkdir, setPermissions and remove (a removal fires for
///    the removed path; watches below it fire with their own path). Events are only sent to a
///    domain allowed to read the node (before removal, for removals; before or after, for
///    setPermissions). Changes made in a transaction fire at commit. A watch registered with a
///    relative path gets relative event paths. Events are queued in order of the changes, and
///    per change in order of watch registration.
///  - Quotas: see XenStoreQuota.
class XenStoreTree {
 public:
  explicit XenStoreTree(XenStoreQuota quota = {});
  ~XenStoreTree();
  XenStoreTree(const XenStoreTree&) = delete;
  XenStoreTree& operator=(const XenStoreTree&) = delete;

  [[nodiscard]] Result<std::string> read(const Caller& caller, XsTransactionId tx,
                                         std::string_view path);
  [[nodiscard]] Status write(const Caller& caller, XsTransactionId tx, std::string_view path,
                             std::string_view value);
  [[nodiscard]] Status mkdir(const Caller& caller, XsTransactionId tx, std::string_view path);
  [[nodiscard]] Status remove(const Caller& caller, XsTransactionId tx, std::string_view path);
  [[nodiscard]] Result<std::vector<std::string>> directory(const Caller& caller, XsTransactionId tx,
                                                           std::string_view path);
  [[nodiscard]] Result<std::vector<XsPermission>> permissions(const Caller& caller,
                                                              XsTransactionId tx,
                                                              std::string_view path);
  [[nodiscard]] Status setPermissions(const Caller& caller, XsTransactionId tx,
                                      std::string_view path,
                                      std::span<const XsPermission> permissions);

  [[nodiscard]] Result<XsTransactionId> transactionStart(const Caller& caller);
  [[nodiscard]] Status transactionEnd(const Caller& caller, XsTransactionId tx, bool commit);

  /// Registers a watch (EEXIST for the same path and token twice on one client) and queues its
  /// initial event. Special names "@introduceDomain" and "@releaseDomain" are accepted.
  [[nodiscard]] Status addWatch(const Caller& caller, std::string_view path,
                                std::string_view token);
  /// Unregisters a watch (ENOENT when there is none); its undelivered events are dropped.
  [[nodiscard]] Status removeWatch(const Caller& caller, std::string_view path,
                                   std::string_view token);
  /// Fires a special watch ("@introduceDomain", "@releaseDomain") for every client watching it.
  void fireSpecial(std::string_view name);
  /// A client went away: its watches, open transactions and undelivered events are dropped.
  void dropClient(ClientId client);

  /// The watch events fired since the last call, in order.
  [[nodiscard]] std::vector<FiredWatch> takeFiredWatches();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vcam::xen::emu
