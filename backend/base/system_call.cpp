// SPDX-License-Identifier: MIT
// systemError() and the bounded waits.
#include "backend/base/system_call.h"

#include <poll.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <string>

namespace vcam::base {

Error systemError(std::string_view what) {
  const int code = errno;
  return makeError(code, std::string(what) + ": " + std::strerror(code));
}

Result<bool> waitReadable(int fd, int timeoutMs) {
  using Clock = std::chrono::steady_clock;
  const Clock::time_point deadline = Clock::now() + std::chrono::milliseconds(timeoutMs);
  pollfd entry{fd, POLLIN, 0};
  for (;;) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    const int ready = ::poll(&entry, 1, left > 0 ? static_cast<int>(left) : 0);
    if (ready > 0) return true;
    if (ready == 0) return false;
    if (errno != EINTR) return systemError("poll");
  }
}

Status waitReadableOrFail(int fd, int timeoutMs, std::string_view what) {
  Result<bool> ready = waitReadable(fd, timeoutMs);
  if (!ready) return ready.error();
  if (!*ready) return makeError(ETIMEDOUT, "timed out waiting for " + std::string(what));
  return {};
}

}  // namespace vcam::base
