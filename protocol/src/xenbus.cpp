// SPDX-License-Identifier: MIT
// XenbusState names and parsing, device directory paths.
#include "vcamera/proto/xenbus.h"

#include <array>
#include <cerrno>
#include <limits>

#include "canonical_decimal.h"

namespace vcam::proto {
namespace {

constexpr std::array<std::string_view, 9> kStateNames = {
    "Unknown", "Initialising", "InitWait",      "Initialised", "Connected",
    "Closing", "Closed",       "Reconfiguring", "Reconfigured"};

// Xen's DOMID_FIRST_RESERVED: ids from here on name special domains, never a guest.
constexpr std::uint64_t kFirstReservedDomid = 0x7ff0;

}  // namespace

std::string xenbusStateName(XenbusState state) {
  const auto index = static_cast<std::size_t>(state);
  if (index < kStateNames.size()) return std::string(kStateNames[index]);
  return "state(" + std::to_string(index) + ")";
}

Result<XenbusState> parseXenbusState(std::string_view text) {
  auto value = detail::parseUnsigned(text, kStateNames.size() - 1);
  if (!value) return makeError(value.error().code, "state " + value.error().message);
  return static_cast<XenbusState>(*value);
}

std::string formatXenbusState(XenbusState state) {
  return std::to_string(static_cast<unsigned>(state));
}

std::string frontendDevicePath(std::uint16_t frontendDomid, std::uint32_t devId) {
  return "/local/domain/" + std::to_string(frontendDomid) + "/device/" + std::string(kDeviceType) +
         "/" + std::to_string(devId);
}

std::string backendRootPath(std::uint16_t backendDomid) {
  return "/local/domain/" + std::to_string(backendDomid) + "/backend/" + std::string(kDeviceType);
}

std::string backendDevicePath(std::uint16_t backendDomid, std::uint16_t frontendDomid,
                              std::uint32_t devId) {
  return backendRootPath(backendDomid) + "/" + std::to_string(frontendDomid) + "/" +
         std::to_string(devId);
}

Result<std::uint16_t> parseDomid(std::string_view text) {
  auto value = detail::parseUnsigned(text, kFirstReservedDomid - 1);
  if (!value) return makeError(value.error().code, "domain id " + value.error().message);
  return static_cast<std::uint16_t>(*value);
}

Result<std::uint32_t> parseDeviceId(std::string_view text) {
  auto value = detail::parseUnsigned(text, std::numeric_limits<std::uint32_t>::max());
  if (!value) return makeError(value.error().code, "device id " + value.error().message);
  return static_cast<std::uint32_t>(*value);
}

}  // namespace vcam::proto
