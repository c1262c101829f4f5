// SPDX-License-Identifier: MIT
// Compares two compiled ABI tables entry by entry and describes every difference.
#pragma once

#include <string>
#include <vector>

#include "abi_entry.h"

namespace vcam::test {

/// One line per difference, e.g. "MISMATCH field xencamera_config_req.width: offset 12 vs 16".
std::vector<std::string> compareAbiTables(const vcam_abi_table& expected, const char* expectedName,
                                          const vcam_abi_table& actual, const char* actualName);

}  // namespace vcam::test
