// SPDX-License-Identifier: MIT
// vcamera-ctl as a toolstack uses it: the built binary against an emulated broker, checked by
// reading the nodes back as dom0, plus every kind of bad argument and the exact `list --json`.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <ostream>
#include <string>
#include <vector>

#include <vcamera/common/fourcc_code.h>
#include <vcamera/proto/xenbus.h>
#include <vcamera/proto/xenstore_schema.h>

#include "backend/app/config/backend_config.h"
#include "backend/xen/emulated/emulated_xen.h"
#include "backend/xen/emulated/process.h"
#include "backend/xen/xenstore_util.h"
#include "tests/support/cli_run.h"

namespace vcam::xen {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;
namespace fs = std::filesystem;

constexpr DomId kGuest = 3;
constexpr DomId kDriverDomain = 5;
constexpr DomId kOtherGuest = 7;

using testsupport::CliRun;

// readFrontendConfig()'s canonical order: formats by FOURCC node name, sizes by (w, h).
std::vector<proto::FormatConfig> canonical(std::vector<proto::FormatConfig> formats) {
  for (auto& f : formats) {
    std::sort(f.resolutions.begin(), f.resolutions.end(), [](const auto& a, const auto& b) {
      return std::pair(a.resolution.width, a.resolution.height) <
             std::pair(b.resolution.width, b.resolution.height);
    });
  }
  std::sort(formats.begin(), formats.end(), [](const auto& a, const auto& b) {
    return proto::formatFourccNode(a.fourcc).value() < proto::formatFourccNode(b.fourcc).value();
  });
  return formats;
}

class VcameraCtl : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testsupport::testDirectory("vcamera-ctl");
    Result<emu::BrokerProcess> broker = emu::BrokerProcess::start();
    ASSERT_TRUE(broker) << broker.error().message;
    broker_ = std::move(broker).value();
    // The broker introduces a domain when it first connects: these keep all three alive.
    for (auto [xen, domid] :
         {std::pair{&dom0_, DomId{0}}, {&guest_, kGuest}, {&driver_, kDriverDomain}}) {
      Result<XenTransport> connected = emu::connectEmulatedXen(broker_.socketPath(), domid);
      ASSERT_TRUE(connected) << connected.error().message;
      *xen = std::move(connected).value();
    }
  }
  void TearDown() override { fs::remove_all(dir_); }

  CliRun runRaw(const std::vector<std::string>& args) {
    return testsupport::runCli(VCAMERA_CTL_BIN, args, dir_);
  }
  // The subcommand and its arguments, against our broker.
  CliRun run(std::vector<std::string> args) {
    args.insert(args.begin(), {"--emulated", broker_.socketPath()});
    return runRaw(args);
  }
  CliRun attach(std::vector<std::string> extra) {
    std::vector<std::string> args = {"attach", "--frontend", "3", "--backend", "5"};
    args.insert(args.end(), extra.begin(), extra.end());
    return run(args);
  }

  Result<proto::FrontendConfig> readConfig(DomId frontend = kGuest, std::uint32_t dev = 0) {
    return proto::readFrontendConfig(XenStoreReader(*dom0_.store),
                                     proto::frontendDevicePath(frontend, dev));
  }
  bool exists(const std::string& path) { return dom0_.store->read(kNoTransaction, path).ok(); }
  bool nothingWritten() {
    return !exists(proto::frontendDevicePath(kGuest, 0)) &&
           !exists(proto::backendDevicePath(kDriverDomain, kGuest, 0));
  }
  std::string writeFile(const std::string& name, const std::string& text) {
    const fs::path path = dir_ / name;
    std::ofstream(path) << text;
    return path.string();
  }

  fs::path dir_;
  emu::BrokerProcess broker_;
  XenTransport dom0_, guest_, driver_;
};

