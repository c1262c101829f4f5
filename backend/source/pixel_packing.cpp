// SPDX-License-Identifier: MIT
// The component-order table and its binding to channels, checked against the fourcc table.
#include "backend/source/pixel_packing.h"

#include <algorithm>
#include <string>

namespace vcam::source {
namespace {

using C = Component;

constexpr Field field(C c, std::uint8_t depth, std::uint8_t sample = 0) {
  return Field{c, sample, depth, 0, depth};
}
constexpr Field y(std::uint8_t depth, std::uint8_t sample = 0) {
  return field(C::kY, depth, sample);
}
constexpr Field cb(std::uint8_t depth) { return field(C::kCb, depth); }
constexpr Field cr(std::uint8_t depth) { return field(C::kCr, depth); }
constexpr Field r(std::uint8_t depth) { return field(C::kR, depth); }
constexpr Field g(std::uint8_t depth) { return field(C::kG, depth); }
constexpr Field b(std::uint8_t depth) { return field(C::kB, depth); }
constexpr Field a(std::uint8_t bits) { return field(C::kOpaque, bits); }
constexpr Field x(std::uint8_t bits) { return field(C::kZero, bits); }
constexpr Field raw(std::uint8_t sample, std::uint8_t depth) {
  return field(C::kRaw, depth, sample);
}
// MIPI RAW10: bits 9..2 of each pixel in one byte, then bits 1..0 of four pixels together.
constexpr Field rawHigh8(std::uint8_t sample) { return Field{C::kRaw, sample, 10, 2, 8}; }
constexpr Field rawLow2(std::uint8_t sample) { return Field{C::kRaw, sample, 10, 0, 2}; }

template <typename... F>
constexpr GroupSpec group(F... fields) {
  GroupSpec spec;
  ((spec.fields[spec.count++] = fields), ...);
  return spec;
}

constexpr GroupSpec kY8 = group(y(8));
constexpr GroupSpec kCb8 = group(cb(8));
constexpr GroupSpec kCr8 = group(cr(8));
constexpr GroupSpec kCbCr8 = group(cb(8), cr(8));
constexpr GroupSpec kCrCb8 = group(cr(8), cb(8));
constexpr GroupSpec kBayer8 = group(raw(0, 8), raw(1, 8));
constexpr GroupSpec kBayer10 = group(raw(0, 10), x(6), raw(1, 10), x(6));
constexpr GroupSpec kBayer10P = group(rawHigh8(0), rawHigh8(1), rawHigh8(2), rawHigh8(3),
                                      rawLow2(0), rawLow2(1), rawLow2(2), rawLow2(3));
constexpr GroupSpec kBayer12 = group(raw(0, 12), x(4), raw(1, 12), x(4));
constexpr GroupSpec kBayer16 = group(raw(0, 16), raw(1, 16));

// Names match the fourcc table; tests/backend/source checks that every uncompressed table
// format has exactly one entry here and that it agrees with the table's bits.
// clang-format off
constexpr std::array kSpecs{
    // Packed Y'CbCr: fields in memory order.
    PackingSpec{"YUYV", "", {group(y(8, 0), cb(8), y(8, 1), cr(8))}},
    PackingSpec{"UYVY", "", {group(cb(8), y(8, 0), cr(8), y(8, 1))}},
    PackingSpec{"YVYU", "", {group(y(8, 0), cr(8), y(8, 1), cb(8))}},
    PackingSpec{"VYUY", "", {group(cr(8), y(8, 0), cb(8), y(8, 1))}},
    PackingSpec{"AYUV32", "", {group(a(8), y(8), cb(8), cr(8))}},
    PackingSpec{"XYUV32", "", {group(x(8), y(8), cb(8), cr(8))}},
    PackingSpec{"VUYA32", "", {group(cr(8), cb(8), y(8), a(8))}},
    PackingSpec{"VUYX32", "", {group(cr(8), cb(8), y(8), x(8))}},
    // Semi-planar.
    PackingSpec{"NV12", "", {kY8, kCbCr8}},
    PackingSpec{"NV21", "", {kY8, kCrCb8}},
    PackingSpec{"NV16", "", {kY8, kCbCr8}},
    PackingSpec{"NV61", "", {kY8, kCrCb8}},
    PackingSpec{"NV24", "", {kY8, kCbCr8}},
    PackingSpec{"NV42", "", {kY8, kCrCb8}},
    PackingSpec{"NV12M", "", {kY8, kCbCr8}},
    PackingSpec{"NV21M", "", {kY8, kCrCb8}},
    PackingSpec{"NV16M", "", {kY8, kCbCr8}},
    PackingSpec{"NV61M", "", {kY8, kCrCb8}},
    PackingSpec{"P010", "", {group(x(6), y(10)), group(x(6), cb(10), x(6), cr(10))}},
    // Planar.
    PackingSpec{"YUV420", "", {kY8, kCb8, kCr8}},
    PackingSpec{"YVU420", "", {kY8, kCr8, kCb8}},
    PackingSpec{"YUV422P", "", {kY8, kCb8, kCr8}},
    PackingSpec{"YUV420M", "", {kY8, kCb8, kCr8}},
    PackingSpec{"YVU420M", "", {kY8, kCr8, kCb8}},
    PackingSpec{"YUV422M", "", {kY8, kCb8, kCr8}},
    PackingSpec{"YVU422M", "", {kY8, kCr8, kCb8}},
    PackingSpec{"YUV444M", "", {kY8, kCb8, kCr8}},
    PackingSpec{"YVU444M", "", {kY8, kCr8, kCb8}},
    // Luma only.
    PackingSpec{"GREY", "", {kY8}},
    PackingSpec{"Y10", "", {group(y(10), x(6))}},
    PackingSpec{"Y12", "", {group(y(12), x(4))}},
    PackingSpec{"Y16", "", {group(y(16))}},
    // RGB: 16-bit ones as bits of a word (the table says which byte order), others bytes.
    PackingSpec{"RGB565", "", {group(b(5), g(6), r(5))}},
    PackingSpec{"RGB565X", "", {group(b(5), g(6), r(5))}},
    PackingSpec{"RGB555", "", {group(b(5), g(5), r(5), x(1))}},
    PackingSpec{"XRGB555", "", {group(b(5), g(5), r(5), x(1))}},
    PackingSpec{"ARGB555", "", {group(b(5), g(5), r(5), a(1))}},
    PackingSpec{"ARGB555X", "", {group(b(5), g(5), r(5), a(1))}},
    PackingSpec{"RGB24", "", {group(r(8), g(8), b(8))}},
    PackingSpec{"BGR24", "", {group(b(8), g(8), r(8))}},
    PackingSpec{"XRGB32", "", {group(x(8), r(8), g(8), b(8))}},
    PackingSpec{"XBGR32", "", {group(b(8), g(8), r(8), x(8))}},
    PackingSpec{"ARGB32", "", {group(a(8), r(8), g(8), b(8))}},
    PackingSpec{"ABGR32", "", {group(b(8), g(8), r(8), a(8))}},
    PackingSpec{"RGBA32", "", {group(r(8), g(8), b(8), a(8))}},
    PackingSpec{"BGRA32", "", {group(a(8), b(8), g(8), r(8))}},
    PackingSpec{"RGBX32", "", {group(r(8), g(8), b(8), x(8))}},
    PackingSpec{"BGRX32", "", {group(x(8), b(8), g(8), r(8))}},
    // Bayer: two pixels per group so the group starts on an even column.
    PackingSpec{"SBGGR8", "BGGR", {kBayer8}},
    PackingSpec{"SGBRG8", "GBRG", {kBayer8}},
    PackingSpec{"SGRBG8", "GRBG", {kBayer8}},
    PackingSpec{"SRGGB8", "RGGB", {kBayer8}},
    PackingSpec{"SBGGR10", "BGGR", {kBayer10}},
    PackingSpec{"SGBRG10", "GBRG", {kBayer10}},
    PackingSpec{"SGRBG10", "GRBG", {kBayer10}},
    PackingSpec{"SRGGB10", "RGGB", {kBayer10}},
    PackingSpec{"SBGGR10P", "BGGR", {kBayer10P}},
    PackingSpec{"SGBRG10P", "GBRG", {kBayer10P}},
    PackingSpec{"SGRBG10P", "GRBG", {kBayer10P}},
    PackingSpec{"SRGGB10P", "RGGB", {kBayer10P}},
    PackingSpec{"SBGGR12", "BGGR", {kBayer12}},
    PackingSpec{"SGBRG12", "GBRG", {kBayer12}},
    PackingSpec{"SGRBG12", "GRBG", {kBayer12}},
    PackingSpec{"SRGGB12", "RGGB", {kBayer12}},
    PackingSpec{"SBGGR16", "BGGR", {kBayer16}},
    PackingSpec{"SGBRG16", "GBRG", {kBayer16}},
    PackingSpec{"SGRBG16", "GRBG", {kBayer16}},
    PackingSpec{"SRGGB16", "RGGB", {kBayer16}},
};
// clang-format on

bool isChroma(C c) { return c == C::kCb || c == C::kCr; }
bool isConstant(C c) { return c == C::kOpaque || c == C::kZero; }

Error disagree(const fourcc::FormatInfo& f, std::size_t plane, const std::string& why) {
  return makeError(EINVAL, "packing of " + std::string(f.name) + " plane " + std::to_string(plane) +
                               " disagrees with the format table: " + why);
}

Result<C> bayerColour(const fourcc::FormatInfo& f, std::string_view order, std::size_t cell) {
  if (order.size() != 4) return disagree(f, 0, "Bayer order is not four letters");
  switch (order[cell]) {
    case 'R':
      return C::kR;
    case 'G':
      return C::kG;
    case 'B':
      return C::kB;
    default:
      return disagree(f, 0, "Bayer order letter is not R, G or B");
  }
}

// Index of (component, depth) in the plane's channel list, adding it when new.
Result<std::uint8_t> channelOf(PlanePacking& plane, C component, std::uint8_t depth,
                               std::uint8_t hfactor) {
  for (std::uint8_t i = 0; i < plane.channelCount; ++i) {
    const auto& c = plane.channels[i];
    if (c.component == component && c.depth == depth) return i;
  }
  if (plane.channelCount == kMaxChannels) return makeError(EINVAL, "too many channels");
  plane.channels[plane.channelCount] = Channel{component, depth, hfactor};
  return plane.channelCount++;
}

// Samples of each component per group: one more than the highest sample index used.
std::array<std::uint8_t, 9> samplesPerGroup(const GroupSpec& spec) {
  std::array<std::uint8_t, 9> counts{};
  for (std::size_t i = 0; i < spec.count; ++i) {
    const Field& fd = spec.fields[i];
    auto& n = counts[static_cast<std::size_t>(fd.component)];
    n = std::max<std::uint8_t>(n, static_cast<std::uint8_t>(fd.sample + 1));
  }
  return counts;
}

Status checkFields(const fourcc::FormatInfo& f, std::size_t p, const GroupSpec& spec,
                   unsigned& groupBits) {
  groupBits = 0;
  for (std::size_t i = 0; i < spec.count; ++i) {
    const Field& fd = spec.fields[i];
    if (fd.bits == 0 || fd.depth == 0 || fd.depth > 16 || fd.shift + fd.bits > fd.depth) {
      return disagree(f, p, "bad field bits");
    }
    if (p > 0 && !isChroma(fd.component) && !isConstant(fd.component)) {
      return disagree(f, p, "only chroma may live in planes after the first");
    }
    if (p == 0 && isChroma(fd.component) && f.vsub != 1) {
      return disagree(f, p, "vertically subsampled chroma in the first plane");
    }
    groupBits += fd.bits;
  }
  if (groupBits == 0 || groupBits % 8 != 0 || groupBits > 64) {
    return disagree(f, p, "group is not 1..8 whole bytes");
  }
  const unsigned bpp = f.planes[p].bitsPerPixel;
  if (bpp == 0 || groupBits % bpp != 0) {
    return disagree(f, p, "group is not whole samples of " + std::to_string(bpp) + " bits");
  }
  return {};
}

Result<PlanePacking> resolvePlane(const fourcc::FormatInfo& f, const PackingSpec& spec,
                                  std::size_t p) {
  const GroupSpec& gs = spec.planes[p];
  unsigned groupBits = 0;
  if (auto s = checkFields(f, p, gs, groupBits); !s) return s.error();
  // Pixels (full resolution) one group covers.
  const unsigned planeSamples = groupBits / f.planes[p].bitsPerPixel;
  const unsigned groupPixels = planeSamples * (p == 0 ? 1u : f.hsub);
  if (groupPixels == 0 || groupPixels > 64) return disagree(f, p, "group of 1..64 pixels");
  const auto counts = samplesPerGroup(gs);
  const bool bayer = !spec.bayerOrder.empty();

  PlanePacking plane;
  plane.groupBytes = static_cast<std::uint8_t>(groupBits / 8);
  plane.groupPixels = static_cast<std::uint8_t>(groupPixels);
  plane.bigEndian = f.endianness == fourcc::Endianness::kBig;
  plane.vfactor = p == 0 ? std::uint8_t{1} : f.vsub;
  plane.fieldCount = gs.count;
  plane.alternates = bayer;
  unsigned position = 0;
  for (std::size_t i = 0; i < gs.count; ++i) {
    const Field& fd = gs.fields[i];
    const auto hfactor = isChroma(fd.component) ? f.hsub : std::uint8_t{1};
    const unsigned stride = counts[static_cast<std::size_t>(fd.component)];
    if (!isConstant(fd.component) && stride * hfactor != groupPixels) {
      return disagree(f, p, "samples per group do not match bits and subsampling");
    }
    if (fd.component == C::kRaw && (!bayer || groupPixels % 2 != 0)) {
      return disagree(f, p, "Bayer samples need a Bayer order and an even group");
    }
    for (std::size_t parity = 0; parity < 2; ++parity) {
      C component = fd.component;
      if (component == C::kRaw) {
        auto colour = bayerColour(f, spec.bayerOrder, parity * 2 + fd.sample % 2u);
        if (!colour) return colour.error();
        component = *colour;
      }
      auto channel = channelOf(plane, component, fd.depth, hfactor);
      if (!channel) return disagree(f, p, channel.error().message);
      ResolvedField& out = plane.fields[parity][i];
      out.channel = *channel;
      out.sample = fd.sample;
      out.stride = static_cast<std::uint8_t>(std::max(stride, 1u));
      out.shift = fd.shift;
      out.position = static_cast<std::uint8_t>(position);
      out.bits = fd.bits;
    }
    position += fd.bits;
  }
  return plane;
}

}  // namespace

std::span<const PackingSpec> packingSpecs() { return kSpecs; }

const PackingSpec* findPackingSpec(const fourcc::FormatInfo& format) {
  if (!format.isValid() || format.isCompressed()) return nullptr;
  const auto it = std::find_if(kSpecs.begin(), kSpecs.end(),
                               [&](const PackingSpec& s) { return s.format == format.name; });
  return it == kSpecs.end() ? nullptr : &*it;
}

Result<Packing> resolvePacking(const fourcc::FormatInfo& format) {
  const PackingSpec* spec = findPackingSpec(format);
  if (spec == nullptr) {
    return makeError(ENOTSUP, "the test pattern cannot write " +
                                  std::string(format.isValid() ? format.name : "invalid format"));
  }
  if (format.colorPlanes == 0 || format.colorPlanes > kMaxColorPlanes) {
    return disagree(format, 0, "unsupported number of colour planes");
  }
  Packing packing;
  packing.planeCount = format.colorPlanes;
  for (std::size_t p = 0; p < kMaxColorPlanes; ++p) {
    const bool used = p < format.colorPlanes;
    if (used != (spec->planes[p].count != 0)) {
      return disagree(format, p, "plane count differs");
    }
    if (!used) continue;
    auto plane = resolvePlane(format, *spec, p);
    if (!plane) return plane.error();
    packing.planes[p] = *plane;
  }
  return packing;
}

}  // namespace vcam::source
