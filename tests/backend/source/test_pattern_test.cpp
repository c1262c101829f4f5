// SPDX-License-Identifier: MIT
// TestPattern behaviour: every format, determinism, motion, digits, bounds and errors.
#include "backend/source/test_pattern.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "render_helpers.h"
#include "target_frame.h"

namespace vcam::source {
namespace {

using fourcc::allFormats;
using fourcc::computeLayout;
using fourcc::FormatInfo;
using fourcc::fromName;
using fourcc::Size;
using testing::renderFrame;
using testing::TargetFrame;

constexpr std::byte kZeroFill{0x00};
constexpr std::byte kOnesFill{0xff};

TEST(TestPattern, RendersEveryUncompressedTableFormatInsideItsBuffers) {
  for (const FormatInfo& f : allFormats()) {
    if (f.isCompressed()) continue;
    for (const Size size : {Size{37, 22}, Size{37, 21}, Size{640, 480}}) {
      for (const std::uint32_t align : {1u, 64u}) {
        auto layout = computeLayout(f, size, align);
        if (!layout) continue;  // P010 refuses odd heights
        auto pattern = TestPattern::create(f, *layout);
        ASSERT_TRUE(pattern.ok()) << f.name << ": " << pattern.error().message;
        TargetFrame frame(*layout);
        auto used = pattern->render(42, frame.spans());
        ASSERT_TRUE(used.ok()) << f.name << ": " << used.error().message;
        EXPECT_EQ(*used, layout->totalSize) << f.name;
        EXPECT_TRUE(frame.guardsIntact()) << f.name << " " << size.width << "x" << size.height;
      }
    }
  }
}

TEST(TestPattern, WritesEveryByteOfEveryPlaneWhateverWasThereBefore) {
  for (const FormatInfo& f : allFormats()) {
    if (f.isCompressed()) continue;
    for (const std::uint32_t align : {1u, 64u}) {
      auto zeros = renderFrame(f.name, {37, 22}, 5, align, kZeroFill);
      auto ones = renderFrame(f.name, {37, 22}, 5, align, kOnesFill);
      ASSERT_TRUE(zeros && ones);
      EXPECT_EQ(zeros->frame.checksum(), ones->frame.checksum()) << f.name << " align " << align;
    }
  }
}

TEST(TestPattern, SameFormatSizeAndSequenceGiveTheSameBytes) {
  const FormatInfo& f = fromName("NV12");
  const auto layout = computeLayout(f, {320, 240});
  ASSERT_TRUE(layout.ok());
  auto a = TestPattern::create(f, *layout);
  auto b = TestPattern::create(f, *layout);
  ASSERT_TRUE(a.ok() && b.ok());
  TargetFrame first(*layout);
  TargetFrame other(*layout);
  TargetFrame again(*layout);
  ASSERT_TRUE(a->render(9, first.spans()).ok());
  ASSERT_TRUE(a->render(10, other.spans()).ok());  // a's caches now hold frame 10
  ASSERT_TRUE(a->render(9, again.spans()).ok());
  EXPECT_EQ(first.checksum(), again.checksum());
  ASSERT_TRUE(b->render(9, other.spans()).ok());
  EXPECT_EQ(first.checksum(), other.checksum());
}

// Bounding box of 8-bit luma `value` in a GREY frame, lines [top, bottom).
Rect findLuma(const TargetFrame& frame, std::uint8_t value, std::uint32_t top,
              std::uint32_t bottom) {
  const Size size = frame.layout().size;
  std::uint32_t x0 = size.width, y0 = size.height, x1 = 0, y1 = 0;
  for (std::uint32_t y = top; y < bottom; ++y) {
    for (std::uint32_t x = 0; x < size.width; ++x) {
      if (frame.at(0, y, x) != value) continue;
      x0 = std::min(x0, x);
      y0 = std::min(y0, y);
      x1 = std::max(x1, x + 1);
      y1 = std::max(y1, y + 1);
    }
  }
  return x1 == 0 ? Rect{} : Rect{x0, y0, x1 - x0, y1 - y0};
}

TEST(TestPattern, BlockIsDrawnWhereTheSceneSaysAndMovesWithTheSequence) {
  const Size size{640, 480};
  Scene scene(size);
  const std::uint32_t belowDigits = scene.digitBox().y + scene.digitBox().height;
  std::vector<Rect> found;
  for (const std::uint32_t seq : {0u, 3u}) {
    auto r = renderFrame("GREY", size, seq);
    ASSERT_TRUE(r);
    scene.setSequence(seq);
    const Rect block = scene.block();
    const std::uint32_t b = scene.blockBorder();
    ASSERT_GE(block.y, belowDigits);
    // Between the digits and the ramp, 100% white (luma 235) is only inside the block.
    ASSERT_LE(block.y + block.height, scene.rampTop());
    const Rect white = findLuma(r->frame, 235, belowDigits, scene.rampTop());
    EXPECT_EQ(white.x, block.x + b);
    EXPECT_EQ(white.y, block.y + b);
    EXPECT_EQ(white.width, block.width - 2 * b);
    EXPECT_EQ(white.height, block.height - 2 * b);
    found.push_back(white);
  }
  EXPECT_NE(found[0].x, found[1].x);
  EXPECT_NE(found[0].y, found[1].y);
}

// Reads the digits back from a GREY frame using the glyphs' pixel grid.
std::string readDigits(const TargetFrame& frame, const Scene& scene) {
  const Rect box = scene.digitBox();
  const std::uint32_t s = scene.digitScale();
  std::string text;
  for (std::uint32_t k = 0; k < kDigitCount; ++k) {
    char found = '?';
    for (std::uint32_t d = 0; d < 10; ++d) {
      bool match = true;
      for (std::uint32_t row = 0; row < kGlyphHeight && match; ++row) {
        for (std::uint32_t col = 0; col < kGlyphWidth && match; ++col) {
          const bool on = (glyphRow(d, row) & (0x10u >> col)) != 0;
          const std::uint32_t x = box.x + (1 + k * (kGlyphWidth + 1) + col) * s + s / 2;
          const std::uint32_t y = box.y + (1 + row) * s + s / 2;
          match = (frame.at(0, y, x) == 235) == on;
        }
      }
      if (match) found = static_cast<char>('0' + d);
    }
    text += found;
  }
  return text;
}

TEST(TestPattern, DrawsTheSequenceNumberInDigits) {
  const Size size{640, 480};
  Scene scene(size);
  for (const std::uint32_t seq : {0u, 123u, 124u, 4294967295u}) {
    auto r = renderFrame("GREY", size, seq);
    ASSERT_TRUE(r);
    char expected[11];
    std::snprintf(expected, sizeof expected, "%010u", seq);
    EXPECT_EQ(readDigits(r->frame, scene), expected);
  }
}

TEST(TestPattern, ConsecutiveFramesDifferOnlyInDigitsAndBlock) {
  const Size size{640, 480};
  auto a = renderFrame("GREY", size, 123);
  auto b = renderFrame("GREY", size, 124);
  ASSERT_TRUE(a && b);
  Scene scene(size);
  const auto inside = [](const Rect& r, std::uint32_t x, std::uint32_t y) {
    return x >= r.x && x < r.x + r.width && y >= r.y && y < r.y + r.height;
  };
  scene.setSequence(123);
  const Rect blockA = scene.block();
  scene.setSequence(124);
  const Rect blockB = scene.block();
  bool digitsDiffer = false;
  for (std::uint32_t y = 0; y < size.height; ++y) {
    for (std::uint32_t x = 0; x < size.width; ++x) {
      const bool same = a->frame.at(0, y, x) == b->frame.at(0, y, x);
      if (inside(scene.digitBox(), x, y)) {
        digitsDiffer |= !same;
      } else if (!inside(blockA, x, y) && !inside(blockB, x, y)) {
        ASSERT_TRUE(same) << "pixel " << x << "," << y;
      }
    }
  }
  EXPECT_TRUE(digitsDiffer);
}

TEST(TestPattern, StrideAlignmentOnlyAddsZeroPadding) {
  for (const char* name : {"NV12", "YUYV", "SGRBG10P", "YUV420M"}) {
    auto tight = renderFrame(name, {37, 22}, 1);
    auto padded = renderFrame(name, {37, 22}, 1, 64);
    ASSERT_TRUE(tight && padded);
    const auto& tl = tight->frame.layout();
    const auto& pl = padded->frame.layout();
    for (std::size_t p = 0; p < tl.numColorPlanes; ++p) {
      const auto& c = tl.colorPlanes[p];
      for (std::uint32_t line = 0; line < c.lines; ++line) {
        for (std::uint32_t i = 0; i < pl.colorPlanes[p].stride; ++i) {
          const std::uint8_t want = i < c.stride ? tight->frame.at(p, line, i) : 0;
          ASSERT_EQ(padded->frame.at(p, line, i), want) << name << " plane " << p;
        }
      }
    }
  }
}

TEST(TestPattern, ReportsBt601LimitedForYuvAndFullRangeForRgbAndJpeg) {
  const auto colorimetry = [](const char* name) {
    const auto& f = fromName(name);
    return TestPattern::create(f, *computeLayout(f, {64, 48}))->colorimetry();
  };
  EXPECT_EQ(colorimetry("NV12"), kYuvColorimetry);
  EXPECT_EQ(colorimetry("GREY"), kYuvColorimetry);
  EXPECT_EQ(colorimetry("XBGR32"), kRgbColorimetry);
  EXPECT_EQ(colorimetry("SRGGB10"), kRgbColorimetry);
  EXPECT_EQ(colorimetry("MJPEG"), kJpegColorimetry);
  EXPECT_EQ(kYuvColorimetry.colorspace, std::uint32_t{XENCAMERA_COLORSPACE_SMPTE170M});
  EXPECT_EQ(kYuvColorimetry.ycbcrEnc, std::uint32_t{XENCAMERA_YCBCR_ENC_601});
  EXPECT_EQ(kYuvColorimetry.quantization, std::uint32_t{XENCAMERA_QUANTIZATION_LIM_RANGE});
  EXPECT_EQ(kRgbColorimetry.quantization, std::uint32_t{XENCAMERA_QUANTIZATION_FULL_RANGE});
}

TEST(TestPattern, TooShortBufferIsAnErrorAndNothingIsWritten) {
  const FormatInfo& f = fromName("NV12M");
  const auto layout = computeLayout(f, {64, 48});
  auto pattern = TestPattern::create(f, *layout);
  ASSERT_TRUE(pattern.ok());
  TargetFrame frame(*layout, std::byte{0x5a}, 1);  // CbCr plane one byte short
  auto used = pattern->render(0, frame.spans());
  ASSERT_FALSE(used.ok());
  EXPECT_EQ(used.error().code, ENOSPC);
  EXPECT_TRUE(frame.guardsIntact());
  for (std::byte b : frame.plane(0)) ASSERT_EQ(b, std::byte{0x5a});
}

TEST(TestPattern, WrongNumberOfBuffersIsAnError) {
  const FormatInfo& f = fromName("NV12M");
  const auto layout = computeLayout(f, {64, 48});
  auto pattern = TestPattern::create(f, *layout);
  ASSERT_TRUE(pattern.ok());
  TargetFrame frame(*layout);
  auto used = pattern->render(0, frame.spans().first(1));
  ASSERT_FALSE(used.ok());
  EXPECT_EQ(used.error().code, EINVAL);
}

TEST(TestPattern, RefusesALayoutOfAnotherFormat) {
  const auto yuyv = computeLayout(fromName("YUYV"), {64, 48});
  auto pattern = TestPattern::create(fromName("NV12"), *yuyv);
  ASSERT_FALSE(pattern.ok());
  EXPECT_EQ(pattern.error().code, EINVAL);
}

TEST(TestPattern, RefusesALayoutWithPlanesPastTheirBuffer) {
  auto layout = computeLayout(fromName("NV12"), {64, 48});
  layout->memPlanes[0].sizeImage -= 1;
  auto pattern = TestPattern::create(fromName("NV12"), *layout);
  ASSERT_FALSE(pattern.ok());
  EXPECT_EQ(pattern.error().code, EINVAL);
}

TEST(TestPattern, RefusesTheInvalidFormat) {
  auto pattern = TestPattern::create(fourcc::kInvalidFormat, fourcc::Layout{});
  ASSERT_FALSE(pattern.ok());
  EXPECT_EQ(pattern.error().code, ENOTSUP);
  EXPECT_FALSE(TestPattern::supports(fourcc::kInvalidFormat));
}

TEST(TestPattern, SupportsEveryTableFormat) {
  for (const FormatInfo& f : allFormats()) EXPECT_TRUE(TestPattern::supports(f)) << f.name;
}

}  // namespace
}  // namespace vcam::source
