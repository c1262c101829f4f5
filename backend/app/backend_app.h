// SPDX-License-Identifier: MIT
// The vcamera-backend program as a function: options in, exit code out.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "backend/base/log.h"

namespace vcam::app {

struct BackendOptions {
  std::optional<std::string> configPath;      ///< TOML file; none: the defaults
  std::optional<std::string> emulatedSocket;  ///< the emulated Xen's broker instead of real Xen
  std::uint16_t domid = 0;                    ///< our domain id on the emulated Xen
  base::LogLevel logLevel = base::LogLevel::Info;
};

/// Exit codes: 0 after a clean stop (SIGTERM/SIGINT), 1 when Xen (or the broker) cannot be
/// reached or the loop fails, 2 for a bad configuration.
inline constexpr int kExitOk = 0;
inline constexpr int kExitRuntime = 1;
inline constexpr int kExitConfig = 2;

/// Serves every vcamera device XenStore assigns to this domain until SIGTERM or SIGINT, then
/// closes every session (each frontend sees Closed) and releases every grant. Tells systemd
/// READY=1 once serving (Type=notify) and STOPPING=1 when asked to stop.
[[nodiscard]] int runBackend(const BackendOptions& options);

}  // namespace vcam::app
