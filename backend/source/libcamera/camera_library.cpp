// SPDX-License-Identifier: MIT
// CameraLibrary: libcamera's CameraManager, selectors, hot-plug, and offeredFormats().
#include "backend/source/libcamera/camera_library.h"

#include <charconv>
#include <cstring>
#include <limits>
#include <utility>

#include <libcamera/camera.h>
#include <libcamera/camera_manager.h>
#include <libcamera/control_ids.h>
#include <libcamera/property_ids.h>
#include <libcamera/stream.h>

#include "backend/base/log.h"
#include "backend/source/libcamera/camera_nodes.h"
#include "backend/source/libcamera/camera_stream.h"
#include "backend/source/libcamera/device_watch.h"
#include "backend/source/libcamera/format_mapping.h"
#include "backend/source/libcamera/log_routing.h"
#include "backend/source/libcamera/stream_off_guard.h"

namespace vcam::source::lc {
namespace {

using base::LogLevel;

constexpr std::string_view kLog = "libcamera";
const std::string kFdDir = "/proc/self/fd";

// libcamera aborts when a second CameraManager is made while one exists.
std::atomic<bool> gLibraryExists{false};

std::string describe(std::span<const CameraInfo> cameras) {
  if (cameras.empty()) return "no camera found (is udev running? libcamera needs it)";
  std::string text = "cameras present:";
  for (std::size_t i = 0; i < cameras.size(); ++i) {
    text += " #" + std::to_string(i) + " '" + cameras[i].id + "'";
    if (!cameras[i].model.empty()) text += " (" + cameras[i].model + ")";
    if (i + 1 < cameras.size()) text += ",";
  }
  return text;
}

std::string locationName(std::int32_t location) {
  switch (location) {
    case libcamera::properties::CameraLocationFront:
      return "front";
    case libcamera::properties::CameraLocationBack:
      return "back";
    case libcamera::properties::CameraLocationExternal:
      return "external";
    default:
      return "";
  }
}

CameraInfo infoOf(const libcamera::Camera& camera) {
  CameraInfo info;
  info.id = camera.id();
  const libcamera::ControlList& properties = camera.properties();
  if (properties.contains(libcamera::properties::Model.id())) {
    info.model = properties.get(libcamera::properties::Model).value_or("");
  }
  if (properties.contains(libcamera::properties::Location.id())) {
    info.location = locationName(properties.get(libcamera::properties::Location).value_or(-1));
  }
  return info;
}

}  // namespace

Result<std::string> resolveSelector(std::string_view selector,
                                    std::span<const CameraInfo> cameras) {
  if (selector.starts_with(kSelectorPrefix)) selector.remove_prefix(kSelectorPrefix.size());
  if (selector.empty()) return makeError(EINVAL, "empty camera selector");
  if (selector.front() == '#') {
    const std::string_view digits = selector.substr(1);
    std::size_t index = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), index);
    if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size() ||
        (digits.size() > 1 && digits.front() == '0')) {
      return makeError(EINVAL, "camera selector '" + std::string(selector) +
                                   "': '#' must be followed by a decimal index");
    }
    if (index >= cameras.size()) {
      return makeError(ENODEV, "no camera #" + std::string(digits) + "; " + describe(cameras));
    }
    return cameras[index].id;
  }
  for (const CameraInfo& camera : cameras) {
    if (camera.id == selector) return camera.id;
  }
  return makeError(ENODEV, "no camera '" + std::string(selector) + "'; " + describe(cameras));
}

Result<std::unique_ptr<CameraLibrary>> CameraLibrary::start(base::EventLoop& loop) {
  if (gLibraryExists.exchange(true)) {
    return makeError(EBUSY,
                     "libcamera is already started in this process (it allows one CameraManager)");
  }
  routeLibcameraLog();
  if (!streamOffGuardActive()) {
    base::logMessage(LogLevel::Warning, kLog,
                     "the stream-off guard is not active in this executable: a camera stopped "
                     "just as it is unplugged may abort the process (libcamera 0.0.3)");
  }
  auto manager = std::make_unique<libcamera::CameraManager>();
  if (const int rc = manager->start(); rc < 0) {
    manager.reset();
    gLibraryExists = false;
    return makeError(
        -rc, "libcamera's camera manager did not start: " + std::string(std::strerror(-rc)));
  }
  std::unique_ptr<CameraLibrary> library(new CameraLibrary(loop, std::move(manager)));
  Result<base::LoopHandle> watch =
      loop.addTimer(kWatchPeriod, true, [raw = library.get()] { raw->checkDevices(Check::Watch); });
  if (!watch) return withContext("libcamera: the device watch", watch.error());
  library->watch_ = std::move(watch).value();
  const std::vector<CameraInfo> present = library->cameras();
  base::logMessage(
      present.empty() ? LogLevel::Warning : LogLevel::Info, kLog,
      "libcamera " + libcamera::CameraManager::version() + " started; " + describe(present));
  return library;
}

