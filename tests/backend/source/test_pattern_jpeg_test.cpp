// SPDX-License-Identifier: MIT
// MJPEG/JPEG test-pattern frames: valid JPEGs of the right size and colours, bounded.
#include <gtest/gtest.h>
#include <turbojpeg.h>

#include <memory>
#include <vector>

#include <vcamera/fourcc/convert.h>

#include "backend/source/test_pattern.h"
#include "render_helpers.h"
#include "target_frame.h"

namespace vcam::source {
namespace {

using fourcc::Size;
using testing::renderFrame;
using testing::TargetFrame;

struct Decoded {
  int width = 0;
  int height = 0;
  std::vector<unsigned char> rgb;
  [[nodiscard]] int at(std::uint32_t x, std::uint32_t y, int channel) const {
    return rgb[(std::size_t{y} * static_cast<std::size_t>(width) + x) * 3 +
               static_cast<std::size_t>(channel)];
  }
};

struct TjDestroy {
  void operator()(void* h) const { tjDestroy(h); }
};

std::optional<Decoded> decode(std::span<const std::byte> jpeg) {
  std::unique_ptr<void, TjDestroy> d(tjInitDecompress());
  const auto* bytes = reinterpret_cast<const unsigned char*>(jpeg.data());
  Decoded out;
  int subsampling = 0;
  int colourspace = 0;
  if (!d || tjDecompressHeader3(d.get(), bytes, jpeg.size(), &out.width, &out.height, &subsampling,
                                &colourspace) != 0) {
    return std::nullopt;
  }
  out.rgb.resize(static_cast<std::size_t>(out.width) * static_cast<std::size_t>(out.height) * 3);
  if (tjDecompress2(d.get(), bytes, jpeg.size(), out.rgb.data(), out.width, 0, out.height, TJPF_RGB,
                    TJFLAG_ACCURATEDCT) != 0) {
    return std::nullopt;
  }
  return out;
}

TEST(TestPatternJpeg, DecodesToTheFrameSizeWithTheBarColours) {
  auto r = renderFrame("MJPEG", {640, 480}, 0);
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->frame.guardsIntact());
  EXPECT_LT(r->used, r->frame.layout().memPlanes[0].sizeImage);
  auto image = decode(r->frame.plane(0).first(r->used));
  ASSERT_TRUE(image);
  EXPECT_EQ(image->width, 640);
  EXPECT_EQ(image->height, 480);
  // R, G, B of the 75% bars on line 100: below the digits, above the block, and away from
  // other edges so JPEG's 16-line chroma blocks see one colour per bar.
  const std::array<std::array<int, 3>, 8> bars{{{191, 191, 191},
                                                {191, 191, 0},
                                                {0, 191, 191},
                                                {0, 191, 0},
                                                {191, 0, 191},
                                                {191, 0, 0},
                                                {0, 0, 191},
                                                {0, 0, 0}}};
  for (std::size_t k = 0; k < bars.size(); ++k) {
    for (int c = 0; c < 3; ++c) {
      EXPECT_NEAR(image->at(static_cast<std::uint32_t>(40 + 80 * k), 100, c),
                  bars[k][static_cast<std::size_t>(c)], 4)
          << "bar " << k << " channel " << c;
    }
  }
}

// vcamera-fourcc's conversions (what the demo's PNGs use) read JPEG as the full-range
// Y'CbCr it is, so they agree with libjpeg-turbo's decoder.
TEST(TestPatternJpeg, FourccConversionDecodesTheBarsLikeTurbojpeg) {
  auto r = renderFrame("MJPEG", {640, 480}, 0);
  ASSERT_TRUE(r);
  const std::span<const std::byte> jpeg = r->frame.plane(0).first(r->used);
  auto image = decode(jpeg);
  ASSERT_TRUE(image);
  const fourcc::FormatInfo& rgb24 = fourcc::fromName("RGB24");
  Result<std::vector<std::uint8_t>> converted = fourcc::convertPacked(
      fourcc::fromName("MJPEG"), rgb24, {640, 480},
      std::span(reinterpret_cast<const std::uint8_t*>(jpeg.data()), jpeg.size()));
  ASSERT_TRUE(converted) << converted.error().message;
  for (std::uint32_t x : {40u, 120u, 440u}) {
    for (int c = 0; c < 3; ++c) {
      const std::size_t at = (100u * 640u + x) * 3u + static_cast<std::size_t>(c);
      EXPECT_NEAR((*converted)[at], image->at(x, 100, c), 3) << "x " << x << " channel " << c;
    }
  }
}

TEST(TestPatternJpeg, OddSizesDecodeToTheirSize) {
  auto r = renderFrame("JPEG", {37, 21}, 7);
  ASSERT_TRUE(r);
  auto image = decode(r->frame.plane(0).first(r->used));
  ASSERT_TRUE(image);
  EXPECT_EQ(image->width, 37);
  EXPECT_EQ(image->height, 21);
}

TEST(TestPatternJpeg, SameSequenceGivesTheSameJpegAndTheNextADifferentOne) {
  auto a = renderFrame("MJPEG", {320, 240}, 11);
  auto b = renderFrame("MJPEG", {320, 240}, 11);
  auto c = renderFrame("MJPEG", {320, 240}, 12);
  ASSERT_TRUE(a && b && c);
  EXPECT_EQ(a->used, b->used);
  EXPECT_EQ(a->frame.checksum(a->used), b->frame.checksum(b->used));
  EXPECT_NE(a->frame.checksum(a->used), c->frame.checksum(c->used));
}

TEST(TestPatternJpeg, JpegLongerThanTheBufferIsAnError) {
  const auto& f = fourcc::fromName("MJPEG");
  const auto layout = fourcc::computeLayout(f, {320, 240});
  auto pattern = TestPattern::create(f, *layout);
  ASSERT_TRUE(pattern.ok());
  TargetFrame frame(*layout, std::byte{0x5a}, layout->memPlanes[0].sizeImage - 100);
  auto used = pattern->render(0, frame.spans());
  ASSERT_FALSE(used.ok());
  EXPECT_EQ(used.error().code, ENOSPC);
  EXPECT_TRUE(frame.guardsIntact());
}

TEST(TestPatternJpeg, NeedsExactlyOneBuffer) {
  const auto& f = fourcc::fromName("MJPEG");
  const auto layout = fourcc::computeLayout(f, {64, 48});
  auto pattern = TestPattern::create(f, *layout);
  ASSERT_TRUE(pattern.ok());
  auto used = pattern->render(0, {});
  ASSERT_FALSE(used.ok());
  EXPECT_EQ(used.error().code, EINVAL);
}

}  // namespace
}  // namespace vcam::source
