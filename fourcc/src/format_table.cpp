// SPDX-License-Identifier: MIT
// The table itself: every pixel format vcamera knows, as plain constexpr data.
//
// Codes are typed here, not taken from <linux/videodev2.h> or <drm_fourcc.h>, so that
// tests/fourcc/format_codes_test.cpp can check them against those headers independently.
// The plane rows follow the meaning of Linux 6.1's v4l2_format_info (bpp, hdiv, vdiv,
// block_w/h), in bits so packed formats fit.
#include "format_table.h"

#include "vcamera/common/fourcc_code.h"

namespace vcam::fourcc {
namespace {

using E = Encoding;
using En = Endianness;
using R = SizeRule;

constexpr std::uint32_t fcc(const char (&s)[5]) { return makeFourcc(s[0], s[1], s[2], s[3]); }
constexpr std::uint32_t kDrmBigEndian = 1u << 31;               // DRM_FORMAT_BIG_ENDIAN
constexpr std::uint32_t kV4l2BigEndian = kFourccBigEndianFlag;  // v4l2_fourcc_be()

constexpr ColorPlaneInfo p(std::uint8_t bits, std::uint8_t bw = 1, std::uint8_t bh = 1) {
  return ColorPlaneInfo{bits, bw, bh};
}

struct Row {
  std::string_view name;
  std::uint32_t v4l2;
  std::uint32_t drm;
  std::string_view drmName;
  E enc;
  std::uint8_t mem;
  std::uint8_t color;
  std::array<ColorPlaneInfo, 4> planes;
  std::uint8_t hsub;
  std::uint8_t vsub;
  En endian;
  R rule;
  std::string_view description;
};

constexpr FormatInfo make(const Row& r) {
  FormatInfo f;
  f.name = r.name;
  f.v4l2 = r.v4l2;
  f.drm = r.drm;
  f.drmName = r.drmName;
  f.encoding = r.enc;
  f.memPlanes = r.mem;
  f.colorPlanes = r.color;
  f.planes = r.planes;
  f.hsub = r.hsub;
  f.vsub = r.vsub;
  f.endianness = r.endian;
  f.sizeRule = r.rule;
  f.description = r.description;
  return f;
}

// Shorthands for the common shapes.
constexpr std::array<ColorPlaneInfo, 4> one(std::uint8_t bits, std::uint8_t bw = 1) {
  return {p(bits, bw), {}, {}, {}};
}
constexpr std::array<ColorPlaneInfo, 4> two(std::uint8_t y, std::uint8_t c) {
  return {p(y), p(c), {}, {}};
}
constexpr std::array<ColorPlaneInfo, 4> three8() { return {p(8), p(8), p(8), {}}; }

// One row per format, wider than the column limit on purpose: rows read as a table.
// clang-format off
constexpr std::array kTable{
    // Packed YUV 4:2:2. One colour plane, so Linux sizes lines as width * 2 even when odd.
    make({"YUYV", fcc("YUYV"), fcc("YUYV"), "YUYV", E::kYuv, 1, 1, one(16), 2, 1, En::kNone, R::kLinux61, "Y0 Cb Y1 Cr, 4:2:2"}),
    make({"UYVY", fcc("UYVY"), fcc("UYVY"), "UYVY", E::kYuv, 1, 1, one(16), 2, 1, En::kNone, R::kLinux61, "Cb Y0 Cr Y1, 4:2:2"}),
    make({"YVYU", fcc("YVYU"), fcc("YVYU"), "YVYU", E::kYuv, 1, 1, one(16), 2, 1, En::kNone, R::kLinux61, "Y0 Cr Y1 Cb, 4:2:2"}),
    make({"VYUY", fcc("VYUY"), fcc("VYUY"), "VYUY", E::kYuv, 1, 1, one(16), 2, 1, En::kNone, R::kLinux61, "Cr Y0 Cb Y1, 4:2:2"}),
    // Packed YUV 4:4:4. V4L2 names bytes in memory order, DRM names bits of a little-endian
    // word: V4L2 'AYUV' is bytes A Y Cb Cr, DRM 'AYUV' is bytes Cr Cb Y A (V4L2 'VUYA').
    make({"AYUV32", fcc("AYUV"), 0, "", E::kYuv, 1, 1, one(32), 1, 1, En::kNone, R::kVcamera, "bytes A Y Cb Cr (not DRM 'AYUV')"}),
    make({"XYUV32", fcc("XYUV"), 0, "", E::kYuv, 1, 1, one(32), 1, 1, En::kNone, R::kVcamera, "bytes X Y Cb Cr (not DRM 'XYUV')"}),
    make({"VUYA32", fcc("VUYA"), fcc("AYUV"), "AYUV", E::kYuv, 1, 1, one(32), 1, 1, En::kNone, R::kVcamera, "bytes Cr Cb Y A"}),
    make({"VUYX32", fcc("VUYX"), fcc("XYUV"), "XYUV8888", E::kYuv, 1, 1, one(32), 1, 1, En::kNone, R::kVcamera, "bytes Cr Cb Y X"}),
    // Semi-planar YUV: a Y plane then an interleaved CbCr plane.
    make({"NV12", fcc("NV12"), fcc("NV12"), "NV12", E::kYuv, 1, 2, two(8, 16), 2, 2, En::kNone, R::kLinux61, "Y then CbCr, 4:2:0"}),
    make({"NV21", fcc("NV21"), fcc("NV21"), "NV21", E::kYuv, 1, 2, two(8, 16), 2, 2, En::kNone, R::kLinux61, "Y then CrCb, 4:2:0"}),
    make({"NV16", fcc("NV16"), fcc("NV16"), "NV16", E::kYuv, 1, 2, two(8, 16), 2, 1, En::kNone, R::kLinux61, "Y then CbCr, 4:2:2"}),
    make({"NV61", fcc("NV61"), fcc("NV61"), "NV61", E::kYuv, 1, 2, two(8, 16), 2, 1, En::kNone, R::kLinux61, "Y then CrCb, 4:2:2"}),
    make({"NV24", fcc("NV24"), fcc("NV24"), "NV24", E::kYuv, 1, 2, two(8, 16), 1, 1, En::kNone, R::kLinux61, "Y then CbCr, 4:4:4"}),
    make({"NV42", fcc("NV42"), fcc("NV42"), "NV42", E::kYuv, 1, 2, two(8, 16), 1, 1, En::kNone, R::kLinux61, "Y then CrCb, 4:4:4"}),
    make({"NV12M", fcc("NM12"), fcc("NV12"), "NV12", E::kYuv, 2, 2, two(8, 16), 2, 2, En::kNone, R::kLinux61, "NV12 in two buffers"}),
    make({"NV21M", fcc("NM21"), fcc("NV21"), "NV21", E::kYuv, 2, 2, two(8, 16), 2, 2, En::kNone, R::kLinux61, "NV21 in two buffers"}),
    make({"NV16M", fcc("NM16"), fcc("NV16"), "NV16", E::kYuv, 2, 2, two(8, 16), 2, 1, En::kNone, R::kLinux61, "NV16 in two buffers"}),
    make({"NV61M", fcc("NM61"), fcc("NV61"), "NV61", E::kYuv, 2, 2, two(8, 16), 2, 1, En::kNone, R::kLinux61, "NV61 in two buffers"}),
    make({"P010", fcc("P010"), fcc("P010"), "P010", E::kYuv, 1, 2, two(16, 32), 2, 2, En::kLittle, R::kLinux61P010, "NV12 with 10 bits in the high bits of 16"}),
    // Planar YUV: Y, Cb, Cr planes (Y, Cr, Cb for the YVU ones).
    make({"YUV420", fcc("YU12"), fcc("YU12"), "YUV420", E::kYuv, 1, 3, three8(), 2, 2, En::kNone, R::kLinux61, "Y, Cb, Cr planes, 4:2:0"}),
    make({"YVU420", fcc("YV12"), fcc("YV12"), "YVU420", E::kYuv, 1, 3, three8(), 2, 2, En::kNone, R::kLinux61, "Y, Cr, Cb planes, 4:2:0"}),
    make({"YUV422P", fcc("422P"), fcc("YU16"), "YUV422", E::kYuv, 1, 3, three8(), 2, 1, En::kNone, R::kLinux61, "Y, Cb, Cr planes, 4:2:2"}),
    make({"YUV420M", fcc("YM12"), fcc("YU12"), "YUV420", E::kYuv, 3, 3, three8(), 2, 2, En::kNone, R::kLinux61, "YUV420 in three buffers"}),
    make({"YVU420M", fcc("YM21"), fcc("YV12"), "YVU420", E::kYuv, 3, 3, three8(), 2, 2, En::kNone, R::kLinux61, "YVU420 in three buffers"}),
    make({"YUV422M", fcc("YM16"), fcc("YU16"), "YUV422", E::kYuv, 3, 3, three8(), 2, 1, En::kNone, R::kLinux61, "Y, Cb, Cr in three buffers, 4:2:2"}),
    make({"YVU422M", fcc("YM61"), fcc("YV16"), "YVU422", E::kYuv, 3, 3, three8(), 2, 1, En::kNone, R::kLinux61, "Y, Cr, Cb in three buffers, 4:2:2"}),
    make({"YUV444M", fcc("YM24"), fcc("YU24"), "YUV444", E::kYuv, 3, 3, three8(), 1, 1, En::kNone, R::kLinux61, "Y, Cb, Cr in three buffers, 4:4:4"}),
    make({"YVU444M", fcc("YM42"), fcc("YV24"), "YVU444", E::kYuv, 3, 3, three8(), 1, 1, En::kNone, R::kLinux61, "Y, Cr, Cb in three buffers, 4:4:4"}),
    // Luma only. DRM's single-channel R formats have the same bytes.
    make({"GREY", fcc("GREY"), fcc("R8  "), "R8", E::kYuv, 1, 1, one(8), 1, 1, En::kNone, R::kLinux61, "8-bit luma"}),
    make({"Y10", fcc("Y10 "), 0, "", E::kYuv, 1, 1, one(16), 1, 1, En::kLittle, R::kVcamera, "10-bit luma in the low bits of 16"}),
    make({"Y12", fcc("Y12 "), 0, "", E::kYuv, 1, 1, one(16), 1, 1, En::kLittle, R::kVcamera, "12-bit luma in the low bits of 16"}),
    make({"Y16", fcc("Y16 "), fcc("R16 "), "R16", E::kYuv, 1, 1, one(16), 1, 1, En::kLittle, R::kVcamera, "16-bit luma"}),
    // RGB. V4L2 RGB24 ('RGB3', bytes R G B) is DRM BGR888 ('BG24'); the 32-bit ones share
    // codes with DRM: V4L2 XBGR32 and DRM XRGB8888 are both 'XR24', bytes B G R X.
    make({"RGB565", fcc("RGBP"), fcc("RG16"), "RGB565", E::kRgb, 1, 1, one(16), 1, 1, En::kLittle, R::kLinux61, "R5 G6 B5 little endian (V4L2 'RG16' is SRGGB16)"}),
    make({"RGB565X", fcc("RGBR"), fcc("RG16") | kDrmBigEndian, "RGB565|BIG_ENDIAN", E::kRgb, 1, 1, one(16), 1, 1, En::kBig, R::kVcamera, "R5 G6 B5 big endian"}),
    make({"RGB555", fcc("RGBO"), fcc("XR15"), "XRGB1555", E::kRgb, 1, 1, one(16), 1, 1, En::kLittle, R::kLinux61, "X1 R5 G5 B5 little endian"}),
    make({"XRGB555", fcc("XR15"), fcc("XR15"), "XRGB1555", E::kRgb, 1, 1, one(16), 1, 1, En::kLittle, R::kVcamera, "X1 R5 G5 B5 little endian"}),
    make({"ARGB555", fcc("AR15"), fcc("AR15"), "ARGB1555", E::kRgb, 1, 1, one(16), 1, 1, En::kLittle, R::kVcamera, "A1 R5 G5 B5 little endian"}),
    make({"ARGB555X", fcc("AR15") | kV4l2BigEndian, fcc("AR15") | kDrmBigEndian, "ARGB1555|BIG_ENDIAN", E::kRgb, 1, 1, one(16), 1, 1, En::kBig, R::kVcamera, "A1 R5 G5 B5 big endian ('AR15-BE')"}),
    make({"RGB24", fcc("RGB3"), fcc("BG24"), "BGR888", E::kRgb, 1, 1, one(24), 1, 1, En::kNone, R::kLinux61, "bytes R G B"}),
    make({"BGR24", fcc("BGR3"), fcc("RG24"), "RGB888", E::kRgb, 1, 1, one(24), 1, 1, En::kNone, R::kLinux61, "bytes B G R"}),
    make({"XRGB32", fcc("BX24"), fcc("BX24"), "BGRX8888", E::kRgb, 1, 1, one(32), 1, 1, En::kNone, R::kLinux61, "bytes X R G B"}),
    make({"XBGR32", fcc("XR24"), fcc("XR24"), "XRGB8888", E::kRgb, 1, 1, one(32), 1, 1, En::kNone, R::kLinux61, "bytes B G R X"}),
    make({"ARGB32", fcc("BA24"), fcc("BA24"), "BGRA8888", E::kRgb, 1, 1, one(32), 1, 1, En::kNone, R::kLinux61, "bytes A R G B"}),
    make({"ABGR32", fcc("AR24"), fcc("AR24"), "ARGB8888", E::kRgb, 1, 1, one(32), 1, 1, En::kNone, R::kLinux61, "bytes B G R A"}),
    make({"RGBA32", fcc("AB24"), fcc("AB24"), "ABGR8888", E::kRgb, 1, 1, one(32), 1, 1, En::kNone, R::kLinux61, "bytes R G B A"}),
    make({"BGRA32", fcc("RA24"), fcc("RA24"), "RGBA8888", E::kRgb, 1, 1, one(32), 1, 1, En::kNone, R::kLinux61, "bytes A B G R"}),
    make({"RGBX32", fcc("XB24"), fcc("XB24"), "XBGR8888", E::kRgb, 1, 1, one(32), 1, 1, En::kNone, R::kLinux61, "bytes R G B X"}),
    make({"BGRX32", fcc("RX24"), fcc("RX24"), "RGBX8888", E::kRgb, 1, 1, one(32), 1, 1, En::kNone, R::kLinux61, "bytes X B G R"}),
    // Bayer. DRM has no Bayer formats; 'BA12' is V4L2 SGRBG12 but DRM BGRA4444.
    make({"SBGGR8", fcc("BA81"), 0, "", E::kBayer, 1, 1, one(8), 1, 1, En::kNone, R::kLinux61, "BGGR 8-bit"}),
    make({"SGBRG8", fcc("GBRG"), 0, "", E::kBayer, 1, 1, one(8), 1, 1, En::kNone, R::kLinux61, "GBRG 8-bit"}),
    make({"SGRBG8", fcc("GRBG"), 0, "", E::kBayer, 1, 1, one(8), 1, 1, En::kNone, R::kLinux61, "GRBG 8-bit"}),
    make({"SRGGB8", fcc("RGGB"), 0, "", E::kBayer, 1, 1, one(8), 1, 1, En::kNone, R::kLinux61, "RGGB 8-bit"}),
    make({"SBGGR10", fcc("BG10"), 0, "", E::kBayer, 1, 1, one(16), 1, 1, En::kLittle, R::kLinux61, "BGGR 10-bit in 16"}),
    make({"SGBRG10", fcc("GB10"), 0, "", E::kBayer, 1, 1, one(16), 1, 1, En::kLittle, R::kLinux61, "GBRG 10-bit in 16"}),
    make({"SGRBG10", fcc("BA10"), 0, "", E::kBayer, 1, 1, one(16), 1, 1, En::kLittle, R::kLinux61, "GRBG 10-bit in 16"}),
    make({"SRGGB10", fcc("RG10"), 0, "", E::kBayer, 1, 1, one(16), 1, 1, En::kLittle, R::kLinux61, "RGGB 10-bit in 16"}),
    // MIPI RAW10: 4 pixels in 5 bytes; a line is whole 4-pixel groups (vcamera's rule).
    make({"SBGGR10P", fcc("pBAA"), 0, "", E::kBayer, 1, 1, one(10, 4), 1, 1, En::kNone, R::kVcamera, "BGGR 10-bit packed, 4 pixels in 5 bytes"}),
    make({"SGBRG10P", fcc("pGAA"), 0, "", E::kBayer, 1, 1, one(10, 4), 1, 1, En::kNone, R::kVcamera, "GBRG 10-bit packed, 4 pixels in 5 bytes"}),
    make({"SGRBG10P", fcc("pgAA"), 0, "", E::kBayer, 1, 1, one(10, 4), 1, 1, En::kNone, R::kVcamera, "GRBG 10-bit packed, 4 pixels in 5 bytes"}),
    make({"SRGGB10P", fcc("pRAA"), 0, "", E::kBayer, 1, 1, one(10, 4), 1, 1, En::kNone, R::kVcamera, "RGGB 10-bit packed, 4 pixels in 5 bytes"}),
    make({"SBGGR12", fcc("BG12"), 0, "", E::kBayer, 1, 1, one(16), 1, 1, En::kLittle, R::kLinux61, "BGGR 12-bit in 16"}),
    make({"SGBRG12", fcc("GB12"), 0, "", E::kBayer, 1, 1, one(16), 1, 1, En::kLittle, R::kLinux61, "GBRG 12-bit in 16"}),
    make({"SGRBG12", fcc("BA12"), 0, "", E::kBayer, 1, 1, one(16), 1, 1, En::kLittle, R::kLinux61, "GRBG 12-bit in 16 (DRM 'BA12' is BGRA4444)"}),
    make({"SRGGB12", fcc("RG12"), 0, "", E::kBayer, 1, 1, one(16), 1, 1, En::kLittle, R::kLinux61, "RGGB 12-bit in 16"}),
    make({"SBGGR16", fcc("BYR2"), 0, "", E::kBayer, 1, 1, one(16), 1, 1, En::kLittle, R::kVcamera, "BGGR 16-bit"}),
    make({"SGBRG16", fcc("GB16"), 0, "", E::kBayer, 1, 1, one(16), 1, 1, En::kLittle, R::kVcamera, "GBRG 16-bit"}),
    make({"SGRBG16", fcc("GR16"), 0, "", E::kBayer, 1, 1, one(16), 1, 1, En::kLittle, R::kVcamera, "GRBG 16-bit"}),
    make({"SRGGB16", fcc("RG16"), 0, "", E::kBayer, 1, 1, one(16), 1, 1, En::kLittle, R::kVcamera, "RGGB 16-bit (DRM 'RG16' is RGB565)"}),
    // Compressed: no lines; sizeimage is a worst-case bound (layout.h).
    make({"MJPEG", fcc("MJPG"), 0, "", E::kCompressed, 1, 1, one(0), 1, 1, En::kNone, R::kVcamera, "Motion-JPEG"}),
    make({"JPEG", fcc("JPEG"), 0, "", E::kCompressed, 1, 1, one(0), 1, 1, En::kNone, R::kVcamera, "JFIF JPEG"}),
};
// clang-format on

// DRM formats without an entry, so messages can say what a DRM code means.
constexpr std::array kDrmOnly{
    DrmName{fcc("BA12"), "BGRA4444"},    DrmName{fcc("RA12"), "RGBA4444"},
    DrmName{fcc("AR12"), "ARGB4444"},    DrmName{fcc("AB12"), "ABGR4444"},
    DrmName{fcc("XR30"), "XRGB2101010"}, DrmName{fcc("AR30"), "ARGB2101010"},
    DrmName{fcc("XB30"), "XBGR2101010"}, DrmName{fcc("AB30"), "ABGR2101010"},
    DrmName{fcc("VU24"), "VUY888"},
};

}  // namespace

std::span<const FormatInfo> allFormats() { return kTable; }
std::span<const DrmName> drmOnlyNames() { return kDrmOnly; }

}  // namespace vcam::fourcc
