// SPDX-License-Identifier: MIT
// Internal: the libyuv routines convertFrame() dispatches to, keyed by memory layout.
#pragma once

#include <array>
#include <cstdint>

#include "vcamera/common/result.h"
#include "vcamera/fourcc/format_info.h"

namespace vcam::fourcc::detail {

/// Colour planes of one frame as libyuv wants them (pointer and int stride), in table order.
struct Planes {
  std::array<const std::uint8_t*, 4> data{};
  std::array<int, 4> stride{};
  std::size_t bytes = 0;  ///< compressed formats: length of the bitstream
};
struct MutablePlanes {
  std::array<std::uint8_t*, 4> data{};
  std::array<int, 4> stride{};
};

/// Three 8-bit planes, 4:2:0 (libyuv's I420).
struct I420 {
  std::uint8_t* y;
  std::uint8_t* u;
  std::uint8_t* v;
  int strideY;
  int strideUv;
};

// Each returns false when libyuv has no routine for the format. Layout keys are DRM codes
// (NV12 and NV12M share one, so do all formats with identical plane contents), or the V4L2
// code for formats DRM lacks.
bool hasToArgb(const FormatInfo& f);
bool hasFromArgb(const FormatInfo& f);
bool hasToI420(const FormatInfo& f);
bool hasFromI420(const FormatInfo& f);
bool hasDirect(const FormatInfo& from, const FormatInfo& to);
/// libyuv's own ARGB (bytes B G R A/X): converters can read or write it in place.
bool isLibyuvArgb(const FormatInfo& f);

Status toArgb(const FormatInfo& f, const Planes& src, std::uint8_t* argb, int argbStride, int width,
              int height);
Status fromArgb(const FormatInfo& f, const std::uint8_t* argb, int argbStride,
                const MutablePlanes& dst, int width, int height);
Status toI420(const FormatInfo& f, const Planes& src, const I420& dst, int width, int height);
Status fromI420(const FormatInfo& f, const I420& src, const MutablePlanes& dst, int width,
                int height);
Status direct(const FormatInfo& from, const Planes& src, const FormatInfo& to,
              const MutablePlanes& dst, int width, int height);

}  // namespace vcam::fourcc::detail
