// SPDX-License-Identifier: MIT
// FOURCC text rules as cameraif writes them in XenStore.
#include <gtest/gtest.h>
#include <linux/videodev2.h>

#include "vcamera/common/fourcc_code.h"

namespace vcam {
namespace {

TEST(FourccCode, FourCharactersParseToTheV4l2Code) {
  EXPECT_EQ(*parseFourcc("NV12"), V4L2_PIX_FMT_NV12);
  EXPECT_EQ(*parseFourcc("YUYV"), V4L2_PIX_FMT_YUYV);
}

TEST(FourccCode, ThreeCharactersArePaddedWithATrailingSpace) {
  EXPECT_EQ(*parseFourcc("Y16"), V4L2_PIX_FMT_Y16);
  EXPECT_EQ(*fourccToString(V4L2_PIX_FMT_Y16), "Y16");
}

TEST(FourccCode, BigEndianSuffixSetsBit31) {
  EXPECT_EQ(*parseFourcc("Y16-BE"), V4L2_PIX_FMT_Y16_BE);
  EXPECT_EQ(*fourccToString(V4L2_PIX_FMT_Y16_BE), "Y16-BE");
  EXPECT_EQ(*parseFourcc("AR15-BE"), v4l2_fourcc_be('A', 'R', '1', '5'));
}

TEST(FourccCode, FormattingRoundTripsThroughParsing) {
  for (std::uint32_t code : {V4L2_PIX_FMT_NV12, V4L2_PIX_FMT_Y10, V4L2_PIX_FMT_RGB565X,
                             V4L2_PIX_FMT_MJPEG, V4L2_PIX_FMT_SRGGB10P}) {
    EXPECT_EQ(*parseFourcc(*fourccToString(code)), code) << describeFourcc(code);
  }
}

TEST(FourccCode, RejectsEmptyAndOverlongText) {
  EXPECT_FALSE(parseFourcc("").ok());
  EXPECT_FALSE(parseFourcc("-BE").ok());
  EXPECT_FALSE(parseFourcc("NV12X").ok());
  EXPECT_NE(parseFourcc("NV12X").error().message.find("more than four"), std::string::npos);
}

TEST(FourccCode, RejectsSpacesThatAreNotTrailingPadding) {
  EXPECT_FALSE(parseFourcc("Y 16").ok());
  EXPECT_FALSE(parseFourcc(" Y16").ok());
  EXPECT_FALSE(parseFourcc("Y16 ").ok()) << "the written form has its padding trimmed";
}

TEST(FourccCode, RejectsCharactersOutsidePrintableAscii) {
  EXPECT_FALSE(parseFourcc(std::string("NV\x01"
                                       "2"))
                   .ok());
  EXPECT_FALSE(parseFourcc("NV\xc3\xa9").ok());
  EXPECT_FALSE(fourccToString(0x00000000).ok());
  EXPECT_FALSE(fourccToString(0x20202020).ok()) << "all spaces";
  EXPECT_FALSE(fourccToString(makeFourcc('A', ' ', 'B', 'C')).ok()) << "interior space";
}

TEST(FourccCode, HexCodeIsZeroPadded) { EXPECT_EQ(fourccHex(0x1234), "0x00001234"); }

TEST(FourccCode, DescribeNeverFails) {
  EXPECT_EQ(describeFourcc(V4L2_PIX_FMT_NV12), "'NV12'");
  EXPECT_EQ(describeFourcc(0), "0x00000000");
  EXPECT_EQ(describeFourcc(V4L2_PIX_FMT_Y16_BE), "'Y16 '-BE");
}

}  // namespace
}  // namespace vcam
