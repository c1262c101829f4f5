// SPDX-License-Identifier: MIT
// The fourcc::Layout of a libcamera stream's frames, from its stride and its buffers' planes.
#pragma once

#include <cstdint>
#include <span>

#include <vcamera/common/result.h>
#include <vcamera/fourcc/format_info.h>
#include <vcamera/fourcc/layout.h>

namespace vcam::source::lc {

/// One libcamera FrameBuffer::Plane: which dma-buf (any id that is equal for the same
/// buffer; the fd), and the bytes of it the plane may use.
struct BufferPlane {
  int fd = -1;
  std::uint32_t offset = 0;
  std::uint32_t length = 0;
};

/// Describes a frame of `format` (a single-buffer table entry: formats the camera is offered
/// as always are) and `size` as libcamera lays it out: the first colour plane's lines are
/// `stride` bytes apart, each further plane's stride scaled as its line size is to the first's
/// (NV12's CbCr: `stride`; YUV420's Cb and Cr: `stride` / 2), as libcamera's PixelFormatInfo
/// does. `planes` are the buffer's planes:
///  - one per colour plane (libcamera's FrameBuffers): all in the same dma-buf at increasing,
///    non-overlapping offsets; the layout's colour-plane offsets are relative to plane 0;
///  - or one for the whole frame (a stream configuration's frameSize before buffers exist):
///    colour planes follow each other.
/// Every colour plane must fit in its BufferPlane. The one memory plane starts at plane 0's
/// offset; its sizeImage ends where the last colour plane ends (for compressed formats: plane
/// 0's length). strideAlign is reported as 1 (strides are libcamera's, not aligned ones).
/// Errors: EINVAL for anything that does not fit these rules, ENOTSUP for multi-buffer
/// formats, EOVERFLOW when a size does not fit in 32 bits.
[[nodiscard]] Result<fourcc::Layout> describeLayout(const fourcc::FormatInfo& format,
                                                    fourcc::Size size, std::uint32_t stride,
                                                    std::span<const BufferPlane> planes);

}  // namespace vcam::source::lc
