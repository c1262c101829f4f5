// SPDX-License-Identifier: MIT
// vcamera-ctl's arguments turned into values: domain and device ids, `--format` specs, and the
// whole device an `attach` writes (formats from --format, --config or the test-pattern list).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <vcamera/common/result.h>
#include <vcamera/proto/xenstore_schema.h>

#include "backend/xen/toolstack.h"

namespace vcam::ctl {

/// `attach`'s options as typed (empty string / vector = not given).
struct AttachArguments {
  std::string frontend;
  std::string backend;
  std::string dev = "0";
  std::string uniqueId;
  std::vector<std::string> formats;  ///< each FOURCC:WxH@N/D[,N/D...]
  std::string maxBuffers = "4";
  std::string controls;  ///< comma list; "" = none
  bool beAlloc = false;
  std::string configFile;  ///< vcamera-backend's configuration, to take formats from
};

/// A domain id: canonical decimal below DOMID_FIRST_RESERVED. `option` names it in errors.
[[nodiscard]] Result<xen::DomId> parseDomainOption(std::string_view option, std::string_view text);
/// A device id (`--dev`): canonical decimal u32.
[[nodiscard]] Result<std::uint32_t> parseDevOption(std::string_view text);

/// Adds one `--format FOURCC:WxH@N/D[,N/D...]` to `formats` (a FOURCC given again gains sizes;
/// a size given again is an error: put all its rates in one spec).
[[nodiscard]] Status addFormatSpec(std::vector<proto::FormatConfig>& formats,
                                   std::string_view spec);

/// The device `attach` writes. Formats: the --format specs; else, with --config, the camera's
/// list from the backend configuration; else the test-pattern camera's list. With --config the
/// unique-id must be served by that configuration and every --format tuple allowed by it.
/// Every error is EINVAL-like and reads as a message for the command line.
[[nodiscard]] Result<xen::CameraDevice> buildDevice(const AttachArguments& arguments);

}  // namespace vcam::ctl
