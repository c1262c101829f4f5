// SPDX-License-Identifier: MIT
// clockedCameras(): a renderer per configured format, a loop timer per running camera.
#include "backend/session/clocked_camera.h"

#include <cerrno>
#include <chrono>

#include "backend/session/camera_hub.h"

namespace vcam::session {
namespace {

class ClockedCamera final : public CameraDriver {
 public:
  ClockedCamera(base::EventLoop& loop, RendererFactory renderers)
      : loop_(loop), renderers_(std::move(renderers)) {}

  Status configure(const proto::FormatChoice& format) override {
    Result<fourcc::Layout> layout = layoutOf(format);
    if (!layout) return layout.error();
    Result<std::unique_ptr<FrameRenderer>> renderer =
        renderers_(fourcc::fromV4l2(format.fourcc), *layout);
    if (!renderer) return renderer.error();
    stop();
    renderer_ = std::move(renderer).value();
    rate_ = format.frameRate;
    return {};
  }

  Status start(FrameReady ready) override {
    if (!renderer_ || rate_.numerator == 0 || rate_.denominator == 0) {
      return makeError(EINVAL, "the camera has no format to run at");
    }
    ready_ = std::move(ready);
    if (clock_.active()) return {};
    Result<base::LoopHandle> timer = startFrameClock(loop_, rate_, [this] { tick(); });
    if (!timer) return timer.error();
    clock_ = std::move(timer).value();
    return {};
  }

  void stop() override { clock_.reset(); }

  Status setControl(proto::ControlType /*type*/, std::int64_t /*value*/) override {
    return {};  // the test pattern draws the same picture whatever the controls say
  }

  void onLost(Lost /*lost*/) override {}  // a timer is never unplugged

 private:
  void tick() {
    const std::uint32_t sequence = sequence_++;
    if (ready_ && renderer_) ready_(sequence, *renderer_);
  }

  base::EventLoop& loop_;
  RendererFactory renderers_;
  std::unique_ptr<FrameRenderer> renderer_;
  proto::FrameRate rate_{};
  FrameReady ready_;
  base::LoopHandle clock_;
  std::uint32_t sequence_ = 0;
};

}  // namespace

Result<base::LoopHandle> startFrameClock(base::EventLoop& loop, proto::FrameRate rate,
                                         std::function<void()> tick) {
  if (rate.numerator == 0 || rate.denominator == 0) {
    return makeError(EINVAL, "a frame rate of " + std::to_string(rate.numerator) + "/" +
                                 std::to_string(rate.denominator) + " has no period");
  }
  const auto period = std::chrono::nanoseconds(
      static_cast<std::int64_t>(1'000'000'000ULL * rate.denominator / rate.numerator));
  return loop.addTimer(period, true, std::move(tick));
}

DriverFactory clockedCameras(RendererFactory renderers) {
  return [renderers = std::move(renderers)](
             base::EventLoop& loop,
             const std::string& /*uniqueId*/) -> Result<std::unique_ptr<CameraDriver>> {
    return std::unique_ptr<CameraDriver>(new ClockedCamera(loop, renderers));
  };
}

}  // namespace vcam::session
