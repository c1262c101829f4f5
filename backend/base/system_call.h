// SPDX-License-Identifier: MIT
// System-call glue every blocking helper needs once: errno as an Error, bounded waits on an fd.
#pragma once

#include <string_view>

#include <vcamera/common/result.h>

namespace vcam::base {

/// The Error for a system call that just failed: errno and "<what>: <strerror(errno)>".
[[nodiscard]] Error systemError(std::string_view what);

/// Waits up to `timeoutMs` (0: just look) for `fd` to become readable, retrying on EINTR with
/// the time that is left. true: readable (or hung up, so a read will say why); false: timed out.
[[nodiscard]] Result<bool> waitReadable(int fd, int timeoutMs);

/// waitReadable(), with a timeout as an error: ETIMEDOUT "timed out waiting for <what>".
[[nodiscard]] Status waitReadableOrFail(int fd, int timeoutMs, std::string_view what);

}  // namespace vcam::base
