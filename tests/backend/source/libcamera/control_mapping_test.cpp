// SPDX-License-Identifier: MIT
// Tests of the cameraif <-> libcamera control mappings, both ways.
#include "backend/source/libcamera/control_mapping.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include <libcamera/control_ids.h>

namespace vcam::source::lc {
namespace {

using libcamera::ControlInfo;
using libcamera::ControlValue;
using proto::ControlType;

constexpr FloatRange kBrightness{-1.0F, 1.0F, 0.0F};
constexpr FloatRange kContrast{0.0F, 2.0F, 1.0F};

TEST(ControlMapping, LibcameraControlsBehindCameraifOnes) {
  EXPECT_EQ(libcameraControl(ControlType::Brightness), &libcamera::controls::Brightness);
  EXPECT_EQ(libcameraControl(ControlType::Contrast), &libcamera::controls::Contrast);
  EXPECT_EQ(libcameraControl(ControlType::Saturation), &libcamera::controls::Saturation);
  EXPECT_EQ(libcameraControl(ControlType::Hue), nullptr);  // libcamera 0.0.3 has none
}

TEST(ControlMapping, RangesScaleByAThousand) {
  EXPECT_EQ(toControlRange(ControlType::Brightness, kBrightness),
            (ControlRange{ControlType::Brightness, -1000, 1000, 1, 0, 0}));
  EXPECT_EQ(toControlRange(ControlType::Contrast, kContrast),
            (ControlRange{ControlType::Contrast, 0, 2000, 1, 1000, 0}));
}

TEST(ControlMapping, EndsAndDefaultAreExactBothWays) {
  // Ranges whose bounds are not multiples of a thousandth still come back exactly.
  const FloatRange odd{-0.3333F, 3.14159F, 0.7071F};
  for (const FloatRange& range : {kBrightness, kContrast, odd}) {
    const ControlRange ints = toControlRange(ControlType::Contrast, range);
    EXPECT_EQ(toLibcamera(ints.min, ControlType::Contrast, range).value(), range.min);
    EXPECT_EQ(toLibcamera(ints.max, ControlType::Contrast, range).value(), range.max);
    EXPECT_EQ(toLibcamera(ints.defaultValue, ControlType::Contrast, range).value(), range.def);
    EXPECT_EQ(toCameraif(range.min, range), ints.min);
    EXPECT_EQ(toCameraif(range.max, range), ints.max);
    EXPECT_EQ(toCameraif(range.def, range), ints.defaultValue);
  }
}

TEST(ControlMapping, EveryCameraifValueRoundTrips) {
  const FloatRange odd{-0.3333F, 3.14159F, 0.7071F};
  for (const FloatRange& range : {kBrightness, kContrast, odd}) {
    const ControlRange ints = toControlRange(ControlType::Brightness, range);
    for (std::int64_t v = ints.min; v <= ints.max; ++v) {
      Result<float> value = toLibcamera(v, ControlType::Brightness, range);
      ASSERT_TRUE(value) << v;
      ASSERT_GE(*value, range.min);
      ASSERT_LE(*value, range.max);
      ASSERT_EQ(toCameraif(*value, range), v);
    }
  }
}

TEST(ControlMapping, OutsideTheRangeIsErange) {
  Result<float> low = toLibcamera(-1001, ControlType::Brightness, kBrightness);
  ASSERT_FALSE(low);
  EXPECT_EQ(low.error().code, ERANGE);
  Result<float> high =
      toLibcamera(std::numeric_limits<std::int64_t>::max(), ControlType::Contrast, kContrast);
  ASSERT_FALSE(high);
  EXPECT_EQ(high.error().code, ERANGE);
}

TEST(ControlMapping, LibcameraValuesOutsideAreClamped) {
  EXPECT_EQ(toCameraif(5.0F, kBrightness), 1000);
  EXPECT_EQ(toCameraif(-5.0F, kBrightness), -1000);
  EXPECT_EQ(toCameraif(std::numeric_limits<float>::quiet_NaN(), kContrast), 1000);
  EXPECT_EQ(toCameraif(0.5F, kBrightness), 500);
}

TEST(ControlMapping, FloatRangesAreReadFromControlInfo) {
  Result<FloatRange> full =
      floatRangeOf(ControlType::Brightness,
                   ControlInfo(ControlValue(-1.0F), ControlValue(1.0F), ControlValue(0.25F)));
  ASSERT_TRUE(full);
  EXPECT_EQ(*full, (FloatRange{-1.0F, 1.0F, 0.25F}));
  // No default: libcamera's neutral value, clamped into the range.
  const float neutral =
      floatRangeOf(ControlType::Saturation, ControlInfo(ControlValue(0.0F), ControlValue(4.0F)))
          .value()
          .def;
  EXPECT_EQ(neutral, 1.0F);
  EXPECT_EQ(floatRangeOf(ControlType::Contrast, ControlInfo(ControlValue(2.0F), ControlValue(8.0F)))
                .value()
                .def,
            2.0F);
}

TEST(ControlMapping, UnusableControlInfoIsRefused) {
  Result<FloatRange> ints = floatRangeOf(
      ControlType::Brightness, ControlInfo(ControlValue(std::int32_t{0}), ControlValue(255)));
  ASSERT_FALSE(ints);
  EXPECT_EQ(ints.error().code, ENOTSUP);
  Result<FloatRange> none = floatRangeOf(ControlType::Brightness, ControlInfo{});
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code, ENOTSUP);
  Result<FloatRange> inverted =
      floatRangeOf(ControlType::Contrast, ControlInfo(ControlValue(2.0F), ControlValue(1.0F)));
  ASSERT_FALSE(inverted);
  EXPECT_EQ(inverted.error().code, EINVAL);
  Result<FloatRange> infinite = floatRangeOf(
      ControlType::Contrast,
      ControlInfo(ControlValue(0.0F), ControlValue(std::numeric_limits<float>::infinity())));
  ASSERT_FALSE(infinite);
  EXPECT_EQ(infinite.error().code, EINVAL);
}

}  // namespace
}  // namespace vcam::source::lc
