// SPDX-License-Identifier: MIT
// BackendConfig's values: sources, FOURCCs, format lists, defaults, validation and TOML output.
#include "backend/app/config/backend_config.h"

#include <algorithm>
#include <cerrno>
#include <cstddef>

#include <vcamera/common/fourcc_code.h>
#include <vcamera/common/quote.h>
#include <vcamera/fourcc/format_info.h>
#include <vcamera/fourcc/layout.h>

#include "backend/app/config/text_match.h"

namespace vcam::app {
namespace {

constexpr std::string_view kTestPatternSource = "test-pattern";
constexpr std::string_view kLibcameraPrefix = "libcamera:";

std::string sizeText(proto::Resolution size) {
  return std::to_string(size.width) + "x" + std::to_string(size.height);
}

std::string rateText(proto::FrameRate rate) {
  return std::to_string(rate.numerator) + "/" + std::to_string(rate.denominator);
}

std::string fourccText(std::uint32_t fourcc) {
  Result<std::string> text = fourccToString(fourcc);
  return text ? *text : describeFourcc(fourcc);
}

// The FOURCC texts of the table entries close to `text`, best first (case-insensitive, so
// "yuyv" suggests YUYV), plus the FOURCCs of format names close to it ("RGB24" -> RGB3).
std::vector<std::string> fourccSuggestions(std::string_view text) {
  std::vector<std::string> candidates;
  for (const fourcc::FormatInfo& f : fourcc::allFormats()) {
    if (Result<std::string> code = fourccToString(f.v4l2)) candidates.push_back(*code);
  }
  std::vector<std::string> out = closestMatches(text, candidates, 3);
  for (const std::string& name : fourcc::closeMatches(text, 3)) {
    const fourcc::FormatInfo& f = fourcc::fromName(name);
    const std::string code = fourccText(f.v4l2);
    if (f.isValid() && std::find(out.begin(), out.end(), code) == out.end() && out.size() < 4) {
      out.push_back(code);
    }
  }
  return out;
}

Error unknownFourcc(std::string_view text, const std::string& why) {
  std::string message = "unknown FOURCC " + quoteUntrusted(text) + ": ";
  // A format name answers the question by itself; otherwise say what is wrong, then guess.
  const fourcc::FormatInfo& named = fourcc::fromName(text);
  if (named.isValid() && editDistance(fourccText(named.v4l2), text) == 0) {
    message += "FOURCCs are case-sensitive (did you mean " + fourccText(named.v4l2) + "?)";
  } else if (named.isValid()) {
    message +=
        std::string(named.name) + " is a format name; its FOURCC is " + fourccText(named.v4l2);
  } else {
    message += why;
    const auto matches = fourccSuggestions(text);
    for (std::size_t i = 0; i < matches.size(); ++i) {
      message += (i == 0 ? " (did you mean " : ", ") + matches[i];
    }
    if (!matches.empty()) message += "?)";
  }
  return makeError(EINVAL, message + "; 'vcamera-fourcc list' shows every format");
}

// Checks `rates` as one size's frame-rates list.
Status checkRates(std::span<const proto::FrameRate> rates) {
  if (rates.empty()) return makeError(EINVAL, "no frame rates");
  if (rates.size() > proto::kMaxFrameRatesPerResolution) {
    return makeError(E2BIG, std::to_string(rates.size()) + " frame rates, more than " +
                                std::to_string(proto::kMaxFrameRatesPerResolution));
  }
  for (std::size_t i = 0; i < rates.size(); ++i) {
    if (rates[i].numerator == 0 || rates[i].denominator == 0) {
      return makeError(EINVAL, "frame rate " + rateText(rates[i]) + " has a zero part");
    }
    for (std::size_t j = 0; j < i; ++j) {
      if (proto::sameFrameRate(rates[i], rates[j])) {
        return makeError(EEXIST, "frame rate " + rateText(rates[i]) + " is the same rate as " +
                                     rateText(rates[j]));
      }
    }
  }
  return {};
}

Status checkSize(const fourcc::FormatInfo& info, proto::Resolution size) {
  if (size.width == 0 || size.height == 0 || size.width > fourcc::kMaxDimension ||
      size.height > fourcc::kMaxDimension) {
    return makeError(ERANGE, "size " + sizeText(size) + " is outside 1x1.." +
                                 std::to_string(fourcc::kMaxDimension) + "x" +
                                 std::to_string(fourcc::kMaxDimension));
  }
  if (Result<fourcc::Layout> layout = fourcc::computeLayout(info, {size.width, size.height});
      !layout) {
    return makeError(EINVAL, std::string(info.name) + " cannot be laid out at " + sizeText(size) +
                                 ": " + layout.error().message);
  }
  return {};
}

Status checkVersions(std::span<const std::string> versions) {
  if (versions.empty()) return makeError(EINVAL, "no protocol versions");
  for (const std::string& v : versions) {
    if (Status ok = checkProtocolVersion(v); !ok) return ok;
  }
  if (Result<std::string> text = proto::formatVersions(versions); !text) return text.error();
  return {};
}

Status checkCamera(const CameraConfig& camera) {
  if (Result<std::string> id = proto::parseUniqueId(camera.uniqueId); !id) return id.error();
  if (Result<CameraSource> source = parseCameraSource(formatCameraSource(camera.source));
      !source || *source != camera.source) {
    return makeError(EINVAL,
                     "camera " + quoteUntrusted(camera.uniqueId) + " has an invalid source");
  }
  // Rebuilding the list through addFormat() applies exactly the reader's checks.
  std::vector<proto::FormatConfig> rebuilt;
  for (const proto::FormatConfig& format : camera.formats) {
    if (Result<std::uint32_t> code = parseCameraFourcc(fourccText(format.fourcc));
        !code || *code != format.fourcc) {
      return makeError(EINVAL, "camera " + quoteUntrusted(camera.uniqueId) + ": FOURCC " +
                                   describeFourcc(format.fourcc) + " is not usable");
    }
    if (format.resolutions.empty()) {
      return makeError(EINVAL, "camera " + quoteUntrusted(camera.uniqueId) + ": " +
                                   fourccText(format.fourcc) + " has no sizes");
    }
    for (const proto::ResolutionConfig& r : format.resolutions) {
      const proto::Resolution sizes[] = {r.resolution};
      if (Status added = addFormat(rebuilt, format.fourcc, sizes, r.frameRates); !added) {
        return withContext("camera " + quoteUntrusted(camera.uniqueId), added.error());
      }
    }
  }
  if (rebuilt != camera.formats) {
    return makeError(EINVAL, "camera " + quoteUntrusted(camera.uniqueId) +
                                 " lists a FOURCC twice instead of merging its sizes");
  }
  return {};
}

// A TOML basic string: the values we write are printable ASCII, so escaping '"' and '\' is all.
std::string tomlString(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

template <typename T, typename ToText>
std::string tomlList(std::span<const T> items, ToText toText) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i)
    out += (i ? ", " : "") + tomlString(toText(items[i]));
  return out + "]";
}

// One [[camera.format]] per run of consecutive sizes that share a rate list: reading them back
// merges the runs in order, so the value round-trips exactly.
void appendFormat(std::string& out, const proto::FormatConfig& format) {
  const auto& all = format.resolutions;
  for (std::size_t begin = 0; begin < all.size();) {
    std::size_t end = begin + 1;
    while (end < all.size() && all[end].frameRates == all[begin].frameRates) ++end;
    std::vector<proto::Resolution> sizes;
    for (std::size_t i = begin; i < end; ++i) sizes.push_back(all[i].resolution);
    out += "\n[[camera.format]]\nfourcc = " + tomlString(fourccText(format.fourcc)) + "\n";
    out += "sizes = " + tomlList(std::span<const proto::Resolution>(sizes), sizeText) + "\n";
    out += "frame-rates = " +
           tomlList(std::span<const proto::FrameRate>(all[begin].frameRates), rateText) + "\n";
    begin = end;
  }
}

}  // namespace

