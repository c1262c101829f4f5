// SPDX-License-Identifier: MIT
// XenStore path rules for the emulated xenstored: validation, relative paths, ancestry tests.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include <vcamera/common/result.h>

#include "backend/xen/transport.h"

namespace vcam::xen::emu::detail {

/// The special watch names xenstored fires when the toolstack introduces or releases a domain.
inline constexpr std::string_view kIntroduceDomain = "@introduceDomain";
inline constexpr std::string_view kReleaseDomain = "@releaseDomain";

/// "/local/domain/<domid>": the node a domain's relative paths resolve under.
[[nodiscard]] std::string domainPath(DomId domid);

/// True for a well-formed absolute path: starts with '/', characters [A-Za-z0-9/_@-], no empty
/// component, no trailing '/' (except "/" itself).
[[nodiscard]] bool isValidAbsolutePath(std::string_view path);

/// The absolute path `domid` means by `path`: relative paths resolve under domainPath(domid).
/// EINVAL for an empty, malformed or '@' path, or one longer than `maxBytes` once resolved.
[[nodiscard]] Result<std::string> resolvePath(DomId domid, std::string_view path,
                                              std::size_t maxBytes);

/// True when `path` is `base` or below it (both valid absolute paths).
[[nodiscard]] bool isAtOrBelow(std::string_view path, std::string_view base);

/// What `path` (at or below `base`) adds to it: "" for `base` itself, else "a/b" without the
/// leading '/'. The form XsNode walks take.
[[nodiscard]] std::string_view pathBelow(std::string_view path, std::string_view base);

/// Splits "a/b/c" at its first '/': the first component and the rest ("" when none is left).
struct SplitPath {
  std::string_view head;
  std::string_view rest;
};
[[nodiscard]] SplitPath splitFirst(std::string_view relative);

}  // namespace vcam::xen::emu::detail
