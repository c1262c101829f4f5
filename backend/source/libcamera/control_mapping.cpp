// SPDX-License-Identifier: MIT
// cameraif int64 controls <-> libcamera float controls.
#include "backend/source/libcamera/control_mapping.h"

#include <algorithm>
#include <cmath>
#include <string>

#include <libcamera/control_ids.h>

namespace vcam::source::lc {
namespace {

// Largest |value| whose scaled form we accept: far beyond any control, and exact in double.
constexpr double kMaxMagnitude = 1e12;

std::int64_t scaled(float value) {
  return static_cast<std::int64_t>(std::llround(static_cast<double>(value) * kControlScale));
}

std::string name(proto::ControlType type) { return std::string(proto::controlName(type)); }

}  // namespace

const libcamera::Control<float>* libcameraControl(proto::ControlType type) {
  switch (type) {
    case proto::ControlType::Brightness:
      return &libcamera::controls::Brightness;
    case proto::ControlType::Contrast:
      return &libcamera::controls::Contrast;
    case proto::ControlType::Saturation:
      return &libcamera::controls::Saturation;
    case proto::ControlType::Hue:
      return nullptr;
  }
  return nullptr;
}

float neutralValue(proto::ControlType type) {
  return type == proto::ControlType::Brightness ? 0.0F : 1.0F;
}

Result<FloatRange> floatRangeOf(proto::ControlType type, const libcamera::ControlInfo& info) {
  auto isFloat = [](const libcamera::ControlValue& value) {
    return value.type() == libcamera::ControlTypeFloat && !value.isArray();
  };
  if (!isFloat(info.min()) || !isFloat(info.max())) {
    return makeError(ENOTSUP, name(type) + ": the camera's range is not a float range");
  }
  FloatRange range{info.min().get<float>(), info.max().get<float>(), 0.0F};
  auto bad = [](float v) {
    return !std::isfinite(v) || std::fabs(static_cast<double>(v)) > kMaxMagnitude;
  };
  if (bad(range.min) || bad(range.max) || range.min > range.max) {
    return makeError(EINVAL, name(type) + ": the camera reports an unusable range " +
                                 std::to_string(range.min) + ".." + std::to_string(range.max));
  }
  const float def = isFloat(info.def()) ? info.def().get<float>() : neutralValue(type);
  range.def = std::isfinite(def) ? std::clamp(def, range.min, range.max)
                                 : std::clamp(neutralValue(type), range.min, range.max);
  return range;
}

ControlRange toControlRange(proto::ControlType type, const FloatRange& range) {
  return ControlRange{type, scaled(range.min), scaled(range.max), 1, scaled(range.def), 0};
}

std::int64_t toCameraif(float value, const FloatRange& range) {
  const ControlRange ints = toControlRange(proto::ControlType::Brightness, range);
  if (!std::isfinite(value)) return ints.defaultValue;
  return std::clamp(scaled(std::clamp(value, range.min, range.max)), ints.min, ints.max);
}

Result<float> toLibcamera(std::int64_t value, proto::ControlType type, const FloatRange& range) {
  const ControlRange ints = toControlRange(type, range);
  if (value < ints.min || value > ints.max) {
    return makeError(ERANGE, name(type) + " " + std::to_string(value) + " is outside " +
                                 std::to_string(ints.min) + ".." + std::to_string(ints.max));
  }
  if (value == ints.min) return range.min;
  if (value == ints.max) return range.max;
  if (value == ints.defaultValue) return range.def;
  const auto converted = static_cast<float>(static_cast<double>(value) / kControlScale);
  return std::clamp(converted, range.min, range.max);
}

}  // namespace vcam::source::lc
