// SPDX-License-Identifier: MIT
// libcamera 0.0.3 with the stream-off guard: stopping a camera whose video node was just
// unregistered (vimc unbound with requests still queued, one more queued after it) returns,
// with every request back (the ones not captured cancelled), instead of aborting in
// V4L2VideoDevice::streamOff() or PipelineHandler::stop(). Needs
// vimc and root: it skips elsewhere; tests/xen/tools/hotplug runs it in a VM with vimc.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include <libcamera/camera.h>
#include <libcamera/camera_manager.h>
#include <libcamera/framebuffer_allocator.h>
#include <libcamera/request.h>
#include <libcamera/stream.h>

#include "backend/base/unique_fd.h"
#include "backend/source/libcamera/stream_off_guard.h"

namespace vcam::source::lc {
namespace {

using namespace std::chrono_literals;

constexpr std::string_view kDriver = "/sys/bus/platform/drivers/vimc/";
constexpr std::string_view kDevice = "vimc.0";
constexpr std::string_view kCameraId = "platform/vimc.0 Sensor B";

std::string driverFile(std::string_view file) {
  std::string path(kDriver);
  path.append(file);
  return path;
}

bool writeDriverFile(std::string_view file) {
  base::UniqueFd fd(::open(driverFile(file).c_str(), O_WRONLY | O_CLOEXEC));
  return fd &&
         ::write(fd.get(), kDevice.data(), kDevice.size()) == static_cast<ssize_t>(kDevice.size());
}

class StopAfterUnplugTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::access(driverFile("unbind").c_str(), W_OK) != 0) {
      GTEST_SKIP() << "no vimc driver to unbind here (needs vimc and root)";
    }
    ASSERT_EQ(manager_.start(), 0);
    camera_ = manager_.get(std::string(kCameraId));
    if (!camera_) GTEST_SKIP() << "no camera '" << kCameraId << "'";
    ASSERT_EQ(camera_->acquire(), 0);
    acquired_ = true;
  }

  void TearDown() override {
    if (camera_) camera_->requestCompleted.disconnect(this);
    requests_.clear();
    allocator_.reset();
    if (acquired_) static_cast<void>(camera_->release());
    camera_.reset();
    manager_.stop();
    if (unbound_) {
      EXPECT_TRUE(writeDriverFile("bind")) << "vimc could not be bound again";
    }
  }

  void completed(libcamera::Request* request) {
    std::lock_guard<std::mutex> lock(mutex_);
    ++completions_;
    if (request->status() == libcamera::Request::RequestCancelled) ++cancelled_;
    if (firstDone_ == nullptr) firstDone_ = request;
    changed_.notify_all();
  }

  libcamera::CameraManager manager_;
  std::shared_ptr<libcamera::Camera> camera_;
  std::unique_ptr<libcamera::FrameBufferAllocator> allocator_;
  std::vector<std::unique_ptr<libcamera::Request>> requests_;
  bool acquired_ = false;
  bool unbound_ = false;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::size_t completions_ = 0;
  std::size_t cancelled_ = 0;
  libcamera::Request* firstDone_ = nullptr;
};

// As a stream's stop meets it: requests queued before the unplug, and one queued after it
// (libcamera's QBUF fails on the dead node), then Camera::stop().
TEST_F(StopAfterUnplugTest, StopReturnsWithEveryRequestBackWhenTheNodeJustVanished) {
  std::unique_ptr<libcamera::CameraConfiguration> config =
      camera_->generateConfiguration({libcamera::StreamRole::VideoRecording});
  ASSERT_TRUE(config && config->size() == 1);
  config->at(0).bufferCount = 8;  // queued at the unplug: vimc completes one a frame
  ASSERT_NE(config->validate(), libcamera::CameraConfiguration::Invalid);
  ASSERT_EQ(camera_->configure(config.get()), 0);
  libcamera::Stream* stream = config->at(0).stream();
  allocator_ = std::make_unique<libcamera::FrameBufferAllocator>(camera_);
  ASSERT_GT(allocator_->allocate(stream), 1);
  for (const std::unique_ptr<libcamera::FrameBuffer>& buffer : allocator_->buffers(stream)) {
    std::unique_ptr<libcamera::Request> request = camera_->createRequest();
    ASSERT_TRUE(request);
    ASSERT_EQ(request->addBuffer(stream, buffer.get()), 0);
    requests_.push_back(std::move(request));
  }
  camera_->requestCompleted.connect(this,
                                    [this](libcamera::Request* request) { completed(request); });
  ASSERT_EQ(camera_->start(), 0);
  for (const std::unique_ptr<libcamera::Request>& request : requests_) {
    ASSERT_EQ(camera_->queueRequest(request.get()), 0);
  }
  {
    std::unique_lock<std::mutex> lock(mutex_);
    ASSERT_TRUE(changed_.wait_for(lock, 60s, [&] { return completions_ >= 1; }))
        << "vimc delivered no frame";
    ASSERT_LT(completions_, requests_.size()) << "every request completed before the unbind";
  }

  const std::uint64_t guardedBefore = guardedCalls();
  ASSERT_TRUE(writeDriverFile("unbind"));  // the video node is unregistered when this returns
  unbound_ = true;
  libcamera::Request* again = nullptr;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    again = firstDone_;
  }
  again->reuse(libcamera::Request::ReuseBuffers);
  ASSERT_EQ(camera_->queueRequest(again), 0);  // its QBUF runs on libcamera's thread, first
  EXPECT_EQ(camera_->stop(), 0);  // without the guard: libcamera's assertions abort here

  EXPECT_EQ(guardedCalls(), guardedBefore + 2) << "the QBUF and the STREAMOFF, guarded";
  std::lock_guard<std::mutex> lock(mutex_);
  EXPECT_EQ(completions_, requests_.size() + 1);  // the first one twice
  EXPECT_GE(cancelled_, 2U);  // at least the one queued after the unplug and one before
}

}  // namespace
}  // namespace vcam::source::lc
