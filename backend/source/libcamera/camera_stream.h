// SPDX-License-Identifier: MIT
// CameraStream: one acquired libcamera camera with one stream - configure, capture into its own
// buffers or (zero copy) into buffers it is handed, controls.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <deque>
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
#include "backend/source/libcamera/camera_nodes.h"
#include "backend/source/libcamera/control_mapping.h"
#include "backend/source/libcamera/direct_planes.h"
#include "backend/source/libcamera/mapped_buffer.h"

namespace libcamera {
class Camera;
class CameraConfiguration;
class ControlList;
class FrameBuffer;
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

/// A buffer of the direct mode, by the id CameraStream gave it (never reused by a stream).
using DirectId = std::uint32_t;

/// A buffer of the camera's own memory (from a FrameBufferAllocator), handed out to be granted.
struct OwnedBuffer {
  DirectId id = 0;
  int fd = -1;  ///< the stream's dma-buf: open until removeBuffer(id)
  OwnedBufferShape shape;
};

/// A frame the camera wrote into a direct buffer.
struct DirectFrame {
  DirectId id = 0;
  std::uint32_t sequence = 0;     ///< FrameMetadata::sequence (gaps = drops)
  std::uint32_t bytesUsed = 0;    ///< over all planes
  std::uint64_t timestampNs = 0;  ///< FrameMetadata::timestamp (CLOCK_MONOTONIC, ns)
};

/// One camera acquired for this process, one stream, on one event loop's thread. libcamera's
/// completion and disconnection signals only post to the loop; the work they post finds out
/// through a weak token whether the stream still exists, and through a per-start generation
/// whether a request still belongs to the current capture.
///
/// Order of life: open() -> configure() -> start() or startDirect() -> stop() (->
/// configure()/start() again); destruction does whatever of stop, free requests, free buffers
/// and release is left.
///
/// Two ways to capture:
///  - own buffers (start()): a FrameBufferAllocator's buffers, mapped, each frame handed to a
///    FrameHandler to copy from, then queued again;
///  - direct (startDirect()): the camera fills buffers it was handed - dma-bufs imported with
///    importBuffer() or its own from allocateBuffer() - one request per queueBuffer(), at most
///    the stream's bufferCount at the camera at once (libcamera 0.0.3's V4L2 buffer cache has
///    that many slots; more would be cancelled), the rest waiting in order.
class CameraStream {
 public:
  using FrameHandler = std::function<void(const CapturedFrame& frame)>;
  /// Why the stream ended: ENODEV with the camera's unplug, or with libcamera's restart after
  /// another camera's unplug.
  using GoneHandler = std::function<void(const Error& why)>;

  /// Acquires camera `id` (a libcamera id: CameraLibrary::resolve() first). ENODEV unknown,
  /// EBUSY when another user (process or stream) holds it.
  [[nodiscard]] static Result<std::unique_ptr<CameraStream>> open(CameraLibrary& library,
                                                                  const std::string& id,
                                                                  base::EventLoop& loop);
  CameraStream(const CameraStream&) = delete;
  CameraStream& operator=(const CameraStream&) = delete;
  ~CameraStream();

  [[nodiscard]] const std::string& id() const { return id_; }
  /// The device nodes the camera was acquired with (which unplugs end this stream).
  [[nodiscard]] const CameraNodes& nodes() const { return nodes_; }

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
  /// Stops the camera (either way of capturing) and frees requests and own-mode buffers; in
  /// direct mode every buffer queued comes back unfilled, with no call. Safe to call twice.
  void stop();
  [[nodiscard]] bool streaming() const { return running_; }

  // Direct mode (zero copy).
  using DirectFilledHandler = std::function<void(const DirectFrame& frame)>;
  using DirectFailedHandler = std::function<void(const Error& error)>;

