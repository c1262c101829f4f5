// SPDX-License-Identifier: MIT
// The copy path: frames a source makes in buffers of its own, copied into each guest buffer.
#pragma once

#include <cstdint>

#include "backend/session/camera_driver.h"

namespace vcam::session {

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
