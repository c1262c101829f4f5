// SPDX-License-Identifier: MIT
// quoteUntrusted(): escaping and truncating untrusted text for messages.
#include "vcamera/common/quote.h"

#include <algorithm>
#include <array>
#include <cstdio>

namespace vcam {

std::string quoteUntrusted(std::string_view text) {
  std::string out = "'";
  const std::size_t shown = std::min(text.size(), kQuoteLimit);
  for (std::size_t i = 0; i < shown; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else {
      std::array<char, 5> hex{};
      std::snprintf(hex.data(), hex.size(), "\\x%02x", c);
      out += hex.data();
    }
  }
  out += "'";
  if (shown < text.size()) out += " (" + std::to_string(text.size()) + " bytes, truncated)";
  return out;
}

}  // namespace vcam
