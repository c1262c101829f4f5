// SPDX-License-Identifier: MIT
// The emulated xenstored's node tree: copy-on-write nodes, permission checks and the operations
// (read, write, mkdir, rm, directory, get/set permissions) on one tree, live or transactional.
#include "backend/xen/emulated/xenstore_node.h"

#include <algorithm>
#include <cerrno>
#include <utility>

#include "backend/xen/emulated/xenstore_path.h"

namespace vcam::xen::emu::detail {
namespace {

void takeChildren(XsNode& node, std::vector<XsNodePtr>& into) {
  for (auto& entry : node.children) into.push_back(std::move(entry.second));
  node.children.clear();
}

/// The deepest existing node on the way to `relative` below `top`, and what is left unmatched
/// (empty when the whole path exists). Each step consumes a component: bounded by the length.
struct Descent {
  const XsNode* nearest = nullptr;
  std::string_view unmatched;
};

Descent descend(const XsNode& top, std::string_view relative) {
  const XsNode* current = &top;
  std::string_view rest = relative;
  while (!rest.empty()) {
    const SplitPath split = splitFirst(rest);
    const auto child = current->children.find(split.head);
    if (child == current->children.end()) break;
    current = child->second.get();
    rest = split.rest;
  }
  return {current, rest};
}

/// Where an absolute path leads in a tree.
struct Walk {
  const XsNode* node = nullptr;     ///< the node at the path, or null
  const XsNode* nearest = nullptr;  ///< the deepest existing node on the way (never null)
  std::string_view nearestPath;     ///< its path: a prefix of the walked path
  std::size_t missing = 0;          ///< components below `nearest` that do not exist
};

Walk walk(const XsState& state, std::string_view path) {
  const Descent descent = descend(*state.root, pathBelow(path, "/"));
  Walk result;
  result.nearest = descent.nearest;
  if (descent.unmatched.empty()) {
    result.node = descent.nearest;
    result.nearestPath = path;
    return result;
  }
  // The unmatched part is a suffix of `path`; the '/' before it separates it from its parent.
  const auto matched = static_cast<std::size_t>(descent.unmatched.data() - path.data()) - 1;
  result.nearestPath = matched == 0 ? std::string_view("/") : path.substr(0, matched);
  result.missing = 1 + static_cast<std::size_t>(
                           std::count(descent.unmatched.begin(), descent.unmatched.end(), '/'));
  return result;
}

void note(XsOpContext& ctx, std::string_view path) {
  if (ctx.accessed != nullptr) ctx.accessed->emplace(path);
}

void bump(XsOpContext& ctx, XsNode& node) { node.version = ++*ctx.versions; }

void recordChange(XsOpContext& ctx, XsChange change) {
  if (ctx.changes != nullptr) ctx.changes->push_back(std::move(change));
}

Error denied(std::string_view path) {
  return makeError(EACCES, "permission denied on XenStore node " + std::string(path));
}

/// xenstored's answer for a missing node: EACCES rather than ENOENT when the caller may not
/// read the nearest node that does exist, so absence does not leak through unreadable nodes.
Error missing(XsOpContext& ctx, const Walk& where, std::string_view path) {
  note(ctx, where.nearestPath);
  if (!mayRead(ctx.domid, where.nearest->perms)) return denied(path);
  return makeError(ENOENT, "no such XenStore node: " + std::string(path));
}

Result<const XsNode*> readableNode(const XsState& state, XsOpContext& ctx, std::string_view path) {
  note(ctx, path);
  const Walk where = walk(state, path);
  if (where.node == nullptr) return missing(ctx, where, path);
  if (!mayRead(ctx.domid, where.node->perms)) return denied(path);
  return where.node;
}

/// Makes `slot` the only holder of its node, copying it when a snapshot shares it.
XsNode& makeUnique(XsNodePtr& slot) {
  if (slot.use_count() > 1) slot = std::make_shared<XsNode>(*slot);
  return *slot;
}

/// The existing node at `path`, unshared (with its ancestors) so it may be changed in place.
XsNode* mutableNode(XsState& state, std::string_view path) {
  XsNode* current = &makeUnique(state.root);
  std::string_view rest = pathBelow(path, "/");
  while (!rest.empty()) {
    const SplitPath split = splitFirst(rest);
    const auto child = current->children.find(split.head);
    if (child == current->children.end()) return nullptr;
    current = &makeUnique(child->second);
    rest = split.rest;
  }
  return current;
}

Error internalError(std::string_view path) {
  return makeError(EIO, "XenStore tree inconsistent at " + std::string(path));
}

void addOwned(XsState& state, DomId owner, std::size_t count) { state.owned[owner] += count; }

void dropOwned(XsState& state, DomId owner, std::size_t count) {
  const auto entry = state.owned.find(owner);
  if (entry == state.owned.end()) return;
  entry->second -= std::min(entry->second, count);
  if (entry->second == 0) state.owned.erase(entry);
}

std::size_t ownedBy(const XsState& state, DomId owner) {
  const auto entry = state.owned.find(owner);
  return entry == state.owned.end() ? 0 : entry->second;
}

/// Uncounts every node of a removed subtree from its owner (iteratively).
void dropSubtreeOwners(XsState& state, const XsNode& top) {
  std::vector<const XsNode*> pending{&top};
  while (!pending.empty()) {
    const XsNode* node = pending.back();
    pending.pop_back();
    dropOwned(state, node->perms.front().domid, 1);
    for (const auto& entry : node->children) pending.push_back(entry.second.get());
  }
}

/// Creates the missing node at `path` and any missing parents. The caller needs Write on the
/// nearest existing ancestor; every new node inherits its permissions, owned by the creator
/// unless that is dom0.
Status create(XsState& state, XsOpContext& ctx, std::string_view path, const Walk& where,
              std::string_view value) {
  note(ctx, where.nearestPath);
  if (!mayWrite(ctx.domid, where.nearest->perms)) return denied(path);
  std::vector<XsPermission> perms = where.nearest->perms;
  if (ctx.domid != 0) perms.front().domid = ctx.domid;
  const DomId owner = perms.front().domid;
  const std::size_t limit = ctx.quota->maxNodesPerDomain;
  if (ctx.domid != 0 && (where.missing > limit || ownedBy(state, owner) > limit - where.missing)) {
    return makeError(ENOSPC, "domain " + std::to_string(owner) + " would own more than " +
                                 std::to_string(limit) + " XenStore nodes");
  }
  const std::string_view nearestPath = where.nearestPath;
  const std::size_t created = where.missing;
  // From here on `where` may point at nodes the copy-on-write below replaces.
  XsNode* parent = mutableNode(state, nearestPath);
  if (parent == nullptr) return internalError(nearestPath);
  bump(ctx, *parent);
  std::string_view rest = pathBelow(path, nearestPath);
  while (!rest.empty()) {
    const SplitPath split = splitFirst(rest);
    auto node = std::make_shared<XsNode>();
    node->perms = perms;
    if (split.rest.empty()) node->value.assign(value);
    bump(ctx, *node);
    XsNode* next = node.get();
    parent->children.emplace(std::string(split.head), std::move(node));
    parent = next;
    rest = split.rest;
  }
  addOwned(state, owner, created);
  recordChange(ctx, XsChange{std::string(path), std::move(perms), {}, nullptr});
  return {};
}

}  // namespace

XsNode::~XsNode() {
  if (children.empty()) return;
  std::vector<XsNodePtr> pending;
  takeChildren(*this, pending);
  while (!pending.empty()) {
    XsNodePtr node = std::move(pending.back());
    pending.pop_back();
    // Only the last holder tears a node down; its children are then released by this loop,
    // so each destructor that runs here finds no children of its own.
    if (node.use_count() == 1) takeChildren(*node, pending);
  }
}

XsState makeInitialState() {
  XsState state;
  state.root = std::make_shared<XsNode>();
  state.root->perms = {XsPermission{0, XsAccess::None}};
  state.owned[0] = 1;
  return state;
}

XsAccess accessFor(DomId domid, std::span<const XsPermission> perms) {
  if (domid == 0) return XsAccess::ReadWrite;
  if (perms.empty()) return XsAccess::None;
  if (perms.front().domid == domid) return XsAccess::ReadWrite;
  for (const XsPermission& entry : perms.subspan(1)) {
    if (entry.domid == domid) return entry.access;
  }
  return perms.front().access;
}

bool mayRead(DomId domid, std::span<const XsPermission> perms) {
  const XsAccess access = accessFor(domid, perms);
  return access == XsAccess::Read || access == XsAccess::ReadWrite;
}

bool mayWrite(DomId domid, std::span<const XsPermission> perms) {
  const XsAccess access = accessFor(domid, perms);
  return access == XsAccess::Write || access == XsAccess::ReadWrite;
}

const XsNode& nearestNode(const XsNode& top, std::string_view relative) {
  return *descend(top, relative).nearest;
}

std::optional<std::uint64_t> versionAt(const XsState& state, std::string_view path) {
  const Walk where = walk(state, path);
  if (where.node == nullptr) return std::nullopt;
  return where.node->version;
}

Result<std::string> xsRead(const XsState& state, XsOpContext& ctx, std::string_view path) {
  Result<const XsNode*> node = readableNode(state, ctx, path);
  if (!node) return node.error();
  return (*node)->value;
}

Result<std::vector<std::string>> xsDirectory(const XsState& state, XsOpContext& ctx,
                                             std::string_view path) {
  Result<const XsNode*> node = readableNode(state, ctx, path);
  if (!node) return node.error();
  std::vector<std::string> names;
  names.reserve((*node)->children.size());
  for (const auto& entry : (*node)->children) names.push_back(entry.first);
  return names;
}

Result<std::vector<XsPermission>> xsPermissions(const XsState& state, XsOpContext& ctx,
                                                std::string_view path) {
  Result<const XsNode*> node = readableNode(state, ctx, path);
  if (!node) return node.error();
  return (*node)->perms;
}

Status xsWrite(XsState& state, XsOpContext& ctx, std::string_view path, std::string_view value) {
  if (value.size() > ctx.quota->maxValueBytes) {
    return makeError(
        E2BIG, "XenStore value longer than " + std::to_string(ctx.quota->maxValueBytes) + " bytes");
  }
  note(ctx, path);
  const Walk where = walk(state, path);
  if (where.node == nullptr) return create(state, ctx, path, where, value);
  if (!mayWrite(ctx.domid, where.node->perms)) return denied(path);
  XsNode* node = mutableNode(state, path);
  if (node == nullptr) return internalError(path);
  node->value.assign(value);
  bump(ctx, *node);
  recordChange(ctx, XsChange{std::string(path), node->perms, {}, nullptr});
  return {};
}

Status xsMkdir(XsState& state, XsOpContext& ctx, std::string_view path) {
  note(ctx, path);
  const Walk where = walk(state, path);
  if (where.node == nullptr) return create(state, ctx, path, where, {});
  // Like xenstored: an existing node still needs Write, and nothing changes (no watch fires).
  if (!mayWrite(ctx.domid, where.node->perms)) return denied(path);
  return {};
}

Status xsRemove(XsState& state, XsOpContext& ctx, std::string_view path) {
  if (path == "/") return makeError(EINVAL, "the XenStore root cannot be removed");
  note(ctx, path);
  const Walk where = walk(state, path);
  if (where.node == nullptr) {
    // xenstored: removing what is not there succeeds if its parent exists.
    if (where.missing == 1) {
      note(ctx, where.nearestPath);
      if (mayRead(ctx.domid, where.nearest->perms)) return {};
    }
    return missing(ctx, where, path);
  }
  if (!mayWrite(ctx.domid, where.node->perms)) return denied(path);
  const std::size_t slash = path.rfind('/');
  const std::string_view parentPath = slash == 0 ? std::string_view("/") : path.substr(0, slash);
  const std::string_view name = path.substr(slash + 1);
  XsNode* parent = mutableNode(state, parentPath);
  if (parent == nullptr) return internalError(parentPath);
  const auto child = parent->children.find(name);
  if (child == parent->children.end()) return internalError(path);
  XsNodePtr removed = std::move(child->second);
  parent->children.erase(child);
  bump(ctx, *parent);
  dropSubtreeOwners(state, *removed);
  std::vector<XsPermission> perms = removed->perms;
  recordChange(ctx, XsChange{std::string(path), std::move(perms), {}, std::move(removed)});
  return {};
}

Status xsSetPermissions(XsState& state, XsOpContext& ctx, std::string_view path,
                        std::span<const XsPermission> perms) {
  if (perms.empty()) return makeError(EINVAL, "empty XenStore permission list");
  for (const XsPermission& entry : perms) {
    if (static_cast<unsigned>(entry.access) > static_cast<unsigned>(XsAccess::ReadWrite)) {
      return makeError(EINVAL, "unknown XenStore access value");
    }
  }
  if (ctx.domid != 0 && perms.size() > ctx.quota->maxPermissionsPerNode) {
    return makeError(ENOSPC, "more than " + std::to_string(ctx.quota->maxPermissionsPerNode) +
                                 " XenStore permission entries");
  }
  note(ctx, path);
  const Walk where = walk(state, path);
  if (where.node == nullptr) return missing(ctx, where, path);
  const DomId oldOwner = where.node->perms.front().domid;
  if (ctx.domid != 0 && oldOwner != ctx.domid) {
    return makeError(EACCES,
                     "only the owner or dom0 may change the permissions of " + std::string(path));
  }
  const DomId newOwner = perms.front().domid;
  if (ctx.domid != 0 && newOwner != oldOwner) {
    return makeError(EPERM,
                     "only dom0 may give XenStore node " + std::string(path) + " another owner");
  }
  XsNode* node = mutableNode(state, path);
  if (node == nullptr) return internalError(path);
  std::vector<XsPermission> previous = std::move(node->perms);
  node->perms.assign(perms.begin(), perms.end());
  bump(ctx, *node);
  if (newOwner != oldOwner) {
    dropOwned(state, oldOwner, 1);
    addOwned(state, newOwner, 1);
  }
  recordChange(ctx, XsChange{std::string(path), node->perms, std::move(previous), nullptr});
  return {};
}

}  // namespace vcam::xen::emu::detail
