// SPDX-License-Identifier: MIT
// BackendService over the emulated Xen: devices found at start and hot-plugged, guests served,
// reconnects, several guests at once, a guest that dies, a guest that breaks its ring.
#include "backend/session/backend_service.h"

#include <gtest/gtest.h>

#include <signal.h>

#include <chrono>

#include <vcamera/proto/errno_map.h>
#include <vcamera/proto/xenbus.h>

#include "backend/base/event_loop.h"
#include "backend/xen/emulated/emulated_xen.h"
#include "backend/xen/emulated/process.h"
#include "backend/xen/toolstack.h"
#include "frontend-client/camera_client.h"
#include "frontend-client/xenbus_wait.h"
#include "tests/backend/session/backend_harness.h"

namespace vcam::session {
namespace {

using namespace std::chrono_literals;
using proto::XenbusState;
using test::kGuestA;
using test::kGuestB;
using xen::emu::DomainProcess;
using xen::emu::MessagePipe;

// The handler the tests' backend runs: CONFIG_GET answers 640x480, the rest is refused. (The
// camera operations have their own tests; these are about the session around them.)
class ConfigOnlyHandler final : public RequestHandler {
 public:
  proto::Response handle(const proto::Request& request) override {
    proto::Response reply;
    if (request.operation != proto::Operation::ConfigGet) {
      reply.status = proto::toWireStatus(EOPNOTSUPP);
      return reply;
    }
    proto::ConfigResponse config;
    config.pixelFormat = 0x56595559;
    config.width = 640;
    config.height = 480;
    config.frameRate = {30, 1};
    reply.payload = config;
    return reply;
  }
};

proto::FrontendConfig config() {
  proto::FrontendConfig c;
  c.uniqueId = "cam0";
  c.maxBuffers = 4;
  c.formats = {{0x56595559, {{{640, 480}, {{30, 1}}}}}};
  return c;
}

class BackendServiceTest : public test::BackendHarness {
 protected:
  void attach(xen::DomId guest) { BackendHarness::attach(guest, config()); }
  void startBackend() {
    BackendHarness::startBackend([](base::EventLoop&, xen::XenTransport&) -> HandlerFactory {
      return [](const ConnectionContext&) -> Result<std::unique_ptr<RequestHandler>> {
        return std::unique_ptr<RequestHandler>(new ConfigOnlyHandler);
      };
    });
  }

  static void expectServed(frontend::CameraClient& client) {
    Result<proto::Response> reply =
        client.callChecked(proto::Request{0, proto::Operation::ConfigGet, {}});
    ASSERT_TRUE(reply) << reply.error().message;
    EXPECT_EQ(std::get<proto::ConfigResponse>(reply->payload).width, 640u);
  }
};

TEST_F(BackendServiceTest, ADeviceAttachedBeforeStartIsServed) {
  attach(kGuestA);
  startBackend();
  auto client = connect(guestA_);
  ASSERT_TRUE(client);
  expectServed(*client);
  EXPECT_EQ(client->version(), "1");
}

TEST_F(BackendServiceTest, ADeviceAttachedWhileRunningIsServed) {
  startBackend();
  attach(kGuestA);
  auto client = connect(guestA_);
  ASSERT_TRUE(client);
  expectServed(*client);
}

TEST_F(BackendServiceTest, AGuestThatDisconnectsCanConnectAgain) {
  attach(kGuestA);
  startBackend();
  auto first = connect(guestA_);
  ASSERT_TRUE(first);
  ASSERT_TRUE(first->disconnect());
  first.reset();
  auto second = connect(guestA_);
  ASSERT_TRUE(second);
  expectServed(*second);
  EXPECT_TRUE(report().violations.empty());
}

TEST_F(BackendServiceTest, TwoGuestsAreServedAtOnce) {
  attach(kGuestA);
  attach(kGuestB);
  startBackend();
  auto a = connect(guestA_);
  auto b = connect(guestB_);
  ASSERT_TRUE(a && b);
  expectServed(*a);
  expectServed(*b);
  expectServed(*a);
}

TEST_F(BackendServiceTest, AGuestKilledMidSessionIsCleanedUpAndOthersCarryOn) {
  attach(kGuestA);
  attach(kGuestB);
  startBackend();
  auto b = connect(guestB_);
  ASSERT_TRUE(b);
  // Guest A lives in its own process and dies without a word once connected.
  Result<MessagePipe> pipe = MessagePipe::create();
  ASSERT_TRUE(pipe);
  MessagePipe::End& child = pipe->child();
  Result<DomainProcess> guest =
      DomainProcess::start(broker_.socketPath(), kGuestA, [&child](xen::XenTransport& xen) {
        auto client = frontend::CameraClient::connect(xen, {});
        if (!client) return 1;
        (void)child.send("connected");
        (void)child.receive();  // until killed
        return 0;
      });
  ASSERT_TRUE(guest);
  ASSERT_TRUE(pipe->parent().receive());
  guestA_ = {};  // our own handles of domain 3 go too, so the domain dies with the process
  ASSERT_EQ(::kill(guest->pid(), SIGKILL), 0);
  ASSERT_TRUE(guest->wait());
  expectBackendState(kGuestA, XenbusState::Closed);
  EXPECT_EQ(report().count(xen::emu::ViolationKind::UnshareWhileMapped), 0u);
  expectServed(*b);
}

TEST_F(BackendServiceTest, AGuestThatCorruptsItsRingIsDisconnectedAndOthersCarryOn) {
  attach(kGuestA);
  attach(kGuestB);
  startBackend();
  auto a = connect(guestA_);
  auto b = connect(guestB_);
  ASSERT_TRUE(a && b);
  // req_prod a thousand requests ahead of anything answered: no ring holds that many.
  auto* ring = reinterpret_cast<xen_cameraif_sring*>(a->requestRingPage().data());
  __atomic_store_n(&ring->req_prod, ring->rsp_prod + 1000, __ATOMIC_RELEASE);
  ASSERT_TRUE(a->notifyRequestChannel());
  expectBackendState(kGuestA, XenbusState::Closed);
  Result<std::string> error = dom0_.store->read(
      xen::kNoTransaction, proto::backendDevicePath(test::kDriverDomain, kGuestA, 0) + "/error");
  ASSERT_TRUE(error) << error.error().message;
  EXPECT_NE(error->find("req_prod"), std::string::npos) << *error;
  expectServed(*b);
}

// XenStore that drops watch events to the driver domain beyond `eventsPerChange` per change,
// as xenstored does to unprivileged domains past their quotas.
class LossyXenStoreTest : public BackendServiceTest {
 protected:
  explicit LossyXenStoreTest(std::size_t eventsPerChange) {
    brokerOptions_.quota.lossyDomain = test::kDriverDomain;
    brokerOptions_.quota.maxEventsPerChange = eventsPerChange;
  }

