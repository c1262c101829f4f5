// SPDX-License-Identifier: MIT
// Test helper: render one test-pattern frame of a named format into a guarded TargetFrame.
#pragma once

#include <gtest/gtest.h>

#include <optional>
#include <string_view>

#include "backend/source/test_pattern.h"
#include "target_frame.h"

namespace vcam::source::testing {

struct Rendered {
  TargetFrame frame;
  std::size_t used = 0;
};

/// Renders frame `sequence` of `name` at `size`; a failed step is a test failure and nullopt.
inline std::optional<Rendered> renderFrame(std::string_view name, fourcc::Size size,
                                           std::uint32_t sequence, std::uint32_t align = 1,
                                           std::byte fill = std::byte{0x5a}) {
  const fourcc::FormatInfo& format = fourcc::fromName(name);
  auto layout = fourcc::computeLayout(format, size, align);
  if (!layout) {
    ADD_FAILURE() << name << ": " << layout.error().message;
    return std::nullopt;
  }
  auto pattern = TestPattern::create(format, *layout);
  if (!pattern) {
    ADD_FAILURE() << name << ": " << pattern.error().message;
    return std::nullopt;
  }
  Rendered out{TargetFrame(*layout, fill), 0};
  auto used = pattern->render(sequence, out.frame.spans());
  if (!used) {
    ADD_FAILURE() << name << ": " << used.error().message;
    return std::nullopt;
  }
  out.used = *used;
  return out;
}

}  // namespace vcam::source::testing