Status checkProtocolVersion(std::string_view version) {
  if (std::find(std::begin(kSupportedVersions), std::end(kSupportedVersions), version) !=
      std::end(kSupportedVersions)) {
    return {};
  }
  std::string supported;
  for (std::string_view s : kSupportedVersions) {
    supported += (supported.empty() ? "" : ", ") + std::string(s);
  }
  return makeError(EINVAL, "protocol version " + quoteUntrusted(version) +
                               " is not one this backend implements (" + supported + ")");
}

Result<CameraSource> parseCameraSource(std::string_view text) {
  if (text == kTestPatternSource) return CameraSource{SourceKind::kTestPattern, {}};
  if (text.starts_with(kLibcameraPrefix)) {
    const std::string_view id = text.substr(kLibcameraPrefix.size());
    if (id.empty()) return makeError(EINVAL, "source 'libcamera:' names no camera");
    for (char c : id) {
      if (c < 0x20 || c > 0x7e) {
        return makeError(EINVAL, "source " + quoteUntrusted(text) +
                                     ": the camera id has a character that is not printable ASCII");
      }
    }
    return CameraSource{SourceKind::kLibcamera, std::string(id)};
  }
  std::string message = "unknown source " + quoteUntrusted(text) +
                        ": expected \"test-pattern\" or \"libcamera:<camera id>\"";
  const std::string candidates[] = {std::string(kTestPatternSource), "libcamera"};
  if (const auto close = closestMatches(text, candidates, 1); !close.empty()) {
    message += " (did you mean " + close.front() + "?)";
  }
  return makeError(EINVAL, message);
}

