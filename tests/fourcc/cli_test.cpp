// SPDX-License-Identifier: MIT
// vcamera-fourcc as people use it: runs the built binary and checks exit codes, messages,
// the exact `layout --json` shape, and a convert round trip ending in a PNG.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "frame_checksum.h"
#include "tests/support/cli_run.h"

namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;
namespace fs = std::filesystem;

using vcam::testsupport::CliRun;
using vcam::testsupport::slurp;

class FourccCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) /
           ("fourcc-cli-" +
            std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  CliRun run(const std::vector<std::string>& args) {
    return vcam::testsupport::runCli(VCAMERA_FOURCC_BIN, args, dir_);
  }

  std::string file(const std::string& name) const { return (dir_ / name).string(); }

  fs::path dir_;
};

TEST_F(FourccCli, LayoutJsonHasExactlyTheDocumentedShape) {
  const auto r = run({"layout", "NV12", "641x481", "--json"});
  EXPECT_EQ(r.exitCode, 0) << r.err;
  EXPECT_EQ(r.out,
            "{\"name\":\"NV12\",\"v4l2\":\"0x3231564e\",\"drm\":\"0x3231564e\",\"mem_planes\":1,"
            "\"color_planes\":2,\"width\":641,\"height\":481,\"planes\":[{\"bytesperline\":641,"
            "\"sizeimage\":463043}]}\n");
}

TEST_F(FourccCli, LayoutJsonSaysNullWhenDrmHasNoEquivalent) {
  const auto r = run({"layout", "SBGGR8", "4x2", "--json"});
  EXPECT_EQ(r.exitCode, 0) << r.err;
  EXPECT_EQ(r.out,
            "{\"name\":\"SBGGR8\",\"v4l2\":\"0x31384142\",\"drm\":null,\"mem_planes\":1,"
            "\"color_planes\":1,\"width\":4,\"height\":2,\"planes\":[{\"bytesperline\":4,"
            "\"sizeimage\":8}]}\n");
}

TEST_F(FourccCli, LayoutJsonHasOnePlaneEntryPerMemoryPlane) {
  const auto r = run({"layout", "V4L2_PIX_FMT_YUV420M", "64x48", "--json"});
  EXPECT_EQ(r.exitCode, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("\"planes\":[{\"bytesperline\":64,\"sizeimage\":3072},"
                               "{\"bytesperline\":32,\"sizeimage\":768},"
                               "{\"bytesperline\":32,\"sizeimage\":768}]"));
}

TEST_F(FourccCli, LayoutAlignRoundsStrides) {
  const auto r = run({"layout", "0x3231564e", "641x481", "--align", "64", "--json"});
  EXPECT_EQ(r.exitCode, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("{\"bytesperline\":704,\"sizeimage\":508288}"));
}

TEST_F(FourccCli, LayoutTextShowsColourPlaneOffsets) {
  const auto r = run({"layout", "NV12", "1920x1080"});
  EXPECT_EQ(r.exitCode, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("colour plane 1: memory plane 0, offset 2073600, stride 1920"));
}

TEST_F(FourccCli, UnknownFormatFailsAndSuggestsCloseMatches) {
  const auto r = run({"info", "NV13"});
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_THAT(r.err, HasSubstr("unknown format 'NV13'"));
  EXPECT_THAT(r.err, HasSubstr("did you mean NV12"));
}

TEST_F(FourccCli, BadSizesFailWithAReason) {
  EXPECT_THAT(run({"layout", "NV12", "0x0"}).err, HasSubstr("zero"));
  EXPECT_THAT(run({"layout", "NV12", "-640x480"}).err, HasSubstr("negative"));
  EXPECT_THAT(run({"layout", "NV12", "99999999999x480"}).err, HasSubstr("larger than 65535"));
  EXPECT_THAT(run({"layout", "XBGR32", "65535x65535"}).err, HasSubstr("32 bits"));
  EXPECT_EQ(run({"layout", "NV12", "640"}).exitCode, 1);
  EXPECT_NE(run({"layout", "NV12", "64x48", "--align", "-4"}).exitCode, 0);
  EXPECT_EQ(run({"layout", "NV12", "64x48", "--align", "0"}).exitCode, 1);
}

TEST_F(FourccCli, ToDrmGetsTheRgb24TrapRight) {
  const auto r = run({"to-drm", "RGB24"});
  EXPECT_EQ(r.exitCode, 0) << r.err;
  EXPECT_EQ(r.out, "DRM_FORMAT_BGR888 'BG24' 0x34324742\n");
}

TEST_F(FourccCli, ToDrmSaysWhenThereIsNoEquivalent) {
  const auto r = run({"to-drm", "BA12"});
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_THAT(r.err, HasSubstr("SGRBG12 has no DRM equivalent"));
  EXPECT_THAT(r.err, HasSubstr("BGRA4444"));
}

TEST_F(FourccCli, ToV4l2ReadsFourCharactersAsDrm) {
  EXPECT_EQ(run({"to-v4l2", "XR24"}).out, "V4L2_PIX_FMT_XBGR32 'XR24' 0x34325258\n");
  EXPECT_EQ(run({"to-v4l2", "RG16"}).out, "V4L2_PIX_FMT_RGB565 'RGBP' 0x50424752\n");
  EXPECT_EQ(run({"to-v4l2", "AYUV"}).out, "V4L2_PIX_FMT_VUYA32 'VUYA' 0x41595556\n");
  EXPECT_EQ(run({"to-v4l2", "BA12"}).exitCode, 1);
}

