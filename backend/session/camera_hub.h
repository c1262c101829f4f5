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
#include "backend/session/camera_driver.h"

namespace vcam::session {

/// The frame layout of a configured format: the fourcc table's, stride alignment 1 (what
/// Linux computes and what BUF_GET_LAYOUT reports). EINVAL for a FOURCC not in the table.
[[nodiscard]] Result<fourcc::Layout> layoutOf(const proto::FormatChoice& format);

/// One control of the four cameraif knows: its range and default (XENCAMERA_CTRL_FLG_* flags).
using ControlRange = proto::ControlRange;

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
  /// The camera is gone: the user's device fails with `error`.
  virtual void cameraLost(const Error& error) = 0;

  // Zero copy (DirectCapture): while one user streams alone, the hub may have the camera fill
  // that user's buffers itself.
  /// Whether every buffer of this user can be handed to the camera.
  [[nodiscard]] virtual bool canCaptureDirect() const { return false; }
  /// The camera fills this user's buffers from now on: hand it those the guest queued. An
  /// error ends the direct capture (endDirect(), then directRefused()).
  [[nodiscard]] virtual Status beginDirect(DirectCapture& /*camera*/) {
    return makeError(ENOTSUP, "this user has no buffers for the camera");
  }
  /// The direct capture is over (stopped, or another user streams too): every buffer the
  /// camera held is the user's again, unfilled.
  virtual void endDirect() {}
  /// The camera wrote frame `sequence` into the buffer it knows as `id`.
  virtual void directFilled(DirectBufferId /*id*/, std::uint32_t /*sequence*/,
                            std::uint32_t /*bytesUsed*/) {}
  /// The camera could not use this user's buffers: frames come copied from now on.
  virtual void directRefused(const Error& /*error*/) {}
};

/// Sharing rules: the first user to lock a format (by requesting buffers) owns the camera's
/// format until every locking user unlocks; others may lock only the same format (they get
/// it as their nearest match). The camera runs at the locked format while any user streams;
/// each of its frames has the next sequence number, so a user that had no buffer sees a gap.
/// While exactly one user streams and both the camera and that user can, the camera writes
/// straight into the user's buffers (DirectCapture); otherwise it captures into its own and
/// every streaming user gets its frames through a FrameRenderer (drawn or copied). The hub
/// switches between the two (stopping and restarting the camera) as users start and stop.
class CameraHub {
 public:
  CameraHub(std::string uniqueId, std::unique_ptr<CameraDriver> driver);
  CameraHub(const CameraHub&) = delete;
  CameraHub& operator=(const CameraHub&) = delete;
  ~CameraHub();

  [[nodiscard]] const std::string& uniqueId() const { return uniqueId_; }
  /// The camera went away; nothing works on this hub any more.
  [[nodiscard]] bool gone() const { return gone_.has_value(); }
  [[nodiscard]] bool unused() const { return users_.empty(); }

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

  /// The camera's zero-copy interface for the locked format (nullptr when it has none or is
  /// gone), for users preparing buffers it may fill.
  [[nodiscard]] DirectCapture* directCapture() const;
  /// `user`'s direct capture cannot go on (the camera refused a buffer): fall back to copies.
  void directFailed(CameraUser* user, const Error& error);

  [[nodiscard]] std::int64_t control(proto::ControlType type) const;
  /// Sets a control and tells every other attached user. ERANGE outside its range or step.
  [[nodiscard]] Status setControl(CameraUser* from, proto::ControlType type, std::int64_t value);

 private:
  enum class Mode : std::uint8_t { Off, Shared, Direct };

  [[nodiscard]] Status updateRunning();
  [[nodiscard]] Status startDirect(CameraUser& user);
  /// Stops the camera in whatever mode it runs (a direct user gets its buffers back).
  void halt();
  void frameReady(std::uint32_t sequence, FrameRenderer& frame);
  void lost(const Error& error);

  std::string uniqueId_;
  std::unique_ptr<CameraDriver> driver_;
  std::vector<CameraUser*> users_;
  std::vector<CameraUser*> lockers_;
  std::vector<CameraUser*> streamers_;
  std::optional<proto::FormatChoice> format_;
  std::map<proto::ControlType, std::int64_t> controls_;
  Mode mode_ = Mode::Off;
  CameraUser* directUser_ = nullptr;  ///< whose buffers the camera fills (Mode::Direct)
  std::optional<Error> gone_;  ///< set once the camera is lost: every later use fails with it
};

/// The hubs of this backend, one per `unique-id`, made on first use with the driver factory
/// given for that camera, or the default one.
class CameraRegistry {
 public:
  CameraRegistry(base::EventLoop& loop, DriverFactory drivers)
      : loop_(loop), drivers_(std::move(drivers)) {}
  /// Camera `uniqueId`'s driver factory (before its hub is first used).
  void setDrivers(const std::string& uniqueId, DriverFactory drivers);
  /// The hub of `uniqueId`, made now if needed; the driver factory's error if it cannot be.
  [[nodiscard]] Result<CameraHub*> hub(const std::string& uniqueId);

 private:
  base::EventLoop& loop_;
  DriverFactory drivers_;
  std::map<std::string, DriverFactory> cameraDrivers_;
  std::map<std::string, std::unique_ptr<CameraHub>> hubs_;
};

}  // namespace vcam::session
