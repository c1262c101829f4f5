// SPDX-License-Identifier: MIT
// Frame conversion between pixel formats, through libyuv.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "vcamera/common/result.h"
#include "vcamera/fourcc/format_info.h"
#include "vcamera/fourcc/layout.h"

namespace vcam::fourcc {

/// A frame someone else owns: one span per memory plane, laid out as `layout`.
template <typename Byte>
struct BasicFrame {
  const FormatInfo* format = &kInvalidFormat;
  Layout layout;
  std::array<std::span<Byte>, 4> memPlanes{};
};
using ConstFrame = BasicFrame<const std::uint8_t>;
using MutableFrame = BasicFrame<std::uint8_t>;

/// Views a packed buffer - memory planes back to back, as raw frame files store them - as a
/// frame. The buffer must be exactly layout.totalSize bytes; compressed formats may be
/// shorter (a JPEG is as long as it is).
[[nodiscard]] Result<ConstFrame> viewPacked(const FormatInfo& format, const Layout& layout,
                                            std::span<const std::uint8_t> bytes);
[[nodiscard]] Result<MutableFrame> viewPacked(const FormatInfo& format, const Layout& layout,
                                              std::span<std::uint8_t> bytes);

/// Whether convertFrame() can read `from` and write `to`.
[[nodiscard]] bool canConvert(const FormatInfo& from, const FormatInfo& to);

/// Converts `src` into `dst` (same width and height). Direct libyuv routines where libyuv
/// has one (YUYV -> NV12, NV12 -> I420, ...), 8-bit I420 between YUV formats, otherwise
/// libyuv's ARGB (BT.601 limited range for YUV). Errors: EINVAL for mismatched sizes, short
/// planes or odd widths of packed 4:2:2 formats, ENOTSUP for formats libyuv does not cover.
[[nodiscard]] Status convertFrame(const ConstFrame& src, const MutableFrame& dst);

/// Convenience for packed buffers with stride alignment 1: returns the `to` frame.
[[nodiscard]] Result<std::vector<std::uint8_t>> convertPacked(const FormatInfo& from,
                                                              const FormatInfo& to, Size size,
                                                              std::span<const std::uint8_t> in);

}  // namespace vcam::fourcc
