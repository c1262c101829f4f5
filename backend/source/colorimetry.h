// SPDX-License-Identifier: MIT
// The colorimetry of test-pattern frames, as cameraif's CONFIG_* replies state it.
#pragma once

#include <cstdint>

#include "vcamera/cameraif.h"
#include "vcamera/fourcc/format_info.h"

namespace vcam::source {

/// How Y'CbCr samples are quantised: limited (16..235 / 16..240 at 8 bits) or full range.
enum class Range : std::uint8_t { kLimited, kFull };

/// The four XENCAMERA_* colorimetry values of a CONFIG_* reply.
struct Colorimetry {
  std::uint32_t colorspace = XENCAMERA_COLORSPACE_DEFAULT;
  std::uint32_t xferFunc = XENCAMERA_XFER_FUNC_DEFAULT;
  std::uint32_t ycbcrEnc = XENCAMERA_YCBCR_ENC_IGNORE;
  std::uint32_t quantization = XENCAMERA_QUANTIZATION_DEFAULT;
  friend bool operator==(const Colorimetry&, const Colorimetry&) = default;
};

/// The scene is defined as gamma-encoded R'G'B' in [0, 1] with SMPTE 170M primaries and the
/// BT.709 transfer function (the same curve). Y'CbCr formats (greyscale included) derive
/// Y'CbCr with the BT.601 matrix in limited range: SDTV, what V4L2's defaults mean for it.
inline constexpr Colorimetry kYuvColorimetry{XENCAMERA_COLORSPACE_SMPTE170M,
                                             XENCAMERA_XFER_FUNC_709, XENCAMERA_YCBCR_ENC_601,
                                             XENCAMERA_QUANTIZATION_LIM_RANGE};

/// RGB and Bayer formats carry the same R'G'B' values in full range; no Y'CbCr matrix.
inline constexpr Colorimetry kRgbColorimetry{XENCAMERA_COLORSPACE_SMPTE170M,
                                             XENCAMERA_XFER_FUNC_709, XENCAMERA_YCBCR_ENC_IGNORE,
                                             XENCAMERA_QUANTIZATION_FULL_RANGE};

/// JPEG (JFIF) stores BT.601 Y'CbCr in full range.
inline constexpr Colorimetry kJpegColorimetry{XENCAMERA_COLORSPACE_SMPTE170M,
                                              XENCAMERA_XFER_FUNC_709, XENCAMERA_YCBCR_ENC_601,
                                              XENCAMERA_QUANTIZATION_FULL_RANGE};

/// The colorimetry of test-pattern frames of `format`.
[[nodiscard]] constexpr Colorimetry colorimetryOf(const fourcc::FormatInfo& format) {
  switch (format.encoding) {
    case fourcc::Encoding::kYuv:
      return kYuvColorimetry;
    case fourcc::Encoding::kCompressed:
      return kJpegColorimetry;
    case fourcc::Encoding::kRgb:
    case fourcc::Encoding::kBayer:
      break;
  }
  return kRgbColorimetry;
}

/// The Y'CbCr range that matches colorimetryOf(format).
[[nodiscard]] constexpr Range rangeOf(const fourcc::FormatInfo& format) {
  return colorimetryOf(format).quantization == XENCAMERA_QUANTIZATION_FULL_RANGE ? Range::kFull
                                                                                 : Range::kLimited;
}

}  // namespace vcam::source
