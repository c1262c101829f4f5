// SPDX-License-Identifier: MIT
// Layouts against Linux 6.1's v4l2_fill_pixfmt()/v4l2_fill_pixfmt_mp(), restated here
// independently of the library: the kernel's table rows for the formats we share, and its
// arithmetic, compared over a grid of sizes that includes odd ones. Rows and arithmetic were
// checked by hand against Debian's linux-source-6.1 (6.1.192), v4l2-common.c; 6.1 sets no
// block sizes, and its table also has formats vcamera does not carry (HSV, *_4L4, YUV410).
#include <gtest/gtest.h>
#include <linux/videodev2.h>

#include <array>
#include <cstdint>
#include <vector>

#include "vcamera/fourcc/format_info.h"
#include "vcamera/fourcc/layout.h"

namespace vcam::fourcc {
namespace {

// struct v4l2_format_info as in Linux 6.1 drivers/media/v4l2-core/v4l2-common.c. bpp is in
// bytes; block_w/block_h of 0 mean 1. No 6.1 row for these formats sets a block size.
struct KernelRow {
  std::uint32_t format;
  std::uint8_t memPlanes;
  std::uint8_t compPlanes;
  std::array<std::uint8_t, 4> bpp;
  std::uint8_t hdiv;
  std::uint8_t vdiv;
  std::array<std::uint8_t, 4> blockW{};
  std::array<std::uint8_t, 4> blockH{};
};

// Linux 6.1's rows for every format that both its table and ours have.
const std::vector<KernelRow> kLinux61Rows = {
    {V4L2_PIX_FMT_BGR24, 1, 1, {3, 0, 0, 0}, 1, 1},
    {V4L2_PIX_FMT_RGB24, 1, 1, {3, 0, 0, 0}, 1, 1},
    {V4L2_PIX_FMT_XBGR32, 1, 1, {4, 0, 0, 0}, 1, 1},
    {V4L2_PIX_FMT_BGRX32, 1, 1, {4, 0, 0, 0}, 1, 1},
    {V4L2_PIX_FMT_XRGB32, 1, 1, {4, 0, 0, 0}, 1, 1},
    {V4L2_PIX_FMT_RGBX32, 1, 1, {4, 0, 0, 0}, 1, 1},
    {V4L2_PIX_FMT_ARGB32, 1, 1, {4, 0, 0, 0}, 1, 1},
    {V4L2_PIX_FMT_RGBA32, 1, 1, {4, 0, 0, 0}, 1, 1},
    {V4L2_PIX_FMT_ABGR32, 1, 1, {4, 0, 0, 0}, 1, 1},
    {V4L2_PIX_FMT_BGRA32, 1, 1, {4, 0, 0, 0}, 1, 1},
    {V4L2_PIX_FMT_RGB565, 1, 1, {2, 0, 0, 0}, 1, 1},
    {V4L2_PIX_FMT_RGB555, 1, 1, {2, 0, 0, 0}, 1, 1},
    {V4L2_PIX_FMT_YUYV, 1, 1, {2, 0, 0, 0}, 2, 1},
    {V4L2_PIX_FMT_YVYU, 1, 1, {2, 0, 0, 0}, 2, 1},
    {V4L2_PIX_FMT_UYVY, 1, 1, {2, 0, 0, 0}, 2, 1},
    {V4L2_PIX_FMT_VYUY, 1, 1, {2, 0, 0, 0}, 2, 1},
    {V4L2_PIX_FMT_NV12, 1, 2, {1, 2, 0, 0}, 2, 2},
    {V4L2_PIX_FMT_NV21, 1, 2, {1, 2, 0, 0}, 2, 2},
    {V4L2_PIX_FMT_NV16, 1, 2, {1, 2, 0, 0}, 2, 1},
    {V4L2_PIX_FMT_NV61, 1, 2, {1, 2, 0, 0}, 2, 1},
    {V4L2_PIX_FMT_NV24, 1, 2, {1, 2, 0, 0}, 1, 1},
    {V4L2_PIX_FMT_NV42, 1, 2, {1, 2, 0, 0}, 1, 1},
    {V4L2_PIX_FMT_P010, 1, 2, {2, 2, 0, 0}, 2, 1},  // sic: vdiv 1 in 6.1
    {V4L2_PIX_FMT_YUV420, 1, 3, {1, 1, 1, 0}, 2, 2},
    {V4L2_PIX_FMT_YVU420, 1, 3, {1, 1, 1, 0}, 2, 2},
    {V4L2_PIX_FMT_YUV422P, 1, 3, {1, 1, 1, 0}, 2, 1},
    {V4L2_PIX_FMT_GREY, 1, 1, {1, 0, 0, 0}, 1, 1},
    {V4L2_PIX_FMT_YUV420M, 3, 3, {1, 1, 1, 0}, 2, 2},
    {V4L2_PIX_FMT_YVU420M, 3, 3, {1, 1, 1, 0}, 2, 2},
    {V4L2_PIX_FMT_YUV422M, 3, 3, {1, 1, 1, 0}, 2, 1},
    {V4L2_PIX_FMT_YVU422M, 3, 3, {1, 1, 1, 0}, 2, 1},
    {V4L2_PIX_FMT_YUV444M, 3, 3, {1, 1, 1, 0}, 1, 1},
    {V4L2_PIX_FMT_YVU444M, 3, 3, {1, 1, 1, 0}, 1, 1},
    {V4L2_PIX_FMT_NV12M, 2, 2, {1, 2, 0, 0}, 2, 2},
    {V4L2_PIX_FMT_NV21M, 2, 2, {1, 2, 0, 0}, 2, 2},
    {V4L2_PIX_FMT_NV16M, 2, 2, {1, 2, 0, 0}, 2, 1},
    {V4L2_PIX_FMT_NV61M, 2, 2, {1, 2, 0, 0}, 2, 1},
    {V4L2_PIX_FMT_SBGGR8, 1, 1, {1, 0, 0, 0}, 1, 1},
    {V4L2_PIX_FMT_SGBRG8, 1, 1, {1, 0, 0, 0}, 1, 1},
    {V4L2_PIX_FMT_SGRBG8, 1, 1, {1, 0, 0, 0}, 1, 1},
    {V4L2_PIX_FMT_SRGGB8, 1, 1, {1, 0, 0, 0}, 1, 1},
    {V4L2_PIX_FMT_SBGGR10, 1, 1, {2, 0, 0, 0}, 1, 1},
    {V4L2_PIX_FMT_SGBRG10, 1, 1, {2, 0, 0, 0}, 1, 1},
    {V4L2_PIX_FMT_SGRBG10, 1, 1, {2, 0, 0, 0}, 1, 1},
    {V4L2_PIX_FMT_SRGGB10, 1, 1, {2, 0, 0, 0}, 1, 1},
    {V4L2_PIX_FMT_SBGGR12, 1, 1, {2, 0, 0, 0}, 1, 1},
    {V4L2_PIX_FMT_SGBRG12, 1, 1, {2, 0, 0, 0}, 1, 1},
    {V4L2_PIX_FMT_SGRBG12, 1, 1, {2, 0, 0, 0}, 1, 1},
    {V4L2_PIX_FMT_SRGGB12, 1, 1, {2, 0, 0, 0}, 1, 1},
};

struct KernelPlane {
  std::uint64_t bytesperline;
  std::uint64_t sizeimage;
};

std::uint64_t align(std::uint64_t x, std::uint64_t a) { return (x + a - 1) / a * a; }
std::uint64_t divRoundUp(std::uint64_t x, std::uint64_t d) { return (x + d - 1) / d; }
std::uint64_t orOne(std::uint8_t v) { return v == 0 ? 1 : v; }

// v4l2_fill_pixfmt_mp() of Linux 6.1 (v4l2_fill_pixfmt() is its single-buffer case).
std::vector<KernelPlane> kernelFill(const KernelRow& info, std::uint64_t width,
                                    std::uint64_t height) {
  std::vector<KernelPlane> planes;
  if (info.memPlanes == 1) {
    KernelPlane plane{align(width, orOne(info.blockW[0])) * info.bpp[0], 0};
    for (std::size_t i = 0; i < info.compPlanes; ++i) {
      const std::uint64_t hdiv = i == 0 ? 1 : info.hdiv;
      const std::uint64_t vdiv = i == 0 ? 1 : info.vdiv;
      const auto alignedWidth = align(width, orOne(info.blockW[i]));
      const auto alignedHeight = align(height, orOne(info.blockH[i]));
      plane.sizeimage +=
          info.bpp[i] * divRoundUp(alignedWidth, hdiv) * divRoundUp(alignedHeight, vdiv);
    }
    planes.push_back(plane);
  } else {
    for (std::size_t i = 0; i < info.compPlanes; ++i) {
      const std::uint64_t hdiv = i == 0 ? 1 : info.hdiv;
      const std::uint64_t vdiv = i == 0 ? 1 : info.vdiv;
      const auto alignedWidth = align(width, orOne(info.blockW[i]));
      const auto alignedHeight = align(height, orOne(info.blockH[i]));
      const auto bytesperline = info.bpp[i] * divRoundUp(alignedWidth, hdiv);
      planes.push_back({bytesperline, bytesperline * divRoundUp(alignedHeight, vdiv)});
    }
  }
  return planes;
}

const KernelRow* kernelRowFor(std::uint32_t code) {
  for (const auto& row : kLinux61Rows) {
    if (row.format == code) return &row;
  }
  return nullptr;
}

constexpr std::uint32_t kWidths[] = {1,   2,   3,   4,    5,    6,    7,    8,   9,
                                     15,  16,  17,  31,   33,   63,   65,   127, 160,
                                     319, 320, 641, 1279, 1280, 1920, 4095, 4096};
constexpr std::uint32_t kHeights[] = {1,  2,  3,   4,   5,   7,   8,   9,    15,   16,
                                      17, 33, 120, 239, 240, 481, 720, 1080, 2159, 2160};

TEST(LayoutMatchesLinux61, TableMarksExactlyTheFormatsLinux61Knows) {
  for (const auto& f : allFormats()) {
    EXPECT_EQ(kernelRowFor(f.v4l2) != nullptr, f.sizeRule != SizeRule::kVcamera) << f.name;
  }
  for (const auto& row : kLinux61Rows) EXPECT_TRUE(fromV4l2(row.format).isValid());
}

TEST(LayoutMatchesLinux61, PlaneCountsMatchTheKernelTable) {
  for (const auto& row : kLinux61Rows) {
    const auto& f = fromV4l2(row.format);
    EXPECT_EQ(f.memPlanes, row.memPlanes) << f.name;
    EXPECT_EQ(f.colorPlanes, row.compPlanes) << f.name;
  }
}

TEST(LayoutMatchesLinux61, BytesPerLineAndSizeImageForEveryFormatAndSize) {
  int compared = 0;
  for (const auto& row : kLinux61Rows) {
    const auto& f = fromV4l2(row.format);
    for (const auto w : kWidths) {
      for (const auto h : kHeights) {
        const auto layout = computeLayout(f, {w, h});
        if (f.sizeRule == SizeRule::kLinux61P010 && h % 2 == 1) {
          EXPECT_FALSE(layout) << "P010 with odd height " << h << " must be refused";
          continue;
        }
        ASSERT_TRUE(layout) << f.name << " " << w << "x" << h << ": " << layout.error().message;
        const auto expected = kernelFill(row, w, h);
        ASSERT_EQ(layout->numMemPlanes, expected.size()) << f.name;
        for (std::size_t m = 0; m < expected.size(); ++m) {
          EXPECT_EQ(layout->memPlanes[m].bytesPerLine, expected[m].bytesperline)
              << f.name << " " << w << "x" << h << " plane " << m;
          EXPECT_EQ(layout->memPlanes[m].sizeImage, expected[m].sizeimage)
              << f.name << " " << w << "x" << h << " plane " << m;
        }
        ++compared;
      }
    }
  }
  EXPECT_GT(compared, 20000);
}

TEST(LayoutMatchesLinux61, P010OddHeightIsSmallerInLinuxThanItsChromaNeeds) {
  // 6.1 sizes P010's CbCr as 2 bytes per 2 pixels on all 3 lines: 2 * 2 * 3 = 12 bytes;
  // the 4:2:0 CbCr plane needs 2 lines of 4 bytes per 2 pixels = 16.
  const auto kernel = kernelFill(*kernelRowFor(V4L2_PIX_FMT_P010), 4, 3);
  EXPECT_EQ(kernel[0].sizeimage, 4u * 2 * 3 + 12);
  const auto layout = computeLayout(fromName("P010"), {4, 3});
  ASSERT_FALSE(layout);
  EXPECT_NE(layout.error().message.find("even height"), std::string::npos);
}

}  // namespace
}  // namespace vcam::fourcc
