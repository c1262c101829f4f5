// SPDX-License-Identifier: MIT
// Tests of the zero-copy buffer rules: FrameBuffer planes from a dma-buf, the camera's own
// buffers' shape and page checks, the layout with libcamera's frameSize.
#include "backend/source/libcamera/direct_planes.h"

#include <gtest/gtest.h>

#include <limits>
#include <vector>

namespace vcam::source::lc {
namespace {

constexpr std::uint64_t kPage = 4096;

const fourcc::FormatInfo& format(const char* name) { return fourcc::fromName(name); }

// The layout CameraStream::configure() describes: libcamera's stride, planes following each
// other in a frame of frameSize bytes.
fourcc::Layout cameraLayout(const char* name, std::uint32_t width, std::uint32_t height,
                            std::uint32_t stride, std::uint32_t frameSize) {
  const BufferPlane whole{-1, 0, frameSize};
  Result<fourcc::Layout> layout = describeLayout(format(name), {width, height}, stride,
                                                 std::span<const BufferPlane>(&whole, 1));
  EXPECT_TRUE(layout) << layout.error().message;
  return withFrameSize(*layout, frameSize);
}

TEST(WithFrameSize, RaisesTheMemoryPlaneToLibcamerasFrameSizeAndNeverLowersIt) {
  const BufferPlane whole{-1, 0, 700000};
  fourcc::Layout layout =
      describeLayout(format("NV12"), {640, 480}, 640, std::span<const BufferPlane>(&whole, 1))
          .value();
  EXPECT_EQ(layout.memPlanes[0].sizeImage, 460800U);
  const fourcc::Layout raised = withFrameSize(layout, 462848);
  EXPECT_EQ(raised.memPlanes[0].sizeImage, 462848U);
  EXPECT_EQ(raised.totalSize, 462848U);
  EXPECT_EQ(raised.colorPlanes[1].offset, 307200U);  // planes stay where they are
  EXPECT_EQ(withFrameSize(layout, 4096).memPlanes[0].sizeImage, 460800U);
  EXPECT_EQ(withFrameSize(layout, 0).memPlanes[0].sizeImage, 460800U);
}

TEST(ImportedPlanes, OneColourPlaneIsTheWholeFrame) {
  const fourcc::Layout layout = cameraLayout("YUYV", 640, 480, 1280, 614400);
  const std::vector<BufferPlane> mem{{7, 0, 618496}};
  Result<std::vector<BufferPlane>> planes =
      importedPlanes(format("YUYV"), layout, mem, 151 * kPage);
  ASSERT_TRUE(planes) << planes.error().message;
  ASSERT_EQ(planes->size(), 1U);
  EXPECT_EQ((*planes)[0].fd, 7);
  EXPECT_EQ((*planes)[0].offset, 0U);
  EXPECT_EQ((*planes)[0].length, 614400U);
}

TEST(ImportedPlanes, SplitsSemiPlanarAndPlanarFramesIntoFollowingPlanesOfOneDmaBuf) {
  const fourcc::Layout nv12 = cameraLayout("NV12", 640, 480, 640, 460800);
  Result<std::vector<BufferPlane>> planes =
      importedPlanes(format("NV12"), nv12, std::vector<BufferPlane>{{3, 0, 462848}}, 113 * kPage);
  ASSERT_TRUE(planes) << planes.error().message;
  ASSERT_EQ(planes->size(), 2U);
  EXPECT_EQ((*planes)[0].offset, 0U);
  EXPECT_EQ((*planes)[0].length, 307200U);
  EXPECT_EQ((*planes)[1].offset, 307200U);
  EXPECT_EQ((*planes)[1].length, 153600U);
  for (const BufferPlane& plane : *planes) EXPECT_EQ(plane.fd, 3);

  const fourcc::Layout yu12 = cameraLayout("YUV420", 642, 480, 642, 462240);
  planes = importedPlanes(format("YUV420"), yu12, std::vector<BufferPlane>{{4, 0, 466944}}, 466944);
  ASSERT_TRUE(planes) << planes.error().message;
  ASSERT_EQ(planes->size(), 3U);
  EXPECT_EQ((*planes)[1].offset, 642U * 480);
  EXPECT_EQ((*planes)[1].length, 321U * 240);
  EXPECT_EQ((*planes)[2].offset, 642U * 480 + 321U * 240);
  EXPECT_EQ((*planes)[2].length, 321U * 240);
}

TEST(ImportedPlanes, RefusesAFrameThatDoesNotStartTheDmaBuf) {
  // V4L2 captures into a dma-buf from its start: an offset would put the frame elsewhere.
  const fourcc::Layout layout = cameraLayout("YUYV", 64, 4, 128, 512);
  Result<std::vector<BufferPlane>> planes =
      importedPlanes(format("YUYV"), layout, std::vector<BufferPlane>{{5, 16, 512}}, kPage);
  ASSERT_FALSE(planes);
  EXPECT_EQ(planes.error().code, EINVAL);
  EXPECT_NE(planes.error().message.find("16 bytes into its dma-buf"), std::string::npos)
      << planes.error().message;
}

TEST(ImportedPlanes, RefusesBuffersTooSmallOrOutsideTheirDmaBuf) {
  const fourcc::Layout layout = cameraLayout("YUYV", 640, 480, 1280, 614400);
  Result<std::vector<BufferPlane>> small =
      importedPlanes(format("YUYV"), layout, std::vector<BufferPlane>{{5, 0, 614399}}, 1 << 20);
  ASSERT_FALSE(small);
  EXPECT_EQ(small.error().code, EINVAL);
  EXPECT_NE(small.error().message.find("the camera writes 614400"), std::string::npos);
  Result<std::vector<BufferPlane>> outside =
      importedPlanes(format("YUYV"), layout, std::vector<BufferPlane>{{5, 0, 618496}}, 614400);
  ASSERT_FALSE(outside);
  EXPECT_EQ(outside.error().code, EINVAL);
  // A buffer with frameSize padding must hold the padding too.
  const fourcc::Layout padded = cameraLayout("YUYV", 640, 480, 1280, 618496);
  EXPECT_FALSE(
      importedPlanes(format("YUYV"), padded, std::vector<BufferPlane>{{5, 0, 614400}}, 1 << 20));
}

TEST(ImportedPlanes, RefusesWhatIsNotOneDmaBufOfOneMemoryPlane) {
  const fourcc::Layout layout = cameraLayout("NV12", 64, 64, 64, 6144);
  EXPECT_EQ(importedPlanes(format("NV12"), layout, {}, kPage * 2).error().code, EINVAL);
  EXPECT_EQ(importedPlanes(format("NV12"), layout,
                           std::vector<BufferPlane>{{5, 0, 4096}, {5, 4096, 2048}}, kPage * 2)
                .error()
                .code,
            EINVAL);
  EXPECT_EQ(
      importedPlanes(format("NV12"), layout, std::vector<BufferPlane>{{-1, 0, 8192}}, kPage * 2)
          .error()
          .code,
      EINVAL);
  EXPECT_EQ(importedPlanes(fourcc::kInvalidFormat, layout, std::vector<BufferPlane>{{5, 0, 8192}},
                           kPage * 2)
                .error()
                .code,
            EINVAL);
  // A multi-buffer format (Linux's NV12M) is never what a camera here is configured as.
  Result<fourcc::Layout> nv12m = fourcc::computeLayout(format("NV12M"), {64, 64}, 1);
  ASSERT_TRUE(nv12m);
  EXPECT_EQ(
      importedPlanes(format("NV12M"), *nv12m, std::vector<BufferPlane>{{5, 0, 8192}}, kPage * 2)
          .error()
          .code,
      ENOTSUP);
}

TEST(ImportedPlanes, RefusesALayoutWhosePlanesDoNotFollowEachOther) {
  // libcamera 0.0.3 queues a FrameBuffer with more planes than its V4L2 format only when
  // they are contiguous: such a buffer would be cancelled, so it is refused at import.
  fourcc::Layout layout = cameraLayout("NV12", 64, 64, 64, 6144);
  layout.colorPlanes[1].offset += 64;
  layout.memPlanes[0].sizeImage += 64;
  Result<std::vector<BufferPlane>> planes =
      importedPlanes(format("NV12"), layout, std::vector<BufferPlane>{{5, 0, 8192}}, 8192);
  ASSERT_FALSE(planes);
  EXPECT_NE(planes.error().message.find("colour plane 1 does not start"), std::string::npos);
}

TEST(ImportedPlanes, ACompressedFrameIsOnePlaneAsLongAsTheBuffer) {
  const fourcc::Layout layout = cameraLayout("MJPEG", 640, 480, 0, 614400);
  Result<std::vector<BufferPlane>> planes =
      importedPlanes(format("MJPEG"), layout, std::vector<BufferPlane>{{9, 0, 700000}}, 700416);
  ASSERT_TRUE(planes) << planes.error().message;
  ASSERT_EQ(planes->size(), 1U);
  EXPECT_EQ((*planes)[0].length, 700000U);
  EXPECT_FALSE(
      importedPlanes(format("MJPEG"), layout, std::vector<BufferPlane>{{9, 0, 600000}}, 700416));
}

TEST(OwnedBufferShape, AWholeDmaBufOfPagesHoldingTheLayoutIsGrantable) {
  const fourcc::Layout layout = cameraLayout("NV12", 640, 480, 640, 460800);
  // What libcamera's V4L2 export makes: one fd, a plane per colour plane.
  const std::vector<BufferPlane> planes{{11, 0, 307200}, {11, 307200, 153600}};
  Result<OwnedBufferShape> shape =
      ownedBufferShape(format("NV12"), layout, planes, 113 * kPage, kPage);
  ASSERT_TRUE(shape) << shape.error().message;
  EXPECT_EQ(shape->size, 113 * kPage);
  EXPECT_EQ(shape->planeOffset[0], 0U);
}

TEST(OwnedBufferShape, ReportsWhereTheFrameStartsInTheDmaBuf) {
  const fourcc::Layout layout = cameraLayout("YUYV", 64, 4, 128, 512);
  Result<OwnedBufferShape> shape = ownedBufferShape(
      format("YUYV"), layout, std::vector<BufferPlane>{{11, 1024, 512}}, kPage, kPage);
  ASSERT_TRUE(shape) << shape.error().message;
  EXPECT_EQ(shape->planeOffset[0], 1024U);
}

TEST(OwnedBufferShape, ADmaBufOfPartPagesCannotBeGranted) {
  const fourcc::Layout layout = cameraLayout("YUYV", 640, 480, 1280, 614400);
  Result<OwnedBufferShape> shape = ownedBufferShape(
      format("YUYV"), layout, std::vector<BufferPlane>{{11, 0, 614400}}, 614500, kPage);
  ASSERT_FALSE(shape);
  EXPECT_EQ(shape.error().code, ENOTSUP);
  EXPECT_NE(shape.error().message.find("not a whole number of 4096-byte pages"), std::string::npos)
      << shape.error().message;
  EXPECT_EQ(
      ownedBufferShape(format("YUYV"), layout, std::vector<BufferPlane>{{11, 0, 614400}}, 0, kPage)
          .error()
          .code,
      ENOTSUP);
  EXPECT_EQ(ownedBufferShape(format("YUYV"), layout, std::vector<BufferPlane>{{11, 0, 614400}},
                             151 * kPage, 0)
                .error()
                .code,
            ENOTSUP);
}

TEST(OwnedBufferShape, PlanesInSeveralDmaBufsCannotBeOneGuestBuffer) {
  const fourcc::Layout layout = cameraLayout("NV12", 640, 480, 640, 460800);
  Result<OwnedBufferShape> shape = ownedBufferShape(
      format("NV12"), layout, std::vector<BufferPlane>{{11, 0, 307200}, {12, 0, 153600}},
      76 * kPage, kPage);
  ASSERT_FALSE(shape);
  EXPECT_EQ(shape.error().code, ENOTSUP);
}

TEST(OwnedBufferShape, PlanesElsewhereThanTheLayoutOrAFrameTooLargeAreRefused) {
  const fourcc::Layout layout = cameraLayout("NV12", 640, 480, 640, 460800);
  // The chroma plane one line further than the layout says.
  EXPECT_EQ(ownedBufferShape(format("NV12"), layout,
                             std::vector<BufferPlane>{{11, 0, 307200}, {11, 307840, 153600}},
                             114 * kPage, kPage)
                .error()
                .code,
            EINVAL);
  // The frame runs past the end of the dma-buf.
  EXPECT_EQ(ownedBufferShape(format("NV12"), layout,
                             std::vector<BufferPlane>{{11, 0, 307200}, {11, 307200, 153600}},
                             112 * kPage, kPage)
                .error()
                .code,
            EINVAL);
  EXPECT_EQ(ownedBufferShape(format("NV12"), layout, {}, 113 * kPage, kPage).error().code, EINVAL);
}

}  // namespace
}  // namespace vcam::source::lc
