// SPDX-License-Identifier: MIT
// Pixel values of the 75% bars in several packings, against BT.601 and R'G'B' by hand.
#include <gtest/gtest.h>

#include <array>
#include <optional>

#include "backend/source/test_pattern.h"
#include "render_helpers.h"
#include "vcamera/fourcc/convert.h"

namespace vcam::source {
namespace {

using fourcc::Size;
using testing::Rendered;
using testing::renderFrame;

struct Ycc {
  int y, cb, cr;
};
struct Rgb8 {
  int r, g, b;
};

// 75% bars: 8-bit limited BT.601 (ITU-R BT.801) and full-range R'G'B' (191 = 0.75 * 255).
constexpr std::array<Ycc, 8> kYcc{{{180, 128, 128},
                                   {162, 44, 142},
                                   {131, 156, 44},
                                   {112, 72, 58},
                                   {84, 184, 198},
                                   {65, 100, 212},
                                   {35, 212, 114},
                                   {16, 128, 128}}};
constexpr std::array<Rgb8, 8> kRgb{{{191, 191, 191},
                                    {191, 191, 0},
                                    {0, 191, 191},
                                    {0, 191, 0},
                                    {191, 0, 191},
                                    {191, 0, 0},
                                    {0, 0, 191},
                                    {0, 0, 0}}};

// 640x480 frame 0: the last bars line is clear of the digits and of the centred block; the
// centre of bar k is at an even column that is a multiple of 4.
constexpr Size kSize{640, 480};
constexpr std::uint32_t kLine = 359;  // odd, for the Bayer checks
constexpr std::uint32_t barX(std::size_t k) { return static_cast<std::uint32_t>(40 + 80 * k); }

std::optional<Rendered> bars(const char* name) { return renderFrame(name, kSize, 0); }

int word16(const Rendered& r, std::size_t plane, std::uint32_t line, std::uint32_t byte,
           bool bigEndian = false) {
  const int lo = r.frame.at(plane, line, byte + (bigEndian ? 1 : 0));
  const int hi = r.frame.at(plane, line, byte + (bigEndian ? 0 : 1));
  return hi << 8 | lo;
}

TEST(TestPatternValues, LineUsedForBarsIsClearOfBlockAndDigits) {
  Scene scene(kSize);
  EXPECT_LT(kLine, scene.rampTop());
  EXPECT_GE(kLine, scene.block().y + scene.block().height);
}

TEST(TestPatternValues, YuyvHoldsBt601Bars) {
  auto r = bars("YUYV");
  ASSERT_TRUE(r);
  for (std::size_t k = 0; k < 8; ++k) {
    const std::uint32_t b = barX(k) * 2;
    EXPECT_EQ(r->frame.at(0, kLine, b), kYcc[k].y) << k;
    EXPECT_EQ(r->frame.at(0, kLine, b + 1), kYcc[k].cb) << k;
    EXPECT_EQ(r->frame.at(0, kLine, b + 2), kYcc[k].y) << k;
    EXPECT_EQ(r->frame.at(0, kLine, b + 3), kYcc[k].cr) << k;
  }
}

TEST(TestPatternValues, Nv21HoldsBt601BarsWithCrFirst) {
  auto r = bars("NV21");
  ASSERT_TRUE(r);
  for (std::size_t k = 0; k < 8; ++k) {
    EXPECT_EQ(r->frame.at(0, kLine, barX(k)), kYcc[k].y) << k;
    EXPECT_EQ(r->frame.at(1, kLine / 2, barX(k)), kYcc[k].cr) << k;
    EXPECT_EQ(r->frame.at(1, kLine / 2, barX(k) + 1), kYcc[k].cb) << k;
  }
}

TEST(TestPatternValues, Yvu420mHoldsBt601BarsInThreeBuffers) {
  auto r = bars("YVU420M");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->frame.layout().colorPlanes[2].memPlane, 2u);
  for (std::size_t k = 0; k < 8; ++k) {
    EXPECT_EQ(r->frame.at(0, kLine, barX(k)), kYcc[k].y) << k;
    EXPECT_EQ(r->frame.at(1, kLine / 2, barX(k) / 2), kYcc[k].cr) << k;
    EXPECT_EQ(r->frame.at(2, kLine / 2, barX(k) / 2), kYcc[k].cb) << k;
  }
}

TEST(TestPatternValues, Xbgr32HoldsBgrxBytes) {
  auto r = bars("XBGR32");
  ASSERT_TRUE(r);
  for (std::size_t k = 0; k < 8; ++k) {
    const std::uint32_t b = barX(k) * 4;
    EXPECT_EQ(r->frame.at(0, kLine, b), kRgb[k].b) << k;
    EXPECT_EQ(r->frame.at(0, kLine, b + 1), kRgb[k].g) << k;
    EXPECT_EQ(r->frame.at(0, kLine, b + 2), kRgb[k].r) << k;
    EXPECT_EQ(r->frame.at(0, kLine, b + 3), 0) << k;
  }
}

TEST(TestPatternValues, Argb32HasOpaqueAlphaFirst) {
  auto r = bars("ARGB32");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->frame.at(0, kLine, barX(1) * 4), 255);
  EXPECT_EQ(r->frame.at(0, kLine, barX(1) * 4 + 1), 191);
}

