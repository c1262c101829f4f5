// SPDX-License-Identifier: MIT
// cameraif v1 XenStore schema: strict, bounded parsing and formatting of the frontend tree.
#include "vcamera/proto/xenstore_schema.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <limits>

#include "vcamera/common/checked.h"
#include "vcamera/common/fourcc_code.h"
#include "vcamera/common/quote.h"

#include "canonical_decimal.h"

namespace vcam::proto {
namespace {

using detail::parseUnsigned;

constexpr char kListSeparator = XENCAMERA_LIST_SEPARATOR[0];
constexpr char kResolutionSeparator = XENCAMERA_RESOLUTION_SEPARATOR[0];
constexpr char kFractionSeparator = XENCAMERA_FRACTION_SEPARATOR[0];
constexpr std::uint32_t kU32Max = std::numeric_limits<std::uint32_t>::max();

// Exact comparisons of fractions whose cross products need 96 bits.
__extension__ using U128 = unsigned __int128;

bool isDigit(char c) { return c >= '0' && c <= '9'; }
bool allDigits(std::string_view text) { return std::all_of(text.begin(), text.end(), isDigit); }
bool isAlnum(char c) { return isDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// A u32 in 1..UINT32_MAX for `what` (e.g. "width") inside `node` `whole`.
Result<std::uint32_t> parsePositiveU32(std::string_view text, std::string_view node,
                                       std::string_view whole, std::string_view what) {
  const std::string context =
      std::string(node) + " " + quoteUntrusted(whole) + ": " + std::string(what);
  auto value = parseUnsigned(text, kU32Max);
  if (!value) return withContext(context, value.error());
  if (*value == 0) return makeError(EINVAL, context + " must not be 0");
  return static_cast<std::uint32_t>(*value);
}

// Splits a comma list; "" gives no entries. Empty entries and more than `maxCount` entries are
// rejected before any entry is looked at.
Result<std::vector<std::string_view>> splitList(std::string_view text, std::string_view node,
                                                std::size_t maxCount) {
  if (text.size() > kMaxValueLength) {
    return makeError(E2BIG, std::string(node) + " is " + std::to_string(text.size()) +
                                " bytes, more than XenStore's " + std::to_string(kMaxValueLength));
  }
  std::vector<std::string_view> items;
  if (text.empty()) return items;
  const auto count =
      static_cast<std::size_t>(std::count(text.begin(), text.end(), kListSeparator)) + 1;
  if (count > maxCount) {
    return makeError(E2BIG, std::string(node) + " " + quoteUntrusted(text) + " has " +
                                std::to_string(count) + " entries, at most " +
                                std::to_string(maxCount) + " allowed");
  }
  std::size_t start = 0;
  for (std::size_t i = 0; i < count; ++i) {
    const std::size_t end = std::min(text.find(kListSeparator, start), text.size());
    if (end == start) {
      return makeError(EINVAL, std::string(node) + " " + quoteUntrusted(text) +
                                   " has an empty entry " + std::to_string(i + 1) +
                                   " (leading, trailing or double comma)");
    }
    items.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return items;
}

std::string joinList(const std::vector<std::string>& items) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i != 0) out += kListSeparator;
    out += items[i];
  }
  return out;
}

// xenstored's valid_chars for path elements ('/' separates elements, so never inside one).
bool isXenStoreNameChar(char c) { return isAlnum(c) || c == '-' || c == '_' || c == '@'; }

bool isCameraifForbidden(char c) {
  constexpr std::string_view kForbidden = "/\\ <>:\"|?*";
  return kForbidden.find(c) != std::string_view::npos;
}

}  // namespace

// ---- FOURCC node names -------------------------------------------------------------------------

Result<std::uint32_t> parseFourccNode(std::string_view name) {
  for (char c : name) {
    if (isXenStoreNameChar(c)) continue;
    const std::string why = isCameraifForbidden(c)
                                ? "cameraif forbids it in XenStore names"
                                : "XenStore node names allow only letters, digits and -_@";
    return makeError(EINVAL, "FOURCC node name " + quoteUntrusted(name) + " has the character " +
                                 quoteUntrusted(std::string_view(&c, 1)) + ": " + why);
  }
  auto code = parseFourcc(name);
  if (!code) return withContext("FOURCC node name " + quoteUntrusted(name), code.error());
  return *code;
}

