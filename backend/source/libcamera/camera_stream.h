// SPDX-License-Identifier: MIT
// CameraStream: one acquired libcamera camera with one stream - configure, capture, controls.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <vcamera/common/result.h>
#include <vcamera/fourcc/format_info.h>
#include <vcamera/fourcc/layout.h>
#include <vcamera/proto/types.h>
#include <vcamera/proto/xenstore_schema.h>

#include "backend/base/event_loop.h"
#include "backend/source/libcamera/camera_library.h"
#include "backend/source/libcamera/control_mapping.h"
#include "backend/source/libcamera/mapped_buffer.h"

namespace libcamera {
class Camera;
class CameraConfiguration;
class FrameBufferAllocator;
class Request;
class Stream;
}  // namespace libcamera

namespace vcam::source::lc {

/// One completed capture, valid only during the FrameHandler call that receives it.
struct CapturedFrame {
  std::uint32_t sequence = 0;     ///< the buffer's FrameMetadata::sequence (gaps = drops)
  std::uint64_t timestampNs = 0;  ///< FrameMetadata::timestamp (CLOCK_MONOTONIC, ns)
  bool ok = true;                 ///< false: FrameMetadata says FrameError (contents unreliable)
  /// FrameMetadata bytesused per libcamera plane (colour plane), each at most its length.
  std::array<std::uint32_t, 4> bytesUsed{};
  std::size_t numBufferPlanes = 0;
  const fourcc::FormatInfo* format = &fourcc::kInvalidFormat;
  fourcc::Layout layout;  ///< how the bytes of memPlanes are laid out
  /// One span per layout memory plane (a fourcc::ConstFrame's planes); for compressed formats
  /// the span is as long as bytesUsed[0].
  std::array<std::span<const std::byte>, 4> memPlanes{};
};

/// One camera acquired for this process, one stream, on one event loop's thread. libcamera's
/// completion and disconnection signals only post to the loop; the work they post finds out
/// through a weak token whether the stream still exists, and through a per-start generation
/// whether a request still belongs to the current capture.
///
/// Order of life: open() -> configure() -> start() -> stop() (-> configure()/start() again);
/// destruction does whatever of stop, free requests, free buffers and release is left.
class CameraStream {
 public:
  using FrameHandler = std::function<void(const CapturedFrame& frame)>;
  using GoneHandler = std::function<void()>;

  /// Acquires camera `id` (a libcamera id: CameraLibrary::resolve() first). ENODEV unknown,
  /// EBUSY when another user (process or stream) holds it.
  [[nodiscard]] static Result<std::unique_ptr<CameraStream>> open(CameraLibrary& library,
                                                                  const std::string& id,
                                                                  base::EventLoop& loop);
  CameraStream(const CameraStream&) = delete;
  CameraStream& operator=(const CameraStream&) = delete;
  ~CameraStream();

  [[nodiscard]] const std::string& id() const { return id_; }

  /// Configures the stream as close to `wanted` as libcamera validates (an Adjusted
  /// configuration is accepted) and answers what it validated: format, size, and the rate
  /// that will be applied (the wanted one when its duration is within FrameDurationLimits,
  /// else the nearest limit; kDefaultFrameRate when the camera reports no limits). EINVAL:
  /// a FOURCC the camera is never offered as, an Invalid configuration, or an adjustment to
  /// something cameraif cannot name; EBUSY while streaming; libcamera's errno otherwise.
  [[nodiscard]] Result<proto::FormatChoice> configure(const proto::FormatChoice& wanted);
  /// The configured frame layout (libcamera's stride, colour planes following each other);
  /// start() replaces it with the one its buffers really have.
  [[nodiscard]] const fourcc::Layout& layout() const { return layout_; }
  [[nodiscard]] const fourcc::FormatInfo& format() const { return *format_; }

  /// Allocates and maps buffers, queues one request per buffer and starts the camera;
  /// `onFrame` is called on the loop's thread for every completed frame (never for requests
  /// cancelled by stop()), after which the request is queued again. It may call stop() or
  /// destroy the stream. EINVAL before configure(), EBUSY when started.
  [[nodiscard]] Status start(FrameHandler onFrame);
  /// Stops the camera and frees requests and buffers. Safe to call twice.
  void stop();
  [[nodiscard]] bool streaming() const { return running_; }

  /// Called (on the loop's thread) when libcamera reports the camera unplugged. Streaming
  /// stops delivering; the owner should destroy the stream.
  void setGoneHandler(GoneHandler onGone) { onGone_ = std::move(onGone); }
  [[nodiscard]] bool gone() const { return gone_; }

  /// The cameraif controls the camera has (brightness, contrast, saturation when it reports
  /// them as float ranges; never hue: libcamera 0.0.3 has no hue control).
  [[nodiscard]] std::vector<ControlRange> controls() const;
  /// Sets a control for the requests queued from now on (or for start()). ENOTSUP for a
  /// control the camera lacks (hue), ERANGE outside controls()' range.
  [[nodiscard]] Status setControl(proto::ControlType type, std::int64_t value);

 private:
  struct Slot {
    std::unique_ptr<libcamera::Request> request;
    MappedBuffer mapped;
  };

  CameraStream(CameraLibrary& library, std::string id, base::EventLoop& loop,
               std::shared_ptr<libcamera::Camera> camera);
  [[nodiscard]] Status prepareBuffers();
  void releaseBuffers();
  void completed(libcamera::Request* request, std::uint64_t cookie,
                 const std::weak_ptr<CameraStream*>& weak);
  void requeue(libcamera::Request* request);
  void cameraGone();
  [[nodiscard]] std::optional<FloatRange> rangeOf(proto::ControlType type) const;
  [[nodiscard]] std::string prefix() const { return "libcamera/" + id_; }

  CameraLibrary& library_;
  std::string id_;
  base::EventLoop& loop_;
  std::shared_ptr<libcamera::Camera> camera_;
  std::shared_ptr<CameraStream*> self_;  ///< posted work holds a weak_ptr to this
  std::unique_ptr<libcamera::CameraConfiguration> config_;
  libcamera::Stream* stream_ = nullptr;
  const fourcc::FormatInfo* format_ = &fourcc::kInvalidFormat;
  proto::FormatChoice choice_;
  std::optional<std::int64_t> frameDurationUs_;
  fourcc::Layout layout_;
  std::unique_ptr<libcamera::FrameBufferAllocator> allocator_;
  std::vector<Slot> slots_;
  std::uint32_t generation_ = 0;  ///< bumped by every start() and stop()
  bool running_ = false;
  bool gone_ = false;
  std::shared_ptr<const FrameHandler> onFrame_;  ///< shared: a handler may end the stream
  GoneHandler onGone_;
  std::map<proto::ControlType, float> pending_;  ///< set, not yet put in a request
};

}  // namespace vcam::source::lc
