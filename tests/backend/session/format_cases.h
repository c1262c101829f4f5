// SPDX-License-Identifier: MIT
// One format of each kind the end-to-end frame tests stream (packed, semi-planar, planar,
// multi-planar, RGB, compressed).
#pragma once

#include <cstdint>

namespace vcam::session::test {

struct FormatCase {
  const char* kind;
  std::uint32_t fourcc;
};

inline constexpr FormatCase kFormatKinds[] = {
    {"packed", 0x56595559},       // YUYV
    {"semiplanar", 0x3231564e},   // NV12
    {"planar", 0x32315559},       // YU12 (YUV420), one memory plane
    {"multiplanar", 0x32314d59},  // YM12 (YUV420M), three memory planes
    {"rgb", 0x33424752},          // RGB3 (RGB24)
    {"mjpeg", 0x47504a4d},        // MJPG
};

}  // namespace vcam::session::test