Result<std::string> formatFourccNode(std::uint32_t fourcc) {
  auto text = fourccToString(fourcc);
  if (!text) return withContext("FOURCC " + describeFourcc(fourcc), text.error());
  auto back = parseFourccNode(*text);
  if (!back) {
    return makeError(EINVAL, "FOURCC " + describeFourcc(fourcc) +
                                 " cannot be a XenStore node name: " + back.error().message);
  }
  if (*back != fourcc) {
    return makeError(EINVAL, "FOURCC " + describeFourcc(fourcc) + " would be written " +
                                 quoteUntrusted(*text) + ", which reads back as " +
                                 describeFourcc(*back));
  }
  return std::move(text).value();
}

// ---- Resolutions and frame rates ---------------------------------------------------------------

Result<Resolution> parseResolution(std::string_view text) {
  const auto sep = text.find(kResolutionSeparator);
  if (sep == std::string_view::npos) {
    return makeError(EINVAL, "resolution " + quoteUntrusted(text) + " is not <width>x<height>");
  }
  auto width = parsePositiveU32(text.substr(0, sep), "resolution", text, "width");
  if (!width) return width.error();
  auto height = parsePositiveU32(text.substr(sep + 1), "resolution", text, "height");
  if (!height) return height.error();
  return Resolution{*width, *height};
}

Result<std::string> formatResolution(Resolution resolution) {
  if (resolution.width == 0 || resolution.height == 0) {
    return makeError(EINVAL, "resolution " + std::to_string(resolution.width) + "x" +
                                 std::to_string(resolution.height) + " has a zero dimension");
  }
  return std::to_string(resolution.width) + kResolutionSeparator +
         std::to_string(resolution.height);
}

Result<FrameRate> parseFrameRate(std::string_view text) {
  const auto sep = text.find(kFractionSeparator);
  if (sep == std::string_view::npos) {
    return makeError(EINVAL,
                     "frame rate " + quoteUntrusted(text) + " is not <numerator>/<denominator>");
  }
  auto num = parsePositiveU32(text.substr(0, sep), "frame rate", text, "numerator");
  if (!num) return num.error();
  auto den = parsePositiveU32(text.substr(sep + 1), "frame rate", text, "denominator");
  if (!den) return den.error();
  return FrameRate{*num, *den};
}

Result<std::string> formatFrameRate(FrameRate rate) {
  if (rate.numerator == 0 || rate.denominator == 0) {
    return makeError(EINVAL, "frame rate " + std::to_string(rate.numerator) + "/" +
                                 std::to_string(rate.denominator) + " has a zero part");
  }
  return std::to_string(rate.numerator) + kFractionSeparator + std::to_string(rate.denominator);
}

bool sameFrameRate(FrameRate a, FrameRate b) {
  // u32 * u32 fits u64: exact, no floating point.
  return std::uint64_t{a.numerator} * b.denominator == std::uint64_t{b.numerator} * a.denominator;
}

namespace {

Status checkDistinctRates(std::span<const FrameRate> rates) {
  for (std::size_t i = 0; i < rates.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (!sameFrameRate(rates[i], rates[j])) continue;
      return makeError(EINVAL, "frame-rates lists the rate " + std::to_string(rates[i].numerator) +
                                   "/" + std::to_string(rates[i].denominator) + " twice (as " +
                                   std::to_string(rates[j].numerator) + "/" +
                                   std::to_string(rates[j].denominator) + " before)");
    }
  }
  return {};
}

}  // namespace

Result<std::vector<FrameRate>> parseFrameRateList(std::string_view text) {
  auto items = splitList(text, XENCAMERA_FIELD_FRAME_RATES, kMaxFrameRatesPerResolution);
  if (!items) return items.error();
  if (items->empty()) return makeError(EINVAL, "frame-rates is empty: at least one rate needed");
  std::vector<FrameRate> rates;
  for (auto item : *items) {
    auto rate = parseFrameRate(item);
    if (!rate) return withContext("frame-rates", rate.error());
    rates.push_back(*rate);
  }
  if (auto distinct = checkDistinctRates(rates); !distinct) return distinct.error();
  return rates;
}

