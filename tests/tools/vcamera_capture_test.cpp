// SPDX-License-Identifier: MIT
// vcamera-capture as the demo runs it: the built binaries (backend and capture) on a broker
// with pre-created domains, and bad arguments refused with exit code 2.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <fcntl.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "backend/xen/emulated/emulated_xen.h"
#include "backend/xen/emulated/process.h"
#include "backend/xen/toolstack.h"
#include "tests/support/cli_run.h"

namespace vcam::xen {
namespace {

namespace fs = std::filesystem;

constexpr DomId kGuest = 3;
constexpr DomId kDriverDomain = 1;

class VcameraCapture : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testsupport::testDirectory("vcamera-capture");
    emu::BrokerOptions options;
    options.domains = {kDriverDomain, kGuest};  // as the demo's broker: xl create'd domains
    Result<emu::BrokerProcess> broker = emu::BrokerProcess::start(options);
    ASSERT_TRUE(broker) << broker.error().message;
    broker_ = std::move(broker).value();
  }
  void TearDown() override { fs::remove_all(dir_); }

  testsupport::CliRun capture(std::vector<std::string> args) {
    args.insert(args.begin(), {"--emulated", broker_.socketPath(), "--domid", "3"});
    return testsupport::runCli(VCAMERA_CAPTURE_BIN, args, dir_);
  }

  // The toolstack gives the guest a YUYV 640x480 camera `uniqueId` (and `more` formats).
  void attach(const std::string& uniqueId, std::vector<proto::FormatConfig> more = {}) {
    Result<XenTransport> dom0 = emu::connectEmulatedXen(broker_.socketPath(), 0);
    ASSERT_TRUE(dom0);
    proto::FrontendConfig config;
    config.uniqueId = uniqueId;
    config.maxBuffers = 4;
    config.formats = {{0x56595559, {{{640, 480}, {{30, 1}}}}}};
    config.formats.insert(config.formats.end(), more.begin(), more.end());
    ASSERT_TRUE(attachCamera(*dom0->store, {kGuest, kDriverDomain, 0, config}));
  }

  // vcamera-backend in domain 1 with `config` (if not empty), its output in `log`.
  Result<emu::ChildProcess> startBackend(const std::string& config, const fs::path& log) {
    const std::string socket = broker_.socketPath();
    return emu::ChildProcess::start([socket, config, log] {
      const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
      if (fd < 0 || ::dup2(fd, 1) < 0 || ::dup2(fd, 2) < 0) return 126;
      std::vector<const char*> argv = {VCAMERA_BACKEND_BIN, "--emulated", socket.c_str(), "--domid",
                                       "1"};
      if (!config.empty()) argv.insert(argv.end(), {"--config", config.c_str()});
      argv.push_back(nullptr);
      ::execv(argv[0], const_cast<char* const*>(argv.data()));
      return 127;
    });
  }

  fs::path dir_;
  emu::BrokerProcess broker_;
};

TEST_F(VcameraCapture, TheBackendSaysWhichOfADevicesFormatsItWillNotServe) {
  attach("cam0", {{0x32314d59, {{{640, 480}, {{30, 1}}}}}});  // YM12: not in the default list
  const fs::path log = dir_ / "backend.log";
  Result<emu::ChildProcess> backend = startBackend("", log);
  ASSERT_TRUE(backend) << backend.error().message;
  testsupport::CliRun run = capture({"--frames", "1"});
  ASSERT_EQ(run.exitCode, 0) << run.err;
  ASSERT_TRUE(backend->signal(SIGTERM));
  EXPECT_EQ(backend->wait().value(), 0);
  const std::string said = testsupport::slurp(log);
  EXPECT_NE(said.find("dom3/vcamera0: not served, camera \"cam0\" does not allow: 'YM12' "
                      "640x480@30/1"),
            std::string::npos)
      << said;
}

TEST_F(VcameraCapture, VerifyFindsEveryFrameCopiedByTheBackendEqualToTheTestPattern) {
  attach("copied");
  const fs::path config = dir_ / "backend.toml";
  std::ofstream(config) << "[[camera]]\nunique-id = \"copied\"\nsource = \"test-pattern\"\n"
                           "delivery = \"copy\"\n";
  const fs::path log = dir_ / "backend.log";
  Result<emu::ChildProcess> backend = startBackend(config.string(), log);
  ASSERT_TRUE(backend) << backend.error().message;

  testsupport::CliRun run = capture({"--frames", "8", "--verify", "--json"});
  ASSERT_EQ(run.exitCode, 0) << run.err;
  const nlohmann::json report = nlohmann::json::parse(run.out);
  EXPECT_EQ(report["verified"], 8);
  EXPECT_EQ(report["mismatched"], 0);

  ASSERT_TRUE(backend->signal(SIGTERM));
  EXPECT_EQ(backend->wait().value(), 0);
  // 640x480 YUYV: 614400 bytes copied per frame, none drawn in place.
  EXPECT_NE(testsupport::slurp(log).find("bytes per frame: 0 rendered in place, 614400 copied"),
            std::string::npos)
      << testsupport::slurp(log);
}

