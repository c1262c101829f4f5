// SPDX-License-Identifier: MIT
// Zero-copy buffer rules: FrameBuffer planes from dma-buf planes, checks on the camera's own.
#include "backend/source/libcamera/direct_planes.h"

#include <string>

namespace vcam::source::lc {
namespace {

std::string describe(const fourcc::FormatInfo& format, const fourcc::Layout& layout) {
  return std::string(format.name) + " " + std::to_string(layout.size.width) + "x" +
         std::to_string(layout.size.height);
}

}  // namespace

fourcc::Layout withFrameSize(const fourcc::Layout& layout, std::uint32_t frameSize) {
  fourcc::Layout raised = layout;
  if (raised.numMemPlanes == 1 && frameSize > raised.memPlanes[0].sizeImage) {
    raised.memPlanes[0].sizeImage = frameSize;
    raised.totalSize = frameSize;
  }
  return raised;
}

Result<std::vector<BufferPlane>> importedPlanes(const fourcc::FormatInfo& format,
                                                const fourcc::Layout& layout,
                                                std::span<const BufferPlane> memPlanes,
                                                std::uint64_t dmaBufSize) {
  if (!format.isValid()) return makeError(EINVAL, "invalid format");
  const std::string what = describe(format, layout);
  if (layout.numMemPlanes != 1 || format.memPlanes != 1) {
    return makeError(ENOTSUP, what + ": only single-buffer formats are captured directly");
  }
  if (memPlanes.size() != 1) {
    return makeError(EINVAL, what + ": " + std::to_string(memPlanes.size()) +
                                 " dma-buf planes for one memory plane");
  }
  const BufferPlane& mem = memPlanes[0];
  if (mem.fd < 0) return makeError(EINVAL, what + ": no dma-buf");
  if (mem.offset != 0) {
    return makeError(EINVAL, what + ": the frame starts " + std::to_string(mem.offset) +
                                 " bytes into its dma-buf; a camera writes from its start");
  }
  const std::uint32_t needed = layout.memPlanes[0].sizeImage;
  if (mem.length < needed) {
    return makeError(EINVAL, what + ": the buffer has " + std::to_string(mem.length) +
                                 " bytes, the camera writes " + std::to_string(needed));
  }
  if (std::uint64_t{mem.offset} + mem.length > dmaBufSize) {
    return makeError(EINVAL, what + ": " + std::to_string(mem.length) +
                                 " bytes do not fit in a dma-buf of " + std::to_string(dmaBufSize));
  }
  if (format.isCompressed()) return std::vector<BufferPlane>{mem};

  if (layout.numColorPlanes != format.colorPlanes || layout.numColorPlanes == 0 ||
      layout.numColorPlanes > layout.colorPlanes.size()) {
    return makeError(EINVAL, what + ": the layout does not match the format's planes");
  }
  std::vector<BufferPlane> planes;
  std::uint64_t end = 0;
  for (std::size_t i = 0; i < layout.numColorPlanes; ++i) {
    const fourcc::ColorPlaneLayout& colour = layout.colorPlanes[i];
    if (colour.memPlane != 0 || colour.offset != end) {
      return makeError(EINVAL, what + ": colour plane " + std::to_string(i) +
                                   " does not start where the one before ends");
    }
    end += colour.size;
    planes.push_back({mem.fd, colour.offset, colour.size});
  }
  if (end > needed) {
    return makeError(EINVAL, what + ": the colour planes end past the memory plane");
  }
  return planes;
}

Result<OwnedBufferShape> ownedBufferShape(const fourcc::FormatInfo& format,
                                          const fourcc::Layout& layout,
                                          std::span<const BufferPlane> planes,
                                          std::uint64_t dmaBufSize, std::uint64_t pageSize) {
  if (!format.isValid()) return makeError(EINVAL, "invalid format");
  const std::string what = describe(format, layout);
  if (planes.empty()) return makeError(EINVAL, what + ": a buffer without planes");
  for (const BufferPlane& plane : planes) {
    if (plane.fd != planes[0].fd) {
      return makeError(ENOTSUP, what +
                                    ": the camera's buffer is several dma-bufs, and a "
                                    "guest's buffer is one");
    }
  }
  if (pageSize == 0 || dmaBufSize == 0 || dmaBufSize % pageSize != 0) {
    return makeError(ENOTSUP, what + ": the camera's dma-buf has " + std::to_string(dmaBufSize) +
                                  " bytes, not a whole number of " + std::to_string(pageSize) +
                                  "-byte pages, so it cannot be granted");
  }
  const std::uint32_t stride = format.isCompressed() ? 0 : layout.colorPlanes[0].stride;
  Result<fourcc::Layout> actual = describeLayout(format, layout.size, stride, planes);
  if (!actual) return withContext(what + ": the camera's buffer", actual.error());
  if (actual->numColorPlanes != layout.numColorPlanes) {
    return makeError(EINVAL, what + ": the camera's buffer has other planes than its layout");
  }
  for (std::size_t i = 0; i < layout.numColorPlanes && !format.isCompressed(); ++i) {
    const fourcc::ColorPlaneLayout& got = actual->colorPlanes[i];
    const fourcc::ColorPlaneLayout& want = layout.colorPlanes[i];
    if (got.offset != want.offset || got.stride != want.stride || got.lines != want.lines) {
      return makeError(EINVAL, what + ": colour plane " + std::to_string(i) +
                                   " of the camera's buffer is not where its layout says");
    }
  }
  for (const BufferPlane& plane : planes) {
    if (std::uint64_t{plane.offset} + plane.length > dmaBufSize) {
      return makeError(EINVAL, what + ": a plane ends past the camera's dma-buf");
    }
  }
  if (std::uint64_t{planes[0].offset} + layout.memPlanes[0].sizeImage > dmaBufSize) {
    return makeError(EINVAL, what + ": a frame of " +
                                 std::to_string(layout.memPlanes[0].sizeImage) +
                                 " bytes does not fit in the camera's dma-buf");
  }
  OwnedBufferShape shape;
  shape.size = dmaBufSize;
  shape.planeOffset[0] = planes[0].offset;
  return shape;
}

}  // namespace vcam::source::lc
