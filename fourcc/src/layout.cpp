// SPDX-License-Identifier: MIT
// Layout arithmetic: Linux 6.1's v4l2_fill_pixfmt{,_mp}() rules, overflow-checked.
#include "vcamera/fourcc/layout.h"

#include <charconv>
#include <limits>
#include <optional>
#include <string>

#include "vcamera/common/checked.h"

namespace vcam::fourcc {
namespace {

using u64 = std::uint64_t;
constexpr u64 kU32Max = std::numeric_limits<std::uint32_t>::max();
constexpr u64 kJpegHeaderBytes = 64 * 1024;

// One colour plane's sizing parameters, in the kernel's terms but with bits.
struct PlaneRule {
  u64 bits;
  u64 hdiv;
  u64 vdiv;
  u64 blockWidth;
  u64 blockHeight;
};

PlaneRule truthRule(const FormatInfo& f, std::size_t plane) {
  const auto& p = f.planes[plane];
  return PlaneRule{p.bitsPerPixel, plane == 0 ? 1u : f.hsub, plane == 0 ? 1u : f.vsub, p.blockWidth,
                   p.blockHeight};
}

// How Linux 6.1 sizes the plane. Differs from the truth only for P010's CbCr plane, which
// 6.1 describes as { .bpp = 2, .vdiv = 1 }: half as many bytes per line, twice the lines.
PlaneRule kernelRule(const FormatInfo& f, std::size_t plane) {
  PlaneRule rule = truthRule(f, plane);
  if (f.sizeRule == SizeRule::kLinux61P010 && plane == 1) {
    rule.bits = 16;
    rule.vdiv = 1;
  }
  return rule;
}

// All inputs are below 2^32 and bits below 2^8, so nothing here can wrap in 64 bits except
// the final multiplication, which is checked.
u64 lineBytes(const PlaneRule& rule, u64 width) {
  const u64 aligned = *checkedAlignUp<u64>(width, rule.blockWidth);
  return divRoundUp<u64>(divRoundUp<u64>(aligned, rule.hdiv) * rule.bits, 8);
}

u64 lineCount(const PlaneRule& rule, u64 height) {
  return divRoundUp<u64>(*checkedAlignUp<u64>(height, rule.blockHeight), rule.vdiv);
}

Error tooBig(const FormatInfo& f, Size size) {
  return makeError(EOVERFLOW, std::string(f.name) + " " + std::to_string(size.width) + "x" +
                                  std::to_string(size.height) +
                                  ": a plane would not fit in 32 bits");
}

std::size_t memPlaneOf(const FormatInfo& f, std::size_t colorPlane) {
  return f.memPlanes == 1 ? 0 : colorPlane;
}

Result<Layout> compressedLayout(const FormatInfo& f, Size size) {
  const u64 w = *checkedAlignUp<u64>(size.width, 16);
  const u64 h = *checkedAlignUp<u64>(size.height, 16);
  const auto pixels = checkedMul<u64>(w, h);  // each side is at most 2^32
  if (!pixels || *pixels > kU32Max) return tooBig(f, size);
  const u64 bytes = *pixels * 3 + kJpegHeaderBytes;
  if (bytes > kU32Max) return tooBig(f, size);
  Layout layout;
  layout.size = size;
  layout.numMemPlanes = 1;
  layout.numColorPlanes = 1;
  layout.memPlanes[0] = {0, static_cast<std::uint32_t>(bytes)};
  layout.colorPlanes[0] = {0, 0, 0, 1, static_cast<std::uint32_t>(bytes)};
  layout.totalSize = bytes;
  return layout;
}

// Linux's sizeimage for memory plane `mem`.
u64 kernelSizeImage(const FormatInfo& f, std::size_t mem, Size size) {
  u64 total = 0;
  for (std::size_t i = 0; i < f.colorPlanes; ++i) {
    if (memPlaneOf(f, i) != mem) continue;
    const auto rule = kernelRule(f, i);
    total += lineBytes(rule, size.width) * lineCount(rule, size.height);
  }
  return total;
}

}  // namespace

Result<Size> parseSize(std::string_view text) {
  const auto bad = [&](std::string why) {
    return makeError(EINVAL, "bad size '" + std::string(text) + "': " + why +
                                 " (expected WIDTHxHEIGHT, e.g. 1920x1080)");
  };
  const auto x = text.find_first_of("xX");
  if (x == std::string_view::npos) return bad("no 'x'");
  const auto parse = [&](std::string_view digits, std::uint32_t& out) -> std::optional<Error> {
    if (digits.empty()) return bad("missing number");
    if (digits.front() == '-') return bad("negative");
    if (digits.find_first_not_of("0123456789") != std::string_view::npos)
      return bad("not a number");
    u64 value = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (ec != std::errc{} || value > kMaxDimension) {
      return bad("larger than " + std::to_string(kMaxDimension));
    }
    if (value == 0) return bad("zero");
    out = static_cast<std::uint32_t>(value);
    return std::nullopt;
  };
  Size size;
  if (auto e = parse(text.substr(0, x), size.width)) return *e;
  if (auto e = parse(text.substr(x + 1), size.height)) return *e;
  return size;
}

Result<Layout> computeLayout(const FormatInfo& f, Size size, std::uint32_t strideAlign) {
  if (!f.isValid()) return makeError(EINVAL, "invalid format");
  if (size.width == 0 || size.height == 0) {
    return makeError(EINVAL, std::string(f.name) + ": width and height must be non-zero");
  }
  if (strideAlign == 0 || strideAlign > kMaxStrideAlign) {
    return makeError(EINVAL, "stride alignment must be 1.." + std::to_string(kMaxStrideAlign));
  }
  if (f.isCompressed()) return compressedLayout(f, size);

  Layout layout;
  layout.size = size;
  layout.strideAlign = strideAlign;
  layout.numMemPlanes = f.memPlanes;
  layout.numColorPlanes = f.colorPlanes;
  std::array<u64, 4> used{};  // bytes of each memory plane taken by its colour planes
  for (std::size_t i = 0; i < f.colorPlanes; ++i) {
    const auto rule = truthRule(f, i);
    const auto stride = checkedAlignUp<u64>(lineBytes(rule, size.width), strideAlign);
    const u64 lines = lineCount(rule, size.height);
    const auto bytes = stride ? checkedMul<u64>(*stride, lines) : std::nullopt;
    const std::size_t mem = memPlaneOf(f, i);
    if (!bytes || *stride > kU32Max || *bytes > kU32Max || used[mem] + *bytes > kU32Max) {
      return tooBig(f, size);
    }
    layout.colorPlanes[i] = {static_cast<std::uint32_t>(mem), static_cast<std::uint32_t>(used[mem]),
                             static_cast<std::uint32_t>(*stride), static_cast<std::uint32_t>(lines),
                             static_cast<std::uint32_t>(*bytes)};
    if (used[mem] == 0) layout.memPlanes[mem].bytesPerLine = static_cast<std::uint32_t>(*stride);
    used[mem] += *bytes;
  }
  const bool kernelSized = f.sizeRule != SizeRule::kVcamera && strideAlign == 1;
  for (std::size_t m = 0; m < f.memPlanes; ++m) {
    const u64 sizeImage = kernelSized ? kernelSizeImage(f, m, size) : used[m];
    if (sizeImage > kU32Max) return tooBig(f, size);
    if (used[m] > sizeImage) {
      return makeError(EINVAL, std::string(f.name) + " " + std::to_string(size.width) + "x" +
                                   std::to_string(size.height) +
                                   ": Linux 6.1's sizeimage is too small for the chroma "
                                   "lines; use an even height");
    }
    layout.memPlanes[m].sizeImage = static_cast<std::uint32_t>(sizeImage);
    layout.totalSize += sizeImage;
  }
  return layout;
}

}  // namespace vcam::fourcc