CameraLibrary::CameraLibrary(base::EventLoop& loop,
                             std::unique_ptr<libcamera::CameraManager> manager)
    : loop_(loop), manager_(std::move(manager)), shared_(std::make_shared<Shared>()) {
  connectSignals();
}

void CameraLibrary::connectSignals() {
  // libcamera's thread: post, nothing else. The weak_ptr tells late work the library is gone.
  auto forward = [this, weak = std::weak_ptr<Shared>(shared_)](Change change) {
    return [this, weak, change](std::shared_ptr<libcamera::Camera> camera) {
      loop_.post([this, weak, change, id = camera->id()] {
        if (weak.lock()) notify(change, id);
      });
    };
  };
  manager_->cameraAdded.connect(this, forward(Change::Added));
  manager_->cameraRemoved.connect(this, forward(Change::Removed));
}

void CameraLibrary::notify(Change change, const std::string& id) {
  base::logMessage(
      LogLevel::Info, kLog,
      std::string(change == Change::Added ? "camera added: '" : "camera removed: '") + id + "'");
  if (shared_ && shared_->handler) shared_->handler(change, id);
}

CameraLibrary::~CameraLibrary() {
  watch_.reset();
  if (!streams_.empty()) {
    base::logMessage(LogLevel::Error, kLog,
                     std::to_string(streams_.size()) +
                         " camera stream(s) still open while libcamera stops (a bug)");
  }
  shared_.reset();  // posted hot-plug work now finds nothing to call
  if (manager_) {
    manager_->stop();  // joins libcamera's thread: no signal is emitted after this
    manager_.reset();
  }
  gLibraryExists = false;
}

bool CameraLibrary::checkDevices(Check check) {
  const std::vector<GoneNode> gone =
      vanished_.look(vanishedDeviceNodes(kFdDir), check == Check::Now);
  if (gone.empty()) return false;
  if (restartPosted_) return true;
  restartPosted_ = true;
  std::string nodes;
  for (const GoneNode& node : gone) nodes += (nodes.empty() ? "" : ", ") + node.link;
  // The streams of the cameras the nodes were (or whose nodes are unknown) end as unplugged;
  // every other stream is stopped for the restart: a manager stops only with no camera in
  // use, and its restart must come before the device returns.
  std::vector<CameraStream*> unplugged;
  std::vector<CameraStream*> healthy;
  for (CameraStream* stream : streams_) {
    (touches(stream->nodes(), gone) ? unplugged : healthy).push_back(stream);
  }
  std::string cameras;
  for (const CameraStream* stream : unplugged) {
    cameras += (cameras.empty() ? "'" : ", '") + stream->id() + "'";
  }
  if (cameras.empty()) cameras = "a camera not in use";
  base::logMessage(LogLevel::Warning, kLog,
                   "camera device node(s) gone: " + nodes +
                       "; libcamera 0.0.3 keeps such a camera (and would abort on its return): "
                       "ending " +
                       std::to_string(unplugged.size()) + " stream(s) of " + cameras +
                       " (unplugged), stopping " + std::to_string(healthy.size()) +
                       " other(s), restarting libcamera");
  for (CameraStream* stream : unplugged) {
    if (streams_.contains(stream)) stream->detach("device node " + nodes + " gone");
  }
  const Error restarting =
      makeError(ENODEV, "libcamera restarts after " + cameras + " was unplugged (" + nodes +
                            " gone); the camera can be opened again at once");
  for (CameraStream* stream : healthy) {
    if (!streams_.contains(stream)) continue;
    // One more look right before its Camera::stop(): its device may be going too.
    if (touches(stream->nodes(), vanishedDeviceNodes(kFdDir))) {
      stream->detach("device node gone while libcamera restarts");
    } else {
      stream->endForRestart(restarting);
    }
  }
  loop_.post([this, weak = std::weak_ptr<Shared>(shared_)] {
    if (weak.lock()) restart();
  });
  return true;
}

