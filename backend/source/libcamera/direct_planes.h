// SPDX-License-Identifier: MIT
// Zero-copy buffer rules: libcamera FrameBuffer planes from a caller's dma-buf, and the checks
// a camera's own dma-buf passes before it is handed out for granting. Pure: no camera needed.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include <vcamera/common/result.h>
#include <vcamera/fourcc/format_info.h>
#include <vcamera/fourcc/layout.h>

#include "backend/source/libcamera/frame_layout.h"

namespace vcam::source::lc {

/// `layout` (describeLayout()'s, colour planes following each other) with its memory plane's
/// sizeImage raised to `frameSize` when that is larger: libcamera's StreamConfiguration::
/// frameSize is the V4L2 sizeimage, which the kernel requires every queued buffer to hold.
[[nodiscard]] fourcc::Layout withFrameSize(const fourcc::Layout& layout, std::uint32_t frameSize);

/// The FrameBuffer planes (one per colour plane, as libcamera's own buffers have them) for a
/// caller's buffer of `format` laid out as `layout` (one memory plane), given as `memPlanes`
/// (one range of one dma-buf, `dmaBufSize` bytes long). The rules come from libcamera 0.0.3
/// and V4L2:
///  - exactly one memory plane, at offset 0: V4L2 has no data offset for DMABUF captures, so
///    the device writes from the start of the dma-buf whatever a FrameBuffer says;
///  - its length holds layout's sizeImage, and the range lies inside the dma-buf;
///  - the colour planes follow each other (libcamera refuses to queue a FrameBuffer with more
///    planes than the V4L2 format has unless each starts where the one before ends).
/// The planes keep memPlanes[0].fd. EINVAL when a rule is broken, ENOTSUP for a layout with
/// more than one memory plane.
[[nodiscard]] Result<std::vector<BufferPlane>> importedPlanes(
    const fourcc::FormatInfo& format, const fourcc::Layout& layout,
    std::span<const BufferPlane> memPlanes, std::uint64_t dmaBufSize);

/// A camera buffer as it can be granted whole: its dma-buf's size and where each memory plane
/// starts in it.
struct OwnedBufferShape {
  std::uint64_t size = 0;
  std::array<std::uint32_t, 4> planeOffset{};
};

/// Checks a buffer the camera allocated (its FrameBuffer's `planes`, `dmaBufSize` from lseek)
/// for the zero-copy be-alloc path, where the whole dma-buf is granted to a guest
/// (IMP_TO_REFS) that reads it with `layout`:
///  - all planes in one dma-buf (ENOTSUP otherwise: a multi-planar V4L2 device exports one
///    dma-buf per plane, and a cameraif buffer is one grant list);
///  - the dma-buf a whole number of `pageSize` pages (ENOTSUP: IMP_TO_REFS refuses others);
///  - the planes laid out as `layout` says (strides, colour planes following each other), and
///    layout's sizeImage inside the dma-buf from plane 0 (EINVAL).
[[nodiscard]] Result<OwnedBufferShape> ownedBufferShape(const fourcc::FormatInfo& format,
                                                        const fourcc::Layout& layout,
                                                        std::span<const BufferPlane> planes,
                                                        std::uint64_t dmaBufSize,
                                                        std::uint64_t pageSize);

}  // namespace vcam::source::lc
