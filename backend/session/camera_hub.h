// SPDX-License-Identifier: MIT
// CameraHub: one physical (or test-pattern) camera shared by every guest session using it -
// the format lock, the frame clock, and control values.
#pragma once

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

namespace vcam::session {

/// What writing one frame into a guest's buffer took.
struct RenderedFrame {
  std::uint32_t bytesUsed = 0;    ///< the frame's size (a compressed frame's actual length)
  std::uint64_t bytesCopied = 0;  ///< copied from a source's own buffer; 0 when made in place
};

/// Writes frames into memory planes (the buffer's planes at their BUF_CREATE offsets).
class FrameRenderer {
 public:
  virtual ~FrameRenderer() = default;
  /// Writes frame `sequence` into `planes`. The hub asks for the same sequence once per
  /// streaming user, so a source that captures into its own buffer captures once per sequence.
  [[nodiscard]] virtual Result<RenderedFrame> render(
      std::uint32_t sequence, std::span<const std::span<std::byte>> planes) = 0;
};

using RendererFactory = std::function<Result<std::unique_ptr<FrameRenderer>>(
    const fourcc::FormatInfo& format, const fourcc::Layout& layout)>;

/// The frame layout of a configured format: the fourcc table's, stride alignment 1 (what
/// Linux computes and what BUF_GET_LAYOUT reports). EINVAL for a FOURCC not in the table.
[[nodiscard]] Result<fourcc::Layout> layoutOf(const proto::FormatChoice& format);

/// One control of the four cameraif knows: its range and default (XENCAMERA_CTRL_FLG_* flags).
struct ControlRange {
  proto::ControlType type = proto::ControlType::Brightness;
  std::int64_t min = 0;
  std::int64_t max = 255;
  std::int64_t step = 1;
  std::int64_t defaultValue = 128;
  std::uint32_t flags = 0;
};

/// The ranges every camera here offers (the guest sees the ones its `controls` node lists).
[[nodiscard]] const ControlRange& controlRange(proto::ControlType type);

/// A session using the hub: it receives frames and other guests' control changes.
class CameraUser {
 public:
  virtual ~CameraUser() = default;
  /// A frame is due: the user renders it into its next queued buffer (or drops it).
  virtual void frameDue(std::uint32_t sequence, FrameRenderer& renderer) = 0;
  /// Another user changed a control.
  virtual void controlChanged(proto::ControlType type, std::int64_t value) = 0;
};

/// Sharing rules: the first user to lock a format (by requesting buffers) owns the camera's
/// format until every locking user unlocks; others may lock only the same format (they get
/// it as their nearest match). The frame clock runs at the locked rate while any user streams;
/// each tick has the next sequence number, so a user that had no buffer sees a gap.
class CameraHub {
 public:
  CameraHub(base::EventLoop& loop, std::string uniqueId, RendererFactory renderers)
      : loop_(loop), uniqueId_(std::move(uniqueId)), renderers_(std::move(renderers)) {}
  CameraHub(const CameraHub&) = delete;
  CameraHub& operator=(const CameraHub&) = delete;
  ~CameraHub() = default;

  [[nodiscard]] const std::string& uniqueId() const { return uniqueId_; }

  void attach(CameraUser* user);
  /// Unlocks and stops `user`, and forgets it.
  void detach(CameraUser* user);

  /// The format every locking user shares, if any user holds the lock.
  [[nodiscard]] std::optional<proto::FormatChoice> lockedFormat() const;
  /// True when a user other than `user` holds the lock (so the format cannot change).
  [[nodiscard]] bool lockedByOthers(const CameraUser* user) const;
  /// Locks `format` for `user`. EBUSY when others hold a different format; EINVAL when the
  /// renderer cannot produce it.
  [[nodiscard]] Status lock(CameraUser* user, const proto::FormatChoice& format);
  void unlock(CameraUser* user);

  /// `user` (which holds the lock) starts or stops receiving frames.
  [[nodiscard]] Status startStreaming(CameraUser* user);
  void stopStreaming(CameraUser* user);

  [[nodiscard]] std::int64_t control(proto::ControlType type) const;
  /// Sets a control and tells every other attached user. ERANGE outside its range or step.
  [[nodiscard]] Status setControl(CameraUser* from, proto::ControlType type, std::int64_t value);

 private:
  void updateClock();
  void tick();

  base::EventLoop& loop_;
  std::string uniqueId_;
  RendererFactory renderers_;
  std::vector<CameraUser*> users_;
  std::vector<CameraUser*> lockers_;
  std::vector<CameraUser*> streamers_;
  std::optional<proto::FormatChoice> format_;
  std::unique_ptr<FrameRenderer> renderer_;
  std::map<proto::ControlType, std::int64_t> controls_;
  base::LoopHandle clock_;
  std::uint32_t sequence_ = 0;
};

/// The hubs of this backend, one per `unique-id`, made on first use with the renderers
/// given for that camera, or the default ones.
class CameraRegistry {
 public:
  CameraRegistry(base::EventLoop& loop, RendererFactory renderers)
      : loop_(loop), renderers_(std::move(renderers)) {}
  /// Camera `uniqueId`'s renderers (before its hub is first used).
  void setRenderers(const std::string& uniqueId, RendererFactory renderers);
  [[nodiscard]] CameraHub& hub(const std::string& uniqueId);

 private:
  base::EventLoop& loop_;
  RendererFactory renderers_;
  std::map<std::string, RendererFactory> cameraRenderers_;
  std::map<std::string, std::unique_ptr<CameraHub>> hubs_;
};

}  // namespace vcam::session
