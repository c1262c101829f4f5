// SPDX-License-Identifier: MIT
// libcamera cameras as CameraDrivers: frames captured into the camera's own buffers, copied
// (and converted when the camera cannot produce the guest's format) into each guest buffer.
#pragma once

#include "backend/app/config/backend_config.h"
#include "backend/session/camera_driver.h"
#include "backend/source/libcamera/camera_library.h"

namespace vcam::app {

/// Drivers for the cameras `config` maps to libcamera: a hub's camera is acquired when its
/// first guest connects (ENODEV, with what libcamera has, when it is not there) and released
/// with the hub. The mapped-copy path: bytes copied per frame are the guest buffer's size.
/// `library` must outlive every driver.
[[nodiscard]] session::DriverFactory libcameraCameras(source::lc::CameraLibrary& library,
                                                      const BackendConfig& config);

/// The formats tried, in order, for a guest's `wanted` one: itself, then formats cameras
/// commonly produce that convertFrame() turns into it.
[[nodiscard]] std::vector<std::uint32_t> captureCandidates(std::uint32_t wanted);

}  // namespace vcam::app
