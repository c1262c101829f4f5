// SPDX-License-Identifier: MIT
// The stream-off guard (this executable's ioctl): a STREAMOFF the kernel answers ENODEV (an
// unregistered video node) reads as done; every other call and outcome passes through. The
// kernel's answer is made up with a seccomp filter in a child process, the one way to get
// ENODEV from a real ioctl without a video device (tools/hotplug runs it on vimc:
// stop_after_unplug_test.cpp).
#include <gtest/gtest.h>

#include <fcntl.h>
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

// Makes the kernel answer ENODEV to every ioctl with request `request` in this process.
bool answerEnodevTo(unsigned long request) {
  constexpr auto kArgLow = static_cast<std::uint32_t>(offsetof(seccomp_data, args[1]));
  std::array<sock_filter, 6> program{{
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

// Runs `body` in a child whose ioctls with `request` the kernel answers ENODEV; the child's
// exit status: 0 when `body` held, 1 when not, 2 when the filter could not be set.
int inChildWithEnodevFor(unsigned long request, const std::function<bool()>& body) {
  const pid_t child = ::fork();
  if (child == 0) {
    if (!answerEnodevTo(request)) ::_exit(2);
    ::_exit(body() ? 0 : 1);
  }
  int status = -1;
  if (child < 0 || ::waitpid(child, &status, 0) != child || !WIFEXITED(status)) return -1;
  return WEXITSTATUS(status);
}

bool streamOffOnNull(int& result, int& error) {
  base::UniqueFd null(::open("/dev/null", O_RDWR | O_CLOEXEC));
  int type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
  errno = 0;
  result = ::ioctl(null.get(), VIDIOC_STREAMOFF, &type);
  error = errno;
  return null.valid();
}

TEST(StreamOffGuard, StandsInFrontOfEveryIoctlCallOfThisExecutable) {
  EXPECT_TRUE(streamOffGuardActive());
}

TEST(StreamOffGuard, AStreamOffTheKernelAnswersEnodevReadsAsDoneAndIsCounted) {
  EXPECT_EQ(inChildWithEnodevFor(VIDIOC_STREAMOFF,
                                 [] {
                                   const std::uint64_t before = streamOffsGuarded();
                                   int result = -1;
                                   int error = 0;
                                   return streamOffOnNull(result, error) && result == 0 &&
                                          streamOffsGuarded() == before + 1;
                                 }),
            0);
}

TEST(StreamOffGuard, EnodevFromAnyOtherIoctlStaysAnError) {
  EXPECT_EQ(inChildWithEnodevFor(VIDIOC_STREAMON,
                                 [] {
                                   const std::uint64_t before = streamOffsGuarded();
                                   base::UniqueFd null(::open("/dev/null", O_RDWR | O_CLOEXEC));
                                   int type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
                                   const int result = ::ioctl(null.get(), VIDIOC_STREAMON, &type);
                                   return result == -1 && errno == ENODEV &&
                                          streamOffsGuarded() == before;
                                 }),
            0);
}

TEST(StreamOffGuard, AStreamOffFailingOtherwiseStaysAnError) {
  int result = 0;
  int error = 0;
  ASSERT_TRUE(streamOffOnNull(result, error));
  EXPECT_EQ(result, -1);
  EXPECT_EQ(error, ENOTTY);  // /dev/null is no video node
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

TEST(StreamOffGuard, OnlyEnodevFromStreamOffIsTurnedIntoSuccess) {
  EXPECT_TRUE(streamOffMetUnregisteredNode(VIDIOC_STREAMOFF, -1, ENODEV));
  EXPECT_FALSE(streamOffMetUnregisteredNode(VIDIOC_STREAMOFF, -1, EINVAL));
  EXPECT_FALSE(streamOffMetUnregisteredNode(VIDIOC_STREAMOFF, 0, ENODEV));
  EXPECT_FALSE(streamOffMetUnregisteredNode(VIDIOC_REQBUFS, -1, ENODEV));
}

}  // namespace
}  // namespace vcam::source::lc
