// SPDX-License-Identifier: MIT
// CLI11 for our command-line programs (only they include it; they link CLI11). GCC 12 at -O2
// reports a false "potential null pointer dereference" inside libstdc++'s string moves as CLI11's
// helpers inline them; the warning is silenced for CLI11's header alone.
#pragma once

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnull-dereference"
#include <CLI/CLI.hpp>
#pragma GCC diagnostic pop