  /// The configured frame layout a direct buffer must hold: libcamera's stride, colour planes
  /// following each other, sizeImage at least the stream's frameSize.
  [[nodiscard]] const fourcc::Layout& directLayout() const { return directLayout_; }
  /// Wraps a caller's buffer as a FrameBuffer (the fd is duplicated: the caller may close its
  /// own once removeBuffer() returned). Rules in importedPlanes(); EINVAL before configure();
  /// ENOTSUP when the driver could not capture into it (cameraCanImport(): libcamera 0.0.3
  /// aborts the process on a buffer the kernel refuses). The first call learns what memory
  /// the driver captures into from a buffer it allocates, so it needs the camera stopped
  /// (EBUSY while it runs).
  [[nodiscard]] Result<DirectId> importBuffer(std::span<const BufferPlane> memPlanes);
  /// Hands out one of the camera's own buffers. libcamera allocates bufferCount at a time and
  /// only while the camera is stopped: the rest are kept for later calls (EBUSY while
  /// running with none left); ENOSPC past kMaxOwnedBuffers; ENOTSUP when the camera's buffers
  /// cannot be granted whole (ownedBufferShape()).
  [[nodiscard]] Result<OwnedBuffer> allocateBuffer();
  /// Forgets a buffer: its request and FrameBuffer are destroyed (the dma-buf's last use by
  /// the camera). Removing a buffer the camera holds stops the direct capture and reports it
  /// failed (posted): callers stop first.
  void removeBuffer(DirectId id);
  /// Starts the camera with no buffers; `filled` gets each frame written into a queued
  /// buffer, `failed` at most once when the camera cannot go on (a request libcamera
  /// cancelled: the kernel refused the buffer), after the capture stopped. Both run on the
  /// loop's thread and may stop or destroy the stream. EBUSY when started, EINVAL before
  /// configure().
  [[nodiscard]] Status startDirect(DirectFilledHandler filled, DirectFailedHandler failed);
  /// Queues a buffer for the running direct capture (to the camera now, or once a slot is
  /// free). EINVAL for an unknown buffer, one made for an earlier configure(), or one already
  /// queued; EBUSY when not capturing directly; libcamera's errno when it refuses the request
  /// (the buffer is the caller's again, the capture goes on).
  [[nodiscard]] Status queueBuffer(DirectId id);

  /// Owned buffers a stream hands out at most (also bounds what a run of guests can pin).
  static constexpr std::size_t kMaxOwnedBuffers = 32;

  /// Called once (on the loop's thread, posted) when the stream lost its camera: libcamera
  /// reported it unplugged, the library found its device nodes unregistered (detach()), or
  /// the library stopped it to restart libcamera after another camera's unplug
  /// (endForRestart()). Streaming has stopped delivering; every call answers ENODEV from then
  /// on; the owner should destroy the stream (and may open the camera again).
  void setGoneHandler(GoneHandler onGone) { onGone_ = std::move(onGone); }
  [[nodiscard]] bool gone() const { return gone_; }

  /// Ends the stream because its camera's device is gone: as endForRestart(), with "the
  /// camera was unplugged (`why`)" as the reason. The stop reaches the vanished device, which
  /// the stream-off guard makes safe (stream_off_guard.h), so nothing is leaked. For
  /// CameraLibrary; safe to call twice.
  void detach(const std::string& why);
  /// Ends the stream of a healthy camera so that the library can restart libcamera (after
  /// another camera's unplug): stops the camera normally (Camera::stop(), no look at the
  /// device nodes: the library has just looked), frees requests and buffers, releases the
  /// camera and posts the gone handler with `why`. A stop libcamera refuses (a camera it
  /// marked disconnected itself) leaves the camera let go instead: what libcamera may still
  /// point at (requests, the allocator's buffers, the running Camera) is leaked, never freed
  /// under it. For CameraLibrary; safe to call twice.
  void endForRestart(const Error& why);

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
  enum class DirectState : std::uint8_t { Idle, Waiting, AtCamera };
  struct DirectBuffer {
    // Declaration order is destruction order reversed: the request (which may still list the
    // buffer as pending) goes before the FrameBuffer it names.
    std::unique_ptr<libcamera::FrameBuffer> buffer;
    /// Reused for every queueing of the buffer while the camera runs: see retired_.
    std::unique_ptr<libcamera::Request> request;
    std::uint32_t requestGeneration = 0;  ///< the generation_ `request` was made in
    bool owned = false;
    std::uint32_t configuration = 0;  ///< the configure() it was made for
    DirectState state = DirectState::Idle;
  };

