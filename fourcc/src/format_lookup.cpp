// SPDX-License-Identifier: MIT
// Lookups in the format table: by code, by name, and from whatever a person typed.
#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <numeric>
#include <utility>

#include "format_table.h"
#include "vcamera/common/fourcc_code.h"
#include "vcamera/fourcc/format_info.h"

namespace vcam::fourcc {
namespace {

constexpr std::string_view kV4l2Prefix = "V4L2_PIX_FMT_";
constexpr std::string_view kDrmPrefix = "DRM_FORMAT_";

char upper(char c) { return static_cast<char>(std::toupper(static_cast<unsigned char>(c))); }

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                            [](char x, char y) { return upper(x) == upper(y); });
}

bool startsWithIgnoreCase(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && equalsIgnoreCase(text.substr(0, prefix.size()), prefix);
}

std::string upperCopy(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), upper);
  return out;
}

std::size_t editDistance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  std::iota(row.begin(), row.end(), std::size_t{0});
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      const std::size_t cost = upper(a[i - 1]) == upper(b[j - 1]) ? 0 : 1;
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + cost});
      diagonal = above;
    }
  }
  return row[b.size()];
}

const FormatInfo& fromV4l2Name(std::string_view name) {
  for (const auto& f : allFormats()) {
    if (equalsIgnoreCase(f.name, name)) return f;
  }
  return kInvalidFormat;
}

const FormatInfo& fromDrmName(std::string_view name) {
  for (const auto& f : allFormats()) {
    if (f.hasDrm() && equalsIgnoreCase(f.drmName, name)) return f;
  }
  return kInvalidFormat;
}

const FormatInfo& fromCode(std::uint32_t code, CodeSpace space) {
  return space == CodeSpace::kV4l2 ? fromV4l2(code) : fromDrm(code);
}

Error unknownFormat(std::string_view text, std::string why = {}) {
  std::string message = "unknown format '" + std::string(text) + "'";
  if (!why.empty()) message += ": " + why;
  const auto matches = closeMatches(text);
  if (!matches.empty()) {
    message += " (did you mean ";
    for (std::size_t i = 0; i < matches.size(); ++i) message += (i ? ", " : "") + matches[i];
    message += "?)";
  }
  return makeError(EINVAL, message + "; 'vcamera-fourcc list' shows all formats");
}

// A code that is not in `space` may still be a format in the other space: say so, because
// the same four characters mean different layouts in V4L2 and DRM ('BA12', 'RG16', 'AYUV').
Error codeNotFound(std::string_view text, std::uint32_t code, CodeSpace space) {
  const bool v4l2 = space == CodeSpace::kV4l2;
  std::string why = std::string("no ") + (v4l2 ? "V4L2" : "DRM") + " format has code " +
                    describeFourcc(code) + " (" + fourccHex(code) + ")";
  if (v4l2) {
    const auto& drm = fromDrm(code);
    const auto drmName = drmFormatName(code);
    if (drm.isValid()) {
      why += "; as a DRM code it is DRM_FORMAT_" + std::string(drm.drmName) + " = V4L2 " +
             std::string(drm.name);
    } else if (!drmName.empty()) {
      why += "; as a DRM code it is DRM_FORMAT_" + std::string(drmName);
    }
  } else {
    const auto& other = fromV4l2(code);
    const auto drmName = drmFormatName(code);
    if (!drmName.empty()) {
      why = "DRM_FORMAT_" + std::string(drmName) + " (" + describeFourcc(code) +
            ") has no V4L2 equivalent";
    }
    if (other.isValid()) {
      why += "; as a V4L2 code it is " + std::string(other.name) + ", a different layout";
    }
  }
  return unknownFormat(text, why);
}

std::optional<std::uint32_t> parseHex(std::string_view digits) {
  if (digits.empty() || digits.size() > 8) return std::nullopt;
  std::uint32_t value = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value, 16);
  if (ec != std::errc{} || end != digits.data() + digits.size()) return std::nullopt;
  return value;
}

}  // namespace

double FormatInfo::averageBitsPerPixel() const {
  double bits = 0;
  for (std::size_t i = 0; i < colorPlanes; ++i) {
    const double div = i == 0 ? 1.0 : static_cast<double>(hsub) * static_cast<double>(vsub);
    bits += static_cast<double>(planes[i].bitsPerPixel) / div;
  }
  return bits;
}

const FormatInfo& fromV4l2(std::uint32_t code) {
  if (code == 0) return kInvalidFormat;
  for (const auto& f : allFormats()) {
    if (f.v4l2 == code) return f;
  }
  return kInvalidFormat;
}

