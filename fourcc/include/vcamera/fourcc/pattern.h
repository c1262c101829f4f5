// SPDX-License-Identifier: MIT
// Test frames: colour bars rendered into any format convertFrame() can write.
#pragma once

#include <cstdint>
#include <vector>

#include "vcamera/common/result.h"
#include "vcamera/fourcc/format_info.h"
#include "vcamera/fourcc/layout.h"

namespace vcam::fourcc {

/// Eight vertical bars (white, yellow, cyan, green, magenta, red, blue, black) over a grey
/// ramp in the bottom quarter, as a packed frame (stride alignment 1) of `format`.
[[nodiscard]] Result<std::vector<std::uint8_t>> renderColourBars(const FormatInfo& format,
                                                                 Size size);

}  // namespace vcam::fourcc
