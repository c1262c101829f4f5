// SPDX-License-Identifier: MIT
// EventLoop: fd watches, timers, work posted from other threads, and teardown from callbacks.
#include "backend/base/event_loop.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <array>
#include <thread>

namespace vcam::base {
namespace {

using namespace std::chrono_literals;

struct Pipe {
  Pipe() {
    std::array<int, 2> ends{};
    EXPECT_EQ(::pipe(ends.data()), 0);
    read.reset(ends[0]);
    write.reset(ends[1]);
  }
  void poke() const { EXPECT_EQ(::write(write.get(), "x", 1), 1); }
  void drain() const {
    char byte = 0;
    EXPECT_EQ(::read(read.get(), &byte, 1), 1);
  }
  UniqueFd read;
  UniqueFd write;
};

std::unique_ptr<EventLoop> makeLoop() {
  Result<std::unique_ptr<EventLoop>> loop = EventLoop::create();
  EXPECT_TRUE(loop) << loop.error().message;
  return std::move(loop).value();
}

TEST(EventLoop, CallsTheWatcherOfAReadableFd) {
  auto loop = makeLoop();
  Pipe pipe;
  int calls = 0;
  auto watch = loop->watchReadable(pipe.read.get(), [&] {
    pipe.drain();
    ++calls;
    loop->stop();
  });
  ASSERT_TRUE(watch);
  pipe.poke();
  ASSERT_TRUE(loop->run());
  EXPECT_EQ(calls, 1);
}

TEST(EventLoop, ADestroyedWatchIsNeverCalled) {
  auto loop = makeLoop();
  Pipe pipe;
  int calls = 0;
  auto watch = loop->watchReadable(pipe.read.get(), [&] { ++calls; });
  ASSERT_TRUE(watch);
  watch->reset();
  pipe.poke();
  ASSERT_TRUE(loop->runOnce(10ms));
  EXPECT_EQ(calls, 0);
}

TEST(EventLoop, ACallbackMayDestroyItsOwnWatchAndAnother) {
  auto loop = makeLoop();
  Pipe first, second;
  int secondCalls = 0;
  LoopHandle other;
  LoopHandle self;
  auto otherWatch = loop->watchReadable(second.read.get(), [&] { ++secondCalls; });
  ASSERT_TRUE(otherWatch);
  other = std::move(otherWatch).value();
  auto selfWatch = loop->watchReadable(first.read.get(), [&] {
    self.reset();
    other.reset();
  });
  ASSERT_TRUE(selfWatch);
  self = std::move(selfWatch).value();
  first.poke();
  second.poke();
  ASSERT_TRUE(loop->runOnce(10ms));
  ASSERT_TRUE(loop->runOnce(10ms));
  EXPECT_FALSE(self.active());
  EXPECT_LE(secondCalls, 1);  // at most the call in the same round, before the removal
  ASSERT_TRUE(loop->runOnce(10ms));
  const int settled = secondCalls;
  ASSERT_TRUE(loop->runOnce(10ms));
  EXPECT_EQ(secondCalls, settled);
}

TEST(EventLoop, AOneShotTimerFiresOnce) {
  auto loop = makeLoop();
  int fired = 0;
  auto timer = loop->addTimer(1ms, false, [&] { ++fired; });
  ASSERT_TRUE(timer);
  auto stopper = loop->addTimer(30ms, false, [&] { loop->stop(); });
  ASSERT_TRUE(stopper);
  ASSERT_TRUE(loop->run());
  EXPECT_EQ(fired, 1);
}

TEST(EventLoop, ARepeatingTimerKeepsFiringUntilDestroyed) {
  auto loop = makeLoop();
  int fired = 0;
  LoopHandle timer;
  auto added = loop->addTimer(1ms, true, [&] {
    if (++fired == 3) {
      timer.reset();
      loop->stop();
    }
  });
  ASSERT_TRUE(added);
  timer = std::move(added).value();
  ASSERT_TRUE(loop->run());
  EXPECT_EQ(fired, 3);
}

TEST(EventLoop, WorkPostedFromAnotherThreadRunsOnTheLoopThread) {
  auto loop = makeLoop();
  std::thread::id ranOn;
  std::thread poster([&] {
    loop->post([&] {
      ranOn = std::this_thread::get_id();
      loop->stop();
    });
  });
  ASSERT_TRUE(loop->run());
  poster.join();
  EXPECT_EQ(ranOn, std::this_thread::get_id());
}

TEST(EventLoop, WorkPostedBeforeStopStillRuns) {
  auto loop = makeLoop();
  bool ran = false;
  loop->post([&] { loop->stop(); });
  loop->post([&] { ran = true; });
  ASSERT_TRUE(loop->run());
  EXPECT_TRUE(ran);
}

TEST(EventLoop, StopFromAnotherThreadEndsRun) {
  auto loop = makeLoop();
  std::thread stopper([&] { loop->stop(); });
  ASSERT_TRUE(loop->run());
  stopper.join();
}

}  // namespace
}  // namespace vcam::base
