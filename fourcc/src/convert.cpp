// SPDX-License-Identifier: MIT
// Frame views and convertFrame(): checks every plane, then picks the shortest libyuv path.
#include "vcamera/fourcc/convert.h"

#include <algorithm>
#include <memory>
#include <string>

#include <libyuv.h>

#include "yuv_routines.h"

namespace vcam::fourcc {
namespace {

using detail::I420;
using detail::MutablePlanes;
using detail::Planes;

std::string describe(const FormatInfo& f, Size s) {
  return std::string(f.name) + " " + std::to_string(s.width) + "x" + std::to_string(s.height);
}

template <typename Byte>
Result<BasicFrame<Byte>> split(const FormatInfo& f, const Layout& layout, std::span<Byte> bytes) {
  if (!f.isValid()) return makeError(EINVAL, "invalid format");
  if (layout.numMemPlanes != f.memPlanes) {
    return makeError(EINVAL, std::string(f.name) + ": layout is for another format");
  }
  const bool exact = bytes.size() == layout.totalSize;
  const bool shortJpeg = f.isCompressed() && !bytes.empty() && bytes.size() < layout.totalSize;
  if (!exact && !shortJpeg) {
    return makeError(EINVAL, describe(f, layout.size) + " is " + std::to_string(layout.totalSize) +
                                 " bytes, got " + std::to_string(bytes.size()));
  }
  BasicFrame<Byte> frame;
  frame.format = &f;
  frame.layout = layout;
  std::size_t offset = 0;
  for (std::size_t m = 0; m < layout.numMemPlanes; ++m) {
    const std::size_t size =
        std::min<std::size_t>(layout.memPlanes[m].sizeImage, bytes.size() - offset);
    frame.memPlanes[m] = bytes.subspan(offset, size);
    offset += size;
  }
  return frame;
}

// Everything libyuv will touch must lie inside the caller's spans.
template <typename Byte>
Status validate(const BasicFrame<Byte>& frame) {
  const FormatInfo& f = *frame.format;
  const Layout& l = frame.layout;
  if (!f.isValid() || l.numMemPlanes != f.memPlanes || l.numColorPlanes != f.colorPlanes) {
    return makeError(EINVAL, "frame layout does not match its format");
  }
  if (l.size.width > kMaxDimension || l.size.height > kMaxDimension) {
    return makeError(
        EINVAL, describe(f, l.size) + ": larger than " + std::to_string(kMaxDimension) + " pixels");
  }
  if (f.isCompressed()) {
    if (frame.memPlanes[0].empty()) return makeError(EINVAL, std::string(f.name) + ": no data");
    return {};
  }
  for (std::size_t i = 0; i < l.numColorPlanes; ++i) {
    const auto& c = l.colorPlanes[i];
    if (c.memPlane >= l.numMemPlanes ||
        std::uint64_t{c.offset} + c.size > frame.memPlanes[c.memPlane].size()) {
      return makeError(EINVAL, describe(f, l.size) + ": plane " + std::to_string(i) +
                                   " lies outside its buffer");
    }
  }
  // Linux sizes packed 4:2:2 lines as width * 2 bytes, which cannot hold an odd width's
  // last Y/Cb/Y/Cr group; libyuv would read past the line.
  if (f.colorPlanes == 1 && f.hsub == 2 && l.colorPlanes[0].stride < (l.size.width + 1) / 2 * 4) {
    return makeError(EINVAL, describe(f, l.size) + ": lines of " +
                                 std::to_string(l.colorPlanes[0].stride) +
                                 " bytes cannot hold the last pixel pair; use an even width");
  }
  return {};
}

template <typename Out, typename Byte>
Out planesOf(const BasicFrame<Byte>& frame) {
  Out out;
  for (std::size_t i = 0; i < frame.layout.numColorPlanes; ++i) {
    const auto& c = frame.layout.colorPlanes[i];
    out.data[i] = frame.memPlanes[c.memPlane].data() + c.offset;
    out.stride[i] = static_cast<int>(c.stride);
  }
  return out;
}

bool sameLayout(const FormatInfo& a, const FormatInfo& b) {
  return a.hasDrm() ? a.drm == b.drm : a.v4l2 == b.v4l2;
}

Status copyPlanes(const ConstFrame& src, const MutableFrame& dst) {
  if (src.format->isCompressed()) {
    if (src.memPlanes[0].size() > dst.memPlanes[0].size()) {
      return makeError(EINVAL, "compressed frame larger than the destination");
    }
    std::copy(src.memPlanes[0].begin(), src.memPlanes[0].end(), dst.memPlanes[0].begin());
    return {};
  }
  const auto s = planesOf<Planes>(src);
  const auto d = planesOf<MutablePlanes>(dst);
  for (std::size_t i = 0; i < src.layout.numColorPlanes; ++i) {
    const auto& sc = src.layout.colorPlanes[i];
    const auto& dc = dst.layout.colorPlanes[i];
    const auto bytes = std::min(sc.stride, dc.stride);
    libyuv::CopyPlane(s.data[i], s.stride[i], d.data[i], d.stride[i], static_cast<int>(bytes),
                      static_cast<int>(sc.lines));
  }
  return {};
}

Status viaI420(const ConstFrame& src, const MutableFrame& dst, int w, int h) {
  const int strideUv = (w + 1) / 2;
  const auto ySize = static_cast<std::size_t>(w) * static_cast<std::size_t>(h);
  const auto uvSize = static_cast<std::size_t>(strideUv) * static_cast<std::size_t>((h + 1) / 2);
  // Scratch is fully overwritten by toI420(): skip zeroing it (a 1080p frame is 3 MB).
  const auto buffer = std::make_unique_for_overwrite<std::uint8_t[]>(ySize + 2 * uvSize);
  const I420 i420{buffer.get(), buffer.get() + ySize, buffer.get() + ySize + uvSize, w, strideUv};
  if (auto s = detail::toI420(*src.format, planesOf<Planes>(src), i420, w, h); !s) return s;
  return detail::fromI420(*dst.format, i420, planesOf<MutablePlanes>(dst), w, h);
}

Status viaArgb(const ConstFrame& src, const MutableFrame& dst, int w, int h) {
  auto s = planesOf<Planes>(src);
  s.bytes = src.memPlanes[0].size();
  const auto d = planesOf<MutablePlanes>(dst);
  // Either end already in libyuv's ARGB: one libyuv call, no scratch frame.
  if (detail::isLibyuvArgb(*dst.format)) {
    return detail::toArgb(*src.format, s, d.data[0], d.stride[0], w, h);
  }
  if (detail::isLibyuvArgb(*src.format)) {
    return detail::fromArgb(*dst.format, s.data[0], s.stride[0], d, w, h);
  }
  const int stride = w * 4;
  const auto argb = std::make_unique_for_overwrite<std::uint8_t[]>(
      static_cast<std::size_t>(stride) * static_cast<std::size_t>(h));
  if (auto r = detail::toArgb(*src.format, s, argb.get(), stride, w, h); !r) return r;
  return detail::fromArgb(*dst.format, argb.get(), stride, d, w, h);
}

}  // namespace

Result<ConstFrame> viewPacked(const FormatInfo& format, const Layout& layout,
                              std::span<const std::uint8_t> bytes) {
  return split(format, layout, bytes);
}

Result<MutableFrame> viewPacked(const FormatInfo& format, const Layout& layout,
                                std::span<std::uint8_t> bytes) {
  return split(format, layout, bytes);
}

bool canConvert(const FormatInfo& from, const FormatInfo& to) {
  if (!from.isValid() || !to.isValid()) return false;
  if (sameLayout(from, to)) return true;
  if (detail::hasDirect(from, to)) return true;
  if (detail::hasToI420(from) && detail::hasFromI420(to)) return true;
  return detail::hasToArgb(from) && detail::hasFromArgb(to);
}

Status convertFrame(const ConstFrame& src, const MutableFrame& dst) {
  if (auto s = validate(src); !s) return s;
  if (auto s = validate(dst); !s) return s;
  const FormatInfo& from = *src.format;
  const FormatInfo& to = *dst.format;
  if (src.layout.size != dst.layout.size) {
    return makeError(EINVAL, "cannot convert " + describe(from, src.layout.size) + " to " +
                                 describe(to, dst.layout.size) + ": sizes differ");
  }
  if (!canConvert(from, to)) {
    return makeError(ENOTSUP, "cannot convert " + std::string(from.name) + " to " +
                                  std::string(to.name) + ": libyuv has no routine for " +
                                  std::string(detail::hasToArgb(from) ? to.name : from.name));
  }
  const int w = static_cast<int>(src.layout.size.width);
  const int h = static_cast<int>(src.layout.size.height);
  if (sameLayout(from, to)) return copyPlanes(src, dst);
  if (detail::hasDirect(from, to)) {
    return detail::direct(from, planesOf<Planes>(src), to, planesOf<MutablePlanes>(dst), w, h);
  }
  if (detail::hasToI420(from) && detail::hasFromI420(to)) return viaI420(src, dst, w, h);
  return viaArgb(src, dst, w, h);
}

Result<std::vector<std::uint8_t>> convertPacked(const FormatInfo& from, const FormatInfo& to,
                                                Size size, std::span<const std::uint8_t> in) {
  auto inLayout = computeLayout(from, size);
  if (!inLayout) return inLayout.error();
  auto outLayout = computeLayout(to, size);
  if (!outLayout) return outLayout.error();
  auto src = viewPacked(from, *inLayout, in);
  if (!src) return src.error();
  std::vector<std::uint8_t> out(outLayout->totalSize);
  auto dst = viewPacked(to, *outLayout, std::span<std::uint8_t>(out));
  if (!dst) return dst.error();
  if (auto s = convertFrame(*src, *dst); !s) return s.error();
  return out;
}

}  // namespace vcam::fourcc
