// SPDX-License-Identifier: MIT
// Pure mappings between libcamera's stream vocabulary and cameraif's: pixel formats, sizes and
// frame rates. Nothing here needs a camera.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include <libcamera/controls.h>
#include <libcamera/geometry.h>
#include <libcamera/pixel_format.h>

#include <vcamera/fourcc/format_info.h>
#include <vcamera/proto/types.h>
#include <vcamera/proto/xenstore_schema.h>

namespace vcam::source::lc {

/// The table entry for a libcamera pixel format (a DRM fourcc plus modifier), or
/// fourcc::kInvalidFormat when we have none. DRM formats with modifier 0 go through
/// fourcc::fromDrm() (single-buffer entries win: DRM NV12 is V4L2 NV12, never NV12M); the
/// Bayer, greyscale, MIPI-packed and MJPEG codes libcamera invented itself are listed here.
[[nodiscard]] const fourcc::FormatInfo& toFormatInfo(const libcamera::PixelFormat& format);

/// The libcamera pixel format for a V4L2 code, only when toFormatInfo() of it gives this code
/// back (so NV12M, which the camera is never offered as, has none); invalid otherwise.
[[nodiscard]] libcamera::PixelFormat toPixelFormat(std::uint32_t v4l2);

/// controls::FrameDurationLimits: the shortest and longest frame duration, in microseconds.
struct DurationLimits {
  std::int64_t minUs = 0;
  std::int64_t maxUs = 0;
};

/// One second in microseconds, FrameDurationLimits' unit.
inline constexpr std::int64_t kMicrosPerSecond = 1'000'000;

/// The rate a camera that reports no usable frame durations is offered at.
inline constexpr proto::FrameRate kDefaultFrameRate{30, 1};

/// controls::FrameDurationLimits' ControlInfo read as limits: nullopt unless min and max are
/// single int64 values (libcamera 0.0.3's pipelines report scalars there).
[[nodiscard]] std::optional<DurationLimits> durationLimitsOf(const libcamera::ControlInfo& info);

/// Whether `limits` is usable: 0 < minUs <= maxUs <= 1000 s.
[[nodiscard]] bool isUsable(const DurationLimits& limits);

/// The frame rates offered for `limits`, fastest first (so cameraif's default, the first
/// listed rate, is the fastest the camera can do): the exact fastest rate 10^6/minUs (reduced),
/// then every standard rate (120 ... 1 fps) whose duration lies within the limits; at most
/// proto::kMaxFrameRatesPerResolution, no two with the same value. Unusable or absent
/// limits give {kDefaultFrameRate}.
[[nodiscard]] std::vector<proto::FrameRate> frameRatesFor(std::optional<DurationLimits> limits);

/// The frame duration of `rate` in microseconds, rounded to the nearest; nullopt for a zero
/// numerator or denominator.
[[nodiscard]] std::optional<std::int64_t> frameDurationUs(proto::FrameRate rate);

/// The rate of a frame duration of `us` microseconds (10^6/us reduced); nullopt if us <= 0
/// or the reduced denominator does not fit in 32 bits.
[[nodiscard]] std::optional<proto::FrameRate> rateOfDuration(std::int64_t us);

/// Standard sizes (QQVGA ... 4096x2160) inside `range` (libcamera's contains() rules, a zero
/// step meaning "any"), plus the range's maximum itself; sorted by (width, height).
[[nodiscard]] std::vector<proto::Resolution> sizesInRange(const libcamera::SizeRange& range);

/// What to offer for one pixel format: the discrete sizes libcamera lists when there are any
/// (StreamFormats::sizes()), else sizesInRange(range). Zero or above fourcc::kMaxDimension
/// sizes are dropped; sorted by (width, height), no duplicates, at most
/// proto::kMaxResolutionsPerFormat (the largest kept).
[[nodiscard]] std::vector<proto::Resolution> offeredSizes(std::span<const libcamera::Size> discrete,
                                                          const libcamera::SizeRange& range);

}  // namespace vcam::source::lc
