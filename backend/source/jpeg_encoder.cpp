// SPDX-License-Identifier: MIT
// JpegEncoder over TurboJPEG's tjCompressFromYUVPlanes().
#include "backend/source/jpeg_encoder.h"

#include <string>

#include <turbojpeg.h>

#include "vcamera/common/checked.h"
#include "vcamera/fourcc/format_info.h"

namespace vcam::source {
namespace {

constexpr int kSubsampling = TJSAMP_420;
constexpr int kFlags = TJFLAG_ACCURATEDCT | TJFLAG_NOREALLOC;
constexpr std::uint32_t kStrideAlign = 16;  // aligned rows for vector loads

}  // namespace

void JpegEncoder::Destroy::operator()(void* handle) const { tjDestroy(handle); }

Result<JpegEncoder> JpegEncoder::create(fourcc::Size size) {
  if (size.width == 0 || size.height == 0 || size.width > fourcc::kMaxDimension ||
      size.height > fourcc::kMaxDimension) {
    return makeError(EINVAL, "JPEG: size must be 1.." + std::to_string(fourcc::kMaxDimension));
  }
  JpegEncoder e;
  e.handle_.reset(tjInitCompress());
  if (!e.handle_) return makeError(ENOMEM, "JPEG: TurboJPEG failed to start");
  auto layout = fourcc::computeLayout(fourcc::fromName("YUV420M"), size, kStrideAlign);
  if (!layout) return layout.error();
  const int w = static_cast<int>(size.width);
  const int h = static_cast<int>(size.height);
  for (std::size_t i = 0; i < 3; ++i) {
    const int id = static_cast<int>(i);
    auto& plane = layout->colorPlanes[i];
    const int width = tjPlaneWidth(id, w, kSubsampling);
    const int lines = tjPlaneHeight(id, h, kSubsampling);
    if (width <= 0 || lines <= 0) return makeError(EINVAL, "JPEG: bad plane size");
    const auto stride =
        checkedAlignUp<std::uint32_t>(static_cast<std::uint32_t>(width), kStrideAlign);
    const auto bytes = checkedMul<std::uint32_t>(*stride, static_cast<std::uint32_t>(lines));
    if (!bytes) return makeError(EOVERFLOW, "JPEG: a plane would not fit in 32 bits");
    plane.stride = *stride;  // width <= 65536, so aligning cannot overflow
    plane.lines = static_cast<std::uint32_t>(lines);
    plane.size = *bytes;
    layout->memPlanes[i].sizeImage = plane.size;
    layout->memPlanes[i].bytesPerLine = plane.stride;
    e.planes_[i].assign(plane.size, 0);
  }
  layout->totalSize = std::uint64_t{layout->memPlanes[0].sizeImage} +
                      layout->memPlanes[1].sizeImage + layout->memPlanes[2].sizeImage;
  e.layout_ = *layout;
  const unsigned long bound = tjBufSize(w, h, kSubsampling);
  if (bound == static_cast<unsigned long>(-1)) return makeError(EINVAL, "JPEG: size too large");
  e.jpeg_.resize(bound);
  return e;
}

std::array<std::span<std::byte>, 3> JpegEncoder::planes() {
  return {std::as_writable_bytes(std::span(planes_[0])),
          std::as_writable_bytes(std::span(planes_[1])),
          std::as_writable_bytes(std::span(planes_[2]))};
}

Result<std::span<const std::byte>> JpegEncoder::encode() {
  // TurboJPEG takes a mutable array of pointers to const planes.
  std::array<const unsigned char*, 3> src{planes_[0].data(), planes_[1].data(), planes_[2].data()};
  const std::array<int, 3> strides{static_cast<int>(layout_.colorPlanes[0].stride),
                                   static_cast<int>(layout_.colorPlanes[1].stride),
                                   static_cast<int>(layout_.colorPlanes[2].stride)};
  unsigned char* out = jpeg_.data();
  unsigned long size = jpeg_.size();
  if (tjCompressFromYUVPlanes(handle_.get(), src.data(), static_cast<int>(layout_.size.width),
                              strides.data(), static_cast<int>(layout_.size.height), kSubsampling,
                              &out, &size, kJpegQuality, kFlags) != 0) {
    return makeError(EIO, std::string("JPEG: ") + tjGetErrorStr2(handle_.get()));
  }
  if (out != jpeg_.data() || size > jpeg_.size()) {
    return makeError(EIO, "JPEG: TurboJPEG left its buffer");
  }
  return std::as_bytes(std::span(jpeg_.data(), size));
}

}  // namespace vcam::source
