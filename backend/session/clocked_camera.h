// SPDX-License-Identifier: MIT
// A CameraDriver whose frames come from a renderer on the loop's timer: the test-pattern camera.
#pragma once

#include <functional>

#include "backend/session/camera_driver.h"

namespace vcam::session {

/// A repeating loop timer firing `rate` times a second: a camera's frame clock. EINVAL for a
/// rate with a zero part.
[[nodiscard]] Result<base::LoopHandle> startFrameClock(base::EventLoop& loop, proto::FrameRate rate,
                                                       std::function<void()> tick);

/// Cameras that tick at the configured frame rate on the loop's timer and give each frame
/// to `renderers`' renderer for the configured format. Sequence numbers rise by one per tick
/// for the camera's life (stopping and starting again does not reuse them).
[[nodiscard]] DriverFactory clockedCameras(RendererFactory renderers);

}  // namespace vcam::session
