// SPDX-License-Identifier: MIT
// Collecting fired event channel ports: the step every event loop over EventChannels repeats.
#pragma once

#include <vector>

#include <vcamera/common/result.h>

#include "backend/xen/transport.h"

namespace vcam::xen {

/// Takes every port that fired (pending() until it says none) and unmasks each, so a
/// notification sent after the caller then looks at its rings is not lost. Returns the ports
/// in the order they fired (a port appears once per firing). A port that can no longer be
/// unmasked (unbound since it fired) is left out.
[[nodiscard]] Result<std::vector<Port>> takeFiredPorts(EventChannels& events);

}  // namespace vcam::xen
