// SPDX-License-Identifier: MIT
// CameraHub's zero-copy mode: the camera fills the buffers of a user streaming alone
// (DirectCapture), switches to its own buffers (frames fanned out) while several stream, goes
// back when one is left, and falls back for good, telling the user, when direct capture fails.
#include <gtest/gtest.h>

#include <cerrno>
#include <vector>

#include "backend/session/camera_hub.h"

namespace vcam::session {
namespace {

constexpr proto::FormatChoice kYuyv{0x56595559, {64, 48}, {30, 1}};

enum class Running { No, Shared, Direct };

// A camera with both modes; it records what the hub asked and lets the test play the camera.
class ScriptedDirectCamera final : public CameraDriver, public DirectCapture {
 public:
  Status configure(const proto::FormatChoice& /*format*/) override { return {}; }
  Status start(FrameReady ready) override {
    running = Running::Shared;
    ready_ = std::move(ready);
    ++sharedStarts;
    return {};
  }
  void stop() override {
    running = Running::No;
    queued.clear();
  }
  Status setControl(proto::ControlType /*type*/, std::int64_t /*value*/) override { return {}; }
  void onLost(Lost lost) override { lost_ = std::move(lost); }
  DirectCapture* direct() override { return offersDirect ? this : nullptr; }

  const fourcc::Layout& layout() const override { return layout_; }
  Result<DirectBufferId> importBuffer(std::span<const DmaBufPlane> /*planes*/) override {
    return nextId_++;
  }
  Result<CameraOwnedBuffer> allocateBuffer() override { return makeError(ENOSPC, "none left"); }
  void removeBuffer(DirectBufferId /*id*/) override {}
  Status startDirect(Filled filled, Failed failed) override {
    running = Running::Direct;
    filled_ = std::move(filled);
    failed_ = std::move(failed);
    ++directStarts;
    return {};
  }
  Status queueBuffer(DirectBufferId id) override {
    if (refuseQueue) return makeError(EINVAL, "cannot import that dma-buf");
    queued.push_back(id);
    return {};
  }

  void fill(DirectBufferId id, std::uint32_t sequence) { filled_(id, sequence, 100); }
  void fail() { failed_(makeError(EFAULT, "the driver refused the buffer")); }
  void unplug() { lost_(makeError(ENODEV, "unplugged")); }

  bool offersDirect = true;
  bool refuseQueue = false;
  Running running = Running::No;
  int sharedStarts = 0;
  int directStarts = 0;
  std::vector<DirectBufferId> queued;

 private:
  fourcc::Layout layout_;
  FrameReady ready_;
  Lost lost_;
  Filled filled_;
  Failed failed_;
  DirectBufferId nextId_ = 1;
};

// A user with two buffers (camera ids 7 and 8), both queued.
struct DirectUser final : CameraUser {
  void frameDue(std::uint32_t /*sequence*/, FrameRenderer& /*renderer*/) override {}
  void controlChanged(proto::ControlType /*type*/, std::int64_t /*value*/) override {}
  void cameraLost(const Error& error) override { losses.push_back(error.message); }
  bool canCaptureDirect() const override { return capable && refusals.empty(); }
  Status beginDirect(DirectCapture& camera) override {
    ++begins;
    for (DirectBufferId id : {7u, 8u}) {
      if (Status queued = camera.queueBuffer(id); !queued) return queued;
    }
    return {};
  }
  void endDirect() override { ++ends; }
  void directFilled(DirectBufferId id, std::uint32_t sequence, std::uint32_t /*bytes*/) override {
    filled.emplace_back(id, sequence);
  }
  void directRefused(const Error& error) override { refusals.push_back(error.message); }

  bool capable = true;
  int begins = 0;
  int ends = 0;
  std::vector<std::pair<DirectBufferId, std::uint32_t>> filled;
  std::vector<std::string> refusals;
  std::vector<std::string> losses;
};

class CameraHubDirectTest : public ::testing::Test {
 protected:
  CameraHubDirectTest() {
    auto driver = std::make_unique<ScriptedDirectCamera>();
    camera_ = driver.get();
    hub_ = std::make_unique<CameraHub>("cam0", std::move(driver));
    for (DirectUser* user : {&a_, &b_}) {
      hub_->attach(user);
      EXPECT_TRUE(hub_->lock(user, kYuyv));
    }
  }