TEST_F(VcameraCtl, AttachWritesADeviceBothEndsReadBack) {
  const CliRun r = attach({"--unique-id", "cam0", "--format", "YUYV:640x480@30/1,15/1", "--format",
                           "NV12:1280x720@30/1", "--max-buffers", "3", "--controls", "hue,contrast",
                           "--be-alloc"});
  ASSERT_EQ(r.exitCode, 0) << r.err;
  EXPECT_EQ(r.out, "attached dom3/vcamera0 served by domain 5: unique-id 'cam0', 2 format(s)\n");
  Result<proto::FrontendConfig> config = readConfig();
  ASSERT_TRUE(config) << config.error().message;
  proto::FrontendConfig expected;
  expected.beAlloc = true;
  expected.uniqueId = "cam0";
  expected.maxBuffers = 3;
  expected.controls = {proto::ControlType::Hue, proto::ControlType::Contrast};
  expected.formats = {{makeFourcc('N', 'V', '1', '2'), {{{1280, 720}, {{30, 1}}}}},
                      {makeFourcc('Y', 'U', 'Y', 'V'), {{{640, 480}, {{30, 1}, {15, 1}}}}}};
  EXPECT_EQ(*config, expected);
}

TEST_F(VcameraCtl, AttachLinksBothEndsAndStartsThemInitialising) {
  ASSERT_EQ(attach({"--unique-id", "cam0", "--dev", "2"}).exitCode, 0);
  const std::string front = proto::frontendDevicePath(kGuest, 2);
  const std::string back = proto::backendDevicePath(kDriverDomain, kGuest, 2);
  EXPECT_EQ(guest_.store->read(kNoTransaction, front + "/backend").value(), back);
  EXPECT_EQ(driver_.store->read(kNoTransaction, back + "/frontend").value(), front);
  EXPECT_EQ(guest_.store->read(kNoTransaction, front + "/state").value(), "1");
  EXPECT_EQ(driver_.store->read(kNoTransaction, back + "/state").value(), "1");
}

TEST_F(VcameraCtl, AttachWithoutFormatsGivesTheTestPatternList) {
  ASSERT_EQ(attach({"--unique-id", "cam0"}).exitCode, 0);
  Result<proto::FrontendConfig> config = readConfig();
  ASSERT_TRUE(config) << config.error().message;
  const auto defaults = app::testPatternFormats();
  EXPECT_EQ(config->formats, canonical({defaults.begin(), defaults.end()}));
  EXPECT_EQ(config->maxBuffers, 4u);
  EXPECT_TRUE(config->controls.empty());
  EXPECT_FALSE(config->beAlloc);
}

TEST_F(VcameraCtl, AttachTakesTheCamerasFormatsFromTheBackendConfig) {
  const CliRun r = attach({"--unique-id", "front", "--config", VCAMERA_CONFIG_EXAMPLE});
  ASSERT_EQ(r.exitCode, 0) << r.err;
  Result<app::BackendConfig> example = app::loadBackendConfig(VCAMERA_CONFIG_EXAMPLE);
  ASSERT_TRUE(example) << example.error().message;
  Result<proto::FrontendConfig> config = readConfig();
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->formats, canonical(app::cameraFor(*example, "front")->formats));
}

TEST_F(VcameraCtl, AFormatTheBackendConfigDoesNotAllowIsRefused) {
  const CliRun r = attach({"--unique-id", "front", "--config", VCAMERA_CONFIG_EXAMPLE, "--format",
                           "NV12:320x240@15/1"});
  EXPECT_EQ(r.exitCode, 2);
  EXPECT_THAT(r.err, HasSubstr("does not allow NV12 320x240 at 15/1 for camera 'front'"));
  EXPECT_TRUE(nothingWritten());
  EXPECT_EQ(attach({"--unique-id", "front", "--config", VCAMERA_CONFIG_EXAMPLE, "--format",
                    "NV12:320x240@60/1"})
                .exitCode,
            0);
}

TEST_F(VcameraCtl, AUniqueIdTheBackendConfigLacksIsRefusedWithASuggestion) {
  const CliRun r = attach({"--unique-id", "fornt", "--config", VCAMERA_CONFIG_EXAMPLE});
  EXPECT_EQ(r.exitCode, 2);
  EXPECT_THAT(r.err, HasSubstr("has no camera 'fornt' (did you mean front?)"));
  EXPECT_TRUE(nothingWritten());
}

