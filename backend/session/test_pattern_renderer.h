// SPDX-License-Identifier: MIT
// The built-in test-pattern camera as a RendererFactory for CameraHub.
#pragma once

#include "backend/session/camera_driver.h"

namespace vcam::session {

/// Renderers that draw vcam::source::TestPattern frames (every uncompressed table format, and
/// MJPEG) straight into the guest's buffer: nothing is copied.
[[nodiscard]] RendererFactory testPatternRenderers();

}  // namespace vcam::session
