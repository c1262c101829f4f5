// SPDX-License-Identifier: MIT
// CameraLibrary: the process's one libcamera CameraManager - camera list, selectors, hot-plug,
// and what each camera offers in cameraif's terms.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <vcamera/common/result.h>
#include <vcamera/proto/xenstore_schema.h>

#include "backend/base/event_loop.h"
#include "backend/source/libcamera/device_watch.h"

namespace libcamera {
class Camera;
class CameraManager;
}  // namespace libcamera

namespace vcam::source::lc {

class CameraStream;

/// One camera as libcamera lists it: its id and what its properties say about it.
struct CameraInfo {
  std::string id;        ///< libcamera's id, stable across restarts for the same port
  std::string model;     ///< properties::Model, or ""
  std::string location;  ///< "front", "back", "external", or "" (properties::Location)
};

/// The `unique-id` prefix naming a libcamera camera ("libcamera:<selector>").
inline constexpr std::string_view kSelectorPrefix = "libcamera:";

/// Which camera `selector` names among `cameras` (in libcamera's order). Syntax: an optional
/// "libcamera:" prefix, then either "#N" (N decimal, 0-based index into `cameras`; an index
/// depends on enumeration order, so prefer ids) or a camera id, matched exactly. ENODEV when
/// it names none: the message lists the cameras present, or says that there are none;
/// EINVAL for an empty selector or a malformed "#N".
[[nodiscard]] Result<std::string> resolveSelector(std::string_view selector,
                                                  std::span<const CameraInfo> cameras);

/// Owns libcamera's CameraManager, of which libcamera allows one per process: start() refuses
/// (EBUSY) while another CameraLibrary exists. Used on the loop's thread only; libcamera's
/// hot-plug signals (from its own thread) only post to that loop. Every CameraStream must be
/// destroyed before its library. Destruction stops the manager, which joins libcamera's thread.
///
/// Unplugs libcamera 0.0.3 does not report: only its UVC pipeline handler asks to hear of
/// them. For the others (vimc, simple, IPU3, ...) a camera whose device is unregistered stays
/// listed, libcamera's thread spins on the dead nodes, a Camera::stop() aborts the process
/// (but for the stream-off guard, stream_off_guard.h) and so does the device's return (a
/// second camera with the same id: a fatal log). So the library
/// looks every kWatchPeriod at the V4L2 and media nodes the process holds
/// (vanishedDeviceNodes()); when one is gone on two looks in a row (libcamera, when it does
/// report the unplug, has done so by then), it ends the streams of the cameras those nodes
/// were (CameraStream::nodes(), camera_nodes.h; CameraStream::detach(): stopped on the dead
/// device, which the stream-off guard makes safe), stops and releases every other stream
/// normally (CameraStream::endForRestart()), each ending with
/// the gone handler and its reason, and restarts libcamera: a fresh CameraManager lists what
/// is there now, the device can come back, and the healthy cameras can be opened again at
/// once. Those streams have to end: a CameraManager can only be stopped with no camera in use,
/// and it has to be restarted before the device returns.
class CameraLibrary {
 public:
  enum class Change { Added, Removed };
  /// Called on the loop's thread after libcamera added or removed camera `id`.
  using HotplugHandler = std::function<void(Change change, const std::string& id)>;

  /// Starts libcamera. With no camera present this succeeds, lists none and logs a warning
  /// that says so. Errors: EBUSY (another library exists), libcamera's start() errno.
  [[nodiscard]] static Result<std::unique_ptr<CameraLibrary>> start(base::EventLoop& loop);

  CameraLibrary(const CameraLibrary&) = delete;
  CameraLibrary& operator=(const CameraLibrary&) = delete;
  ~CameraLibrary();

  [[nodiscard]] base::EventLoop& loop() const { return loop_; }
  /// The cameras present now, in libcamera's order.
  [[nodiscard]] std::vector<CameraInfo> cameras() const;
  /// resolveSelector() over cameras().
  [[nodiscard]] Result<std::string> resolve(std::string_view selector) const;
  /// Replaces the hot-plug handler (none: events are only logged). Cameras present when
  /// start() returned are not reported.
  void setHotplugHandler(HotplugHandler handler);

  /// The camera with libcamera id `id`, or nullptr (for CameraStream and offeredFormats()).
  [[nodiscard]] std::shared_ptr<libcamera::Camera> camera(const std::string& id) const;

  /// CameraStream's bookkeeping: streams open on this library.
  void streamOpened(CameraStream* stream) { streams_.insert(stream); }
  void streamClosed(CameraStream* stream) { streams_.erase(stream); }

  enum class Check {
    Watch,  ///< the periodic look: acts when a node is gone on two looks in a row
    Now,    ///< before Camera::stop(): acts at once
  };
  /// Looks for vanished camera device nodes (see the class); when it acts, every stream ends
  /// (detached or stopped) and libcamera's restart is posted. Returns whether a node is gone (Now)
  /// or it acted (Watch). Nodes still gone after a restart are not libcamera's: ignored from then.
  bool checkDevices(Check check);
  /// How often the library looks at the process's camera device nodes.
  static constexpr std::chrono::milliseconds kWatchPeriod{500};

 private:
  struct Shared {
    HotplugHandler handler;
  };
  CameraLibrary(base::EventLoop& loop, std::unique_ptr<libcamera::CameraManager> manager);

  void connectSignals();
  void restart();
  void notify(Change change, const std::string& id);

  base::EventLoop& loop_;
  std::unique_ptr<libcamera::CameraManager> manager_;  ///< null when a restart failed
  std::shared_ptr<Shared> shared_;  ///< posted hot-plug work holds a weak_ptr to this
  std::set<CameraStream*> streams_;
  base::LoopHandle watch_;
  VanishTracker vanished_;
  bool restartPosted_ = false;
};

/// What camera `id` offers for a VideoRecording stream (Viewfinder when it has no such
/// role), in cameraif's terms: every pixel format the fourcc table has a V4L2 code for (others
/// are logged and skipped), its sizes (offeredSizes()), each with the rates of the camera's
/// FrameDurationLimits (frameRatesFor(); the same for every size, as libcamera reports one
/// range per camera). Bounded by proto's list limits. Errors: ENODEV unknown camera, ENOTSUP
/// when libcamera generates no configuration or nothing maps.
[[nodiscard]] Result<std::vector<proto::FormatConfig>> offeredFormats(const CameraLibrary& library,
                                                                      const std::string& id);

}  // namespace vcam::source::lc
