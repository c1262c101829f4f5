// SPDX-License-Identifier: MIT
// Finding formats from what people type: names, four characters, hex, macros.
#include <drm_fourcc.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <linux/videodev2.h>

#include "vcamera/fourcc/format_info.h"

namespace vcam::fourcc {
namespace {

using ::testing::HasSubstr;

std::string_view parsedName(std::string_view text, CodeSpace space = CodeSpace::kV4l2) {
  auto f = parseFormat(text, space);
  return f ? (*f)->name : std::string_view{"<error>"};
}

TEST(FormatLookup, FindsByNameIgnoringCase) {
  EXPECT_EQ(parsedName("NV12"), "NV12");
  EXPECT_EQ(parsedName("nv12m"), "NV12M");
}

TEST(FormatLookup, FindsByFourCharactersAsCameraifWritesThem) {
  EXPECT_EQ(parsedName("NM12"), "NV12M");
  EXPECT_EQ(parsedName("'NV12'"), "NV12");
  EXPECT_EQ(parsedName("Y16"), "Y16");  // 'Y16 ' with the space trimmed
  EXPECT_EQ(parsedName("AR15-BE"), "ARGB555X");
  EXPECT_EQ(parsedName("pBAA"), "SBGGR10P");
}

TEST(FormatLookup, FindsByHexCode) {
  EXPECT_EQ(parsedName("0x3231564e"), "NV12");
  EXPECT_EQ(parsedName("0X3231564E"), "NV12");
}

TEST(FormatLookup, FindsByMacro) {
  EXPECT_EQ(parsedName("V4L2_PIX_FMT_NV12"), "NV12");
  EXPECT_EQ(parsedName("DRM_FORMAT_NV12"), "NV12");
  EXPECT_EQ(parsedName("DRM_FORMAT_XRGB8888"), "XBGR32");
  EXPECT_EQ(parsedName("DRM_FORMAT_BGR888"), "RGB24");
}

TEST(FormatLookup, DrmNamesWorkWithoutPrefix) { EXPECT_EQ(parsedName("ARGB8888"), "ABGR32"); }

TEST(FormatLookup, FourCharactersMeanDifferentFormatsPerCodeSpace) {
  EXPECT_EQ(parsedName("RG16", CodeSpace::kV4l2), "SRGGB16");
  EXPECT_EQ(parsedName("RG16", CodeSpace::kDrm), "RGB565");
  EXPECT_EQ(parsedName("AYUV", CodeSpace::kV4l2), "AYUV32");
  EXPECT_EQ(parsedName("AYUV", CodeSpace::kDrm), "VUYA32");
  EXPECT_EQ(parsedName("BA12", CodeSpace::kV4l2), "SGRBG12");
}

TEST(FormatLookup, DrmCodeWithoutV4l2EquivalentIsAnErrorNamingBothMeanings) {
  auto f = parseFormat("BA12", CodeSpace::kDrm);
  ASSERT_FALSE(f);
  EXPECT_THAT(f.error().message, HasSubstr("BGRA4444"));
  EXPECT_THAT(f.error().message, HasSubstr("SGRBG12"));
}

TEST(FormatLookup, UnknownNameIsInvalidWithSuggestions) {
  auto f = parseFormat("NV13");
  ASSERT_FALSE(f);
  EXPECT_EQ(f.error().code, EINVAL);
  EXPECT_THAT(f.error().message, HasSubstr("did you mean NV12"));
}

TEST(FormatLookup, GarbageIsInvalidNotAnException) {
  EXPECT_FALSE(parseFormat(""));
  EXPECT_FALSE(parseFormat("0x"));
  EXPECT_FALSE(parseFormat("0x123456789"));
  EXPECT_FALSE(parseFormat("0xNV12"));
  EXPECT_FALSE(parseFormat("not a format at all"));
  EXPECT_FALSE(parseFormat(std::string_view("\x01\x02", 2)));
  EXPECT_FALSE(parseFormat("V4L2_PIX_FMT_"));
  EXPECT_FALSE(parseFormat("DRM_FORMAT_BGRA4444"));
}

TEST(FormatLookup, UnknownCodesGiveTheInvalidEntry) {
  EXPECT_FALSE(fromV4l2(0).isValid());
  EXPECT_FALSE(fromDrm(0).isValid());
  EXPECT_FALSE(fromV4l2(V4L2_PIX_FMT_H264).isValid());
  EXPECT_FALSE(fromName("nothing").isValid());
  EXPECT_EQ(&fromV4l2(1), &kInvalidFormat);
}

TEST(FormatLookup, CloseMatchesAreOrderedByDistance) {
  const auto matches = closeMatches("YUV42");
  ASSERT_FALSE(matches.empty());
  EXPECT_THAT(matches.front(), ::testing::StartsWith("YUV42"));
  EXPECT_TRUE(closeMatches("completely-unrelated-text").empty());
}

TEST(FormatInfoTest, AverageBitsPerPixelCountsSubsampledPlanes) {
  EXPECT_DOUBLE_EQ(fromName("NV12").averageBitsPerPixel(), 12.0);
  EXPECT_DOUBLE_EQ(fromName("YUV422P").averageBitsPerPixel(), 16.0);
  EXPECT_DOUBLE_EQ(fromName("YUYV").averageBitsPerPixel(), 16.0);
  EXPECT_DOUBLE_EQ(fromName("SBGGR10P").averageBitsPerPixel(), 10.0);
}

}  // namespace
}  // namespace vcam::fourcc
