// SPDX-License-Identifier: MIT
// What a libcamera camera in this domain offers, for `attach --config` when the backend's
// configuration leaves a camera's formats to the camera itself.
#pragma once

#include <string_view>
#include <vector>

#include <vcamera/common/result.h>
#include <vcamera/proto/xenstore_schema.h>

namespace vcam::ctl {

/// Starts libcamera, finds the camera `selector` names (a libcamera id or "#N") and returns
/// the formats, sizes and rates it offers, within cameraif's limits. ENODEV (saying which
/// cameras there are, or that there are none) when it is not here.
[[nodiscard]] Result<std::vector<proto::FormatConfig>> probeCameraFormats(
    std::string_view selector);

}  // namespace vcam::ctl
