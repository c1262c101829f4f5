// SPDX-License-Identifier: MIT
// The stream-off guard (this executable's ioctl): a STREAMOFF or QBUF the kernel answers
// ENODEV on an unregistered video node reads as done; every other call and outcome passes through.
// The kernel's answer is made up with a seccomp filter in a child process, the one way to get
// ENODEV from a real ioctl without a video device, and a pipe whose writer is gone polls as
// hung up as an unregistered node does (tools/hotplug runs the real thing on vimc:
// stop_after_unplug_test.cpp).
#include <gtest/gtest.h>

#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <linux/videodev2.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstddef>
#include <functional>

#include "backend/base/unique_fd.h"
#include "backend/source/libcamera/stream_off_guard.h"

namespace vcam::source::lc {
namespace {

#if defined(__x86_64__)
constexpr std::uint32_t kArch = AUDIT_ARCH_X86_64;
#elif defined(__aarch64__)
constexpr std::uint32_t kArch = AUDIT_ARCH_AARCH64;
#else
#error \
    "add this architecture's AUDIT_ARCH_* (and check its byte order: the filter reads args[1]'s low half)"
#endif

// Makes the kernel answer ENODEV to every ioctl with request `request` in this process.
bool answerEnodevTo(unsigned long request) {
  constexpr auto kArgLow = static_cast<std::uint32_t>(offsetof(seccomp_data, args[1]));
  std::array<sock_filter, 9> program{{
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, arch)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, kArch, 1, 0),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_ioctl, 0, 3),
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, kArgLow),  // little-endian: the low half
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, static_cast<std::uint32_t>(request), 0, 1),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENODEV),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
  }};
  sock_fprog filter{static_cast<unsigned short>(program.size()), program.data()};
  return ::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0 &&
         ::prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &filter) == 0;
}

constexpr int kNoSeccomp = 2;

// Runs `body` in a child whose ioctls with `request` the kernel answers ENODEV; the child's
// exit status: 0 when `body` held, 1 when not, kNoSeccomp when the filter could not be set.
int inChildWithEnodevFor(unsigned long request, const std::function<bool()>& body) {
  const pid_t child = ::fork();
  if (child == 0) {
    if (!answerEnodevTo(request)) ::_exit(kNoSeccomp);
    ::_exit(body() ? 0 : 1);
  }
  int status = -1;
  if (child < 0 || ::waitpid(child, &status, 0) != child || !WIFEXITED(status)) return -1;
  return WEXITSTATUS(status);
}

bool streamOffOn(int fd, int& result, int& error) {
  int type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
  errno = 0;
  result = ::ioctl(fd, VIDIOC_STREAMOFF, &type);
  error = errno;
  return fd >= 0;
}

bool streamOffOnNull(int& result, int& error) {
  base::UniqueFd null(::open("/dev/null", O_RDWR | O_CLOEXEC));
  return streamOffOn(null.get(), result, error);
}

// A file that polls as hung up, as an unregistered video node does: a pipe's read end with
// its write end closed.
base::UniqueFd hungUpFile() {
  std::array<int, 2> ends{};
  if (::pipe2(ends.data(), O_CLOEXEC) != 0) return {};
  ::close(ends[1]);
  return base::UniqueFd(ends[0]);
}

#define EXPECT_IN_CHILD(result)                                          \
  do {                                                                   \
    const int status = (result);                                         \
    if (status == kNoSeccomp) GTEST_SKIP() << "no seccomp filters here"; \
    EXPECT_EQ(status, 0);                                                \
  } while (false)

TEST(StreamOffGuard, StandsInFrontOfEveryIoctlCallOfThisExecutable) {
  EXPECT_TRUE(streamOffGuardActive());
}

TEST(StreamOffGuard, AStreamOffAnsweredEnodevOnAHungUpNodeReadsAsDoneAndIsCounted) {
  EXPECT_IN_CHILD(inChildWithEnodevFor(VIDIOC_STREAMOFF, [] {
    const std::uint64_t before = guardedCalls();
    base::UniqueFd node = hungUpFile();
    errno = EAGAIN;  // what errno held before: a success leaves it so
    int type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    const int result = ::ioctl(node.get(), VIDIOC_STREAMOFF, &type);
    return node.valid() && result == 0 && errno == EAGAIN && guardedCalls() == before + 1;
  }));
}

