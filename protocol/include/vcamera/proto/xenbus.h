// SPDX-License-Identifier: MIT
// XenBus conventions cameraif relies on: the device state node and where each end's directory is.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "vcamera/common/result.h"

namespace vcam::proto {

/// xen/io/xenbus.h's XenbusState, with the same values (written in decimal in "state").
enum class XenbusState : std::uint8_t {
  Unknown = 0,
  Initialising = 1,
  InitWait = 2,
  Initialised = 3,
  Connected = 4,
  Closing = 5,
  Closed = 6,
  Reconfiguring = 7,
  Reconfigured = 8,
};

/// "Initialising", "InitWait", ...; "state(<n>)" for a value outside the enum.
[[nodiscard]] std::string xenbusStateName(XenbusState state);
/// A "state" node's value: canonical decimal 0..8.
[[nodiscard]] Result<XenbusState> parseXenbusState(std::string_view text);
[[nodiscard]] std::string formatXenbusState(XenbusState state);

/// Standard node names in both device directories.
inline constexpr std::string_view kStateNode = "state";
inline constexpr std::string_view kBackendNode = "backend";
inline constexpr std::string_view kBackendIdNode = "backend-id";
inline constexpr std::string_view kFrontendNode = "frontend";
inline constexpr std::string_view kFrontendIdNode = "frontend-id";
/// The xenbus device type of a virtual camera (XENCAMERA_DRIVER_NAME).
inline constexpr std::string_view kDeviceType = "vcamera";

/// /local/domain/<fe>/device/vcamera/<dev>: the frontend's device directory.
[[nodiscard]] std::string frontendDevicePath(std::uint16_t frontendDomid, std::uint32_t devId);
/// /local/domain/<be>/backend/vcamera: where the toolstack adds one entry per frontend domain.
[[nodiscard]] std::string backendRootPath(std::uint16_t backendDomid);
/// /local/domain/<be>/backend/vcamera/<fe>/<dev>: the backend's device directory.
[[nodiscard]] std::string backendDevicePath(std::uint16_t backendDomid, std::uint16_t frontendDomid,
                                            std::uint32_t devId);

/// A domain id as written in a path or a "*-id" node: canonical decimal below DOMID_FIRST_RESERVED
/// (0x7ff0).
[[nodiscard]] Result<std::uint16_t> parseDomid(std::string_view text);
/// A device id directory name: canonical decimal, any u32.
[[nodiscard]] Result<std::uint32_t> parseDeviceId(std::string_view text);

}  // namespace vcam::proto
