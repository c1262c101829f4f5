// SPDX-License-Identifier: MIT
// Every code in the table, checked against the system headers' macros (compiled, not typed).
#include <drm_fourcc.h>
#include <gtest/gtest.h>
#include <linux/videodev2.h>

#include <set>
#include <string>
#include <string_view>

#include "vcamera/fourcc/format_info.h"

namespace vcam::fourcc {
namespace {

struct Expected {
  std::string_view name;
  std::uint32_t v4l2;
  std::uint32_t drm;  // DRM_FORMAT_INVALID (0) when DRM has no format with this layout
};

// The coverage list plus the formats that show the V4L2/DRM traps, with the codes
// taken from the headers. DRM codes chosen by byte layout: DRM names bits of a
// little-endian word, V4L2 names bytes in memory order (for the 32-bit RGB formats).
constexpr Expected kExpected[] = {
    {"YUYV", V4L2_PIX_FMT_YUYV, DRM_FORMAT_YUYV},
    {"UYVY", V4L2_PIX_FMT_UYVY, DRM_FORMAT_UYVY},
    {"YVYU", V4L2_PIX_FMT_YVYU, DRM_FORMAT_YVYU},
    {"VYUY", V4L2_PIX_FMT_VYUY, DRM_FORMAT_VYUY},
    {"AYUV32", V4L2_PIX_FMT_AYUV32, DRM_FORMAT_INVALID},
    {"XYUV32", V4L2_PIX_FMT_XYUV32, DRM_FORMAT_INVALID},
    {"VUYA32", V4L2_PIX_FMT_VUYA32, DRM_FORMAT_AYUV},
    {"VUYX32", V4L2_PIX_FMT_VUYX32, DRM_FORMAT_XYUV8888},
    {"NV12", V4L2_PIX_FMT_NV12, DRM_FORMAT_NV12},
    {"NV21", V4L2_PIX_FMT_NV21, DRM_FORMAT_NV21},
    {"NV16", V4L2_PIX_FMT_NV16, DRM_FORMAT_NV16},
    {"NV61", V4L2_PIX_FMT_NV61, DRM_FORMAT_NV61},
    {"NV24", V4L2_PIX_FMT_NV24, DRM_FORMAT_NV24},
    {"NV42", V4L2_PIX_FMT_NV42, DRM_FORMAT_NV42},
    {"NV12M", V4L2_PIX_FMT_NV12M, DRM_FORMAT_NV12},
    {"NV21M", V4L2_PIX_FMT_NV21M, DRM_FORMAT_NV21},
    {"NV16M", V4L2_PIX_FMT_NV16M, DRM_FORMAT_NV16},
    {"NV61M", V4L2_PIX_FMT_NV61M, DRM_FORMAT_NV61},
    {"P010", V4L2_PIX_FMT_P010, DRM_FORMAT_P010},
    {"YUV420", V4L2_PIX_FMT_YUV420, DRM_FORMAT_YUV420},
    {"YVU420", V4L2_PIX_FMT_YVU420, DRM_FORMAT_YVU420},
    {"YUV422P", V4L2_PIX_FMT_YUV422P, DRM_FORMAT_YUV422},
    {"YUV420M", V4L2_PIX_FMT_YUV420M, DRM_FORMAT_YUV420},
    {"YVU420M", V4L2_PIX_FMT_YVU420M, DRM_FORMAT_YVU420},
    {"YUV422M", V4L2_PIX_FMT_YUV422M, DRM_FORMAT_YUV422},
    {"YVU422M", V4L2_PIX_FMT_YVU422M, DRM_FORMAT_YVU422},
    {"YUV444M", V4L2_PIX_FMT_YUV444M, DRM_FORMAT_YUV444},
    {"YVU444M", V4L2_PIX_FMT_YVU444M, DRM_FORMAT_YVU444},
    {"GREY", V4L2_PIX_FMT_GREY, DRM_FORMAT_R8},
    {"Y10", V4L2_PIX_FMT_Y10, DRM_FORMAT_INVALID},
    {"Y12", V4L2_PIX_FMT_Y12, DRM_FORMAT_INVALID},
    {"Y16", V4L2_PIX_FMT_Y16, DRM_FORMAT_R16},
    {"RGB565", V4L2_PIX_FMT_RGB565, DRM_FORMAT_RGB565},
    {"RGB565X", V4L2_PIX_FMT_RGB565X, DRM_FORMAT_RGB565 | DRM_FORMAT_BIG_ENDIAN},
    {"RGB555", V4L2_PIX_FMT_RGB555, DRM_FORMAT_XRGB1555},
    {"XRGB555", V4L2_PIX_FMT_XRGB555, DRM_FORMAT_XRGB1555},
    {"ARGB555", V4L2_PIX_FMT_ARGB555, DRM_FORMAT_ARGB1555},
    {"ARGB555X", V4L2_PIX_FMT_ARGB555X, DRM_FORMAT_ARGB1555 | DRM_FORMAT_BIG_ENDIAN},
    {"RGB24", V4L2_PIX_FMT_RGB24, DRM_FORMAT_BGR888},
    {"BGR24", V4L2_PIX_FMT_BGR24, DRM_FORMAT_RGB888},
    {"XRGB32", V4L2_PIX_FMT_XRGB32, DRM_FORMAT_BGRX8888},
    {"XBGR32", V4L2_PIX_FMT_XBGR32, DRM_FORMAT_XRGB8888},
    {"ARGB32", V4L2_PIX_FMT_ARGB32, DRM_FORMAT_BGRA8888},
    {"ABGR32", V4L2_PIX_FMT_ABGR32, DRM_FORMAT_ARGB8888},
    {"RGBA32", V4L2_PIX_FMT_RGBA32, DRM_FORMAT_ABGR8888},
    {"BGRA32", V4L2_PIX_FMT_BGRA32, DRM_FORMAT_RGBA8888},
    {"RGBX32", V4L2_PIX_FMT_RGBX32, DRM_FORMAT_XBGR8888},
    {"BGRX32", V4L2_PIX_FMT_BGRX32, DRM_FORMAT_RGBX8888},
    {"SBGGR8", V4L2_PIX_FMT_SBGGR8, DRM_FORMAT_INVALID},
    {"SGBRG8", V4L2_PIX_FMT_SGBRG8, DRM_FORMAT_INVALID},
    {"SGRBG8", V4L2_PIX_FMT_SGRBG8, DRM_FORMAT_INVALID},
    {"SRGGB8", V4L2_PIX_FMT_SRGGB8, DRM_FORMAT_INVALID},
    {"SBGGR10", V4L2_PIX_FMT_SBGGR10, DRM_FORMAT_INVALID},
    {"SGBRG10", V4L2_PIX_FMT_SGBRG10, DRM_FORMAT_INVALID},
    {"SGRBG10", V4L2_PIX_FMT_SGRBG10, DRM_FORMAT_INVALID},
    {"SRGGB10", V4L2_PIX_FMT_SRGGB10, DRM_FORMAT_INVALID},
    {"SBGGR10P", V4L2_PIX_FMT_SBGGR10P, DRM_FORMAT_INVALID},
    {"SGBRG10P", V4L2_PIX_FMT_SGBRG10P, DRM_FORMAT_INVALID},
    {"SGRBG10P", V4L2_PIX_FMT_SGRBG10P, DRM_FORMAT_INVALID},
    {"SRGGB10P", V4L2_PIX_FMT_SRGGB10P, DRM_FORMAT_INVALID},
    {"SBGGR12", V4L2_PIX_FMT_SBGGR12, DRM_FORMAT_INVALID},
    {"SGBRG12", V4L2_PIX_FMT_SGBRG12, DRM_FORMAT_INVALID},
    {"SGRBG12", V4L2_PIX_FMT_SGRBG12, DRM_FORMAT_INVALID},
    {"SRGGB12", V4L2_PIX_FMT_SRGGB12, DRM_FORMAT_INVALID},
    {"SBGGR16", V4L2_PIX_FMT_SBGGR16, DRM_FORMAT_INVALID},
    {"SGBRG16", V4L2_PIX_FMT_SGBRG16, DRM_FORMAT_INVALID},
    {"SGRBG16", V4L2_PIX_FMT_SGRBG16, DRM_FORMAT_INVALID},
    {"SRGGB16", V4L2_PIX_FMT_SRGGB16, DRM_FORMAT_INVALID},
    {"MJPEG", V4L2_PIX_FMT_MJPEG, DRM_FORMAT_INVALID},
    {"JPEG", V4L2_PIX_FMT_JPEG, DRM_FORMAT_INVALID},
};

const Expected* expectedFor(std::string_view name) {
  for (const auto& e : kExpected) {
    if (e.name == name) return &e;
  }
  return nullptr;
}

TEST(FormatCodes, EveryEntryHasTheHeaderV4l2Code) {
  for (const auto& f : allFormats()) {
    const auto* e = expectedFor(f.name);
    ASSERT_NE(e, nullptr) << f.name << " has no expected codes in this test";
    EXPECT_EQ(f.v4l2, e->v4l2) << f.name;
  }
}

TEST(FormatCodes, EveryEntryHasTheHeaderDrmCodeOrNone) {
  for (const auto& f : allFormats()) {
    const auto* e = expectedFor(f.name);
    ASSERT_NE(e, nullptr) << f.name;
    EXPECT_EQ(f.drm, e->drm) << f.name;
    EXPECT_EQ(f.hasDrm(), !f.drmName.empty()) << f.name << ": DRM name without code";
  }
}

TEST(FormatCodes, EveryExpectedFormatIsInTheTable) {
  for (const auto& e : kExpected) {
    EXPECT_TRUE(fromV4l2(e.v4l2).isValid()) << e.name;
    EXPECT_EQ(fromV4l2(e.v4l2).name, e.name);
  }
}

TEST(FormatCodes, NamesAndV4l2CodesAreUnique) {
  std::set<std::string_view> names;
  std::set<std::uint32_t> codes;
  for (const auto& f : allFormats()) {
    EXPECT_TRUE(names.insert(f.name).second) << "duplicate name " << f.name;
    EXPECT_TRUE(codes.insert(f.v4l2).second) << "duplicate code for " << f.name;
  }
}

TEST(FormatCodes, DrmNamesNeverShadowAnotherFormatsName) {
  for (const auto& f : allFormats()) {
    if (!f.hasDrm()) continue;
    const auto& byName = fromV4l2(fromName(f.drmName).v4l2);
    EXPECT_EQ(byName.drm, f.drm) << f.drmName << " resolves to " << byName.name;
  }
}

TEST(FormatCodes, DrmOnlyNamesMatchTheHeader) {
  EXPECT_EQ(drmFormatName(DRM_FORMAT_BGRA4444), "BGRA4444");
  EXPECT_EQ(drmFormatName(DRM_FORMAT_ARGB2101010), "ARGB2101010");
  EXPECT_EQ(drmFormatName(DRM_FORMAT_XRGB8888), "XRGB8888");
}

TEST(FormatCodes, PlaneCountsFollowTheKernelsMeaning) {
  EXPECT_EQ(fromName("NV12").memPlanes, 1);
  EXPECT_EQ(fromName("NV12").colorPlanes, 2);
  EXPECT_EQ(fromName("NV12M").memPlanes, 2);
  EXPECT_EQ(fromName("NV12M").colorPlanes, 2);
  EXPECT_EQ(fromName("YUV420M").memPlanes, 3);
  EXPECT_EQ(fromName("YUYV").colorPlanes, 1);
  for (const auto& f : allFormats()) {
    EXPECT_TRUE(f.memPlanes == 1 || f.memPlanes == f.colorPlanes) << f.name;
    EXPECT_GE(f.colorPlanes, 1) << f.name;
    EXPECT_LE(f.colorPlanes, 4) << f.name;
  }
}

// The traps the issue names: same characters, different layouts, and the reverse.
TEST(FormatTraps, V4l2Rgb24IsDrmBgr888) {
  EXPECT_EQ(fromV4l2(V4L2_PIX_FMT_RGB24).drm, DRM_FORMAT_BGR888);
  EXPECT_EQ(fromDrm(DRM_FORMAT_BGR888).v4l2, V4L2_PIX_FMT_RGB24);
}

TEST(FormatTraps, V4l2Xbgr32AndDrmXrgb8888ShareXr24) {
  EXPECT_EQ(V4L2_PIX_FMT_XBGR32, DRM_FORMAT_XRGB8888);
  EXPECT_EQ(&fromV4l2(V4L2_PIX_FMT_XBGR32), &fromDrm(DRM_FORMAT_XRGB8888));
}

TEST(FormatTraps, SameCharactersDifferentLayouts) {
  // V4L2 'AYUV' is bytes A Y Cb Cr; DRM 'AYUV' is bytes Cr Cb Y A (V4L2 VUYA32).
  EXPECT_EQ(V4L2_PIX_FMT_AYUV32, DRM_FORMAT_AYUV);
  EXPECT_EQ(fromDrm(DRM_FORMAT_AYUV).name, "VUYA32");
  EXPECT_FALSE(fromV4l2(V4L2_PIX_FMT_AYUV32).hasDrm());
  EXPECT_EQ(V4L2_PIX_FMT_XYUV32, DRM_FORMAT_XYUV8888);
  EXPECT_EQ(fromDrm(DRM_FORMAT_XYUV8888).name, "VUYX32");
  // 'BA12': V4L2 Bayer GRBG 12-bit, DRM BGRA4444 (no entry).
  EXPECT_EQ(V4L2_PIX_FMT_SGRBG12, DRM_FORMAT_BGRA4444);
  EXPECT_FALSE(fromDrm(DRM_FORMAT_BGRA4444).isValid());
  // 'RG16': V4L2 Bayer RGGB 16-bit, DRM RGB565 (V4L2 'RGBP').
  EXPECT_EQ(V4L2_PIX_FMT_SRGGB16, DRM_FORMAT_RGB565);
  EXPECT_EQ(fromDrm(DRM_FORMAT_RGB565).v4l2, V4L2_PIX_FMT_RGB565);
}

TEST(FormatTraps, ACodeMeaningAnotherLayoutInDrmIsNeverClaimedAsThisFormatsDrmCode) {
  for (const auto& f : allFormats()) {
    const auto& drmMeaning = fromDrm(f.v4l2);
    if (!drmMeaning.isValid() || f.drm == f.v4l2) continue;
    // The four characters mean another layout in DRM ('AYUV', 'RG16'): that layout's DRM
    // code must differ from whatever DRM code this entry claims.
    EXPECT_NE(drmMeaning.drm, f.drm) << f.name;
  }
}

TEST(FormatTraps, MultiPlanarVariantsMapToTheSingleBufferDrmFormat) {
  EXPECT_EQ(fromDrm(DRM_FORMAT_NV12).name, "NV12");
  EXPECT_EQ(fromDrm(DRM_FORMAT_YUV420).name, "YUV420");
  EXPECT_EQ(fromV4l2(V4L2_PIX_FMT_YUV444M).drm, DRM_FORMAT_YUV444);
}

}  // namespace
}  // namespace vcam::fourcc
