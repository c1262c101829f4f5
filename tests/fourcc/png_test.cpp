// SPDX-License-Identifier: MIT
// writePng(): the file libpng reads back has the frame's size and pixels.
#include <gtest/gtest.h>

#include <filesystem>

#include "frame_checksum.h"
#include "vcamera/fourcc/pattern.h"
#include "vcamera/fourcc/png_writer.h"

namespace vcam::fourcc {
namespace {

using testing::fnv1a;
using testing::readPng;

class PngWriterTest : public ::testing::Test {
 protected:
  std::string path(const std::string& name) {
    return (std::filesystem::path(::testing::TempDir()) /
            (std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) + "-" +
             name))
        .string();
  }

  Status write(std::string_view format, Size size, const std::string& file) {
    const auto& f = fromName(format);
    auto bytes = renderColourBars(f, size);
    if (!bytes) return bytes.error();
    auto layout = computeLayout(f, size);
    if (!layout) return layout.error();
    auto frame = viewPacked(f, *layout, std::span<const std::uint8_t>(*bytes));
    if (!frame) return frame.error();
    return writePng(*frame, file);
  }
};

TEST_F(PngWriterTest, RgbFrameReadsBackWithGoldenPixels) {
  const auto file = path("bars.png");
  ASSERT_TRUE(write("XBGR32", {64, 48}, file));
  const auto png = readPng(file);
  ASSERT_TRUE(png.error.empty()) << png.error;
  EXPECT_EQ(png.width, 64u);
  EXPECT_EQ(png.height, 48u);
  EXPECT_EQ(png.format, static_cast<std::uint32_t>(PNG_FORMAT_RGB));
  // Same pixels as the RGB24 colour-bars golden in convert_test.cpp.
  EXPECT_EQ(fnv1a(png.rgb), 0x2d68bdd7187d1025ull);
}

TEST_F(PngWriterTest, YuvFrameShowsTheBarsInRgb) {
  const auto file = path("yuyv.png");
  ASSERT_TRUE(write("YUYV", {640, 480}, file));
  const auto png = readPng(file);
  ASSERT_TRUE(png.error.empty()) << png.error;
  ASSERT_EQ(png.width, 640u);
  const auto pixel = [&](std::size_t x, std::size_t y, std::size_t c) {
    return int{png.rgb[(y * 640 + x) * 3 + c]};
  };
  // First bar white (191), sixth red (191, 0, 0), within BT.601 rounding.
  EXPECT_NEAR(pixel(10, 10, 0), 191, 4);
  EXPECT_NEAR(pixel(10, 10, 2), 191, 4);
  EXPECT_NEAR(pixel(5 * 80 + 40, 10, 0), 191, 4);
  EXPECT_NEAR(pixel(5 * 80 + 40, 10, 1), 0, 4);
}

TEST_F(PngWriterTest, UnwritablePathIsAnIoError) {
  const auto status = write("XBGR32", {8, 8}, "/nonexistent-dir/x.png");
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().code, EIO);
}

TEST_F(PngWriterTest, BayerCannotBeShownYet) {
  std::vector<std::uint8_t> raw(16);
  auto layout = computeLayout(fromName("SBGGR8"), {4, 4});
  auto frame = viewPacked(fromName("SBGGR8"), *layout, std::span<const std::uint8_t>(raw));
  ASSERT_TRUE(frame);
  EXPECT_EQ(writePng(*frame, path("bayer.png")).error().code, ENOTSUP);
}

}  // namespace
}  // namespace vcam::fourcc
