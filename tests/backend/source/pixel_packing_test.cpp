// SPDX-License-Identifier: MIT
// The component-order table against the fourcc table: complete, no strays, consistent bits.
#include "backend/source/pixel_packing.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace vcam::source {
namespace {

using fourcc::allFormats;
using fourcc::FormatInfo;

TEST(PixelPacking, EveryUncompressedTableFormatResolvesAgainstTheTable) {
  for (const FormatInfo& f : allFormats()) {
    if (f.isCompressed()) continue;
    auto packing = resolvePacking(f);
    EXPECT_TRUE(packing.ok()) << f.name << ": " << (packing ? "" : packing.error().message);
  }
}

TEST(PixelPacking, EverySpecNamesOneUncompressedTableFormat) {
  std::set<std::string_view> seen;
  for (const PackingSpec& spec : packingSpecs()) {
    const FormatInfo& f = fourcc::fromName(spec.format);
    EXPECT_TRUE(f.isValid() && !f.isCompressed()) << spec.format;
    EXPECT_EQ(f.name, spec.format) << "spec names a DRM alias, not the table name";
    EXPECT_TRUE(seen.insert(spec.format).second) << spec.format << " listed twice";
  }
}

TEST(PixelPacking, CompressedFormatsHaveNoPacking) {
  auto packing = resolvePacking(fourcc::fromName("MJPEG"));
  ASSERT_FALSE(packing.ok());
  EXPECT_EQ(packing.error().code, ENOTSUP);
}

TEST(PixelPacking, GroupBytesFollowTheTableBits) {
  // Groups are whole samples: YUYV two pixels in 4 bytes, RAW10 four in 5, NV12's CbCr 2.
  EXPECT_EQ(resolvePacking(fourcc::fromName("YUYV"))->planes[0].groupBytes, 4);
  EXPECT_EQ(resolvePacking(fourcc::fromName("SRGGB10P"))->planes[0].groupBytes, 5);
  EXPECT_EQ(resolvePacking(fourcc::fromName("NV12"))->planes[1].groupBytes, 2);
  EXPECT_EQ(resolvePacking(fourcc::fromName("NV12"))->planes[1].vfactor, 2);
}

TEST(PixelPacking, BigEndianComesFromTheTable) {
  EXPECT_TRUE(resolvePacking(fourcc::fromName("RGB565X"))->planes[0].bigEndian);
  EXPECT_FALSE(resolvePacking(fourcc::fromName("RGB565"))->planes[0].bigEndian);
}

TEST(PixelPacking, BayerLinesAlternateColours) {
  const auto packing = resolvePacking(fourcc::fromName("SBGGR8"));
  ASSERT_TRUE(packing.ok());
  const PlanePacking& p = packing->planes[0];
  ASSERT_TRUE(p.alternates);
  const auto colour = [&](std::size_t parity, std::size_t field) {
    return p.channels[p.fields[parity][field].channel].component;
  };
  EXPECT_EQ(colour(0, 0), Component::kB);
  EXPECT_EQ(colour(0, 1), Component::kG);
  EXPECT_EQ(colour(1, 0), Component::kG);
  EXPECT_EQ(colour(1, 1), Component::kR);
}

}  // namespace
}  // namespace vcam::source
