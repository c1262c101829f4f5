// SPDX-License-Identifier: MIT
// Pixel format, size and frame-rate mappings between libcamera and cameraif.
#include "backend/source/libcamera/format_mapping.h"

#include <algorithm>
#include <array>
#include <limits>
#include <numeric>
#include <string_view>

#include <libcamera/formats.h>

#include <vcamera/fourcc/layout.h>

namespace vcam::source::lc {
namespace {

namespace fmt = libcamera::formats;

// libcamera's own codes (not DRM's) and the table entry each means, as libcamera's
// V4L2PixelFormat table pairs them. R10/R12 are 10/12 bits in 16, like V4L2 Y10/Y12.
struct OwnCode {
  libcamera::PixelFormat format;
  std::string_view name;  ///< fourcc::fromName()
};
const std::array<OwnCode, 23> kOwnCodes{{
    {fmt::R10, "Y10"},
    {fmt::R12, "Y12"},
    {fmt::SBGGR8, "SBGGR8"},
    {fmt::SGBRG8, "SGBRG8"},
    {fmt::SGRBG8, "SGRBG8"},
    {fmt::SRGGB8, "SRGGB8"},
    {fmt::SBGGR10, "SBGGR10"},
    {fmt::SGBRG10, "SGBRG10"},
    {fmt::SGRBG10, "SGRBG10"},
    {fmt::SRGGB10, "SRGGB10"},
    {fmt::SBGGR12, "SBGGR12"},
    {fmt::SGBRG12, "SGBRG12"},
    {fmt::SGRBG12, "SGRBG12"},
    {fmt::SRGGB12, "SRGGB12"},
    {fmt::SBGGR16, "SBGGR16"},
    {fmt::SGBRG16, "SGBRG16"},
    {fmt::SGRBG16, "SGRBG16"},
    {fmt::SRGGB16, "SRGGB16"},
    {fmt::SBGGR10_CSI2P, "SBGGR10P"},
    {fmt::SGBRG10_CSI2P, "SGBRG10P"},
    {fmt::SGRBG10_CSI2P, "SGRBG10P"},
    {fmt::SRGGB10_CSI2P, "SRGGB10P"},
    {fmt::MJPEG, "MJPEG"},
}};

// Rates a guest commonly asks for, fastest first.
constexpr std::array<proto::FrameRate, 16> kStandardRates{{{120, 1},
                                                           {100, 1},
                                                           {90, 1},
                                                           {60, 1},
                                                           {50, 1},
                                                           {30, 1},
                                                           {25, 1},
                                                           {24, 1},
                                                           {20, 1},
                                                           {15, 1},
                                                           {12, 1},
                                                           {10, 1},
                                                           {15, 2},
                                                           {5, 1},
                                                           {2, 1},
                                                           {1, 1}}};

// Sizes cameras and guests commonly use, from QQVGA to DCI 4K.
constexpr std::array<proto::Resolution, 27> kStandardSizes{{
    {160, 120},   {176, 144},   {320, 180},   {320, 240},   {352, 288},   {424, 240},
    {640, 360},   {640, 480},   {800, 448},   {800, 600},   {848, 480},   {960, 540},
    {1024, 576},  {1024, 768},  {1280, 720},  {1280, 800},  {1280, 960},  {1280, 1024},
    {1600, 900},  {1600, 1200}, {1920, 1080}, {1920, 1200}, {2048, 1536}, {2560, 1440},
    {2592, 1944}, {3840, 2160}, {4096, 2160},
}};

// Longest frame duration we take seriously: 1000 s.
constexpr std::int64_t kMaxDurationUs = 1000 * kMicrosPerSecond;

bool lessSize(const proto::Resolution& a, const proto::Resolution& b) {
  return a.width != b.width ? a.width < b.width : a.height < b.height;
}

// libcamera's SizeRange::contains(), on our own types: a zero step means any value.
bool inRange(const libcamera::SizeRange& range, proto::Resolution size) {
  if (size.width < range.min.width || size.width > range.max.width) return false;
  if (size.height < range.min.height || size.height > range.max.height) return false;
  if (range.hStep != 0 && (size.width - range.min.width) % range.hStep != 0) return false;
  if (range.vStep != 0 && (size.height - range.min.height) % range.vStep != 0) return false;
  return true;
}

bool usableSize(proto::Resolution size) {
  return size.width != 0 && size.height != 0 && size.width <= fourcc::kMaxDimension &&
         size.height <= fourcc::kMaxDimension;
}

void sortAndBound(std::vector<proto::Resolution>& sizes) {
  std::sort(sizes.begin(), sizes.end(), lessSize);
  sizes.erase(std::unique(sizes.begin(), sizes.end()), sizes.end());
  if (sizes.size() > proto::kMaxResolutionsPerFormat) {
    sizes.erase(sizes.begin(), sizes.begin() + static_cast<std::ptrdiff_t>(
                                                   sizes.size() - proto::kMaxResolutionsPerFormat));
  }
}

}  // namespace

const fourcc::FormatInfo& toFormatInfo(const libcamera::PixelFormat& format) {
  for (const OwnCode& own : kOwnCodes) {
    if (own.format == format) return fourcc::fromName(own.name);
  }
  if (format.modifier() != 0) return fourcc::kInvalidFormat;
  return fourcc::fromDrm(format.fourcc());
}

libcamera::PixelFormat toPixelFormat(std::uint32_t v4l2) {
  const fourcc::FormatInfo& info = fourcc::fromV4l2(v4l2);
  if (!info.isValid()) return {};
  for (const OwnCode& own : kOwnCodes) {
    if (fourcc::fromName(own.name).v4l2 == v4l2) return own.format;
  }
  if (!info.hasDrm()) return {};
  const libcamera::PixelFormat format(info.drm);
  return toFormatInfo(format).v4l2 == v4l2 ? format : libcamera::PixelFormat{};
}

std::optional<DurationLimits> durationLimitsOf(const libcamera::ControlInfo& info) {
  auto isInt64 = [](const libcamera::ControlValue& value) {
    return value.type() == libcamera::ControlTypeInteger64 && !value.isArray();
  };
  if (!isInt64(info.min()) || !isInt64(info.max())) return std::nullopt;
  return DurationLimits{info.min().get<std::int64_t>(), info.max().get<std::int64_t>()};
}

bool isUsable(const DurationLimits& limits) {
  return limits.minUs > 0 && limits.minUs <= limits.maxUs && limits.maxUs <= kMaxDurationUs;
}

std::optional<std::int64_t> frameDurationUs(proto::FrameRate rate) {
  if (rate.numerator == 0 || rate.denominator == 0) return std::nullopt;
  // 10^6 * 2^32 fits in 64 bits; round to the nearest microsecond.
  const std::int64_t scaled = kMicrosPerSecond * std::int64_t{rate.denominator};
  return (scaled + std::int64_t{rate.numerator} / 2) / std::int64_t{rate.numerator};
}

std::optional<proto::FrameRate> rateOfDuration(std::int64_t us) {
  if (us <= 0) return std::nullopt;
  const std::int64_t divisor = std::gcd(kMicrosPerSecond, us);
  const std::int64_t denominator = us / divisor;
  if (denominator > std::numeric_limits<std::uint32_t>::max()) return std::nullopt;
  return proto::FrameRate{static_cast<std::uint32_t>(kMicrosPerSecond / divisor),
                          static_cast<std::uint32_t>(denominator)};
}

std::vector<proto::FrameRate> frameRatesFor(std::optional<DurationLimits> limits) {
  if (!limits || !isUsable(*limits)) return {kDefaultFrameRate};
  std::vector<proto::FrameRate> rates;
  auto add = [&rates](proto::FrameRate rate) {
    if (rates.size() >= proto::kMaxFrameRatesPerResolution) return;
    for (const proto::FrameRate& known : rates) {
      if (proto::sameFrameRate(known, rate)) return;
    }
    rates.push_back(rate);
  };
  if (std::optional<proto::FrameRate> fastest = rateOfDuration(limits->minUs)) add(*fastest);
  for (const proto::FrameRate& rate : kStandardRates) {
    // minUs <= 10^6 * den / num <= maxUs, in exact integers.
    const std::int64_t scaled = kMicrosPerSecond * std::int64_t{rate.denominator};
    if (scaled >= limits->minUs * rate.numerator && scaled <= limits->maxUs * rate.numerator) {
      add(rate);
    }
  }
  if (rates.empty()) return {kDefaultFrameRate};  // a minimum beyond 32-bit fractions
  return rates;
}

std::vector<proto::Resolution> sizesInRange(const libcamera::SizeRange& range) {
  std::vector<proto::Resolution> sizes;
  for (const proto::Resolution& size : kStandardSizes) {
    if (inRange(range, size)) sizes.push_back(size);
  }
  const proto::Resolution max{range.max.width, range.max.height};
  if (usableSize(max) && inRange(range, max)) sizes.push_back(max);
  sortAndBound(sizes);
  return sizes;
}

std::vector<proto::Resolution> offeredSizes(std::span<const libcamera::Size> discrete,
                                            const libcamera::SizeRange& range) {
  std::vector<proto::Resolution> sizes;
  for (const libcamera::Size& size : discrete) {
    const proto::Resolution resolution{size.width, size.height};
    if (usableSize(resolution)) sizes.push_back(resolution);
  }
  if (sizes.empty()) return sizesInRange(range);
  sortAndBound(sizes);
  return sizes;
}

}  // namespace vcam::source::lc
