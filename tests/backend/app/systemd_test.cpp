// SPDX-License-Identifier: MIT
// vcamera-backend under systemd: the unit file passes systemd's own check, and the binary
// speaks the sd_notify protocol (READY=1 once serving, STOPPING=1 on SIGTERM) on NOTIFY_SOCKET.
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <regex>

#include "backend/base/unique_fd.h"
#include "backend/xen/emulated/emulated_xen.h"
#include "backend/xen/emulated/process.h"
#include "tests/support/cli_run.h"

namespace vcam::app {
namespace {

namespace fs = std::filesystem;

class BackendUnderSystemd : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = testsupport::testDirectory("vcamera-systemd"); }
  void TearDown() override { fs::remove_all(dir_); }

  // A datagram socket where systemd would listen for the service's notifications.
  base::UniqueFd notifySocket(const fs::path& path) {
    base::UniqueFd fd(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, path.c_str(), sizeof address.sun_path - 1);
    EXPECT_EQ(::bind(fd.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address), 0)
        << std::strerror(errno);
    return fd;
  }

  // The next notification, waiting up to 10 s ("" if none came).
  static std::string nextNotification(int fd) {
    pollfd ready{fd, POLLIN, 0};
    if (::poll(&ready, 1, 10000) != 1) return "";
    char message[256] = {};
    const ssize_t n = ::recv(fd, message, sizeof message - 1, 0);
    return n > 0 ? std::string(message, static_cast<std::size_t>(n)) : "";
  }

  fs::path dir_;
};

TEST_F(BackendUnderSystemd, TheUnitFilePassesSystemdAnalyzeVerify) {
  // The unit as installed, pointing at the binary built here.
  std::ifstream installed(VCAMERA_SERVICE_FILE);
  std::stringstream text;
  text << installed.rdbuf();
  const fs::path unit = dir_ / "vcamera-backend.service";
  std::ofstream(unit) << std::regex_replace(
      text.str(), std::regex("/usr/local/sbin/vcamera-backend"), VCAMERA_BACKEND_BIN);
  testsupport::CliRun run = testsupport::runCli("systemd-analyze", {"verify", unit.string()}, dir_);
  EXPECT_EQ(run.exitCode, 0) << run.err;
  EXPECT_EQ(run.err, "");  // unknown keys are only warnings: none may appear
}

TEST_F(BackendUnderSystemd, TellsSystemdWhenItServesAndWhenItStops) {
  Result<xen::emu::BrokerProcess> broker = xen::emu::BrokerProcess::start();
  ASSERT_TRUE(broker) << broker.error().message;
  const fs::path socketPath = dir_ / "notify";
  base::UniqueFd notify = notifySocket(socketPath);
  const std::string brokerSocket = broker->socketPath();
  Result<xen::emu::ChildProcess> backend = xen::emu::ChildProcess::start([&] {
    ::setenv("NOTIFY_SOCKET", socketPath.c_str(), 1);
    const char* argv[] = {VCAMERA_BACKEND_BIN, "--emulated", brokerSocket.c_str(),
                          "--domid",           "5",          nullptr};
    ::execv(argv[0], const_cast<char* const*>(argv));
    return 127;
  });
  ASSERT_TRUE(backend) << backend.error().message;
  EXPECT_EQ(nextNotification(notify.get()), "READY=1");
  ASSERT_TRUE(backend->signal(SIGTERM));
  EXPECT_EQ(nextNotification(notify.get()), "STOPPING=1");
  EXPECT_EQ(backend->wait().value(), 0);
}

}  // namespace
}  // namespace vcam::app