TEST_F(VcameraCtl, ALibcameraCameraWithoutAListIsAskedAndItsAbsenceExplained) {
  // This machine has no camera: libcamera is asked, and says so.
  const CliRun r = attach({"--unique-id", "usb-webcam", "--config", VCAMERA_CONFIG_EXAMPLE});
  EXPECT_EQ(r.exitCode, 2);
  EXPECT_THAT(r.err, HasSubstr("no camera found (is udev running? libcamera needs it)"));
  EXPECT_THAT(r.err, HasSubstr("give them with --format"));
  EXPECT_TRUE(nothingWritten());
  EXPECT_EQ(attach({"--unique-id", "usb-webcam", "--config", VCAMERA_CONFIG_EXAMPLE, "--format",
                    "MJPG:1920x1080@30/1"})
                .exitCode,
            0);
}

TEST_F(VcameraCtl, ABrokenBackendConfigIsReportedWithItsPosition) {
  const std::string path = writeFile("bad.toml", "[[camera]]\nunique-id = \"a\"\nsorce = \"x\"\n");
  const CliRun r = attach({"--unique-id", "a", "--config", path});
  EXPECT_EQ(r.exitCode, 2);
  EXPECT_THAT(r.err, HasSubstr("--config: " + path + ":3:1: camera[0]: unknown key 'sorce'"));
}

TEST_F(VcameraCtl, AttachingTwiceFailsAndKeepsTheFirstDevice) {
  ASSERT_EQ(attach({"--unique-id", "cam0"}).exitCode, 0);
  const CliRun r = attach({"--unique-id", "other"});
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_THAT(r.err, HasSubstr("already exists"));
  EXPECT_EQ(readConfig()->uniqueId, "cam0");
}

TEST_F(VcameraCtl, AttachingToADomainThatDoesNotExistFails) {
  const CliRun r = run({"attach", "--frontend", "9", "--backend", "5", "--unique-id", "cam0"});
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_THAT(r.err, HasSubstr("--frontend: domain 9 does not exist"));
  EXPECT_FALSE(exists(proto::frontendDevicePath(9, 0)));
}

TEST_F(VcameraCtl, DetachRemovesBothDirectoriesAndMayRepeat) {
  ASSERT_EQ(attach({"--unique-id", "cam0"}).exitCode, 0);
  const CliRun r = run({"detach", "--frontend", "3", "--backend", "5"});
  EXPECT_EQ(r.exitCode, 0) << r.err;
  EXPECT_EQ(r.out, "detached dom3/vcamera0\n");
  EXPECT_TRUE(nothingWritten());
  const CliRun again = run({"detach", "--frontend", "3", "--backend", "5"});
  EXPECT_EQ(again.exitCode, 0) << again.err;
  EXPECT_EQ(again.out, "nothing to detach: no dom3/vcamera0 served by domain 5\n");
}

TEST_F(VcameraCtl, ListJsonShowsEveryDeviceWithBothEndsStates) {
  ASSERT_EQ(attach({"--unique-id", "cam0"}).exitCode, 0);
  ASSERT_EQ(attach({"--unique-id", "cam 1", "--dev", "1"}).exitCode, 0);
  ASSERT_TRUE(
      guest_.store->write(kNoTransaction, proto::frontendDevicePath(kGuest, 1) + "/state", "3"));
  ASSERT_TRUE(driver_.store->write(
      kNoTransaction, proto::backendDevicePath(kDriverDomain, kGuest, 0) + "/state", "2"));
  const CliRun r = run({"list", "--json"});
  EXPECT_EQ(r.exitCode, 0) << r.err;
  EXPECT_EQ(r.out,
            "[{\"backend\":5,\"frontend\":3,\"dev\":0,\"unique_id\":\"cam0\",\"backend_state\":"
            "\"InitWait\",\"frontend_state\":\"Initialising\"},{\"backend\":5,\"frontend\":3,"
            "\"dev\":1,\"unique_id\":\"cam 1\",\"backend_state\":\"Initialising\","
            "\"frontend_state\":\"Initialised\"}]\n");
}

