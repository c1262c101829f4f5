// SPDX-License-Identifier: MIT
// waitForNode() / waitForState(): XenStore watches turned into bounded blocking waits.
#include "frontend-client/xenbus_wait.h"

#include <cerrno>

#include "backend/base/system_call.h"

namespace vcam::frontend {
namespace {

using Clock = std::chrono::steady_clock;

// Milliseconds left until `deadline` for poll(), never negative.
int millisecondsLeft(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return left.count() > 0 ? static_cast<int>(left.count()) : 0;
}

std::optional<std::string> readOptional(xen::XenStore& store, const std::string& path) {
  Result<std::string> value = store.read(xen::kNoTransaction, path);
  if (!value) return std::nullopt;
  return std::move(value).value();
}

}  // namespace

Result<std::optional<std::string>> waitForNode(
    xen::XenStore& store, const std::string& path, std::string_view what,
    const std::function<bool(const std::optional<std::string>&)>& accept,
    std::chrono::milliseconds timeout) {
  const Clock::time_point deadline = Clock::now() + timeout;
  Result<xen::XsWatch> watch = store.watch(path, "vcamera-frontend-wait");
  if (!watch) return watch.error();
  for (;;) {
    // Drain what fired, then look: the node may have changed before the watch was placed.
    for (;;) {
      Result<std::optional<xen::XsWatchEvent>> event = store.readWatch();
      if (!event) return event.error();
      if (!event->has_value()) break;
    }
    std::optional<std::string> value = readOptional(store, path);
    if (accept(value)) return value;
    Result<bool> ready = base::waitReadable(store.watchFd(), millisecondsLeft(deadline));
    if (!ready) return withContext("waiting on the XenStore watch", ready.error());
    if (!*ready) {
      return makeError(ETIMEDOUT, "timed out after " + std::to_string(timeout.count()) +
                                      " ms waiting for " + std::string(what) + " (" + path +
                                      " is " + (value ? "\"" + *value + "\"" : "absent") + ")");
    }
  }
}

Result<proto::XenbusState> waitForState(xen::XenStore& store, const std::string& statePath,
                                        std::string_view what,
                                        const std::function<bool(proto::XenbusState)>& accept,
                                        std::chrono::milliseconds timeout) {
  Result<std::optional<std::string>> value = waitForNode(
      store, statePath, what,
      [&](const std::optional<std::string>& text) {
        if (!text) return false;
        Result<proto::XenbusState> state = proto::parseXenbusState(*text);
        return state && accept(*state);
      },
      timeout);
  if (!value) return value.error();
  return proto::parseXenbusState(**value);
}

}  // namespace vcam::frontend
