// SPDX-License-Identifier: MIT
// Tests of the cameraif XenStore schema: every node rule with good and hostile input, whole trees.
#include "vcamera/proto/xenstore_schema.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "vcamera/cameraif.h"
#include "vcamera/common/fourcc_code.h"

namespace vcam::proto {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// ---- Helpers -----------------------------------------------------------------------------------

// An in-memory XenStore: absolute path -> value; directories exist when they have children or
// were written explicitly. Listings can be reversed to show the reader does not depend on order.
class MemoryTree : public XenStoreTreeReader {
 public:
  void write(const std::string& path, const std::string& value) { nodes_[path] = value; }
  void remove(const std::string& path) { nodes_.erase(path); }
  void setReverseListings(bool reverse) { reverse_ = reverse; }
  void writeAll(const std::string& dir, const XenStoreNodes& nodes) {
    for (const auto& [rel, value] : nodes) write(dir + "/" + rel, value);
  }
  [[nodiscard]] int reads() const { return reads_; }

  std::optional<std::string> read(std::string_view path) const override {
    ++reads_;
    auto it = nodes_.find(std::string(path));
    if (it == nodes_.end()) return std::nullopt;
    return it->second;
  }

  std::optional<std::vector<std::string>> directory(std::string_view path) const override {
    const std::string prefix = std::string(path) + "/";
    std::set<std::string> children;
    for (auto it = nodes_.lower_bound(prefix); it != nodes_.end(); ++it) {
      if (!it->first.starts_with(prefix)) break;
      const std::string rest = it->first.substr(prefix.size());
      children.insert(rest.substr(0, rest.find('/')));
    }
    if (children.empty() && !nodes_.contains(std::string(path))) return std::nullopt;
    std::vector<std::string> out(children.begin(), children.end());
    if (reverse_) std::reverse(out.begin(), out.end());
    return out;
  }

 private:
  std::map<std::string, std::string> nodes_;
  bool reverse_ = false;
  mutable int reads_ = 0;
};

// A hostile tree: any directory lists `count` children; counts every read.
class FloodTree : public XenStoreTreeReader {
 public:
  explicit FloodTree(std::size_t count) : count_(count) {}
  [[nodiscard]] int reads() const { return reads_; }
  [[nodiscard]] int listings() const { return listings_; }

  std::optional<std::string> read(std::string_view path) const override {
    ++reads_;
    if (path.ends_with("/unique-id")) return "cam";
    if (path.ends_with("/max-buffers")) return "3";
    if (path.ends_with("/frame-rates")) return "30/1";
    return std::nullopt;
  }
  std::optional<std::vector<std::string>> directory(std::string_view path) const override {
    ++listings_;
    std::vector<std::string> names;
    const bool formats = path.ends_with("/formats");
    for (std::size_t i = 0; i < count_; ++i) {
      names.push_back(formats ? "F" + std::to_string(i % 1000) : std::to_string(i + 1) + "x1");
    }
    return names;
  }

