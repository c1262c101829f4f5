// SPDX-License-Identifier: MIT
// Internal: names of DRM formats that have no table entry (for messages only).
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "vcamera/fourcc/format_info.h"

namespace vcam::fourcc {

struct DrmName {
  std::uint32_t code;
  std::string_view name;
};

std::span<const DrmName> drmOnlyNames();

}  // namespace vcam::fourcc
