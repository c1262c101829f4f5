// SPDX-License-Identifier: MIT
// Result<T> and Status: a value or an error, never both.
#include <gtest/gtest.h>

#include <string>

#include "vcamera/common/result.h"

namespace vcam {
namespace {

Result<int> half(int n) {
  if (n % 2 != 0) return makeError(EINVAL, std::to_string(n) + " is odd");
  return n / 2;
}

TEST(Result, HoldsTheValueOnSuccess) {
  auto r = half(8);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, 4);
}

TEST(Result, HoldsCodeAndMessageOnFailure) {
  auto r = half(3);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, EINVAL);
  EXPECT_EQ(r.error().message, "3 is odd");
}

TEST(Result, StatusIsOkByDefaultAndCarriesAnError) {
  Status fine;
  EXPECT_TRUE(fine.ok());
  Status bad = makeError(EBUSY, "streaming");
  EXPECT_EQ(bad.error().code, EBUSY);
}

TEST(ResultDeathTest, ReadingTheValueOfAFailureIsAProgrammerBug) {
  EXPECT_DEATH({ (void)*half(3); }, "");
}

}  // namespace
}  // namespace vcam