 private:
  std::size_t count_;
  mutable int reads_ = 0;
  mutable int listings_ = 0;
};

constexpr std::string_view kFeDir = "/local/domain/1/device/vcamera/0";
constexpr std::uint32_t kYuyv = makeFourcc('Y', 'U', 'Y', 'V');
constexpr std::uint32_t kBgra = makeFourcc('B', 'G', 'R', 'A');
constexpr std::uint32_t kNv12 = makeFourcc('N', 'V', '1', '2');

std::string fe(std::string_view rel) { return std::string(kFeDir) + "/" + std::string(rel); }

// Device 0 of the example configuration in cameraif.h's comment.
MemoryTree headerExampleTree() {
  MemoryTree tree;
  tree.write(fe("backend-id"), "0");
  tree.write(fe("backend"), "/local/domain/0/backend/vcamera/1");
  tree.write(fe("state"), "4");
  tree.write(fe("version"), "1");
  tree.write(fe("be-alloc"), "1");
  tree.write(fe("max-buffers"), "3");
  tree.write(fe("controls"), "contrast,hue");
  tree.write(fe("formats/YUYV/640x480/frame-rates"), "30/1,15/1");
  tree.write(fe("formats/YUYV/1920x1080/frame-rates"), "15/2");
  tree.write(fe("formats/BGRA/640x480/frame-rates"), "15/1,15/2");
  tree.write(fe("formats/BGRA/1200x720/frame-rates"), "15/2");
  tree.write(fe("unique-id"), "0");
  tree.write(fe("req-ring-ref"), "2832");
  tree.write(fe("req-event-channel"), "15");
  tree.write(fe("evt-ring-ref"), "387");
  tree.write(fe("evt-event-channel"), "16");
  return tree;
}

// A small valid tree to break one node at a time.
MemoryTree minimalTree() {
  MemoryTree tree;
  tree.write(fe("unique-id"), "cam0");
  tree.write(fe("max-buffers"), "4");
  tree.write(fe("formats/YUYV/640x480/frame-rates"), "30/1");
  return tree;
}

FrontendConfig sampleConfig() {
  FrontendConfig config;
  config.beAlloc = true;
  config.uniqueId = "usb-0000:00:14.0-1";
  config.maxBuffers = 8;
  config.controls = {ControlType::Hue, ControlType::Brightness};
  config.formats = {
      {kBgra, {{{320, 240}, {{30, 1}}}}},
      {kYuyv, {{{640, 480}, {{30, 1}, {15, 1}}}, {{1920, 1080}, {{15, 2}}}}},
  };
  return config;
}

std::string listOf(std::size_t count, const std::string& item) {
  std::string out;
  for (std::size_t i = 0; i < count; ++i) out += (i == 0 ? "" : ",") + item;
  return out;
}

std::string distinctRates(std::size_t count) {
  std::string out;
  for (std::size_t i = 1; i <= count; ++i) out += (i == 1 ? "" : ",") + std::to_string(i) + "/1";
  return out;
}

// ---- FOURCC node names -------------------------------------------------------------------------

TEST(XenStoreFourccNode, ParsesFourCharacterName) {
  auto code = parseFourccNode("YUYV");
  ASSERT_TRUE(code.ok()) << code.error().message;
  EXPECT_EQ(*code, kYuyv);
}

TEST(XenStoreFourccNode, ThreeCharacterNameIsPaddedWithTrailingSpace) {
  auto code = parseFourccNode("Y16");
  ASSERT_TRUE(code.ok());
  EXPECT_EQ(*code, makeFourcc('Y', '1', '6', ' '));
}

TEST(XenStoreFourccNode, BigEndianSuffixSetsBit31) {
  auto code = parseFourccNode("AR15-BE");
  ASSERT_TRUE(code.ok());
  EXPECT_EQ(*code, makeFourcc('A', 'R', '1', '5', true));
  EXPECT_EQ(*parseFourccNode("Y16-BE"), makeFourcc('Y', '1', '6', ' ', true));
}

TEST(XenStoreFourccNode, AcceptsEveryCharacterXenstoredAllows) {
  EXPECT_TRUE(parseFourccNode("a_9@").ok());
  EXPECT_TRUE(parseFourccNode("Z-z0").ok());
}

TEST(XenStoreFourccNode, RejectsEachCharacterCameraifForbids) {
  for (char c : std::string("/\\ <>:\"|?*")) {
    const std::string name = std::string("YU") + c + "V";
    auto code = parseFourccNode(name);
    ASSERT_FALSE(code.ok()) << name;
    EXPECT_THAT(code.error().message, HasSubstr("cameraif forbids")) << name;
    EXPECT_EQ(code.error().code, EINVAL);
  }
}

TEST(XenStoreFourccNode, RejectsCharactersXenstoredDoesNotAllow) {
  for (const std::string& name :
       std::vector<std::string>{"YU.V", "YU+V", "YU#V", "YU~V", "YU(V", std::string("YU\x01V", 4),
                                std::string("YU\x80V", 4), std::string("YU\0V", 4)}) {
    auto code = parseFourccNode(name);
    ASSERT_FALSE(code.ok());
    EXPECT_THAT(code.error().message, HasSubstr("only letters, digits and -_@"));
  }
}

TEST(XenStoreFourccNode, RejectsEmptyAndOverlongNames) {
  auto empty = parseFourccNode("");
  ASSERT_FALSE(empty.ok());
  EXPECT_THAT(empty.error().message, HasSubstr("empty"));
  auto longName = parseFourccNode("YUYVY");
  ASSERT_FALSE(longName.ok());
  EXPECT_THAT(longName.error().message, HasSubstr("'YUYVY'"));
  EXPECT_THAT(longName.error().message, HasSubstr("more than four"));
  EXPECT_FALSE(parseFourccNode("YUYVY-BE").ok());
  EXPECT_FALSE(parseFourccNode(std::string(5000, 'A')).ok());
}

TEST(XenStoreFourccNode, FormatsCodesAsCameraifSpellsThem) {
  EXPECT_EQ(*formatFourccNode(kYuyv), "YUYV");
  EXPECT_EQ(*formatFourccNode(makeFourcc('Y', '1', '6', ' ')), "Y16");
  EXPECT_EQ(*formatFourccNode(makeFourcc('A', 'R', '1', '5', true)), "AR15-BE");
}

TEST(XenStoreFourccNode, FormatRejectsCodesThatCannotBeNodeNames) {
  auto unprintable = formatFourccNode(0);
  ASSERT_FALSE(unprintable.ok());
  EXPECT_THAT(unprintable.error().message, HasSubstr("FOURCC"));
  auto slash = formatFourccNode(makeFourcc('Y', '/', 'U', 'V'));
  ASSERT_FALSE(slash.ok());
  EXPECT_THAT(slash.error().message, HasSubstr("cannot be a XenStore node name"));
  EXPECT_FALSE(formatFourccNode(makeFourcc('Y', 'U', '.', 'V')).ok());
  EXPECT_FALSE(formatFourccNode(makeFourcc('Y', ' ', 'U', 'V')).ok());
}

TEST(XenStoreFourccNode, FormatRejectsCodeWhoseNameReadsBackAsAnother) {
  // 'X-BE' (little-endian) would be written "X-BE", which means 'X' with bit 31.
  auto ambiguous = formatFourccNode(makeFourcc('X', '-', 'B', 'E'));
  ASSERT_FALSE(ambiguous.ok());
  EXPECT_THAT(ambiguous.error().message, HasSubstr("reads back as"));
}

TEST(XenStoreFourccNode, FormatThenParseRoundTrips) {
  for (std::uint32_t code : {kYuyv, kBgra, kNv12, makeFourcc('Y', '1', '6', ' ', true),
                             makeFourcc('G', 'R', 'E', 'Y'), makeFourcc('Y', '8', ' ', ' ')}) {
    auto name = formatFourccNode(code);
    ASSERT_TRUE(name.ok()) << describeFourcc(code);
    EXPECT_EQ(*parseFourccNode(*name), code) << *name;
  }
}

// ---- Resolutions -------------------------------------------------------------------------------

TEST(XenStoreResolution, ParsesWidthAndHeight) {
  auto res = parseResolution("640x480");
  ASSERT_TRUE(res.ok());
  EXPECT_EQ(*res, (Resolution{640, 480}));
  EXPECT_EQ(*parseResolution("4294967295x4294967295"), (Resolution{4294967295u, 4294967295u}));
}

TEST(XenStoreResolution, RejectsZeroDimensions) {
  for (const char* text : {"0x0", "640x0", "0x480"}) {
    auto res = parseResolution(text);
    ASSERT_FALSE(res.ok()) << text;
    EXPECT_THAT(res.error().message, HasSubstr("must not be 0"));
    EXPECT_THAT(res.error().message, HasSubstr(std::string("'") + text + "'"));
  }
}

TEST(XenStoreResolution, RejectsValuesBeyondU32) {
  for (const char* text :
       {"99999999999x1", "4294967296x1", "1x4294967296", "1x99999999999999999999999999"}) {
    auto res = parseResolution(text);
    ASSERT_FALSE(res.ok()) << text;
    EXPECT_EQ(res.error().code, ERANGE);
    EXPECT_THAT(res.error().message, HasSubstr("larger than 4294967295"));
  }
}

TEST(XenStoreResolution, RejectsLeadingZerosForCanonicalNames) {
  auto res = parseResolution("0640x480");
  ASSERT_FALSE(res.ok());
  EXPECT_THAT(res.error().message, HasSubstr("leading zero"));
  EXPECT_FALSE(parseResolution("640x0480").ok());
}

TEST(XenStoreResolution, RejectsSignsSpacesHexAndEmptyParts) {
  for (const char* text : {"-1x480", "+640x480", "640x+480", " 640x480", "640x480 ", "640 x480",
                           "0x10x480", "640x0x1e0", "x480", "640x", "x", "", "640", "640X480",
                           "640x480x1", "6a0x480", "640*480"}) {
    auto res = parseResolution(text);
    EXPECT_FALSE(res.ok()) << "'" << text << "'";
    if (!res.ok()) {
      EXPECT_THAT(res.error().message, HasSubstr("resolution"));
    }
  }
}

TEST(XenStoreResolution, FormatsAsWidthXHeight) {
  EXPECT_EQ(*formatResolution({1920, 1080}), "1920x1080");
  EXPECT_FALSE(formatResolution({0, 1080}).ok());
  EXPECT_FALSE(formatResolution({1920, 0}).ok());
}

// ---- Frame rates -------------------------------------------------------------------------------

TEST(XenStoreFrameRate, ParsesNumeratorAndDenominator) {
  EXPECT_EQ(*parseFrameRate("30/1"), (FrameRate{30, 1}));
  EXPECT_EQ(*parseFrameRate("15/2"), (FrameRate{15, 2}));
  EXPECT_EQ(*parseFrameRate("4294967295/4294967295"), (FrameRate{4294967295u, 4294967295u}));
}

TEST(XenStoreFrameRate, RejectsZeroDenominator) {
  auto rate = parseFrameRate("30/0");
  ASSERT_FALSE(rate.ok());
  EXPECT_THAT(rate.error().message, HasSubstr("denominator must not be 0"));
}

TEST(XenStoreFrameRate, RejectsZeroNumeratorAsZeroFps) {
  auto rate = parseFrameRate("0/1");
  ASSERT_FALSE(rate.ok());
  EXPECT_THAT(rate.error().message, HasSubstr("numerator must not be 0"));
}

TEST(XenStoreFrameRate, RejectsMalformedText) {
  for (const char* text : {"-1/1", "30/-1", "+30/1", "30", "30/", "/1", "/", "", "30/1/1", "030/1",
                           "30/01", " 30/1", "30/1 ", "30.0/1", "3e1/1", "4294967296/1", "30\\1"}) {
    auto rate = parseFrameRate(text);
    EXPECT_FALSE(rate.ok()) << "'" << text << "'";
    if (!rate.ok()) {
      EXPECT_THAT(rate.error().message, HasSubstr("frame rate"));
    }
  }
}

TEST(XenStoreFrameRate, FormatsAsFraction) {
  EXPECT_EQ(*formatFrameRate({30, 1}), "30/1");
  EXPECT_FALSE(formatFrameRate({30, 0}).ok());
  EXPECT_FALSE(formatFrameRate({0, 1}).ok());
}

TEST(XenStoreFrameRate, SameFrameRateComparesValuesExactly) {
  EXPECT_TRUE(sameFrameRate({30, 1}, {60, 2}));
  EXPECT_FALSE(sameFrameRate({30, 1}, {30000, 1001}));
  EXPECT_TRUE(sameFrameRate({4294967295u, 4294967295u}, {1, 1}));  // no overflow
}

TEST(XenStoreFrameRateList, ParsesInListOrder) {
  auto rates = parseFrameRateList("30/1,15/1");
  ASSERT_TRUE(rates.ok());
  EXPECT_THAT(*rates, ElementsAre(FrameRate{30, 1}, FrameRate{15, 1}));
}

TEST(XenStoreFrameRateList, RejectsEmptyList) {
  auto rates = parseFrameRateList("");
  ASSERT_FALSE(rates.ok());
  EXPECT_THAT(rates.error().message, HasSubstr("at least one"));
}

TEST(XenStoreFrameRateList, RejectsEmptyEntries) {
  for (const char* text : {",30/1", "30/1,", "30/1,,15/1", ","}) {
    auto rates = parseFrameRateList(text);
    ASSERT_FALSE(rates.ok()) << text;
    EXPECT_THAT(rates.error().message, HasSubstr("empty entry"));
  }
}

TEST(XenStoreFrameRateList, RejectsDuplicateRatesIncludingEquivalentFractions) {
  auto same = parseFrameRateList("30/1,15/1,30/1");
  ASSERT_FALSE(same.ok());
  EXPECT_THAT(same.error().message, HasSubstr("twice"));
  auto equivalent = parseFrameRateList("30/1,60/2");
  ASSERT_FALSE(equivalent.ok());
  EXPECT_THAT(equivalent.error().message, HasSubstr("60/2"));
}

TEST(XenStoreFrameRateList, AcceptsUpToTheLimitAndRejectsMore) {
  EXPECT_EQ(parseFrameRateList(distinctRates(kMaxFrameRatesPerResolution))->size(),
            kMaxFrameRatesPerResolution);
  auto tooMany = parseFrameRateList(distinctRates(kMaxFrameRatesPerResolution + 1));
  ASSERT_FALSE(tooMany.ok());
  EXPECT_EQ(tooMany.error().code, E2BIG);
  EXPECT_THAT(tooMany.error().message, HasSubstr("at most 16"));
}

TEST(XenStoreFrameRateList, RejectsValueLongerThanXenStorePayload) {
  auto rates = parseFrameRateList("1/1" + std::string(kMaxValueLength, '0'));
  ASSERT_FALSE(rates.ok());
  EXPECT_EQ(rates.error().code, E2BIG);
  EXPECT_THAT(rates.error().message, HasSubstr("4096"));
}

TEST(XenStoreFrameRateList, ErrorNamesTheBadEntry) {
  auto rates = parseFrameRateList("30/1,30/0");
  ASSERT_FALSE(rates.ok());
  EXPECT_THAT(rates.error().message, HasSubstr("'30/0'"));
}

TEST(XenStoreFrameRateList, FormatRoundTripsAndChecksTheSameRules) {
  const std::vector<FrameRate> rates{{30, 1}, {15, 2}};
  auto text = formatFrameRateList(rates);
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(*text, "30/1,15/2");
  EXPECT_EQ(*parseFrameRateList(*text), rates);
  EXPECT_FALSE(formatFrameRateList(std::vector<FrameRate>{}).ok());
  EXPECT_FALSE(formatFrameRateList(std::vector<FrameRate>{{30, 1}, {60, 2}}).ok());
  EXPECT_FALSE(formatFrameRateList(std::vector<FrameRate>(17, FrameRate{1, 1})).ok());
}

// ---- Controls ----------------------------------------------------------------------------------

TEST(XenStoreControls, MapsNamesToCameraifTypeNumbers) {
  auto controls = parseControls("brightness,contrast,saturation,hue");
  ASSERT_TRUE(controls.ok());
  ASSERT_EQ(controls->size(), 4u);
  EXPECT_EQ(static_cast<int>((*controls)[0]), XENCAMERA_CTRL_BRIGHTNESS);
  EXPECT_EQ(static_cast<int>((*controls)[1]), XENCAMERA_CTRL_CONTRAST);
  EXPECT_EQ(static_cast<int>((*controls)[2]), XENCAMERA_CTRL_SATURATION);
  EXPECT_EQ(static_cast<int>((*controls)[3]), XENCAMERA_CTRL_HUE);
}

TEST(XenStoreControls, AcceptsAnyOrderAndKeepsIt) {
  EXPECT_THAT(*parseControls("hue,contrast"), ElementsAre(ControlType::Hue, ControlType::Contrast));
}

TEST(XenStoreControls, EmptyStringMeansNoControls) {
  auto controls = parseControls("");
  ASSERT_TRUE(controls.ok());
  EXPECT_TRUE(controls->empty());
}

TEST(XenStoreControls, RejectsUnknownName) {
  auto controls = parseControls("contrast,zoom");
  ASSERT_FALSE(controls.ok());
  EXPECT_THAT(controls.error().message, HasSubstr("unknown control 'zoom'"));
}

TEST(XenStoreControls, NamesAreCaseSensitiveAndUnpadded) {
  EXPECT_FALSE(parseControls("Hue").ok());
  EXPECT_FALSE(parseControls("hue, contrast").ok());
  EXPECT_FALSE(parseControls("hue ").ok());
}

TEST(XenStoreControls, RejectsDuplicates) {
  auto controls = parseControls("hue,contrast,hue");
  ASSERT_FALSE(controls.ok());
  EXPECT_THAT(controls.error().message, HasSubstr("'hue' twice"));
}

TEST(XenStoreControls, RejectsMoreThanMaxCtrlEntries) {
  auto controls = parseControls("brightness,contrast,saturation,hue,hue");
  ASSERT_FALSE(controls.ok());
  EXPECT_EQ(controls.error().code, E2BIG);
  EXPECT_FALSE(parseControls(listOf(10000, "hue")).ok());
}

TEST(XenStoreControls, RejectsEmptyEntries) {
  EXPECT_FALSE(parseControls(",").ok());
  EXPECT_FALSE(parseControls("hue,").ok());
  EXPECT_FALSE(parseControls(",hue").ok());
}

TEST(XenStoreControls, FormatRoundTripsAndRejectsBadLists) {
  const std::vector<ControlType> controls{ControlType::Saturation, ControlType::Brightness};
  EXPECT_EQ(*formatControls(controls), "saturation,brightness");
  EXPECT_EQ(*parseControls(*formatControls(controls)), controls);
  EXPECT_EQ(*formatControls(std::vector<ControlType>{}), "");
  EXPECT_FALSE(formatControls(std::vector<ControlType>{ControlType::Hue, ControlType::Hue}).ok());
  EXPECT_FALSE(formatControls(std::vector<ControlType>{static_cast<ControlType>(7)}).ok());
  EXPECT_EQ(controlName(ControlType::Contrast), XENCAMERA_CTRL_CONTRAST_STR);
}

// ---- max-buffers, be-alloc, unique-id ----------------------------------------------------------

TEST(XenStoreMaxBuffers, AcceptsOneToTwoFiftyFive) {
  EXPECT_EQ(*parseMaxBuffers("1"), 1);
  EXPECT_EQ(*parseMaxBuffers("3"), 3);
  EXPECT_EQ(*parseMaxBuffers("255"), 255);
}

TEST(XenStoreMaxBuffers, RejectsZeroAndOutOfRange) {
  auto zero = parseMaxBuffers("0");
  ASSERT_FALSE(zero.ok());
  EXPECT_THAT(zero.error().message, HasSubstr("max-buffers must not be 0"));
  auto big = parseMaxBuffers("256");
  ASSERT_FALSE(big.ok());
  EXPECT_THAT(big.error().message, HasSubstr("larger than 255"));
  EXPECT_FALSE(parseMaxBuffers("99999999999999999999999").ok());
}

TEST(XenStoreMaxBuffers, RejectsNonCanonicalText) {
  for (const char* text : {"", "-1", " 3", "3 ", "abc", "03", "+3", "0x3", "3.0", "three"}) {
    auto value = parseMaxBuffers(text);
    ASSERT_FALSE(value.ok()) << "'" << text << "'";
    EXPECT_THAT(value.error().message, HasSubstr("max-buffers"));
  }
}

TEST(XenStoreMaxBuffers, Formats) {
  EXPECT_EQ(*formatMaxBuffers(3), "3");
  EXPECT_FALSE(formatMaxBuffers(0).ok());
}

TEST(XenStoreBeAlloc, OnlyExactlyOneMeansBackendAllocates) {
  EXPECT_TRUE(parseBeAlloc("1"));
  for (const char* text : {"0", "", "01", "1 ", " 1", "true", "yes", "2"}) {
    EXPECT_FALSE(parseBeAlloc(text)) << "'" << text << "'";
  }
  EXPECT_FALSE(parseBeAlloc(std::nullopt));
  EXPECT_EQ(formatBeAlloc(true), "1");
  EXPECT_EQ(formatBeAlloc(false), "0");
}

TEST(XenStoreUniqueId, AcceptsPrintableAscii) {
  EXPECT_EQ(*parseUniqueId("0"), "0");
  EXPECT_EQ(*parseUniqueId("3f2504e0-4f89-11d3-9a0c-0305e82c3301"),
            "3f2504e0-4f89-11d3-9a0c-0305e82c3301");
  EXPECT_TRUE(parseUniqueId("/base/soc/i2c@1/imx219@10 rear").ok());
  EXPECT_TRUE(parseUniqueId(std::string(kMaxUniqueIdLength, 'a')).ok());
}

TEST(XenStoreUniqueId, RejectsEmptyAndOverlong) {
  auto empty = parseUniqueId("");
  ASSERT_FALSE(empty.ok());
  EXPECT_THAT(empty.error().message, HasSubstr("unique-id is empty"));
  auto overlong = parseUniqueId(std::string(kMaxUniqueIdLength + 1, 'a'));
  ASSERT_FALSE(overlong.ok());
  EXPECT_THAT(overlong.error().message, HasSubstr("longer than 256"));
  EXPECT_THAT(overlong.error().message, HasSubstr("truncated"));
}

TEST(XenStoreUniqueId, RejectsNonPrintableAndEdgeSpaces) {
  for (const std::string& text :
       {std::string("cam\n"), std::string("cam\x7f"), std::string("caf\xc3\xa9"),
        std::string("ca\0m", 4), std::string(" cam"), std::string("cam ")}) {
    auto id = parseUniqueId(text);
    ASSERT_FALSE(id.ok());
    EXPECT_THAT(id.error().message, HasSubstr("unique-id"));
  }
}

// ---- Transport nodes ---------------------------------------------------------------------------

TEST(XenStoreTransportNodes, GrantRefIsNonZeroU32) {
  EXPECT_EQ(*parseGrantRef("2832"), 2832u);
  EXPECT_EQ(*parseGrantRef("4294967295"), 4294967295u);
  auto zero = parseGrantRef("0", "req-ring-ref");
  ASSERT_FALSE(zero.ok());
  EXPECT_THAT(zero.error().message, HasSubstr("req-ring-ref is 0"));
  for (const char* text : {"-1", "4294967296", "", "0x10", " 1", "012"}) {
    auto ref = parseGrantRef(text, "evt-ring-ref");
    ASSERT_FALSE(ref.ok()) << text;
    EXPECT_THAT(ref.error().message, HasSubstr("evt-ring-ref"));
  }
}

TEST(XenStoreTransportNodes, EventChannelIsNonZeroU32) {
  EXPECT_EQ(*parseEventChannel("15"), 15u);
  auto zero = parseEventChannel("0", "req-event-channel");
  ASSERT_FALSE(zero.ok());
  EXPECT_THAT(zero.error().message, HasSubstr("req-event-channel is 0"));
  EXPECT_FALSE(parseEventChannel("-1").ok());
  EXPECT_FALSE(parseEventChannel("99999999999").ok());
}

TEST(XenStoreTransportTree, ReadsTheHeaderExample) {
  const MemoryTree tree = headerExampleTree();
  auto transport = readFrontendTransport(tree, kFeDir);
  ASSERT_TRUE(transport.ok()) << transport.error().message;
  EXPECT_EQ(*transport, (FrontendTransport{2832, 15, 387, 16}));
}

TEST(XenStoreTransportTree, MissingNodeIsNamedByPath) {
  MemoryTree tree = headerExampleTree();
  tree.remove(fe("evt-event-channel"));
  auto transport = readFrontendTransport(tree, kFeDir);
  ASSERT_FALSE(transport.ok());
  EXPECT_EQ(transport.error().code, ENOENT);
  EXPECT_THAT(transport.error().message, HasSubstr(fe("evt-event-channel")));
}

TEST(XenStoreTransportTree, InvalidValueIsNamedByPath) {
  MemoryTree tree = headerExampleTree();
  tree.write(fe("req-ring-ref"), "0");
  auto transport = readFrontendTransport(tree, kFeDir);
  ASSERT_FALSE(transport.ok());
  EXPECT_THAT(transport.error().message, HasSubstr(fe("req-ring-ref") + ": req-ring-ref is 0"));
}

TEST(XenStoreTransportTree, FormatThenReadRoundTrips) {
  const FrontendTransport transport{7, 8, 9, 10};
  auto nodes = formatFrontendTransport(transport);
  ASSERT_TRUE(nodes.ok());
  MemoryTree tree;
  tree.writeAll(std::string(kFeDir), *nodes);
  EXPECT_EQ(*readFrontendTransport(tree, kFeDir), transport);
  EXPECT_FALSE(formatFrontendTransport({0, 8, 9, 10}).ok());
  EXPECT_FALSE(formatFrontendTransport({7, 8, 9, 0}).ok());
}

// ---- Versions ----------------------------------------------------------------------------------

TEST(XenStoreVersions, ParsesList) {
  EXPECT_THAT(*parseVersions(XENCAMERA_PROTOCOL_VERSION), ElementsAre("1"));
  EXPECT_THAT(*parseVersions("1,2"), ElementsAre("1", "2"));
  EXPECT_THAT(*parseVersions("1,2x"), ElementsAre("1", "2x"));
}

TEST(XenStoreVersions, RejectsEmptyMalformedAndDuplicateTokens) {
  for (const char* text : {"", ",1", "1,", "1,,2", "1.0", "v-1", " 1", "01", "1,1"}) {
    auto versions = parseVersions(text);
    ASSERT_FALSE(versions.ok()) << "'" << text << "'";
    EXPECT_THAT(versions.error().message, HasSubstr("version"));
  }
  EXPECT_FALSE(parseVersions(std::string(kMaxVersionLength + 1, '9')).ok());
}

TEST(XenStoreVersions, RejectsOverlongLists) {
  std::string text;
  for (std::size_t i = 1; i <= kMaxVersions + 1; ++i)
    text += (i == 1 ? "" : ",") + std::to_string(i);
  auto versions = parseVersions(text);
  ASSERT_FALSE(versions.ok());
  EXPECT_EQ(versions.error().code, E2BIG);
}

TEST(XenStoreVersions, CompareIsNumericForDigitTokens) {
  EXPECT_LT(compareVersions("2", "10"), 0);
  EXPECT_GT(compareVersions("10", "9"), 0);
  EXPECT_EQ(compareVersions("1", "1"), 0);
  EXPECT_GT(compareVersions("1", "2beta"), 0);  // numeric versions outrank tagged ones
  EXPECT_LT(compareVersions("2a", "2b"), 0);
}

TEST(XenStoreVersions, FrontendChoosesHighestCommonVersion) {
  const std::vector<std::string_view> one{"1"};
  EXPECT_EQ(*chooseVersion("1,2", one), "1");
  const std::vector<std::string_view> several{"2", "10", "1"};
  EXPECT_EQ(*chooseVersion("1,10,2", several), "10");
  EXPECT_EQ(*chooseVersion("10,9", std::vector<std::string_view>{"9", "3"}), "9");
}

TEST(XenStoreVersions, NoCommonVersionNamesBothLists) {
  auto choice = chooseVersion("2,3", std::vector<std::string_view>{"1"});
  ASSERT_FALSE(choice.ok());
  EXPECT_EQ(choice.error().code, EPROTONOSUPPORT);
  EXPECT_THAT(choice.error().message, HasSubstr("no common protocol version"));
  EXPECT_THAT(choice.error().message, HasSubstr("'2,3'"));
  EXPECT_THAT(choice.error().message, HasSubstr("'1'"));
}

TEST(XenStoreVersions, MalformedBackendListIsAnError) {
  auto choice = chooseVersion("1,,2", std::vector<std::string_view>{"1"});
  ASSERT_FALSE(choice.ok());
  EXPECT_THAT(choice.error().message, HasSubstr("backend"));
}

TEST(XenStoreVersions, BackendAcceptsOnlyOfferedVersion) {
  const std::vector<std::string> offered{"1"};
  EXPECT_EQ(*acceptFrontendVersion("1", offered), "1");
  auto other = acceptFrontendVersion("2", offered);
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.error().code, EPROTONOSUPPORT);
  EXPECT_THAT(other.error().message, HasSubstr("'2' was not offered"));
  auto missing = acceptFrontendVersion(std::nullopt, offered);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ENOENT);
  EXPECT_THAT(missing.error().message, HasSubstr(XENCAMERA_FIELD_FE_VERSION));
  EXPECT_FALSE(acceptFrontendVersion(std::string(5000, '1'), offered).ok());
}

