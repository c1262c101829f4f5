// SPDX-License-Identifier: MIT
// Buffer layout of a W x H frame: V4L2 bytesperline/sizeimage per memory plane, plus where
// each colour plane lives, for the backend's BUF_GET_LAYOUT and for frame conversion.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "vcamera/common/result.h"
#include "vcamera/fourcc/format_info.h"

namespace vcam::fourcc {

/// Frame size in pixels.
struct Size {
  std::uint32_t width = 0;
  std::uint32_t height = 0;
  friend bool operator==(const Size&, const Size&) = default;
};

/// "1920x1080" -> Size. Rejects 0, signs, spaces, and values above 65535 (far beyond any
/// camera, and small enough that no layout arithmetic has to guess).
[[nodiscard]] Result<Size> parseSize(std::string_view text);

/// Largest width or height parseSize() accepts.
inline constexpr std::uint32_t kMaxDimension = 65535;

/// Largest stride alignment computeLayout() accepts.
inline constexpr std::uint32_t kMaxStrideAlign = 65536;

/// One buffer, as V4L2's struct v4l2_plane_pix_format describes it.
struct MemoryPlaneLayout {
  std::uint32_t bytesPerLine = 0;  ///< of the first colour plane in this buffer; 0 if compressed
  std::uint32_t sizeImage = 0;     ///< bytes the buffer must hold
};

/// One colour plane inside a buffer. NV12: Y at offset 0, CbCr at offset stride * height.
struct ColorPlaneLayout {
  std::uint32_t memPlane = 0;  ///< index of the buffer holding this plane
  std::uint32_t offset = 0;    ///< bytes from the start of that buffer
  std::uint32_t stride = 0;    ///< bytes from one line to the next
  std::uint32_t lines = 0;     ///< number of lines
  std::uint32_t size = 0;      ///< stride * lines
};

/// Everything a buffer allocator or a converter needs about one frame.
struct Layout {
  Size size;
  std::uint32_t strideAlign = 1;
  std::uint32_t numMemPlanes = 0;
  std::uint32_t numColorPlanes = 0;
  std::array<MemoryPlaneLayout, 4> memPlanes{};
  std::array<ColorPlaneLayout, 4> colorPlanes{};
  /// Sum of sizeImage over memory planes (fits in 64 bits; each plane fits in 32).
  std::uint64_t totalSize = 0;
};

/// Layout of a `size` frame of `format`.
///
/// With strideAlign 1 and a format Linux 6.1's table knows (SizeRule::kLinux61*), memory
/// planes are exactly what v4l2_fill_pixfmt()/v4l2_fill_pixfmt_mp() return, odd sizes
/// included: plane i (0 = luma) has lines of ceil(align(W, block_w) / hdiv) samples of bpp
/// bytes and ceil(align(H, block_h) / vdiv) lines, hdiv = vdiv = 1 for plane 0; a single
/// buffer holds the sum of its planes and bytesperline is plane 0's line.
///
/// vcamera's own rules, for everything else:
///  - strideAlign N > 1 rounds every colour plane's stride up to a multiple of N;
///    bytesperline is the first plane's stride and sizeimage the sum of its planes.
///  - Formats Linux 6.1 lacks use the same arithmetic with bits: a line is
///    ceil(samples * bits / 8) bytes (SBGGR10P: whole groups of 4 pixels, 5 bytes each).
///  - Compressed formats: bytesperline 0, sizeimage align(W,16) * align(H,16) * 3 + 64 KiB,
///    a bound no baseline JPEG of that size exceeds in practice.
///  - P010 is sized as Linux 6.1 does; with an odd height that is smaller than its 4:2:0
///    chroma lines, so the layout is refused rather than let a writer overrun the buffer.
///
/// Errors (EINVAL): invalid format, zero width/height or alignment, alignment above
/// kMaxStrideAlign; (EOVERFLOW) any value that does not fit in 32 bits.
[[nodiscard]] Result<Layout> computeLayout(const FormatInfo& format, Size size,
                                           std::uint32_t strideAlign = 1);

}  // namespace vcam::fourcc
