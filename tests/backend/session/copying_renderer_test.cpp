// SPDX-License-Identifier: MIT
// copyingRenderers(): the source renders once per sequence into its own strided buffer, every
// guest buffer gets the same bytes the source would have drawn in place, and the copy is counted.
#include "backend/session/copying_renderer.h"

#include <gtest/gtest.h>

#include <vector>

#include "backend/session/test_pattern_renderer.h"

namespace vcam::session {
namespace {

constexpr std::uint32_t kNv12 = 0x3231564e;
constexpr std::uint32_t kMjpeg = 0x47504a4d;

// The test pattern, counting its renders and remembering the layout it was given.
struct CountingSource {
  int renders = 0;
  fourcc::Layout layout;
};

RendererFactory counted(CountingSource& counter) {
  RendererFactory pattern = testPatternRenderers();
  return [&counter, pattern](
             const fourcc::FormatInfo& format,
             const fourcc::Layout& layout) -> Result<std::unique_ptr<FrameRenderer>> {
    class Counting final : public FrameRenderer {
     public:
      Counting(std::unique_ptr<FrameRenderer> inner, int& renders)
          : inner_(std::move(inner)), renders_(renders) {}
      Result<RenderedFrame> render(std::uint32_t sequence,
                                   std::span<const std::span<std::byte>> planes) override {
        ++renders_;
        return inner_->render(sequence, planes);
      }

     private:
      std::unique_ptr<FrameRenderer> inner_;
      int& renders_;
    };
    counter.layout = layout;
    Result<std::unique_ptr<FrameRenderer>> inner = pattern(format, layout);
    if (!inner) return inner.error();
    return std::unique_ptr<FrameRenderer>(new Counting(std::move(inner).value(), counter.renders));
  };
}

struct Frame {
  fourcc::Layout layout;
  std::vector<std::byte> bytes;
  std::vector<std::span<std::byte>> planes;
};

Frame frameFor(std::uint32_t v4l2) {
  Frame frame;
  frame.layout = *fourcc::computeLayout(fourcc::fromV4l2(v4l2), {64, 48}, 1);
  frame.bytes.resize(frame.layout.totalSize);
  std::size_t offset = 0;
  for (std::uint32_t i = 0; i < frame.layout.numMemPlanes; ++i) {
    const std::size_t size = frame.layout.memPlanes[i].sizeImage;
    frame.planes.push_back(std::span<std::byte>(frame.bytes).subspan(offset, size));
    offset += size;
  }
  return frame;
}

std::unique_ptr<FrameRenderer> make(const RendererFactory& factory, std::uint32_t v4l2) {
  const fourcc::FormatInfo& format = fourcc::fromV4l2(v4l2);
  Result<std::unique_ptr<FrameRenderer>> renderer =
      factory(format, *fourcc::computeLayout(format, {64, 48}, 1));
  EXPECT_TRUE(renderer) << renderer.error().message;
  return renderer ? std::move(renderer).value() : nullptr;
}

TEST(CopyingRenderer, GivesTheSourceBuffersWithItsOwnStrideAlignment) {
  CountingSource source;
  ASSERT_TRUE(make(copyingRenderers(counted(source), 128), kNv12));
  EXPECT_EQ(source.layout.colorPlanes[0].stride, 128u);
}

TEST(CopyingRenderer, GuestBuffersGetTheBytesTheSourceWouldDrawInPlace) {
  CountingSource source;
  auto copying = make(copyingRenderers(counted(source)), kNv12);
  auto direct = make(testPatternRenderers(), kNv12);
  ASSERT_TRUE(copying && direct);
  Frame copied = frameFor(kNv12);
  Frame drawn = frameFor(kNv12);
  ASSERT_TRUE(copying->render(7, copied.planes));
  ASSERT_TRUE(direct->render(7, drawn.planes));
  EXPECT_EQ(copied.bytes, drawn.bytes);
}

TEST(CopyingRenderer, TheSourceRendersEachSequenceOnceForAllGuests) {
  CountingSource source;
  auto copying = make(copyingRenderers(counted(source)), kNv12);
  ASSERT_TRUE(copying);
  Frame first = frameFor(kNv12);
  Frame second = frameFor(kNv12);
  ASSERT_TRUE(copying->render(3, first.planes));
  ASSERT_TRUE(copying->render(3, second.planes));
  EXPECT_EQ(source.renders, 1);
  EXPECT_EQ(first.bytes, second.bytes);
  ASSERT_TRUE(copying->render(4, first.planes));
  EXPECT_EQ(source.renders, 2);
}

TEST(CopyingRenderer, ReportsTheBytesEachCopyMoved) {
  CountingSource source;
  auto copying = make(copyingRenderers(counted(source)), kNv12);
  ASSERT_TRUE(copying);
  Frame frame = frameFor(kNv12);
  Result<RenderedFrame> rendered = copying->render(0, frame.planes);
  ASSERT_TRUE(rendered) << rendered.error().message;
  EXPECT_EQ(rendered->bytesUsed, 64u * 48u * 3u / 2u);
  EXPECT_EQ(rendered->bytesCopied, 64u * 48u * 3u / 2u);
}

TEST(CopyingRenderer, ACompressedFrameIsCopiedAsLongAsItIs) {
  CountingSource source;
  auto copying = make(copyingRenderers(counted(source)), kMjpeg);
  auto direct = make(testPatternRenderers(), kMjpeg);
  ASSERT_TRUE(copying && direct);
  Frame copied = frameFor(kMjpeg);
  Frame drawn = frameFor(kMjpeg);
  Result<RenderedFrame> got = copying->render(5, copied.planes);
  Result<RenderedFrame> want = direct->render(5, drawn.planes);
  ASSERT_TRUE(got && want);
  EXPECT_EQ(got->bytesUsed, want->bytesUsed);
  EXPECT_EQ(got->bytesCopied, want->bytesUsed);
  EXPECT_TRUE(
      std::equal(drawn.bytes.begin(), drawn.bytes.begin() + want->bytesUsed, copied.bytes.begin()));
}

TEST(CopyingRenderer, AGuestBufferWithTheWrongPlaneCountIsRefused) {
  CountingSource source;
  auto copying = make(copyingRenderers(counted(source)), kNv12);
  ASSERT_TRUE(copying);
  Frame frame = frameFor(kNv12);
  std::vector<std::span<std::byte>> twoPlanes{frame.planes[0], frame.planes[0]};
  Result<RenderedFrame> rendered = copying->render(0, twoPlanes);
  ASSERT_FALSE(rendered);
  EXPECT_EQ(rendered.error().code, EINVAL);
}

}  // namespace
}  // namespace vcam::session
