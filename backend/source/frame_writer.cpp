// SPDX-License-Identifier: MIT
// FrameWriter: layout checks at creation, then per frame one packed line per distinct key.
#include "backend/source/frame_writer.h"

#include <algorithm>
#include <cstring>
#include <string>

#include "vcamera/common/checked.h"

namespace vcam::source {
namespace {

using u64 = std::uint64_t;

constexpr std::uint32_t kMaxVfactor = 4;

Error badLayout(const fourcc::FormatInfo& f, const std::string& why) {
  return makeError(EINVAL, "test pattern: " + std::string(f.name) + " layout: " + why);
}

// Bytes of image data in one line of colour plane `p` (Linux's rule, in bits).
u64 dataBytesOf(const fourcc::FormatInfo& f, std::size_t p, std::uint32_t width) {
  const auto& info = f.planes[p];
  const u64 hdiv = p == 0 ? 1 : f.hsub;
  const u64 aligned = *checkedAlignUp<u64>(width, info.blockWidth);
  return divRoundUp<u64>(divRoundUp<u64>(aligned, hdiv) * info.bitsPerPixel, 8);
}

u64 linesOf(const fourcc::FormatInfo& f, std::size_t p, std::uint32_t height) {
  const u64 vdiv = p == 0 ? 1 : f.vsub;
  return divRoundUp<u64>(*checkedAlignUp<u64>(height, f.planes[p].blockHeight), vdiv);
}

Status checkShape(const fourcc::FormatInfo& f, const fourcc::Layout& l) {
  if (!f.isValid()) return makeError(EINVAL, "test pattern: invalid format");
  if (l.size.width == 0 || l.size.height == 0 || l.size.width > fourcc::kMaxDimension ||
      l.size.height > fourcc::kMaxDimension) {
    return badLayout(f, "size must be 1.." + std::to_string(fourcc::kMaxDimension));
  }
  if (l.numMemPlanes != f.memPlanes || l.numColorPlanes != f.colorPlanes ||
      l.numMemPlanes > l.memPlanes.size() || l.numColorPlanes > kMaxColorPlanes) {
    return badLayout(f, "plane counts differ from the format's");
  }
  return {};
}

}  // namespace

Result<FrameWriter> FrameWriter::create(const fourcc::FormatInfo& f, const fourcc::Layout& l,
                                        Range range, Reuse reuse) {
  if (auto s = checkShape(f, l); !s) return s.error();
  auto packing = resolvePacking(f);
  if (!packing) return packing.error();

  FrameWriter w;
  w.size_ = l.size;
  w.reuse_ = reuse;
  w.memPlanes_ = l.numMemPlanes;
  std::array<u64, 4> end{};  // where the last colour plane of each memory plane ends
  for (std::size_t p = 0; p < l.numColorPlanes; ++p) {
    const auto& c = l.colorPlanes[p];
    Plane plane;
    plane.packing = packing->planes[p];
    const u64 data = dataBytesOf(f, p, l.size.width);
    if (c.memPlane >= l.numMemPlanes) return badLayout(f, "plane in a missing buffer");
    if (c.stride < data || c.lines < linesOf(f, p, l.size.height)) {
      return badLayout(f, "plane " + std::to_string(p) + " smaller than the image");
    }
    if (c.offset < end[c.memPlane]) return badLayout(f, "planes overlap or are out of order");
    const u64 planeEnd = u64{c.offset} + u64{c.stride} * c.lines;  // < 2^64: both < 2^32
    if (planeEnd > l.memPlanes[c.memPlane].sizeImage) {
      return badLayout(f, "plane " + std::to_string(p) + " ends past its buffer");
    }
    if (plane.packing.vfactor == 0 || plane.packing.vfactor > kMaxVfactor) {
      return badLayout(f, "vertical subsampling above " + std::to_string(kMaxVfactor));
    }
    if (c.offset > end[c.memPlane]) {
      w.gaps_.push_back({c.memPlane, static_cast<std::uint32_t>(end[c.memPlane]),
                         static_cast<std::uint32_t>(c.offset - end[c.memPlane])});
    }
    end[c.memPlane] = planeEnd;
    plane.memPlane = c.memPlane;
    plane.offset = c.offset;
    plane.stride = c.stride;
    plane.lines = c.lines;
    plane.dataBytes = static_cast<std::uint32_t>(data);
    plane.groups = static_cast<std::uint32_t>(divRoundUp<u64>(data, plane.packing.groupBytes));
    for (std::size_t ch = 0; ch < plane.packing.channelCount; ++ch) {
      const Channel& channel = plane.packing.channels[ch];
      auto& palette = plane.palettes[ch];
      palette.resize(kPaletteSize);
      for (std::size_t i = 0; i < kPaletteSize; ++i) {
        palette[i] = quantise(paletteColour(static_cast<PaletteIndex>(i)), channel.component,
                              channel.depth, range);
      }
    }
    for (std::size_t i = 0; i < plane.packing.fieldCount; ++i) {
      for (const auto& fields : plane.packing.fields) {
        const ResolvedField& fd = fields[i];
        auto& values = plane.values[fd.channel];
        values.resize(std::max<std::size_t>(values.size(), u64{plane.groups} * fd.stride));
        plane.channelStride[fd.channel] = fd.stride;
      }
    }
    for (Line& line : plane.last) line.bytes.resize(c.stride);
    w.planes_.push_back(std::move(plane));
  }
  for (std::uint32_t m = 0; m < l.numMemPlanes; ++m) {
    const std::uint32_t size = l.memPlanes[m].sizeImage;
    if (size > end[m]) {
      w.gaps_.push_back(
          {m, static_cast<std::uint32_t>(end[m]), static_cast<std::uint32_t>(size - end[m])});
    }
    w.sizeImage_[m] = size;
    w.used_ += size;
  }
  for (auto& line : w.sceneLines_) line.resize(l.size.width);
  return w;
}

Status FrameWriter::write(const Scene& scene, std::span<const std::span<std::byte>> planes) {
  if (planes.size() != memPlanes_) {
    return makeError(EINVAL, "test pattern: " + std::to_string(planes.size()) +
                                 " buffers given, the layout has " + std::to_string(memPlanes_));
  }
  if (scene.size() != size_) return makeError(EINVAL, "test pattern: scene size differs");
  for (std::uint32_t m = 0; m < memPlanes_; ++m) {
    if (planes[m].size() < sizeImage_[m]) {
      return makeError(ENOSPC, "test pattern: buffer " + std::to_string(m) + " holds " +
                                   std::to_string(planes[m].size()) + " bytes, a frame needs " +
                                   std::to_string(sizeImage_[m]));
    }
  }
  for (Plane& plane : planes_) {
    for (Line& line : plane.last) line.valid = false;  // the scene moved since last frame
    std::byte* base = planes[plane.memPlane].data() + plane.offset;
    const std::uint32_t vf = plane.packing.vfactor;
    for (std::uint32_t j = 0; j < plane.lines; ++j) {
      std::byte* dst = base + std::size_t{j} * plane.stride;
      Line& last = plane.last[plane.packing.alternates ? j & 1 : 0];
      if (reuse_ == Reuse::kNone) {
        overlay(plane, scene, j, GroupRange{0, plane.groups}, nullptr, last);
        std::memcpy(dst, last.bytes.data(), plane.stride);
        continue;
      }
      const Line& bg = background(plane, scene, j);
      const GroupRange dirty = dirtyGroups(plane, scene, j);
      if (dirty.from == dirty.to) {
        std::memcpy(dst, bg.bytes.data(), plane.stride);
        continue;
      }
      std::uint64_t key = 0;
      for (std::uint32_t k = 0; k < vf; ++k) key = key << 16 | scene.lineKey(j * vf + k);
      if (!last.valid || last.key != key) {
        overlay(plane, scene, j, dirty, &bg, last);
        last.key = key;
        last.valid = true;
      }
      std::memcpy(dst, last.bytes.data(), plane.stride);
    }
  }
  for (const Gap& gap : gaps_) {
    std::memset(planes[gap.memPlane].data() + gap.offset, 0, gap.length);
  }
  return {};
}

// The plane line without block and digits: packed on first use, then kept.
const FrameWriter::Line& FrameWriter::background(Plane& plane, const Scene& scene,
                                                 std::uint32_t line) {
  const std::uint32_t vf = plane.packing.vfactor;
  std::uint64_t key = plane.packing.alternates ? line & 1 : 0;
  for (std::uint32_t k = 0; k < vf; ++k) key = key << 1 | scene.background(line * vf + k);
  for (const Line& b : plane.backgrounds) {
    if (b.key == key) return b;
  }
  for (std::uint32_t k = 0; k < vf; ++k) scene.drawBackground(line * vf + k, sceneLines_[k]);
  const GroupRange all{0, plane.groups};
  computeChannels(plane, all, vf);
  Line out{true, key, std::vector<std::byte>(plane.stride)};
  pack(plane, plane.packing.alternates ? line & 1 : 0, all, out.bytes);
  plane.backgrounds.push_back(std::move(out));
  return plane.backgrounds.back();
}

// `base` with `groups` repacked from the full line (block and digits drawn); without a
// base, padding is zeroed and `groups` must be all of them.
void FrameWriter::overlay(Plane& plane, const Scene& scene, std::uint32_t line, GroupRange groups,
                          const Line* base, Line& out) {
  const std::uint32_t vf = plane.packing.vfactor;
  if (base != nullptr) {
    std::memcpy(out.bytes.data(), base->bytes.data(), plane.stride);
  } else {
    std::fill(out.bytes.begin() + plane.dataBytes, out.bytes.end(), std::byte{0});
  }
  for (std::uint32_t k = 0; k < vf; ++k) scene.drawLine(line * vf + k, sceneLines_[k]);
  computeChannels(plane, groups, vf);
  pack(plane, plane.packing.alternates ? line & 1 : 0, groups, out.bytes);
}

FrameWriter::GroupRange FrameWriter::dirtyGroups(const Plane& plane, const Scene& scene,
                                                 std::uint32_t line) const {
  const std::uint32_t vf = plane.packing.vfactor;
  std::uint32_t from = size_.width;
  std::uint32_t to = 0;
  for (std::uint32_t k = 0; k < vf; ++k) {
    const Scene::Span span = scene.overlay(line * vf + k);
    if (span.from == span.to) continue;
    from = std::min(from, span.from);
    to = std::max(to, span.to);
  }
  if (from >= to) return {};
  const std::uint32_t gp = plane.packing.groupPixels;
  return {from / gp, std::min(divRoundUp(to, gp), plane.groups)};
}

// Samples of every channel for `groups`; a chroma sample averages its hfactor x vfactor
// pixels. Samples past the image repeat the last one so partial groups stay defined.
void FrameWriter::computeChannels(Plane& plane, GroupRange groups, std::uint32_t vf) {
  for (std::size_t c = 0; c < plane.packing.channelCount; ++c) {
    const std::uint16_t* palette = plane.palettes[c].data();
    auto& out = plane.values[c];
    const std::uint32_t hf = plane.packing.channels[c].hfactor;
    const std::uint32_t stride = plane.channelStride[c];
    const std::size_t real = divRoundUp(size_.width, hf);
    const std::size_t from = std::size_t{groups.from} * stride;
    const std::size_t to = std::min<std::size_t>(std::size_t{groups.to} * stride, out.size());
    const auto sample = [&](std::size_t i) -> std::uint16_t {
      const std::size_t x0 = std::min(i, real - 1) * hf;
      const std::size_t x1 = std::min<std::size_t>(x0 + hf, size_.width);
      std::uint32_t sum = 0;
      for (std::uint32_t k = 0; k < vf; ++k) {
        for (std::size_t x = x0; x < x1; ++x) sum += palette[sceneLines_[k][x]];
      }
      const auto count = static_cast<std::uint32_t>((x1 - x0) * vf);
      return static_cast<std::uint16_t>((sum + count / 2) / count);
    };
    std::size_t i = from;
    if (hf == 1 && vf == 1) {
      const PaletteIndex* indices = sceneLines_[0].data();
      for (; i < std::min(to, real); ++i) out[i] = palette[indices[i]];
    }
    for (; i < std::min(to, real); ++i) out[i] = sample(i);
    if (i < to) {
      std::fill(out.begin() + static_cast<std::ptrdiff_t>(i),
                out.begin() + static_cast<std::ptrdiff_t>(to), sample(real - 1));
    }
  }
}

void FrameWriter::pack(const Plane& plane, std::size_t parity, GroupRange groups,
                       std::span<std::byte> out) {
  const PlanePacking& pk = plane.packing;
  const auto& fields = pk.fields[parity];
  const std::uint32_t gb = pk.groupBytes;
  for (std::uint32_t g = groups.from; g < groups.to; ++g) {
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < pk.fieldCount; ++i) {
      const ResolvedField& fd = fields[i];
      const std::uint64_t sample = plane.values[fd.channel][std::size_t{g} * fd.stride + fd.sample];
      const std::uint64_t mask = (std::uint64_t{1} << fd.bits) - 1;
      v |= ((sample >> fd.shift) & mask) << fd.position;
    }
    const std::size_t start = std::size_t{g} * gb;
    const std::size_t n = std::min<std::size_t>(gb, plane.dataBytes - start);
    for (std::size_t k = 0; k < n; ++k) {
      const std::size_t byte = pk.bigEndian ? gb - 1 - k : k;
      out[start + k] = static_cast<std::byte>(v >> (8 * byte));
    }
  }
}

}  // namespace vcam::source