Result<std::string> formatFrameRateList(std::span<const FrameRate> rates) {
  if (rates.empty()) return makeError(EINVAL, "frame-rates is empty: at least one rate needed");
  if (rates.size() > kMaxFrameRatesPerResolution) {
    return makeError(E2BIG, "frame-rates has " + std::to_string(rates.size()) +
                                " entries, at most " + std::to_string(kMaxFrameRatesPerResolution) +
                                " allowed");
  }
  std::vector<std::string> items;
  for (const auto& rate : rates) {
    auto text = formatFrameRate(rate);
    if (!text) return withContext("frame-rates", text.error());
    items.push_back(std::move(text).value());
  }
  if (auto distinct = checkDistinctRates(rates); !distinct) return distinct.error();
  return joinList(items);
}

// ---- Controls ----------------------------------------------------------------------------------

Result<ControlType> parseControlName(std::string_view name) {
  for (std::uint8_t code = 0; code < XENCAMERA_MAX_CTRL; ++code) {
    const auto type = static_cast<ControlType>(code);
    if (controlName(type) == name) return type;
  }
  return makeError(EINVAL, "unknown control " + quoteUntrusted(name) +
                               " (known: brightness, contrast, saturation, hue)");
}

Result<std::vector<ControlType>> parseControls(std::string_view text) {
  auto items = splitList(text, XENCAMERA_FIELD_CONTROLS, kMaxControls);
  if (!items) return items.error();
  std::vector<ControlType> controls;
  for (auto item : *items) {
    auto control = parseControlName(item);
    if (!control) return withContext("controls", control.error());
    if (std::find(controls.begin(), controls.end(), *control) != controls.end()) {
      return makeError(
          EINVAL, "controls " + quoteUntrusted(text) + " lists " + quoteUntrusted(item) + " twice");
    }
    controls.push_back(*control);
  }
  return controls;
}

Result<std::string> formatControls(std::span<const ControlType> controls) {
  std::vector<std::string> items;
  for (std::size_t i = 0; i < controls.size(); ++i) {
    if (!toControlType(static_cast<std::uint8_t>(controls[i])).has_value()) {
      return makeError(EINVAL, "controls: invalid control type " +
                                   std::to_string(static_cast<unsigned>(controls[i])));
    }
    const std::string_view name = controlName(controls[i]);
    if (std::find(controls.begin(), controls.begin() + static_cast<std::ptrdiff_t>(i),
                  controls[i]) != controls.begin() + static_cast<std::ptrdiff_t>(i)) {
      return makeError(EINVAL, "controls: " + std::string(name) + " listed twice");
    }
    items.emplace_back(name);
  }
  return joinList(items);
}

// ---- Scalar nodes ------------------------------------------------------------------------------

Result<std::uint8_t> parseMaxBuffers(std::string_view text) {
  auto value = parseUnsigned(text, std::numeric_limits<std::uint8_t>::max());
  if (!value) return withContext("max-buffers", value.error());
  if (*value == 0) return makeError(EINVAL, "max-buffers must not be 0 (range 1..255)");
  return static_cast<std::uint8_t>(*value);
}

Result<std::string> formatMaxBuffers(std::uint8_t maxBuffers) {
  if (maxBuffers == 0) return makeError(EINVAL, "max-buffers must not be 0 (range 1..255)");
  return std::to_string(maxBuffers);
}

bool parseBeAlloc(std::optional<std::string_view> value) { return value && *value == "1"; }

std::string formatBeAlloc(bool beAlloc) { return beAlloc ? "1" : "0"; }

Result<std::string> parseUniqueId(std::string_view text) {
  if (text.empty()) return makeError(EINVAL, "unique-id is empty");
  if (text.size() > kMaxUniqueIdLength) {
    return makeError(E2BIG, "unique-id " + quoteUntrusted(text) + " is longer than " +
                                std::to_string(kMaxUniqueIdLength) + " bytes");
  }
  for (char c : text) {
    if (c < 0x20 || c > 0x7e) {
      return makeError(EINVAL, "unique-id " + quoteUntrusted(text) +
                                   " has a character that is not printable ASCII");
    }
  }
  if (text.front() == ' ' || text.back() == ' ') {
    return makeError(EINVAL,
                     "unique-id " + quoteUntrusted(text) + " has a leading or trailing space");
  }
  return std::string(text);
}

