// SPDX-License-Identifier: MIT
// Tests of the libcamera <-> cameraif format, size and frame-rate mappings.
#include "backend/source/libcamera/format_mapping.h"

#include <gtest/gtest.h>

#include <libcamera/formats.h>

namespace vcam::source::lc {
namespace {

namespace fmt = libcamera::formats;
using proto::FrameRate;
using proto::Resolution;

std::uint32_t v4l2(std::string_view name) {
  const fourcc::FormatInfo& info = fourcc::fromName(name);
  EXPECT_TRUE(info.isValid()) << name;
  return info.v4l2;
}

TEST(FormatMapping, DrmFormatsMapToTheirSingleBufferV4l2Entry) {
  EXPECT_EQ(toFormatInfo(fmt::NV12).name, "NV12");  // not NV12M
  EXPECT_EQ(toFormatInfo(fmt::YUV420).name, "YUV420");
  EXPECT_EQ(toFormatInfo(fmt::YUYV).name, "YUYV");
  EXPECT_EQ(toFormatInfo(fmt::UYVY).name, "UYVY");
  // DRM names the order in a little-endian word; V4L2 names bytes: DRM BGR888 is RGB24.
  EXPECT_EQ(toFormatInfo(fmt::BGR888).name, "RGB24");
  EXPECT_EQ(toFormatInfo(fmt::RGB888).name, "BGR24");
  EXPECT_EQ(toFormatInfo(fmt::XRGB8888).name, "XBGR32");
  EXPECT_EQ(toFormatInfo(fmt::R8).name, "GREY");
  EXPECT_EQ(toFormatInfo(fmt::RGB565).name, "RGB565");
}

TEST(FormatMapping, LibcamerasOwnCodesMapToV4l2) {
  EXPECT_EQ(toFormatInfo(fmt::SBGGR8).v4l2, v4l2("SBGGR8"));
  EXPECT_EQ(toFormatInfo(fmt::SRGGB10).v4l2, v4l2("SRGGB10"));
  // libcamera's SRGGB16 is 'RGB6', V4L2's is 'RG16' (which is DRM RGB565).
  EXPECT_EQ(toFormatInfo(fmt::SRGGB16).v4l2, v4l2("SRGGB16"));
  EXPECT_EQ(toFormatInfo(fmt::SGRBG10_CSI2P).v4l2, v4l2("SGRBG10P"));
  EXPECT_EQ(toFormatInfo(fmt::MJPEG).v4l2, v4l2("MJPEG"));
  EXPECT_EQ(toFormatInfo(fmt::R10).v4l2, v4l2("Y10"));
}

TEST(FormatMapping, UnknownFormatsAndModifiersAreInvalid) {
  EXPECT_FALSE(toFormatInfo(fmt::SRGGB10_IPU3).isValid());
  EXPECT_FALSE(toFormatInfo(fmt::SRGGB12_CSI2P).isValid());
  EXPECT_FALSE(toFormatInfo(libcamera::PixelFormat{}).isValid());
  EXPECT_FALSE(toFormatInfo(libcamera::PixelFormat(fmt::NV12.fourcc(), 1)).isValid());
}

TEST(FormatMapping, EveryLibcameraFormatRoundTripsThroughV4l2) {
  const libcamera::PixelFormat all[] = {fmt::R8,
                                        fmt::R10,
                                        fmt::R12,
                                        fmt::RGB565,
                                        fmt::RGB888,
                                        fmt::BGR888,
                                        fmt::XRGB8888,
                                        fmt::XBGR8888,
                                        fmt::RGBX8888,
                                        fmt::BGRX8888,
                                        fmt::ARGB8888,
                                        fmt::ABGR8888,
                                        fmt::RGBA8888,
                                        fmt::BGRA8888,
                                        fmt::YUYV,
                                        fmt::YVYU,
                                        fmt::UYVY,
                                        fmt::VYUY,
                                        fmt::NV12,
                                        fmt::NV21,
                                        fmt::NV16,
                                        fmt::NV61,
                                        fmt::NV24,
                                        fmt::NV42,
                                        fmt::YUV420,
                                        fmt::YVU420,
                                        fmt::YUV422,
                                        fmt::MJPEG,
                                        fmt::SBGGR8,
                                        fmt::SGBRG8,
                                        fmt::SGRBG8,
                                        fmt::SRGGB8,
                                        fmt::SBGGR10,
                                        fmt::SGBRG10,
                                        fmt::SGRBG10,
                                        fmt::SRGGB10,
                                        fmt::SBGGR12,
                                        fmt::SGBRG12,
                                        fmt::SGRBG12,
                                        fmt::SRGGB12,
                                        fmt::SBGGR16,
                                        fmt::SGBRG16,
                                        fmt::SGRBG16,
                                        fmt::SRGGB16,
                                        fmt::SBGGR10_CSI2P,
                                        fmt::SGBRG10_CSI2P,
                                        fmt::SGRBG10_CSI2P,
                                        fmt::SRGGB10_CSI2P};
  for (const libcamera::PixelFormat& format : all) {
    const fourcc::FormatInfo& info = toFormatInfo(format);
    ASSERT_TRUE(info.isValid()) << format.toString();
    EXPECT_EQ(toPixelFormat(info.v4l2), format) << format.toString();
  }
}

TEST(FormatMapping, V4l2CodesTheCameraIsNeverOfferedAsHaveNoPixelFormat) {
  EXPECT_FALSE(toPixelFormat(v4l2("NV12M")).isValid());
  EXPECT_FALSE(toPixelFormat(v4l2("YUV420M")).isValid());
  EXPECT_FALSE(toPixelFormat(v4l2("JPEG")).isValid());
  EXPECT_FALSE(toPixelFormat(0).isValid());
  EXPECT_EQ(toPixelFormat(v4l2("NV12")), fmt::NV12);
}

TEST(FrameRates, AbsentOrUnusableLimitsGiveThirty) {
  const std::vector<FrameRate> thirty{{30, 1}};
  EXPECT_EQ(frameRatesFor(std::nullopt), thirty);
  EXPECT_EQ(frameRatesFor(DurationLimits{0, 100000}), thirty);
  EXPECT_EQ(frameRatesFor(DurationLimits{50000, 40000}), thirty);
  EXPECT_EQ(frameRatesFor(DurationLimits{-1, 40000}), thirty);
}

TEST(FrameRates, FastestFirstThenStandardRatesInside) {
  // 33333..66666 us: 30.0003 fps down to 15.00015 fps.
  const std::vector<FrameRate> rates = frameRatesFor(DurationLimits{33333, 66666});
  const std::vector<FrameRate> expected{{1000000, 33333}, {30, 1}, {25, 1}, {24, 1}, {20, 1}};
  EXPECT_EQ(rates, expected);  // 15 fps is 66667 us: just outside
}

TEST(FrameRates, ExactStandardLimitsAreNotListedTwice) {
  const std::vector<FrameRate> rates = frameRatesFor(DurationLimits{10000, 1000000});
  ASSERT_FALSE(rates.empty());
  EXPECT_EQ(rates.front(), (FrameRate{100, 1}));
  for (std::size_t i = 1; i < rates.size(); ++i) {
    EXPECT_FALSE(proto::sameFrameRate(rates[0], rates[i]));
  }
  EXPECT_EQ(rates.back(), (FrameRate{1, 1}));
  EXPECT_LE(rates.size(), proto::kMaxFrameRatesPerResolution);
}

TEST(FrameRates, WideLimitsStayWithinTheListLimit) {
  const std::vector<FrameRate> rates = frameRatesFor(DurationLimits{1000, 1000 * kMicrosPerSecond});
  EXPECT_EQ(rates.size(), proto::kMaxFrameRatesPerResolution);
  EXPECT_EQ(rates.front(), (FrameRate{1000, 1}));
}

TEST(FrameRates, DurationsAndRatesConvertBothWays) {
  EXPECT_EQ(frameDurationUs({30, 1}), 33333);
  EXPECT_EQ(frameDurationUs({15, 2}), 133333);
  EXPECT_EQ(frameDurationUs({30000, 1001}), 33367);
  EXPECT_EQ(frameDurationUs({0, 1}), std::nullopt);
  EXPECT_EQ(frameDurationUs({1, 0}), std::nullopt);
  EXPECT_EQ(rateOfDuration(40000), (FrameRate{25, 1}));
  EXPECT_EQ(rateOfDuration(33333), (FrameRate{1000000, 33333}));
  EXPECT_EQ(rateOfDuration(0), std::nullopt);
  EXPECT_EQ(rateOfDuration(std::int64_t{1} << 40), std::nullopt);
}

TEST(FrameRates, DurationLimitsAreReadFromInt64ControlInfo) {
  const libcamera::ControlInfo limits{libcamera::ControlValue(std::int64_t{33333}),
                                      libcamera::ControlValue(std::int64_t{100000})};
  const std::optional<DurationLimits> read = durationLimitsOf(limits);
  ASSERT_TRUE(read);
  EXPECT_EQ(read->minUs, 33333);
  EXPECT_EQ(read->maxUs, 100000);
  EXPECT_FALSE(durationLimitsOf(libcamera::ControlInfo{}));
  EXPECT_FALSE(durationLimitsOf(
      libcamera::ControlInfo{libcamera::ControlValue(1.0F), libcamera::ControlValue(2.0F)}));
}

TEST(Sizes, StandardSizesInsideARangeAndItsMaximum) {
  const libcamera::SizeRange range({16, 16}, {1920, 1080}, 1, 1);
  const std::vector<Resolution> sizes = sizesInRange(range);
  ASSERT_FALSE(sizes.empty());
  EXPECT_EQ(sizes.front(), (Resolution{160, 120}));
  EXPECT_EQ(sizes.back(), (Resolution{1920, 1080}));
  EXPECT_TRUE(std::is_sorted(sizes.begin(), sizes.end(), [](auto a, auto b) {
    return a.width != b.width ? a.width < b.width : a.height < b.height;
  }));
  for (const Resolution& size : sizes) {
    EXPECT_LE(size.width, 1920U);
    EXPECT_LE(size.height, 1080U);
  }
}

TEST(Sizes, StepsAreHonouredAndAnOddMaximumIsKept) {
  // Steps of 64x8 from 64x8: 640 and 1280 wide fit, 352 and 800 do not.
  const libcamera::SizeRange range({64, 8}, {1300, 970}, 64, 8);
  const std::vector<Resolution> sizes = sizesInRange(range);
  const std::vector<Resolution> expected{{320, 240},  {640, 360},  {640, 480},  {1024, 576},
                                         {1024, 768}, {1280, 720}, {1280, 800}, {1280, 960}};
  EXPECT_EQ(sizes, expected);  // 960x540: 540 is not 8 + 8k; 1300x970 is not min + steps
  const libcamera::SizeRange exact({100, 100}, {1300, 970}, 0, 0);
  EXPECT_EQ(sizesInRange(exact).back(), (Resolution{1300, 970}));
}

TEST(Sizes, AnEmptyRangeGivesNothing) {
  EXPECT_TRUE(sizesInRange(libcamera::SizeRange{}).empty());
  EXPECT_TRUE(offeredSizes({}, libcamera::SizeRange{}).empty());
}

TEST(Sizes, DiscreteSizesWinAndAreSortedWithoutDuplicates) {
  const std::vector<libcamera::Size> discrete{{1920, 1080}, {640, 480},  {0, 480},
                                              {640, 480},   {70000, 10}, {1280, 720}};
  const std::vector<Resolution> sizes =
      offeredSizes(discrete, libcamera::SizeRange({16, 16}, {4096, 2160}));
  const std::vector<Resolution> expected{{640, 480}, {1280, 720}, {1920, 1080}};
  EXPECT_EQ(sizes, expected);
}

TEST(Sizes, TooManyDiscreteSizesKeepTheLargest) {
  std::vector<libcamera::Size> discrete;
  for (unsigned w = 1; w <= 100; ++w) discrete.emplace_back(w * 16, w * 9);
  const std::vector<Resolution> sizes = offeredSizes(discrete, libcamera::SizeRange{});
  ASSERT_EQ(sizes.size(), proto::kMaxResolutionsPerFormat);
  EXPECT_EQ(sizes.back(), (Resolution{1600, 900}));
  EXPECT_EQ(sizes.front(), (Resolution{37 * 16, 37 * 9}));
}

}  // namespace
}  // namespace vcam::source::lc
