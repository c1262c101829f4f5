// SPDX-License-Identifier: MIT
// routeLibcameraLog(): a streambuf that turns libcamera's lines into logMessage() calls.
#include "backend/source/libcamera/log_routing.h"

#include <libcamera/logging.h>

#include <cstdlib>
#include <mutex>
#include <ostream>
#include <streambuf>
#include <string>

namespace vcam::source::lc {
namespace {

constexpr std::string_view kSeverities[] = {"DEBUG", "INFO", "WARN", "ERROR", "FATAL"};

base::LogLevel levelOf(std::string_view severity) {
  if (severity == "DEBUG") return base::LogLevel::Debug;
  if (severity == "INFO") return base::LogLevel::Info;
  if (severity == "WARN") return base::LogLevel::Warning;
  return base::LogLevel::Error;
}

// Collects bytes until a newline, then logs the line. libcamera writes from several threads.
class LineRouter final : public std::streambuf {
 protected:
  int_type overflow(int_type c) override {
    if (traits_type::eq_int_type(c, traits_type::eof())) return traits_type::not_eof(c);
    const char ch = traits_type::to_char_type(c);
    xsputn(&ch, 1);
    return c;
  }

  std::streamsize xsputn(const char* data, std::streamsize count) override {
    const std::lock_guard<std::mutex> lock(mutex_);
    for (std::streamsize i = 0; i < count; ++i) {
      if (data[i] != '\n') {
        // A line longer than this is libcamera dumping something: cut it, keep going.
        if (pending_.size() < kMaxLine) pending_.push_back(data[i]);
        continue;
      }
      const RoutedLine routed = parseLibcameraLine(pending_);
      base::logMessage(routed.level, "libcamera", routed.text);
      pending_.clear();
    }
    return count;
  }

 private:
  static constexpr std::size_t kMaxLine = 4096;
  std::mutex mutex_;
  std::string pending_;
};

}  // namespace

RoutedLine parseLibcameraLine(std::string_view line) {
  // "[time] [thread] SEVERITY rest": skip the bracketed fields, then the severity word.
  std::string_view rest = line;
  for (int field = 0; field < 2; ++field) {
    const std::size_t start = rest.find_first_not_of(' ');
    if (start == std::string_view::npos || rest[start] != '[') return {base::LogLevel::Info, line};
    const std::size_t end = rest.find(']', start);
    if (end == std::string_view::npos) return {base::LogLevel::Info, line};
    rest.remove_prefix(end + 1);
  }
  const std::size_t wordStart = rest.find_first_not_of(' ');
  if (wordStart == std::string_view::npos) return {base::LogLevel::Info, line};
  rest.remove_prefix(wordStart);
  const std::string_view word = rest.substr(0, rest.find(' '));
  for (std::string_view severity : kSeverities) {
    if (word == severity) {
      rest.remove_prefix(word.size());
      const std::size_t textStart = rest.find_first_not_of(' ');
      return {levelOf(severity),
              textStart == std::string_view::npos ? std::string_view{} : rest.substr(textStart)};
    }
  }
  return {base::LogLevel::Info, line};
}

void routeLibcameraLog() {
  if (std::getenv("LIBCAMERA_LOG_FILE") != nullptr) return;  // the user chose a destination
  // Both live for the process: libcamera may log until its last thread ends.
  static LineRouter router;
  static std::ostream stream(&router);
  libcamera::logSetStream(&stream, false);
}

}  // namespace vcam::source::lc