// Every stream is detached or released (holds no Camera): the manager can stop, and frees the
// dead cameras on its own thread.
void CameraLibrary::restart() {
  restartPosted_ = false;
  const std::vector<CameraInfo> before = cameras();
  if (manager_) {
    manager_->stop();
    manager_.reset();
  }
  auto manager = std::make_unique<libcamera::CameraManager>();
  if (const int rc = manager->start(); rc < 0) {
    base::logMessage(LogLevel::Error, kLog,
                     "libcamera did not restart: " + std::string(std::strerror(-rc)) +
                         "; no libcamera camera until the backend restarts");
    for (const CameraInfo& camera : before) notify(Change::Removed, camera.id);
    return;
  }
  manager_ = std::move(manager);
  connectSignals();
  const std::vector<CameraInfo> after = cameras();
  auto has = [](const std::vector<CameraInfo>& list, const std::string& id) {
    for (const CameraInfo& camera : list) {
      if (camera.id == id) return true;
    }
    return false;
  };
  // What libcamera kept of the dead pipeline (a leaked allocator's camera) is not watched.
  vanished_.restarted(vanishedDeviceNodes(kFdDir));
  base::logMessage(LogLevel::Info, kLog, "libcamera restarted; " + describe(after));
  for (const CameraInfo& camera : before) {
    if (!has(after, camera.id)) notify(Change::Removed, camera.id);
  }
  for (const CameraInfo& camera : after) {
    if (!has(before, camera.id)) notify(Change::Added, camera.id);
  }
}

std::vector<CameraInfo> CameraLibrary::cameras() const {
  std::vector<CameraInfo> list;
  if (!manager_) return list;
  for (const std::shared_ptr<libcamera::Camera>& camera : manager_->cameras()) {
    list.push_back(infoOf(*camera));
  }
  return list;
}

Result<std::string> CameraLibrary::resolve(std::string_view selector) const {
  const std::vector<CameraInfo> present = cameras();
  return resolveSelector(selector, present);
}

void CameraLibrary::setHotplugHandler(HotplugHandler handler) {
  shared_->handler = std::move(handler);
}

std::shared_ptr<libcamera::Camera> CameraLibrary::camera(const std::string& id) const {
  if (!manager_ || restartPosted_) return nullptr;  // a camera of a dying manager: none
  return manager_->get(id);
}

Result<std::vector<proto::FormatConfig>> offeredFormats(const CameraLibrary& library,
                                                        const std::string& id) {
  const std::shared_ptr<libcamera::Camera> camera = library.camera(id);
  if (!camera) return makeError(ENODEV, "no camera '" + id + "'");
  std::unique_ptr<libcamera::CameraConfiguration> config =
      camera->generateConfiguration({libcamera::StreamRole::VideoRecording});
  if (!config || config->empty()) {
    config = camera->generateConfiguration({libcamera::StreamRole::Viewfinder});
  }
  if (!config || config->empty()) {
    return makeError(ENOTSUP, "camera '" + id + "' has no video or viewfinder stream");
  }
  std::optional<DurationLimits> limits;
  const libcamera::ControlInfoMap& controls = camera->controls();
  if (auto found = controls.find(libcamera::controls::FrameDurationLimits.id());
      found != controls.end()) {
    limits = durationLimitsOf(found->second);
  }
  const std::vector<proto::FrameRate> rates = frameRatesFor(limits);

  const libcamera::StreamFormats& formats = config->at(0).formats();
  std::vector<proto::FormatConfig> offered;
  for (const libcamera::PixelFormat& pixelFormat : formats.pixelformats()) {
    const fourcc::FormatInfo& info = toFormatInfo(pixelFormat);
    if (!info.isValid() || !proto::formatFourccNode(info.v4l2)) {
      base::logMessage(LogLevel::Debug, kLog,
                       "'" + id + "': no cameraif code for " + pixelFormat.toString());
      continue;
    }
    bool known = false;
    for (const proto::FormatConfig& format : offered) known = known || format.fourcc == info.v4l2;
    if (known || offered.size() >= proto::kMaxFormats) continue;
    const std::vector<libcamera::Size> discrete = formats.sizes(pixelFormat);
    proto::FormatConfig format{info.v4l2, {}};
    for (const proto::Resolution& size : offeredSizes(discrete, formats.range(pixelFormat))) {
      format.resolutions.push_back({size, rates});
    }
    if (!format.resolutions.empty()) offered.push_back(std::move(format));
  }
  if (offered.empty()) {
    return makeError(ENOTSUP, "camera '" + id + "' offers no format cameraif has a code for");
  }
  return offered;
}

}  // namespace vcam::source::lc
