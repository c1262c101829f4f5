// SPDX-License-Identifier: MIT
// Optimal-string-alignment distance and the close-match list built on it.
#include "backend/app/config/text_match.h"

#include <algorithm>
#include <utility>

namespace vcam::app {
namespace {

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// Texts longer than this are not words anyone mistyped; comparing them would only cost time.
constexpr std::size_t kMaxCompared = 64;

}  // namespace

std::size_t editDistance(std::string_view a, std::string_view b) {
  a = a.substr(0, kMaxCompared);
  b = b.substr(0, kMaxCompared);
  // Three rows of the dynamic-programming table: two back for the swap rule.
  std::vector<std::size_t> before(b.size() + 1), previous(b.size() + 1), current(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) previous[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    current[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t cost = lower(a[i - 1]) == lower(b[j - 1]) ? 0 : 1;
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost});
      if (i > 1 && j > 1 && lower(a[i - 1]) == lower(b[j - 2]) &&
          lower(a[i - 2]) == lower(b[j - 1])) {
        current[j] = std::min(current[j], before[j - 2] + 1);
      }
    }
    before.swap(previous);
    previous.swap(current);
  }
  return previous[b.size()];
}

std::vector<std::string> closestMatches(std::string_view text,
                                        std::span<const std::string> candidates,
                                        std::size_t limit) {
  const std::size_t threshold = std::max<std::size_t>(2, text.size() / 3);
  std::vector<std::pair<std::size_t, std::string>> scored;
  for (const std::string& candidate : candidates) {
    if (candidate == text) continue;
    const std::size_t distance = editDistance(text, candidate);
    const bool seen = std::any_of(scored.begin(), scored.end(),
                                  [&](const auto& s) { return s.second == candidate; });
    if (distance <= threshold && !seen) scored.emplace_back(distance, candidate);
  }
  std::stable_sort(scored.begin(), scored.end(),
                   [](const auto& x, const auto& y) { return x.first < y.first; });
  std::vector<std::string> out;
  for (std::size_t i = 0; i < scored.size() && i < limit; ++i) out.push_back(scored[i].second);
  return out;
}

}  // namespace vcam::app
