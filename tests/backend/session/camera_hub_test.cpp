// SPDX-License-Identifier: MIT
// CameraHub driving its CameraDriver: configured for the locked format, running exactly while
// someone streams, frames fanned out to every streaming user, controls passed on, and a lost
// camera failing every user once. A scripted driver stands in for the camera.
#include "backend/session/camera_hub.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <vector>

namespace vcam::session {
namespace {

constexpr proto::FormatChoice kYuyv{0x56595559, {64, 48}, {30, 1}};
constexpr proto::FormatChoice kNv12{0x3231564e, {64, 48}, {30, 1}};

// What the hub asked of the camera, and a way to play the camera's side.
struct DriverLog {
  std::vector<proto::FormatChoice> configured;
  int starts = 0;
  int stops = 0;
  std::vector<std::pair<proto::ControlType, std::int64_t>> controls;
  CameraDriver::FrameReady ready;
  CameraDriver::Lost lost;
  bool refuseFormats = false;
  bool running = false;
};

class ScriptedDriver final : public CameraDriver {
 public:
  explicit ScriptedDriver(DriverLog& log) : log_(log) {}
  Status configure(const proto::FormatChoice& format) override {
    if (log_.refuseFormats) return makeError(EINVAL, "this camera cannot");
    log_.configured.push_back(format);
    return {};
  }
  Status start(FrameReady ready) override {
    ++log_.starts;
    log_.running = true;
    log_.ready = std::move(ready);
    return {};
  }
  void stop() override {
    if (log_.running) ++log_.stops;
    log_.running = false;
  }
  Status setControl(proto::ControlType type, std::int64_t value) override {
    log_.controls.emplace_back(type, value);
    return {};
  }
  void onLost(Lost lost) override { log_.lost = std::move(lost); }

 private:
  DriverLog& log_;
};

struct NoRender final : FrameRenderer {
  Result<RenderedFrame> render(std::uint32_t, std::span<const std::span<std::byte>>) override {
    return RenderedFrame{};
  }
};

struct RecordingUser final : CameraUser {
  void frameDue(std::uint32_t sequence, FrameRenderer& /*renderer*/) override {
    frames.push_back(sequence);
  }
  void controlChanged(proto::ControlType type, std::int64_t value) override {
    changes.emplace_back(type, value);
  }
  void cameraLost(const Error& error) override { losses.push_back(error); }
  std::vector<std::uint32_t> frames;
  std::vector<std::pair<proto::ControlType, std::int64_t>> changes;
  std::vector<Error> losses;
};

class CameraHubTest : public ::testing::Test {
 protected:
  CameraHubTest() : hub_("cam0", std::make_unique<ScriptedDriver>(log_)) {
    hub_.attach(&a_);
    hub_.attach(&b_);
  }
  void deliver(std::uint32_t sequence) {
    NoRender frame;
    ASSERT_TRUE(log_.ready);
    log_.ready(sequence, frame);
  }

