// SPDX-License-Identifier: MIT
// Hostile text made safe for an error message: quoted, escaped and cut to a bounded length.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace vcam {

/// Messages show at most this many bytes of a value; guests can write kilobytes of anything.
inline constexpr std::size_t kQuoteLimit = 64;

/// 'text' with bytes outside printable ASCII as \xNN, and a "(N bytes, truncated)" note
/// when it is longer than kQuoteLimit.
[[nodiscard]] std::string quoteUntrusted(std::string_view text);

}  // namespace vcam
