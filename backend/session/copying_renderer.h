// SPDX-License-Identifier: MIT
// The copy path: frames a source makes in buffers of its own, copied into each guest buffer.
#pragma once

#include <cstdint>

#include <vcamera/fourcc/convert.h>

#include "backend/session/camera_driver.h"

namespace vcam::session {

/// Copies `frame` (a source's own buffer; a compressed frame's plane as long as the frame) into
/// a guest buffer's `planes`, laid out as `layout` of `format`: plane by plane and line by line
/// with each side's strides, converting when the formats differ (libyuv through
/// fourcc::convertFrame). bytesUsed is what the guest buffer now holds (the layout's size, or
/// the compressed frame's length); bytesCopied what was written into it.
[[nodiscard]] Result<RenderedFrame> copyFrameInto(const fourcc::ConstFrame& frame,
                                                  const fourcc::FormatInfo& format,
                                                  const fourcc::Layout& layout,
                                                  std::span<const std::span<std::byte>> planes);

/// Stride alignment of the buffers copyingRenderers() gives its source: what camera
/// hardware commonly asks for, so the copy really translates strides.
inline constexpr std::uint32_t kSourceStrideAlign = 64;

/// Renderers for a source whose frames land in its own memory (a camera the guest's pages
/// cannot be handed to): `source` renders each sequence once into a buffer laid out with
/// `strideAlign`, and every guest buffer gets a copy, plane by plane and line by line with
/// each side's strides (libyuv). RenderedFrame::bytesCopied reports what each copy moved.
[[nodiscard]] RendererFactory copyingRenderers(RendererFactory source,
                                               std::uint32_t strideAlign = kSourceStrideAlign);

}  // namespace vcam::session
