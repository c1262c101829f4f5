// SPDX-License-Identifier: MIT
// FOURCC text <-> code conversion following cameraif's rules.
#include "vcamera/common/fourcc_code.h"

#include "vcamera/common/quote.h"

#include <array>
#include <cstdio>

namespace vcam {
namespace {

constexpr bool inFourccRange(unsigned char c) { return c >= 0x20 && c <= 0x7f; }

}  // namespace

Result<std::uint32_t> parseFourcc(std::string_view text) {
  const std::string_view original = text;
  bool bigEndian = false;
  if (text.size() > kFourccBigEndianSuffix.size() && text.ends_with(kFourccBigEndianSuffix)) {
    bigEndian = true;
    text.remove_suffix(kFourccBigEndianSuffix.size());
  }
  if (text.empty()) return makeError(EINVAL, "empty FOURCC");
  if (text == kFourccBigEndianSuffix) {
    return makeError(EINVAL, "FOURCC '-BE' has no characters before the big-endian suffix");
  }
  if (text.size() > 4) {
    return makeError(EINVAL,
                     "FOURCC " + quoteUntrusted(original) + " has more than four characters");
  }
  std::array<char, 4> chars{' ', ' ', ' ', ' '};
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (!inFourccRange(c)) {
      return makeError(
          EINVAL, "FOURCC " + quoteUntrusted(original) + " has a character outside 0x20..0x7f");
    }
    chars[i] = text[i];
  }
  // A space may only pad the end: 'Y16 ' is written "Y16"; "Y 16" or " Y16" are not FOURCCs.
  const auto firstSpace = text.find(' ');
  if (firstSpace != std::string_view::npos) {
    return makeError(EINVAL, "FOURCC " + quoteUntrusted(original) +
                                 " has a space; trailing spaces are trimmed, others not allowed");
  }
  return makeFourcc(chars[0], chars[1], chars[2], chars[3], bigEndian);
}

Result<std::string> fourccToString(std::uint32_t code) {
  const bool bigEndian = (code & kFourccBigEndianFlag) != 0;
  std::string text;
  for (int i = 0; i < 4; ++i) {
    auto c = static_cast<unsigned char>((code >> (8 * i)) & 0xffu);
    if (i == 3) c = static_cast<unsigned char>(c & 0x7fu);  // bit 31 is the BE flag
    if (!inFourccRange(c)) return makeError(EINVAL, describeFourcc(code) + " is not printable");
    text += static_cast<char>(c);
  }
  const auto end = text.find_last_not_of(' ');
  if (end == std::string::npos) return makeError(EINVAL, "FOURCC of only spaces");
  text.resize(end + 1);
  if (text.find(' ') != std::string::npos) {
    return makeError(EINVAL, describeFourcc(code) + " has a space before another character");
  }
  if (bigEndian) text += kFourccBigEndianSuffix;
  return text;
}

std::string describeFourcc(std::uint32_t code) {
  bool printable = true;
  std::string text;
  for (int i = 0; i < 4; ++i) {
    auto c = static_cast<unsigned char>((code >> (8 * i)) & 0xffu);
    if (i == 3) c = static_cast<unsigned char>(c & 0x7fu);
    printable = printable && c >= 0x20 && c < 0x7f;
    text += static_cast<char>(c);
  }
  if (printable) {
    return "'" + text + "'" +
           ((code & kFourccBigEndianFlag) != 0 ? std::string(kFourccBigEndianSuffix) : "");
  }
  return fourccHex(code);
}

std::string fourccHex(std::uint32_t code) {
  std::array<char, 11> hex{};
  std::snprintf(hex.data(), hex.size(), "0x%08x", code);
  return hex.data();
}

}  // namespace vcam
