// SPDX-License-Identifier: MIT
// The one place where errno values become cameraif wire statuses (-XEN_Exx) and back.
#pragma once

#include <cstdint>
#include <string_view>

#include "vcamera/common/result.h"

namespace vcam::proto {

/// Wire status for a positive errno (0 = success): -XEN_E<same name>. An errno Xen has no
/// name for becomes -XEN_EIO, so a guest never sees a value outside Xen's errno list.
[[nodiscard]] std::int32_t toWireStatus(int errnoValue);

/// Wire status of a failed Result.
[[nodiscard]] inline std::int32_t toWireStatus(const Error& error) {
  return toWireStatus(error.code);
}

/// Positive errno for a wire status (0 = success). A positive status, or a negative one Xen
/// does not define, is a broken peer and reads as EIO.
[[nodiscard]] int fromWireStatus(std::int32_t status);

/// "EINVAL" for 22: the name Xen's errno list gives a positive errno, or "" if none.
[[nodiscard]] std::string_view xenErrnoName(int errnoValue);

}  // namespace vcam::proto
