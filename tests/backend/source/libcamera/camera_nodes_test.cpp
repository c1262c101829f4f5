// SPDX-License-Identifier: MIT
// CameraNodes: /proc/locks parsing, which locks are a camera's, which unplugs touch a camera.
#include "backend/source/libcamera/camera_nodes.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <filesystem>
#include <set>
#include <string>
#include <vector>

namespace vcam::source::lc {
namespace {

namespace fs = std::filesystem;

// Lines as Linux's fs/locks.c prints them (major and minor in hex, the inode in decimal).
constexpr std::string_view kLocks =
    "1: POSIX  ADVISORY  WRITE 312 00:05:1045 0 EOF\n"
    "2: FLOCK  ADVISORY  WRITE 312 00:05:1046 0 EOF\n"
    "3: OFDLCK ADVISORY  WRITE -1 00:05:1047 0 EOF\n"
    "4: POSIX  ADVISORY  READ 312 fd:01:77 0 99\n"
    "5: POSIX  ADVISORY  WRITE 400 00:05:1048 0 EOF\n"
    "5: -> POSIX  ADVISORY  WRITE 312 00:05:1049 0 EOF\n"
    "6: LEASE  ACTIVE    READ 312 00:05:1050 0 EOF\n"
    "7: POSIX  ADVISORY  WRITE 312 <none>:0 0 EOF\n"
    "garbage\n"
    "8: POSIX  ADVISORY  WRITE 312 00:zz:1051 0 EOF\n"
    "9: POSIX  ADVISORY  WRITE 312 00:05:1052 0 EOF";  // no final newline

TEST(PosixLocksOfTest, TakesThePosixLocksOfThePidOnly) {
  EXPECT_EQ(posixLocksOf(kLocks, 312),
            (std::set<FileId>{
                {::makedev(0, 5), 1045}, {::makedev(0xfd, 1), 77}, {::makedev(0, 5), 1052}}));
}

TEST(PosixLocksOfTest, ReadsMajorAndMinorAsHex) {
  EXPECT_EQ(posixLocksOf("1: POSIX ADVISORY WRITE 7 1a:10:5 0 EOF\n", 7),
            (std::set<FileId>{{::makedev(0x1a, 0x10), 5}}));
}

TEST(PosixLocksOfTest, AWaiterHoldsNothing) {
  EXPECT_TRUE(posixLocksOf("5: -> POSIX  ADVISORY  WRITE 312 00:05:1049 0 EOF\n", 312).empty());
}

TEST(PosixLocksOfTest, FlockOfdAndLeasesAreNotLibcamerasLocks) {
  EXPECT_TRUE(posixLocksOf("2: FLOCK  ADVISORY  WRITE 312 00:05:1046 0 EOF\n"
                           "3: OFDLCK ADVISORY  WRITE -1 00:05:1047 0 EOF\n"
                           "6: LEASE  ACTIVE    READ 312 00:05:1050 0 EOF\n",
                           312)
                  .empty());
}

TEST(PosixLocksOfTest, AnotherProcesssLockIsNotOurs) {
  EXPECT_TRUE(posixLocksOf("5: POSIX  ADVISORY  WRITE 400 00:05:1048 0 EOF\n", 312).empty());
}

TEST(PosixLocksOfTest, MalformedLinesAreSkipped) {
  EXPECT_TRUE(posixLocksOf("garbage\n"
                           "7: POSIX  ADVISORY  WRITE 312 <none>:0 0 EOF\n"
                           "8: POSIX  ADVISORY  WRITE 312 00:zz:1051 0 EOF\n"
                           "9: POSIX  ADVISORY  WRITE 312x 00:05:1 0 EOF\n"
                           "POSIX  ADVISORY  WRITE 312 00:05:2 0 EOF\n"
                           "\n",
                           312)
                  .empty());
}

// A temporary file this process can lockf(), and a directory standing in for /proc/self/fd.
class LockedFile : public ::testing::Test {
 protected:
  void SetUp() override {
    char dir[] = "/tmp/vcam-nodes-XXXXXX";
    ASSERT_NE(::mkdtemp(dir), nullptr);
    dir_ = dir;
    fs::create_directory(dir_ / "fd");
    fd_ = ::open((dir_ / "file").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    ASSERT_GE(fd_, 0);
    struct stat status {};
    ASSERT_EQ(::fstat(fd_, &status), 0);
    file_ = FileId{status.st_dev, status.st_ino};
  }
  void TearDown() override {
    if (fd_ >= 0) ::close(fd_);
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }
  void lock() { ASSERT_EQ(::lockf(fd_, F_TLOCK, 0), 0); }
  // Names the file's fd in the fake fd directory as if it were `node`.
  void linkAs(const std::string& node) {
    fs::create_symlink(node, dir_ / "fd" / std::to_string(fd_));
  }
  [[nodiscard]] std::string fdDir() const { return (dir_ / "fd").string(); }

  fs::path dir_;
  int fd_ = -1;
  FileId file_;
};

TEST_F(LockedFile, HeldLocksListsOurLockfLock) {
  EXPECT_FALSE(heldLocks().contains(file_));
  lock();
  EXPECT_TRUE(heldLocks().contains(file_));
  ASSERT_EQ(::lockf(fd_, F_ULOCK, 0), 0);
  EXPECT_FALSE(heldLocks().contains(file_));
}

TEST_F(LockedFile, ANewLockOnAMediaNodeMakesTheNodesKnown) {
  const std::set<FileId> before = heldLocks();
  lock();
  linkAs("/dev/media3");
  const CameraNodes nodes = cameraNodesSince(before, fdDir());
  EXPECT_TRUE(nodes.known) << nodes.description;
  EXPECT_NE(nodes.description.find("/dev/media3"), std::string::npos) << nodes.description;
  // A regular file: device number 0, and no media graph to list more.
  EXPECT_EQ(nodes.devices, (std::set<std::uint64_t>{0}));
}

TEST_F(LockedFile, ALockHeldBeforeTheAcquireIsNotTheCameras) {
  lock();
  linkAs("/dev/media3");
  const CameraNodes nodes = cameraNodesSince(heldLocks(), fdDir());
  EXPECT_FALSE(nodes.known) << nodes.description;
  EXPECT_TRUE(nodes.devices.empty());
}

TEST_F(LockedFile, ANewLockOnAVideoNodeIsNoMediaDevice) {
  const std::set<FileId> before = heldLocks();
  lock();
  linkAs("/dev/video3");
  EXPECT_FALSE(cameraNodesSince(before, fdDir()).known);
}

TEST_F(LockedFile, ANewLockOnAFileThisProcessDoesNotHoldAsANodeIsUnknown) {
  const std::set<FileId> before = heldLocks();
  lock();
  EXPECT_FALSE(cameraNodesSince(before, fdDir()).known);  // the fd directory is empty
}

CameraNodes knownNodes(std::set<std::uint64_t> devices) {
  return CameraNodes{true, std::move(devices), "test"};
}

TEST(TouchesTest, AGoneNodeOfTheCameraTouchesIt) {
  EXPECT_TRUE(touches(knownNodes({0xef01, 0x5103}), {{"/dev/video3", 0x5103}}));
}

TEST(TouchesTest, GoneNodesOfAnotherCameraDoNot) {
  EXPECT_FALSE(touches(knownNodes({0xef01, 0x5103}),
                       {{"/dev/video5", 0x5105}, {"/dev/media2 (deleted)", 0xef02}}));
}

TEST(TouchesTest, ACameraWithUnknownNodesIsTouchedByAnyUnplug) {
  EXPECT_TRUE(touches(CameraNodes{}, {{"/dev/video5", 0x5105}}));
}

TEST(TouchesTest, AGoneNodeWithoutADeviceNumberTouchesEveryCamera) {
  EXPECT_TRUE(touches(knownNodes({0xef01}), {{"/dev/video5", 0}}));
}

TEST(TouchesTest, NothingGoneTouchesNothing) {
  EXPECT_FALSE(touches(CameraNodes{}, {}));
  EXPECT_FALSE(touches(knownNodes({0xef01}), {}));
}

}  // namespace
}  // namespace vcam::source::lc
