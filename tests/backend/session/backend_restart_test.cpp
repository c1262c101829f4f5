// SPDX-License-Identifier: MIT
// The backend restarted under a streaming guest - stopped cleanly, or killed - and the guest,
// told by the backend's new state, reconnects and streams again.
#include <gtest/gtest.h>
#include <signal.h>

#include <cerrno>

#include "tests/backend/session/backend_harness.h"
#include "tests/backend/session/streaming.h"

namespace vcam::session {
namespace {

using test::kGuestA;

constexpr std::uint32_t kYuyv = 0x56595559;

class BackendRestartTest : public test::BackendHarness {
 protected:
  void SetUp() override {
    BackendHarness::SetUp();
    proto::FrontendConfig config;
    config.uniqueId = "cam0";
    config.maxBuffers = 4;
    config.formats = {{kYuyv, {{{64, 48}, {{200, 1}}}}}};
    attach(kGuestA, config);
    startBackend(test::testPatternCameras());
    client_ = connect(guestA_);
    ASSERT_TRUE(client_);
    streamSomeFrames();
  }

  void streamSomeFrames() {
    Result<proto::BufLayout> layout = test::startStreaming(*client_, kYuyv, 64, 48, 2);
    ASSERT_TRUE(layout) << layout.error().message;
    EXPECT_EQ(test::expectTestPatternFrames(*client_, *layout, kYuyv, 64, 48, 2, 3).size(), 3u);
  }

  // The guest's next wait ends with ECONNRESET: the backend it streamed from is gone.
  void expectConnectionReset() {
    Result<proto::Event> event = client_->waitEvent();
    while (event) event = client_->waitEvent();  // frames already on their way may come first
    EXPECT_EQ(event.error().code, ECONNRESET) << event.error().message;
  }

  std::unique_ptr<frontend::CameraClient> client_;
};

TEST_F(BackendRestartTest, AGuestStreamsAgainAfterTheBackendStopsAndStarts) {
  ASSERT_TRUE(control_.parent().send("stop"));
  ASSERT_EQ(backend_.wait().value(), 0);
  startBackend(test::testPatternCameras());
  expectConnectionReset();
  Status rejoined = client_->reconnect();
  ASSERT_TRUE(rejoined) << rejoined.error().message;
  streamSomeFrames();
  for (const auto& violation : report().violations) ADD_FAILURE() << violation.message;
}

TEST_F(BackendRestartTest, AGuestStreamsAgainAfterTheBackendIsKilledAndStarted) {
  ASSERT_EQ(::kill(backend_.pid(), SIGKILL), 0);
  ASSERT_TRUE(backend_.wait());
  startBackend(test::testPatternCameras());
  expectConnectionReset();
  Status rejoined = client_->reconnect();
  ASSERT_TRUE(rejoined) << rejoined.error().message;
  streamSomeFrames();
  for (const auto& violation : report().violations) ADD_FAILURE() << violation.message;
}

}  // namespace
}  // namespace vcam::session
