// SPDX-License-Identifier: MIT
// A test-pattern camera that behaves like DMA hardware: it fills dma-bufs it is handed.
#pragma once

#include "backend/session/camera_driver.h"

namespace vcam::session {

/// Cameras that tick like clockedCameras() but own their frames the way a capture device
/// does: shared between guests, each frame is drawn once into the camera's own buffer and
/// copied into every guest's; for one guest they offer DirectCapture and draw straight into
/// the dma-bufs they are handed (the guest's pages exported by gntdev, path 1) or into
/// buffers of their own memory lent out for be-alloc (memfds standing in for a dma-buf
/// allocator, path 2). The writing goes through a CPU mapping of the dma-buf, so this stand-in
/// works where dma-bufs can be mmapped (the emulated Xen), not with real gntdev exports.
/// `renderers` draws a frame into planes (testPatternRenderers()).
[[nodiscard]] DriverFactory dmaTestCameras(RendererFactory renderers);

}  // namespace vcam::session
