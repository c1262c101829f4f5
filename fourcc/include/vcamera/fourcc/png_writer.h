// SPDX-License-Identifier: MIT
// Writes any convertible frame as an 8-bit RGB PNG, so people can look at frames.
#pragma once

#include <string>

#include "vcamera/common/result.h"
#include "vcamera/fourcc/convert.h"

namespace vcam::fourcc {

/// Converts `frame` to RGB with libyuv and writes it to `path` with libpng. Errors: those of
/// convertFrame(), or EIO with libpng's message.
[[nodiscard]] Status writePng(const ConstFrame& frame, const std::string& path);

}  // namespace vcam::fourcc
