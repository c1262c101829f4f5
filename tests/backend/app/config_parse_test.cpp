// SPDX-License-Identifier: MIT
// BackendConfig from valid files: the example, defaults, merging, lookups and the TOML round trip.
#include "backend/app/config/backend_config.h"

#include <gtest/gtest.h>

#include <vcamera/common/fourcc_code.h>

#include "backend/app/config/text_match.h"

namespace vcam::app {
namespace {

constexpr std::uint32_t kYuyv = makeFourcc('Y', 'U', 'Y', 'V');
constexpr std::uint32_t kNv12 = makeFourcc('N', 'V', '1', '2');
constexpr std::uint32_t kMjpg = makeFourcc('M', 'J', 'P', 'G');

BackendConfig parsed(std::string_view text) {
  Result<BackendConfig> config = parseBackendConfig(text, "test.toml");
  EXPECT_TRUE(config) << config.error().message;
  return config ? *config : BackendConfig{};
}

// A configuration with every feature: several versions of nothing but "1" exist, so the
// backend part varies the limits; cameras of both kinds, merged and split formats.
constexpr std::string_view kRepresentative = R"(
[backend]
versions = ["1"]
max-sessions-per-guest = 3
max-buffers-per-guest = 255

[[camera]]
unique-id = "a \"quoted\" \\ id"
source = "libcamera:/base/soc/i2c0mux/i2c@1/imx219@10"

[[camera]]
unique-id = "cam1"
source = "test-pattern"

[[camera.format]]
fourcc = "YUYV"
sizes = ["640x480", "1280x720"]
frame-rates = ["30/1", "15/1"]

[[camera.format]]
fourcc = "Y16"
sizes = ["320x240"]
frame-rates = ["30000/1001"]

[[camera.format]]
fourcc = "YUYV"
sizes = ["1920x1080"]
frame-rates = ["5/1"]

[[camera.format]]
fourcc = "AR15-BE"
sizes = ["2x2"]
frame-rates = ["1/2"]
)";

TEST(BackendConfigParse, AnEmptyFileGivesTheDefaults) {
  const BackendConfig config = parsed("");
  EXPECT_EQ(config.versions, std::vector<std::string>{"1"});
  EXPECT_EQ(config.maxSessionsPerGuest, 8u);
  EXPECT_EQ(config.maxBuffersPerGuest, 32u);
  EXPECT_TRUE(config.cameras.empty());
  EXPECT_EQ(config, BackendConfig{});
}

TEST(BackendConfigParse, AnEmptyBackendTableKeepsTheDefaults) {
  EXPECT_EQ(parsed("[backend]\n"), BackendConfig{});
}

TEST(BackendConfigParse, TheExampleFileLoads) {
  Result<BackendConfig> config = loadBackendConfig(VCAMERA_CONFIG_EXAMPLE);
  ASSERT_TRUE(config) << config.error().message;
  ASSERT_EQ(config->cameras.size(), 3u);
  EXPECT_EQ(config->cameras[0].uniqueId, "cam0");
  EXPECT_TRUE(config->cameras[0].formats.empty());
  const CameraConfig& front = config->cameras[1];
  ASSERT_EQ(front.formats.size(), 2u);
  EXPECT_EQ(front.formats[0].fourcc, kNv12);
  EXPECT_EQ(front.formats[0].resolutions.size(), 4u);
  EXPECT_EQ(front.formats[1].fourcc, kMjpg);
  EXPECT_EQ(front.formats[1].resolutions[0].frameRates,
            (std::vector<proto::FrameRate>{{30000, 1001}}));
  const CameraSource webcam{SourceKind::kLibcamera, "\\_SB_.PCI0.XHC_.RHUB.HS05-5:1.0-046d:0825"};
  EXPECT_EQ(config->cameras[2].source, webcam);
}

TEST(BackendConfigParse, EntriesOfOneFourccMergeInFileOrderWithTheirOwnRates) {
  const BackendConfig config = parsed(kRepresentative);
  const CameraConfig& camera = config.cameras.at(1);
  ASSERT_EQ(camera.formats.size(), 3u);
  const proto::FormatConfig& yuyv = camera.formats[0];
  EXPECT_EQ(yuyv.fourcc, kYuyv);
  const std::vector<proto::ResolutionConfig> expected = {{{640, 480}, {{30, 1}, {15, 1}}},
                                                         {{1280, 720}, {{30, 1}, {15, 1}}},
                                                         {{1920, 1080}, {{5, 1}}}};
  EXPECT_EQ(yuyv.resolutions, expected);
}

TEST(BackendConfigParse, FourccsAreReadAsCameraifWritesThem) {
  const BackendConfig config = parsed(kRepresentative);
  const CameraConfig& camera = config.cameras.at(1);
  EXPECT_EQ(camera.formats[1].fourcc, makeFourcc('Y', '1', '6', ' '));
  EXPECT_EQ(camera.formats[2].fourcc, makeFourcc('A', 'R', '1', '5', true));
}

TEST(BackendConfigParse, StringsWithEscapesAndSourcesAreKept) {
  const BackendConfig config = parsed(kRepresentative);
  EXPECT_EQ(config.cameras.at(0).uniqueId, "a \"quoted\" \\ id");
  EXPECT_EQ(config.cameras.at(0).source,
            (CameraSource{SourceKind::kLibcamera, "/base/soc/i2c0mux/i2c@1/imx219@10"}));
  EXPECT_EQ(config.maxSessionsPerGuest, 3u);
  EXPECT_EQ(config.maxBuffersPerGuest, 255u);
}

TEST(BackendConfigParse, DeliveryIsDirectUnlessCopyIsAsked) {
  const BackendConfig config = parsed(
      "[[camera]]\nunique-id = \"a\"\nsource = \"test-pattern\"\n"
      "[[camera]]\nunique-id = \"b\"\nsource = \"test-pattern\"\ndelivery = \"copy\"\n");
  EXPECT_EQ(config.cameras.at(0).delivery, Delivery::kDirect);
  EXPECT_EQ(config.cameras.at(1).delivery, Delivery::kCopy);
}

TEST(BackendConfigParse, ARepresentativeConfigRoundTripsThroughToml) {
  const BackendConfig config = parsed(kRepresentative);
  Result<std::string> text = formatBackendConfig(config);
  ASSERT_TRUE(text) << text.error().message;
  EXPECT_EQ(parsed(*text), config) << *text;
}

TEST(BackendConfigParse, TheExampleRoundTripsThroughToml) {
  Result<BackendConfig> config = loadBackendConfig(VCAMERA_CONFIG_EXAMPLE);
  ASSERT_TRUE(config) << config.error().message;
  Result<std::string> text = formatBackendConfig(*config);
  ASSERT_TRUE(text) << text.error().message;
  EXPECT_EQ(parsed(*text), *config) << *text;
}

TEST(BackendConfigParse, SizesWithDifferentRatesAreWrittenAsSeparateEntries) {
  BackendConfig config;
  config.cameras.push_back({"cam", {SourceKind::kTestPattern, {}}, {}});
  config.cameras[0].formats = {{kYuyv,
                                {{{640, 480}, {{30, 1}}},
                                 {{800, 600}, {{15, 1}}},
                                 {{1024, 768}, {{15, 1}}},
                                 {{320, 240}, {{30, 1}}}}}};
  Result<std::string> text = formatBackendConfig(config);
  ASSERT_TRUE(text) << text.error().message;
  EXPECT_EQ(parsed(*text), config) << *text;
}

TEST(BackendConfigParse, FormattingRefusesAnInvalidConfig) {
  BackendConfig config;
  config.maxSessionsPerGuest = 0;
  Result<std::string> text = formatBackendConfig(config);
  ASSERT_FALSE(text);
  EXPECT_EQ(text.error().code, ERANGE);
}

TEST(BackendConfigValidate, AFourccListedTwiceUnmergedIsRefused) {
  BackendConfig config;
  config.cameras.push_back({"cam", {SourceKind::kTestPattern, {}}, {}});
  config.cameras[0].formats = {{kYuyv, {{{640, 480}, {{30, 1}}}}},
                               {kYuyv, {{{320, 240}, {{30, 1}}}}}};
  EXPECT_FALSE(validateBackendConfig(config));
}

TEST(BackendConfigValidate, DuplicateUniqueIdsAreRefused) {
  BackendConfig config;
  config.cameras.push_back({"cam", {SourceKind::kTestPattern, {}}, {}});
  config.cameras.push_back({"cam", {SourceKind::kLibcamera, "x"}, {}});
  Status valid = validateBackendConfig(config);
  ASSERT_FALSE(valid);
  EXPECT_EQ(valid.error().code, EEXIST);
}

TEST(BackendConfigDefaults, TheTestPatternListIsAValidDeviceConfiguration) {
  proto::FrontendConfig device;
  device.uniqueId = "cam";
  device.maxBuffers = 4;
  const auto formats = testPatternFormats();
  device.formats.assign(formats.begin(), formats.end());
  EXPECT_TRUE(proto::validateFrontendConfig(device));
  EXPECT_EQ(formats.size(), 4u);
  EXPECT_TRUE(allows(formats, kNv12, {1280, 720}, {15, 1}));
  EXPECT_TRUE(allows(formats, makeFourcc('R', 'G', 'B', '3'), {640, 480}, {60, 2}));
  EXPECT_FALSE(allows(formats, kNv12, {1920, 1080}, {30, 1}));
}

TEST(BackendConfigDefaults, ACameraWithoutFormatsUsesItsSourcesList) {
  const CameraConfig pattern{"p", {SourceKind::kTestPattern, {}}, {}};
  const auto defaults = testPatternFormats();
  EXPECT_EQ(formatsOf(pattern), std::vector<proto::FormatConfig>(defaults.begin(), defaults.end()));
  const CameraConfig libcamera{"l", {SourceKind::kLibcamera, "cam"}, {}};
  EXPECT_TRUE(formatsOf(libcamera).empty());
  const CameraConfig own{"o", {SourceKind::kLibcamera, "cam"}, {{kYuyv, {{{2, 2}, {{1, 1}}}}}}};
  EXPECT_EQ(formatsOf(own), own.formats);
}

TEST(BackendConfigDefaults, WithoutCamerasEveryUniqueIdGetsTheTestPattern) {
  const std::optional<CameraConfig> camera = cameraFor(BackendConfig{}, "anything");
  ASSERT_TRUE(camera);
  EXPECT_EQ(camera->uniqueId, "anything");
  EXPECT_EQ(camera->source.kind, SourceKind::kTestPattern);
}

TEST(BackendConfigDefaults, WithCamerasOnlyConfiguredUniqueIdsAreServed) {
  const BackendConfig config = parsed(kRepresentative);
  ASSERT_TRUE(cameraFor(config, "cam1"));
  EXPECT_EQ(cameraFor(config, "cam1")->formats.size(), 3u);
  EXPECT_FALSE(cameraFor(config, "cam2"));
}

TEST(BackendConfigPieces, AddFormatLeavesTheListUnchangedOnError) {
  std::vector<proto::FormatConfig> formats;
  const proto::Resolution sizes[] = {{640, 480}, {320, 240}};
  const proto::FrameRate rates[] = {{30, 1}};
  ASSERT_TRUE(addFormat(formats, kYuyv, sizes, rates));
  const auto before = formats;
  const proto::Resolution again[] = {{800, 600}, {640, 480}};
  Status added = addFormat(formats, kYuyv, again, rates);
  ASSERT_FALSE(added);
  EXPECT_EQ(added.error().code, EEXIST);
  EXPECT_EQ(formats, before);
}

TEST(BackendConfigPieces, EditDistanceCountsASwapAsOneEditAndIgnoresCase) {
  EXPECT_EQ(editDistance("YUVY", "YUYV"), 1u);
  EXPECT_EQ(editDistance("yuyv", "YUYV"), 0u);
  EXPECT_EQ(editDistance("max-session-per-guest", "max-sessions-per-guest"), 1u);
  EXPECT_EQ(editDistance("", "abc"), 3u);
  EXPECT_EQ(editDistance("kitten", "sitting"), 3u);
}

}  // namespace
}  // namespace vcam::app
