// SPDX-License-Identifier: MIT
// The picture itself: standard bar values, line keys, block motion, tiny sizes.
#include "backend/source/scene.h"

#include <gtest/gtest.h>

#include <vector>

namespace vcam::source {
namespace {

struct Ycc {
  int y, cb, cr;
};

Ycc ycc8(PaletteIndex index) {
  const Rgb c = paletteColour(index);
  return {quantise(c, Component::kY, 8, Range::kLimited),
          quantise(c, Component::kCb, 8, Range::kLimited),
          quantise(c, Component::kCr, 8, Range::kLimited)};
}

TEST(Scene, BarsQuantiseToTheStandard75PercentBt601Values) {
  // 75% bars in 8-bit limited-range BT.601 Y'CbCr, as ITU-R BT.801 lists them.
  const std::array<Ycc, kBarCount> expected{{{180, 128, 128},
                                             {162, 44, 142},
                                             {131, 156, 44},
                                             {112, 72, 58},
                                             {84, 184, 198},
                                             {65, 100, 212},
                                             {35, 212, 114},
                                             {16, 128, 128}}};
  for (PaletteIndex i = 0; i < kBarCount; ++i) {
    const Ycc got = ycc8(i);
    EXPECT_EQ(got.y, expected[i].y) << "bar " << i;
    EXPECT_EQ(got.cb, expected[i].cb) << "bar " << i;
    EXPECT_EQ(got.cr, expected[i].cr) << "bar " << i;
  }
}

TEST(Scene, FullRangeAndDeepSamplesScale) {
  const Rgb white = paletteColour(kWhite);
  EXPECT_EQ(quantise(white, Component::kY, 10, Range::kLimited), 940);
  EXPECT_EQ(quantise(white, Component::kY, 8, Range::kFull), 255);
  EXPECT_EQ(quantise(paletteColour(0), Component::kR, 8, Range::kFull), 191);
  EXPECT_EQ(quantise(paletteColour(0), Component::kG, 6, Range::kFull), 47);
  EXPECT_EQ(quantise(white, Component::kOpaque, 1, Range::kFull), 1);
}

TEST(Scene, EqualLineKeysMeanEqualLines) {
  for (const fourcc::Size size : {fourcc::Size{37, 22}, fourcc::Size{640, 480}}) {
    Scene scene(size);
    for (const std::uint32_t seq : {0u, 7u, 4000000000u}) {
      scene.setSequence(seq);
      std::vector<std::vector<PaletteIndex>> lines(size.height,
                                                   std::vector<PaletteIndex>(size.width));
      for (std::uint32_t y = 0; y < size.height; ++y) scene.drawLine(y, lines[y]);
      for (std::uint32_t y = 1; y < size.height; ++y) {
        if (scene.lineKey(y) == scene.lineKey(y - 1)) {
          EXPECT_EQ(lines[y], lines[y - 1]) << size.width << "x" << size.height << " line " << y;
        }
      }
    }
  }
}

TEST(Scene, BlockStaysInsideTheFrame) {
  for (const fourcc::Size size :
       {fourcc::Size{1, 1}, fourcc::Size{3, 200}, fourcc::Size{1920, 1080}}) {
    Scene scene(size);
    for (std::uint32_t seq = 0; seq < 2000; seq += 37) {
      scene.setSequence(seq);
      const Rect b = scene.block();
      EXPECT_LE(b.x + b.width, size.width);
      EXPECT_LE(b.y + b.height, size.height);
    }
  }
}

TEST(Scene, BlockStartsCentredAndMovesEveryFrame) {
  Scene scene({640, 480});
  const Rect first = scene.block();
  EXPECT_EQ(first.x, (640 - first.width) / 2);
  EXPECT_EQ(first.y, (480 - first.height) / 2);
  for (std::uint32_t seq = 1; seq < 300; ++seq) {
    scene.setSequence(seq - 1);
    const Rect before = scene.block();
    scene.setSequence(seq);
    const Rect after = scene.block();
    EXPECT_TRUE(before.x != after.x || before.y != after.y) << "frame " << seq;
  }
}

TEST(Scene, DrawsTinyFramesInsideTheLine) {
  for (const fourcc::Size size : {fourcc::Size{1, 1}, fourcc::Size{2, 1}, fourcc::Size{1, 5}}) {
    Scene scene(size);
    std::vector<PaletteIndex> line(size.width + 1, 0xffff);
    for (std::uint32_t y = 0; y <= size.height; ++y) {
      scene.drawLine(y, std::span(line).first(size.width));
      EXPECT_EQ(line.back(), 0xffff);
      EXPECT_LT(line.front(), kPaletteSize);
    }
  }
}

}  // namespace
}  // namespace vcam::source
