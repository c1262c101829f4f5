// SPDX-License-Identifier: MIT
// convertFrame()/convertPacked(): round trips, layout-preserving copies, aligned strides,
// golden test patterns and every way a bad frame is refused.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>

#include "frame_checksum.h"
#include "vcamera/fourcc/convert.h"
#include "vcamera/fourcc/pattern.h"

namespace vcam::fourcc {
namespace {

using testing::fnv1a;
using ::testing::HasSubstr;

// FNV-1a of 64x48 colour bars as RGB24 (bytes R G B); png_test.cpp expects the same pixels.
constexpr std::uint64_t kRgb24BarsChecksum = 0x2d68bdd7187d1025ull;

const FormatInfo& fmt(std::string_view name) { return fromName(name); }

std::vector<std::uint8_t> bars(std::string_view name, Size size) {
  auto frame = renderColourBars(fmt(name), size);
  EXPECT_TRUE(frame) << (frame ? "" : frame.error().message);
  return frame ? *frame : std::vector<std::uint8_t>{};
}

int maxDifference(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b) {
  EXPECT_EQ(a.size(), b.size());
  int worst = 0;
  for (std::size_t i = 0; i < std::min(a.size(), b.size()); ++i) {
    worst = std::max(worst, std::abs(int{a[i]} - int{b[i]}));
  }
  return worst;
}

TEST(ConvertRoundTrip, YuyvThroughNv12AndBackIsNearlyLossless) {
  const Size size{640, 480};
  const auto yuyv = bars("YUYV", size);
  auto nv12 = convertPacked(fmt("YUYV"), fmt("NV12"), size, yuyv);
  ASSERT_TRUE(nv12) << nv12.error().message;
  EXPECT_EQ(nv12->size(), 640u * 480 * 3 / 2);
  auto back = convertPacked(fmt("NV12"), fmt("YUYV"), size, *nv12);
  ASSERT_TRUE(back) << back.error().message;
  // Luma is copied; chroma is averaged over two lines and duplicated back.
  EXPECT_LE(maxDifference(yuyv, *back), 2);
}

TEST(ConvertRoundTrip, RgbThroughYuv420StaysWithinRoundingOfBt601) {
  const Size size{64, 48};
  const auto rgb = bars("XBGR32", size);
  auto yuv = convertPacked(fmt("XBGR32"), fmt("YUV420"), size, rgb);
  ASSERT_TRUE(yuv);
  auto back = convertPacked(fmt("YUV420"), fmt("XBGR32"), size, *yuv);
  ASSERT_TRUE(back);
  EXPECT_LE(maxDifference(rgb, *back), 6);
}

TEST(ConvertCopy, Nv12ToNv12mCopiesPlanesIntoSeparateBuffers) {
  const Size size{33, 17};
  const auto nv12 = bars("NV12", size);
  auto nv12m = convertPacked(fmt("NV12"), fmt("NV12M"), size, nv12);
  ASSERT_TRUE(nv12m);
  EXPECT_EQ(*nv12m, nv12);  // packed, the two layouts have the same bytes
}

TEST(ConvertAlignment, AlignedStridesHoldTheSamePixels) {
  const auto yuyv = bars("YUYV", Size{66, 33});
  auto src = computeLayout(fmt("YUYV"), Size{66, 33});
  ASSERT_TRUE(src);
  auto srcFrame = viewPacked(fmt("YUYV"), *src, std::span<const std::uint8_t>(yuyv));
  ASSERT_TRUE(srcFrame);
  auto aligned = computeLayout(fmt("NV12"), Size{66, 33}, 64);
  ASSERT_TRUE(aligned);
  std::vector<std::uint8_t> out(aligned->totalSize);
  auto dst = viewPacked(fmt("NV12"), *aligned, std::span<std::uint8_t>(out));
  ASSERT_TRUE(dst);
  ASSERT_TRUE(convertFrame(*srcFrame, *dst));
  auto packed = convertPacked(fmt("YUYV"), fmt("NV12"), Size{66, 33}, yuyv);
  ASSERT_TRUE(packed);
  for (std::uint32_t y = 0; y < 33; ++y) {  // luma lines
    EXPECT_TRUE(
        std::equal(out.begin() + y * 128, out.begin() + y * 128 + 66, packed->begin() + y * 66))
        << "line " << y;
  }
}

TEST(ConvertGolden, ColourBarsInRgbAreStable) {
  // Pure byte shuffles of the ARGB bars: identical on every CPU.
  EXPECT_EQ(fnv1a(bars("XBGR32", {64, 48})), 0xdf840e8f5e635fc5ull);
  EXPECT_EQ(fnv1a(bars("RGB24", {64, 48})), kRgb24BarsChecksum);
}

TEST(ConvertGolden, WhiteBarIsSeventyFivePercentLumaInBt601) {
  const auto nv12 = bars("NV12", {64, 48});
  // 16 + 219 * 191 / 255 = 180 in limited range.
  EXPECT_NEAR(nv12[0], 180, 2);
  EXPECT_NEAR(nv12[64 * 48], 128, 2);  // Cb of grey-white
  EXPECT_NEAR(nv12[63], 16, 2);        // black bar
}

TEST(ConvertErrors, InputOfTheWrongSizeIsRefused) {
  std::vector<std::uint8_t> tooShort(100);
  auto out = convertPacked(fmt("YUYV"), fmt("NV12"), {64, 48}, tooShort);
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().code, EINVAL);
  EXPECT_THAT(out.error().message, HasSubstr("6144 bytes, got 100"));
}

TEST(ConvertErrors, FormatsLibyuvCannotReadAreNotSupported) {
  std::vector<std::uint8_t> raw(64 * 48);
  auto out = convertPacked(fmt("SBGGR8"), fmt("NV12"), {64, 48}, raw);
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().code, ENOTSUP);
  EXPECT_FALSE(canConvert(fmt("SBGGR8"), fmt("NV12")));
  EXPECT_FALSE(canConvert(fmt("NV12"), fmt("MJPEG")));
  EXPECT_TRUE(canConvert(fmt("NV12M"), fmt("RGB24")));
}

