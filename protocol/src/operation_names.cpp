// SPDX-License-Identifier: MIT
// Names of cameraif operations, events and controls for logs and messages.
#include <array>
#include <cstdio>

#include "vcamera/proto/wire.h"

namespace vcam::proto {
namespace {

constexpr std::array<std::string_view, kOperationCount> kOperationNames = {
    "CONFIG_SET",  "CONFIG_GET", "CONFIG_VALIDATE", "FRAME_RATE_SET", "BUF_GET_LAYOUT",
    "BUF_REQUEST", "BUF_CREATE", "BUF_DESTROY",     "BUF_QUEUE",      "BUF_DEQUEUE",
    "CTRL_ENUM",   "CTRL_SET",   "CTRL_GET",        "STREAM_START",   "STREAM_STOP",
};
static_assert(XENCAMERA_OP_STREAM_STOP + 1 == kOperationCount, "operation codes are 0..14");

constexpr std::array<std::string_view, XENCAMERA_MAX_CTRL> kControlNames = {
    XENCAMERA_CTRL_BRIGHTNESS_STR, XENCAMERA_CTRL_CONTRAST_STR, XENCAMERA_CTRL_SATURATION_STR,
    XENCAMERA_CTRL_HUE_STR};

}  // namespace

std::optional<Operation> toOperation(std::uint8_t code) {
  if (code >= kOperationCount) return std::nullopt;
  return static_cast<Operation>(code);
}

std::string_view operationName(Operation op) {
  const auto index = static_cast<std::size_t>(op);
  return index < kOperationNames.size() ? kOperationNames[index] : "invalid operation";
}

std::string operationName(std::uint8_t code) {
  if (auto op = toOperation(code)) return std::string(operationName(*op));
  std::array<char, 32> text{};
  std::snprintf(text.data(), text.size(), "unknown operation 0x%02x", code);
  return text.data();
}

std::string_view eventName(EventType type) {
  return type == EventType::FrameAvail ? "FRAME_AVAIL" : "CTRL_CHANGE";
}

std::string_view controlName(ControlType type) {
  // Total, because an enum can hold any byte cast into it.
  const auto index = static_cast<std::size_t>(type);
  return index < kControlNames.size() ? kControlNames[index] : "invalid control";
}

std::optional<ControlType> toControlType(std::uint8_t code) {
  if (code >= XENCAMERA_MAX_CTRL) return std::nullopt;
  return static_cast<ControlType>(code);
}

}  // namespace vcam::proto
