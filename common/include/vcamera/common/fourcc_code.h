// SPDX-License-Identifier: MIT
// FOURCC codes as cameraif spells them: 'NV12', 'Y16' (trailing spaces trimmed), 'AR15-BE'.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "vcamera/common/result.h"

namespace vcam {

/// V4L2 marks big-endian variants with bit 31 (v4l2_fourcc_be); cameraif writes them "-BE".
inline constexpr std::uint32_t kFourccBigEndianFlag = 1u << 31;
inline constexpr std::string_view kFourccBigEndianSuffix = "-BE";

[[nodiscard]] constexpr std::uint32_t makeFourcc(char a, char b, char c, char d,
                                                 bool bigEndian = false) {
  return static_cast<std::uint32_t>(static_cast<unsigned char>(a)) |
         static_cast<std::uint32_t>(static_cast<unsigned char>(b)) << 8 |
         static_cast<std::uint32_t>(static_cast<unsigned char>(c)) << 16 |
         static_cast<std::uint32_t>(static_cast<unsigned char>(d)) << 24 |
         (bigEndian ? kFourccBigEndianFlag : 0u);
}

/// "NV12", "Y16" (padded to 'Y16 '), "AR15-BE" -> code. One to four characters in
/// 0x20..0x7f with no space before another character, optionally followed by "-BE".
[[nodiscard]] Result<std::uint32_t> parseFourcc(std::string_view text);

/// code -> "NV12", "Y16", "AR15-BE". Fails for characters outside 0x20..0x7f, a space
/// before another character, or an all-space code: those cannot be written as text.
[[nodiscard]] Result<std::string> fourccToString(std::uint32_t code);

/// "0x3231564e": a code as eight hex digits, whatever its characters.
[[nodiscard]] std::string fourccHex(std::uint32_t code);

/// For logs and messages; never fails: "'NV12'" when printable, "0x3231564e" otherwise.
[[nodiscard]] std::string describeFourcc(std::uint32_t code);

}  // namespace vcam
