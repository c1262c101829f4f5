// SPDX-License-Identifier: MIT
// XenStore path rules for the emulated xenstored: validation, relative paths, ancestry tests.
#include "backend/xen/emulated/xenstore_path.h"

#include <cerrno>

namespace vcam::xen::emu::detail {
namespace {

bool isPathChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '/' ||
         c == '_' || c == '@' || c == '-';
}

}  // namespace

std::string domainPath(DomId domid) { return "/local/domain/" + std::to_string(domid); }

bool isValidAbsolutePath(std::string_view path) {
  if (path.empty() || path.front() != '/') return false;
  if (path.size() == 1) return true;
  if (path.back() == '/') return false;
  char previous = '\0';
  for (char c : path) {
    if (!isPathChar(c)) return false;
    if (c == '/' && previous == '/') return false;
    previous = c;
  }
  return true;
}

Result<std::string> resolvePath(DomId domid, std::string_view path, std::size_t maxBytes) {
  if (path.empty()) return makeError(EINVAL, "empty XenStore path");
  if (path.front() == '@') {
    return makeError(EINVAL, "XenStore path '@...' names a special watch, not a node");
  }
  // Refuse before allocating: a resolved path is never shorter than what was given.
  if (path.size() > maxBytes) {
    return makeError(EINVAL, "XenStore path longer than " + std::to_string(maxBytes) + " bytes");
  }
  std::string absolute;
  if (path.front() == '/') {
    absolute.assign(path);
  } else {
    absolute = domainPath(domid);
    absolute += '/';
    absolute += path;
  }
  if (absolute.size() > maxBytes) {
    return makeError(EINVAL, "XenStore path longer than " + std::to_string(maxBytes) + " bytes");
  }
  if (!isValidAbsolutePath(absolute)) {
    return makeError(EINVAL,
                     "malformed XenStore path (characters [A-Za-z0-9/_@-], no empty "
                     "component, no trailing '/')");
  }
  return absolute;
}

bool isAtOrBelow(std::string_view path, std::string_view base) {
  if (base == "/") return true;
  if (!path.starts_with(base)) return false;
  return path.size() == base.size() || path[base.size()] == '/';
}

std::string_view pathBelow(std::string_view path, std::string_view base) {
  if (path.size() == base.size()) return {};
  // "/" ends in its own separator; every other base is followed by one in `path`.
  const std::size_t skip = base == "/" ? 1 : base.size() + 1;
  return path.substr(skip);
}

SplitPath splitFirst(std::string_view relative) {
  const std::size_t slash = relative.find('/');
  if (slash == std::string_view::npos) return {relative, {}};
  return {relative.substr(0, slash), relative.substr(slash + 1)};
}

}  // namespace vcam::xen::emu::detail
