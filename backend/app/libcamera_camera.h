// SPDX-License-Identifier: MIT
// libcamera cameras as CameraDrivers: frames captured into the camera's own buffers, copied
// (and converted when the camera cannot produce the guest's format) into each guest buffer,
// or written by the camera straight into buffers it is handed (DirectCapture, zero copy).
#pragma once

#include <vcamera/common/result.h>
#include <vcamera/fourcc/format_info.h>
#include <vcamera/fourcc/layout.h>

#include "backend/app/config/backend_config.h"
#include "backend/session/camera_driver.h"
#include "backend/source/libcamera/camera_library.h"

namespace vcam::app {

/// Drivers for the cameras `config` maps to libcamera: a hub's camera is acquired when its
/// first guest connects (ENODEV, with what libcamera has, when it is not there) and released
/// with the hub. The mapped-copy path: bytes copied per frame are the guest buffer's size.
/// direct() offers zero copy when directMatch() says the camera's frames are the guest's.
/// `library` must outlive every driver.
[[nodiscard]] session::DriverFactory libcameraCameras(source::lc::CameraLibrary& library,
                                                      const BackendConfig& config);

/// The formats tried, in order, for a guest's `wanted` one: itself, then formats cameras
/// commonly produce that convertFrame() turns into it.
[[nodiscard]] std::vector<std::uint32_t> captureCandidates(std::uint32_t wanted);

/// Whether a camera capturing `captured` laid out as `camera` (its stride, its frameSize) can
/// write straight into a guest's buffer of `guest` laid out as `guestLayout` (Linux's layout,
/// stride alignment 1, which BUF_GET_LAYOUT reports): the same FOURCC (no conversion), one
/// memory plane, every colour plane at the same offset with the same stride and lines, and the
/// guest's sizeImage holding the camera's (for compressed formats: the sizes alone). The error
/// (EINVAL) says what differs, for the log.
[[nodiscard]] Status directMatch(const fourcc::FormatInfo& guest, const fourcc::Layout& guestLayout,
                                 const fourcc::FormatInfo& captured, const fourcc::Layout& camera);

}  // namespace vcam::app