TEST_F(VcameraCtl, ListShowsAStateNodeThatIsNoStateAsInvalid) {
  ASSERT_EQ(attach({"--unique-id", "cam0"}).exitCode, 0);
  ASSERT_TRUE(
      guest_.store->write(kNoTransaction, proto::frontendDevicePath(kGuest, 0) + "/state", "4x"));
  ASSERT_TRUE(driver_.store->remove(kNoTransaction,
                                    proto::backendDevicePath(kDriverDomain, kGuest, 0) + "/state"));
  const CliRun r = run({"list", "--json"});
  EXPECT_EQ(r.exitCode, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("\"backend_state\":null,\"frontend_state\":\"invalid '4x'\""));
}

TEST_F(VcameraCtl, ListPrintsATableForPeople) {
  ASSERT_EQ(attach({"--unique-id", "cam0"}).exitCode, 0);
  const CliRun r = run({"list"});
  EXPECT_EQ(r.exitCode, 0) << r.err;
  EXPECT_EQ(r.out,
            "BACKEND  FRONTEND DEV        BACKEND-STATE   FRONTEND-STATE  UNIQUE-ID\n"
            "5        3        0          Initialising    Initialising    cam0\n");
}

TEST_F(VcameraCtl, ListOnlyShowsTheBackendAsked) {
  ASSERT_EQ(attach({"--unique-id", "cam0"}).exitCode, 0);
  ASSERT_EQ(run({"attach", "--frontend", "3", "--backend", "0", "--unique-id", "b", "--dev", "1"})
                .exitCode,
            0);
  EXPECT_THAT(run({"list", "--json"}).out, HasSubstr("\"backend\":0"));
  const CliRun r = run({"list", "--backend", "5", "--json"});
  EXPECT_EQ(r.exitCode, 0) << r.err;
  EXPECT_THAT(r.out, StartsWith("[{\"backend\":5,"));
  EXPECT_THAT(r.out, Not(HasSubstr("\"backend\":0")));
}

TEST_F(VcameraCtl, ListWithoutDevicesSaysSo) {
  EXPECT_EQ(run({"list"}).out, "no vcamera devices\n");
  EXPECT_EQ(run({"list", "--json"}).out, "[]\n");
  EXPECT_EQ(run({"list", "--backend", "32"}).out, "no vcamera devices\n");
}

struct BadArguments {
  std::vector<std::string> args;  ///< after `attach --frontend 3 --backend 5` unless `own`
  std::string message;
  bool own = false;
};

// Names the case in test listings (and ctest's names) by its arguments.
void PrintTo(const BadArguments& bad, std::ostream* out) {
  for (const std::string& arg : bad.args) *out << (arg.empty() ? "''" : arg) << ' ';
}

class VcameraCtlBadArguments : public VcameraCtl,
                               public ::testing::WithParamInterface<BadArguments> {};

TEST_P(VcameraCtlBadArguments, AreRefusedWithAMessageAndNothingWritten) {
  const BadArguments& bad = GetParam();
  const CliRun r = bad.own ? run(bad.args) : attach(bad.args);
  EXPECT_EQ(r.exitCode, 2) << r.err;
  EXPECT_THAT(r.err, HasSubstr(bad.message));
  EXPECT_TRUE(nothingWritten());
  EXPECT_THAT(r.err, Not(HasSubstr("Sanitizer")));
}

