// SPDX-License-Identifier: MIT
// The built-in test-pattern camera's renderer: deterministic frames of any table format,
// written straight into the caller's buffers (a guest's mapped pages).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

#include "backend/source/colorimetry.h"
#include "backend/source/frame_writer.h"
#include "backend/source/jpeg_encoder.h"
#include "backend/source/scene.h"
#include "vcamera/common/result.h"
#include "vcamera/fourcc/format_info.h"
#include "vcamera/fourcc/layout.h"

namespace vcam::source {

/// Renders test-pattern frames of one format, size and layout.
///
/// A frame shows 75% colour bars over a grey ramp, a block that moves with the sequence
/// number and the sequence number in digits (see Scene). The same format, layout and
/// sequence number always give the same bytes.
///
/// render() treats the target as memory another domain can change at any time: it writes
/// every byte it reports as used, reads none of them back, and writes nothing outside the
/// spans it is given. Not thread-safe; one renderer per stream.
class TestPattern {
 public:
  /// Whether the test pattern can produce `format`: every uncompressed table format with a
  /// packing, and MJPEG/JPEG.
  [[nodiscard]] static bool supports(const fourcc::FormatInfo& format);

  /// A renderer for `format` laid out as `layout` (from fourcc::computeLayout, any stride
  /// alignment). Errors: ENOTSUP for formats it cannot produce, EINVAL for a layout that
  /// does not fit the format, ENOMEM when libturbojpeg cannot start.
  [[nodiscard]] static Result<TestPattern> create(const fourcc::FormatInfo& format,
                                                  const fourcc::Layout& layout);

  /// Renders frame `sequence` into `planes`, one span per memory plane of the layout.
  /// Returns the bytes used: the sum of the layout's sizeImage for uncompressed formats,
  /// the JPEG's size for MJPEG/JPEG. Errors: EINVAL for the wrong number of spans, ENOSPC
  /// for a span shorter than its sizeImage or a JPEG longer than the buffer (the target may
  /// then hold part of a frame), EIO when JPEG compression fails.
  [[nodiscard]] Result<std::size_t> render(std::uint32_t sequence,
                                           std::span<const std::span<std::byte>> planes);

  [[nodiscard]] const fourcc::FormatInfo& format() const { return *format_; }
  [[nodiscard]] const fourcc::Layout& layout() const { return layout_; }
  /// What CONFIG_* replies should state for these frames.
  [[nodiscard]] Colorimetry colorimetry() const { return colorimetryOf(*format_); }
  /// The picture as of the last render() (geometry for tests and diagnostics).
  [[nodiscard]] const Scene& scene() const { return scene_; }

 private:
  TestPattern(const fourcc::FormatInfo& format, const fourcc::Layout& layout, FrameWriter writer,
              std::unique_ptr<JpegEncoder> jpeg);
  Result<std::size_t> renderJpeg(std::span<const std::span<std::byte>> planes);

  const fourcc::FormatInfo* format_;
  fourcc::Layout layout_;
  Scene scene_;
  FrameWriter writer_;                 // into the target, or into jpeg_'s planes
  std::unique_ptr<JpegEncoder> jpeg_;  // MJPEG/JPEG only
};

}  // namespace vcam::source
