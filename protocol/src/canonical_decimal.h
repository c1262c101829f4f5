// SPDX-License-Identifier: MIT
// Canonical decimal parsing shared by the XenStore schema parsers (internal to protocol/).
#pragma once

#include <cstdint>
#include <string_view>

#include "vcamera/common/result.h"

namespace vcam::proto::detail {

/// Canonical decimal only, what a toolstack's printf("%u") writes: digits, no sign, no spaces,
/// no leading zero; at most `max`. Error texts are fragments ("'012' has a leading zero") that
/// callers put after the node name.
[[nodiscard]] Result<std::uint64_t> parseUnsigned(std::string_view text, std::uint64_t max);

}  // namespace vcam::proto::detail
