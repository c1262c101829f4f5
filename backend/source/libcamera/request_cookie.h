// SPDX-License-Identifier: MIT
// What CameraStream's two capture modes share: request cookies and libcamera's -errno as Error.
#pragma once

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <string>

#include <vcamera/common/result.h>

namespace vcam::source::lc {

/// A request's cookie: the start it belongs to (high half) and its slot or buffer id (low
/// half), so that a completion posted before a stop() is recognised as stale.
[[nodiscard]] inline std::uint64_t makeCookie(std::uint32_t generation, std::uint32_t index) {
  return (std::uint64_t{generation} << 32) | index;
}
[[nodiscard]] inline std::uint32_t cookieGeneration(std::uint64_t cookie) {
  return static_cast<std::uint32_t>(cookie >> 32);
}
[[nodiscard]] inline std::uint32_t cookieIndex(std::uint64_t cookie) {
  return static_cast<std::uint32_t>(cookie & 0xffffffffU);
}

/// libcamera's return value `rc` (-errno; anything else not below 0 as EIO) with `what`.
[[nodiscard]] inline Error libcameraError(int rc, const std::string& what) {
  const int code = rc < 0 ? -rc : EIO;
  return makeError(code, what + ": " + std::strerror(code));
}

}  // namespace vcam::source::lc
