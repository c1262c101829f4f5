// SPDX-License-Identifier: MIT
// Blocking waits on XenStore for the frontend client: until a node satisfies a predicate.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include <vcamera/common/result.h>
#include <vcamera/proto/xenbus.h>

#include "backend/xen/transport.h"

namespace vcam::frontend {

/// Waits (poll on the store's watch fd, no sleeping) until `accept` returns true for the
/// value of `path` (nullopt when the node is absent), for at most `timeout`. Returns the
/// accepted value; ETIMEDOUT naming `what` otherwise. The watch is registered for the call only.
[[nodiscard]] Result<std::optional<std::string>> waitForNode(
    xen::XenStore& store, const std::string& path, std::string_view what,
    const std::function<bool(const std::optional<std::string>&)>& accept,
    std::chrono::milliseconds timeout);

/// waitForNode() on a "state" node until it holds one of the states `accept` allows.
[[nodiscard]] Result<proto::XenbusState> waitForState(
    xen::XenStore& store, const std::string& statePath, std::string_view what,
    const std::function<bool(proto::XenbusState)>& accept, std::chrono::milliseconds timeout);

}  // namespace vcam::frontend
