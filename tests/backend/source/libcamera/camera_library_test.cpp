// SPDX-License-Identifier: MIT
// Tests of camera selectors, and of libcamera itself on a machine with or without cameras.
#include "backend/source/libcamera/camera_library.h"

#include <dirent.h>
#include <gtest/gtest.h>

#include <chrono>
#include <vector>

#include "backend/source/libcamera/camera_stream.h"

namespace vcam::source::lc {
namespace {

const std::vector<CameraInfo> kTwo{{"\\_SB_.PCI0-2.1:1.0-046d:0825", "Webcam C270", "external"},
                                   {"platform/vimc.0 Sensor B", "Sensor B", "front"}};

TEST(Selector, IdsMatchExactlyWithOrWithoutPrefix) {
  EXPECT_EQ(resolveSelector("platform/vimc.0 Sensor B", kTwo).value(), kTwo[1].id);
  EXPECT_EQ(resolveSelector("libcamera:platform/vimc.0 Sensor B", kTwo).value(), kTwo[1].id);
  EXPECT_EQ(resolveSelector("libcamera:\\_SB_.PCI0-2.1:1.0-046d:0825", kTwo).value(), kTwo[0].id);
  Result<std::string> partial = resolveSelector("platform/vimc.0", kTwo);
  ASSERT_FALSE(partial);
  EXPECT_EQ(partial.error().code, ENODEV);
  // The message lists what is there, so a configuration can be fixed from the log.
  EXPECT_NE(partial.error().message.find("#1 'platform/vimc.0 Sensor B' (Sensor B)"),
            std::string::npos)
      << partial.error().message;
}

TEST(Selector, IndexesCountFromZero) {
  EXPECT_EQ(resolveSelector("#0", kTwo).value(), kTwo[0].id);
  EXPECT_EQ(resolveSelector("libcamera:#1", kTwo).value(), kTwo[1].id);
  EXPECT_EQ(resolveSelector("#2", kTwo).error().code, ENODEV);
  for (const char* bad : {"#", "#01", "#-1", "#1x", "# 1", "#99999999999999999999999"}) {
    EXPECT_EQ(resolveSelector(bad, kTwo).error().code, EINVAL) << bad;
  }
  EXPECT_EQ(resolveSelector("", kTwo).error().code, EINVAL);
  EXPECT_EQ(resolveSelector("libcamera:", kTwo).error().code, EINVAL);
}

TEST(Selector, NoCameraSaysSoClearly) {
  Result<std::string> none = resolveSelector("#0", {});
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code, ENODEV);
  EXPECT_NE(none.error().message.find("no camera found (is udev running? libcamera needs it)"),
            std::string::npos)
      << none.error().message;
}

std::size_t threadCount() {
  std::size_t count = 0;
  DIR* tasks = ::opendir("/proc/self/task");
  if (tasks == nullptr) return 0;
  while (const dirent* entry = ::readdir(tasks)) count += entry->d_name[0] != '.';
  ::closedir(tasks);
  return count;
}

class LibcameraTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<std::unique_ptr<base::EventLoop>> created = base::EventLoop::create();
    ASSERT_TRUE(created);
    loop_ = std::move(created).value();
  }
  std::unique_ptr<base::EventLoop> loop_;
};

TEST_F(LibcameraTest, StartsListsAndStopsWithoutLeavingAThread) {
  const std::size_t before = threadCount();
  {
    Result<std::unique_ptr<CameraLibrary>> library = CameraLibrary::start(*loop_);
    ASSERT_TRUE(library) << library.error().message;
    EXPECT_GT(threadCount(), before);  // libcamera's camera manager thread
    const std::vector<CameraInfo> cameras = (*library)->cameras();
    for (const CameraInfo& camera : cameras) EXPECT_FALSE(camera.id.empty());
    if (cameras.empty()) {
      Result<std::string> anything = (*library)->resolve("anything");
      ASSERT_FALSE(anything);
      EXPECT_EQ(anything.error().code, ENODEV);
      EXPECT_NE(anything.error().message.find("no camera found (is udev running?"),
                std::string::npos)
          << anything.error().message;
      EXPECT_EQ(offeredFormats(**library, "anything").error().code, ENODEV);
      EXPECT_EQ(CameraStream::open(**library, "anything", *loop_).error().code, ENODEV);
    } else {
      EXPECT_EQ((*library)->resolve("#0").value(), cameras[0].id);
    }
    ASSERT_TRUE(loop_->runOnce());
  }
  // With a camera, libcamera's IPA proxy threads end after the manager returned: give them
  // a bounded moment.
  for (int i = 0; i < 100 && threadCount() != before; ++i) {
    static_cast<void>(loop_->runOnce(std::chrono::milliseconds(20)));
  }
  EXPECT_EQ(threadCount(), before);
}

TEST_F(LibcameraTest, OneLibraryPerProcessThenAnotherAfterIt) {
  Result<std::unique_ptr<CameraLibrary>> first = CameraLibrary::start(*loop_);
  ASSERT_TRUE(first) << first.error().message;
  Result<std::unique_ptr<CameraLibrary>> second = CameraLibrary::start(*loop_);
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code, EBUSY);
  first = makeError(ECANCELED, "dropped");  // destroys the first library
  Result<std::unique_ptr<CameraLibrary>> third = CameraLibrary::start(*loop_);
  EXPECT_TRUE(third) << third.error().message;
}

TEST_F(LibcameraTest, EveryCameraPresentOffersWhatItCanBeConfiguredAs) {
  // Runs its checks only where cameras exist (the QEMU harness with vimc); here it checks
  // that listing nothing is not an error.
  Result<std::unique_ptr<CameraLibrary>> library = CameraLibrary::start(*loop_);
  ASSERT_TRUE(library) << library.error().message;
  const std::vector<CameraInfo> cameras = (*library)->cameras();
  if (cameras.empty()) GTEST_SKIP() << "no camera on this machine";
  for (const CameraInfo& camera : cameras) {
    Result<std::vector<proto::FormatConfig>> formats = offeredFormats(**library, camera.id);
    ASSERT_TRUE(formats) << formats.error().message;
    for (const proto::FormatConfig& format : *formats) {
      ASSERT_FALSE(format.resolutions.empty());
      EXPECT_LE(format.resolutions.size(), proto::kMaxResolutionsPerFormat);
    }
    Result<std::unique_ptr<CameraStream>> stream = CameraStream::open(**library, camera.id, *loop_);
    ASSERT_TRUE(stream) << stream.error().message;
    const proto::FormatConfig& first = formats->front();
    Result<proto::FormatChoice> chosen =
        (*stream)->configure({first.fourcc, first.resolutions.front().resolution,
                              first.resolutions.front().frameRates.front()});
    ASSERT_TRUE(chosen) << chosen.error().message;
    EXPECT_EQ(chosen->fourcc, first.fourcc);
  }
}

}  // namespace
}  // namespace vcam::source::lc
