// SPDX-License-Identifier: MIT
// BackendConfig from broken files: each mistake is refused with its file, line:column and key.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <string>

#include <vcamera/common/fourcc_code.h>
#include <vcamera/fourcc/format_info.h>

#include "backend/app/config/backend_config.h"

namespace vcam::app {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::StartsWith;

Error errorOf(std::string_view text) {
  Result<BackendConfig> config = parseBackendConfig(text, "bad.toml");
  if (config) {
    ADD_FAILURE() << "parsed:\n" << text;
    return {};
  }
  return config.error();
}

std::string camera(std::string_view body) {
  return "[[camera]]\nunique-id = \"cam\"\nsource = \"test-pattern\"\n" + std::string(body);
}

std::string format(std::string_view fourcc, std::string_view sizes, std::string_view rates) {
  return camera("[[camera.format]]\nfourcc = " + std::string(fourcc) +
                "\nsizes = " + std::string(sizes) + "\nframe-rates = " + std::string(rates) + "\n");
}

TEST(BackendConfigErrors, ASyntaxErrorNamesFileLineAndColumn) {
  const Error e = errorOf("[backend]\nversions = [\"1\"\n");
  EXPECT_EQ(e.code, EINVAL);
  EXPECT_THAT(e.message, AllOf(StartsWith("bad.toml:2:17: "), HasSubstr("end-of-file")));
}

TEST(BackendConfigErrors, AnUnknownTopLevelKeyIsRefusedWithItsPosition) {
  const Error e = errorOf("\n  cameras = 1\n");
  EXPECT_EQ(e.code, EINVAL);
  EXPECT_THAT(e.message, AllOf(StartsWith("bad.toml:2:3: "), HasSubstr("unknown key 'cameras'"),
                               HasSubstr("did you mean camera?")));
}

TEST(BackendConfigErrors, ATypoInABackendKeySuggestsTheKeyMeant) {
  const Error e = errorOf("[backend]\nmax-session-per-guest = 4\n");
  EXPECT_THAT(e.message, AllOf(StartsWith("bad.toml:2:1: backend: "),
                               HasSubstr("unknown key 'max-session-per-guest'"),
                               HasSubstr("did you mean max-sessions-per-guest?")));
}

TEST(BackendConfigErrors, UnknownKeysInCamerasAndFormatsAreRefused) {
  EXPECT_THAT(errorOf(camera("uniqueid = \"x\"\n")).message,
              AllOf(StartsWith("bad.toml:4:1: camera[0]: "), HasSubstr("did you mean unique-id?")));
  const Error e = errorOf(
      camera("[[camera.format]]\nfourcc = \"YUYV\"\nsizes = [\"1x1\"]\nframerates = [\"1/1\"]\n"));
  EXPECT_THAT(e.message, AllOf(StartsWith("bad.toml:7:1: camera[0].format[0]: "),
                               HasSubstr("did you mean frame-rates?")));
}

TEST(BackendConfigErrors, ACameraTableInsteadOfAnArrayOfTablesIsExplained) {
  EXPECT_THAT(errorOf("[camera]\nunique-id = \"a\"\n").message,
              HasSubstr("camera: must be an array of tables: write [[camera]]"));
  EXPECT_THAT(errorOf(camera("[camera.format]\nfourcc = \"YUYV\"\n")).message,
              HasSubstr("write [[camera.format]]"));
}

TEST(BackendConfigErrors, AWrongTypeNamesTheTypeFound) {
  const Error e = errorOf("[backend]\nmax-sessions-per-guest = \"8\"\n");
  EXPECT_EQ(e.code, EINVAL);
  EXPECT_THAT(e.message, AllOf(StartsWith("bad.toml:2:26: backend.max-sessions-per-guest: "),
                               HasSubstr("must be an integer, not a string")));
  EXPECT_THAT(errorOf("backend = 1\n").message, HasSubstr("backend: must be a table"));
  EXPECT_THAT(errorOf("[backend]\nversions = \"1\"\n").message,
              HasSubstr("must be an array, not a string"));
  EXPECT_THAT(errorOf("[backend]\nversions = [1]\n").message,
              HasSubstr("backend.versions[0]: must be a string, not an integer"));
}

TEST(BackendConfigErrors, LimitsOutOfRangeAreERange) {
  for (std::string_view text :
       {"[backend]\nmax-buffers-per-guest = 0\n", "[backend]\nmax-buffers-per-guest = 256\n",
        "[backend]\nmax-sessions-per-guest = 0\n", "[backend]\nmax-sessions-per-guest = 257\n",
        "[backend]\nmax-sessions-per-guest = -9223372036854775808\n"}) {
    const Error e = errorOf(text);
    EXPECT_EQ(e.code, ERANGE) << text;
    EXPECT_THAT(e.message, HasSubstr("is outside 1..")) << text;
  }
}

TEST(BackendConfigErrors, OnlyImplementedVersionsMayBeOffered) {
  EXPECT_THAT(errorOf("[backend]\nversions = [\"1\", \"2\"]\n").message,
              AllOf(StartsWith("bad.toml:2:18: backend.versions[1]: "),
                    HasSubstr("'2' is not one this backend implements (1)")));
  EXPECT_EQ(errorOf("[backend]\nversions = [\"1\", \"1\"]\n").code, EEXIST);
  EXPECT_THAT(errorOf("[backend]\nversions = []\n").message, HasSubstr("at least one version"));
}

TEST(BackendConfigErrors, ACameraNeedsAUniqueIdAndASource) {
  EXPECT_THAT(errorOf("[[camera]]\nsource = \"test-pattern\"\n").message,
              AllOf(StartsWith("bad.toml:1:1: camera[0]: "), HasSubstr("missing key 'unique-id'")));
  EXPECT_THAT(errorOf("[[camera]]\nunique-id = \"a\"\n").message,
              HasSubstr("missing key 'source'"));
}

TEST(BackendConfigErrors, UniqueIdsFollowTheXenStoreRules) {
  const std::string tooLong(257, 'x');
  for (const std::string& id : {std::string(), tooLong, std::string(" lead"),
                                std::string("tab\\there"), std::string("caf\\u00e9")}) {
    const Error e = errorOf("[[camera]]\nunique-id = \"" + id + "\"\nsource = \"test-pattern\"\n");
    EXPECT_THAT(e.message,
                AllOf(StartsWith("bad.toml:2:13: camera[0].unique-id: "), HasSubstr("unique-id")))
        << id;
  }
  EXPECT_TRUE(parseBackendConfig(camera("").replace(24, 3, std::string(256, 'y')), "ok.toml"));
}

TEST(BackendConfigErrors, ADuplicateUniqueIdNamesTheFirstCamera) {
  const Error e = errorOf(camera("") + camera(""));
  EXPECT_EQ(e.code, EEXIST);
  EXPECT_THAT(e.message, AllOf(StartsWith("bad.toml:5:13: camera[1].unique-id: "),
                               HasSubstr("already used by camera[0]")));
}

TEST(BackendConfigErrors, AnUnknownSourceIsRefusedWithASuggestion) {
  const Error e = errorOf("[[camera]]\nunique-id = \"a\"\nsource = \"test_pattern\"\n");
  EXPECT_THAT(e.message, AllOf(StartsWith("bad.toml:3:10: camera[0].source: "),
                               HasSubstr("did you mean test-pattern?")));
  EXPECT_THAT(errorOf("[[camera]]\nunique-id = \"a\"\nsource = \"libcamera:\"\n").message,
              HasSubstr("names no camera"));
}

TEST(BackendConfigErrors, AnUnknownDeliveryNamesTheThreeThereAre) {
  const Error e = errorOf(camera("delivery = \"zero-copy\"\n"));
  EXPECT_EQ(e.code, EINVAL);
  EXPECT_THAT(e.message, AllOf(StartsWith("bad.toml:4:12: camera[0].delivery: "),
                               HasSubstr("\"direct\", \"copy\" or \"dma-test\"")));
}

TEST(BackendConfigErrors, AMistypedFourccSuggestsTheFourccsMeant) {
  const Error e = errorOf(format("\"YUVY\"", "[\"1x1\"]", "[\"1/1\"]"));
  EXPECT_THAT(e.message, AllOf(StartsWith("bad.toml:5:10: camera[0].format[0].fourcc: "),
                               HasSubstr("unknown FOURCC 'YUVY'"), HasSubstr("did you mean YUYV")));
  EXPECT_THAT(errorOf(format("\"yuyv\"", "[\"1x1\"]", "[\"1/1\"]")).message,
              HasSubstr("FOURCCs are case-sensitive (did you mean YUYV?)"));
}

TEST(BackendConfigErrors, AFormatNameIsAnsweredWithItsFourcc) {
  EXPECT_THAT(errorOf(format("\"RGB24\"", "[\"1x1\"]", "[\"1/1\"]")).message,
              HasSubstr("RGB24 is a format name; its FOURCC is RGB3"));
  EXPECT_THAT(errorOf(format("\"MJPEG\"", "[\"1x1\"]", "[\"1/1\"]")).message,
              HasSubstr("its FOURCC is MJPG"));
}

TEST(BackendConfigErrors, AFormatNeedsAFourccSizesAndRates) {
  EXPECT_THAT(
      errorOf(camera("[[camera.format]]\nsizes = [\"1x1\"]\nframe-rates = [\"1/1\"]\n")).message,
      AllOf(StartsWith("bad.toml:4:1: camera[0].format[0]: "), HasSubstr("'fourcc'")));
  EXPECT_THAT(errorOf(format("\"YUYV\"", "[]", "[\"1/1\"]")).message,
              HasSubstr("at least one size"));
  EXPECT_THAT(errorOf(format("\"YUYV\"", "[\"1x1\"]", "[]")).message,
              HasSubstr("at least one frame rate"));
}

TEST(BackendConfigErrors, ABadSizeIsReportedAtItsEntry) {
  for (std::string_view size : {"640x0", "640*480", "65536x1", "-1x1"}) {
    const Error e =
        errorOf(format("\"YUYV\"", "[\"1x1\", \"" + std::string(size) + "\"]", "[\"1/1\"]"));
    EXPECT_THAT(e.message, StartsWith("bad.toml:6:17: camera[0].format[0].sizes[1]: ")) << size;
  }
}

TEST(BackendConfigErrors, ASizeGivenTwiceForOneFourccIsRefused) {
  const Error e = errorOf(format("\"YUYV\"", "[\"2x2\", \"2x2\"]", "[\"1/1\"]"));
  EXPECT_EQ(e.code, EEXIST);
  EXPECT_THAT(e.message, HasSubstr("sizes[1]: YUYV 2x2 is given twice"));
  const std::string twice = format("\"NV12\"", "[\"2x2\"]", "[\"1/1\"]") +
                            "[[camera.format]]\nfourcc = \"NV12\"\nsizes = [\"2x2\"]\n"
                            "frame-rates = [\"2/1\"]\n";
  EXPECT_THAT(errorOf(twice).message, HasSubstr("camera[0].format[1].sizes[0]: NV12 2x2"));
}

TEST(BackendConfigErrors, ASizeTheFormatCannotBeLaidOutAtIsRefused) {
  // P010's chroma lines do not fit an odd height (fourcc/layout.h).
  EXPECT_THAT(errorOf(format("\"P010\"", "[\"640x481\"]", "[\"1/1\"]")).message,
              HasSubstr("P010 cannot be laid out at 640x481"));
}

TEST(BackendConfigErrors, ABadOrRepeatedFrameRateIsReportedAtItsEntry) {
  for (std::string_view rate : {"30", "30/0", "0/1", "30/01", " 30/1"}) {
    const Error e =
        errorOf(format("\"YUYV\"", "[\"1x1\"]", "[\"15/1\", \"" + std::string(rate) + "\"]"));
    EXPECT_THAT(e.message, StartsWith("bad.toml:7:24: camera[0].format[0].frame-rates[1]: "))
        << rate;
  }
  const Error same = errorOf(format("\"YUYV\"", "[\"1x1\"]", "[\"30/1\", \"60/2\"]"));
  EXPECT_EQ(same.code, EEXIST);
  EXPECT_THAT(same.message, HasSubstr("'60/2' is the same rate as 30/1"));
}

TEST(BackendConfigErrors, ListsLongerThanTheirLimitAreE2Big) {
  std::string sizes = "[";
  for (int i = 1; i <= 65; ++i) sizes += (i > 1 ? ", \"" : "\"") + std::to_string(i) + "x1\"";
  const Error e = errorOf(format("\"YUYV\"", sizes + "]", "[\"1/1\"]"));
  EXPECT_EQ(e.code, E2BIG);
  EXPECT_THAT(e.message, HasSubstr("65 entries, more than 64"));
  std::string cameras;
  for (int i = 0; i <= 256; ++i) {
    cameras +=
        "[[camera]]\nunique-id = \"c" + std::to_string(i) + "\"\nsource = \"test-pattern\"\n";
  }
  EXPECT_EQ(errorOf(cameras).code, E2BIG);
}

TEST(BackendConfigErrors, TooManyFourccsAreE2Big) {
  std::string text = camera("");
  std::size_t count = 0;
  for (const fourcc::FormatInfo& f : fourcc::allFormats()) {
    if (count++ > proto::kMaxFormats) break;
    text += "[[camera.format]]\nfourcc = \"" + fourccToString(f.v4l2).value() +
            "\"\nsizes = [\"16x16\"]\nframe-rates = [\"1/1\"]\n";
  }
  ASSERT_GT(count, proto::kMaxFormats) << "the table has too few formats for this test";
  const Error e = errorOf(text);
  EXPECT_EQ(e.code, E2BIG) << e.message;
  EXPECT_THAT(e.message, HasSubstr("more than 64 FOURCCs"));
}

TEST(BackendConfigErrors, AMissingFileIsENoentAndNamesThePath) {
  Result<BackendConfig> config = loadBackendConfig("/nonexistent/vcamera.toml");
  ASSERT_FALSE(config);
  EXPECT_EQ(config.error().code, ENOENT);
  EXPECT_THAT(config.error().message, HasSubstr("/nonexistent/vcamera.toml"));
}

TEST(BackendConfigErrors, AnOversizedTextIsRefusedBeforeParsing) {
  const std::string huge(kMaxConfigFileBytes + 1, '#');
  EXPECT_EQ(errorOf(huge).code, E2BIG);
  const auto path = std::filesystem::path(::testing::TempDir()) / "vcamera-huge.toml";
  std::ofstream(path) << huge;
  Result<BackendConfig> config = loadBackendConfig(path.string());
  std::filesystem::remove(path);
  ASSERT_FALSE(config);
  EXPECT_EQ(config.error().code, E2BIG);
}

TEST(BackendConfigErrors, ErrorsInALoadedFileNameThatFile) {
  const auto path = std::filesystem::path(::testing::TempDir()) / "vcamera-typo.toml";
  std::ofstream(path) << "[backend]\nversion = [\"1\"]\n";
  Result<BackendConfig> config = loadBackendConfig(path.string());
  std::filesystem::remove(path);
  ASSERT_FALSE(config);
  EXPECT_THAT(config.error().message, StartsWith(path.string() + ":2:1: backend: "));
}

}  // namespace
}  // namespace vcam::app
