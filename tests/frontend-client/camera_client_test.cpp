// SPDX-License-Identifier: MIT
// The frontend client against a scripted backend in another process, over the emulated Xen:
// handshake, replies by id, buffers in both allocation modes, event order, clean teardown.
#include "frontend-client/camera_client.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <optional>

#include <vcamera/proto/xenbus.h>

#include "backend/xen/emulated/emulated_xen.h"
#include "backend/xen/emulated/process.h"
#include "backend/xen/ring/page_directory.h"
#include "backend/xen/toolstack.h"
#include "tests/frontend-client/scripted_backend.h"

namespace vcam::frontend {
namespace {

using xen::emu::BrokerProcess;
using xen::emu::DomainProcess;

constexpr xen::DomId kGuest = 3;
constexpr xen::DomId kDriverDomain = 5;  // a backend that is not dom0, as in a driver domain
constexpr std::uint32_t kSmallBuffer = 3 * 4096 + 100;

proto::FrontendConfig cameraConfig(bool beAlloc) {
  proto::FrontendConfig config;
  config.beAlloc = beAlloc;
  config.uniqueId = "cam0";
  config.maxBuffers = 4;
  config.formats = {{0x56595559, {{{640, 480}, {{30, 1}}}}}};
  return config;
}

proto::BufLayout layoutOf(std::uint32_t size) {
  proto::BufLayout layout;
  layout.numPlanes = 1;
  layout.size = size;
  layout.planeSize[0] = size;
  layout.planeStride[0] = 1280;
  return layout;
}

class CameraClientTest : public ::testing::Test {
 protected:
  // A broker, the toolstack (dom0) attaching the camera, and the scripted backend running as
  // the driver domain. The guest side runs in this process.
  void start(bool beAlloc, std::uint32_t bufferSize) {
    Result<BrokerProcess> broker = BrokerProcess::start();
    ASSERT_TRUE(broker) << broker.error().message;
    broker_ = std::move(broker).value();
    Result<xen::XenTransport> dom0 = xen::emu::connectEmulatedXen(broker_.socketPath(), 0);
    ASSERT_TRUE(dom0) << dom0.error().message;
    dom0_ = std::move(dom0).value();
    Result<xen::XenTransport> guest = xen::emu::connectEmulatedXen(broker_.socketPath(), kGuest);
    ASSERT_TRUE(guest) << guest.error().message;
    guest_ = std::move(guest).value();
    // The driver domain must exist before the toolstack writes under its home.
    Result<xen::XenTransport> driver =
        xen::emu::connectEmulatedXen(broker_.socketPath(), kDriverDomain);
    ASSERT_TRUE(driver) << driver.error().message;
    driverHandle_ = std::move(driver).value();
    Status attached =
        xen::attachCamera(*dom0_.store, {kGuest, kDriverDomain, 0, cameraConfig(beAlloc)});
    ASSERT_TRUE(attached) << attached.error().message;
    const test::ScriptedDevice device{kGuest, 0, beAlloc, bufferSize};
    Result<DomainProcess> backend = DomainProcess::start(
        broker_.socketPath(), kDriverDomain,
        [device](xen::XenTransport& xen) { return test::runScriptedBackend(xen, device); });
    ASSERT_TRUE(backend) << backend.error().message;
    backend_ = std::move(backend).value();
    Result<std::unique_ptr<CameraClient>> client = CameraClient::connect(guest_, {});
    ASSERT_TRUE(client) << client.error().message;
    client_ = std::move(client).value();
  }

  // Disconnects, lets the backend finish and checks the emulated Xen saw nothing wrong.
  void finishCleanly() {
    Status done = client_->disconnect();
    EXPECT_TRUE(done) << done.error().message;
    Result<int> code = backend_.wait();
    ASSERT_TRUE(code) << code.error().message;
    EXPECT_EQ(*code, 0);
    Result<xen::emu::BrokerReport> report = xen::emu::queryBroker(broker_.socketPath());
    ASSERT_TRUE(report) << report.error().message;
    for (const auto& violation : report->violations) ADD_FAILURE() << violation.message;
    EXPECT_EQ(report->mappingsActive, 0u);
  }

