// SPDX-License-Identifier: MIT
// libcamera's own log lines, routed into the backend's log (one format, one stream).
#pragma once

#include <string_view>

#include "backend/base/log.h"

namespace vcam::source::lc {

/// One libcamera log line ("[0:00:01.234] [42]  WARN V4L2 v4l2_device.cpp:12 text") as ours:
/// its severity and what follows it ("V4L2 v4l2_device.cpp:12 text"). A line that does not look
/// like libcamera's is kept whole, as Info.
struct RoutedLine {
  base::LogLevel level = base::LogLevel::Info;
  std::string_view text;
};
[[nodiscard]] RoutedLine parseLibcameraLine(std::string_view line);

/// From now on libcamera writes its log through logMessage(level, "libcamera", text), unless
/// the user sent it elsewhere with LIBCAMERA_LOG_FILE. Call before the CameraManager starts;
/// safe to call again. libcamera's threads may log: each line is written whole.
void routeLibcameraLog();

}  // namespace vcam::source::lc
