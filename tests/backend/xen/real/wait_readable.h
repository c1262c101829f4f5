// SPDX-License-Identifier: MIT
// waitReadable(): poll one fd with a generous timeout, instead of sleeping in tests.
#pragma once

#include "backend/base/system_call.h"

namespace vcam::xen::test {

/// Generous: Xen under emulation can be slow, and a passing test never waits this long.
inline constexpr int kWaitMs = 10000;

/// True when `fd` became readable within `timeoutMs`.
inline bool waitReadable(int fd, int timeoutMs = kWaitMs) {
  Result<bool> ready = base::waitReadable(fd, timeoutMs);
  return ready && *ready;
}

}  // namespace vcam::xen::test