TEST_F(VcameraCapture, CapturesFramesFromTheBackendAndSavesPngs) {
  Result<XenTransport> dom0 = emu::connectEmulatedXen(broker_.socketPath(), 0);
  ASSERT_TRUE(dom0);
  proto::FrontendConfig config;
  config.uniqueId = "cam0";
  config.maxBuffers = 4;
  config.formats = {{0x56595559, {{{640, 480}, {{30, 1}}}}}};
  ASSERT_TRUE(attachCamera(*dom0->store, {kGuest, kDriverDomain, 0, config}));
  const std::string socket = broker_.socketPath();
  Result<emu::ChildProcess> backend = emu::ChildProcess::start([socket] {
    const char* argv[] = {VCAMERA_BACKEND_BIN, "--emulated", socket.c_str(),
                          "--domid",           "1",          nullptr};
    ::execv(argv[0], const_cast<char* const*>(argv));
    return 127;
  });
  ASSERT_TRUE(backend) << backend.error().message;

  const fs::path pngs = dir_ / "png";
  fs::create_directories(pngs);
  testsupport::CliRun run =
      capture({"--frames", "10", "--png-every", "5", "--output", pngs.string(), "--json"});
  ASSERT_EQ(run.exitCode, 0) << run.err;
  const nlohmann::json report = nlohmann::json::parse(run.out);
  EXPECT_EQ(report["frames"], 10);
  EXPECT_EQ(report["buffers"], 4);
  ASSERT_EQ(report["pngs"].size(), 2u);
  for (const auto& png : report["pngs"]) EXPECT_TRUE(fs::exists(png.get<std::string>()));

  ASSERT_TRUE(backend->signal(SIGTERM));
  EXPECT_EQ(backend->wait().value(), 0);
  Result<emu::BrokerReport> broker = emu::queryBroker(socket);
  ASSERT_TRUE(broker);
  EXPECT_TRUE(broker->violations.empty());
}

TEST_F(VcameraCapture, RawWritesEveryFrameAsTheGuestGotItForAnOutsideChecker) {
  attach("cam0");
  Result<emu::ChildProcess> backend = startBackend("", dir_ / "backend.log");
  ASSERT_TRUE(backend) << backend.error().message;
  const fs::path raw = dir_ / "frames.raw";
  testsupport::CliRun run = capture({"--frames", "6", "--raw", raw.string(), "--json"});
  ASSERT_EQ(run.exitCode, 0) << run.err;
  EXPECT_EQ(nlohmann::json::parse(run.out)["raw_bytes"], 6 * 614400);
  ASSERT_EQ(fs::file_size(raw), 6u * 614400u);
  // The pattern checker reads each frame's number from its pixels: six frames of the
  // pattern, in order.
  testsupport::CliRun checked = testsupport::runCli(
      VCAMERA_PATTERN_CHECK_BIN,
      {"--format", "YUYV:640x480", "--frames", "6", "--json", raw.string()}, dir_);
  ASSERT_EQ(checked.exitCode, 0) << checked.out << checked.err;
  EXPECT_EQ(nlohmann::json::parse(checked.out)["matched"], 6);
  ASSERT_TRUE(backend->signal(SIGTERM));
  EXPECT_EQ(backend->wait().value(), 0);
}

TEST_F(VcameraCapture, ARawFileThatCannotBeCreatedFailsWithOne) {
  attach("cam0");
  testsupport::CliRun run =
      capture({"--frames", "1", "--raw", (dir_ / "no-such-dir" / "frames.raw").string()});
  EXPECT_EQ(run.exitCode, 1);
  EXPECT_NE(run.err.find("--raw: cannot create"), std::string::npos) << run.err;
}

TEST_F(VcameraCapture, AMalformedFormatIsRefusedWithTwo) {
  testsupport::CliRun run = capture({"--format", "YUYV640x480"});
  EXPECT_EQ(run.exitCode, 2);
  EXPECT_NE(run.err.find("FOURCC:WxH"), std::string::npos) << run.err;
}

TEST_F(VcameraCapture, EmulatedWithoutADomainIdIsRefusedWithTwo) {
  testsupport::CliRun run =
      testsupport::runCli(VCAMERA_CAPTURE_BIN, {"--emulated", broker_.socketPath()}, dir_);
  EXPECT_EQ(run.exitCode, 2);
  EXPECT_NE(run.err.find("--domid"), std::string::npos) << run.err;
}

TEST_F(VcameraCapture, ADeviceThatDoesNotExistFailsWithOne) {
  testsupport::CliRun run = capture({"--dev", "9"});
  EXPECT_EQ(run.exitCode, 1);
  EXPECT_NE(run.err.find("vcamera/9"), std::string::npos) << run.err;
}

}  // namespace
}  // namespace vcam::xen
