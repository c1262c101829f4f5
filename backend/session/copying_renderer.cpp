// SPDX-License-Identifier: MIT
// copyingRenderers(): one capture per sequence into the source's buffer, a copy per guest.
#include "backend/session/copying_renderer.h"

#include <array>
#include <optional>
#include <vector>

#include <vcamera/fourcc/convert.h>

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
    if (planes.size() != guestLayout_.numMemPlanes) {
      return makeError(EINVAL, "a guest buffer of " + std::to_string(planes.size()) +
                                   " planes for a format of " +
                                   std::to_string(guestLayout_.numMemPlanes));
    }
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
    fourcc::MutableFrame to{&format_, guestLayout_, {}};
    for (std::uint32_t i = 0; i < ownLayout_.numMemPlanes; ++i) {
      from.memPlanes[i] = {reinterpret_cast<const std::uint8_t*>(own_[i].data()), own_[i].size()};
      to.memPlanes[i] = {reinterpret_cast<std::uint8_t*>(planes[i].data()), planes[i].size()};
    }
    // A compressed frame is as long as the source made it.
    if (format_.isCompressed()) from.memPlanes[0] = from.memPlanes[0].first(used_);
    if (Status copied = fourcc::convertFrame(from, to); !copied) return copied.error();
    return RenderedFrame{format_.isCompressed() ? used_ : guestBytes(), copiedBytes()};
  }

 private:
  // What the guest's layout holds, which is what a frame reports as used.
  [[nodiscard]] std::uint32_t guestBytes() const {
    return static_cast<std::uint32_t>(guestLayout_.totalSize);  // a buffer's size: 32-bit
  }
  // Lines times the bytes of each line both sides hold; a JPEG is copied whole.
  [[nodiscard]] std::uint64_t copiedBytes() const {
    if (format_.isCompressed()) return used_;
    std::uint64_t bytes = 0;
    for (std::uint32_t i = 0; i < guestLayout_.numColorPlanes; ++i) {
      const fourcc::ColorPlaneLayout& guest = guestLayout_.colorPlanes[i];
      const fourcc::ColorPlaneLayout& own = ownLayout_.colorPlanes[i];
      bytes += std::uint64_t{std::min(guest.stride, own.stride)} * guest.lines;
    }
    return bytes;
  }

  const fourcc::FormatInfo& format_;
  fourcc::Layout guestLayout_;
  fourcc::Layout ownLayout_;
  std::unique_ptr<FrameRenderer> source_;
  std::array<std::vector<std::byte>, 4> own_;
  std::optional<std::uint32_t> captured_;  ///< the sequence own_ holds
  std::uint32_t used_ = 0;
};

}  // namespace

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
