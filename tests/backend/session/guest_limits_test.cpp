// SPDX-License-Identifier: MIT
// GuestLimits: sessions admitted per guest, and one buffer budget shared by a guest's sessions.
#include "backend/session/guest_limits.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <vector>

namespace vcam::session {
namespace {

constexpr xen::DomId kGuest = 3;
constexpr xen::DomId kOtherGuest = 4;

GuestLimits::Lease admitted(GuestLimits& limits, xen::DomId guest) {
  Result<GuestLimits::Lease> lease = limits.admit(guest);
  EXPECT_TRUE(lease) << lease.error().message;
  return lease ? std::move(lease).value() : GuestLimits::Lease{};
}

TEST(GuestLimits, AdmitsUpToMaxSessionsPerGuest) {
  GuestLimits limits({2, 32});
  GuestLimits::Lease first = admitted(limits, kGuest);
  GuestLimits::Lease second = admitted(limits, kGuest);
  Result<GuestLimits::Lease> third = limits.admit(kGuest);
  ASSERT_FALSE(third);
  EXPECT_EQ(third.error().code, EBUSY);
  EXPECT_NE(third.error().message.find("max-sessions-per-guest"), std::string::npos);
}

TEST(GuestLimits, OneGuestsSessionsDoNotCountAgainstAnother) {
  GuestLimits limits({1, 32});
  GuestLimits::Lease mine = admitted(limits, kGuest);
  EXPECT_TRUE(limits.admit(kOtherGuest));
}

TEST(GuestLimits, AnEndedSessionMakesRoomForAnother) {
  GuestLimits limits({1, 32});
  { GuestLimits::Lease ended = admitted(limits, kGuest); }
  EXPECT_EQ(limits.sessionsOf(kGuest), 0u);
  EXPECT_TRUE(limits.admit(kGuest));
}

TEST(GuestLimits, BuffersAreGrantedUpToTheGuestsBudget) {
  GuestLimits limits({8, 10});
  GuestLimits::Lease lease = admitted(limits, kGuest);
  EXPECT_EQ(lease.resizeBuffers(16), 10u);
  EXPECT_EQ(limits.buffersOf(kGuest), 10u);
}

TEST(GuestLimits, ASessionGetsWhatTheGuestsOtherSessionsLeave) {
  GuestLimits limits({8, 10});
  GuestLimits::Lease first = admitted(limits, kGuest);
  GuestLimits::Lease second = admitted(limits, kGuest);
  EXPECT_EQ(first.resizeBuffers(7), 7u);
  EXPECT_EQ(second.resizeBuffers(7), 3u);
  EXPECT_EQ(second.resizeBuffers(7), 3u);  // its own 3 count as available to it
}

TEST(GuestLimits, ShrinkingOrEndingASessionReturnsItsBuffers) {
  GuestLimits limits({8, 10});
  GuestLimits::Lease second = admitted(limits, kGuest);
  {
    GuestLimits::Lease first = admitted(limits, kGuest);
    EXPECT_EQ(first.resizeBuffers(10), 10u);
    EXPECT_EQ(first.resizeBuffers(4), 4u);
    EXPECT_EQ(second.resizeBuffers(10), 6u);
  }
  EXPECT_EQ(second.resizeBuffers(10), 10u);
}

TEST(GuestLimits, AnotherGuestHasItsOwnBudget) {
  GuestLimits limits({8, 10});
  GuestLimits::Lease mine = admitted(limits, kGuest);
  GuestLimits::Lease theirs = admitted(limits, kOtherGuest);
  EXPECT_EQ(mine.resizeBuffers(10), 10u);
  EXPECT_EQ(theirs.resizeBuffers(10), 10u);
}

TEST(GuestLimits, AMovedLeaseIsReleasedOnce) {
  GuestLimits limits({8, 10});
  std::vector<GuestLimits::Lease> leases;
  leases.push_back(admitted(limits, kGuest));
  EXPECT_EQ(leases.back().resizeBuffers(4), 4u);
  GuestLimits::Lease moved = std::move(leases.back());
  leases.clear();
  EXPECT_EQ(limits.sessionsOf(kGuest), 1u);
  EXPECT_EQ(limits.buffersOf(kGuest), 4u);
}

}  // namespace
}  // namespace vcam::session
