// SPDX-License-Identifier: MIT
// waitReadable(): poll one fd with a generous timeout, instead of sleeping in tests.
#pragma once

#include <poll.h>

#include <cerrno>

namespace vcam::xen::test {

/// Generous: Xen under emulation can be slow, and a passing test never waits this long.
inline constexpr int kWaitMs = 10000;

/// True when `fd` became readable within `timeoutMs`.
inline bool waitReadable(int fd, int timeoutMs = kWaitMs) {
  pollfd entry{fd, POLLIN, 0};
  int ready = 0;
  do {
    ready = ::poll(&entry, 1, timeoutMs);
  } while (ready < 0 && errno == EINTR);
  return ready == 1 && (entry.revents & POLLIN) != 0;
}

}  // namespace vcam::xen::test