TEST(StreamOffGuard, AStreamOffAnsweredEnodevOnANodeStillThereStaysAnError) {
  EXPECT_IN_CHILD(inChildWithEnodevFor(VIDIOC_STREAMOFF, [] {
    const std::uint64_t before = guardedCalls();
    int result = 0;
    int error = 0;
    return streamOffOnNull(result, error) && result == -1 && error == ENODEV &&
           guardedCalls() == before;
  }));
}

TEST(StreamOffGuard, AQbufAnsweredEnodevOnAHungUpNodeReadsAsDoneAndIsCounted) {
  EXPECT_IN_CHILD(inChildWithEnodevFor(VIDIOC_QBUF, [] {
    const std::uint64_t before = guardedCalls();
    base::UniqueFd node = hungUpFile();
    v4l2_buffer buffer{};
    buffer.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    const int result = ::ioctl(node.get(), VIDIOC_QBUF, &buffer);
    return node.valid() && result == 0 && guardedCalls() == before + 1;
  }));
}

TEST(StreamOffGuard, EnodevFromAnyOtherIoctlStaysAnError) {
  EXPECT_IN_CHILD(inChildWithEnodevFor(VIDIOC_STREAMON, [] {
    const std::uint64_t before = guardedCalls();
    base::UniqueFd node = hungUpFile();
    int type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    const int result = ::ioctl(node.get(), VIDIOC_STREAMON, &type);
    return node.valid() && result == -1 && errno == ENODEV && guardedCalls() == before;
  }));
}

TEST(StreamOffGuard, AStreamOffFailingOtherwiseStaysAnError) {
  int result = 0;
  int error = 0;
  base::UniqueFd node = hungUpFile();
  ASSERT_TRUE(streamOffOn(node.get(), result, error));
  EXPECT_EQ(result, -1);
  EXPECT_EQ(error, ENOTTY);  // a pipe is no video node
  int type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
  EXPECT_EQ(::ioctl(-1, VIDIOC_STREAMOFF, &type), -1);
  EXPECT_EQ(errno, EBADF);
}

TEST(StreamOffGuard, OrdinaryIoctlsGetTheKernelsAnswer) {
  std::array<int, 2> ends{};
  ASSERT_EQ(::pipe2(ends.data(), O_CLOEXEC), 0);
  base::UniqueFd reader(ends[0]);
  base::UniqueFd writer(ends[1]);
  ASSERT_EQ(::write(writer.get(), "frame", 5), 5);
  int queued = 0;
  ASSERT_EQ(::ioctl(reader.get(), FIONREAD, &queued), 0);
  EXPECT_EQ(queued, 5);
}

TEST(StreamOffGuard, OnlyEnodevFromStreamOffOrQbufOnAHungUpNodeIsTurnedIntoSuccess) {
  EXPECT_TRUE(guardTurnsIntoSuccess(VIDIOC_STREAMOFF, -1, ENODEV, true));
  EXPECT_FALSE(guardTurnsIntoSuccess(VIDIOC_STREAMOFF, -1, ENODEV, false));
  EXPECT_FALSE(guardTurnsIntoSuccess(VIDIOC_STREAMOFF, -1, EINVAL, true));
  EXPECT_FALSE(guardTurnsIntoSuccess(VIDIOC_STREAMOFF, 0, ENODEV, true));
  EXPECT_TRUE(guardTurnsIntoSuccess(VIDIOC_QBUF, -1, ENODEV, true));
  EXPECT_FALSE(guardTurnsIntoSuccess(VIDIOC_QBUF, -1, ENODEV, false));
  EXPECT_FALSE(guardTurnsIntoSuccess(VIDIOC_REQBUFS, -1, ENODEV, true));
  EXPECT_FALSE(guardTurnsIntoSuccess(VIDIOC_DQBUF, -1, ENODEV, true));
}

}  // namespace
}  // namespace vcam::source::lc
