// SPDX-License-Identifier: MIT
// A guest's capture loop for the session tests, checking every frame against the test pattern.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include <vcamera/common/result.h>
#include <vcamera/proto/wire.h>

#include "frontend-client/camera_client.h"

namespace vcam::session::test {

/// Where a guest puts the planes of a buffer.
enum class PlanePlacement {
  kPacked,       ///< back to back, as one V4L2 buffer holds them
  kPageAligned,  ///< each on a page of its own, as a guest with one allocation per plane does
  kMallocLike,   ///< each on pages of its own, 16 bytes in (USERPTR with malloc()ed planes)
};

/// The plane offsets of `placement` for `layout`.
[[nodiscard]] std::array<std::uint32_t, XENCAMERA_MAX_PLANE> planeOffsets(
    const proto::BufLayout& layout, PlanePlacement placement);

/// CONFIG_SET (the answer must be exactly what was asked), BUF_GET_LAYOUT, BUF_REQUEST(count)
/// (all granted), BUF_CREATE of each with `placement`'s offsets, BUF_QUEUE of each,
/// STREAM_START.
[[nodiscard]] Result<proto::BufLayout> startStreaming(
    frontend::CameraClient& client, std::uint32_t fourcc, std::uint32_t width, std::uint32_t height,
    std::uint8_t count, PlanePlacement placement = PlanePlacement::kPacked);

/// Takes `frames` FRAME_AVAIL events and checks (gtest failures) that each frame is the test
/// pattern's frame of its sequence number byte for byte, that buffers come back in the order
/// they were queued, and that sequence numbers rise; requeues each buffer. Returns the
/// sequence numbers seen.
std::vector<std::uint32_t> expectTestPatternFrames(
    frontend::CameraClient& client, const proto::BufLayout& layout, std::uint32_t fourcc,
    std::uint32_t width, std::uint32_t height, std::uint8_t count, int frames,
    PlanePlacement placement = PlanePlacement::kPacked);

}  // namespace vcam::session::test
