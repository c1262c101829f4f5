// SPDX-License-Identifier: MIT
// logMessage(): one line, one write(2).
#include "backend/base/log.h"

#include <unistd.h>

#include <atomic>
#include <string>

namespace vcam::base {
namespace {

std::atomic<LogLevel> gLevel{LogLevel::Info};

std::string_view levelName(LogLevel level) {
  switch (level) {
    case LogLevel::Debug:
      return "debug";
    case LogLevel::Info:
      return "info";
    case LogLevel::Warning:
      return "warning";
    case LogLevel::Error:
      return "error";
  }
  return "log";
}

}  // namespace

void setLogLevel(LogLevel level) { gLevel.store(level); }
LogLevel logLevel() { return gLevel.load(); }

void logMessage(LogLevel level, std::string_view prefix, std::string_view message) {
  if (level < gLevel.load()) return;
  std::string line;
  line.reserve(prefix.size() + message.size() + 16);
  line.append(levelName(level)).append(": ");
  if (!prefix.empty()) line.append(prefix).append(": ");
  line.append(message).push_back('\n');
  (void)!::write(STDERR_FILENO, line.data(), line.size());
}

}  // namespace vcam::base
