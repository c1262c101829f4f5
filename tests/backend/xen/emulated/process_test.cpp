// SPDX-License-Identifier: MIT
// The process helpers: exit codes, kill on destruction, timeouts, pipes, and children not
// inheriting their parent's Xen handles.
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>

#include <gtest/gtest.h>

#include "emulated_test_support.h"

namespace vcam::xen::emu::testing {
namespace {

TEST(ChildProcessTest, WaitGivesTheBodysReturnValue) {
  Result<ChildProcess> child = ChildProcess::start([] { return 42; });
  ASSERT_TRUE(child.ok()) << child.error().message;
  Result<int> code = child->wait();
  ASSERT_TRUE(code.ok()) << code.error().message;
  EXPECT_EQ(*code, 42);
  EXPECT_EQ(child->wait().value(), 42);  // asking again gives the same answer
}

TEST(ChildProcessTest, ChildKilledByASignalReportsOneHundredTwentyEightPlusIt) {
  Result<ChildProcess> child = ChildProcess::start([] {
    ::raise(SIGKILL);
    return 0;
  });
  ASSERT_TRUE(child.ok());
  EXPECT_EQ(child->wait().value(), 128 + SIGKILL);
}

TEST(ChildProcessTest, WaitTimesOutWhileTheChildRuns) {
  Result<MessagePipe> pipe = MessagePipe::create();
  ASSERT_TRUE(pipe.ok());
  Result<ChildProcess> child =
      ChildProcess::start([&] { return pipe->child().receive().ok() ? 0 : 1; });
  ASSERT_TRUE(child.ok());
  Result<int> early = child->wait(0);
  ASSERT_FALSE(early.ok());
  EXPECT_EQ(early.error().code, ETIMEDOUT);
  ASSERT_TRUE(pipe->parent().send("go").ok());
  EXPECT_EQ(child->wait().value(), 0);
}

TEST(ChildProcessTest, DestructionKillsAndReapsARunningChild) {
  Result<MessagePipe> pipe = MessagePipe::create();
  ASSERT_TRUE(pipe.ok());
  pid_t pid = -1;
  {
    Result<ChildProcess> child = ChildProcess::start([&] {
      (void)pipe->child().receive(-1);  // blocks until killed
      return 0;
    });
    ASSERT_TRUE(child.ok());
    pid = child->pid();
    EXPECT_EQ(::kill(pid, 0), 0);
  }
  EXPECT_EQ(::kill(pid, 0), -1);  // reaped: the pid names nobody of ours any more
  EXPECT_EQ(errno, ESRCH);
}

TEST(ChildProcessTest, ChildThatLeaksMemoryFailsInSanitizerBuilds) {
#if !defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "leak checks run in AddressSanitizer builds only";
#else
  Result<ChildProcess> child = ChildProcess::start([] {
    // Keep only a disguised copy of the pointer: to LeakSanitizer the block is unreachable.
    static volatile std::uintptr_t disguised = 0;
    disguised = reinterpret_cast<std::uintptr_t>(std::malloc(64)) ^ 0x5a5a5a5aU;
    return disguised != 0 ? 0 : 1;
  });
  ASSERT_TRUE(child.ok());
  EXPECT_EQ(child->wait().value(), kChildLeaked);
#endif
}

TEST(MessagePipeTest, CarriesTextAndNumbersBothWays) {
  Result<MessagePipe> pipe = MessagePipe::create();
  ASSERT_TRUE(pipe.ok());
  Result<ChildProcess> child = ChildProcess::start([&] {
    Result<std::vector<std::uint32_t>> numbers = pipe->child().receiveNumbers();
    CHILD_REQUIRE(numbers.ok() && *numbers == (std::vector<std::uint32_t>{8, 9, 4096}));
    CHILD_REQUIRE(pipe->child().send("thanks").ok());
    return 0;
  });
  ASSERT_TRUE(child.ok());
  const std::vector<std::uint32_t> numbers{8, 9, 4096};
  ASSERT_TRUE(pipe->parent().sendNumbers(numbers).ok());
  EXPECT_EQ(pipe->parent().receive().value(), "thanks");
  EXPECT_EQ(child->wait().value(), 0);
}

TEST(MessagePipeTest, ReceiveTimesOutWhenNothingComes) {
  Result<MessagePipe> pipe = MessagePipe::create();
  ASSERT_TRUE(pipe.ok());
  Result<std::string> nothing = pipe->parent().receive(0);
  ASSERT_FALSE(nothing.ok());
  EXPECT_EQ(nothing.error().code, ETIMEDOUT);
}

using DomainProcessTest = EmulatedXenTest;

TEST_F(DomainProcessTest, ChildDoesNotInheritItsParentsBrokerConnections) {
  XenTransport parent = connect(0);
  const int storeFd = parent.store->watchFd();
  const int eventsFd = parent.events->fd();
  Result<ChildProcess> child = ChildProcess::start([&] {
    CHILD_REQUIRE(::fcntl(storeFd, F_GETFD) == -1 && errno == EBADF);
    CHILD_REQUIRE(::fcntl(eventsFd, F_GETFD) == -1 && errno == EBADF);
    return 0;
  });
  ASSERT_TRUE(child.ok());
  EXPECT_EQ(child->wait().value(), 0);
  EXPECT_TRUE(parent.store->read(kNoTransaction, "domid").ok());  // ours still work
}

TEST_F(DomainProcessTest, DomainThatCannotReachTheBrokerExitsWithConnectFailed) {
  Result<DomainProcess> child =
      DomainProcess::start("/nonexistent/broker.sock", 1, [](XenTransport&) { return 0; });
  ASSERT_TRUE(child.ok());
  EXPECT_EQ(child->wait().value(), kChildConnectFailed);
}

}  // namespace
}  // namespace vcam::xen::emu::testing
