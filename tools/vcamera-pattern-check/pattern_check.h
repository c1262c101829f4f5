// SPDX-License-Identifier: MIT
// checkFrames(): raw frames of one format, each compared with the test pattern's frame of the
// number drawn into it.
#pragma once

#include <cstdint>
#include <cstdio>
#include <optional>
#include <string_view>

#include <vcamera/common/result.h>
#include <vcamera/fourcc/format_info.h>
#include <vcamera/fourcc/layout.h>

namespace vcam::check {

/// An uncompressed format at one size, laid out as V4L2 does (stride alignment 1): each frame
/// in the stream is its memory planes back to back, layout.totalSize bytes.
struct FrameFormat {
  const fourcc::FormatInfo* format = &fourcc::kInvalidFormat;
  fourcc::Layout layout;
};

/// "YUYV:640x480" (a V4L2 FOURCC or a table name). Compressed formats are refused: their
/// frames have no fixed size in a raw stream.
[[nodiscard]] Result<FrameFormat> parseFrameFormat(std::string_view text);

struct CheckReport {
  std::uint32_t frames = 0;
  std::uint32_t matched = 0;     ///< equal to the pattern's frame of their number
  std::uint32_t mismatched = 0;  ///< a readable number, other bytes
  std::uint32_t unreadable = 0;  ///< no frame number could be read
  std::uint32_t gaps = 0;        ///< places where the numbers skip (frames the guest missed)
  std::optional<std::uint32_t> firstSequence;
  std::optional<std::uint32_t> lastSequence;
  std::size_t trailingBytes = 0;  ///< a last, incomplete frame
};

/// Reads `input` to its end, frame by frame. Errors: EIO reading, and the renderer's errors.
[[nodiscard]] Result<CheckReport> checkFrames(const FrameFormat& format, std::FILE* input);

}  // namespace vcam::check