TEST(XenStoreVersions, FormatRoundTripsAndChecks) {
  const std::vector<std::string> versions{"1", "2"};
  EXPECT_EQ(*formatVersions(versions), "1,2");
  EXPECT_EQ(*parseVersions(*formatVersions(versions)), versions);
  EXPECT_FALSE(formatVersions(std::vector<std::string>{}).ok());
  EXPECT_FALSE(formatVersions(std::vector<std::string>{"1", "1"}).ok());
  EXPECT_FALSE(formatVersions(std::vector<std::string>{"1,2"}).ok());
  EXPECT_FALSE(formatVersions(std::vector<std::string>{"", "1"}).ok());
}

// ---- Whole frontend configuration --------------------------------------------------------------

TEST(XenStoreFrontendConfig, ParsesTheHeaderExampleCompletely) {
  const MemoryTree tree = headerExampleTree();
  auto config = readFrontendConfig(tree, kFeDir);
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_TRUE(config->beAlloc);
  EXPECT_EQ(config->uniqueId, "0");
  EXPECT_EQ(config->maxBuffers, 3);
  EXPECT_THAT(config->controls, ElementsAre(ControlType::Contrast, ControlType::Hue));
  // Formats in node-name order, resolutions by (width, height).
  ASSERT_EQ(config->formats.size(), 2u);
  const FormatConfig bgra{kBgra, {{{640, 480}, {{15, 1}, {15, 2}}}, {{1200, 720}, {{15, 2}}}}};
  const FormatConfig yuyv{kYuyv, {{{640, 480}, {{30, 1}, {15, 1}}}, {{1920, 1080}, {{15, 2}}}}};
  EXPECT_EQ(config->formats[0], bgra);
  EXPECT_EQ(config->formats[1], yuyv);
}