  CameraStream(CameraLibrary& library, std::string id, base::EventLoop& loop,
               std::shared_ptr<libcamera::Camera> camera, CameraNodes nodes);
  [[nodiscard]] Status prepareBuffers();
  void releaseBuffers();
  [[nodiscard]] Status startCamera();
  void completed(libcamera::Request* request, std::uint64_t cookie,
                 const std::weak_ptr<CameraStream*>& weak);
  void directCompleted(libcamera::Request* request, std::uint64_t cookie);
  [[nodiscard]] Status submit(DirectId id);
  [[nodiscard]] Status submitWaiting();
  void failDirect(const Error& error);
  void stopDirect(bool cameraStopped);
  [[nodiscard]] Result<OwnedBuffer> handOutSpare();
  void requeue(libcamera::Request* request);
  /// cameraMemory_, learned from a buffer libcamera allocates (and frees) when still unknown.
  Result<std::string> cameraMemory();
  /// Allocates a set of the camera's buffers into spares_ (at most `atMost` kept); the camera
  /// must be configured and stopped.
  Status fillSpares(std::size_t atMost);
  void halt(bool lookFirst);
  void cameraGone();
  void letGo(const Error& why, bool keepRunningCamera);
  void releaseCamera();
  void postGone(const Error& why);
  [[nodiscard]] Status ensureAttached() const;
  [[nodiscard]] std::optional<FloatRange> rangeOf(proto::ControlType type) const;
  [[nodiscard]] std::string prefix() const { return "libcamera/" + id_; }

  CameraLibrary& library_;
  std::string id_;
  base::EventLoop& loop_;
  std::shared_ptr<libcamera::Camera> camera_;
  CameraNodes nodes_;
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
  bool cameraRunning_ = false;  ///< libcamera's view: started, not stopped since
  bool gone_ = false;
  std::shared_ptr<const FrameHandler> onFrame_;  ///< shared: a handler may end the stream
  GoneHandler onGone_;
  std::map<proto::ControlType, float> pending_;  ///< set, not yet put in a request

  // Direct mode.
  fourcc::Layout directLayout_;
  std::uint32_t configuration_ = 0;  ///< bumped by every configure()
  std::size_t maxAtCamera_ = 1;      ///< the stream's bufferCount
  std::map<DirectId, DirectBuffer> direct_;
  /// Requests of buffers removed while the camera ran, freed at the next completion (or stop).
  /// libcamera 0.0.3's pipelines still touch a request on their thread after completing it
  /// (vimc reads its sequence() for the IPA): a request freed as soon as its completion
  /// reaches the loop crashed the backend (harness, PVH driver domain, be-alloc with vimc).
  /// camera_->stop() is a blocking call into that thread, so after it nothing touches them.
  std::vector<std::unique_ptr<libcamera::Request>> retired_;
  std::vector<std::unique_ptr<libcamera::FrameBuffer>> spares_;  ///< owned, not handed out
  std::string cameraMemory_;  ///< exporter name of the driver's own buffers, once learned
  std::deque<DirectId> waiting_;
  std::size_t atCamera_ = 0;
  DirectId nextId_ = 1;
  bool directMode_ = false;    ///< running_ is a direct capture
  bool directFailed_ = false;  ///< failed was called for this run
  std::shared_ptr<const DirectFilledHandler> onFilled_;
  DirectFailedHandler onFailed_;
};

}  // namespace vcam::source::lc