  DriverLog log_;
  CameraHub hub_;
  RecordingUser a_, b_;
};

TEST_F(CameraHubTest, TheFirstLockConfiguresTheCamera) {
  ASSERT_TRUE(hub_.lock(&a_, kYuyv));
  ASSERT_TRUE(hub_.lock(&b_, kYuyv));
  EXPECT_EQ(log_.configured, std::vector<proto::FormatChoice>{kYuyv});
}

TEST_F(CameraHubTest, AFormatTheCameraRefusesIsNotLocked) {
  log_.refuseFormats = true;
  Status locked = hub_.lock(&a_, kYuyv);
  ASSERT_FALSE(locked);
  EXPECT_EQ(locked.error().code, EINVAL);
  EXPECT_FALSE(hub_.lockedFormat());
}

TEST_F(CameraHubTest, AnotherFormatIsBusyWhileSomeoneElseHoldsTheLock) {
  ASSERT_TRUE(hub_.lock(&a_, kYuyv));
  Status locked = hub_.lock(&b_, kNv12);
  ASSERT_FALSE(locked);
  EXPECT_EQ(locked.error().code, EBUSY);
}

TEST_F(CameraHubTest, TheCameraRunsExactlyWhileSomeoneStreams) {
  ASSERT_TRUE(hub_.lock(&a_, kYuyv));
  ASSERT_TRUE(hub_.lock(&b_, kYuyv));
  ASSERT_TRUE(hub_.startStreaming(&a_));
  ASSERT_TRUE(hub_.startStreaming(&b_));
  EXPECT_EQ(log_.starts, 1);
  hub_.stopStreaming(&a_);
  EXPECT_TRUE(log_.running);
  hub_.stopStreaming(&b_);
  EXPECT_FALSE(log_.running);
  EXPECT_EQ(log_.stops, 1);
}

TEST_F(CameraHubTest, EachFrameGoesToEveryStreamingUser) {
  ASSERT_TRUE(hub_.lock(&a_, kYuyv));
  ASSERT_TRUE(hub_.lock(&b_, kYuyv));
  ASSERT_TRUE(hub_.startStreaming(&a_));
  deliver(7);
  ASSERT_TRUE(hub_.startStreaming(&b_));
  deliver(8);
  EXPECT_EQ(a_.frames, (std::vector<std::uint32_t>{7, 8}));
  EXPECT_EQ(b_.frames, (std::vector<std::uint32_t>{8}));
}

TEST_F(CameraHubTest, AControlGoesToTheCameraAndToTheOtherUsers) {
  ASSERT_TRUE(hub_.setControl(&a_, proto::ControlType::Contrast, 200));
  EXPECT_EQ(log_.controls.size(), 1u);
  EXPECT_TRUE(a_.changes.empty());
  ASSERT_EQ(b_.changes.size(), 1u);
  EXPECT_EQ(b_.changes[0].second, 200);
}

TEST_F(CameraHubTest, ALostCameraFailsEveryUserOnceAndRefusesWhatFollows) {
  ASSERT_TRUE(hub_.lock(&a_, kYuyv));
  ASSERT_TRUE(hub_.startStreaming(&a_));
  ASSERT_TRUE(log_.lost);
  log_.lost(makeError(ENODEV, "unplugged"));
  log_.lost(makeError(ENODEV, "unplugged again"));
  ASSERT_EQ(a_.losses.size(), 1u);
  ASSERT_EQ(b_.losses.size(), 1u);
  EXPECT_EQ(a_.losses[0].code, ENODEV);
  EXPECT_FALSE(log_.running);
  EXPECT_EQ(hub_.lock(&b_, kYuyv).error().code, ENODEV);
}

TEST(CameraRegistry, ACameraThatCannotBeOpenedFailsItsConnection) {
  Result<std::unique_ptr<base::EventLoop>> loop = base::EventLoop::create();
  ASSERT_TRUE(loop);
  CameraRegistry registry(
      **loop, [](base::EventLoop&, const std::string&) -> Result<std::unique_ptr<CameraDriver>> {
        return makeError(ENODEV, "no camera found");
      });
  Result<CameraHub*> hub = registry.hub("cam0");
  ASSERT_FALSE(hub);
  EXPECT_EQ(hub.error().code, ENODEV);
  EXPECT_NE(hub.error().message.find("no camera found"), std::string::npos);
}

TEST(CameraRegistry, ALostCameraGetsANewHubOnceItsUsersHaveGone) {
  Result<std::unique_ptr<base::EventLoop>> loop = base::EventLoop::create();
  ASSERT_TRUE(loop);
  std::vector<std::unique_ptr<DriverLog>> logs;
  CameraRegistry registry(
      **loop,
      [&logs](base::EventLoop&, const std::string&) -> Result<std::unique_ptr<CameraDriver>> {
        logs.push_back(std::make_unique<DriverLog>());
        return std::unique_ptr<CameraDriver>(new ScriptedDriver(*logs.back()));
      });
  Result<CameraHub*> first = registry.hub("cam0");
  ASSERT_TRUE(first);
  RecordingUser user;
  (*first)->attach(&user);
  logs.back()->lost(makeError(ENODEV, "unplugged"));
  EXPECT_EQ(registry.hub("cam0").value(), *first);  // still in use: the same, gone hub
  (*first)->detach(&user);
  Result<CameraHub*> second = registry.hub("cam0");
  ASSERT_TRUE(second);
  EXPECT_FALSE((*second)->gone());
  EXPECT_EQ(logs.size(), 2u);
}

}  // namespace
}  // namespace vcam::session
