// SPDX-License-Identifier: MIT
// testPatternRenderers(): source::TestPattern behind the FrameRenderer interface.
#include "backend/session/test_pattern_renderer.h"

#include "backend/source/test_pattern.h"

namespace vcam::session {
namespace {

class TestPatternRenderer final : public FrameRenderer {
 public:
  explicit TestPatternRenderer(source::TestPattern pattern) : pattern_(std::move(pattern)) {}
  Result<RenderedFrame> render(std::uint32_t sequence,
                               std::span<const std::span<std::byte>> planes) override {
    Result<std::size_t> used = pattern_.render(sequence, planes);
    if (!used) return used.error();
    // At most a buffer's size, which is 32-bit; drawn in place, so nothing copied.
    return RenderedFrame{static_cast<std::uint32_t>(*used), 0};
  }

 private:
  source::TestPattern pattern_;
};

}  // namespace

RendererFactory testPatternRenderers() {
  return [](const fourcc::FormatInfo& format,
            const fourcc::Layout& layout) -> Result<std::unique_ptr<FrameRenderer>> {
    Result<source::TestPattern> pattern = source::TestPattern::create(format, layout);
    if (!pattern) return pattern.error();
    return std::unique_ptr<FrameRenderer>(new TestPatternRenderer(std::move(pattern).value()));
  };
}

}  // namespace vcam::session
