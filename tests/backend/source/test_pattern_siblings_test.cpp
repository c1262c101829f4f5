// SPDX-License-Identifier: MIT
// Formats that hold the same samples in another order agree sample for sample with a
// reference format (planar Y'CbCr, RGB24, 16-bit Bayer): covers every table format that
// libyuv cannot convert for a look, and pins component order and byte order.
#include <gtest/gtest.h>

#include <array>
#include <optional>

#include "backend/source/test_pattern.h"
#include "render_helpers.h"

namespace vcam::source {
namespace {

using fourcc::Size;
using testing::Rendered;
using testing::renderFrame;

constexpr Size kSize{64, 48};
constexpr std::uint32_t kSeq = 31;  // block and digits both in view

std::optional<Rendered> frame(const char* name) { return renderFrame(name, kSize, kSeq); }

int word16(const Rendered& r, std::size_t plane, std::uint32_t line, std::uint32_t byte) {
  return r.frame.at(plane, line, byte) | r.frame.at(plane, line, byte + 1) << 8;
}

TEST(TestPatternSiblings, PackedYuv422IsYuv422mInterleaved) {
  auto ref = frame("YUV422M");
  ASSERT_TRUE(ref);
  struct Order {
    const char* name;
    std::array<std::uint32_t, 4> at;  // byte of Y0, Cb, Y1, Cr in the group
  };
  for (const Order o : {Order{"YUYV", {0, 1, 2, 3}}, Order{"UYVY", {1, 0, 3, 2}},
                        Order{"YVYU", {0, 3, 2, 1}}, Order{"VYUY", {1, 2, 3, 0}}}) {
    auto r = frame(o.name);
    ASSERT_TRUE(r);
    for (std::uint32_t y = 0; y < kSize.height; ++y) {
      for (std::uint32_t i = 0; i < kSize.width / 2; ++i) {
        const std::array<std::uint8_t, 4> want{ref->frame.at(0, y, 2 * i), ref->frame.at(1, y, i),
                                               ref->frame.at(0, y, 2 * i + 1),
                                               ref->frame.at(2, y, i)};
        for (std::size_t k = 0; k < 4; ++k) {
          ASSERT_EQ(r->frame.at(0, y, 4 * i + o.at[k]), want[k]) << o.name << " " << i << "," << y;
        }
      }
    }
  }
}

TEST(TestPatternSiblings, SemiPlanarAndPlanarVariantsHoldTheSameSamples) {
  struct Case {
    const char* name;
    const char* reference;  // the Y, Cb, Cr three-buffer format with the same subsampling
    bool semiPlanar;
    bool crFirst;
  };
  for (const Case c :
       {Case{"NV12", "YUV420M", true, false}, Case{"NV21", "YUV420M", true, true},
        Case{"NV12M", "YUV420M", true, false}, Case{"NV21M", "YUV420M", true, true},
        Case{"NV16", "YUV422M", true, false}, Case{"NV61", "YUV422M", true, true},
        Case{"NV16M", "YUV422M", true, false}, Case{"NV61M", "YUV422M", true, true},
        Case{"NV24", "YUV444M", true, false}, Case{"NV42", "YUV444M", true, true},
        Case{"YUV420", "YUV420M", false, false}, Case{"YVU420", "YUV420M", false, true},
        Case{"YVU420M", "YUV420M", false, true}, Case{"YUV422P", "YUV422M", false, false},
        Case{"YVU422M", "YUV422M", false, true}, Case{"YVU444M", "YUV444M", false, true}}) {
    auto ref = frame(c.reference);
    auto r = frame(c.name);
    ASSERT_TRUE(ref && r);
    const auto& chroma = ref->frame.layout().colorPlanes[1];
    for (std::uint32_t y = 0; y < kSize.height; ++y) {
      for (std::uint32_t x = 0; x < kSize.width; ++x) {
        ASSERT_EQ(r->frame.at(0, y, x), ref->frame.at(0, y, x)) << c.name;
      }
    }
    for (std::uint32_t y = 0; y < chroma.lines; ++y) {
      for (std::uint32_t i = 0; i < chroma.stride; ++i) {
        const std::uint8_t cb = ref->frame.at(1, y, i);
        const std::uint8_t cr = ref->frame.at(2, y, i);
        if (c.semiPlanar) {
          ASSERT_EQ(r->frame.at(1, y, 2 * i), c.crFirst ? cr : cb) << c.name;
          ASSERT_EQ(r->frame.at(1, y, 2 * i + 1), c.crFirst ? cb : cr) << c.name;
        } else {
          ASSERT_EQ(r->frame.at(1, y, i), c.crFirst ? cr : cb) << c.name;
          ASSERT_EQ(r->frame.at(2, y, i), c.crFirst ? cb : cr) << c.name;
        }
      }
    }
  }
}

TEST(TestPatternSiblings, PackedYuv444IsYuv444mWithAlphaOrPadding) {
  auto ref = frame("YUV444M");
  ASSERT_TRUE(ref);
  constexpr int kA = 255, kX = 0, kY = -1, kCb = -2, kCr = -3;  // negative: a plane
  struct Order {
    const char* name;
    std::array<int, 4> bytes;
  };
  for (const Order o : {Order{"AYUV32", {kA, kY, kCb, kCr}}, Order{"XYUV32", {kX, kY, kCb, kCr}},
                        Order{"VUYA32", {kCr, kCb, kY, kA}}, Order{"VUYX32", {kCr, kCb, kY, kX}}}) {
    auto r = frame(o.name);
    ASSERT_TRUE(r);
    for (std::uint32_t y = 0; y < kSize.height; ++y) {
      for (std::uint32_t x = 0; x < kSize.width; ++x) {
        for (std::uint32_t k = 0; k < 4; ++k) {
          const int b = o.bytes[k];
          const int want = b >= 0 ? b : ref->frame.at(static_cast<std::size_t>(-b - 1), y, x);
          ASSERT_EQ(r->frame.at(0, y, 4 * x + k), want) << o.name;
        }
      }
    }
  }
}

TEST(TestPatternSiblings, RgbByteOrdersAreRgb24Rearranged) {
  auto ref = frame("RGB24");
  ASSERT_TRUE(ref);
  constexpr int kA = 255, kX = 0, kR = -1, kG = -2, kB = -3;  // negative: RGB24 byte
  struct Order {
    const char* name;
    std::uint32_t size;
    std::array<int, 4> bytes;
  };
  for (const Order o : {Order{"BGR24", 3, {kB, kG, kR, 0}}, Order{"XRGB32", 4, {kX, kR, kG, kB}},
                        Order{"XBGR32", 4, {kB, kG, kR, kX}}, Order{"ARGB32", 4, {kA, kR, kG, kB}},
                        Order{"ABGR32", 4, {kB, kG, kR, kA}}, Order{"RGBA32", 4, {kR, kG, kB, kA}},
                        Order{"BGRA32", 4, {kA, kB, kG, kR}}, Order{"RGBX32", 4, {kR, kG, kB, kX}},
                        Order{"BGRX32", 4, {kX, kB, kG, kR}}}) {
    auto r = frame(o.name);
    ASSERT_TRUE(r);
    for (std::uint32_t y = 0; y < kSize.height; ++y) {
      for (std::uint32_t x = 0; x < kSize.width; ++x) {
        for (std::uint32_t k = 0; k < o.size; ++k) {
          const int b = o.bytes[k];
          const int want =
              b >= 0 ? b : ref->frame.at(0, y, 3 * x + static_cast<std::uint32_t>(-b - 1));
          ASSERT_EQ(r->frame.at(0, y, o.size * x + k), want) << o.name;
        }
      }
    }
  }
}

TEST(TestPatternSiblings, BigEndianFormatsAreTheLittleEndianOnesByteSwapped) {
  struct Pair {
    const char* big;
    const char* little;
  };
  for (const Pair p : {Pair{"RGB565X", "RGB565"}, Pair{"ARGB555X", "ARGB555"}}) {
    auto be = frame(p.big);
    auto le = frame(p.little);
    ASSERT_TRUE(be && le);
    for (std::uint32_t y = 0; y < kSize.height; ++y) {
      for (std::uint32_t i = 0; i < kSize.width * 2; i += 2) {
        ASSERT_EQ(be->frame.at(0, y, i), le->frame.at(0, y, i + 1)) << p.big;
        ASSERT_EQ(be->frame.at(0, y, i + 1), le->frame.at(0, y, i)) << p.big;
      }
    }
  }
  auto rgb555 = frame("RGB555");
  auto xrgb555 = frame("XRGB555");
  ASSERT_TRUE(rgb555 && xrgb555);
  EXPECT_EQ(rgb555->frame.checksum(), xrgb555->frame.checksum());
}

TEST(TestPatternSiblings, BayerPixelsTakeTheirColourFromRgb24) {
  auto ref = frame("RGB24");
  ASSERT_TRUE(ref);
  for (const char* name : {"SBGGR8", "SGBRG8", "SGRBG8", "SRGGB8"}) {
    auto r = frame(name);
    ASSERT_TRUE(r);
    const std::string_view order = std::string_view(name).substr(1, 4);
    for (std::uint32_t y = 0; y < kSize.height; ++y) {
      for (std::uint32_t x = 0; x < kSize.width; ++x) {
        const char colour = order[(y % 2) * 2 + x % 2];
        const std::uint32_t channel = colour == 'R' ? 0 : colour == 'G' ? 1 : 2;
        ASSERT_EQ(r->frame.at(0, y, x), ref->frame.at(0, y, 3 * x + channel)) << name;
      }
    }
  }
}

TEST(TestPatternSiblings, MipiRaw10HoldsTheSamplesOfRaw10InSixteenBits) {
  for (const char* name : {"SBGGR10", "SGBRG10", "SGRBG10", "SRGGB10"}) {
    auto wide = frame(name);
    auto packed = frame((std::string(name) + "P").c_str());
    ASSERT_TRUE(wide && packed);
    for (std::uint32_t y = 0; y < kSize.height; ++y) {
      for (std::uint32_t x = 0; x < kSize.width; ++x) {
        const std::uint32_t group = x / 4 * 5;
        const int high = packed->frame.at(0, y, group + x % 4);
        const int low = packed->frame.at(0, y, group + 4) >> (2 * (x % 4)) & 3;
        ASSERT_EQ(high << 2 | low, word16(*wide, 0, y, 2 * x)) << name;
      }
    }
  }
}

TEST(TestPatternSiblings, LumaIsTheSameInGreyNv12Y10AndP010) {
  auto grey = frame("GREY");
  auto nv12 = frame("NV12");
  auto y10 = frame("Y10");
  auto p010 = frame("P010");
  ASSERT_TRUE(grey && nv12 && y10 && p010);
  for (std::uint32_t y = 0; y < kSize.height; ++y) {
    for (std::uint32_t x = 0; x < kSize.width; ++x) {
      ASSERT_EQ(grey->frame.at(0, y, x), nv12->frame.at(0, y, x));
      ASSERT_EQ(word16(*p010, 0, y, 2 * x), word16(*y10, 0, y, 2 * x) << 6);
      ASSERT_NEAR(word16(*y10, 0, y, 2 * x), grey->frame.at(0, y, x) * 4, 2);
    }
  }
}

}  // namespace
}  // namespace vcam::source