  // The backend's state of each of guest A's devices 0..count-1, once all say `expected` (or
  // `wait` has passed).
  std::vector<XenbusState> backendStates(std::uint32_t count, XenbusState expected,
                                         std::chrono::milliseconds wait) {
    std::vector<XenbusState> states;
    for (std::uint32_t dev = 0; dev < count; ++dev) {
      Result<XenbusState> state = frontend::waitForState(
          *dom0_.store, proto::backendDevicePath(test::kDriverDomain, kGuestA, dev) + "/state",
          "the backend's state", [&](XenbusState s) { return s == expected; }, wait);
      states.push_back(state ? *state : XenbusState::Unknown);
    }
    return states;
  }

  // The toolstack removes all of guest A's cameras in one change, as removing a dead
  // domain's XenStore directory does.
  void removeGuestACameras() {
    Status removed = dom0_.store->remove(
        xen::kNoTransaction, "/local/domain/" + std::to_string(kGuestA) + "/device/vcamera");
    ASSERT_TRUE(removed) << removed.error().message;
  }
};

class OneEventPerChangeTest : public LossyXenStoreTest {
 protected:
  OneEventPerChangeTest() : LossyXenStoreTest(1) {}
};

TEST_F(OneEventPerChangeTest, OneEventOfAGuestHasEveryDeviceOfItLookAgain) {
  for (std::uint32_t dev = 0; dev < 3; ++dev) BackendHarness::attach(kGuestA, config(), dev);
  startBackend();
  std::vector<std::unique_ptr<frontend::CameraClient>> clients;
  for (std::uint32_t dev = 0; dev < 3; ++dev) clients.push_back(connect(guestA_, dev));
  for (const auto& client : clients) ASSERT_TRUE(client);
  removeGuestACameras();  // three frontends gone, one event delivered
  const std::vector<XenbusState> closed(3, XenbusState::Closed);
  // Well within the sweep's interval: the one event did it.
  EXPECT_EQ(backendStates(3, XenbusState::Closed, std::chrono::milliseconds(kSweepInterval) / 2),
            closed);
}

class NoEventsTest : public LossyXenStoreTest {
 protected:
  NoEventsTest() : LossyXenStoreTest(0) {}
};

TEST_F(NoEventsTest, AFrontendThatVanishedWithoutAnEventIsFoundByTheSweep) {
  attach(kGuestA);
  startBackend();  // found by the root watch's first event, which is never dropped
  // Without events the backend sees the frontend's Initialised at its next sweep.
  Result<std::unique_ptr<frontend::CameraClient>> client =
      frontend::CameraClient::connect(guestA_, {0, 3 * kSweepInterval});
  ASSERT_TRUE(client) << client.error().message;
  removeGuestACameras();
  EXPECT_EQ(backendStates(1, XenbusState::Closed, 3 * kSweepInterval),
            std::vector<XenbusState>{XenbusState::Closed});
}

}  // namespace
}  // namespace vcam::session
