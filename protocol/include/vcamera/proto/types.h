// SPDX-License-Identifier: MIT
// Vocabulary shared by vcam::proto's wire codec and XenStore schema: fractions and controls.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "vcamera/cameraif.h"

namespace vcam::proto {

/// numerator/denominator, e.g. a frame rate of 30000/1001 frames per second.
struct Fraction {
  std::uint32_t numerator = 0;
  std::uint32_t denominator = 0;
  friend bool operator==(const Fraction&, const Fraction&) = default;
};

/// Frames per second as cameraif writes them ("30/1" in XenStore, numer/denom on the wire).
using FrameRate = Fraction;

/// The four controls cameraif knows; values are the XENCAMERA_CTRL_* codes.
enum class ControlType : std::uint8_t {
  Brightness = XENCAMERA_CTRL_BRIGHTNESS,
  Contrast = XENCAMERA_CTRL_CONTRAST,
  Saturation = XENCAMERA_CTRL_SATURATION,
  Hue = XENCAMERA_CTRL_HUE,
};

/// One control as a guest sees it (what CTRL_ENUM answers): its inclusive range, step,
/// default and XENCAMERA_CTRL_FLG_* flags.
struct ControlRange {
  ControlType type = ControlType::Brightness;
  std::int64_t min = 0;
  std::int64_t max = 0;
  std::int64_t step = 1;
  std::int64_t defaultValue = 0;
  std::uint32_t flags = 0;
  friend bool operator==(const ControlRange&, const ControlRange&) = default;
};

/// The control for a wire code, or nullopt past the last one.
[[nodiscard]] std::optional<ControlType> toControlType(std::uint8_t code);
/// "brightness", "contrast", "saturation", "hue" (the XenStore spelling).
[[nodiscard]] std::string_view controlName(ControlType type);

}  // namespace vcam::proto