TEST(XenStoreFrontendConfig, ParsesTheHeaderExampleDeviceOne) {
  const std::string dir = "/local/domain/1/device/vcamera/1";
  MemoryTree tree;
  tree.write(dir + "/max-buffers", "8");
  tree.write(dir + "/controls", "brightness,saturation,hue");
  tree.write(dir + "/formats/YUYV/640x480/frame-rates", "30/1,15/2");
  tree.write(dir + "/formats/YUYV/1920x1080/frame-rates", "15/2");
  tree.write(dir + "/unique-id", "1");
  auto config = readFrontendConfig(tree, dir);
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_FALSE(config->beAlloc);  // absent
  EXPECT_EQ(config->maxBuffers, 8);
  EXPECT_EQ(config->controls.size(), 3u);
  ASSERT_EQ(config->formats.size(), 1u);
  EXPECT_EQ(config->formats[0].resolutions.size(), 2u);
}

TEST(XenStoreFrontendConfig, ResultDoesNotDependOnListingOrder) {
  MemoryTree forward = headerExampleTree();
  MemoryTree reversed = headerExampleTree();
  reversed.setReverseListings(true);
  EXPECT_EQ(*readFrontendConfig(forward, kFeDir), *readFrontendConfig(reversed, kFeDir));
}

TEST(XenStoreFrontendConfig, TrailingSlashOnDeviceDirIsAccepted) {
  const MemoryTree tree = minimalTree();
  EXPECT_TRUE(readFrontendConfig(tree, std::string(kFeDir) + "/").ok());
}

