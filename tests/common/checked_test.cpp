// SPDX-License-Identifier: MIT
// Overflow-checked arithmetic used on guest-supplied sizes.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

#include "vcamera/common/checked.h"

namespace vcam {
namespace {

constexpr auto kMax32 = std::numeric_limits<std::uint32_t>::max();

TEST(Checked, AddReportsOverflowInsteadOfWrapping) {
  EXPECT_EQ(checkedAdd<std::uint32_t>(1, 2), 3u);
  EXPECT_EQ(checkedAdd<std::uint32_t>(kMax32, 1), std::nullopt);
}

TEST(Checked, MulReportsOverflowInsteadOfWrapping) {
  EXPECT_EQ(checkedMul<std::uint32_t>(65536, 65535), 65536u * 65535u);
  EXPECT_EQ(checkedMul<std::uint32_t>(65536, 65536), std::nullopt);
}

TEST(Checked, DivRoundUpHandlesTheTopOfTheRange) {
  EXPECT_EQ(divRoundUp<std::uint32_t>(4097, 4096), 2u);
  EXPECT_EQ(divRoundUp<std::uint32_t>(4096, 4096), 1u);
  EXPECT_EQ(divRoundUp<std::uint32_t>(0, 4096), 0u);
  EXPECT_EQ(divRoundUp<std::uint32_t>(kMax32, 4096), 1048576u);
}

TEST(Checked, AlignUpReportsOverflowAndZeroAlignment) {
  EXPECT_EQ(checkedAlignUp<std::uint32_t>(641, 64), 704u);
  EXPECT_EQ(checkedAlignUp<std::uint32_t>(640, 64), 640u);
  EXPECT_EQ(checkedAlignUp<std::uint32_t>(641, 3), 642u);
  EXPECT_EQ(checkedAlignUp<std::uint32_t>(kMax32, 64), std::nullopt);
  EXPECT_EQ(checkedAlignUp<std::uint32_t>(1, 0), std::nullopt);
}

}  // namespace
}  // namespace vcam
