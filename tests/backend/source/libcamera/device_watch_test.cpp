// SPDX-License-Identifier: MIT
// vanishedDeviceNodes(): which links count as camera nodes, and how a gone one is told apart.
#include "backend/source/libcamera/device_watch.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

namespace vcam::source::lc {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> linksOf(const std::vector<GoneNode>& nodes) {
  std::vector<std::string> links;
  for (const GoneNode& node : nodes) links.push_back(node.link);
  std::sort(links.begin(), links.end());
  return links;
}

TEST(DeviceWatchTest, CameraNodeLinks) {
  EXPECT_TRUE(isCameraNodeLink("/dev/video0"));
  EXPECT_TRUE(isCameraNodeLink("/dev/video12"));
  EXPECT_TRUE(isCameraNodeLink("/dev/v4l-subdev7"));
  EXPECT_TRUE(isCameraNodeLink("/dev/media0"));
  EXPECT_TRUE(isCameraNodeLink("/dev/media1 (deleted)"));
  EXPECT_FALSE(isCameraNodeLink("/dev/video"));
  EXPECT_FALSE(isCameraNodeLink("/dev/videox"));
  EXPECT_FALSE(isCameraNodeLink("/dev/video0x"));
  EXPECT_FALSE(isCameraNodeLink("/dev/null"));
  EXPECT_FALSE(isCameraNodeLink("/dev/dma_heap/system"));
  EXPECT_FALSE(isCameraNodeLink("/tmp/dev/video0"));
  EXPECT_FALSE(isCameraNodeLink("pipe:[1234]"));
  EXPECT_FALSE(isCameraNodeLink("socket:[99]"));
  EXPECT_FALSE(isCameraNodeLink(""));
}

// A directory standing in for /proc/self/fd: links named by real fds of this process, pointing
// where the test says; poll() then runs on those fds.
class FakeFdDir : public ::testing::Test {
 protected:
  void SetUp() override {
    char name[] = "/tmp/vcam-fdwatch-XXXXXX";
    ASSERT_NE(::mkdtemp(name), nullptr);
    dir_ = name;
  }
  void TearDown() override {
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
    for (int fd : fds_) ::close(fd);
  }
  // A pipe's read end: POLLHUP once its write end is closed (as a gone node's fd reports).
  int pipeReadEnd(bool hungUp) {
    int ends[2];
    EXPECT_EQ(::pipe(ends), 0);
    fds_.push_back(ends[0]);
    if (hungUp) {
      ::close(ends[1]);
    } else {
      fds_.push_back(ends[1]);
    }
    return ends[0];
  }
  void link(int fd, const std::string& target) {
    fs::create_symlink(target, dir_ / std::to_string(fd));
  }

