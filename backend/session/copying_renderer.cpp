// SPDX-License-Identifier: MIT
// copyingRenderers(): one capture per sequence into the source's buffer, a copy per guest.
#include "backend/session/copying_renderer.h"

#include <array>
#include <optional>
#include <vector>

namespace vcam::session {
namespace {

class CopyingRenderer final : public FrameRenderer {
 public:
  CopyingRenderer(const fourcc::FormatInfo& format, const fourcc::Layout& guestLayout,
                  const fourcc::Layout& ownLayout, std::unique_ptr<FrameRenderer> source)
      : format_(format),
        guestLayout_(guestLayout),
        ownLayout_(ownLayout),
        source_(std::move(source)) {
    for (std::uint32_t i = 0; i < ownLayout_.numMemPlanes; ++i) {
      own_[i].resize(ownLayout_.memPlanes[i].sizeImage);
    }
  }

  Result<RenderedFrame> render(std::uint32_t sequence,
                               std::span<const std::span<std::byte>> planes) override {
    if (captured_ != sequence) {
      captured_.reset();
      std::array<std::span<std::byte>, 4> ownPlanes{};
      for (std::uint32_t i = 0; i < ownLayout_.numMemPlanes; ++i) ownPlanes[i] = own_[i];
      Result<RenderedFrame> made = source_->render(
          sequence,
          std::span<const std::span<std::byte>>(ownPlanes.data(), ownLayout_.numMemPlanes));
      if (!made) return made.error();
      used_ = made->bytesUsed;
      captured_ = sequence;
    }
    fourcc::ConstFrame from{&format_, ownLayout_, {}};
    for (std::uint32_t i = 0; i < ownLayout_.numMemPlanes; ++i) {
      from.memPlanes[i] = {reinterpret_cast<const std::uint8_t*>(own_[i].data()), own_[i].size()};
    }
    // A compressed frame is as long as the source made it.
    if (format_.isCompressed()) from.memPlanes[0] = from.memPlanes[0].first(used_);
    return copyFrameInto(from, format_, guestLayout_, planes);
  }

 private:
  const fourcc::FormatInfo& format_;
  fourcc::Layout guestLayout_;
  fourcc::Layout ownLayout_;
  std::unique_ptr<FrameRenderer> source_;
  std::array<std::vector<std::byte>, 4> own_;
  std::optional<std::uint32_t> captured_;  ///< the sequence own_ holds
  std::uint32_t used_ = 0;
};

}  // namespace

Result<RenderedFrame> copyFrameInto(const fourcc::ConstFrame& frame,
                                    const fourcc::FormatInfo& format, const fourcc::Layout& layout,
                                    std::span<const std::span<std::byte>> planes) {
  if (planes.size() != layout.numMemPlanes) {
    return makeError(EINVAL, "a guest buffer of " + std::to_string(planes.size()) +
                                 " planes for a format of " + std::to_string(layout.numMemPlanes));
  }
  fourcc::MutableFrame to{&format, layout, {}};
  for (std::size_t i = 0; i < planes.size(); ++i) {
    to.memPlanes[i] = {reinterpret_cast<std::uint8_t*>(planes[i].data()), planes[i].size()};
  }
  if (Status copied = fourcc::convertFrame(frame, to); !copied) return copied.error();
  if (format.isCompressed()) {
    // Only a compressed frame of the same format passes through (convertFrame refuses others).
    const auto used = static_cast<std::uint32_t>(frame.memPlanes[0].size());
    return RenderedFrame{used, used};
  }
  // Lines times the bytes of each line both sides hold (a conversion writes whole lines).
  const bool same = frame.format == &format;
  std::uint64_t copied = 0;
  for (std::uint32_t i = 0; i < layout.numColorPlanes; ++i) {
    const fourcc::ColorPlaneLayout& guest = layout.colorPlanes[i];
    const std::uint32_t line =
        same ? std::min(guest.stride, frame.layout.colorPlanes[i].stride) : guest.stride;
    copied += std::uint64_t{line} * guest.lines;
  }
  // A buffer's size fits in 32 bits (BUF_GET_LAYOUT says so).
  return RenderedFrame{static_cast<std::uint32_t>(layout.totalSize), copied};
}

RendererFactory copyingRenderers(RendererFactory source, std::uint32_t strideAlign) {
  return [source = std::move(source), strideAlign](
             const fourcc::FormatInfo& format,
             const fourcc::Layout& layout) -> Result<std::unique_ptr<FrameRenderer>> {
    Result<fourcc::Layout> own = fourcc::computeLayout(format, layout.size, strideAlign);
    if (!own) return own.error();
    Result<std::unique_ptr<FrameRenderer>> inner = source(format, *own);
    if (!inner) return inner.error();
    return std::unique_ptr<FrameRenderer>(
        new CopyingRenderer(format, layout, *own, std::move(inner).value()));
  };
}

}  // namespace vcam::session
