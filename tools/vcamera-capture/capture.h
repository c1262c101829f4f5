// SPDX-License-Identifier: MIT
// A guest's capture session over CameraClient: configure, stream, save some frames, measure.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <vcamera/common/result.h>
#include <vcamera/proto/types.h>

#include "backend/xen/transport.h"

namespace vcam::capture {

struct CaptureOptions {
  std::uint32_t devId = 0;
  std::uint32_t fourcc = 0;  ///< 0: keep the device's default format
  std::uint32_t width = 0;
  std::uint32_t height = 0;
  std::optional<proto::FrameRate> frameRate;
  std::uint8_t buffers = 4;
  std::uint32_t frames = 300;
  std::uint32_t pngEvery = 0;  ///< write every Nth frame as PNG (0: none)
  std::string outputDir = ".";
  /// Compare every frame with the built-in test pattern's frame of its sequence number.
  bool verifyTestPattern = false;
  /// Append every frame's planes, one after the other, to this file (empty: none): what
  /// `v4l2-ctl --stream-to` writes, so frames of a camera that is not the test pattern can be
  /// compared with golden checksums outside.
  std::string rawPath;
};

/// What a capture measured. Latency is, per frame, the time from handing the buffer to the
/// backend (BUF_QUEUE answered) to its FRAME_AVAIL arriving.
struct CaptureReport {
  std::string format;  ///< "YUYV 640x480 @ 30/1" as the backend answered CONFIG_SET
  std::uint8_t buffers = 0;
  std::uint32_t frames = 0;
  std::uint32_t skipped = 0;  ///< gaps in seq_num: frames the camera made with no buffer of ours
  double seconds = 0;
  double latencyP50Ms = 0;
  double latencyP90Ms = 0;
  double latencyP99Ms = 0;
  double latencyMaxMs = 0;
  std::vector<std::string> pngs;
  std::uint32_t verified = 0;    ///< frames equal to the test pattern (with verifyTestPattern)
  std::uint32_t mismatched = 0;  ///< frames that differ from it
  std::optional<std::uint32_t> firstMismatch;  ///< seq_num of the first that differed
  std::uint64_t rawBytes = 0;                  ///< written to rawPath
};

/// Connects as frontend `xen.self`, captures, tears everything down (buffers destroyed, device
/// disconnected) and reports.
[[nodiscard]] Result<CaptureReport> capture(xen::XenTransport& xen, const CaptureOptions& options);

}  // namespace vcam::capture