Result<std::uint32_t> parseGrantRef(std::string_view text, std::string_view node) {
  auto value = parseUnsigned(text, kU32Max);
  if (!value) return withContext(node, value.error());
  if (*value == 0) {
    return makeError(EINVAL, std::string(node) + " is 0, which is never a valid grant reference");
  }
  return static_cast<std::uint32_t>(*value);
}

Result<std::uint32_t> parseEventChannel(std::string_view text, std::string_view node) {
  auto value = parseUnsigned(text, kU32Max);
  if (!value) return withContext(node, value.error());
  if (*value == 0) {
    return makeError(EINVAL, std::string(node) + " is 0, which is never a bound event channel");
  }
  return static_cast<std::uint32_t>(*value);
}

// ---- Versions ----------------------------------------------------------------------------------

namespace {

Status checkVersionToken(std::string_view token) {
  if (token.empty()) return makeError(EINVAL, "a version is empty");
  if (token.size() > kMaxVersionLength) {
    return makeError(EINVAL, "version " + quoteUntrusted(token) + " is longer than " +
                                 std::to_string(kMaxVersionLength) + " characters");
  }
  if (!std::all_of(token.begin(), token.end(), isAlnum)) {
    return makeError(EINVAL,
                     "version " + quoteUntrusted(token) + " may only have letters and digits");
  }
  if (allDigits(token) && token.size() > 1 && token[0] == '0') {
    return makeError(EINVAL, "version " + quoteUntrusted(token) + " has a leading zero");
  }
  return {};
}

std::string_view stripLeadingZeros(std::string_view digits) {
  while (digits.size() > 1 && digits[0] == '0') digits.remove_prefix(1);
  return digits;
}

}  // namespace

Result<std::vector<std::string>> parseVersions(std::string_view text) {
  auto items = splitList(text, XENCAMERA_FIELD_BE_VERSIONS, kMaxVersions);
  if (!items) return items.error();
  if (items->empty()) return makeError(EINVAL, "versions is empty: at least one version needed");
  std::vector<std::string> versions;
  for (auto item : *items) {
    if (auto ok = checkVersionToken(item); !ok) return withContext("versions", ok.error());
    if (std::find(versions.begin(), versions.end(), item) != versions.end()) {
      return makeError(
          EINVAL, "versions " + quoteUntrusted(text) + " lists " + quoteUntrusted(item) + " twice");
    }
    versions.emplace_back(item);
  }
  return versions;
}

Result<std::string> formatVersions(std::span<const std::string> versions) {
  // Tokens first: a token holding a comma would otherwise pass as two after joining.
  for (const auto& version : versions) {
    if (auto ok = checkVersionToken(version); !ok) return withContext("versions", ok.error());
  }
  std::vector<std::string> items(versions.begin(), versions.end());
  auto text = joinList(items);
  // Parsing the result applies the remaining rules (count, emptiness, duplicates).
  if (auto check = parseVersions(text); !check) return check.error();
  return text;
}

int compareVersions(std::string_view a, std::string_view b) {
  const bool aNumeric = !a.empty() && allDigits(a);
  const bool bNumeric = !b.empty() && allDigits(b);
  if (aNumeric != bNumeric) return aNumeric ? 1 : -1;
  if (aNumeric) {
    a = stripLeadingZeros(a);
    b = stripLeadingZeros(b);
    // Equal-length digit strings compare numerically as text; longer is larger.
    if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
  }
  const int cmp = a.compare(b);
  return cmp < 0 ? -1 : (cmp > 0 ? 1 : 0);
}

Result<std::string> chooseVersion(std::string_view backendVersions,
                                  std::span<const std::string_view> supported) {
  auto offered = parseVersions(backendVersions);
  if (!offered) return withContext("backend", offered.error());
  std::optional<std::string_view> best;
  for (auto candidate : supported) {
    if (std::find(offered->begin(), offered->end(), candidate) == offered->end()) continue;
    if (!best || compareVersions(candidate, *best) > 0) best = candidate;
  }
  if (!best) {
    std::vector<std::string> ours(supported.begin(), supported.end());
    return makeError(EPROTONOSUPPORT, "no common protocol version: backend offers " +
                                          quoteUntrusted(backendVersions) + ", frontend supports " +
                                          quoteUntrusted(joinList(ours)));
  }
  return std::string(*best);
}

