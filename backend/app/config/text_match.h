// SPDX-License-Identifier: MIT
// "Did you mean ...?": the candidates closest to a mistyped word, for configuration messages.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace vcam::app {

/// Edit distance counting an insertion, deletion, substitution or swap of two neighbours as one
/// (optimal string alignment), ignoring ASCII case.
[[nodiscard]] std::size_t editDistance(std::string_view a, std::string_view b);

/// Up to `limit` candidates within a third of `text`'s length (at least 2) edits of it, closest
/// first, ties in candidate order; never `text` itself.
[[nodiscard]] std::vector<std::string> closestMatches(std::string_view text,
                                                      std::span<const std::string> candidates,
                                                      std::size_t limit);

}  // namespace vcam::app
