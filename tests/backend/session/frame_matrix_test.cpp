// SPDX-License-Identifier: MIT
// End to end over the emulated Xen, for every kind of format x buffer count x allocation mode:
// each delivered frame equals the test pattern's frame of its sequence number, byte for byte
// (the renderer's output is pinned by golden checksums in tests/backend/source).
#include <gtest/gtest.h>

#include <tuple>

#include <vcamera/common/fourcc_code.h>

#include "tests/backend/session/backend_harness.h"
#include "tests/backend/session/format_cases.h"
#include "tests/backend/session/streaming.h"

namespace vcam::session {
namespace {

using test::kGuestA;

using test::FormatCase;
constexpr const auto& kFormats = test::kFormatKinds;
constexpr std::uint8_t kBufferCounts[] = {1, 2, 3, 8};

// Streams `buffers` buffers of `format` and checks buffers + 2 frames.
class FrameCheck : public test::BackendHarness {
 protected:
  void streamAndCheck(const FormatCase& format, std::uint8_t buffers, bool beAlloc,
                      test::TestCameraOptions cameras) {
    proto::FrontendConfig config;
    config.beAlloc = beAlloc;
    config.uniqueId = "cam0";
    config.maxBuffers = 8;
    config.formats = {{format.fourcc, {{{64, 48}, {{200, 1}}}}}};
    attach(kGuestA, config);
    startBackend(test::testPatternCameras(cameras));
    auto client = connect(guestA_);
    ASSERT_TRUE(client);
    Result<proto::BufLayout> layout = test::startStreaming(*client, format.fourcc, 64, 48, buffers);
    ASSERT_TRUE(layout) << layout.error().message;
    const std::vector<std::uint32_t> frames = test::expectTestPatternFrames(
        *client, *layout, format.fourcc, 64, 48, buffers, buffers + 2);
    EXPECT_EQ(frames.size(), buffers + 2u);
  }
};

using MatrixParam = std::tuple<FormatCase, std::uint8_t, bool>;

class FrameMatrixTest : public FrameCheck, public ::testing::WithParamInterface<MatrixParam> {};

TEST_P(FrameMatrixTest, EveryFrameIsTheTestPattern) {
  const auto [format, buffers, beAlloc] = GetParam();
  streamAndCheck(format, buffers, beAlloc, {});
}

// The copy path (delivery = "copy"): frames made in the backend's own 64-byte-aligned buffers
// reach the guest, byte for byte, in its own strides.
using CopyParam = std::tuple<FormatCase, bool>;

class CopiedFrameMatrixTest : public FrameCheck, public ::testing::WithParamInterface<CopyParam> {};

TEST_P(CopiedFrameMatrixTest, EveryCopiedFrameIsTheTestPattern) {
  const auto [format, beAlloc] = GetParam();
  streamAndCheck(format, 2, beAlloc, {GuestLimitsConfig{}, true});
}

std::string caseName(const ::testing::TestParamInfo<MatrixParam>& info) {
  const auto& [format, buffers, beAlloc] = info.param;
  return std::string(format.kind) + "_" + std::to_string(buffers) + "buffers_" +
         (beAlloc ? "beAlloc" : "frontendAlloc");
}

INSTANTIATE_TEST_SUITE_P(Formats, FrameMatrixTest,
                         ::testing::Combine(::testing::ValuesIn(kFormats),
                                            ::testing::ValuesIn(kBufferCounts), ::testing::Bool()),
                         caseName);

std::string copyCaseName(const ::testing::TestParamInfo<CopyParam>& info) {
  const auto& [format, beAlloc] = info.param;
  return std::string(format.kind) + "_" + (beAlloc ? "beAlloc" : "frontendAlloc");
}

INSTANTIATE_TEST_SUITE_P(Formats, CopiedFrameMatrixTest,
                         ::testing::Combine(::testing::ValuesIn(kFormats), ::testing::Bool()),
                         copyCaseName);

}  // namespace
}  // namespace vcam::session