  fs::path dir_;
  std::vector<int> fds_;
};

TEST_F(FakeFdDir, ReportsHungUpAndDeletedCameraNodesOnly) {
  link(pipeReadEnd(true), "/dev/video2");             // unregistered: POLLHUP
  link(pipeReadEnd(false), "/dev/video3");            // alive
  link(pipeReadEnd(false), "/dev/media0 (deleted)");  // node removed: gone whatever poll says
  link(pipeReadEnd(true), "/dev/null");               // not a camera node
  link(pipeReadEnd(true), "pipe:[77]");
  EXPECT_EQ(linksOf(vanishedDeviceNodes(dir_.string())),
            (std::vector<std::string>{"/dev/media0 (deleted)", "/dev/video2"}));
}

TEST_F(FakeFdDir, ReportsTheDeviceNumberOfAGoneNode) {
  // A character device's fd: its st_rdev is what tells which camera the node was.
  const int fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  fds_.push_back(fd);
  struct stat status {};
  ASSERT_EQ(::fstat(fd, &status), 0);
  link(fd, "/dev/video9 (deleted)");
  const std::vector<GoneNode> gone = vanishedDeviceNodes(dir_.string());
  ASSERT_EQ(gone.size(), 1U);
  EXPECT_EQ(gone[0].link, "/dev/video9 (deleted)");
  EXPECT_EQ(gone[0].rdev, status.st_rdev);
  EXPECT_NE(gone[0].rdev, 0U);
}

TEST_F(FakeFdDir, NothingGoneWhenAllAlive) {
  link(pipeReadEnd(false), "/dev/video0");
  link(pipeReadEnd(false), "/dev/v4l-subdev1");
  EXPECT_TRUE(vanishedDeviceNodes(dir_.string()).empty());
}

TEST_F(FakeFdDir, SkipsNamesThatAreNotFds) {
  fs::create_symlink("/dev/video0", dir_ / "notanfd");
  fs::create_symlink("/dev/video1", dir_ / "-1");
  EXPECT_TRUE(vanishedDeviceNodes(dir_.string()).empty());
}

TEST(DeviceWatchTest, MissingDirectoryIsNothing) {
  EXPECT_TRUE(vanishedDeviceNodes("/nonexistent/fd").empty());
}

TEST(DeviceWatchTest, ThisProcessHoldsNoGoneCameraNode) {
  // The real directory: whatever this process holds, no camera node of it is gone.
  EXPECT_TRUE(vanishedDeviceNodes("/proc/self/fd").empty());
}

using Nodes = std::vector<std::string>;

// The tracker's answer as links, for comparisons.
Nodes look(VanishTracker& tracker, const std::vector<std::string>& links, bool atOnce) {
  std::vector<GoneNode> gone;
  for (const std::string& link : links) gone.push_back({link, 0});
  return linksOf(tracker.look(gone, atOnce));
}

TEST(VanishTrackerTest, ActsWhenANodeIsGoneOnTwoLooksInARow) {
  VanishTracker tracker;
  EXPECT_EQ(look(tracker, {}, false), Nodes{});
  EXPECT_EQ(look(tracker, {"/dev/video2"}, false), Nodes{}) << "once may be libcamera's to handle";
  EXPECT_EQ(look(tracker, {"/dev/video2", "/dev/media0 (deleted)"}, false),
            (Nodes{"/dev/media0 (deleted)", "/dev/video2"}));
}

TEST(VanishTrackerTest, ANodeGoneOnceThenHandledIsNothing) {
  VanishTracker tracker;
  EXPECT_EQ(look(tracker, {"/dev/video0"}, false), Nodes{});
  EXPECT_EQ(look(tracker, {}, false), Nodes{}) << "libcamera closed it (UVC's own unplug)";
  EXPECT_EQ(look(tracker, {"/dev/video0"}, false), Nodes{}) << "a new first sighting";
  EXPECT_EQ(look(tracker, {"/dev/video3"}, false), Nodes{}) << "another node: first sighting";
}

TEST(VanishTrackerTest, ActsAtOnceWhenAsked) {
  VanishTracker tracker;
  EXPECT_EQ(look(tracker, {"/dev/v4l-subdev1"}, true), Nodes{"/dev/v4l-subdev1"});
  EXPECT_EQ(look(tracker, {}, true), Nodes{});
}

TEST(VanishTrackerTest, NodesStillGoneAfterARestartAreIgnored) {
  VanishTracker tracker;
  EXPECT_EQ(look(tracker, {"/dev/video2"}, false), Nodes{});
  tracker.restarted({{"/dev/video2 (deleted)", 0}});
  EXPECT_EQ(look(tracker, {"/dev/video2 (deleted)"}, false), Nodes{});
  EXPECT_EQ(look(tracker, {"/dev/video2 (deleted)"}, false), Nodes{});
  EXPECT_EQ(look(tracker, {"/dev/video2 (deleted)"}, true), Nodes{});
  EXPECT_EQ(look(tracker, {"/dev/video2 (deleted)", "/dev/video5"}, true), Nodes{"/dev/video5"});
}

TEST(VanishTrackerTest, KeepsEachNodesDeviceNumber) {
  VanishTracker tracker;
  static_cast<void>(tracker.look({{"/dev/video4", 0x5104}}, false));
  const std::vector<GoneNode> acted =
      tracker.look({{"/dev/video4", 0x5104}, {"/dev/media2 (deleted)", 0xef02}}, false);
  EXPECT_EQ(acted,
            (std::vector<GoneNode>{{"/dev/media2 (deleted)", 0xef02}, {"/dev/video4", 0x5104}}));
}

TEST(VanishTrackerTest, ANodeListedTwiceInOneLookIsOne) {
  VanishTracker tracker;
  EXPECT_EQ(tracker.look({{"/dev/video4", 1}, {"/dev/video4", 1}}, true).size(), 1U);
}

}  // namespace
}  // namespace vcam::source::lc
