// SPDX-License-Identifier: MIT
// Canonical decimal parsing shared by the XenStore schema parsers.
#include "canonical_decimal.h"

#include <algorithm>
#include <cerrno>
#include <string>

#include "vcamera/common/checked.h"
#include "vcamera/common/quote.h"

namespace vcam::proto::detail {
namespace {
bool isDigit(char c) { return c >= '0' && c <= '9'; }
bool allDigits(std::string_view text) { return std::all_of(text.begin(), text.end(), isDigit); }
}  // namespace

Result<std::uint64_t> parseUnsigned(std::string_view text, std::uint64_t max) {
  if (text.empty()) return makeError(EINVAL, "is empty");
  if (!allDigits(text)) {
    return makeError(EINVAL, quoteUntrusted(text) + " is not a decimal number (digits 0-9 only)");
  }
  if (text.size() > 1 && text[0] == '0') {
    return makeError(EINVAL, quoteUntrusted(text) + " has a leading zero (canonical decimal only)");
  }
  std::uint64_t value = 0;
  for (char c : text) {
    const auto step = checkedMul<std::uint64_t>(value, 10);
    const auto next =
        step ? checkedAdd<std::uint64_t>(*step, static_cast<std::uint64_t>(c - '0')) : std::nullopt;
    if (!next || *next > max) {
      return makeError(ERANGE, quoteUntrusted(text) + " is larger than " + std::to_string(max));
    }
    value = *next;
  }
  return value;
}

}  // namespace vcam::proto::detail