TEST(XenStoreFrontendConfig, BeAllocOtherThanOneMeansFrontendAllocates) {
  MemoryTree tree = minimalTree();
  EXPECT_FALSE(readFrontendConfig(tree, kFeDir)->beAlloc);
  tree.write(fe("be-alloc"), "1");
  EXPECT_TRUE(readFrontendConfig(tree, kFeDir)->beAlloc);
  for (const std::string& value :
       std::vector<std::string>{"0", "2", "yes", "", std::string(10000, '1')}) {
    tree.write(fe("be-alloc"), value);
    auto config = readFrontendConfig(tree, kFeDir);
    ASSERT_TRUE(config.ok()) << value.size();
    EXPECT_FALSE(config->beAlloc);
  }
}

TEST(XenStoreFrontendConfig, AbsentOrEmptyControlsMeanNone) {
  MemoryTree tree = minimalTree();
  EXPECT_TRUE(readFrontendConfig(tree, kFeDir)->controls.empty());
  tree.write(fe("controls"), "");
  EXPECT_TRUE(readFrontendConfig(tree, kFeDir)->controls.empty());
}

TEST(XenStoreFrontendConfig, MissingRequiredNodesAreNamedByPath) {
  for (const char* node : {"unique-id", "max-buffers", "formats/YUYV/640x480/frame-rates"}) {
    MemoryTree tree = minimalTree();
    tree.remove(fe(node));
    if (std::string_view(node).starts_with("formats")) tree.write(fe("formats/YUYV/640x480"), "");
    auto config = readFrontendConfig(tree, kFeDir);
    ASSERT_FALSE(config.ok()) << node;
    EXPECT_EQ(config.error().code, ENOENT);
    EXPECT_THAT(config.error().message, HasSubstr(fe(node) + ": required node is missing"));
  }
}