Result<std::string> acceptFrontendVersion(std::optional<std::string_view> version,
                                          std::span<const std::string> offered) {
  if (!version) {
    return makeError(ENOENT, "frontend did not write its " XENCAMERA_FIELD_FE_VERSION " node");
  }
  if (std::find(offered.begin(), offered.end(), *version) == offered.end()) {
    std::vector<std::string> ours(offered.begin(), offered.end());
    return makeError(EPROTONOSUPPORT, "frontend version " + quoteUntrusted(*version) +
                                          " was not offered (backend offers " +
                                          quoteUntrusted(joinList(ours)) + ")");
  }
  return std::string(*version);
}

// ---- Reading the frontend tree -----------------------------------------------------------------

namespace {

std::string joinPath(std::string_view dir, std::string_view rel) {
  while (!dir.empty() && dir.back() == '/') dir.remove_suffix(1);
  return std::string(dir) + "/" + std::string(rel);
}

// A node's value, nullopt when absent; values longer than XenStore allows are an error.
Result<std::optional<std::string>> readOptional(const XenStoreTreeReader& tree,
                                                const std::string& path) {
  auto value = tree.read(path);
  if (value && value->size() > kMaxValueLength) {
    return makeError(E2BIG, path + ": value is " + std::to_string(value->size()) +
                                " bytes, more than XenStore's " + std::to_string(kMaxValueLength));
  }
  return value;
}

Result<std::string> readRequired(const XenStoreTreeReader& tree, const std::string& path) {
  auto value = readOptional(tree, path);
  if (!value) return value.error();
  if (!*value) return makeError(ENOENT, path + ": required node is missing");
  return std::move(**value);
}

// A directory's children, sorted, checked for presence, non-emptiness and the bound before
// anything is read from them (a guest can create thousands of nodes in its own area).
Result<std::vector<std::string>> readBoundedDirectory(const XenStoreTreeReader& tree,
                                                      const std::string& path,
                                                      std::string_view what, std::size_t max) {
  auto names = tree.directory(path);
  if (!names) return makeError(ENOENT, path + ": required directory is missing");
  if (names->empty()) {
    return makeError(ENOENT, path + ": no " + std::string(what) + " configured");
  }
  if (names->size() > max) {
    return makeError(E2BIG, path + ": " + std::to_string(names->size()) + " " + std::string(what) +
                                ", at most " + std::to_string(max) + " allowed");
  }
  std::sort(names->begin(), names->end());
  return std::move(*names);
}

Result<ResolutionConfig> readResolution(const XenStoreTreeReader& tree, const std::string& dir,
                                        std::string_view name) {
  const std::string path = joinPath(dir, name);
  auto resolution = parseResolution(name);
  if (!resolution) return withContext(path, resolution.error());
  const std::string ratesPath = joinPath(path, XENCAMERA_FIELD_FRAME_RATES);
  auto text = readRequired(tree, ratesPath);
  if (!text) return text.error();
  auto rates = parseFrameRateList(*text);
  if (!rates) return withContext(ratesPath, rates.error());
  return ResolutionConfig{*resolution, std::move(rates).value()};
}

bool byDimensions(const ResolutionConfig& a, const ResolutionConfig& b) {
  return std::pair(a.resolution.width, a.resolution.height) <
         std::pair(b.resolution.width, b.resolution.height);
}

Result<FormatConfig> readFormat(const XenStoreTreeReader& tree, const std::string& formatsDir,
                                std::string_view name) {
  const std::string path = joinPath(formatsDir, name);
  auto fourcc = parseFourccNode(name);
  if (!fourcc) return withContext(path, fourcc.error());
  auto names = readBoundedDirectory(tree, path, "resolutions", kMaxResolutionsPerFormat);
  if (!names) return names.error();
  FormatConfig format{*fourcc, {}};
  for (const auto& resName : *names) {
    auto resolution = readResolution(tree, path, resName);
    if (!resolution) return resolution.error();
    format.resolutions.push_back(std::move(resolution).value());
  }
  // Canonical names make duplicates impossible in real XenStore; a faulty reader may not.
  std::sort(format.resolutions.begin(), format.resolutions.end(), byDimensions);
  for (std::size_t i = 1; i < format.resolutions.size(); ++i) {
    if (format.resolutions[i].resolution == format.resolutions[i - 1].resolution) {
      return makeError(EINVAL, path + ": a resolution is listed twice");
    }
  }
  return format;
}

Result<std::vector<FormatConfig>> readFormats(const XenStoreTreeReader& tree,
                                              std::string_view feDir) {
  const std::string dir = joinPath(feDir, XENCAMERA_FIELD_FORMATS);
  auto names = readBoundedDirectory(tree, dir, "formats", kMaxFormats);
  if (!names) return names.error();
  std::vector<FormatConfig> formats;
  for (const auto& name : *names) {
    auto format = readFormat(tree, dir, name);
    if (!format) return format.error();
    for (const auto& seen : formats) {
      if (seen.fourcc == format->fourcc) {
        return makeError(EINVAL,
                         dir + ": format " + describeFourcc(seen.fourcc) + " is listed twice");
      }
    }
    formats.push_back(std::move(format).value());
  }
  return formats;
}

// unique-id, max-buffers, controls: the scalar part of the configuration.
Status readSettings(const XenStoreTreeReader& tree, std::string_view feDir,
                    FrontendConfig& config) {
  const std::string idPath = joinPath(feDir, XENCAMERA_FIELD_UNIQUE_ID);
  auto idText = readRequired(tree, idPath);
  if (!idText) return idText.error();
  auto id = parseUniqueId(*idText);
  if (!id) return withContext(idPath, id.error());
  config.uniqueId = std::move(id).value();

  const std::string buffersPath = joinPath(feDir, XENCAMERA_FIELD_MAX_BUFFERS);
  auto buffersText = readRequired(tree, buffersPath);
  if (!buffersText) return buffersText.error();
  auto buffers = parseMaxBuffers(*buffersText);
  if (!buffers) return withContext(buffersPath, buffers.error());
  config.maxBuffers = *buffers;

  const std::string controlsPath = joinPath(feDir, XENCAMERA_FIELD_CONTROLS);
  auto controlsText = readOptional(tree, controlsPath);
  if (!controlsText) return controlsText.error();
  if (*controlsText) {  // absent means no controls, like ""
    auto controls = parseControls(**controlsText);
    if (!controls) return withContext(controlsPath, controls.error());
    config.controls = std::move(controls).value();
  }
  return {};
}

}  // namespace

