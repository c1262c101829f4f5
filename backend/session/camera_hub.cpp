// SPDX-License-Identifier: MIT
// CameraHub: format lock, frame clock and controls shared by a camera's users.
#include "backend/session/camera_hub.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <utility>

#include <vcamera/cameraif.h>
#include <vcamera/common/fourcc_code.h>

namespace vcam::session {
namespace {

// V4L2's usual ranges for the four controls: brightness, contrast and saturation 0..255
// around the middle; hue in degrees.
constexpr std::array<ControlRange, 4> kControls = {{
    {proto::ControlType::Brightness, 0, 255, 1, 128, 0},
    {proto::ControlType::Contrast, 0, 255, 1, 128, 0},
    {proto::ControlType::Saturation, 0, 255, 1, 128, 0},
    {proto::ControlType::Hue, -180, 180, 1, 0, 0},
}};

void erase(std::vector<CameraUser*>& users, CameraUser* user) {
  users.erase(std::remove(users.begin(), users.end(), user), users.end());
}

bool contains(const std::vector<CameraUser*>& users, CameraUser* user) {
  return std::find(users.begin(), users.end(), user) != users.end();
}

}  // namespace

Result<fourcc::Layout> layoutOf(const proto::FormatChoice& format) {
  const fourcc::FormatInfo& info = fourcc::fromV4l2(format.fourcc);
  if (!info.isValid()) {
    return makeError(EINVAL, "no pixel format " + describeFourcc(format.fourcc));
  }
  return fourcc::computeLayout(info, {format.resolution.width, format.resolution.height}, 1);
}

const ControlRange& controlRange(proto::ControlType type) {
  for (const ControlRange& range : kControls) {
    if (range.type == type) return range;
  }
  return kControls.front();  // unreachable: ControlType has exactly these four values
}

CameraHub::CameraHub(std::string uniqueId, std::unique_ptr<CameraDriver> driver)
    : uniqueId_(std::move(uniqueId)), driver_(std::move(driver)) {
  driver_->onLost([this](const Error& error) { lost(error); });
}

CameraHub::~CameraHub() {
  directUser_ = nullptr;  // users are gone or going: only the camera is stopped
  halt();
}

void CameraHub::attach(CameraUser* user) {
  if (!contains(users_, user)) users_.push_back(user);
}

void CameraHub::detach(CameraUser* user) {
  stopStreaming(user);
  unlock(user);
  erase(users_, user);
}

std::optional<proto::FormatChoice> CameraHub::lockedFormat() const { return format_; }

bool CameraHub::lockedByOthers(const CameraUser* user) const {
  return std::any_of(lockers_.begin(), lockers_.end(),
                     [user](const CameraUser* other) { return other != user; });
}

Status CameraHub::lock(CameraUser* user, const proto::FormatChoice& format) {
  if (gone_) return *gone_;
  if (lockedByOthers(user) && format_ && !(*format_ == format)) {
    return makeError(EBUSY, "camera " + uniqueId_ + " is in use with another format");
  }
  if (!format_ || !(*format_ == format)) {
    if (Status configured = driver_->configure(format); !configured) {
      return withContext("camera " + uniqueId_, configured.error());
    }
    format_ = format;
  }
  if (!contains(lockers_, user)) lockers_.push_back(user);
  return {};
}

void CameraHub::unlock(CameraUser* user) {
  stopStreaming(user);
  erase(lockers_, user);
  if (lockers_.empty()) format_.reset();
}

Status CameraHub::startStreaming(CameraUser* user) {
  if (gone_) return *gone_;
  if (!contains(lockers_, user) || !format_) {
    return makeError(EINVAL, "streaming needs buffers of the camera's format first");
  }
  const bool added = !contains(streamers_, user);
  if (added) streamers_.push_back(user);
  if (Status running = updateRunning(); !running) {
    if (added) erase(streamers_, user);
    return running;
  }
  return {};
}

void CameraHub::stopStreaming(CameraUser* user) {
  erase(streamers_, user);
  (void)updateRunning();  // stopping cannot fail
}

// The camera runs exactly while someone streams: into the buffers of a user streaming alone
// when both can, else into its own with frames fanned out.
Status CameraHub::updateRunning() {
  CameraUser* alone = streamers_.size() == 1 ? streamers_.front() : nullptr;
  Mode wanted = Mode::Off;
  if (!streamers_.empty() && format_ && !gone_) {
    wanted = alone != nullptr && driver_->direct() != nullptr && alone->canCaptureDirect()
                 ? Mode::Direct
                 : Mode::Shared;
  }
  if (wanted == mode_ && (wanted != Mode::Direct || directUser_ == alone)) return {};
  halt();
  if (wanted == Mode::Off) return {};
  if (wanted == Mode::Direct && startDirect(*alone)) return {};
  // Shared, or a direct start the user or camera refused (the user was told): own buffers.
  if (Status started = driver_->start(
          [this](std::uint32_t sequence, FrameRenderer& frame) { frameReady(sequence, frame); });
      !started) {
    return withContext("camera " + uniqueId_, started.error());
  }
  mode_ = Mode::Shared;
  return {};
}

Status CameraHub::startDirect(CameraUser& user) {
  DirectCapture& camera = *driver_->direct();
  Status started = camera.startDirect(
      [this](DirectBufferId id, std::uint32_t sequence, std::uint32_t bytesUsed) {
        if (directUser_ != nullptr) directUser_->directFilled(id, sequence, bytesUsed);
      },
      [this](const Error& error) {
        if (directUser_ != nullptr) directFailed(directUser_, error);
      });
  if (started) {
    mode_ = Mode::Direct;
    directUser_ = &user;
    started = user.beginDirect(camera);
  }
  if (!started) {
    halt();
    user.directRefused(withContext("camera " + uniqueId_, started.error()));
  }
  return started;
}

void CameraHub::halt() {
  if (mode_ == Mode::Off) return;
  driver_->stop();
  mode_ = Mode::Off;
  if (CameraUser* user = std::exchange(directUser_, nullptr)) user->endDirect();
}

DirectCapture* CameraHub::directCapture() const {
  return gone_ || !format_ ? nullptr : driver_->direct();
}

void CameraHub::directFailed(CameraUser* user, const Error& error) {
  if (mode_ != Mode::Direct || directUser_ != user) return;
  halt();
  user->directRefused(withContext("camera " + uniqueId_, error));
  if (Status running = updateRunning(); !running) lost(running.error());
}

void CameraHub::frameReady(std::uint32_t sequence, FrameRenderer& frame) {
  // A user may stop streaming while it takes its frame: iterate over a copy.
  const std::vector<CameraUser*> streamers = streamers_;
  for (CameraUser* user : streamers) {
    if (contains(streamers_, user)) user->frameDue(sequence, frame);
  }
}

void CameraHub::lost(const Error& error) {
  if (gone_) return;
  gone_ = withContext("camera " + uniqueId_ + " is gone", error);
  halt();
  // Each user's device fails (later, from its own session); the list may change meanwhile.
  const std::vector<CameraUser*> users = users_;
  for (CameraUser* user : users) {
    if (contains(users_, user)) user->cameraLost(*gone_);
  }
}

std::int64_t CameraHub::control(proto::ControlType type) const {
  auto found = controls_.find(type);
  return found != controls_.end() ? found->second : controlRange(type).defaultValue;
}

Status CameraHub::setControl(CameraUser* from, proto::ControlType type, std::int64_t value) {
  const ControlRange& range = controlRange(type);
  if (value < range.min || value > range.max || (value - range.min) % range.step != 0) {
    return makeError(ERANGE, std::string(proto::controlName(type)) + " " + std::to_string(value) +
                                 " is outside " + std::to_string(range.min) + ".." +
                                 std::to_string(range.max));
  }
  if (gone_) return *gone_;
  const bool changed = control(type) != value;
  if (Status applied = driver_->setControl(type, value); !applied) return applied;
  controls_[type] = value;
  if (!changed) return {};
  const std::vector<CameraUser*> users = users_;
  for (CameraUser* user : users) {
    if (user != from && contains(users_, user)) user->controlChanged(type, value);
  }
  return {};
}

void CameraRegistry::setDrivers(const std::string& uniqueId, DriverFactory drivers) {
  cameraDrivers_[uniqueId] = std::move(drivers);
}

Result<CameraHub*> CameraRegistry::hub(const std::string& uniqueId) {
  auto found = hubs_.find(uniqueId);
  // A camera that went away may be back: a new hub tries again once the old one is unused.
  if (found != hubs_.end() && found->second->gone() && found->second->unused()) {
    hubs_.erase(found);
    found = hubs_.end();
  }
  if (found == hubs_.end()) {
    auto own = cameraDrivers_.find(uniqueId);
    const DriverFactory& drivers = own != cameraDrivers_.end() ? own->second : drivers_;
    Result<std::unique_ptr<CameraDriver>> driver = drivers(loop_, uniqueId);
    if (!driver) return withContext("camera " + uniqueId, driver.error());
    found =
        hubs_.emplace(uniqueId, std::make_unique<CameraHub>(uniqueId, std::move(driver).value()))
            .first;
  }
  return found->second.get();
}

}  // namespace vcam::session
