// SPDX-License-Identifier: MIT
// vcamera-backend as an operator runs it: the built binary on the emulated Xen serving a guest,
// stopping cleanly on SIGTERM, and refusing bad input with a message and an exit code.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <vcamera/proto/xenbus.h>

#include "backend/xen/emulated/emulated_xen.h"
#include "backend/xen/emulated/process.h"
#include "backend/xen/toolstack.h"
#include "frontend-client/camera_client.h"
#include "frontend-client/xenbus_wait.h"
#include "tests/support/cli_run.h"

namespace vcam::app {
namespace {

using namespace std::chrono_literals;
using proto::XenbusState;
namespace fs = std::filesystem;

constexpr xen::DomId kGuest = 3;
constexpr xen::DomId kDriverDomain = 5;

proto::FrontendConfig deviceConfig(const std::string& uniqueId) {
  proto::FrontendConfig config;
  config.uniqueId = uniqueId;
  config.maxBuffers = 2;
  config.formats = {{0x56595559, {{{640, 480}, {{30, 1}}}}}};  // in the test-pattern defaults
  return config;
}

class BackendMain : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testsupport::testDirectory("vcamera-backend");
    Result<xen::emu::BrokerProcess> broker = xen::emu::BrokerProcess::start();
    ASSERT_TRUE(broker) << broker.error().message;
    broker_ = std::move(broker).value();
    for (auto [xen, domid] :
         {std::pair{&dom0_, xen::DomId{0}}, {&guest_, kGuest}, {&driver_, kDriverDomain}}) {
      Result<xen::XenTransport> connected =
          xen::emu::connectEmulatedXen(broker_.socketPath(), domid);
      ASSERT_TRUE(connected) << connected.error().message;
      *xen = std::move(connected).value();
    }
  }
  void TearDown() override { fs::remove_all(dir_); }

  // The backend binary as the driver domain, in its own process.
  xen::emu::ChildProcess startBackend(std::vector<std::string> extra = {}) {
    std::vector<std::string> args{VCAMERA_BACKEND_BIN, "--emulated", broker_.socketPath(),
                                  "--domid", std::to_string(kDriverDomain)};
    args.insert(args.end(), extra.begin(), extra.end());
    Result<xen::emu::ChildProcess> child = xen::emu::ChildProcess::start([args] {
      std::vector<char*> argv;
      for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
      argv.push_back(nullptr);
      ::execv(argv[0], argv.data());
      return 127;
    });
    EXPECT_TRUE(child) << child.error().message;
    return child ? std::move(child).value() : xen::emu::ChildProcess{};
  }

  Result<XenbusState> backendState(std::function<bool(XenbusState)> accept) {
    return frontend::waitForState(*dom0_.store,
                                  proto::backendDevicePath(kDriverDomain, kGuest, 0) + "/state",
                                  "the backend's state", accept, 5000ms);
  }

  fs::path dir_;
  xen::emu::BrokerProcess broker_;
  xen::XenTransport dom0_, guest_, driver_;
};

TEST_F(BackendMain, ServesAGuestThenClosesEverythingOnSigterm) {
  ASSERT_TRUE(xen::attachCamera(*dom0_.store, {kGuest, kDriverDomain, 0, deviceConfig("cam0")}));
  xen::emu::ChildProcess backend = startBackend();
  Result<std::unique_ptr<frontend::CameraClient>> client =
      frontend::CameraClient::connect(guest_, {0, 5000ms});
  ASSERT_TRUE(client) << client.error().message;
  Result<proto::Response> reply =
      (*client)->callChecked(proto::Request{0, proto::Operation::ConfigGet, {}});
  ASSERT_TRUE(reply) << reply.error().message;
  EXPECT_EQ(std::get<proto::ConfigResponse>(reply->payload).width, 640u);

  ASSERT_TRUE(backend.signal(SIGTERM));
  Result<int> code = backend.wait();
  ASSERT_TRUE(code) << code.error().message;
  EXPECT_EQ(*code, 0);
  Result<XenbusState> state = backendState([](XenbusState s) { return s == XenbusState::Closed; });
  EXPECT_TRUE(state) << state.error().message;
  Result<xen::emu::BrokerReport> report = xen::emu::queryBroker(broker_.socketPath());
  ASSERT_TRUE(report);
  EXPECT_TRUE(report->violations.empty());
}

