// SPDX-License-Identifier: MIT
// Tests of when a libcamera camera offers zero copy (directMatch) and of the formats tried.
#include "backend/app/libcamera_camera.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "backend/source/libcamera/direct_planes.h"
#include "backend/source/libcamera/frame_layout.h"

namespace vcam::app {
namespace {

const fourcc::FormatInfo& format(const char* name) { return fourcc::fromName(name); }

// What a guest's buffers hold: Linux's layout, stride alignment 1 (BUF_GET_LAYOUT).
fourcc::Layout guestLayout(const char* name, std::uint32_t width, std::uint32_t height) {
  Result<fourcc::Layout> layout = fourcc::computeLayout(format(name), {width, height}, 1);
  EXPECT_TRUE(layout) << layout.error().message;
  return *layout;
}

// What CameraStream reports for a camera with libcamera `stride` and `frameSize`.
fourcc::Layout cameraLayout(const char* name, std::uint32_t width, std::uint32_t height,
                            std::uint32_t stride, std::uint32_t frameSize) {
  const source::lc::BufferPlane whole{-1, 0, frameSize};
  Result<fourcc::Layout> layout = source::lc::describeLayout(
      format(name), {width, height}, stride, std::span<const source::lc::BufferPlane>(&whole, 1));
  EXPECT_TRUE(layout) << layout.error().message;
  return source::lc::withFrameSize(*layout, frameSize);
}

TEST(DirectMatch, AStrideOfExactlyALineMatchesTheGuestsLayout) {
  // vimc and UVC cameras: bytesperline is width x bytes per pixel.
  EXPECT_TRUE(directMatch(format("YUYV"), guestLayout("YUYV", 640, 480), format("YUYV"),
                          cameraLayout("YUYV", 640, 480, 1280, 614400)));
  EXPECT_TRUE(directMatch(format("RGB24"), guestLayout("RGB24", 1920, 1080), format("RGB24"),
                          cameraLayout("RGB24", 1920, 1080, 5760, 6220800)));
  EXPECT_TRUE(directMatch(format("NV12"), guestLayout("NV12", 1280, 720), format("NV12"),
                          cameraLayout("NV12", 1280, 720, 1280, 1382400)));
  // Odd lines: the camera's 4:2:0 layout rounds chroma lines up as Linux does.
  EXPECT_TRUE(directMatch(format("YUV420"), guestLayout("YUV420", 642, 481), format("YUV420"),
                          cameraLayout("YUV420", 642, 481, 642, 642 * 481 + 2 * 321 * 241)));
}

TEST(DirectMatch, APaddedStrideDoesNotAndSaysWhy) {
  // An ISP aligning lines to 64 bytes: 1000 pixels of YUYV are 2000 bytes, padded to 2048.
  Status match = directMatch(format("YUYV"), guestLayout("YUYV", 1000, 8), format("YUYV"),
                             cameraLayout("YUYV", 1000, 8, 2048, 2048 * 8));
  ASSERT_FALSE(match);
  EXPECT_EQ(match.error().code, EINVAL);
  EXPECT_NE(match.error().message.find("2048 bytes apart, a guest's 2000"), std::string::npos)
      << match.error().message;
  // The same camera matches where the width makes lines aligned anyway.
  EXPECT_TRUE(directMatch(format("YUYV"), guestLayout("YUYV", 1024, 8), format("YUYV"),
                          cameraLayout("YUYV", 1024, 8, 2048, 2048 * 8)));
}

TEST(DirectMatch, AConvertedFormatNeverMatches) {
  Status match = directMatch(format("YUV420"), guestLayout("YUV420", 640, 480), format("NV12"),
                             cameraLayout("NV12", 640, 480, 640, 460800));
  ASSERT_FALSE(match);
  EXPECT_NE(match.error().message.find("converted"), std::string::npos) << match.error().message;
}

TEST(DirectMatch, AFrameSizeLargerThanTheGuestsBufferDoesNot) {
  // The kernel requires a queued buffer to hold sizeimage; padding at the end of a frame
  // would not fit in the buffer a guest sized with Linux's rule.
  Status match = directMatch(format("YUYV"), guestLayout("YUYV", 640, 480), format("YUYV"),
                             cameraLayout("YUYV", 640, 480, 1280, 618496));
  ASSERT_FALSE(match);
  EXPECT_NE(match.error().message.find("holds 614400 bytes, the camera writes 618496"),
            std::string::npos)
      << match.error().message;
}

TEST(DirectMatch, AnotherSizeOrSeveralMemoryPlanesDoNot) {
  EXPECT_FALSE(directMatch(format("YUYV"), guestLayout("YUYV", 640, 480), format("YUYV"),
                           cameraLayout("YUYV", 640, 360, 1280, 460800)));
  fourcc::Layout twoPlanes = guestLayout("NV12", 640, 480);
  twoPlanes.numMemPlanes = 2;
  EXPECT_FALSE(directMatch(format("NV12"), twoPlanes, format("NV12"),
                           cameraLayout("NV12", 640, 480, 640, 460800)));
  EXPECT_FALSE(directMatch(fourcc::kInvalidFormat, guestLayout("NV12", 640, 480), format("NV12"),
                           cameraLayout("NV12", 640, 480, 640, 460800)));
}

TEST(DirectMatch, CompressedFramesMatchWhenTheGuestsBufferHoldsTheCamerasLargest) {
  const fourcc::Layout guest = guestLayout("MJPEG", 640, 480);  // Linux-like bound
  EXPECT_TRUE(directMatch(format("MJPEG"), guest, format("MJPEG"),
                          cameraLayout("MJPEG", 640, 480, 0, 614400)));
  EXPECT_FALSE(directMatch(format("MJPEG"), guest, format("MJPEG"),
                           cameraLayout("MJPEG", 640, 480, 0, guest.memPlanes[0].sizeImage + 1)));
}

TEST(CaptureCandidates, TheGuestsOwnFormatFirstAndNoneTwice) {
  const std::vector<std::uint32_t> candidates = captureCandidates(format("YUYV").v4l2);
  ASSERT_FALSE(candidates.empty());
  EXPECT_EQ(candidates.front(), format("YUYV").v4l2);
  for (std::uint32_t code : candidates) {
    EXPECT_EQ(std::count(candidates.begin(), candidates.end(), code), 1);
  }
}

}  // namespace
}  // namespace vcam::app
