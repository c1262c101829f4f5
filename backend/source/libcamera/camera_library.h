// SPDX-License-Identifier: MIT
// CameraLibrary: the process's one libcamera CameraManager - camera list, selectors, hot-plug,
// and what each camera offers in cameraif's terms.
#pragma once

#include <atomic>
#include <cstddef>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <vcamera/common/result.h>
#include <vcamera/proto/xenstore_schema.h>

#include "backend/base/event_loop.h"

namespace libcamera {
class Camera;
class CameraManager;
}  // namespace libcamera

namespace vcam::source::lc {

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
  void streamOpened() { ++openStreams_; }
  void streamClosed() { --openStreams_; }

 private:
  struct Shared {
    HotplugHandler handler;
  };
  CameraLibrary(base::EventLoop& loop, std::unique_ptr<libcamera::CameraManager> manager);

  base::EventLoop& loop_;
  std::unique_ptr<libcamera::CameraManager> manager_;
  std::shared_ptr<Shared> shared_;  ///< posted hot-plug work holds a weak_ptr to this
  std::size_t openStreams_ = 0;
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
