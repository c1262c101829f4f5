// SPDX-License-Identifier: MIT
// Test helpers: a stable checksum for golden frames, and reading PNGs back with libpng.
#pragma once

#include <png.h>

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace vcam::fourcc::testing {

/// 64-bit FNV-1a: small, stable across platforms, good enough to pin a frame's bytes.
inline std::uint64_t fnv1a(std::span<const std::uint8_t> bytes) {
  std::uint64_t hash = 0xcbf29ce484222325ull;
  for (const auto b : bytes) {
    hash ^= b;
    hash *= 0x100000001b3ull;
  }
  return hash;
}

struct DecodedPng {
  std::uint32_t width = 0;
  std::uint32_t height = 0;
  std::uint32_t format = 0;       ///< PNG_FORMAT_* the file holds
  std::vector<std::uint8_t> rgb;  ///< decoded as 8-bit R G B
  std::string error;
};

inline DecodedPng readPng(const std::string& path) {
  DecodedPng out;
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  if (png_image_begin_read_from_file(&image, path.c_str()) == 0) {
    out.error = image.message;
    return out;
  }
  out.width = image.width;
  out.height = image.height;
  out.format = image.format;
  image.format = PNG_FORMAT_RGB;
  out.rgb.resize(PNG_IMAGE_SIZE(image));
  if (png_image_finish_read(&image, nullptr, out.rgb.data(), 0, nullptr) == 0) {
    out.error = image.message;
    out.rgb.clear();
  }
  png_image_free(&image);
  return out;
}

}  // namespace vcam::fourcc::testing
