// SPDX-License-Identifier: MIT
// vanishedDeviceNodes(): which links count as camera nodes, and how a gone one is told apart.
#include "backend/source/libcamera/device_watch.h"

#include <gtest/gtest.h>
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
  std::vector<std::string> gone = vanishedDeviceNodes(dir_.string());
  std::sort(gone.begin(), gone.end());
  EXPECT_EQ(gone, (std::vector<std::string>{"/dev/media0 (deleted)", "/dev/video2"}));
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

using Nodes = std::set<std::string>;

TEST(VanishTrackerTest, ActsWhenANodeIsGoneOnTwoLooksInARow) {
  VanishTracker tracker;
  EXPECT_EQ(tracker.look({}, false), Nodes{});
  EXPECT_EQ(tracker.look({"/dev/video2"}, false), Nodes{}) << "once may be libcamera's to handle";
  EXPECT_EQ(tracker.look({"/dev/video2", "/dev/media0 (deleted)"}, false),
            (Nodes{"/dev/media0 (deleted)", "/dev/video2"}));
}

TEST(VanishTrackerTest, ANodeGoneOnceThenHandledIsNothing) {
  VanishTracker tracker;
  EXPECT_EQ(tracker.look({"/dev/video0"}, false), Nodes{});
  EXPECT_EQ(tracker.look({}, false), Nodes{}) << "libcamera closed it (UVC's own unplug)";
  EXPECT_EQ(tracker.look({"/dev/video0"}, false), Nodes{}) << "a new first sighting";
  EXPECT_EQ(tracker.look({"/dev/video3"}, false), Nodes{}) << "another node: first sighting";
}

TEST(VanishTrackerTest, ActsAtOnceWhenAsked) {
  VanishTracker tracker;
  EXPECT_EQ(tracker.look({"/dev/v4l-subdev1"}, true), Nodes{"/dev/v4l-subdev1"});
  EXPECT_EQ(tracker.look({}, true), Nodes{});
}

TEST(VanishTrackerTest, NodesStillGoneAfterARestartAreIgnored) {
  VanishTracker tracker;
  EXPECT_EQ(tracker.look({"/dev/video2"}, false), Nodes{});
  tracker.restarted({"/dev/video2 (deleted)"});
  EXPECT_EQ(tracker.look({"/dev/video2 (deleted)"}, false), Nodes{});
  EXPECT_EQ(tracker.look({"/dev/video2 (deleted)"}, false), Nodes{});
  EXPECT_EQ(tracker.look({"/dev/video2 (deleted)"}, true), Nodes{});
  EXPECT_EQ(tracker.look({"/dev/video2 (deleted)", "/dev/video5"}, true), Nodes{"/dev/video5"});
}

}  // namespace
}  // namespace vcam::source::lc