TEST(XenStoreFrontendConfig, MissingFormatsDirectoryIsAnError) {
  MemoryTree tree = minimalTree();
  tree.remove(fe("formats/YUYV/640x480/frame-rates"));
  auto config = readFrontendConfig(tree, kFeDir);
  ASSERT_FALSE(config.ok());
  EXPECT_THAT(config.error().message, HasSubstr(fe("formats") + ": required directory"));
}

TEST(XenStoreFrontendConfig, EmptyFormatsDirectoryIsAnError) {
  MemoryTree tree = minimalTree();
  tree.remove(fe("formats/YUYV/640x480/frame-rates"));
  tree.write(fe("formats"), "");
  auto config = readFrontendConfig(tree, kFeDir);
  ASSERT_FALSE(config.ok());
  EXPECT_THAT(config.error().message, HasSubstr(fe("formats") + ": no formats configured"));
}

TEST(XenStoreFrontendConfig, FormatWithoutResolutionsIsAnError) {
  MemoryTree tree = minimalTree();
  tree.write(fe("formats/NV12"), "");
  auto config = readFrontendConfig(tree, kFeDir);
  ASSERT_FALSE(config.ok());
  EXPECT_THAT(config.error().message, HasSubstr(fe("formats/NV12") + ": no resolutions"));
}

TEST(XenStoreFrontendConfig, BadFormatNameIsNamedByPath) {
  MemoryTree tree = minimalTree();
  tree.write(fe("formats/YU.V/640x480/frame-rates"), "30/1");
  auto config = readFrontendConfig(tree, kFeDir);
  ASSERT_FALSE(config.ok());
  EXPECT_THAT(config.error().message, HasSubstr(fe("formats/YU.V") + ": FOURCC node name"));
}

