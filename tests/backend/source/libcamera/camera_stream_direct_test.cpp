// SPDX-License-Identifier: MIT
// Tests of CameraStream's direct mode (zero copy) on a real camera: they skip where there is
// none (this container cannot load vimc); the real-Xen harness runs them with vimc in dom0.
#include <gtest/gtest.h>

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "backend/base/unique_fd.h"
#include "backend/source/libcamera/camera_library.h"
#include "backend/source/libcamera/camera_stream.h"

namespace vcam::source::lc {
namespace {

using namespace std::chrono_literals;

class DirectCaptureTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<std::unique_ptr<base::EventLoop>> loop = base::EventLoop::create();
    ASSERT_TRUE(loop);
    loop_ = std::move(loop).value();
    Result<std::unique_ptr<CameraLibrary>> library = CameraLibrary::start(*loop_);
    ASSERT_TRUE(library) << library.error().message;
    library_ = std::move(library).value();
    const std::vector<CameraInfo> cameras = library_->cameras();
    if (cameras.empty()) {
      GTEST_SKIP() << "no camera here (this container cannot load vimc): the real-Xen "
                      "harness runs these with vimc and udev in dom0";
    }
    Result<std::vector<proto::FormatConfig>> formats = offeredFormats(*library_, cameras[0].id);
    ASSERT_TRUE(formats && !formats->empty());
    Result<std::unique_ptr<CameraStream>> stream =
        CameraStream::open(*library_, cameras[0].id, *loop_);
    ASSERT_TRUE(stream) << stream.error().message;
    stream_ = std::move(stream).value();
    // The smallest size of the first format: vimc under QEMU TCG is slow.
    const proto::FormatConfig& format = formats->front();
    const proto::ResolutionConfig& smallest = *std::min_element(
        format.resolutions.begin(), format.resolutions.end(), [](const auto& a, const auto& b) {
          return std::uint64_t{a.resolution.width} * a.resolution.height <
                 std::uint64_t{b.resolution.width} * b.resolution.height;
        });
    choice_ = {format.fourcc, smallest.resolution, smallest.frameRates.front()};
    Result<proto::FormatChoice> chosen = stream_->configure(choice_);
    ASSERT_TRUE(chosen) << chosen.error().message;
  }

  void TearDown() override {
    stream_.reset();
    library_.reset();
  }

  // Runs the loop until `done` or 20 s.
  bool runUntil(const std::function<bool()>& done) {
    const auto deadline = std::chrono::steady_clock::now() + 20s;
    while (!done()) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      if (!loop_->runOnce(50ms)) return false;
    }
    return true;
  }

  std::unique_ptr<base::EventLoop> loop_;
  std::unique_ptr<CameraLibrary> library_;
  std::unique_ptr<CameraStream> stream_;
  proto::FormatChoice choice_;
};

TEST_F(DirectCaptureTest, TheCamerasOwnBuffersAreGrantableAndFilledInPlace) {
  const long page = ::sysconf(_SC_PAGESIZE);
  std::map<DirectId, OwnedBuffer> owned;
  // More than one allocation's worth (libcamera allocates bufferCount at a time), so that
  // buffers also wait for a slot at the camera.
  for (int i = 0; i < 9; ++i) {
    Result<OwnedBuffer> buffer = stream_->allocateBuffer();
    ASSERT_TRUE(buffer) << buffer.error().message;
    EXPECT_GE(buffer->fd, 0);
    EXPECT_EQ(buffer->shape.size % static_cast<std::uint64_t>(page), 0U);
    EXPECT_GE(buffer->shape.size,
              buffer->shape.planeOffset[0] + stream_->directLayout().memPlanes[0].sizeImage);
    EXPECT_EQ(::lseek(buffer->fd, 0, SEEK_END), static_cast<off_t>(buffer->shape.size));
    EXPECT_TRUE(owned.emplace(buffer->id, *buffer).second) << "ids are unique";
  }
  std::map<DirectId, int> fills;
  std::optional<std::uint32_t> lastSequence;
  int frames = 0;
  std::optional<Error> failure;
  ASSERT_TRUE(stream_->startDirect(
      [&](const DirectFrame& frame) {
        ++frames;
        ++fills[frame.id];
        EXPECT_TRUE(owned.count(frame.id));
        EXPECT_GT(frame.bytesUsed, 0U);
        EXPECT_LE(frame.bytesUsed, owned[frame.id].shape.size);
        if (lastSequence) {
          EXPECT_GT(frame.sequence, *lastSequence);
        }
        lastSequence = frame.sequence;
        EXPECT_TRUE(stream_->queueBuffer(frame.id));
      },
      [&](const Error& error) { failure = error; }));
  for (const auto& [id, buffer] : owned) ASSERT_TRUE(stream_->queueBuffer(id));
  EXPECT_EQ(stream_->queueBuffer(owned.begin()->first).error().code, EINVAL);  // queued
  ASSERT_TRUE(runUntil([&] { return frames >= 27 || failure; }));
  ASSERT_FALSE(failure) << failure->message;
  EXPECT_EQ(fills.size(), owned.size()) << "every buffer, waiting ones too, got frames";
  stream_->stop();
  for (const auto& [id, buffer] : owned) stream_->removeBuffer(id);
}

