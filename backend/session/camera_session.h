// SPDX-License-Identifier: MIT
// CameraSession: the fifteen cameraif operations for one connected device, on a shared camera.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>

#include <vcamera/cameraif.h>
#include <vcamera/common/result.h>
#include <vcamera/fourcc/layout.h>
#include <vcamera/proto/wire.h>
#include <vcamera/proto/xenstore_schema.h>

#include "backend/buffer/guest_buffer.h"
#include "backend/session/camera_hub.h"
#include "backend/session/device_session.h"
#include "backend/session/guest_limits.h"
#include "backend/session/request_handler.h"
#include "backend/xen/transport.h"

namespace vcam::session {

/// The backend's hard cap on buffers per device, whatever `max-buffers` says.
inline constexpr std::uint8_t kMaxBuffersPerDevice = 32;

/// Answers one device's requests (cameraif semantics, notes section 1.8) and delivers its
/// frames. Errors go back as statuses:
///  - EBUSY: the configuration or buffer count is locked (buffers requested, streaming) or
///    another guest holds the camera in a format this one may not use;
///  - EINVAL: a bad index or a control this device does not have, STREAM_START without
///    buffers; ENOENT: no buffer at that index; EEXIST: a buffer at that index already;
///  - ERANGE: a control value outside its range;
///  - ENOMEM: BUF_REQUEST when the guest's other devices hold all of max-buffers-per-guest
///    (otherwise it grants fewer buffers, as REQBUFS may).
/// Frames: each tick of the camera's clock renders into the oldest queued buffer, which is
/// then posted (FRAME_AVAIL, seq_num = the camera's frame number) and leaves the queue; with no
/// buffer queued the frame is skipped and the guest sees a gap in seq_num.
/// Zero copy: when the camera can fill buffers itself (DirectCapture), BUF_CREATE also makes
/// the camera's handle on the buffer - the guest's grants exported as a dma-buf (path 1), or
/// for be-alloc a buffer of the camera's own memory granted to the guest (path 2) - and while
/// this session streams alone the camera writes into them with no copy. Where that cannot be
/// done the session says why once and frames are copied (or drawn) into the mapped pages.
class CameraSession final : public RequestHandler, public CameraUser {
 public:
  /// `fail` disconnects the device later (for errors found outside a request, e.g. a broken
  /// event page while posting a frame).
  /// `lease` is this session's share of its guest's limits (buffers count against it).
  CameraSession(xen::XenTransport& xen, const ConnectionContext& context, CameraHub& hub,
                GuestLimits::Lease lease, std::function<void(const Error&)> fail);
  ~CameraSession() override;
  CameraSession(const CameraSession&) = delete;
  CameraSession& operator=(const CameraSession&) = delete;

  [[nodiscard]] proto::Response handle(const proto::Request& request) override;
  void frameDue(std::uint32_t sequence, FrameRenderer& renderer) override;
  void controlChanged(proto::ControlType type, std::int64_t value) override;
  void cameraLost(const Error& error) override;
  [[nodiscard]] bool canCaptureDirect() const override;
  [[nodiscard]] Status beginDirect(DirectCapture& camera) override;
  void endDirect() override;
  void directFilled(DirectBufferId id, std::uint32_t sequence, std::uint32_t bytesUsed) override;
  void directRefused(const Error& error) override;

 private:
  struct Buffer {
    std::unique_ptr<buffer::GuestBuffer> memory;
    /// The memory planes inside `memory` (fixed at BUF_CREATE, so frames need no arithmetic).
    std::array<std::span<std::byte>, XENCAMERA_MAX_PLANE> planes{};
    std::uint8_t numPlanes = 0;
    /// Zero copy: the camera's handle on this buffer, and (path 1) the dma-buf of the guest's
    /// pages it writes into.
    std::optional<DirectBufferId> directId;
    DirectCapture* camera = nullptr;  ///< whose id it is (the hub's camera outlives us)
    xen::ExportedDmaBuf exported;
  };
  using Reply = Result<proto::ResponsePayload>;

