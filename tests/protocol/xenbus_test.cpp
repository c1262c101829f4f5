// SPDX-License-Identifier: MIT
// XenBus conventions: state values as xenbus.h numbers them, device paths, strict id parsing.
#include "vcamera/proto/xenbus.h"

#include <gtest/gtest.h>
#include <xen/io/xenbus.h>

namespace vcam::proto {
namespace {

TEST(XenbusState, ValuesMatchXenHeader) {
  EXPECT_EQ(static_cast<int>(XenbusState::Unknown), XenbusStateUnknown);
  EXPECT_EQ(static_cast<int>(XenbusState::Initialising), XenbusStateInitialising);
  EXPECT_EQ(static_cast<int>(XenbusState::InitWait), XenbusStateInitWait);
  EXPECT_EQ(static_cast<int>(XenbusState::Initialised), XenbusStateInitialised);
  EXPECT_EQ(static_cast<int>(XenbusState::Connected), XenbusStateConnected);
  EXPECT_EQ(static_cast<int>(XenbusState::Closing), XenbusStateClosing);
  EXPECT_EQ(static_cast<int>(XenbusState::Closed), XenbusStateClosed);
  EXPECT_EQ(static_cast<int>(XenbusState::Reconfiguring), XenbusStateReconfiguring);
  EXPECT_EQ(static_cast<int>(XenbusState::Reconfigured), XenbusStateReconfigured);
}

TEST(XenbusState, RoundTripsThroughDecimalText) {
  for (int value = 0; value <= 8; ++value) {
    const auto state = static_cast<XenbusState>(value);
    auto parsed = parseXenbusState(formatXenbusState(state));
    ASSERT_TRUE(parsed) << value;
    EXPECT_EQ(*parsed, state);
  }
}

TEST(XenbusState, RejectsOutOfRangeAndNonCanonicalText) {
  for (const char* text : {"9", "", "04", "-1", " 4", "4 ", "Connected", "4294967300"}) {
    EXPECT_FALSE(parseXenbusState(text)) << text;
  }
}

TEST(XenbusState, NamesAreTotal) {
  EXPECT_EQ(xenbusStateName(XenbusState::InitWait), "InitWait");
  EXPECT_EQ(xenbusStateName(static_cast<XenbusState>(200)), "state(200)");
}

TEST(XenbusPaths, FollowTheStandardLayout) {
  EXPECT_EQ(frontendDevicePath(3, 0), "/local/domain/3/device/vcamera/0");
  EXPECT_EQ(backendRootPath(0), "/local/domain/0/backend/vcamera");
  EXPECT_EQ(backendDevicePath(0, 3, 7), "/local/domain/0/backend/vcamera/3/7");
}

TEST(XenbusIds, DomidsStopBeforeTheReservedRange) {
  EXPECT_EQ(parseDomid("0").value(), 0);
  EXPECT_EQ(parseDomid("32751").value(), 0x7fef);
  EXPECT_FALSE(parseDomid("32752"));  // DOMID_FIRST_RESERVED
  EXPECT_FALSE(parseDomid("01"));
  EXPECT_FALSE(parseDomid("x"));
}

TEST(XenbusIds, DeviceIdsAreCanonicalU32) {
  EXPECT_EQ(parseDeviceId("4294967295").value(), 4294967295u);
  EXPECT_FALSE(parseDeviceId("4294967296"));
  EXPECT_FALSE(parseDeviceId("00"));
}

}  // namespace
}  // namespace vcam::proto