TEST(TestPatternValues, Rgb565IsALittleEndianWordAndRgb565xABigEndianOne) {
  auto le = bars("RGB565");
  auto be = bars("RGB565X");
  ASSERT_TRUE(le && be);
  // 0.75 * 31 = 23.25 -> 23, 0.75 * 63 = 47.25 -> 47.
  const int yellow = 23 << 11 | 47 << 5;
  const int blue = 23;
  EXPECT_EQ(word16(*le, 0, kLine, barX(1) * 2), yellow);
  EXPECT_EQ(word16(*le, 0, kLine, barX(6) * 2), blue);
  EXPECT_EQ(word16(*be, 0, kLine, barX(1) * 2, true), yellow);
  EXPECT_EQ(word16(*be, 0, kLine, barX(6) * 2, true), blue);
}

TEST(TestPatternValues, Y10AndP010HoldTenBitLumaInLowAndHighBits) {
  auto y10 = bars("Y10");
  auto p010 = bars("P010");
  ASSERT_TRUE(y10 && p010);
  // 10-bit limited range: (16 + 219 * 0.75) * 4 = 721, black 64.
  EXPECT_EQ(word16(*y10, 0, kLine, barX(0) * 2), 721);
  EXPECT_EQ(word16(*y10, 0, kLine, barX(7) * 2), 64);
  EXPECT_EQ(word16(*p010, 0, kLine, barX(0) * 2), 721 << 6);
  // Cb of blue: 212 * 4 = 848 at 8-bit precision; exactly (128 + 224 * 0.5 * 0.75) * 4.
  EXPECT_EQ(word16(*p010, 1, kLine / 2, barX(6) / 2 * 4), 848 << 6);
}

TEST(TestPatternValues, Sbggr8OddLinesAreGreenRed) {
  auto r = bars("SBGGR8");
  ASSERT_TRUE(r);
  for (std::size_t k = 0; k < 8; ++k) {
    EXPECT_EQ(r->frame.at(0, kLine, barX(k)), kRgb[k].g) << k;
    EXPECT_EQ(r->frame.at(0, kLine, barX(k) + 1), kRgb[k].r) << k;
    EXPECT_EQ(r->frame.at(0, kLine - 1, barX(k)), kRgb[k].b) << k;
    EXPECT_EQ(r->frame.at(0, kLine - 1, barX(k) + 1), kRgb[k].g) << k;
  }
}

TEST(TestPatternValues, Srggb10pPacksFourPixelsInFiveBytes) {
  auto r = bars("SRGGB10P");
  ASSERT_TRUE(r);
  // Odd line of RGGB: G B G B. 0.75 * 1023 = 767.25 -> 767 = 0b10111111'11.
  const std::uint32_t group = barX(2) / 4 * 5;  // cyan: G 767, B 767
  EXPECT_EQ(r->frame.at(0, kLine, group), 191);
  EXPECT_EQ(r->frame.at(0, kLine, group + 1), 191);
  EXPECT_EQ(r->frame.at(0, kLine, group + 4), 0xff);
  const std::uint32_t yellow = barX(1) / 4 * 5;  // G 767, B 0
  EXPECT_EQ(r->frame.at(0, kLine, yellow + 1), 0);
  EXPECT_EQ(r->frame.at(0, kLine, yellow + 4), 0x33);  // low bits 3, 0, 3, 0
}

TEST(TestPatternValues, Yuv420AgreesWithLibyuvsConversionOfTheRgbFrame) {
  // Our R'G'B' -> Y'CbCr and libyuv's (BT.601 limited) agree to rounding, chroma
  // averaging included: the two paths describe the same picture.
  const Size size{64, 48};
  auto rgb = renderFrame("ABGR32", size, 3);
  auto yuv = renderFrame("YUV420", size, 3);
  ASSERT_TRUE(rgb && yuv);
  std::vector<std::uint8_t> argb(rgb->frame.plane(0).size());
  std::transform(rgb->frame.plane(0).begin(), rgb->frame.plane(0).end(), argb.begin(),
                 [](std::byte b) { return std::to_integer<std::uint8_t>(b); });
  auto converted =
      fourcc::convertPacked(fourcc::fromName("ABGR32"), fourcc::fromName("YUV420"), size, argb);
  ASSERT_TRUE(converted.ok()) << converted.error().message;
  ASSERT_EQ(converted->size(), yuv->frame.plane(0).size());
  for (std::size_t i = 0; i < converted->size(); ++i) {
    const int ours = std::to_integer<int>(yuv->frame.plane(0)[i]);
    ASSERT_NEAR(ours, (*converted)[i], 2) << "byte " << i;
  }
}

}  // namespace
}  // namespace vcam::source
