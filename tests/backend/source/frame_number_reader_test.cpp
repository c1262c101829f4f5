// SPDX-License-Identifier: MIT
// readFrameNumber(): the number the test pattern drew comes back from frames of every kind of
// format, and anything that is not a test-pattern frame is refused.
#include "backend/source/frame_number_reader.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <vector>

#include "backend/source/test_pattern.h"

namespace vcam::source {
namespace {

struct Case {
  const char* format;
  std::uint32_t width;
  std::uint32_t height;
};

// A packed frame of `sequence` in `format`.
std::vector<std::uint8_t> render(const Case& c, std::uint32_t sequence, fourcc::Layout& layout) {
  const fourcc::FormatInfo& format = fourcc::fromName(c.format);
  layout = *fourcc::computeLayout(format, {c.width, c.height});
  Result<TestPattern> pattern = TestPattern::create(format, layout);
  EXPECT_TRUE(pattern) << pattern.error().message;
  std::vector<std::uint8_t> bytes(layout.totalSize);
  std::vector<std::span<std::byte>> planes;
  std::size_t offset = 0;
  for (std::uint32_t i = 0; i < layout.numMemPlanes; ++i) {
    planes.emplace_back(reinterpret_cast<std::byte*>(bytes.data()) + offset,
                        layout.memPlanes[i].sizeImage);
    offset += layout.memPlanes[i].sizeImage;
  }
  Result<std::size_t> used = pattern->render(sequence, planes);
  EXPECT_TRUE(used) << used.error().message;
  if (format.isCompressed() && used) bytes.resize(*used);
  return bytes;
}

class FrameNumberReader : public ::testing::TestWithParam<Case> {};

TEST_P(FrameNumberReader, ReadsBackTheNumberDrawn) {
  for (std::uint32_t sequence : {0u, 7u, 1234567u, 4294967295u}) {
    fourcc::Layout layout;
    const std::vector<std::uint8_t> bytes = render(GetParam(), sequence, layout);
    Result<fourcc::ConstFrame> frame = fourcc::viewPacked(
        fourcc::fromName(GetParam().format), layout, std::span<const std::uint8_t>(bytes));
    ASSERT_TRUE(frame) << frame.error().message;
    Result<std::uint32_t> number = readFrameNumber(*frame);
    ASSERT_TRUE(number) << number.error().message;
    EXPECT_EQ(*number, sequence);
  }
}

INSTANTIATE_TEST_SUITE_P(Formats, FrameNumberReader,
                         ::testing::Values(Case{"YUYV", 640, 480}, Case{"NV12", 640, 480},
                                           Case{"YUV420M", 320, 240}, Case{"RGB24", 160, 120},
                                           Case{"XBGR32", 1280, 720}, Case{"MJPEG", 640, 480},
                                           Case{"Y16", 640, 480}, Case{"ARGB555X", 320, 240},
                                           Case{"RGB565X", 320, 240}),
                         [](const auto& param) { return std::string(param.param.format); });

TEST(FrameNumberReaderRefuses, AFrameThatIsNotATestPattern) {
  const fourcc::FormatInfo& yuyv = fourcc::fromName("YUYV");
  const fourcc::Layout layout = *fourcc::computeLayout(yuyv, {640, 480});
  const std::vector<std::uint8_t> grey(layout.totalSize, 0x80);
  Result<std::uint32_t> number =
      readFrameNumber(*fourcc::viewPacked(yuyv, layout, std::span<const std::uint8_t>(grey)));
  ASSERT_FALSE(number);
  EXPECT_EQ(number.error().code, EINVAL);
}

}  // namespace
}  // namespace vcam::source
