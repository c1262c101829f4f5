// SPDX-License-Identifier: MIT
// End to end over the emulated Xen, for every kind of format x buffer count x allocation mode:
// each delivered frame equals the test pattern's frame of its sequence number, byte for byte
// (the renderer's output is pinned by golden checksums in tests/backend/source).
#include <gtest/gtest.h>

#include <tuple>

#include <vcamera/common/fourcc_code.h>

#include "tests/backend/session/backend_harness.h"
#include "tests/backend/session/streaming.h"

namespace vcam::session {
namespace {

using test::kGuestA;

struct FormatCase {
  const char* kind;
  std::uint32_t fourcc;
};

constexpr FormatCase kFormats[] = {
    {"packed", 0x56595559},       // YUYV
    {"semiplanar", 0x3231564e},   // NV12
    {"planar", 0x32315559},       // YU12 (YUV420), one memory plane
    {"multiplanar", 0x32314d59},  // YM12 (YUV420M), three memory planes
    {"rgb", 0x33424752},          // RGB3 (RGB24)
    {"mjpeg", 0x47504a4d},        // MJPG
};
constexpr std::uint8_t kBufferCounts[] = {1, 2, 3, 8};

using MatrixParam = std::tuple<FormatCase, std::uint8_t, bool>;

class FrameMatrixTest : public test::BackendHarness,
                        public ::testing::WithParamInterface<MatrixParam> {};

TEST_P(FrameMatrixTest, EveryFrameIsTheTestPattern) {
  const auto [format, buffers, beAlloc] = GetParam();
  proto::FrontendConfig config;
  config.beAlloc = beAlloc;
  config.uniqueId = "cam0";
  config.maxBuffers = 8;
  config.formats = {{format.fourcc, {{{64, 48}, {{200, 1}}}}}};
  attach(kGuestA, config);
  startBackend(test::testPatternCameras());
  auto client = connect(guestA_);
  ASSERT_TRUE(client);
  Result<proto::BufLayout> layout = test::startStreaming(*client, format.fourcc, 64, 48, buffers);
  ASSERT_TRUE(layout) << layout.error().message;
  const std::vector<std::uint32_t> frames =
      test::expectTestPatternFrames(*client, *layout, format.fourcc, 64, 48, buffers, buffers + 2);
  EXPECT_EQ(frames.size(), buffers + 2u);
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

}  // namespace
}  // namespace vcam::session
