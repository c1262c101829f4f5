// SPDX-License-Identifier: MIT
// errno <-> wire status: the one mapping, checked against Xen's own errno list.
#include <gtest/gtest.h>

#include <cerrno>
#include <cstdint>

#include "vcamera/proto/errno_map.h"

namespace vcam::proto {
namespace {

// Xen's values, straight from its public header: the table is compiled, not typed.
enum XenErrno : int {
#define XEN_ERRNO(name, value) XEN_##name = value,
#include <xen/errno.h>
#undef XEN_ERRNO
};

TEST(ErrnoMap, SuccessIsZeroBothWays) {
  EXPECT_EQ(toWireStatus(0), 0);
  EXPECT_EQ(fromWireStatus(0), 0);
}

TEST(ErrnoMap, CommonErrorsBecomeNegativeXenValues) {
  EXPECT_EQ(toWireStatus(EINVAL), -XEN_EINVAL);
  EXPECT_EQ(toWireStatus(EBUSY), -XEN_EBUSY);
  EXPECT_EQ(toWireStatus(ENOMEM), -XEN_ENOMEM);
  EXPECT_EQ(toWireStatus(EOPNOTSUPP), -XEN_EOPNOTSUPP);
  EXPECT_EQ(toWireStatus(ETIMEDOUT), -XEN_ETIMEDOUT);
}

TEST(ErrnoMap, NegativeErrnoFromKernelStyleCallersMapsTheSame) {
  EXPECT_EQ(toWireStatus(-EINVAL), -XEN_EINVAL);
}

TEST(ErrnoMap, AnErrnoXenDoesNotNameBecomesEio) {
  EXPECT_EQ(toWireStatus(EHWPOISON), -XEN_EIO);
  EXPECT_EQ(toWireStatus(100000), -XEN_EIO);
}

TEST(ErrnoMap, WireStatusesMapBackToErrno) {
  EXPECT_EQ(fromWireStatus(-XEN_EINVAL), EINVAL);
  EXPECT_EQ(fromWireStatus(-XEN_ENODEV), ENODEV);
}

TEST(ErrnoMap, ImpossibleWireStatusesReadAsEio) {
  EXPECT_EQ(fromWireStatus(5), EIO) << "a positive status is a broken peer";
  EXPECT_EQ(fromWireStatus(-100000), EIO);
  EXPECT_EQ(fromWireStatus(INT32_MIN), EIO);
}

TEST(ErrnoMap, EveryXenErrnoRoundTrips) {
  int count = 0;
#define XEN_ERRNO(name, value)                                  \
  EXPECT_EQ(toWireStatus(name), -(value)) << #name;             \
  EXPECT_EQ(fromWireStatus(toWireStatus(name)), name) << #name; \
  ++count;
#include <xen/errno.h>
#undef XEN_ERRNO
  EXPECT_GT(count, 30);
}

TEST(ErrnoMap, NamesComeFromXensList) {
  EXPECT_EQ(xenErrnoName(EINVAL), "EINVAL");
  EXPECT_EQ(xenErrnoName(EHWPOISON), "");
}

}  // namespace
}  // namespace vcam::proto
