// SPDX-License-Identifier: MIT
// CameraDriver: the camera behind a CameraHub - the test pattern on a timer, or a libcamera
// camera - and FrameRenderer, how one of its frames gets into a guest's buffer.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>

#include <vcamera/common/result.h>
#include <vcamera/fourcc/format_info.h>
#include <vcamera/fourcc/layout.h>
#include <vcamera/proto/types.h>
#include <vcamera/proto/xenstore_schema.h>

#include "backend/base/event_loop.h"
#include "backend/session/direct_capture.h"

namespace vcam::session {

/// What writing one frame into a guest's buffer took.
struct RenderedFrame {
  std::uint32_t bytesUsed = 0;    ///< the frame's size (a compressed frame's actual length)
  std::uint64_t bytesCopied = 0;  ///< copied from a source's own buffer; 0 when made in place
};

/// Writes one frame into memory planes (a guest buffer's planes at their BUF_CREATE offsets).
class FrameRenderer {
 public:
  virtual ~FrameRenderer() = default;
  /// Writes frame `sequence` into `planes`. A hub asks for the same sequence once per
  /// streaming user, so a source that captures into its own buffer captures once per sequence.
  [[nodiscard]] virtual Result<RenderedFrame> render(
      std::uint32_t sequence, std::span<const std::span<std::byte>> planes) = 0;
};

/// Makes a renderer for frames of `format` laid out as `layout` (the guest's layout).
using RendererFactory = std::function<Result<std::unique_ptr<FrameRenderer>>(
    const fourcc::FormatInfo& format, const fourcc::Layout& layout)>;

/// One camera, driven by its hub on the loop's thread. The hub configures it for the format its
/// users locked, starts it while anyone streams and stops it when nobody does; the camera calls
/// back with each frame (and once if it goes away) on the loop's thread.
class CameraDriver {
 public:
  /// Frame `sequence` is ready; `frame` writes it into a buffer while the call lasts.
  using FrameReady = std::function<void(std::uint32_t sequence, FrameRenderer& frame)>;
  /// The camera is gone (unplugged, failed): every user's stream ends with `error`.
  using Lost = std::function<void(const Error& error)>;

  virtual ~CameraDriver() = default;
  /// Prepares frames of `format` (stopped). EINVAL (or the camera's errno) when it cannot.
  [[nodiscard]] virtual Status configure(const proto::FormatChoice& format) = 0;
  /// Starts delivering frames of the configured format to `ready`.
  [[nodiscard]] virtual Status start(FrameReady ready) = 0;
  virtual void stop() = 0;
  /// Applies a control value the hub has range-checked.
  [[nodiscard]] virtual Status setControl(proto::ControlType type, std::int64_t value) = 0;
  /// Where loss is reported (set once, before start()).
  virtual void onLost(Lost lost) = 0;
  /// Zero copy for the configured format, when the camera can fill buffers it is handed
  /// (see DirectCapture); nullptr when it cannot (a timer drawing into mapped pages needs no
  /// dma-buf, a camera whose frames are converted cannot write the guest's format).
  [[nodiscard]] virtual DirectCapture* direct() { return nullptr; }
};

/// Makes the driver of camera `uniqueId` (ENODEV when there is no such camera).
using DriverFactory = std::function<Result<std::unique_ptr<CameraDriver>>(
    base::EventLoop& loop, const std::string& uniqueId)>;

}  // namespace vcam::session