Result<Delivery> parseDelivery(std::string_view text) {
  if (text == "direct") return Delivery::kDirect;
  if (text == "copy") return Delivery::kCopy;
  if (text == "dma-test") return Delivery::kDmaTest;
  return makeError(EINVAL, "unknown delivery " + quoteUntrusted(text) +
                               ": write \"direct\", \"copy\" or \"dma-test\"");
}

std::string_view deliveryName(Delivery delivery) {
  switch (delivery) {
    case Delivery::kCopy:
      return "copy";
    case Delivery::kDmaTest:
      return "dma-test";
    case Delivery::kDirect:
      break;
  }
  return "direct";
}

std::string formatCameraSource(const CameraSource& source) {
  return source.kind == SourceKind::kTestPattern ? std::string(kTestPatternSource)
                                                 : std::string(kLibcameraPrefix) + source.cameraId;
}

Result<std::uint32_t> parseCameraFourcc(std::string_view text) {
  Result<std::uint32_t> code = parseFourcc(text);
  if (!code) return unknownFourcc(text, code.error().message);
  const fourcc::FormatInfo& info = fourcc::fromV4l2(*code);
  if (!info.isValid()) return unknownFourcc(text, "not in vcamera's format table");
  if (Result<std::string> node = proto::formatFourccNode(*code); !node) {
    return makeError(EINVAL, "FOURCC " + quoteUntrusted(text) +
                                 " cannot be written in XenStore: " + node.error().message);
  }
  return *code;
}

Result<proto::Resolution> parseCameraSize(std::string_view text) {
  Result<fourcc::Size> size = fourcc::parseSize(text);
  if (!size) return size.error();
  return proto::Resolution{size->width, size->height};
}

Status addFormat(std::vector<proto::FormatConfig>& formats, std::uint32_t fourcc,
                 std::span<const proto::Resolution> sizes,
                 std::span<const proto::FrameRate> rates) {
  const fourcc::FormatInfo& info = fourcc::fromV4l2(fourcc);
  if (!info.isValid()) return makeError(EINVAL, "unknown FOURCC " + describeFourcc(fourcc));
  const std::string name = fourccText(fourcc);
  if (sizes.empty()) return makeError(EINVAL, name + " has no sizes");
  if (Status ok = checkRates(rates); !ok)
    return makeError(ok.error().code, name + ": " + ok.error().message);
  auto existing = std::find_if(formats.begin(), formats.end(),
                               [&](const proto::FormatConfig& f) { return f.fourcc == fourcc; });
  if (existing == formats.end() && formats.size() >= proto::kMaxFormats) {
    return makeError(E2BIG, "more than " + std::to_string(proto::kMaxFormats) + " FOURCCs");
  }
  proto::FormatConfig entry =
      existing == formats.end() ? proto::FormatConfig{fourcc, {}} : *existing;
  for (const proto::Resolution& size : sizes) {
    if (Status ok = checkSize(info, size); !ok) return ok;
    const bool again = std::any_of(entry.resolutions.begin(), entry.resolutions.end(),
                                   [&](const auto& r) { return r.resolution == size; });
    if (again) return makeError(EEXIST, name + " " + sizeText(size) + " is given twice");
    if (entry.resolutions.size() >= proto::kMaxResolutionsPerFormat) {
      return makeError(E2BIG, name + " has more than " +
                                  std::to_string(proto::kMaxResolutionsPerFormat) + " sizes");
    }
    entry.resolutions.push_back({size, {rates.begin(), rates.end()}});
  }
  if (existing == formats.end()) {
    formats.push_back(std::move(entry));
  } else {
    *existing = std::move(entry);
  }
  return {};
}

