// SPDX-License-Identifier: MIT
// The emulated xenstored's node tree: copy-on-write nodes, permission checks and the operations
// (read, write, mkdir, rm, directory, get/set permissions) on one tree, live or transactional.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <vcamera/common/result.h>

#include "backend/xen/emulated/xenstore_tree.h"
#include "backend/xen/transport.h"

namespace vcam::xen::emu::detail {

struct XsNode;
/// Nodes are shared between the live tree and transaction snapshots. A node is changed in place
/// only while nothing else holds it; otherwise it is copied first (copy-on-write), so taking a
/// snapshot is copying one pointer.
using XsNodePtr = std::shared_ptr<XsNode>;

struct XsNode {
  std::string value;
  std::vector<XsPermission> perms;  ///< never empty; [0] is the owner and the default access
  std::map<std::string, XsNodePtr, std::less<>> children;  ///< sorted: directory() order
  /// Drawn from a store-wide counter whenever value, permissions or the set of child names
  /// change (not when something further down does): how commits detect conflicts.
  std::uint64_t version = 0;

  XsNode() = default;
  XsNode(const XsNode&) = default;
  XsNode& operator=(const XsNode&) = delete;
  /// Tears subtrees down with a loop: a deep path must not mean deep destructor recursion.
  ~XsNode();
};

/// One tree and how many of its nodes each domain owns (for the node quota).
struct XsState {
  XsNodePtr root;
  std::map<DomId, std::size_t> owned;
};

/// A fresh tree: "/" alone, owned by dom0, no access for anyone else.
[[nodiscard]] XsState makeInitialState();

/// A change that may fire watches.
struct XsChange {
  std::string path;                         ///< absolute
  std::vector<XsPermission> perms;          ///< after the change (as it was, for a removal)
  std::vector<XsPermission> previousPerms;  ///< setPermissions: the list it replaced
  XsNodePtr removed;                        ///< removals: the subtree as it was
};

/// Who runs an operation, under which limits, and what is recorded on the side.
struct XsOpContext {
  DomId domid = 0;
  const XenStoreQuota* quota = nullptr;
  std::uint64_t* versions = nullptr;  ///< the store-wide version counter
  /// In a transaction: every path whose node (or absence) the operation depended on.
  std::set<std::string, std::less<>>* accessed = nullptr;
  /// Outside transactions (and at commit): the changes, to fire watches with.
  std::vector<XsChange>* changes = nullptr;
};

/// The access `domid` has to a node with `perms` (dom0 and the owner: ReadWrite).
[[nodiscard]] XsAccess accessFor(DomId domid, std::span<const XsPermission> perms);
[[nodiscard]] bool mayRead(DomId domid, std::span<const XsPermission> perms);
[[nodiscard]] bool mayWrite(DomId domid, std::span<const XsPermission> perms);

/// The node at `relative` ("a/b", "" for `top` itself) below `top`, or the deepest existing
/// node on the way there.
[[nodiscard]] const XsNode& nearestNode(const XsNode& top, std::string_view relative);

/// The version of the node at absolute `path`, or nullopt when there is none.
[[nodiscard]] std::optional<std::uint64_t> versionAt(const XsState& state, std::string_view path);

// The operations. `path` is absolute and valid (resolvePath()); errors follow xenstored:
// ENOENT missing, EACCES denied (also for a missing node under one the caller may not read).
[[nodiscard]] Result<std::string> xsRead(const XsState& state, XsOpContext& ctx,
                                         std::string_view path);
[[nodiscard]] Result<std::vector<std::string>> xsDirectory(const XsState& state, XsOpContext& ctx,
                                                           std::string_view path);
[[nodiscard]] Result<std::vector<XsPermission>> xsPermissions(const XsState& state,
                                                              XsOpContext& ctx,
                                                              std::string_view path);
[[nodiscard]] Status xsWrite(XsState& state, XsOpContext& ctx, std::string_view path,
                             std::string_view value);
[[nodiscard]] Status xsMkdir(XsState& state, XsOpContext& ctx, std::string_view path);
[[nodiscard]] Status xsRemove(XsState& state, XsOpContext& ctx, std::string_view path);
[[nodiscard]] Status xsSetPermissions(XsState& state, XsOpContext& ctx, std::string_view path,
                                      std::span<const XsPermission> perms);

}  // namespace vcam::xen::emu::detail
