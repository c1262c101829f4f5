// SPDX-License-Identifier: MIT
// Logging: one line per message on stderr (journald records it under systemd), prefixed with
// what it is about ("dom3/vcamera0"); nothing per frame above Debug.
#pragma once

#include <string_view>

namespace vcam::base {

enum class LogLevel { Debug, Info, Warning, Error };

/// Messages below `level` are dropped (default: Info).
void setLogLevel(LogLevel level);
[[nodiscard]] LogLevel logLevel();

/// "<level>: <prefix>: <message>" as one write, so lines from several processes never mix.
void logMessage(LogLevel level, std::string_view prefix, std::string_view message);

}  // namespace vcam::base