  BrokerProcess broker_;
  xen::XenTransport dom0_;
  xen::XenTransport guest_;
  xen::XenTransport driverHandle_;
  DomainProcess backend_;
  std::unique_ptr<CameraClient> client_;
};

TEST_F(CameraClientTest, ConnectingReadsTheConfigurationAndNegotiatesVersionOne) {
  start(false, kSmallBuffer);
  EXPECT_EQ(client_->config(), cameraConfig(false));
  EXPECT_EQ(client_->version(), "1");
  EXPECT_EQ(client_->backendDomid(), kDriverDomain);
  Result<std::string> state =
      guest_.store->read(xen::kNoTransaction, client_->deviceDirectory() + "/state");
  ASSERT_TRUE(state);
  EXPECT_EQ(*state, proto::formatXenbusState(proto::XenbusState::Connected));
  finishCleanly();
}

TEST_F(CameraClientTest, ARequestGetsTheReplyWithItsId) {
  start(false, kSmallBuffer);
  Result<proto::Response> reply =
      client_->callChecked(proto::Request{0, proto::Operation::ConfigGet, {}});
  ASSERT_TRUE(reply) << reply.error().message;
  const auto& config = std::get<proto::ConfigResponse>(reply->payload);
  EXPECT_EQ(config.width, 640u);
  EXPECT_EQ(config.height, 480u);
  finishCleanly();
}

TEST_F(CameraClientTest, AnUndecodableRequestGetsAnErrorStatusNotSilence) {
  start(false, kSmallBuffer);
  xencamera_req packet{};
  packet.id = 77;
  packet.operation = 0x7f;
  Result<xencamera_resp> reply = client_->callRaw(packet);
  ASSERT_TRUE(reply) << reply.error().message;
  EXPECT_EQ(reply->id, 77);
  EXPECT_LT(reply->status, 0);
  finishCleanly();
}

TEST_F(CameraClientTest, FrontendAllocatedBufferIsTheMemoryTheBackendWrites) {
  start(false, kSmallBuffer);
  Status created = client_->createBuffer(2, layoutOf(kSmallBuffer), {});
  ASSERT_TRUE(created) << created.error().message;
  std::span<std::byte> bytes = client_->bufferBytes(2);
  ASSERT_EQ(bytes.size(), kSmallBuffer);
  EXPECT_TRUE(std::all_of(bytes.begin(), bytes.end(),
                          [](std::byte b) { return b == test::fillByteFor(2); }));
  Status destroyed = client_->destroyBuffer(2);
  EXPECT_TRUE(destroyed) << destroyed.error().message;
  finishCleanly();
}

TEST_F(CameraClientTest, BufferLargerThanOneDirectoryPageUsesAChainedDirectory) {
  const std::uint32_t size = (xen::kRefsPerDirectoryPage + 2) * 4096;
  start(false, size);
  Status created = client_->createBuffer(0, layoutOf(size), {});
  ASSERT_TRUE(created) << created.error().message;
  std::span<std::byte> bytes = client_->bufferBytes(0);
  ASSERT_EQ(bytes.size(), size);
  EXPECT_EQ(bytes.back(), test::fillByteFor(0));
  finishCleanly();
}

TEST_F(CameraClientTest, BeAllocBufferIsTheBackendsMemoryMappedByTheGuest) {
  start(true, kSmallBuffer);
  Status created = client_->createBuffer(1, layoutOf(kSmallBuffer), {});
  ASSERT_TRUE(created) << created.error().message;
  std::span<std::byte> bytes = client_->bufferBytes(1);
  ASSERT_EQ(bytes.size(), kSmallBuffer);
  EXPECT_TRUE(std::all_of(bytes.begin(), bytes.end(),
                          [](std::byte b) { return b == test::fillByteFor(1); }));
  Status destroyed = client_->destroyBuffer(1);
  EXPECT_TRUE(destroyed) << destroyed.error().message;
  finishCleanly();
}

TEST_F(CameraClientTest, EventsArriveInOrderWithIdsWithoutGaps) {
  start(false, kSmallBuffer);
  for (std::uint8_t index = 0; index < 3; ++index) {
    Status created = client_->createBuffer(index, layoutOf(kSmallBuffer), {});
    ASSERT_TRUE(created) << created.error().message;
  }
  ASSERT_TRUE(client_->callChecked(proto::Request{0, proto::Operation::StreamStart, {}}));
  for (std::uint16_t expected = 0; expected < 3; ++expected) {
    Result<proto::Event> event = client_->waitEvent();
    ASSERT_TRUE(event) << event.error().message;
    EXPECT_EQ(event->id, expected);
    const auto& frame = std::get<proto::FrameAvail>(event->payload);
    EXPECT_EQ(frame.index, expected);
    EXPECT_EQ(frame.seqNum, expected);
  }
  finishCleanly();
}

TEST_F(CameraClientTest, DisconnectingTwiceIsHarmless) {
  start(false, kSmallBuffer);
  finishCleanly();
  EXPECT_TRUE(client_->disconnect());
}

}  // namespace
}  // namespace vcam::frontend
