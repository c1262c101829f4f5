// SPDX-License-Identifier: MIT
// TestPattern: a Scene, a FrameWriter for the format (or for JPEG's planes) and the encoder.
#include "backend/source/test_pattern.h"

#include <algorithm>
#include <cstring>
#include <string>

namespace vcam::source {

bool TestPattern::supports(const fourcc::FormatInfo& format) {
  if (!format.isValid()) return false;
  return format.isCompressed() || findPackingSpec(format) != nullptr;
}

Result<TestPattern> TestPattern::create(const fourcc::FormatInfo& format,
                                        const fourcc::Layout& layout) {
  if (!supports(format)) {
    return makeError(ENOTSUP, "the test pattern cannot produce " +
                                  std::string(format.isValid() ? format.name : "invalid format"));
  }
  if (!format.isCompressed()) {
    auto writer = FrameWriter::create(format, layout, rangeOf(format));
    if (!writer) return writer.error();
    return TestPattern(format, layout, std::move(*writer), nullptr);
  }
  if (layout.numMemPlanes != 1 || layout.memPlanes[0].sizeImage == 0) {
    return makeError(EINVAL,
                     "test pattern: " + std::string(format.name) + " needs one buffer with a size");
  }
  auto encoder = JpegEncoder::create(layout.size);
  if (!encoder) return encoder.error();
  auto jpeg = std::make_unique<JpegEncoder>(std::move(*encoder));
  auto writer = FrameWriter::create(fourcc::fromName("YUV420M"), jpeg->layout(), Range::kFull);
  if (!writer) return writer.error();
  return TestPattern(format, layout, std::move(*writer), std::move(jpeg));
}

TestPattern::TestPattern(const fourcc::FormatInfo& format, const fourcc::Layout& layout,
                         FrameWriter writer, std::unique_ptr<JpegEncoder> jpeg)
    : format_(&format),
      layout_(layout),
      scene_(layout.size),
      writer_(std::move(writer)),
      jpeg_(std::move(jpeg)) {}

Result<std::size_t> TestPattern::render(std::uint32_t sequence,
                                        std::span<const std::span<std::byte>> planes) {
  scene_.setSequence(sequence);
  if (jpeg_) return renderJpeg(planes);
  if (auto s = writer_.write(scene_, planes); !s) return s.error();
  return static_cast<std::size_t>(writer_.usedBytes());
}

Result<std::size_t> TestPattern::renderJpeg(std::span<const std::span<std::byte>> planes) {
  if (planes.size() != 1) {
    return makeError(EINVAL, "test pattern: " + std::to_string(planes.size()) + " buffers given, " +
                                 std::string(format_->name) + " has 1");
  }
  const auto own = jpeg_->planes();
  if (auto s = writer_.write(scene_, own); !s) return s.error();
  auto jpeg = jpeg_->encode();
  if (!jpeg) return jpeg.error();
  const std::size_t room = std::min<std::size_t>(planes[0].size(), layout_.memPlanes[0].sizeImage);
  if (jpeg->size() > room) {
    return makeError(ENOSPC, "test pattern: a " + std::to_string(jpeg->size()) +
                                 "-byte JPEG does not fit a " + std::to_string(room) +
                                 "-byte buffer");
  }
  std::memcpy(planes[0].data(), jpeg->data(), jpeg->size());
  return jpeg->size();
}

}  // namespace vcam::source
