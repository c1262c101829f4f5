// SPDX-License-Identifier: MIT
// Several guests at once: four streaming from one shared camera and from four cameras, and a
// guest killed mid-stream while another keeps streaming. Every frame checked byte for byte.
#include <gtest/gtest.h>
#include <signal.h>

#include <vcamera/proto/xenbus.h>

#include "backend/xen/toolstack.h"
#include "tests/backend/session/backend_harness.h"
#include "tests/backend/session/streaming.h"

namespace vcam::session {
namespace {

using test::kDriverDomain;
using test::kGuestB;
using xen::emu::DomainProcess;
using xen::emu::MessagePipe;

constexpr std::uint32_t kYuyv = 0x56595559;
constexpr std::uint32_t kNv12 = 0x3231564e;
constexpr std::uint32_t kRgb24 = 0x33424752;    // 'RGB3'
constexpr std::uint32_t kYuv420m = 0x32314d59;  // 'YM12', three memory planes
constexpr xen::DomId kGuests[] = {3, 4, 6, 7};

proto::FrontendConfig cameraConfig(const std::string& uniqueId, std::uint32_t fourcc) {
  proto::FrontendConfig config;
  config.uniqueId = uniqueId;
  config.maxBuffers = 4;
  config.formats = {{fourcc, {{{64, 48}, {{200, 1}}}}}};
  return config;
}

class MultiGuestTest : public test::BackendHarness {};

TEST_F(MultiGuestTest, FourGuestsStreamFromOneSharedCamera) {
  for (xen::DomId guest : kGuests) {
    this->guest(guest);  // the domains exist before the toolstack attaches
    attach(guest, cameraConfig("cam0", kYuyv));
  }
  startBackend(test::testPatternCameras());
  std::vector<std::unique_ptr<frontend::CameraClient>> clients;
  std::vector<proto::BufLayout> layouts;
  for (xen::DomId guest : kGuests) {
    clients.push_back(connect(this->guest(guest)));
    ASSERT_TRUE(clients.back());
    Result<proto::BufLayout> layout = test::startStreaming(*clients.back(), kYuyv, 64, 48, 2);
    ASSERT_TRUE(layout) << layout.error().message;
    layouts.push_back(*layout);
  }
  for (std::size_t i = 0; i < clients.size(); ++i) {
    test::expectTestPatternFrames(*clients[i], layouts[i], kYuyv, 64, 48, 2, 5);
  }
}

TEST_F(MultiGuestTest, FourGuestsStreamFromFourCamerasInFourFormats) {
  const std::uint32_t formats[] = {kYuyv, kNv12, kRgb24, kYuv420m};
  for (std::size_t i = 0; i < 4; ++i) {
    guest(kGuests[i]);
    attach(kGuests[i], cameraConfig("cam" + std::to_string(i), formats[i]));
  }
  startBackend(test::testPatternCameras());
  std::vector<std::unique_ptr<frontend::CameraClient>> clients;
  std::vector<proto::BufLayout> layouts;
  for (std::size_t i = 0; i < 4; ++i) {
    clients.push_back(connect(guest(kGuests[i])));
    ASSERT_TRUE(clients.back());
    Result<proto::BufLayout> layout = test::startStreaming(*clients.back(), formats[i], 64, 48, 3);
    ASSERT_TRUE(layout) << layout.error().message;
    layouts.push_back(*layout);
  }
  EXPECT_EQ(layouts[3].numPlanes, 3);  // YUV420M: one memory plane per colour plane
  for (std::size_t i = 0; i < 4; ++i) {
    test::expectTestPatternFrames(*clients[i], layouts[i], formats[i], 64, 48, 3, 5);
  }
}

TEST_F(MultiGuestTest, AGuestKilledMidStreamIsCleanedUpWhileAnotherStreamsOn) {
  constexpr xen::DomId kDoomed = 8;
  Result<MessagePipe> pipe = MessagePipe::create();
  ASSERT_TRUE(pipe);
  MessagePipe::End& child = pipe->child();
  // The doomed guest lives in its own process: it streams, then stops reading and is killed.
  Result<DomainProcess> doomed =
      DomainProcess::start(broker_.socketPath(), kDoomed, [&child](xen::XenTransport& xen) {
        if (!child.send("alive") || !child.receive()) return 1;
        auto client = frontend::CameraClient::connect(xen, {0, test::kWait});
        if (!client) return 2;
        if (!test::startStreaming(**client, kYuyv, 64, 48, 2)) return 3;
        if (!(*client)->waitEvent()) return 4;
        (void)child.send("streaming");
        (void)child.receive(60000);  // until killed
        return 0;
      });
  ASSERT_TRUE(doomed);
  ASSERT_TRUE(pipe->parent().receive());
  attach(kDoomed, cameraConfig("cam0", kYuyv));
  attach(kGuestB, cameraConfig("cam0", kYuyv));
  startBackend(test::testPatternCameras());
  auto survivor = connect(guestB_);
  ASSERT_TRUE(survivor);
  Result<proto::BufLayout> layout = test::startStreaming(*survivor, kYuyv, 64, 48, 2);
  ASSERT_TRUE(layout) << layout.error().message;
  ASSERT_TRUE(pipe->parent().send("go"));
  ASSERT_TRUE(pipe->parent().receive());

  ASSERT_EQ(::kill(doomed->pid(), SIGKILL), 0);
  ASSERT_TRUE(doomed->wait());
  expectBackendState(kDoomed, proto::XenbusState::Closed);
  test::expectTestPatternFrames(*survivor, *layout, kYuyv, 64, 48, 2, 5);
  const xen::emu::BrokerReport broker = report();
  for (const auto& violation : broker.violations) ADD_FAILURE() << violation.message;
}

}  // namespace
}  // namespace vcam::session
