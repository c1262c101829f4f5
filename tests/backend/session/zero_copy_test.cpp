// SPDX-License-Identifier: MIT
// The zero-copy paths end to end over the emulated Xen, with the stand-in DMA camera
// (delivery = "dma-test"): the camera writes straight into the guest's exported pages (path 1)
// or lends its own memory for be-alloc (path 2), 0 bytes copied; where a path cannot be taken
// the session says why once and frames are copied. Every frame checked byte for byte.
#include <gtest/gtest.h>

#include <regex>
#include <string>
#include <tuple>

#include "tests/backend/session/backend_harness.h"
#include "tests/backend/session/format_cases.h"
#include "tests/backend/session/streaming.h"

namespace vcam::session {
namespace {

using test::kGuestA;
using test::kGuestB;
using test::PlanePlacement;

using test::FormatCase;
constexpr const auto& kFormats = test::kFormatKinds;
constexpr std::uint32_t kYuyv = 0x56595559;
constexpr std::uint32_t kYuv420m = 0x32314d59;

proto::FrontendConfig cameraConfig(std::uint32_t fourcc, bool beAlloc) {
  proto::FrontendConfig config;
  config.beAlloc = beAlloc;
  config.uniqueId = "cam0";
  config.maxBuffers = 8;
  config.formats = {{fourcc, {{{64, 48}, {{200, 1}}}}}};
  return config;
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t found = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) {
    ++found;
  }
  return found;
}

// One session's closing figures: frames delivered, those the camera wrote itself, bytes
// copied per frame.
struct Figures {
  unsigned delivered = 0, direct = 0, copied = 0;
};

std::vector<Figures> figuresIn(const std::string& log) {
  static const std::regex line(
      R"((\d+) frames delivered \((\d+) written by the camera itself\), \d+ skipped; )"
      R"(bytes per frame: \d+ rendered in place, (\d+) copied)");
  std::vector<Figures> all;
  for (std::sregex_iterator it(log.begin(), log.end(), line), end; it != end; ++it) {
    all.push_back({static_cast<unsigned>(std::stoul((*it)[1])),
                   static_cast<unsigned>(std::stoul((*it)[2])),
                   static_cast<unsigned>(std::stoul((*it)[3]))});
  }
  return all;
}

class ZeroCopyTest : public test::BackendHarness {
 protected:
  // Streams `frames` frames of `fourcc` from the DMA test camera into 2 buffers of guest A
  // and returns the backend's log.
  std::string streamOnce(std::uint32_t fourcc, bool beAlloc, int frames,
                         PlanePlacement placement = PlanePlacement::kPacked) {
    attach(kGuestA, cameraConfig(fourcc, beAlloc));
    startBackend(test::testPatternCameras({GuestLimitsConfig{}, false, true}), true);
    auto client = connect(guestA_);
    EXPECT_TRUE(client);
    if (!client) return stopBackend();
    Result<proto::BufLayout> layout = test::startStreaming(*client, fourcc, 64, 48, 2, placement);
    EXPECT_TRUE(layout) << layout.error().message;
    if (layout) {
      EXPECT_EQ(
          test::expectTestPatternFrames(*client, *layout, fourcc, 64, 48, 2, frames, placement)
              .size(),
          static_cast<std::size_t>(frames));
    }
    client.reset();
    return stopBackend();
  }
};

using PathParam = std::tuple<FormatCase, bool>;

class ZeroCopyMatrixTest : public ZeroCopyTest, public ::testing::WithParamInterface<PathParam> {};

TEST_P(ZeroCopyMatrixTest, TheCameraWritesEveryFrameIntoTheGuestsBufferWithNoCopy) {
  const auto [format, beAlloc] = GetParam();
  const std::string log = streamOnce(format.fourcc, beAlloc, 6);
  EXPECT_EQ(count(log, beAlloc ? "zero copy: the camera writes its own buffers, granted to the "
                                 "guest (be-alloc)"
                               : "zero copy: the camera writes the guest's pages (gntdev dma-buf)"),
            1u)
      << log;
  EXPECT_EQ(count(log, "no zero copy"), 0u) << log;
  const std::vector<Figures> figures = figuresIn(log);
  ASSERT_EQ(figures.size(), 1u) << log;
  // The camera runs on while the guest disconnects: it may have posted a frame or two more.
  EXPECT_GE(figures[0].delivered, 6u);
  EXPECT_EQ(figures[0].direct, figures[0].delivered);
  EXPECT_EQ(figures[0].copied, 0u);
}

std::string pathCaseName(const ::testing::TestParamInfo<PathParam>& info) {
  const auto& [format, beAlloc] = info.param;
  return std::string(format.kind) + (beAlloc ? "_cameraMemoryGranted" : "_guestPagesExported");
}

INSTANTIATE_TEST_SUITE_P(Paths, ZeroCopyMatrixTest,
                         ::testing::Combine(::testing::ValuesIn(kFormats), ::testing::Bool()),
                         pathCaseName);

// Debian's stock kernel: gntdev without dma-buf answers ENOTTY.
class WithoutGntdevDmaBufTest : public ZeroCopyTest {
 protected:
  void SetUp() override {
    brokerOptions_.gntdevDmaBuf = false;
    ZeroCopyTest::SetUp();
  }