TEST_F(FourccCli, ListJsonHasEveryFormat) {
  const auto r = run({"list", "--json"});
  EXPECT_EQ(r.exitCode, 0);
  EXPECT_THAT(r.out, StartsWith("[{\"name\":\"YUYV\""));
  EXPECT_THAT(r.out, HasSubstr("{\"name\":\"JPEG\",\"v4l2\":\"0x4745504a\",\"drm\":null"));
}

TEST_F(FourccCli, InfoAcceptsCameraifSpelling) {
  const auto r = run({"info", "AR15-BE"});
  EXPECT_EQ(r.exitCode, 0) << r.err;
  EXPECT_THAT(r.out, StartsWith("ARGB555X"));
}

TEST_F(FourccCli, NoSubcommandIsAnError) { EXPECT_NE(run({}).exitCode, 0); }

TEST_F(FourccCli, ConvertRoundTripYuyvNv12YuyvStaysClose) {
  ASSERT_EQ(run({"pattern", "YUYV", "64x48", file("in.yuyv")}).exitCode, 0);
  ASSERT_EQ(run({"convert", "--from", "YUYV", "--to", "NV12", "--size", "64x48", file("in.yuyv"),
                 file("mid.nv12")})
                .exitCode,
            0);
  ASSERT_EQ(run({"convert", "--from", "NV12", "--to", "YUYV", "--size", "64x48", file("mid.nv12"),
                 file("out.yuyv")})
                .exitCode,
            0);
  const auto in = slurp(file("in.yuyv"));
  const auto mid = slurp(file("mid.nv12"));
  const auto out = slurp(file("out.yuyv"));
  EXPECT_EQ(mid.size(), 64u * 48 * 3 / 2);
  ASSERT_EQ(in.size(), out.size());
  ASSERT_EQ(in.size(), 64u * 48 * 2);
  int worst = 0;
  for (std::size_t i = 0; i < in.size(); ++i) {
    worst = std::max(worst, std::abs(int{static_cast<unsigned char>(in[i])} -
                                     int{static_cast<unsigned char>(out[i])}));
  }
  EXPECT_LE(worst, 2);
}

TEST_F(FourccCli, ConvertToPngWritesTheGoldenPixels) {
  ASSERT_EQ(run({"pattern", "XBGR32", "64x48", file("bars.xbgr")}).exitCode, 0);
  const auto r = run({"convert", "--from", "XBGR32", "--to", "PNG", "--size", "64x48",
                      file("bars.xbgr"), file("bars.png")});
  ASSERT_EQ(r.exitCode, 0) << r.err;
  const auto png = vcam::fourcc::testing::readPng(file("bars.png"));
  ASSERT_TRUE(png.error.empty()) << png.error;
  EXPECT_EQ(png.width, 64u);
  EXPECT_EQ(png.height, 48u);
  EXPECT_EQ(vcam::fourcc::testing::fnv1a(png.rgb), 0x2d68bdd7187d1025ull);
}

TEST_F(FourccCli, ConvertNv12ToPngByExtension) {
  ASSERT_EQ(run({"pattern", "NV12", "640x480", file("f.nv12")}).exitCode, 0);
  const auto r =
      run({"convert", "--from", "NV12", "--size", "640x480", file("f.nv12"), file("f.png")});
  ASSERT_EQ(r.exitCode, 0) << r.err;
  const auto png = vcam::fourcc::testing::readPng(file("f.png"));
  ASSERT_TRUE(png.error.empty()) << png.error;
  EXPECT_EQ(png.width, 640u);
  EXPECT_EQ(png.height, 480u);
  EXPECT_NEAR(png.rgb[0], 191, 4);  // white bar, red channel
}

TEST_F(FourccCli, ConvertRejectsAnInputFileOfTheWrongSize) {
  std::ofstream(file("short.yuyv")) << std::string(100, 'x');
  const auto r = run({"convert", "--from", "YUYV", "--to", "NV12", "--size", "64x48",
                      file("short.yuyv"), file("out.nv12")});
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_THAT(r.err, HasSubstr("is 100 bytes but YUYV 64x48 is 6144 bytes"));
  EXPECT_FALSE(fs::exists(file("out.nv12")));
}

TEST_F(FourccCli, ConvertRejectsAMissingInputFile) {
  const auto r = run({"convert", "--from", "YUYV", "--to", "NV12", "--size", "64x48",
                      file("missing"), file("out.nv12")});
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_THAT(r.err, HasSubstr("cannot open"));
}

TEST_F(FourccCli, ConvertSaysWhatLibyuvCannotDo) {
  std::ofstream(file("raw.bayer")) << std::string(64 * 48, 'x');
  const auto r = run({"convert", "--from", "SBGGR8", "--to", "NV12", "--size", "64x48",
                      file("raw.bayer"), file("out.nv12")});
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_THAT(r.err, HasSubstr("cannot convert SBGGR8 to NV12"));
}

}  // namespace
