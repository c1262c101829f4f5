// SPDX-License-Identifier: MIT
// FrameWriter's line reuse is invisible: the same bytes as packing every line from scratch.
#include "backend/source/frame_writer.h"

#include <gtest/gtest.h>

#include "target_frame.h"

namespace vcam::source {
namespace {

using fourcc::Size;
using testing::TargetFrame;

TEST(FrameWriter, ReusingLinesGivesTheBytesOfPackingEveryLine) {
  for (const fourcc::FormatInfo& f : fourcc::allFormats()) {
    if (f.isCompressed()) continue;
    for (const Size size : {Size{37, 22}, Size{37, 21}, Size{200, 150}}) {
      for (const std::uint32_t align : {1u, 64u}) {
        auto layout = fourcc::computeLayout(f, size, align);
        if (!layout) continue;  // P010 refuses odd heights
        auto fast = FrameWriter::create(f, *layout, rangeOf(f));
        auto slow = FrameWriter::create(f, *layout, rangeOf(f), FrameWriter::Reuse::kNone);
        ASSERT_TRUE(fast.ok() && slow.ok()) << f.name;
        Scene scene(size);
        // One fast writer over several frames: kept backgrounds must stay right.
        for (const std::uint32_t seq : {0u, 1u, 2u, 50u, 1234567u}) {
          scene.setSequence(seq);
          TargetFrame a(*layout);
          TargetFrame b(*layout);
          ASSERT_TRUE(fast->write(scene, a.spans()).ok());
          ASSERT_TRUE(slow->write(scene, b.spans()).ok());
          ASSERT_EQ(a.checksum(), b.checksum()) << f.name << " " << size.width << "x" << size.height
                                                << " align " << align << " frame " << seq;
        }
      }
    }
  }
}

TEST(FrameWriter, RefusesASceneOfAnotherSize) {
  const auto& f = fourcc::fromName("NV12");
  const auto layout = fourcc::computeLayout(f, {64, 48});
  auto writer = FrameWriter::create(f, *layout, Range::kLimited);
  ASSERT_TRUE(writer.ok());
  TargetFrame frame(*layout);
  const Scene other({64, 50});
  const auto s = writer->write(other, frame.spans());
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, EINVAL);
}

}  // namespace
}  // namespace vcam::source
