// SPDX-License-Identifier: MIT
// Colour bars, drawn once in ARGB and converted to the requested format by convertFrame().
#include "vcamera/fourcc/pattern.h"

#include <array>

#include "vcamera/fourcc/convert.h"

namespace vcam::fourcc {
namespace {

// 75% bars, as bytes B G R A (libyuv ARGB, V4L2 ABGR32).
constexpr std::array<std::array<std::uint8_t, 4>, 8> kBars{{
    {191, 191, 191, 255},  // white
    {0, 191, 191, 255},    // yellow
    {191, 191, 0, 255},    // cyan
    {0, 191, 0, 255},      // green
    {191, 0, 191, 255},    // magenta
    {0, 0, 191, 255},      // red
    {191, 0, 0, 255},      // blue
    {0, 0, 0, 255},        // black
}};

std::vector<std::uint8_t> drawArgb(Size size) {
  const std::size_t w = size.width;
  const std::size_t h = size.height;
  std::vector<std::uint8_t> argb(w * h * 4);
  const std::size_t rampStart = h - h / 4;
  for (std::size_t y = 0; y < h; ++y) {
    for (std::size_t x = 0; x < w; ++x) {
      std::uint8_t* px = &argb[(y * w + x) * 4];
      if (y >= rampStart) {
        const auto level = static_cast<std::uint8_t>(x * 255 / (w > 1 ? w - 1 : 1));
        px[0] = px[1] = px[2] = level;
        px[3] = 255;
      } else {
        const auto& bar = kBars[x * kBars.size() / w];
        std::copy(bar.begin(), bar.end(), px);
      }
    }
  }
  return argb;
}

}  // namespace

Result<std::vector<std::uint8_t>> renderColourBars(const FormatInfo& format, Size size) {
  if (auto layout = computeLayout(format, size); !layout) return layout.error();
  if (size.width > kMaxDimension || size.height > kMaxDimension) {
    return makeError(EINVAL, "colour bars: size above " + std::to_string(kMaxDimension));
  }
  const auto argb = drawArgb(size);
  return convertPacked(fromName("ABGR32"), format, size, argb);
}

}  // namespace vcam::fourcc