TEST_F(BackendMain, AGuestAskingForAnUnconfiguredCameraIsRefusedWithAnErrorNode) {
  const fs::path config = dir_ / "backend.toml";
  std::ofstream(config) << "[[camera]]\nunique-id = \"cam0\"\nsource = \"test-pattern\"\n";
  ASSERT_TRUE(xen::attachCamera(*dom0_.store, {kGuest, kDriverDomain, 0, deviceConfig("nope")}));
  xen::emu::ChildProcess backend = startBackend({"--config", config.string()});
  Result<std::unique_ptr<frontend::CameraClient>> client =
      frontend::CameraClient::connect(guest_, {0, 5000ms});
  ASSERT_FALSE(client);
  Result<std::string> error = dom0_.store->read(
      xen::kNoTransaction, proto::backendDevicePath(kDriverDomain, kGuest, 0) + "/error");
  ASSERT_TRUE(error);
  EXPECT_NE(error->find("no camera \"nope\""), std::string::npos) << *error;
  ASSERT_TRUE(backend.signal(SIGTERM));
  EXPECT_EQ(backend.wait().value(), 0);
}

TEST_F(BackendMain, WithNoCameraPresentALibcameraDeviceIsRefusedClearlyAndTheTestPatternServes) {
  const fs::path config = dir_ / "backend.toml";
  std::ofstream(config) << "[[camera]]\nunique-id = \"webcam\"\nsource = \"libcamera:#0\"\n"
                           "[[camera]]\nunique-id = \"bars\"\nsource = \"test-pattern\"\n";
  ASSERT_TRUE(xen::attachCamera(*dom0_.store, {kGuest, kDriverDomain, 0, deviceConfig("webcam")}));
  ASSERT_TRUE(xen::attachCamera(*dom0_.store, {kGuest, kDriverDomain, 1, deviceConfig("bars")}));
  xen::emu::ChildProcess backend = startBackend({"--config", config.string()});
  Result<std::unique_ptr<frontend::CameraClient>> webcam =
      frontend::CameraClient::connect(guest_, {0, 5000ms});
  ASSERT_FALSE(webcam);
  Result<std::string> error = dom0_.store->read(
      xen::kNoTransaction, proto::backendDevicePath(kDriverDomain, kGuest, 0) + "/error");
  ASSERT_TRUE(error);
  EXPECT_NE(error->find("no camera found"), std::string::npos) << *error;
  Result<std::unique_ptr<frontend::CameraClient>> bars =
      frontend::CameraClient::connect(guest_, {1, 5000ms});
  ASSERT_TRUE(bars) << bars.error().message;
  EXPECT_TRUE((*bars)->callChecked(proto::Request{0, proto::Operation::ConfigGet, {}}));
  ASSERT_TRUE(backend.signal(SIGTERM));
  EXPECT_EQ(backend.wait().value(), 0);
}

TEST_F(BackendMain, ABrokenConfigurationExitsWithTwoAndSaysWhere) {
  const fs::path config = dir_ / "broken.toml";
  std::ofstream(config) << "[[camera]]\nunique-id = \"cam0\"\nsorce = \"test-pattern\"\n";
  testsupport::CliRun run = testsupport::runCli(
      VCAMERA_BACKEND_BIN, {"--emulated", broker_.socketPath(), "--config", config.string()}, dir_);
  EXPECT_EQ(run.exitCode, 2);
  EXPECT_NE(run.err.find("broken.toml:3"), std::string::npos) << run.err;
}

TEST_F(BackendMain, AnUnknownOptionExitsWithTwo) {
  testsupport::CliRun run = testsupport::runCli(VCAMERA_BACKEND_BIN, {"--bogus"}, dir_);
  EXPECT_EQ(run.exitCode, 2);
  EXPECT_NE(run.err.find("--bogus"), std::string::npos) << run.err;
}

TEST_F(BackendMain, WithoutXenItSaysSoAndExitsWithOne) {
  if (fs::exists("/dev/xen")) GTEST_SKIP() << "this machine runs on Xen";
  testsupport::CliRun run = testsupport::runCli(VCAMERA_BACKEND_BIN, {}, dir_);
  EXPECT_EQ(run.exitCode, 1);
  EXPECT_NE(run.err.find("no Xen"), std::string::npos) << run.err;
}

}  // namespace
}  // namespace vcam::app