TEST(XenStoreFrontendConfig, BadResolutionNameIsNamedByPath) {
  MemoryTree tree = minimalTree();
  tree.write(fe("formats/YUYV/0x0/frame-rates"), "30/1");
  auto config = readFrontendConfig(tree, kFeDir);
  ASSERT_FALSE(config.ok());
  EXPECT_THAT(config.error().message, HasSubstr(fe("formats/YUYV/0x0") + ": resolution '0x0'"));
}

TEST(XenStoreFrontendConfig, BadFrameRatesAreNamedByPath) {
  MemoryTree tree = minimalTree();
  tree.write(fe("formats/YUYV/640x480/frame-rates"), "30/0");
  auto config = readFrontendConfig(tree, kFeDir);
  ASSERT_FALSE(config.ok());
  EXPECT_THAT(config.error().message,
              HasSubstr(fe("formats/YUYV/640x480/frame-rates") + ": frame-rates"));
}

TEST(XenStoreFrontendConfig, BadScalarNodesAreNamedByPath) {
  const std::vector<std::pair<std::string, std::string>> cases{{"max-buffers", "abc"},
                                                               {"max-buffers", "0"},
                                                               {"unique-id", ""},
                                                               {"controls", "zoom"},
                                                               {"controls", "hue,hue"}};
  for (const auto& [node, value] : cases) {
    MemoryTree tree = minimalTree();
    tree.write(fe(node), value);
    auto config = readFrontendConfig(tree, kFeDir);
    ASSERT_FALSE(config.ok()) << node << "=" << value;
    EXPECT_THAT(config.error().message, HasSubstr(fe(node) + ": ")) << node;
  }
}

TEST(XenStoreFrontendConfig, ValueLongerThanXenStorePayloadIsRejected) {
  MemoryTree tree = minimalTree();
  tree.write(fe("controls"), std::string(kMaxValueLength + 1, 'h'));
  auto config = readFrontendConfig(tree, kFeDir);
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.error().code, E2BIG);
  EXPECT_THAT(config.error().message, HasSubstr(fe("controls")));
}

TEST(XenStoreFrontendConfig, TooManyFormatsAreRejectedBeforeAnyIsRead) {
  const FloodTree tree(100000);
  auto config = readFrontendConfig(tree, kFeDir);
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.error().code, E2BIG);
  EXPECT_THAT(config.error().message, HasSubstr("100000 formats, at most 64"));
  EXPECT_EQ(tree.listings(), 1);  // no format directory was walked
  EXPECT_EQ(tree.reads(), 4);     // be-alloc, unique-id, max-buffers, controls only
}

TEST(XenStoreFrontendConfig, TooManyResolutionsAreRejectedBeforeAnyIsRead) {
  MemoryTree tree = minimalTree();
  for (std::uint32_t w = 1; w <= kMaxResolutionsPerFormat + 1; ++w) {
    tree.write(fe("formats/NV12/" + std::to_string(w) + "x1/frame-rates"), "30/1");
  }
  const int readsBefore = tree.reads();
  auto config = readFrontendConfig(tree, kFeDir);
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.error().code, E2BIG);
  EXPECT_THAT(config.error().message, HasSubstr(fe("formats/NV12") + ": 65 resolutions"));
  EXPECT_EQ(tree.reads() - readsBefore, 4);  // no frame-rates node was read
}

TEST(XenStoreFrontendConfig, LimitsThemselvesAreAccepted) {
  MemoryTree tree;
  tree.write(fe("unique-id"), "big");
  tree.write(fe("max-buffers"), "255");
  tree.write(fe("controls"), "hue,saturation,contrast,brightness");
  for (std::size_t f = 0; f < kMaxFormats; ++f) {
    const std::string name = "F" + std::to_string(f);
    for (std::size_t w = 1; w <= kMaxResolutionsPerFormat; ++w) {
      tree.write(fe("formats/" + name + "/" + std::to_string(w) + "x1/frame-rates"),
                 distinctRates(kMaxFrameRatesPerResolution));
    }
  }
  auto config = readFrontendConfig(tree, kFeDir);
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->formats.size(), kMaxFormats);
  EXPECT_EQ(config->formats.back().resolutions.size(), kMaxResolutionsPerFormat);
}

TEST(XenStoreFrontendConfig, FormatThenReadRoundTrips) {
  const FrontendConfig config = sampleConfig();
  auto nodes = formatFrontendConfig(config);
  ASSERT_TRUE(nodes.ok()) << nodes.error().message;
  MemoryTree tree;
  tree.writeAll(std::string(kFeDir), *nodes);
  auto back = readFrontendConfig(tree, kFeDir);
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(*back, config);
}

TEST(XenStoreFrontendConfig, HeaderExampleRoundTripsThroughFormat) {
  const MemoryTree original = headerExampleTree();
  auto config = readFrontendConfig(original, kFeDir);
  ASSERT_TRUE(config.ok());
  MemoryTree tree;
  tree.writeAll(std::string(kFeDir), *formatFrontendConfig(*config));
  EXPECT_EQ(*readFrontendConfig(tree, kFeDir), *config);
}

TEST(XenStoreFrontendConfig, FormatWritesTheSpecNodeNames) {
  FrontendConfig config = sampleConfig();
  config.formats = {{makeFourcc('Y', '1', '6', ' ', true), {{{640, 480}, {{30, 1}, {15, 1}}}}}};
  auto nodes = formatFrontendConfig(config);
  ASSERT_TRUE(nodes.ok());
  EXPECT_THAT(*nodes,
              ElementsAre(std::pair<std::string, std::string>{"be-alloc", "1"},
                          std::pair<std::string, std::string>{"unique-id", "usb-0000:00:14.0-1"},
                          std::pair<std::string, std::string>{"max-buffers", "8"},
                          std::pair<std::string, std::string>{"controls", "hue,brightness"},
                          std::pair<std::string, std::string>{"formats/Y16-BE/640x480/frame-rates",
                                                              "30/1,15/1"}));
}

