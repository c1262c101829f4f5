// SPDX-License-Identifier: MIT
// Pure mappings between cameraif's int64 controls and libcamera's float controls, both ways.
#pragma once

#include <cstdint>
#include <optional>

#include <libcamera/controls.h>

#include <vcamera/common/result.h>
#include <vcamera/proto/types.h>

namespace vcam::source::lc {

/// One cameraif control as the guest sees it.
using ControlRange = proto::ControlRange;

/// A libcamera float control's range and default, as the camera reports them.
struct FloatRange {
  float min = 0.0F;
  float max = 0.0F;
  float def = 0.0F;
  friend bool operator==(const FloatRange&, const FloatRange&) = default;
};

/// cameraif units per libcamera unit: brightness -1.0..1.0 is -1000..1000, contrast and
/// saturation 0.0..2.0 (1.0 = unchanged) are 0..2000, in steps of 1 (a thousandth).
inline constexpr double kControlScale = 1000.0;

/// The libcamera control behind a cameraif control: controls::Brightness, Contrast,
/// Saturation; nullptr for Hue, which libcamera 0.0.3 does not define.
[[nodiscard]] const libcamera::Control<float>* libcameraControl(proto::ControlType type);

/// libcamera's neutral value of a control (its documentation's "no change"): brightness 0,
/// contrast and saturation 1.
[[nodiscard]] float neutralValue(proto::ControlType type);

/// A ControlInfo read as a float range: ENOTSUP unless min and max are single floats; a
/// missing default is the neutral value clamped into the range; EINVAL when a bound is not
/// finite, min > max, or min/max scaled do not fit in int64.
[[nodiscard]] Result<FloatRange> floatRangeOf(proto::ControlType type,
                                              const libcamera::ControlInfo& info);

/// The cameraif range of `range`: min, max and default are each value * kControlScale
/// rounded to the nearest, step 1, flags 0.
[[nodiscard]] ControlRange toControlRange(proto::ControlType type, const FloatRange& range);

/// A libcamera value in cameraif units (rounded, clamped into the cameraif range).
[[nodiscard]] std::int64_t toCameraif(float value, const FloatRange& range);

/// A cameraif value for libcamera: ERANGE outside toControlRange(range). The ends and the
/// default give exactly range.min, range.max and range.def; anything else value /
/// kControlScale, clamped into [min, max]. toCameraif(toLibcamera(v)) == v for every v in range.
[[nodiscard]] Result<float> toLibcamera(std::int64_t value, proto::ControlType type,
                                        const FloatRange& range);

}  // namespace vcam::source::lc