TEST_F(DirectCaptureTest, LeftoverBuffersAreHandedOutWhileRunningThenItIsBusy) {
  Result<OwnedBuffer> first = stream_->allocateBuffer();
  ASSERT_TRUE(first) << first.error().message;
  ASSERT_TRUE(stream_->startDirect([](const DirectFrame&) {}, [](const Error&) {}));
  int more = 0;
  Result<OwnedBuffer> next = stream_->allocateBuffer();
  for (; next && more < 64; next = stream_->allocateBuffer()) ++more;
  ASSERT_FALSE(next);
  EXPECT_EQ(next.error().code, EBUSY) << next.error().message;
  EXPECT_LT(more, 64);
  stream_->stop();
  EXPECT_TRUE(stream_->allocateBuffer()) << "stopped, it allocates again";
}

TEST_F(DirectCaptureTest, ImportedDmaBufsAreFilled) {
  // Dma-bufs from elsewhere: the camera's own, imported a second time. Four of them: drivers
  // start streaming only with a few buffers queued (vimc wants two).
  std::vector<OwnedBuffer> sources;
  std::vector<DirectId> imported;
  for (int i = 0; i < 4; ++i) {
    Result<OwnedBuffer> source = stream_->allocateBuffer();
    ASSERT_TRUE(source) << source.error().message;
    ASSERT_EQ(source->shape.planeOffset[0], 0U);
    const BufferPlane plane{source->fd, 0, static_cast<std::uint32_t>(source->shape.size)};
    Result<DirectId> id = stream_->importBuffer(std::span<const BufferPlane>(&plane, 1));
    ASSERT_TRUE(id) << id.error().message;
    sources.push_back(*source);
    imported.push_back(*id);
  }
  std::vector<DirectFrame> filled;
  std::optional<Error> failure;
  ASSERT_TRUE(stream_->startDirect([&](const DirectFrame& frame) { filled.push_back(frame); },
                                   [&](const Error& error) { failure = error; }));
  for (DirectId id : imported) ASSERT_TRUE(stream_->queueBuffer(id));
  ASSERT_TRUE(runUntil([&] { return !filled.empty() || failure; }));
  ASSERT_FALSE(failure) << failure->message;
  EXPECT_NE(std::find(imported.begin(), imported.end(), filled.front().id), imported.end());
  stream_->stop();
  for (DirectId id : imported) stream_->removeBuffer(id);
  for (const OwnedBuffer& source : sources) stream_->removeBuffer(source.id);
}

TEST_F(DirectCaptureTest, ABufferThatIsNoDmaBufIsRefusedAtImport) {
  // A memfd is no dma-buf: refused before libcamera sees it, which would abort the process
  // when QBUF fails (libcamera 0.0.3 keeps the failed buffer's cache slot and streamOff()
  // asserts that none is left).
  const std::uint64_t size =
      (stream_->directLayout().memPlanes[0].sizeImage + 4095ULL) / 4096 * 4096;
  base::UniqueFd fd(::memfd_create("not-a-dma-buf", MFD_CLOEXEC));
  ASSERT_TRUE(fd.valid());
  ASSERT_EQ(::ftruncate(fd.get(), static_cast<off_t>(size)), 0);
  const BufferPlane plane{fd.get(), 0, static_cast<std::uint32_t>(size)};
  Result<DirectId> id = stream_->importBuffer(std::span<const BufferPlane>(&plane, 1));
  ASSERT_FALSE(id);
  EXPECT_EQ(id.error().code, EINVAL);
  EXPECT_NE(id.error().message.find("not a dma-buf"), std::string::npos) << id.error().message;
  EXPECT_FALSE(stream_->streaming());
}

TEST_F(DirectCaptureTest, BuffersOfAnEarlierConfigurationAndUnknownOnesAreRefused) {
  Result<OwnedBuffer> old = stream_->allocateBuffer();
  ASSERT_TRUE(old) << old.error().message;
  EXPECT_EQ(stream_->queueBuffer(old->id).error().code, EBUSY);  // not capturing directly
  ASSERT_TRUE(stream_->configure(choice_));
  ASSERT_TRUE(stream_->startDirect([](const DirectFrame&) {}, [](const Error&) {}));
  EXPECT_EQ(stream_->queueBuffer(old->id).error().code, EINVAL);
  EXPECT_EQ(stream_->queueBuffer(old->id + 1000).error().code, EINVAL);
  EXPECT_EQ(stream_->startDirect([](const DirectFrame&) {}, [](const Error&) {}).error().code,
            EBUSY);
  stream_->stop();
  stream_->removeBuffer(old->id);
}

TEST_F(DirectCaptureTest, RemovingABufferTheCameraHoldsStopsAndSaysSoLater) {
  Result<OwnedBuffer> buffer = stream_->allocateBuffer();
  ASSERT_TRUE(buffer) << buffer.error().message;
  std::vector<Error> failures;
  ASSERT_TRUE(stream_->startDirect([](const DirectFrame&) {},
                                   [&](const Error& error) { failures.push_back(error); }));
  ASSERT_TRUE(stream_->queueBuffer(buffer->id));
  stream_->removeBuffer(buffer->id);
  EXPECT_FALSE(stream_->streaming());
  EXPECT_TRUE(failures.empty()) << "reported from the loop, not from inside removeBuffer()";
  ASSERT_TRUE(runUntil([&] { return !failures.empty(); }));
  EXPECT_EQ(failures.size(), 1U);
}

}  // namespace
}  // namespace vcam::source::lc