std::span<const proto::FormatConfig> testPatternFormats() {
  static const std::vector<proto::FormatConfig> formats = [] {
    const std::vector<proto::FrameRate> rates = {{30, 1}, {15, 1}};
    std::vector<proto::FormatConfig> list;
    for (std::uint32_t code : {makeFourcc('Y', 'U', 'Y', 'V'), makeFourcc('N', 'V', '1', '2'),
                               makeFourcc('R', 'G', 'B', '3'), makeFourcc('X', 'R', '2', '4')}) {
      list.push_back({code, {{{640, 480}, rates}, {{1280, 720}, rates}}});
    }
    return list;
  }();
  return formats;
}

std::vector<proto::FormatConfig> formatsOf(const CameraConfig& camera) {
  if (!camera.formats.empty()) return camera.formats;
  if (camera.source.kind == SourceKind::kTestPattern) {
    const auto defaults = testPatternFormats();
    return {defaults.begin(), defaults.end()};
  }
  return {};
}

std::optional<CameraConfig> cameraFor(const BackendConfig& config, std::string_view uniqueId) {
  for (const CameraConfig& camera : config.cameras) {
    if (camera.uniqueId == uniqueId) return camera;
  }
  if (config.cameras.empty()) {
    return CameraConfig{
        std::string(uniqueId), {SourceKind::kTestPattern, {}}, {}, Delivery::kDirect};
  }
  return std::nullopt;
}

bool allows(std::span<const proto::FormatConfig> formats, std::uint32_t fourcc,
            proto::Resolution size, proto::FrameRate rate) {
  proto::FrontendConfig asDevice;
  asDevice.formats.assign(formats.begin(), formats.end());
  return proto::isConfigured(asDevice, fourcc, size, rate);
}

Status validateBackendConfig(const BackendConfig& config) {
  if (Status ok = checkVersions(config.versions); !ok) return ok;
  if (config.maxSessionsPerGuest == 0 || config.maxSessionsPerGuest > kMaxSessionsLimit) {
    return makeError(ERANGE, "max-sessions-per-guest " +
                                 std::to_string(config.maxSessionsPerGuest) + " is outside 1.." +
                                 std::to_string(kMaxSessionsLimit));
  }
  if (config.maxBuffersPerGuest == 0) {
    return makeError(ERANGE, "max-buffers-per-guest 0 is outside 1..255");
  }
  if (config.cameras.size() > kMaxCameras) {
    return makeError(E2BIG, std::to_string(config.cameras.size()) + " cameras, more than " +
                                std::to_string(kMaxCameras));
  }
  for (std::size_t i = 0; i < config.cameras.size(); ++i) {
    if (Status ok = checkCamera(config.cameras[i]); !ok) return ok;
    for (std::size_t j = 0; j < i; ++j) {
      if (config.cameras[j].uniqueId == config.cameras[i].uniqueId) {
        return makeError(EEXIST, "unique-id " + quoteUntrusted(config.cameras[i].uniqueId) +
                                     " is configured twice");
      }
    }
  }
  return {};
}

Result<std::string> formatBackendConfig(const BackendConfig& config) {
  if (Status ok = validateBackendConfig(config); !ok) return ok.error();
  std::string out = "[backend]\n";
  out += "versions = " +
         tomlList(std::span<const std::string>(config.versions),
                  [](const std::string& v) { return v; }) +
         "\n";
  out += "max-sessions-per-guest = " + std::to_string(config.maxSessionsPerGuest) + "\n";
  out += "max-buffers-per-guest = " + std::to_string(config.maxBuffersPerGuest) + "\n";
  for (const CameraConfig& camera : config.cameras) {
    out += "\n[[camera]]\nunique-id = " + tomlString(camera.uniqueId) + "\n";
    out += "source = " + tomlString(formatCameraSource(camera.source)) + "\n";
    if (camera.delivery != Delivery::kDirect) {
      out += "delivery = " + tomlString(std::string(deliveryName(camera.delivery))) + "\n";
    }
    for (const proto::FormatConfig& format : camera.formats) appendFormat(out, format);
  }
  return out;
}

}  // namespace vcam::app
