// SPDX-License-Identifier: MIT
// readFrameNumber(): the digit box sampled in an RGB copy of the frame.
#include "backend/source/frame_number_reader.h"

#include <cerrno>
#include <string>
#include <vector>

#include "backend/source/scene.h"

namespace vcam::source {
namespace {

constexpr std::uint8_t kInkThreshold = 128;  // ink is white, paper black: halfway between

}  // namespace

Result<std::uint32_t> readFrameNumber(const fourcc::ConstFrame& frame) {
  const fourcc::Size size = frame.layout.size;
  const fourcc::FormatInfo& rgb = fourcc::fromName("XBGR32");  // bytes B G R X
  Result<fourcc::Layout> rgbLayout = fourcc::computeLayout(rgb, size);
  if (!rgbLayout) return rgbLayout.error();
  std::vector<std::uint8_t> pixels(rgbLayout->totalSize);
  Result<fourcc::MutableFrame> target =
      fourcc::viewPacked(rgb, *rgbLayout, std::span<std::uint8_t>(pixels));
  if (!target) return target.error();
  if (Status converted = fourcc::convertFrame(frame, *target); !converted) {
    return converted.error();
  }
  const Scene scene(size);
  const Rect box = scene.digitBox();
  const std::uint32_t scale = scene.digitScale();
  const std::uint32_t stride = rgbLayout->colorPlanes[0].stride;
  // Green: the channel every colour format keeps best.
  const auto inkAt = [&](std::uint32_t x, std::uint32_t y) {
    return pixels[std::size_t{y} * stride + std::size_t{x} * 4 + 1] >= kInkThreshold;
  };
  if (box.x + box.width > size.width || box.y + box.height > size.height) {
    return makeError(EINVAL, "the frame is too small to hold the frame number");
  }
  std::uint64_t number = 0;
  for (std::uint32_t k = 0; k < kDigitCount; ++k) {
    std::uint32_t found = 10;
    for (std::uint32_t digit = 0; digit < 10 && found == 10; ++digit) {
      bool matches = true;
      for (std::uint32_t row = 0; row < kGlyphHeight && matches; ++row) {
        const std::uint32_t y = box.y + (1 + row) * scale + scale / 2;
        for (std::uint32_t col = 0; col < kGlyphWidth && matches; ++col) {
          const std::uint32_t x = box.x + (1 + k * kCellWidth + col) * scale + scale / 2;
          const bool ink = (glyphRow(digit, row) & (0x10u >> col)) != 0;
          matches = inkAt(x, y) == ink;
        }
      }
      if (matches) found = digit;
    }
    if (found == 10) {
      return makeError(EINVAL,
                       "digit " + std::to_string(k + 1) + " of the frame number is unreadable");
    }
    number = number * 10 + found;
  }
  if (number > UINT32_MAX) return makeError(EINVAL, "the frame number is out of range");
  return static_cast<std::uint32_t>(number);
}

}  // namespace vcam::source