TEST(XenStoreFrontendConfig, FormatRejectsInvalidConfigurations) {
  auto expectInvalid = [](const FrontendConfig& config, const char* what) {
    auto nodes = formatFrontendConfig(config);
    ASSERT_FALSE(nodes.ok()) << what;
    EXPECT_THAT(nodes.error().message, HasSubstr(what));
    EXPECT_FALSE(validateFrontendConfig(config).ok());
  };
  FrontendConfig c = sampleConfig();
  c.formats.clear();
  expectInvalid(c, "no formats");
  c = sampleConfig();
  c.maxBuffers = 0;
  expectInvalid(c, "max-buffers");
  c = sampleConfig();
  c.uniqueId = "";
  expectInvalid(c, "unique-id");
  c = sampleConfig();
  c.formats.push_back(c.formats.front());
  expectInvalid(c, "listed twice");
  c = sampleConfig();
  c.formats[1].resolutions.push_back(c.formats[1].resolutions.front());
  expectInvalid(c, "resolution 640x480 is listed twice");
  c = sampleConfig();
  c.formats[0].resolutions[0].frameRates.clear();
  expectInvalid(c, "frame-rates");
  c = sampleConfig();
  c.formats[0].resolutions.clear();
  expectInvalid(c, "no resolutions");
  c = sampleConfig();
  c.formats[0].fourcc = makeFourcc('Y', ':', 'U', 'V');
  expectInvalid(c, "node name");
  c = sampleConfig();
  c.formats.resize(kMaxFormats + 1);
  expectInvalid(c, "at most 64");
  EXPECT_TRUE(validateFrontendConfig(sampleConfig()).ok());
}

// ---- Lookups -----------------------------------------------------------------------------------

TEST(XenStoreLookup, IsConfiguredMatchesExactTuplesAndEquivalentRates) {
  const FrontendConfig config = sampleConfig();
  EXPECT_TRUE(isConfigured(config, kYuyv, {640, 480}, {15, 1}));
  EXPECT_TRUE(isConfigured(config, kYuyv, {1920, 1080}, {30, 4}));  // same as 15/2
  EXPECT_FALSE(isConfigured(config, kYuyv, {640, 480}, {15, 2}));
  EXPECT_FALSE(isConfigured(config, kYuyv, {320, 240}, {30, 1}));
  EXPECT_FALSE(isConfigured(config, kNv12, {640, 480}, {30, 1}));
}

TEST(XenStoreLookup, NearestReturnsExactMatchUnchanged) {
  auto choice = nearestConfigured(sampleConfig(), {kYuyv, {640, 480}, FrameRate{15, 1}});
  ASSERT_TRUE(choice.ok());
  EXPECT_EQ(*choice, (FormatChoice{kYuyv, {640, 480}, {15, 1}}));
}

TEST(XenStoreLookup, NearestFallsBackToFirstFormatForUnknownFourcc) {
  auto choice = nearestConfigured(sampleConfig(), {kNv12, {320, 240}, std::nullopt});
  ASSERT_TRUE(choice.ok());
  EXPECT_EQ(*choice, (FormatChoice{kBgra, {320, 240}, {30, 1}}));
}

TEST(XenStoreLookup, NearestPicksClosestArea) {
  auto choice = nearestConfigured(sampleConfig(), {kYuyv, {1280, 720}, std::nullopt});
  ASSERT_TRUE(choice.ok());
  // |921600-307200| = 614400 < |921600-2073600| = 1152000.
  EXPECT_EQ(choice->resolution, (Resolution{640, 480}));
}

TEST(XenStoreLookup, NearestBreaksAreaTiesByAspectRatio) {
  FrontendConfig config = sampleConfig();
  // Both 76800 pixels; the request is 4:3.
  config.formats[0].resolutions = {{{480, 160}, {{30, 1}}}, {{320, 240}, {{30, 1}}}};
  auto choice = nearestConfigured(config, {kBgra, {640, 480}, std::nullopt});
  ASSERT_TRUE(choice.ok());
  EXPECT_EQ(choice->resolution, (Resolution{320, 240}));
}

TEST(XenStoreLookup, NearestPicksClosestRateOrFirstWhenNoneAsked) {
  const FrontendConfig config = sampleConfig();
  EXPECT_EQ(nearestConfigured(config, {kYuyv, {640, 480}, FrameRate{25, 1}})->frameRate,
            (FrameRate{30, 1}));
  EXPECT_EQ(nearestConfigured(config, {kYuyv, {640, 480}, FrameRate{20, 1}})->frameRate,
            (FrameRate{15, 1}));
  EXPECT_EQ(nearestConfigured(config, {kYuyv, {640, 480}, std::nullopt})->frameRate,
            (FrameRate{30, 1}));
  EXPECT_EQ(nearestConfigured(config, {kYuyv, {640, 480}, FrameRate{15, 0}})->frameRate,
            (FrameRate{30, 1}));
}

TEST(XenStoreLookup, NearestHandlesExtremeRequestsWithoutOverflow) {
  const FrontendConfig config = sampleConfig();
  auto zero = nearestConfigured(config, {kYuyv, {0, 0}, FrameRate{0, 1}});
  ASSERT_TRUE(zero.ok());
  EXPECT_EQ(zero->resolution, (Resolution{640, 480}));
  auto huge =
      nearestConfigured(config, {kYuyv, {4294967295u, 4294967295u}, FrameRate{4294967295u, 1}});
  ASSERT_TRUE(huge.ok());
  EXPECT_EQ(huge->resolution, (Resolution{1920, 1080}));
}

TEST(XenStoreLookup, NearestOnEmptyConfigIsAnError) {
  auto choice = nearestConfigured(FrontendConfig{}, {kYuyv, {640, 480}, std::nullopt});
  ASSERT_FALSE(choice.ok());
  EXPECT_EQ(choice.error().code, ENOENT);
  EXPECT_THAT(choice.error().message, HasSubstr("'YUYV'"));
}

// ---- Robustness --------------------------------------------------------------------------------

// Deterministic random bytes biased towards the schema's own alphabet: no parser may crash,
// and each failure must say something.
TEST(XenStoreRobustness, RandomInputNeverCrashesAndErrorsHaveMessages) {
  std::mt19937 rng(12345);
  const std::string alphabet = "0123456789x/,-BEYUV hue\x01\xff";
  std::uniform_int_distribution<std::size_t> length(0, 24);
  std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1);
  auto expectMessage = [](const auto& result) {
    if (!result.ok()) {
      EXPECT_FALSE(result.error().message.empty());
    }
  };
  for (int i = 0; i < 20000; ++i) {
    std::string text(length(rng), '\0');
    for (auto& c : text) c = alphabet[pick(rng)];
    expectMessage(parseFourccNode(text));
    expectMessage(parseResolution(text));
    expectMessage(parseFrameRateList(text));
    expectMessage(parseControls(text));
    expectMessage(parseMaxBuffers(text));
    expectMessage(parseUniqueId(text));
    expectMessage(parseGrantRef(text));
    expectMessage(parseVersions(text));
  }
}

}  // namespace
}  // namespace vcam::proto