Result<FrontendConfig> readFrontendConfig(const XenStoreTreeReader& tree, std::string_view feDir) {
  FrontendConfig config;
  // The spec: anything but "1" (even an over-long value) means the frontend allocates.
  const auto beAlloc = tree.read(joinPath(feDir, XENCAMERA_FIELD_BE_ALLOC));
  config.beAlloc = parseBeAlloc(beAlloc ? std::optional<std::string_view>(*beAlloc) : std::nullopt);
  if (auto settings = readSettings(tree, feDir, config); !settings) return settings.error();
  auto formats = readFormats(tree, feDir);
  if (!formats) return formats.error();
  config.formats = std::move(formats).value();
  return config;
}

// ---- Formatting the frontend tree --------------------------------------------------------------

namespace {

Status formatFormat(const FormatConfig& format, XenStoreNodes& nodes) {
  auto name = formatFourccNode(format.fourcc);
  if (!name) return name.error();
  const std::string dir = std::string(XENCAMERA_FIELD_FORMATS) + "/" + *name;
  if (format.resolutions.empty()) return makeError(EINVAL, dir + ": no resolutions configured");
  if (format.resolutions.size() > kMaxResolutionsPerFormat) {
    return makeError(E2BIG, dir + ": " + std::to_string(format.resolutions.size()) +
                                " resolutions, at most " +
                                std::to_string(kMaxResolutionsPerFormat) + " allowed");
  }
  for (std::size_t i = 0; i < format.resolutions.size(); ++i) {
    const auto& res = format.resolutions[i];
    auto resName = formatResolution(res.resolution);
    if (!resName) return withContext(dir, resName.error());
    for (std::size_t j = 0; j < i; ++j) {
      if (format.resolutions[j].resolution == res.resolution) {
        return makeError(EINVAL, dir + ": resolution " + *resName + " is listed twice");
      }
    }
    const std::string path = dir + "/" + *resName + "/" + XENCAMERA_FIELD_FRAME_RATES;
    auto rates = formatFrameRateList(res.frameRates);
    if (!rates) return withContext(path, rates.error());
    nodes.emplace_back(path, std::move(rates).value());
  }
  return {};
}

Status formatSettings(const FrontendConfig& config, XenStoreNodes& nodes) {
  if (auto id = parseUniqueId(config.uniqueId); !id) return id.error();
  auto buffers = formatMaxBuffers(config.maxBuffers);
  if (!buffers) return buffers.error();
  auto controls = formatControls(config.controls);
  if (!controls) return controls.error();
  nodes.emplace_back(XENCAMERA_FIELD_BE_ALLOC, formatBeAlloc(config.beAlloc));
  nodes.emplace_back(XENCAMERA_FIELD_UNIQUE_ID, config.uniqueId);
  nodes.emplace_back(XENCAMERA_FIELD_MAX_BUFFERS, std::move(buffers).value());
  nodes.emplace_back(XENCAMERA_FIELD_CONTROLS, std::move(controls).value());
  return {};
}

}  // namespace

