// SPDX-License-Identifier: MIT
// openRealXen(): the whole transport over libxen*, for a backend or frontend in a Xen domain.
#pragma once

#include <optional>
#include <string_view>

#include <vcamera/common/result.h>

#include "backend/xen/real/real_event_channels.h"
#include "backend/xen/real/real_grant_sharer.h"
#include "backend/xen/real/real_grant_table.h"
#include "backend/xen/real/real_xenstore.h"
#include "backend/xen/transport.h"

namespace vcam::xen {

/// A domain id as XenStore writes it ("0".."32751", decimal, nothing else), or nullopt.
[[nodiscard]] std::optional<DomId> parseDomId(std::string_view text);

/// Opens XenStore, reads our domain id from its "domid" node, then opens event channels, the
/// grant table and the grant sharer. Fails with the first error; on a machine without Xen
/// that is openRealXenStore()'s "no Xen: ..." (ENOENT).
[[nodiscard]] Result<XenTransport> openRealXen();

}  // namespace vcam::xen