const FormatInfo& fromDrm(std::uint32_t code) {
  if (code == 0) return kInvalidFormat;
  // Table order puts single-buffer formats first, so NV12 wins over NV12M.
  for (const auto& f : allFormats()) {
    if (f.drm == code) return f;
  }
  return kInvalidFormat;
}

const FormatInfo& fromName(std::string_view name) {
  const auto& byName = fromV4l2Name(name);
  return byName.isValid() ? byName : fromDrmName(name);
}

Result<const FormatInfo*> parseFormat(std::string_view text, CodeSpace space) {
  if (text.empty()) return makeError(EINVAL, "empty format name");
  if (startsWithIgnoreCase(text, kV4l2Prefix)) {
    const auto& f = fromV4l2Name(text.substr(kV4l2Prefix.size()));
    if (f.isValid()) return &f;
    return unknownFormat(text);
  }
  if (startsWithIgnoreCase(text, kDrmPrefix)) {
    const auto rest = text.substr(kDrmPrefix.size());
    const auto& f = fromDrmName(rest);
    if (f.isValid()) return &f;
    for (const auto& d : drmOnlyNames()) {
      if (equalsIgnoreCase(d.name, rest)) return codeNotFound(text, d.code, CodeSpace::kDrm);
    }
    return unknownFormat(text);
  }
  if (startsWithIgnoreCase(text, "0x")) {
    const auto code = parseHex(text.substr(2));
    if (!code) return makeError(EINVAL, "'" + std::string(text) + "' is not a 32-bit hex code");
    const auto& f = fromCode(*code, space);
    if (f.isValid()) return &f;
    return codeNotFound(text, *code, space);
  }
  if (const auto& f = fromV4l2Name(text); f.isValid()) return &f;
  // Strip the quotes people copy from logs: 'NV12'.
  std::string_view chars = text;
  if (chars.size() >= 2 && chars.front() == '\'' && chars.back() == '\'') {
    chars = chars.substr(1, chars.size() - 2);
  }
  // Four characters before DRM names: DRM's "AYUV" name must not hide V4L2's 'AYUV' code.
  const auto code = parseFourcc(chars);
  if (code) {
    if (const auto& f = fromCode(*code, space); f.isValid()) return &f;
  }
  if (const auto& f = fromDrmName(text); f.isValid()) return &f;
  if (!code) return unknownFormat(text);
  return codeNotFound(text, *code, space);
}

std::vector<std::string> closeMatches(std::string_view text, std::size_t limit) {
  std::vector<std::pair<std::size_t, std::string>> scored;
  const std::size_t threshold = std::max<std::size_t>(2, text.size() / 3);
  const auto consider = [&](std::string_view candidate) {
    if (candidate.empty()) return;
    const auto d = editDistance(text, candidate);
    if (d > threshold) return;
    const std::string name = upperCopy(candidate);
    const bool seen =
        std::any_of(scored.begin(), scored.end(), [&](const auto& s) { return s.second == name; });
    if (!seen) scored.emplace_back(d, name);
  };
  for (const auto& f : allFormats()) {
    consider(f.name);
    consider(f.drmName.find('|') == std::string_view::npos ? f.drmName : std::string_view{});
  }
  std::stable_sort(scored.begin(), scored.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::string> out;
  for (std::size_t i = 0; i < scored.size() && i < limit; ++i) out.push_back(scored[i].second);
  return out;
}

std::string_view drmFormatName(std::uint32_t code) {
  if (const auto& f = fromDrm(code); f.isValid()) return f.drmName;
  for (const auto& d : drmOnlyNames()) {
    if (d.code == code) return d.name;
  }
  return {};
}

std::string_view toString(Encoding encoding) {
  switch (encoding) {
    case Encoding::kRgb:
      return "rgb";
    case Encoding::kYuv:
      return "yuv";
    case Encoding::kBayer:
      return "bayer";
    case Encoding::kCompressed:
      return "compressed";
  }
  return "?";
}

std::string_view toString(Endianness endianness) {
  switch (endianness) {
    case Endianness::kNone:
      return "n/a";
    case Endianness::kLittle:
      return "little";
    case Endianness::kBig:
      return "big";
  }
  return "?";
}

std::string_view toString(SizeRule rule) {
  switch (rule) {
    case SizeRule::kLinux61:
      return "linux-6.1";
    case SizeRule::kLinux61P010:
      return "linux-6.1-p010";
    case SizeRule::kVcamera:
      return "vcamera";
  }
  return "?";
}

}  // namespace vcam::fourcc
