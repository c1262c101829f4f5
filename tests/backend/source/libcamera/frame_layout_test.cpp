// SPDX-License-Identifier: MIT
// Tests of describeLayout(): libcamera strides and plane offsets as fourcc layouts.
#include "backend/source/libcamera/frame_layout.h"

#include <gtest/gtest.h>

#include <limits>
#include <vector>

namespace vcam::source::lc {
namespace {

const fourcc::FormatInfo& format(std::string_view name) { return fourcc::fromName(name); }

TEST(FrameLayout, PackedFormatWithAlignedStride) {
  const BufferPlane whole{5, 0, 1280 * 480};
  Result<fourcc::Layout> layout =
      describeLayout(format("YUYV"), {640, 480}, 1280, std::span<const BufferPlane>(&whole, 1));
  ASSERT_TRUE(layout) << layout.error().message;
  EXPECT_EQ(layout->numMemPlanes, 1U);
  EXPECT_EQ(layout->memPlanes[0].bytesPerLine, 1280U);
  EXPECT_EQ(layout->memPlanes[0].sizeImage, 1280U * 480);
  const BufferPlane padded{5, 0, 1344 * 480};
  Result<fourcc::Layout> wide =
      describeLayout(format("YUYV"), {640, 480}, 1344, std::span<const BufferPlane>(&padded, 1));
  ASSERT_TRUE(wide) << wide.error().message;
  EXPECT_EQ(wide->colorPlanes[0].stride, 1344U);
  EXPECT_EQ(wide->totalSize, 1344U * 480);
}

TEST(FrameLayout, Nv12PlanesAtLibcamerasOffsets) {
  // libcamera: one FrameBuffer plane per colour plane, same dma-buf, CbCr after a gap.
  const std::vector<BufferPlane> planes{{7, 4096, 704 * 480},
                                        {7, 4096 + 704 * 480 + 256, 704 * 240}};
  Result<fourcc::Layout> layout = describeLayout(format("NV12"), {640, 480}, 704, planes);
  ASSERT_TRUE(layout) << layout.error().message;
  EXPECT_EQ(layout->numColorPlanes, 2U);
  EXPECT_EQ(layout->colorPlanes[0].offset, 0U);
  EXPECT_EQ(layout->colorPlanes[0].stride, 704U);
  EXPECT_EQ(layout->colorPlanes[1].offset, 704U * 480 + 256);
  EXPECT_EQ(layout->colorPlanes[1].stride, 704U);
  EXPECT_EQ(layout->colorPlanes[1].lines, 240U);
  EXPECT_EQ(layout->memPlanes[0].sizeImage, 704U * 480 + 256 + 704 * 240);
  EXPECT_EQ(layout->totalSize, layout->memPlanes[0].sizeImage);
}

TEST(FrameLayout, Yuv420ChromaStridesAreHalved) {
  const BufferPlane whole{-1, 0, 768 * 480 * 3 / 2};
  Result<fourcc::Layout> layout =
      describeLayout(format("YUV420"), {640, 480}, 768, std::span<const BufferPlane>(&whole, 1));
  ASSERT_TRUE(layout) << layout.error().message;
  EXPECT_EQ(layout->colorPlanes[1].stride, 384U);
  EXPECT_EQ(layout->colorPlanes[2].stride, 384U);
  EXPECT_EQ(layout->colorPlanes[1].offset, 768U * 480);
  EXPECT_EQ(layout->colorPlanes[2].offset, 768U * 480 + 384 * 240);
  // An odd stride gives the chroma planes no whole stride.
  EXPECT_EQ(
      describeLayout(format("YUV420"), {640, 480}, 641, std::span<const BufferPlane>(&whole, 1))
          .error()
          .code,
      EINVAL);
}

TEST(FrameLayout, MjpegTakesTheWholePlane) {
  const BufferPlane whole{3, 0, 500000};
  Result<fourcc::Layout> layout =
      describeLayout(format("MJPEG"), {1280, 720}, 0, std::span<const BufferPlane>(&whole, 1));
  ASSERT_TRUE(layout) << layout.error().message;
  EXPECT_EQ(layout->memPlanes[0].sizeImage, 500000U);
  EXPECT_EQ(layout->memPlanes[0].bytesPerLine, 0U);
}

TEST(FrameLayout, RefusesWhatDoesNotFit) {
  const BufferPlane small{5, 0, 1280 * 479};
  EXPECT_EQ(
      describeLayout(format("YUYV"), {640, 480}, 1280, std::span<const BufferPlane>(&small, 1))
          .error()
          .code,
      EINVAL);
  const BufferPlane whole{5, 0, 1280 * 480};
  EXPECT_EQ(
      describeLayout(format("YUYV"), {640, 480}, 1000, std::span<const BufferPlane>(&whole, 1))
          .error()
          .code,
      EINVAL);  // shorter than a line
  // Overlapping, reversed, or other-dma-buf colour planes.
  const std::vector<BufferPlane> overlap{{7, 0, 640 * 480}, {7, 1000, 640 * 240}};
  EXPECT_EQ(describeLayout(format("NV12"), {640, 480}, 640, overlap).error().code, EINVAL);
  const std::vector<BufferPlane> before{{7, 640 * 480, 640 * 480}, {7, 0, 640 * 240}};
  EXPECT_EQ(describeLayout(format("NV12"), {640, 480}, 640, before).error().code, EINVAL);
  const std::vector<BufferPlane> twoBufs{{7, 0, 640 * 480}, {8, 640 * 480, 640 * 240}};
  EXPECT_EQ(describeLayout(format("NV12"), {640, 480}, 640, twoBufs).error().code, EINVAL);
  const std::vector<BufferPlane> shortChroma{{7, 0, 640 * 480}, {7, 640 * 480, 640 * 239}};
  EXPECT_EQ(describeLayout(format("NV12"), {640, 480}, 640, shortChroma).error().code, EINVAL);
  const std::vector<BufferPlane> three{{7, 0, 1}, {7, 1, 1}, {7, 2, 1}};
  EXPECT_EQ(describeLayout(format("NV12"), {640, 480}, 640, three).error().code, EINVAL);
  EXPECT_EQ(describeLayout(format("NV12M"), {640, 480}, 640, overlap).error().code, ENOTSUP);
  EXPECT_EQ(describeLayout(fourcc::kInvalidFormat, {640, 480}, 640, overlap).error().code, EINVAL);
}

TEST(FrameLayout, HugeStridesOverflowCleanly) {
  const BufferPlane whole{5, 0, std::numeric_limits<std::uint32_t>::max()};
  Result<fourcc::Layout> layout =
      describeLayout(format("YUYV"), {640, 65535}, std::numeric_limits<std::uint32_t>::max(),
                     std::span<const BufferPlane>(&whole, 1));
  ASSERT_FALSE(layout);
  EXPECT_EQ(layout.error().code, EOVERFLOW);
}

}  // namespace
}  // namespace vcam::source::lc
