// SPDX-License-Identifier: MIT
// probeCameraFormats(): a short-lived libcamera session on a loop of its own.
#include "camera_probe.h"

#include "backend/base/event_loop.h"
#include "backend/source/libcamera/camera_library.h"

namespace vcam::ctl {

Result<std::vector<proto::FormatConfig>> probeCameraFormats(std::string_view selector) {
  Result<std::unique_ptr<base::EventLoop>> loop = base::EventLoop::create();
  if (!loop) return loop.error();
  Result<std::unique_ptr<source::lc::CameraLibrary>> library =
      source::lc::CameraLibrary::start(**loop);
  if (!library) return withContext("libcamera", library.error());
  Result<std::string> id = (*library)->resolve(selector);
  if (!id) return id.error();
  return source::lc::offeredFormats(**library, *id);
}

}  // namespace vcam::ctl