Result<XenStoreNodes> formatFrontendConfig(const FrontendConfig& config) {
  XenStoreNodes nodes;
  if (auto settings = formatSettings(config, nodes); !settings) return settings.error();
  if (config.formats.empty()) return makeError(EINVAL, "formats: no formats configured");
  if (config.formats.size() > kMaxFormats) {
    return makeError(E2BIG, "formats: " + std::to_string(config.formats.size()) +
                                " formats, at most " + std::to_string(kMaxFormats) + " allowed");
  }
  for (std::size_t i = 0; i < config.formats.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (config.formats[j].fourcc == config.formats[i].fourcc) {
        return makeError(EINVAL, "formats: format " + describeFourcc(config.formats[i].fourcc) +
                                     " is listed twice");
      }
    }
    if (auto format = formatFormat(config.formats[i], nodes); !format) return format.error();
  }
  return nodes;
}

Status validateFrontendConfig(const FrontendConfig& config) {
  auto nodes = formatFrontendConfig(config);
  if (!nodes) return nodes.error();
  return {};
}

// ---- Transport ---------------------------------------------------------------------------------

namespace {

using U32Parser = Result<std::uint32_t> (*)(std::string_view, std::string_view);

Result<std::uint32_t> readTransportNode(const XenStoreTreeReader& tree, std::string_view feDir,
                                        const char* node, U32Parser parse) {
  const std::string path = joinPath(feDir, node);
  auto text = readRequired(tree, path);
  if (!text) return text.error();
  auto value = parse(*text, node);
  if (!value) return withContext(path, value.error());
  return *value;
}

}  // namespace

Result<FrontendTransport> readFrontendTransport(const XenStoreTreeReader& tree,
                                                std::string_view feDir) {
  FrontendTransport t;
  auto reqRef = readTransportNode(tree, feDir, XENCAMERA_FIELD_REQ_RING_REF, parseGrantRef);
  if (!reqRef) return reqRef.error();
  auto reqPort = readTransportNode(tree, feDir, XENCAMERA_FIELD_REQ_CHANNEL, parseEventChannel);
  if (!reqPort) return reqPort.error();
  auto evtRef = readTransportNode(tree, feDir, XENCAMERA_FIELD_EVT_RING_REF, parseGrantRef);
  if (!evtRef) return evtRef.error();
  auto evtPort = readTransportNode(tree, feDir, XENCAMERA_FIELD_EVT_CHANNEL, parseEventChannel);
  if (!evtPort) return evtPort.error();
  t.reqRingRef = *reqRef;
  t.reqEventChannel = *reqPort;
  t.evtRingRef = *evtRef;
  t.evtEventChannel = *evtPort;
  return t;
}

Result<XenStoreNodes> formatFrontendTransport(const FrontendTransport& transport) {
  if (transport.reqRingRef == 0 || transport.evtRingRef == 0) {
    return makeError(EINVAL, "transport: grant reference 0 is never valid");
  }
  if (transport.reqEventChannel == 0 || transport.evtEventChannel == 0) {
    return makeError(EINVAL, "transport: event channel port 0 is never valid");
  }
  return XenStoreNodes{
      {XENCAMERA_FIELD_REQ_RING_REF, std::to_string(transport.reqRingRef)},
      {XENCAMERA_FIELD_REQ_CHANNEL, std::to_string(transport.reqEventChannel)},
      {XENCAMERA_FIELD_EVT_RING_REF, std::to_string(transport.evtRingRef)},
      {XENCAMERA_FIELD_EVT_CHANNEL, std::to_string(transport.evtEventChannel)},
  };
}

