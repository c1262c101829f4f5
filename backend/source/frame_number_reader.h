// SPDX-License-Identifier: MIT
// Reading back the frame number the test pattern drew: how a guest-side checker finds which
// frame it holds, so it can compare the frame with the one the pattern must produce.
#pragma once

#include <cstdint>

#include "vcamera/common/result.h"
#include "vcamera/fourcc/convert.h"

namespace vcam::source {

/// The frame number in `frame`'s digit box (Scene's geometry for the frame's size). The frame is
/// converted to RGB (any format convertFrame() reads) and each font pixel sampled at its
/// centre: bright is ink. EINVAL when a digit matches no glyph (not a test-pattern frame, or
/// damaged), ENOTSUP for formats convertFrame() cannot read.
[[nodiscard]] Result<std::uint32_t> readFrameNumber(const fourcc::ConstFrame& frame);

}  // namespace vcam::source
