// SPDX-License-Identifier: MIT
// vcamera-pattern-check as the real-Xen harness runs it on v4l2-ctl's output: raw frames back to
// back, each checked against the test pattern's frame of the number drawn into it.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <vector>

#include "backend/source/test_pattern.h"
#include "tests/support/cli_run.h"

namespace vcam {
namespace {

namespace fs = std::filesystem;

class VcameraPatternCheck : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = testsupport::testDirectory("vcamera-pattern-check"); }
  void TearDown() override { fs::remove_all(dir_); }

  // Frames `sequences` of `format` (a vcamera name) at 64x48, back to back.
  std::vector<std::uint8_t> frames(std::initializer_list<std::uint32_t> sequences,
                                   const char* format = "NV12") {
    const fourcc::FormatInfo& info = fourcc::fromName(format);
    const fourcc::Layout layout = *fourcc::computeLayout(info, {64, 48});
    Result<source::TestPattern> pattern = source::TestPattern::create(info, layout);
    EXPECT_TRUE(pattern);
    std::vector<std::uint8_t> out;
    std::vector<std::byte> frame(layout.totalSize);
    const std::span<std::byte> planes[] = {frame};
    for (std::uint32_t sequence : sequences) {
      EXPECT_TRUE(pattern->render(sequence, planes));
      const auto* bytes = reinterpret_cast<const std::uint8_t*>(frame.data());
      out.insert(out.end(), bytes, bytes + frame.size());
    }
    return out;
  }

  testsupport::CliRun check(const std::vector<std::uint8_t>& bytes,
                            std::vector<std::string> extra = {},
                            const std::string& format = "NV12:64x48") {
    const fs::path file = dir_ / "frames.raw";
    std::ofstream(file, std::ios::binary)
        .write(reinterpret_cast<const char*>(bytes.data()),
               static_cast<std::streamsize>(bytes.size()));
    std::vector<std::string> args{"--format", format, "--json", file.string()};
    args.insert(args.end(), extra.begin(), extra.end());
    return testsupport::runCli(VCAMERA_PATTERN_CHECK_BIN, args, dir_);
  }

  fs::path dir_;
};

TEST_F(VcameraPatternCheck, FramesOfThePatternPassAndGapsAreCounted) {
  const testsupport::CliRun run = check(frames({5, 6, 7, 9}), {"--frames", "4"});
  ASSERT_EQ(run.exitCode, 0) << run.out << run.err;
  const nlohmann::json report = nlohmann::json::parse(run.out);
  EXPECT_EQ(report["matched"], 4);
  EXPECT_EQ(report["first_sequence"], 5);
  EXPECT_EQ(report["last_sequence"], 9);
  EXPECT_EQ(report["gaps"], 1);
}

TEST_F(VcameraPatternCheck, ThreeCharacterAndBigEndianFourccsAreChecked) {
  for (const auto& [name, fourcc] : {std::pair{"Y16", "Y16"}, {"ARGB555X", "AR15-BE"}}) {
    const testsupport::CliRun run =
        check(frames({3, 4}, name), {"--frames", "2"}, std::string(fourcc) + ":64x48");
    ASSERT_EQ(run.exitCode, 0) << fourcc << ": " << run.out << run.err;
    EXPECT_EQ(nlohmann::json::parse(run.out)["matched"], 2) << fourcc;
  }
}

TEST_F(VcameraPatternCheck, OneChangedByteFailsItsFrame) {
  std::vector<std::uint8_t> bytes = frames({1, 2});
  bytes[bytes.size() - 10] ^= 0x40;  // in frame 2's chroma, far from its digits
  const testsupport::CliRun run = check(bytes);
  EXPECT_EQ(run.exitCode, 1);
  const nlohmann::json report = nlohmann::json::parse(run.out);
  EXPECT_EQ(report["matched"], 1);
  EXPECT_EQ(report["mismatched"], 1);
}

TEST_F(VcameraPatternCheck, AFrameWithoutANumberIsUnreadable) {
  std::vector<std::uint8_t> bytes = frames({1});
  std::fill(bytes.begin(), bytes.end(), 0x10);
  const testsupport::CliRun run = check(bytes);
  EXPECT_EQ(run.exitCode, 1);
  EXPECT_EQ(nlohmann::json::parse(run.out)["unreadable"], 1);
}

TEST_F(VcameraPatternCheck, TheWrongNumberOfFramesFails) {
  EXPECT_EQ(check(frames({1, 2}), {"--frames", "3"}).exitCode, 1);
  EXPECT_EQ(check({}).exitCode, 1);
}

TEST_F(VcameraPatternCheck, AnIncompleteLastFrameFails) {
  std::vector<std::uint8_t> bytes = frames({1, 2});
  bytes.resize(bytes.size() - 1);
  const testsupport::CliRun run = check(bytes);
  EXPECT_EQ(run.exitCode, 1);
  EXPECT_EQ(nlohmann::json::parse(run.out)["trailing_bytes"], 64 * 48 * 3 / 2 - 1);
}

TEST_F(VcameraPatternCheck, ACompressedFormatIsRefusedWithTwo) {
  const testsupport::CliRun run =
      testsupport::runCli(VCAMERA_PATTERN_CHECK_BIN, {"--format", "MJPG:64x48", "-"}, dir_);
  EXPECT_EQ(run.exitCode, 2);
  EXPECT_NE(run.err.find("no fixed size"), std::string::npos) << run.err;
}

}  // namespace
}  // namespace vcam
