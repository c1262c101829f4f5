// SPDX-License-Identifier: MIT
// Pieces the frame benchmarks share: a frame's memory planes with their pages present, and
// a fatal-error exit for set-up failures (a benchmark has nobody to return an error to).
#pragma once

#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <string>
#include <vector>

#include <vcamera/fourcc/layout.h>

namespace vcam::bench {

[[noreturn]] inline void die(const char* program, const char* what, const std::string& message) {
  std::fprintf(stderr, "%s: %s: %s\n", program, what, message.c_str());
  std::abort();
}

/// One frame's memory planes, written once so the pages are present before timing.
struct FrameBuffers {
  explicit FrameBuffers(const fourcc::Layout& layout) {
    for (std::size_t m = 0; m < layout.numMemPlanes; ++m) {
      bytes.emplace_back(layout.memPlanes[m].sizeImage, std::byte{1});
    }
    for (auto& b : bytes) spans.emplace_back(b);
  }
  std::vector<std::vector<std::byte>> bytes;
  std::vector<std::span<std::byte>> spans;
};

}  // namespace vcam::bench