  [[nodiscard]] Reply configSet(const proto::ConfigRequest& request, bool apply);
  [[nodiscard]] Reply frameRateSet(const proto::FrameRateRequest& request);
  [[nodiscard]] Reply bufGetLayout();
  [[nodiscard]] Reply bufRequest(const proto::BufCount& request);
  [[nodiscard]] Reply bufCreate(const proto::BufCreateRequest& request);
  [[nodiscard]] Reply bufDestroy(std::uint8_t index);
  [[nodiscard]] Reply bufQueue(std::uint8_t index);
  [[nodiscard]] Reply bufDequeue(std::uint8_t index);
  [[nodiscard]] Reply ctrlEnum(std::uint8_t index);
  [[nodiscard]] Reply ctrlSet(const proto::ControlValue& request);
  [[nodiscard]] Reply ctrlGet(proto::ControlType type);
  [[nodiscard]] Reply streamStart();
  [[nodiscard]] Reply streamStop();

  [[nodiscard]] proto::ConfigResponse describe(const proto::FormatChoice& choice) const;
  [[nodiscard]] Result<proto::BufLayout> currentLayout() const;
  [[nodiscard]] bool hasControl(proto::ControlType type) const;
  [[nodiscard]] bool configLocked() const { return numBufs_ > 0 || streaming_; }
  /// A buffer of `memory` with its planes at the BUF_CREATE offsets (checked against `layout`).
  [[nodiscard]] static Buffer withPlanes(std::unique_ptr<buffer::GuestBuffer> memory,
                                         const proto::BufCreateRequest& request,
                                         const proto::BufLayout& layout);
  /// Maps (or for be-alloc, shares) the memory of a new buffer; zero copy where it can.
  [[nodiscard]] Result<Buffer> makeBuffer(const proto::BufCreateRequest& request,
                                          const proto::BufLayout& layout);
  /// Path 1: the guest's pages as a dma-buf the camera writes into.
  [[nodiscard]] Status shareWithCamera(DirectCapture& camera, Buffer& buffer,
                                       const proto::BufCreateRequest& request,
                                       const proto::BufLayout& layout);
  /// Path 2: a buffer of the camera's own memory, granted to the guest.
  [[nodiscard]] Result<Buffer> cameraOwnedBuffer(DirectCapture& camera,
                                                 const proto::BufCreateRequest& request,
                                                 const proto::BufLayout& layout);
  /// Turns zero copy off for this session, saying why once.
  void refuseDirect(const Error& error);
  /// Drops buffers (the camera's handles first, then dma-buf exports, then the memory).
  void dropBuffers(const std::function<bool(std::uint8_t index)>& which);

  xen::XenTransport& xen_;
  DeviceAddress address_;
  proto::FrontendConfig config_;
  RingChannel& channel_;
  CameraHub& hub_;
  GuestLimits::Lease lease_;
  std::function<void(const Error&)> fail_;
  std::string name_;

  proto::FormatChoice choice_;
  std::uint8_t numBufs_ = 0;
  /// Every buffer's layout: fixed from BUF_REQUEST(n > 0), when the configuration locks,
  /// to BUF_REQUEST(0).
  std::optional<proto::BufLayout> bufferLayout_;
  bool streaming_ = false;
  std::map<std::uint8_t, Buffer> buffers_;
  std::deque<std::uint8_t> queue_;
  /// Zero copy: the camera filling our buffers (while streaming alone), the buffers it holds
  /// in the order they were given, and whether zero copy was refused for this session.
  DirectCapture* direct_ = nullptr;
  std::deque<std::uint8_t> inCamera_;
  bool directRefused_ = false;

  // Logged when the session ends: what the guest got and what it cost.
  std::uint64_t framesDelivered_ = 0;
  std::uint64_t framesSkipped_ = 0;  ///< ticks that found no buffer queued (or a full page)
  std::uint64_t framesDirect_ = 0;   ///< written by the camera itself (zero copy)
  std::uint64_t bytesRendered_ = 0;  ///< written by the renderer straight into guest buffers
  std::uint64_t bytesCopied_ = 0;    ///< copied from a source's own buffers
};

/// A HandlerFactory making a CameraSession per connection, on the registry's hub for the
/// device's `unique-id`, admitted by `limits` (EBUSY past max-sessions-per-guest). Every
/// argument must outlive the service using the factory.
[[nodiscard]] HandlerFactory cameraSessions(xen::XenTransport& xen, CameraRegistry& cameras,
                                            GuestLimits& limits);

}  // namespace vcam::session
