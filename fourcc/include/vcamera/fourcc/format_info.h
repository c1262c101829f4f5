// SPDX-License-Identifier: MIT
// The pixel-format table: one plain-data entry per format, with V4L2/DRM codes and lookups.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "vcamera/common/result.h"

namespace vcam::fourcc {

/// How the pixel values are encoded.
enum class Encoding : std::uint8_t { kRgb, kYuv, kBayer, kCompressed };

/// Byte order of samples wider than one byte. kNone: every sample is one byte, or the bytes
/// follow a fixed packing (MIPI RAW10), or the format is a compressed bitstream.
enum class Endianness : std::uint8_t { kNone, kLittle, kBig };

/// Where bytesperline/sizeimage come from.
enum class SizeRule : std::uint8_t {
  /// Linux 6.1's v4l2_format_info() knows the format: v4l2_fill_pixfmt{,_mp}() sizes it.
  kLinux61,
  /// Linux 6.1 knows P010 but describes its CbCr plane as 2 bytes per 2 pixels on every line
  /// (vdiv 1), not 4 bytes per 2x2 pixels. Same size for even heights; smaller for odd ones.
  kLinux61P010,
  /// Not in Linux 6.1's table: vcamera's own rule (see layout.h).
  kVcamera,
};

/// One colour (component) plane: the kernel's bpp/block_w/block_h, in bits.
struct ColorPlaneInfo {
  /// Bits per sample position of this plane at its own resolution: NV12's CbCr plane is 16
  /// (one Cb and one Cr per 2x2 pixels), YUYV's only plane is 16, SBGGR10P's is 10.
  std::uint8_t bitsPerPixel = 0;
  /// Lines are whole blocks of this many pixels (the kernel's block_w/block_h, 1 = none).
  std::uint8_t blockWidth = 1;
  std::uint8_t blockHeight = 1;
};

/// Everything vcamera knows about one pixel format. Plain constexpr data.
struct FormatInfo {
  std::string_view name;     ///< "NV12", the V4L2 macro without V4L2_PIX_FMT_
  std::uint32_t v4l2 = 0;    ///< V4L2 pixelformat as in <linux/videodev2.h>
  std::uint32_t drm = 0;     ///< DRM fourcc with the same memory layout, 0 if none
  std::string_view drmName;  ///< "XRGB8888", the DRM macro without DRM_FORMAT_, or ""
  Encoding encoding = Encoding::kRgb;
  std::uint8_t memPlanes = 0;    ///< buffers (V4L2 num_planes): NV12 1, NV12M 2
  std::uint8_t colorPlanes = 0;  ///< component planes: NV12 2, YUYV 1
  std::array<ColorPlaneInfo, 4> planes{};
  std::uint8_t hsub = 1;  ///< horizontal subsampling of colour planes 1.. (kernel hdiv)
  std::uint8_t vsub = 1;  ///< vertical subsampling of colour planes 1.. (kernel vdiv)
  Endianness endianness = Endianness::kNone;
  SizeRule sizeRule = SizeRule::kVcamera;
  std::string_view description;

  /// False only for the "invalid" entry returned by failed lookups.
  [[nodiscard]] constexpr bool isValid() const { return v4l2 != 0; }
  [[nodiscard]] constexpr bool hasDrm() const { return drm != 0; }
  [[nodiscard]] constexpr bool isCompressed() const { return encoding == Encoding::kCompressed; }
  /// Bits per image pixel over all colour planes: NV12 12, YUYV 16, 0 for compressed.
  [[nodiscard]] double averageBitsPerPixel() const;
};

/// The entry every failed lookup returns; `isValid()` is false.
inline constexpr FormatInfo kInvalidFormat{};

/// Which fourcc namespace four characters or a number belong to.
enum class CodeSpace : std::uint8_t { kV4l2, kDrm };

/// All formats, in table order.
[[nodiscard]] std::span<const FormatInfo> allFormats();

/// Exact lookups; kInvalidFormat when unknown.
[[nodiscard]] const FormatInfo& fromV4l2(std::uint32_t code);
/// DRM code -> the entry with that memory layout. Several V4L2 formats can share one DRM
/// format (NV12 and NV12M are both DRM NV12); the single-buffer one wins.
[[nodiscard]] const FormatInfo& fromDrm(std::uint32_t code);
/// Name ("NV12", "nv12"), or DRM name ("XRGB8888"), case-insensitive.
[[nodiscard]] const FormatInfo& fromName(std::string_view name);

/// Everything a person may type: a name ("NV12"), four characters ("NV12", "Y16", "AR15-BE"),
/// hex ("0x3231564e"), or a macro ("V4L2_PIX_FMT_NV12", "DRM_FORMAT_NV12"). Four characters
/// and numbers are read in `space` unless the text is a DRM_FORMAT_ macro. Unknown formats
/// are an error whose message suggests close matches.
[[nodiscard]] Result<const FormatInfo*> parseFormat(std::string_view text,
                                                    CodeSpace space = CodeSpace::kV4l2);

/// Up to `limit` format names close to `text` (edit distance), best first.
[[nodiscard]] std::vector<std::string> closeMatches(std::string_view text, std::size_t limit = 3);

/// DRM name for a DRM code, including DRM formats vcamera has no entry for ("BGRA4444");
/// empty when unknown. For messages about codes that mean different things in V4L2 and DRM.
[[nodiscard]] std::string_view drmFormatName(std::uint32_t code);

[[nodiscard]] std::string_view toString(Encoding encoding);
[[nodiscard]] std::string_view toString(Endianness endianness);
[[nodiscard]] std::string_view toString(SizeRule rule);

}  // namespace vcam::fourcc
