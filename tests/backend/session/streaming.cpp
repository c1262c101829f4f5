// SPDX-License-Identifier: MIT
// startStreaming() and expectTestPatternFrames().
#include "tests/backend/session/streaming.h"

#include <gtest/gtest.h>

#include <cstring>
#include <optional>

#include <vcamera/common/fourcc_code.h>
#include <vcamera/fourcc/format_info.h>
#include <vcamera/fourcc/layout.h>

#include "backend/source/test_pattern.h"

namespace vcam::session::test {
namespace {

using proto::Operation;
using proto::Request;

constexpr std::uint32_t kPage = 4096;

}  // namespace

std::array<std::uint32_t, XENCAMERA_MAX_PLANE> planeOffsets(const proto::BufLayout& layout,
                                                            PlanePlacement placement) {
  constexpr std::uint32_t kMallocOffset = 16;  // glibc's malloc() header
  std::array<std::uint32_t, XENCAMERA_MAX_PLANE> offsets{};
  offsets[0] = placement == PlanePlacement::kMallocLike ? kMallocOffset : 0;
  for (std::size_t i = 1; i < layout.numPlanes; ++i) {
    std::uint32_t end = offsets[i - 1] + layout.planeSize[i - 1];
    if (placement != PlanePlacement::kPacked) end = (end + kPage - 1) / kPage * kPage;
    if (placement == PlanePlacement::kMallocLike) end += kMallocOffset;
    offsets[i] = end;
  }
  return offsets;
}

Result<proto::BufLayout> startStreaming(frontend::CameraClient& client, std::uint32_t fourcc,
                                        std::uint32_t width, std::uint32_t height,
                                        std::uint8_t count, PlanePlacement placement) {
  Result<proto::Response> set = client.callChecked(
      Request{0, Operation::ConfigSet, proto::ConfigRequest{fourcc, width, height}});
  if (!set) return set.error();
  const auto& config = std::get<proto::ConfigResponse>(set->payload);
  if (config.pixelFormat != fourcc || config.width != width || config.height != height) {
    return makeError(EINVAL, "the backend answered " + describeFourcc(config.pixelFormat) + " " +
                                 std::to_string(config.width) + "x" +
                                 std::to_string(config.height));
  }
  Result<proto::Response> layoutReply = client.callChecked(Request{0, Operation::BufGetLayout, {}});
  if (!layoutReply) return layoutReply.error();
  const proto::BufLayout layout = std::get<proto::BufLayout>(layoutReply->payload);
  Result<proto::Response> granted =
      client.callChecked(Request{0, Operation::BufRequest, proto::BufCount{count}});
  if (!granted) return granted.error();
  if (std::get<proto::BufCount>(granted->payload).numBufs != count) {
    return makeError(EINVAL, "fewer buffers granted than requested");
  }
  for (std::uint8_t index = 0; index < count; ++index) {
    if (Status created = client.createBuffer(index, layout, planeOffsets(layout, placement));
        !created) {
      return created.error();
    }
  }
  for (std::uint8_t index = 0; index < count; ++index) {
    Result<proto::Response> queued =
        client.callChecked(Request{0, Operation::BufQueue, proto::IndexRequest{index}});
    if (!queued) return queued.error();
  }
  Result<proto::Response> started = client.callChecked(Request{0, Operation::StreamStart, {}});
  if (!started) return started.error();
  return layout;
}

std::vector<std::uint32_t> expectTestPatternFrames(frontend::CameraClient& client,
                                                   const proto::BufLayout& layout,
                                                   std::uint32_t fourcc, std::uint32_t width,
                                                   std::uint32_t height, std::uint8_t count,
                                                   int frames, PlanePlacement placement) {
  std::vector<std::uint32_t> sequences;
  const fourcc::FormatInfo& info = fourcc::fromV4l2(fourcc);
  Result<fourcc::Layout> fourccLayout = fourcc::computeLayout(info, {width, height}, 1);
  Result<source::TestPattern> pattern = fourccLayout
                                            ? source::TestPattern::create(info, *fourccLayout)
                                            : Result<source::TestPattern>(fourccLayout.error());
  if (!pattern) {
    ADD_FAILURE() << pattern.error().message;
    return sequences;
  }
  std::vector<std::byte> expected(layout.size);
  std::vector<std::span<std::byte>> planes;
  const auto offsets = planeOffsets(layout, placement);
  for (std::size_t i = 0; i < layout.numPlanes; ++i) {
    planes.push_back(std::span<std::byte>(expected).subspan(offsets[i], layout.planeSize[i]));
  }
  for (int i = 0; i < frames; ++i) {
    Result<proto::Event> event = client.waitEvent();
    if (!event) {
      ADD_FAILURE() << event.error().message;
      return sequences;
    }
    const auto& frame = std::get<proto::FrameAvail>(event->payload);
    if (!sequences.empty()) {
      EXPECT_GT(frame.seqNum, sequences.back());
    }
    sequences.push_back(frame.seqNum);
    EXPECT_EQ(frame.index, i % count);
    Result<std::size_t> used = pattern->render(frame.seqNum, planes);
    EXPECT_TRUE(used) << (used ? "" : used.error().message);
    EXPECT_EQ(frame.usedSize, used ? *used : 0);
    std::span<std::byte> got = client.bufferBytes(frame.index);
    const std::size_t compared = info.isCompressed() ? frame.usedSize : layout.size;
    EXPECT_EQ(std::memcmp(got.data(), expected.data(), compared), 0)
        << describeFourcc(fourcc) << " frame " << frame.seqNum << " in buffer " << int(frame.index);
    Result<proto::Response> requeued =
        client.callChecked(Request{0, Operation::BufQueue, proto::IndexRequest{frame.index}});
    EXPECT_TRUE(requeued) << (requeued ? "" : requeued.error().message);
  }
  return sequences;
}

}  // namespace vcam::session::test
