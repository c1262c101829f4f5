// SPDX-License-Identifier: MIT
// describeLayout(): libcamera's stride and plane offsets as a fourcc::Layout.
#include "backend/source/libcamera/frame_layout.h"

#include <limits>
#include <string>

namespace vcam::source::lc {
namespace {

constexpr std::uint64_t kU32Max = std::numeric_limits<std::uint32_t>::max();

std::string what(const fourcc::FormatInfo& format, fourcc::Size size) {
  return std::string(format.name) + " " + std::to_string(size.width) + "x" +
         std::to_string(size.height);
}

}  // namespace

Result<fourcc::Layout> describeLayout(const fourcc::FormatInfo& format, fourcc::Size size,
                                      std::uint32_t stride, std::span<const BufferPlane> planes) {
  if (!format.isValid()) return makeError(EINVAL, "invalid format");
  if (format.memPlanes != 1) {
    return makeError(ENOTSUP, std::string(format.name) + " is a multi-buffer format");
  }
  Result<fourcc::Layout> base = fourcc::computeLayout(format, size, 1);
  if (!base) return base.error();
  fourcc::Layout layout = *base;
  if (planes.size() != 1 && planes.size() != format.colorPlanes) {
    return makeError(EINVAL, what(format, size) + ": " + std::to_string(planes.size()) +
                                 " buffer planes for " + std::to_string(format.colorPlanes) +
                                 " colour planes");
  }
  if (format.isCompressed()) {
    if (planes[0].length == 0) return makeError(EINVAL, what(format, size) + ": empty buffer");
    layout.memPlanes[0].sizeImage = planes[0].length;
    layout.colorPlanes[0].size = planes[0].length;
    layout.totalSize = planes[0].length;
    return layout;
  }

  const std::uint64_t firstStride = base->colorPlanes[0].stride;
  if (stride < firstStride) {
    return makeError(EINVAL, what(format, size) + ": stride " + std::to_string(stride) +
                                 " is shorter than a line (" + std::to_string(firstStride) + ")");
  }
  const bool perPlane = planes.size() == format.colorPlanes && format.colorPlanes > 1;
  std::uint64_t end = 0;  // relative to planes[0].offset
  for (std::size_t i = 0; i < format.colorPlanes; ++i) {
    const std::uint64_t scaled = std::uint64_t{stride} * base->colorPlanes[i].stride;
    if (scaled % firstStride != 0) {
      return makeError(EINVAL, what(format, size) + ": stride " + std::to_string(stride) +
                                   " gives colour plane " + std::to_string(i) + " no whole stride");
    }
    const std::uint64_t planeStride = scaled / firstStride;
    const std::uint64_t bytes = planeStride * base->colorPlanes[i].lines;
    std::uint64_t offset = end;
    std::uint64_t room = 0;  // bytes from `offset` its BufferPlane holds
    if (perPlane) {
      const BufferPlane& plane = planes[i];
      if (plane.fd != planes[0].fd || plane.offset < planes[0].offset) {
        return makeError(EINVAL, what(format, size) + ": colour plane " + std::to_string(i) +
                                     " is not after plane 0 in the same buffer");
      }
      offset = std::uint64_t{plane.offset} - planes[0].offset;
      if (offset < end) {
        return makeError(EINVAL, what(format, size) + ": colour plane " + std::to_string(i) +
                                     " overlaps the one before");
      }
      room = plane.length;
    } else {
      room = planes[0].length >= offset ? planes[0].length - offset : 0;
    }
    if (planeStride > kU32Max || bytes > kU32Max || offset > kU32Max) {
      return makeError(EOVERFLOW, what(format, size) + ": too large");
    }
    if (bytes > room) {
      return makeError(EINVAL, what(format, size) + ": colour plane " + std::to_string(i) +
                                   " needs " + std::to_string(bytes) + " bytes, the buffer has " +
                                   std::to_string(room));
    }
    layout.colorPlanes[i] = {0, static_cast<std::uint32_t>(offset),
                             static_cast<std::uint32_t>(planeStride), base->colorPlanes[i].lines,
                             static_cast<std::uint32_t>(bytes)};
    end = offset + bytes;
  }
  if (end > kU32Max) return makeError(EOVERFLOW, what(format, size) + ": too large");
  layout.strideAlign = 1;
  layout.memPlanes[0] = {stride, static_cast<std::uint32_t>(end)};
  layout.totalSize = end;
  return layout;
}

}  // namespace vcam::source::lc
