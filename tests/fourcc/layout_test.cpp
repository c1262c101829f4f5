// SPDX-License-Identifier: MIT
// Layout goldens checked by hand, colour-plane offsets, stride alignment, vcamera's own
// rules, and rejection of sizes that come from untrusted guests.
#include <gtest/gtest.h>

#include <limits>

#include "vcamera/fourcc/format_info.h"
#include "vcamera/fourcc/layout.h"

namespace vcam::fourcc {
namespace {

Layout layoutOf(std::string_view name, Size size, std::uint32_t align = 1) {
  auto layout = computeLayout(fromName(name), size, align);
  EXPECT_TRUE(layout) << name << ": " << (layout ? "" : layout.error().message);
  return layout ? *layout : Layout{};
}

TEST(LayoutGolden, Nv12OddSizeMatchesTheIssue) {
  const auto l = layoutOf("NV12", {641, 481});
  EXPECT_EQ(l.numMemPlanes, 1u);
  EXPECT_EQ(l.memPlanes[0].bytesPerLine, 641u);
  EXPECT_EQ(l.memPlanes[0].sizeImage, 463043u);  // 641*481 + 2*321*241
}

TEST(LayoutGolden, Nv12CbCrPlaneFollowsTheLumaPlane) {
  const auto l = layoutOf("NV12", {1920, 1080});
  ASSERT_EQ(l.numColorPlanes, 2u);
  EXPECT_EQ(l.colorPlanes[1].memPlane, 0u);
  EXPECT_EQ(l.colorPlanes[1].offset, 1920u * 1080);
  EXPECT_EQ(l.colorPlanes[1].stride, 1920u);
  EXPECT_EQ(l.colorPlanes[1].lines, 540u);
  EXPECT_EQ(l.totalSize, 3110400u);
}

TEST(LayoutGolden, Nv12mPutsEachPlaneInItsOwnBuffer) {
  const auto l = layoutOf("NV12M", {640, 480});
  ASSERT_EQ(l.numMemPlanes, 2u);
  EXPECT_EQ(l.memPlanes[0].sizeImage, 307200u);
  EXPECT_EQ(l.memPlanes[1].bytesPerLine, 640u);
  EXPECT_EQ(l.memPlanes[1].sizeImage, 153600u);
  EXPECT_EQ(l.colorPlanes[1].memPlane, 1u);
  EXPECT_EQ(l.colorPlanes[1].offset, 0u);
}

TEST(LayoutGolden, Yuv420OddSizeRoundsChromaUp) {
  const auto l = layoutOf("YUV420", {641, 481});
  EXPECT_EQ(l.colorPlanes[1].offset, 308321u);
  EXPECT_EQ(l.colorPlanes[1].stride, 321u);
  EXPECT_EQ(l.colorPlanes[1].lines, 241u);
  EXPECT_EQ(l.colorPlanes[2].offset, 308321u + 77361u);
  EXPECT_EQ(l.memPlanes[0].sizeImage, 463043u);
}

TEST(LayoutGolden, PackedYuvLinesAreTwoBytesPerPixelEvenWhenOdd) {
  const auto l = layoutOf("YUYV", {641, 481});
  EXPECT_EQ(l.memPlanes[0].bytesPerLine, 1282u);
  EXPECT_EQ(l.memPlanes[0].sizeImage, 616642u);
}

TEST(LayoutGolden, P010WithEvenHeightHasTrue420ChromaLines) {
  const auto l = layoutOf("P010", {640, 480});
  EXPECT_EQ(l.memPlanes[0].bytesPerLine, 1280u);
  EXPECT_EQ(l.memPlanes[0].sizeImage, 921600u);
  EXPECT_EQ(l.colorPlanes[1].offset, 614400u);
  EXPECT_EQ(l.colorPlanes[1].stride, 1280u);
  EXPECT_EQ(l.colorPlanes[1].lines, 240u);
}

TEST(LayoutOwnRules, PackedRaw10LinesAreWholeFourPixelGroups) {
  EXPECT_EQ(layoutOf("SBGGR10P", {640, 480}).memPlanes[0].bytesPerLine, 800u);
  EXPECT_EQ(layoutOf("SBGGR10P", {641, 1}).memPlanes[0].bytesPerLine, 805u);  // 644 * 10 / 8
  EXPECT_EQ(layoutOf("SRGGB10P", {1, 1}).memPlanes[0].sizeImage, 5u);
}

TEST(LayoutOwnRules, SixteenBitFormatsLinuxLacksUseTwoBytesPerPixel) {
  EXPECT_EQ(layoutOf("Y16", {641, 3}).memPlanes[0].sizeImage, 3846u);
  EXPECT_EQ(layoutOf("SRGGB16", {4, 4}).memPlanes[0].bytesPerLine, 8u);
  EXPECT_EQ(layoutOf("RGB565X", {3, 1}).memPlanes[0].bytesPerLine, 6u);
}

TEST(LayoutOwnRules, CompressedFormatsHaveNoLinesAndAWorstCaseSize) {
  const auto l = layoutOf("MJPEG", {640, 480});
  EXPECT_EQ(l.memPlanes[0].bytesPerLine, 0u);
  EXPECT_EQ(l.memPlanes[0].sizeImage, 640u * 480 * 3 + 65536);
  EXPECT_EQ(layoutOf("JPEG", {1, 1}).memPlanes[0].sizeImage, 16u * 16 * 3 + 65536);
}

TEST(LayoutAlignment, RoundsEveryColourPlaneStride) {
  const auto l = layoutOf("NV12", {641, 481}, 64);
  EXPECT_EQ(l.memPlanes[0].bytesPerLine, 704u);
  EXPECT_EQ(l.colorPlanes[1].stride, 704u);
  EXPECT_EQ(l.colorPlanes[1].offset, 704u * 481);
  EXPECT_EQ(l.memPlanes[0].sizeImage, 704u * 481 + 704u * 241);
}

TEST(LayoutAlignment, AppliesToPlanarChromaToo) {
  const auto l = layoutOf("YUV420", {641, 481}, 16);
  EXPECT_EQ(l.colorPlanes[0].stride, 656u);
  EXPECT_EQ(l.colorPlanes[1].stride, 336u);
  EXPECT_EQ(l.memPlanes[0].sizeImage, 656u * 481 + 2 * 336u * 241);
}

TEST(LayoutAlignment, OfOneIsTheKernelLayout) {
  const auto a = layoutOf("NV16", {33, 17});
  const auto b = layoutOf("NV16", {33, 17}, 1);
  EXPECT_EQ(a.memPlanes[0].sizeImage, b.memPlanes[0].sizeImage);
}

TEST(LayoutAlignment, AllowsP010OddHeightsBecauseSizesAreOurs) {
  const auto l = layoutOf("P010", {4, 3}, 8);
  EXPECT_EQ(l.memPlanes[0].sizeImage, 8u * 3 + 8u * 2);
}

TEST(LayoutInvariants, ColourPlanesFitInsideTheirMemoryPlanes) {
  for (const auto& f : allFormats()) {
    for (const Size s : {Size{1, 1}, Size{3, 5}, Size{641, 481}, Size{1920, 1080}}) {
      for (const std::uint32_t align : {1u, 3u, 64u}) {
        auto l = computeLayout(f, s, align);
        if (!l) continue;  // P010 with an odd height
        for (std::size_t i = 0; i < l->numColorPlanes; ++i) {
          const auto& c = l->colorPlanes[i];
          EXPECT_LE(std::uint64_t{c.offset} + c.size, l->memPlanes[c.memPlane].sizeImage)
              << f.name << " " << s.width << "x" << s.height << " align " << align;
          if (!f.isCompressed()) {
            EXPECT_EQ(c.stride % align, 0u) << f.name;
          }
        }
      }
    }
  }
}

TEST(LayoutErrors, ZeroWidthOrHeightIsInvalid) {
  EXPECT_EQ(computeLayout(fromName("NV12"), {0, 480}).error().code, EINVAL);
  EXPECT_EQ(computeLayout(fromName("NV12"), {640, 0}).error().code, EINVAL);
}

TEST(LayoutErrors, InvalidFormatIsAnError) {
  EXPECT_EQ(computeLayout(kInvalidFormat, {640, 480}).error().code, EINVAL);
}

TEST(LayoutErrors, AlignmentMustBeBetweenOneAndTheLimit) {
  EXPECT_EQ(computeLayout(fromName("NV12"), {64, 64}, 0).error().code, EINVAL);
  EXPECT_EQ(computeLayout(fromName("NV12"), {64, 64}, kMaxStrideAlign + 1).error().code, EINVAL);
  EXPECT_TRUE(computeLayout(fromName("NV12"), {64, 64}, kMaxStrideAlign));
}

TEST(LayoutErrors, PlanesBeyondThirtyTwoBitsOverflow) {
  constexpr auto kMax = std::numeric_limits<std::uint32_t>::max();
  EXPECT_EQ(computeLayout(fromName("RGB24"), {kMax, 1}).error().code, EOVERFLOW);
  EXPECT_EQ(computeLayout(fromName("XBGR32"), {32768, 32768}).error().code, EOVERFLOW);
  EXPECT_TRUE(computeLayout(fromName("XBGR32"), {32767, 32768}));
  EXPECT_EQ(computeLayout(fromName("NV12"), {kMax, kMax}).error().code, EOVERFLOW);
  EXPECT_EQ(computeLayout(fromName("MJPEG"), {kMax, kMax}).error().code, EOVERFLOW);
  EXPECT_EQ(computeLayout(fromName("YUV420"), {kMax, 1}, kMaxStrideAlign).error().code, EOVERFLOW);
}

TEST(LayoutErrors, MultiBufferTotalMayExceedThirtyTwoBitsWhenEachPlaneFits) {
  const auto l = layoutOf("YUV444M", {65535, 65535});
  EXPECT_GT(l.totalSize, std::uint64_t{std::numeric_limits<std::uint32_t>::max()});
}

TEST(ParseSize, ReadsWidthByHeight) {
  auto s = parseSize("1920x1080");
  ASSERT_TRUE(s);
  EXPECT_EQ(*s, (Size{1920, 1080}));
  EXPECT_EQ(*parseSize("641X481"), (Size{641, 481}));
}

TEST(ParseSize, RejectsZeroNegativeHugeAndMalformed) {
  for (const char* bad : {"0x0", "0x480", "640x0", "-1x480", "640x-1", "1920", "x1080", "1920x",
                          "1920 x 1080", "65536x1", "99999999999999999999x1", "1e3x1", "+5x5"}) {
    EXPECT_FALSE(parseSize(bad)) << bad;
  }
}

}  // namespace
}  // namespace vcam::fourcc
