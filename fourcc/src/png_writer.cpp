// SPDX-License-Identifier: MIT
// PNG output: libyuv to 8-bit BGR, then libpng's simplified write API.
#include "vcamera/fourcc/png_writer.h"

#include <png.h>

#include <string>
#include <vector>

namespace vcam::fourcc {

Status writePng(const ConstFrame& frame, const std::string& path) {
  // V4L2 BGR24 is bytes B G R: libpng's PNG_FORMAT_BGR.
  const FormatInfo& bgr = fromName("BGR24");
  auto layout = computeLayout(bgr, frame.layout.size);
  if (!layout) return layout.error();
  std::vector<std::uint8_t> pixels(layout->totalSize);
  auto dst = viewPacked(bgr, *layout, std::span<std::uint8_t>(pixels));
  if (!dst) return dst.error();
  if (auto s = convertFrame(frame, *dst); !s) return s;

  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  image.width = layout->size.width;
  image.height = layout->size.height;
  image.format = PNG_FORMAT_BGR;
  const auto stride = static_cast<png_int_32>(layout->memPlanes[0].bytesPerLine);
  if (png_image_write_to_file(&image, path.c_str(), 0, pixels.data(), stride, nullptr) == 0) {
    std::string message = "cannot write PNG '" + path + "': " + image.message;
    png_image_free(&image);
    return makeError(EIO, message);
  }
  return {};
}

}  // namespace vcam::fourcc