  // The backend said once that gntdev has no dma-buf, and copied every YUYV 64x48 frame.
  static void expectCopiedBecauseOfGntdev(const std::string& log) {
    EXPECT_EQ(count(log, "no zero copy"), 1u) << log;
    EXPECT_EQ(count(log, "CONFIG_XEN_GNTDEV_DMABUF"), 1u) << log;
    const std::vector<Figures> figures = figuresIn(log);
    ASSERT_EQ(figures.size(), 1u) << log;
    EXPECT_EQ(figures[0].direct, 0u);
    EXPECT_EQ(figures[0].copied, 64u * 48 * 2);
  }
};

TEST_F(WithoutGntdevDmaBufTest, GuestPagesAreCopiedIntoAndTheBackendSaysWhyOnce) {
  expectCopiedBecauseOfGntdev(streamOnce(kYuyv, false, 6));
}

TEST_F(WithoutGntdevDmaBufTest, BeAllocGetsPagesOfTheBackendCopiedIntoAndSaysWhyOnce) {
  expectCopiedBecauseOfGntdev(streamOnce(kYuyv, true, 6));
}

TEST_F(ZeroCopyTest, BeAllocPlanesWhereTheCameraHasNoneAreCopiedIntoAndSaidOnce) {
  // The camera lends YUV420M buffers with the planes back to back; a guest wanting each plane
  // on its own pages gets pages of the backend's, copied into.
  const std::string log = streamOnce(kYuv420m, true, 6, PlanePlacement::kPageAligned);
  EXPECT_EQ(count(log, "no zero copy"), 1u) << log;
  EXPECT_EQ(count(log, "the guest wants plane 1 at offset"), 1u) << log;
  const std::vector<Figures> figures = figuresIn(log);
  ASSERT_EQ(figures.size(), 1u) << log;
  EXPECT_EQ(figures[0].direct, 0u);
  EXPECT_GT(figures[0].copied, 0u);
}

TEST_F(ZeroCopyTest, ABufferOfTheRunningCameraCannotBeDestroyedUntilStreamingStops) {
  // Freeing it would wait for the camera to let go of the dma-buf, stalling every guest.
  attach(kGuestA, cameraConfig(kYuyv, false));
  startBackend(test::testPatternCameras({GuestLimitsConfig{}, false, true}));
  auto client = connect(guestA_);
  ASSERT_TRUE(client);
  Result<proto::BufLayout> layout = test::startStreaming(*client, kYuyv, 64, 48, 2);
  ASSERT_TRUE(layout) << layout.error().message;
  test::expectTestPatternFrames(*client, *layout, kYuyv, 64, 48, 2, 2);
  using proto::Operation;
  Result<proto::Response> busy =
      client->callChecked({0, Operation::BufDestroy, proto::IndexRequest{0}});
  ASSERT_FALSE(busy);
  EXPECT_EQ(busy.error().code, EBUSY);
  ASSERT_TRUE(client->callChecked({0, Operation::StreamStop, {}}));
  Result<proto::Response> destroyed =
      client->callChecked({0, Operation::BufDestroy, proto::IndexRequest{0}});
  EXPECT_TRUE(destroyed) << destroyed.error().message;
}

TEST_F(ZeroCopyTest, ASecondGuestSwitchesTheCameraToCopiesAndTheFirstGetsZeroCopyBack) {
  attach(kGuestA, cameraConfig(kYuyv, false));
  guest(kGuestB);
  attach(kGuestB, cameraConfig(kYuyv, false));
  startBackend(test::testPatternCameras({GuestLimitsConfig{}, false, true}), true);
  auto a = connect(guestA_);
  ASSERT_TRUE(a);
  Result<proto::BufLayout> layoutA = test::startStreaming(*a, kYuyv, 64, 48, 2);
  ASSERT_TRUE(layoutA) << layoutA.error().message;
  // An even number of frames per step: each step starts with buffer 0 again.
  test::expectTestPatternFrames(*a, *layoutA, kYuyv, 64, 48, 2, 4);  // zero copy, alone

  auto b = connect(guest(kGuestB));
  ASSERT_TRUE(b);
  Result<proto::BufLayout> layoutB = test::startStreaming(*b, kYuyv, 64, 48, 2);
  ASSERT_TRUE(layoutB) << layoutB.error().message;
  test::expectTestPatternFrames(*a, *layoutA, kYuyv, 64, 48, 2, 4);  // copies, shared
  test::expectTestPatternFrames(*b, *layoutB, kYuyv, 64, 48, 2, 4);
  b.reset();
  test::expectTestPatternFrames(*a, *layoutA, kYuyv, 64, 48, 2, 6);  // alone again
  a.reset();

  const std::string log = stopBackend();
  const std::vector<Figures> figures = figuresIn(log);
  ASSERT_EQ(figures.size(), 2u) << log;
  const Figures& guestB = figures[0];  // B's session ends first
  const Figures& guestA = figures[1];
  EXPECT_EQ(guestB.direct, 0u) << log;
  EXPECT_GT(guestB.copied, 0u) << log;
  // 4 before B came; after it left, at most A's 2 buffers were filled with copies first.
  EXPECT_GE(guestA.direct, 8u) << log;
  EXPECT_LT(guestA.direct, guestA.delivered) << log;  // and copies while B streamed
  EXPECT_EQ(count(log, "no zero copy"), 0u) << log;
}

}  // namespace
}  // namespace vcam::session
