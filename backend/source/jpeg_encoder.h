// SPDX-License-Identifier: MIT
// Baseline JPEG through libturbojpeg from 4:2:0 Y'CbCr planes the caller fills.
#pragma once

#include <array>
#include <cstddef>
#include <memory>
#include <span>
#include <vector>

#include "vcamera/common/result.h"
#include "vcamera/fourcc/layout.h"

namespace vcam::source {

/// JPEG quality of every test-pattern frame (fixed, so frames are reproducible).
inline constexpr int kJpegQuality = 85;

/// Owns a TurboJPEG compressor, the Y, Cb, Cr planes it reads and the buffer it writes.
/// Encodes with the accurate integer DCT, 4:2:0, no optimised Huffman tables: the same
/// planes give the same bytes, with or without SIMD.
class JpegEncoder {
 public:
  /// EINVAL for sizes outside 1..kMaxDimension, ENOMEM when TurboJPEG cannot start.
  [[nodiscard]] static Result<JpegEncoder> create(fourcc::Size size);

  /// Where the planes are: three memory planes (Y, Cb, Cr), strides and lines as TurboJPEG
  /// reads them (whole MCUs of lines, so an odd height has one more line).
  [[nodiscard]] const fourcc::Layout& layout() const { return layout_; }

  /// The planes to fill before encode(), one span per memory plane of layout().
  [[nodiscard]] std::array<std::span<std::byte>, 3> planes();

  /// Compresses the planes. The bytes stay valid until the next encode(). EIO on failure.
  [[nodiscard]] Result<std::span<const std::byte>> encode();

 private:
  struct Destroy {
    void operator()(void* handle) const;
  };
  JpegEncoder() = default;

  std::unique_ptr<void, Destroy> handle_;
  fourcc::Layout layout_;
  std::array<std::vector<unsigned char>, 3> planes_;
  std::vector<unsigned char> jpeg_;
};

}  // namespace vcam::source