  DirectUser a_, b_;  // before the hub: users outlive the hub they attached to
  ScriptedDirectCamera* camera_ = nullptr;
  std::unique_ptr<CameraHub> hub_;
};

TEST_F(CameraHubDirectTest, AUserStreamingAloneHasTheCameraFillItsBuffers) {
  ASSERT_TRUE(hub_->startStreaming(&a_));
  EXPECT_EQ(camera_->running, Running::Direct);
  EXPECT_EQ(a_.begins, 1);
  EXPECT_EQ(camera_->queued, (std::vector<DirectBufferId>{7, 8}));
  camera_->fill(7, 0);
  EXPECT_EQ(a_.filled, (std::vector<std::pair<DirectBufferId, std::uint32_t>>{{7, 0}}));
}

TEST_F(CameraHubDirectTest, ASecondStreamerMovesTheCameraToItsOwnBuffersAndBackWhenItStops) {
  ASSERT_TRUE(hub_->startStreaming(&a_));
  ASSERT_TRUE(hub_->startStreaming(&b_));
  EXPECT_EQ(camera_->running, Running::Shared);
  EXPECT_EQ(a_.ends, 1);  // a's buffers are a's again
  EXPECT_EQ(b_.begins, 0);
  hub_->stopStreaming(&b_);
  EXPECT_EQ(camera_->running, Running::Direct);
  EXPECT_EQ(a_.begins, 2);
  EXPECT_EQ(camera_->directStarts, 2);
  EXPECT_EQ(camera_->sharedStarts, 1);
}

TEST_F(CameraHubDirectTest, StoppingTheDirectUserStopsTheCameraAndReturnsItsBuffers) {
  ASSERT_TRUE(hub_->startStreaming(&a_));
  hub_->stopStreaming(&a_);
  EXPECT_EQ(camera_->running, Running::No);
  EXPECT_EQ(a_.ends, 1);
}

TEST_F(CameraHubDirectTest, AUserWhoseBuffersTheCameraCannotTakeGetsFramesFromItsOwnBuffers) {
  a_.capable = false;
  ASSERT_TRUE(hub_->startStreaming(&a_));
  EXPECT_EQ(camera_->running, Running::Shared);
  EXPECT_EQ(a_.begins, 0);
}

TEST_F(CameraHubDirectTest, ACameraWithoutDirectCaptureRunsOnItsOwnBuffers) {
  camera_->offersDirect = false;
  ASSERT_TRUE(hub_->startStreaming(&a_));
  EXPECT_EQ(camera_->running, Running::Shared);
}

TEST_F(CameraHubDirectTest, ABufferRefusedWhenQueuedFallsBackToCopiesAndTellsTheUserOnce) {
  camera_->refuseQueue = true;
  ASSERT_TRUE(hub_->startStreaming(&a_));
  EXPECT_EQ(camera_->running, Running::Shared);
  EXPECT_EQ(a_.ends, 1);
  ASSERT_EQ(a_.refusals.size(), 1u);
  EXPECT_NE(a_.refusals[0].find("cannot import that dma-buf"), std::string::npos);
}

TEST_F(CameraHubDirectTest, ACameraFailingMidStreamFallsBackToCopiesForGood) {
  ASSERT_TRUE(hub_->startStreaming(&a_));
  camera_->fail();
  EXPECT_EQ(camera_->running, Running::Shared);
  EXPECT_EQ(a_.ends, 1);
  ASSERT_EQ(a_.refusals.size(), 1u);
  EXPECT_NE(a_.refusals[0].find("the driver refused the buffer"), std::string::npos);
  // Another streamer coming and going does not try the refused user's buffers again.
  ASSERT_TRUE(hub_->startStreaming(&b_));
  hub_->stopStreaming(&b_);
  EXPECT_EQ(camera_->running, Running::Shared);
  EXPECT_EQ(a_.begins, 1);
}

TEST_F(CameraHubDirectTest, ACameraUnpluggedWhileFillingAUsersBuffersGivesThemBackAndFailsIt) {
  ASSERT_TRUE(hub_->startStreaming(&a_));
  camera_->unplug();
  EXPECT_EQ(camera_->running, Running::No);
  EXPECT_EQ(a_.ends, 1);  // before the failure: the session may free its buffers at once
  ASSERT_EQ(a_.losses.size(), 1u);
  EXPECT_NE(a_.losses[0].find("unplugged"), std::string::npos);
  EXPECT_EQ(b_.losses.size(), 1u);
  EXPECT_FALSE(hub_->startStreaming(&a_));
}

TEST_F(CameraHubDirectTest, ADirectFailureReportedForAUserNotCapturingDirectChangesNothing) {
  ASSERT_TRUE(hub_->startStreaming(&a_));
  ASSERT_TRUE(hub_->startStreaming(&b_));
  hub_->directFailed(&a_, makeError(EINVAL, "late"));
  EXPECT_EQ(camera_->running, Running::Shared);
  EXPECT_TRUE(a_.refusals.empty());
}

}  // namespace
}  // namespace vcam::session