// ---- Lookups -----------------------------------------------------------------------------------

bool isConfigured(const FrontendConfig& config, std::uint32_t fourcc, Resolution resolution,
                  FrameRate rate) {
  for (const auto& format : config.formats) {
    if (format.fourcc != fourcc) continue;
    for (const auto& res : format.resolutions) {
      if (res.resolution != resolution) continue;
      return std::any_of(res.frameRates.begin(), res.frameRates.end(),
                         [&](FrameRate r) { return sameFrameRate(r, rate); });
    }
  }
  return false;
}

namespace {

std::uint64_t absDiff(std::uint64_t a, std::uint64_t b) { return a > b ? a - b : b - a; }

// |x/y - ref| for a candidate x/y, kept as the fraction num / (den * refDen) so two
// candidates against the same reference compare exactly (refDen cancels).
struct Distance {
  std::uint64_t num = 0;
  std::uint32_t den = 1;
};

Distance distanceTo(std::uint32_t x, std::uint32_t y, std::uint32_t refX, std::uint32_t refY) {
  return {absDiff(std::uint64_t{x} * refY, std::uint64_t{refX} * y), y};
}

// <0 when a is closer than b. A zero denominator (invalid input) compares as equal.
int compareDistance(Distance a, Distance b) {
  if (a.den == 0 || b.den == 0) return 0;
  const U128 lhs = static_cast<U128>(a.num) * b.den;
  const U128 rhs = static_cast<U128>(b.num) * a.den;
  return lhs < rhs ? -1 : (lhs > rhs ? 1 : 0);
}

bool closerResolution(Resolution cand, Resolution best, Resolution req) {
  const std::uint64_t reqArea = std::uint64_t{req.width} * req.height;
  const auto candArea = absDiff(std::uint64_t{cand.width} * cand.height, reqArea);
  const auto bestArea = absDiff(std::uint64_t{best.width} * best.height, reqArea);
  if (candArea != bestArea) return candArea < bestArea;
  if (req.width == 0 || req.height == 0) return false;  // no aspect ratio to compare against
  return compareDistance(distanceTo(cand.width, cand.height, req.width, req.height),
                         distanceTo(best.width, best.height, req.width, req.height)) < 0;
}

const FrameRate* nearestRate(const std::vector<FrameRate>& rates, std::optional<FrameRate> wanted) {
  if (rates.empty()) return nullptr;
  const FrameRate* best = &rates.front();
  if (!wanted || wanted->denominator == 0) return best;
  for (const auto& rate : rates) {
    const auto d =
        distanceTo(rate.numerator, rate.denominator, wanted->numerator, wanted->denominator);
    const auto bestD =
        distanceTo(best->numerator, best->denominator, wanted->numerator, wanted->denominator);
    if (compareDistance(d, bestD) < 0) best = &rate;
  }
  return best;
}

}  // namespace

Result<FormatChoice> nearestConfigured(const FrontendConfig& config, const FormatRequest& request) {
  const FormatConfig* format = nullptr;
  for (const auto& f : config.formats) {
    if (f.fourcc == request.fourcc) {
      format = &f;
      break;
    }
  }
  if (format == nullptr && !config.formats.empty()) format = &config.formats.front();
  if (format == nullptr || format->resolutions.empty()) {
    return makeError(ENOENT, "no configured format to match " + describeFourcc(request.fourcc));
  }
  const ResolutionConfig* best = &format->resolutions.front();
  for (const auto& res : format->resolutions) {
    if (closerResolution(res.resolution, best->resolution, request.resolution)) best = &res;
  }
  const FrameRate* rate = nearestRate(best->frameRates, request.frameRate);
  if (rate == nullptr) {
    return makeError(ENOENT, "no frame rate configured for " + describeFourcc(format->fourcc));
  }
  return FormatChoice{format->fourcc, best->resolution, *rate};
}

}  // namespace vcam::proto
