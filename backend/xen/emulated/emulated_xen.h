// SPDX-License-Identifier: MIT
// The emulated Xen's entry points for a domain (connectEmulatedXen) and for the harness
// (queryBroker). See broker.h for the design.
#pragma once

#include <string>

#include <vcamera/common/result.h>

#include "backend/xen/emulated/report.h"
#include "backend/xen/transport.h"

namespace vcam::xen::emu {

/// The four Xen handles of domain `domid`, each on its own connection to the broker at
/// `socketPath`. The first connection of a domid introduces the domain.
[[nodiscard]] Result<XenTransport> connectEmulatedXen(const std::string& socketPath, DomId domid);

/// The broker's counters and the violations it caught so far.
[[nodiscard]] Result<BrokerReport> queryBroker(const std::string& socketPath);

}  // namespace vcam::xen::emu
