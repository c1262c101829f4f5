// SPDX-License-Identifier: MIT
// checkFrames(): read a frame, read its number, render that frame, compare.
#include "tools/vcamera-pattern-check/pattern_check.h"

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include <vcamera/common/fourcc_code.h>
#include <vcamera/fourcc/convert.h>

#include "backend/source/frame_number_reader.h"
#include "backend/source/test_pattern.h"

namespace vcam::check {

Result<FrameFormat> parseFrameFormat(std::string_view text) {
  const std::size_t colon = text.find(':');
  if (colon == std::string_view::npos) {
    return makeError(EINVAL, "want FOURCC:WxH, e.g. YUYV:640x480");
  }
  const std::string_view name = text.substr(0, colon);
  const fourcc::FormatInfo* format = &fourcc::fromName(name);
  if (!format->isValid()) {
    Result<std::uint32_t> code = parseFourcc(name);
    if (!code) return code.error();
    format = &fourcc::fromV4l2(*code);
  }
  if (!format->isValid()) return makeError(EINVAL, "no format " + std::string(name));
  if (format->isCompressed()) {
    return makeError(EINVAL, std::string(format->name) +
                                 " frames have no fixed size in a raw stream: not checkable");
  }
  Result<fourcc::Size> size = fourcc::parseSize(text.substr(colon + 1));
  if (!size) return size.error();
  Result<fourcc::Layout> layout = fourcc::computeLayout(*format, *size);
  if (!layout) return layout.error();
  return FrameFormat{format, *layout};
}

Result<CheckReport> checkFrames(const FrameFormat& format, std::FILE* input) {
  Result<source::TestPattern> pattern = source::TestPattern::create(*format.format, format.layout);
  if (!pattern) return pattern.error();
  const std::size_t frameSize = format.layout.totalSize;
  std::vector<std::uint8_t> frame(frameSize);
  std::vector<std::byte> expected(frameSize);
  std::vector<std::span<std::byte>> planes;
  std::size_t offset = 0;
  for (std::uint32_t i = 0; i < format.layout.numMemPlanes; ++i) {
    planes.push_back(
        std::span<std::byte>(expected).subspan(offset, format.layout.memPlanes[i].sizeImage));
    offset += format.layout.memPlanes[i].sizeImage;
  }
  CheckReport report;
  for (;;) {
    const std::size_t got = std::fread(frame.data(), 1, frameSize, input);
    if (got < frameSize) {
      if (std::ferror(input) != 0) return makeError(EIO, "reading the frames failed");
      report.trailingBytes = got;
      return report;
    }
    ++report.frames;
    Result<fourcc::ConstFrame> view =
        fourcc::viewPacked(*format.format, format.layout, std::span<const std::uint8_t>(frame));
    if (!view) return view.error();
    Result<std::uint32_t> number = source::readFrameNumber(*view);
    if (!number) {
      ++report.unreadable;
      continue;
    }
    if (report.lastSequence && *number != *report.lastSequence + 1) ++report.gaps;
    if (!report.firstSequence) report.firstSequence = *number;
    report.lastSequence = *number;
    Result<std::size_t> rendered = pattern->render(*number, planes);
    if (!rendered) return rendered.error();
    if (std::memcmp(expected.data(), frame.data(), frameSize) == 0) {
      ++report.matched;
    } else {
      ++report.mismatched;
    }
  }
}

}  // namespace vcam::check