TEST(ConvertBigEndian, BigEndianWordsAreTheLittleEndianOnesWithTheirBytesSwapped) {
  std::vector<std::uint8_t> rgb(64 * 48 * 3);
  for (std::size_t i = 0; i < rgb.size(); ++i) rgb[i] = static_cast<std::uint8_t>(i * 7);
  for (const auto& [little, big] : {std::pair{"ARGB555", "ARGB555X"}, {"RGB565", "RGB565X"}}) {
    auto le = convertPacked(fmt("RGB24"), fmt(little), {64, 48}, rgb);
    auto be = convertPacked(fmt("RGB24"), fmt(big), {64, 48}, rgb);
    ASSERT_TRUE(le && be) << little;
    ASSERT_EQ(le->size(), be->size());
    for (std::size_t i = 0; i + 1 < le->size(); i += 2) {
      ASSERT_EQ((*le)[i], (*be)[i + 1]) << big << " byte " << i;
      ASSERT_EQ((*le)[i + 1], (*be)[i]) << big << " byte " << i;
    }
    auto back = convertPacked(fmt(big), fmt("RGB24"), {64, 48}, *be);
    auto backLe = convertPacked(fmt(little), fmt("RGB24"), {64, 48}, *le);
    ASSERT_TRUE(back && backLe);
    EXPECT_EQ(*back, *backLe) << big;
  }
}

TEST(ConvertSixteenBitLuma, GreyKeepsItsLevelThroughY16) {
  // Full-range grey: Y16 holds it in the top byte (0xff -> 0xffff), and reads back the same.
  std::vector<std::uint8_t> grey(16 * 4 * 4);
  for (std::size_t i = 0; i < 16 * 4; ++i) {
    const auto level = static_cast<std::uint8_t>(i * 4);
    for (std::size_t c = 0; c < 4; ++c) grey[i * 4 + c] = c == 3 ? 0xff : level;
  }
  auto y16 = convertPacked(fmt("XBGR32"), fmt("Y16"), {16, 4}, grey);
  ASSERT_TRUE(y16) << y16.error().message;
  EXPECT_EQ((*y16)[0], 0x00);
  EXPECT_EQ((*y16)[1], 0x00);
  EXPECT_EQ((*y16)[2 * 63 + 1], 252);  // little endian: the high byte second
  auto back = convertPacked(fmt("Y16"), fmt("XBGR32"), {16, 4}, *y16);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(*back, grey);
}

TEST(ConvertErrors, OddWidthPackedYuvIsRefusedBecauseItsLinesAreTooShort) {
  std::vector<std::uint8_t> yuyv(641 * 2 * 3);
  auto out = convertPacked(fmt("YUYV"), fmt("NV12"), {641, 3}, yuyv);
  ASSERT_FALSE(out);
  EXPECT_THAT(out.error().message, HasSubstr("even width"));
}

TEST(ConvertErrors, FramesOfDifferentSizesAreRefused) {
  const auto src = bars("NV12", {64, 48});
  auto srcLayout = computeLayout(fmt("NV12"), {64, 48});
  auto dstLayout = computeLayout(fmt("NV12"), {32, 48});
  std::vector<std::uint8_t> out(dstLayout->totalSize);
  auto s = viewPacked(fmt("NV12"), *srcLayout, std::span<const std::uint8_t>(src));
  auto d = viewPacked(fmt("NV12"), *dstLayout, std::span<std::uint8_t>(out));
  ASSERT_TRUE(s && d);
  EXPECT_THAT(convertFrame(*s, *d).error().message, HasSubstr("sizes differ"));
}

TEST(ConvertErrors, PlanesShorterThanTheLayoutAreRefused) {
  auto layout = computeLayout(fmt("NV12M"), {64, 48});
  std::vector<std::uint8_t> y(64 * 48);
  std::vector<std::uint8_t> uv(10);  // should be 64 * 24
  ConstFrame frame;
  frame.format = &fmt("NV12M");
  frame.layout = *layout;
  frame.memPlanes[0] = y;
  frame.memPlanes[1] = uv;
  std::vector<std::uint8_t> out(64 * 48 * 4);
  auto dstLayout = computeLayout(fmt("XBGR32"), {64, 48});
  auto dst = viewPacked(fmt("XBGR32"), *dstLayout, std::span<std::uint8_t>(out));
  EXPECT_THAT(convertFrame(frame, *dst).error().message, HasSubstr("outside its buffer"));
}

}  // namespace
}  // namespace vcam::fourcc
