// SPDX-License-Identifier: MIT
// CameraHub: format lock, frame clock and controls shared by a camera's users.
#include "backend/session/camera_hub.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>

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
  if (lockedByOthers(user) && format_ && !(*format_ == format)) {
    return makeError(EBUSY, "camera " + uniqueId_ + " is in use with another format");
  }
  if (!format_ || !(*format_ == format)) {
    Result<fourcc::Layout> layout = layoutOf(format);
    if (!layout) return layout.error();
    Result<std::unique_ptr<FrameRenderer>> renderer =
        renderers_(fourcc::fromV4l2(format.fourcc), *layout);
    if (!renderer) return renderer.error();
    renderer_ = std::move(renderer).value();
    format_ = format;
    updateClock();
  }
  if (!contains(lockers_, user)) lockers_.push_back(user);
  return {};
}

void CameraHub::unlock(CameraUser* user) {
  stopStreaming(user);
  erase(lockers_, user);
  if (lockers_.empty()) {
    format_.reset();
    renderer_.reset();
  }
}

Status CameraHub::startStreaming(CameraUser* user) {
  if (!contains(lockers_, user) || !format_) {
    return makeError(EINVAL, "streaming needs buffers of the camera's format first");
  }
  if (!contains(streamers_, user)) streamers_.push_back(user);
  updateClock();
  return {};
}

void CameraHub::stopStreaming(CameraUser* user) {
  erase(streamers_, user);
  updateClock();
}

void CameraHub::updateClock() {
  if (streamers_.empty() || !format_) {
    clock_.reset();
    return;
  }
  if (clock_.active()) return;
  const proto::FrameRate rate = format_->frameRate;
  const auto period = std::chrono::nanoseconds(
      static_cast<std::int64_t>(1'000'000'000ULL * rate.denominator / rate.numerator));
  Result<base::LoopHandle> timer = loop_.addTimer(period, true, [this] { tick(); });
  if (timer) clock_ = std::move(timer).value();
}

void CameraHub::tick() {
  const std::uint32_t sequence = sequence_++;
  // A user may stop streaming while it takes its frame: iterate over a copy.
  const std::vector<CameraUser*> streamers = streamers_;
  for (CameraUser* user : streamers) {
    if (renderer_ && contains(streamers_, user)) user->frameDue(sequence, *renderer_);
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
  const bool changed = control(type) != value;
  controls_[type] = value;
  if (!changed) return {};
  const std::vector<CameraUser*> users = users_;
  for (CameraUser* user : users) {
    if (user != from && contains(users_, user)) user->controlChanged(type, value);
  }
  return {};
}

void CameraRegistry::setRenderers(const std::string& uniqueId, RendererFactory renderers) {
  cameraRenderers_[uniqueId] = std::move(renderers);
}

CameraHub& CameraRegistry::hub(const std::string& uniqueId) {
  auto found = hubs_.find(uniqueId);
  if (found == hubs_.end()) {
    auto own = cameraRenderers_.find(uniqueId);
    const RendererFactory& renderers = own != cameraRenderers_.end() ? own->second : renderers_;
    found = hubs_.emplace(uniqueId, std::make_unique<CameraHub>(loop_, uniqueId, renderers)).first;
  }
  return *found->second;
}

}  // namespace vcam::session
