// SPDX-License-Identifier: MIT
// The per-guest limits through the backend: a guest past max-sessions-per-guest is refused with
// an error node, and its devices share one max-buffers-per-guest budget.
#include <gtest/gtest.h>

#include <cerrno>

#include <vcamera/proto/xenbus.h>

#include "tests/backend/session/backend_harness.h"

namespace vcam::session {
namespace {

using namespace std::chrono_literals;
using proto::Operation;
using proto::Request;
using test::kGuestA;
using test::kGuestB;

constexpr std::uint32_t kNv12 = 0x3231564e;

proto::FrontendConfig cameraConfig() {
  proto::FrontendConfig config;
  config.uniqueId = "cam0";
  config.maxBuffers = 8;
  config.formats = {{kNv12, {{{64, 48}, {{30, 1}}}}}};
  return config;
}

class GuestLimitsSessionTest : public test::BackendHarness {
 protected:
  // The backend with these limits, guest A with two devices and guest B with one.
  void start(GuestLimitsConfig limits) {
    attach(kGuestA, cameraConfig(), 0);
    attach(kGuestA, cameraConfig(), 1);
    attach(kGuestB, cameraConfig(), 0);
    startBackend(test::testPatternCameras({limits, false}));
  }

  static Result<proto::BufCount> request(frontend::CameraClient& client, std::uint8_t count) {
    Result<proto::Response> reply =
        client.callChecked(Request{0, Operation::BufRequest, proto::BufCount{count}});
    if (!reply) return reply.error();
    return std::get<proto::BufCount>(reply->payload);
  }
};

TEST_F(GuestLimitsSessionTest, ADeviceBeyondMaxSessionsPerGuestIsRefusedWithAnErrorNode) {
  start({1, 32});
  auto first = connect(guestA_, 0);
  ASSERT_TRUE(first);
  Result<std::unique_ptr<frontend::CameraClient>> second =
      frontend::CameraClient::connect(guestA_, {1, 5000ms});
  ASSERT_FALSE(second);
  Result<std::string> error = dom0_.store->read(
      xen::kNoTransaction, proto::backendDevicePath(test::kDriverDomain, kGuestA, 1) + "/error");
  ASSERT_TRUE(error) << error.error().message;
  EXPECT_NE(error->find("max-sessions-per-guest"), std::string::npos) << *error;
}

TEST_F(GuestLimitsSessionTest, AnotherGuestIsServedWhenOneIsAtItsSessionLimit) {
  start({1, 32});
  auto first = connect(guestA_, 0);
  ASSERT_TRUE(first);
  auto other = connect(guestB_, 0);
  EXPECT_TRUE(other);
}

TEST_F(GuestLimitsSessionTest, AGuestsDevicesShareItsBufferBudget) {
  start({8, 6});
  auto first = connect(guestA_, 0);
  auto second = connect(guestA_, 1);
  ASSERT_TRUE(first && second);
  Result<proto::BufCount> granted = request(*first, 4);
  ASSERT_TRUE(granted) << granted.error().message;
  EXPECT_EQ(granted->numBufs, 4);
  granted = request(*second, 4);
  ASSERT_TRUE(granted) << granted.error().message;
  EXPECT_EQ(granted->numBufs, 2);
}

TEST_F(GuestLimitsSessionTest, BufRequestIsEnomemWhenTheGuestsOtherDevicesHoldEveryBuffer) {
  start({8, 4});
  auto first = connect(guestA_, 0);
  auto second = connect(guestA_, 1);
  ASSERT_TRUE(first && second);
  ASSERT_TRUE(request(*first, 4));
  Result<proto::BufCount> none = request(*second, 1);
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code, ENOMEM);
}

TEST_F(GuestLimitsSessionTest, BuffersFreedByOneDeviceCanBeRequestedByAnother) {
  start({8, 4});
  auto first = connect(guestA_, 0);
  auto second = connect(guestA_, 1);
  ASSERT_TRUE(first && second);
  ASSERT_TRUE(request(*first, 4));
  ASSERT_TRUE(request(*first, 0));
  Result<proto::BufCount> granted = request(*second, 4);
  ASSERT_TRUE(granted) << granted.error().message;
  EXPECT_EQ(granted->numBufs, 4);
}

TEST_F(GuestLimitsSessionTest, AnotherGuestsBudgetIsUntouched) {
  start({8, 4});
  auto mine = connect(guestA_, 0);
  auto theirs = connect(guestB_, 0);
  ASSERT_TRUE(mine && theirs);
  ASSERT_TRUE(request(*mine, 4));
  Result<proto::BufCount> granted = request(*theirs, 4);
  ASSERT_TRUE(granted) << granted.error().message;
  EXPECT_EQ(granted->numBufs, 4);
}

}  // namespace
}  // namespace vcam::session