const BadArguments kBadArguments[] = {
    {{"attach", "--frontend", "x3", "--backend", "5", "--unique-id", "c"},
     "--frontend: domain id 'x3' is not a decimal number",
     true},
    {{"attach", "--frontend", "3", "--backend", "32752", "--unique-id", "c"}, "--backend: ", true},
    {{"attach", "--frontend", "5", "--backend", "5", "--unique-id", "c"},
     "the same domain 5",
     true},
    {{"attach", "--frontend", "3", "--backend", "5"}, "--unique-id is required", true},
    {{"attach", "--frontend", "3", "--backend", "5", "--unique-id", "c", "--bogus"},
     "--bogus",
     true},
    {{}, "A subcommand is required", true},
    {{"detach", "--frontend", "3", "--backend", "5", "--dev", "-1"}, "--dev: ", true},
    {{"list", "--backend", "05"}, "--backend: ", true},
    {{"--unique-id", "c", "--dev", "01"}, "--dev: "},
    {{"--unique-id", ""}, "--unique-id: unique-id is empty"},
    {{"--unique-id", " c"}, "--unique-id: unique-id ' c' has a leading or trailing space"},
    {{"--unique-id", "c", "--format", "YUVY:640x480@30/1"}, "did you mean YUYV"},
    {{"--unique-id", "c", "--format", "RGB24:640x480@30/1"}, "its FOURCC is RGB3"},
    {{"--unique-id", "c", "--format", "YUYV:640x480"}, "expected FOURCC:WIDTHxHEIGHT@NUM/DEN"},
    {{"--unique-id", "c", "--format", "YUYV640x480@30/1"}, "expected FOURCC:WIDTHxHEIGHT"},
    {{"--unique-id", "c", "--format", "YUYV:640x0@30/1"}, "--format 'YUYV:640x0@30/1': "},
    {{"--unique-id", "c", "--format", "YUYV:640x480@30/0"}, "--format 'YUYV:640x480@30/0': "},
    {{"--unique-id", "c", "--format", "YUYV:640x480@30/1,"}, "--format 'YUYV:640x480@30/1,': "},
    {{"--unique-id", "c", "--format", "YUYV:640x480@30/1,60/2"}, "is the same rate as 30/1"},
    {{"--unique-id", "c", "--format", "YUYV:640x480@30/1", "--format", "YUYV:640x480@15/1"},
     "give all its rates in one --format"},
    {{"--unique-id", "c", "--format", "P010:640x481@30/1"}, "cannot be laid out"},
    {{"--unique-id", "c", "--format",
      "YUYV:2x2@1/1,2/1,3/1,4/1,5/1,6/1,7/1,8/1,9/1,10/1,11/1,12/1,13/1,14/1,15/1,16/1,17/1"},
     "17 frame rates, more than 16"},
    {{"--unique-id", "c", "--max-buffers", "0"}, "--max-buffers: "},
    {{"--unique-id", "c", "--max-buffers", "256"}, "--max-buffers: "},
    {{"--unique-id", "c", "--controls", "brightnes"}, "--controls: "},
    {{"--unique-id", "c", "--controls", "hue,hue"}, "--controls: "},
    {{"--unique-id", "c", "--config", "/nonexistent/vcamera.toml"},
     "--config: cannot open configuration file '/nonexistent/vcamera.toml'"},
};

INSTANTIATE_TEST_SUITE_P(Cases, VcameraCtlBadArguments, ::testing::ValuesIn(kBadArguments));

TEST_F(VcameraCtl, ABrokerThatIsNotThereIsAFailureNotACrash) {
  const CliRun r = runRaw({"--emulated", (dir_ / "no-broker.sock").string(), "list"});
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_THAT(r.err, HasSubstr("emulated Xen at '"));
}

TEST_F(VcameraCtl, WithoutXenTheRealStoreSaysSo) {
  if (fs::exists("/dev/xen/xenbus") || fs::exists("/var/run/xenstored/socket")) {
    GTEST_SKIP() << "this machine runs Xen";
  }
  const CliRun r = runRaw({"list"});
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_THAT(r.err, HasSubstr("no Xen"));
  EXPECT_THAT(r.err, HasSubstr("--emulated SOCKET"));
}

TEST_F(VcameraCtl, CheckConfigPrintsTheFileAsTheBackendReadsIt) {
  const CliRun r = runRaw({"check-config", VCAMERA_CONFIG_EXAMPLE});
  ASSERT_EQ(r.exitCode, 0) << r.err;
  Result<app::BackendConfig> printed = app::parseBackendConfig(r.out, "printed");
  ASSERT_TRUE(printed) << printed.error().message;
  EXPECT_EQ(*printed, app::loadBackendConfig(VCAMERA_CONFIG_EXAMPLE).value());
}

TEST_F(VcameraCtl, CheckConfigReportsTheFirstErrorWithItsPosition) {
  const std::string path = writeFile("typo.toml", "[backend]\nmax-buffers-per-guest = 300\n");
  const CliRun r = runRaw({"check-config", path});
  EXPECT_EQ(r.exitCode, 2);
  EXPECT_EQ(r.err, "vcamera-ctl: " + path +
                       ":2:25: backend.max-buffers-per-guest: 300 is outside 1..255\n");
}

}  // namespace
}  // namespace vcam::xen
