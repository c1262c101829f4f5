// SPDX-License-Identifier: MIT
// takeFiredPorts().
#include "backend/xen/event_channel_util.h"

namespace vcam::xen {

Result<std::vector<Port>> takeFiredPorts(EventChannels& events) {
  std::vector<Port> fired;
  for (;;) {
    Result<std::optional<Port>> port = events.pending();
    if (!port) return port.error();
    if (!port->has_value()) return fired;
    // A port unbound after it fired (its session just ended) cannot be unmasked and concerns
    // nobody any more: skip it rather than lose the others.
    if (Status unmasked = events.unmask(**port); unmasked) fired.push_back(**port);
  }
}

}  // namespace vcam::xen
