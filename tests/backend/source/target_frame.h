// SPDX-License-Identifier: MIT
// Test helper: a frame's memory planes with guard bytes around each, and a checksum.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "vcamera/fourcc/layout.h"

namespace vcam::source::testing {

/// Memory planes laid out as `layout`, each between two runs of guard bytes, prefilled.
class TargetFrame {
 public:
  static constexpr std::size_t kGuard = 64;
  static constexpr std::byte kGuardByte{0xa5};

  explicit TargetFrame(const fourcc::Layout& layout, std::byte fill = std::byte{0x5a},
                       std::size_t shrinkLast = 0)
      : layout_(layout) {
    for (std::size_t m = 0; m < layout.numMemPlanes; ++m) {
      std::size_t size = layout.memPlanes[m].sizeImage;
      if (m + 1 == layout.numMemPlanes) size -= std::min(size, shrinkLast);
      std::vector<std::byte> bytes(size + 2 * kGuard, fill);
      std::fill_n(bytes.begin(), kGuard, kGuardByte);
      std::fill_n(bytes.end() - kGuard, kGuard, kGuardByte);
      buffers_.push_back(std::move(bytes));
    }
    for (auto& b : buffers_) spans_.emplace_back(b.data() + kGuard, b.size() - 2 * kGuard);
  }

  [[nodiscard]] std::span<const std::span<std::byte>> spans() const { return spans_; }
  [[nodiscard]] std::span<const std::byte> plane(std::size_t m) const { return spans_[m]; }
  [[nodiscard]] const fourcc::Layout& layout() const { return layout_; }

  /// True while no byte outside the spans changed.
  [[nodiscard]] bool guardsIntact() const {
    const auto intact = [](auto first, auto last) {
      return std::all_of(first, last, [](std::byte b) { return b == kGuardByte; });
    };
    return std::all_of(buffers_.begin(), buffers_.end(), [&](const auto& b) {
      return intact(b.begin(), b.begin() + kGuard) && intact(b.end() - kGuard, b.end());
    });
  }

  /// Byte at (line, byte offset) of colour plane `p`.
  [[nodiscard]] std::uint8_t at(std::size_t p, std::size_t line, std::size_t byte) const {
    const auto& c = layout_.colorPlanes[p];
    return std::to_integer<std::uint8_t>(spans_[c.memPlane][c.offset + line * c.stride + byte]);
  }

  /// FNV-1a over the first `used` bytes of the planes in order (all of them by default).
  [[nodiscard]] std::uint64_t checksum(std::size_t used = SIZE_MAX) const {
    std::uint64_t h = 0xcbf29ce484222325ull;
    for (const auto& span : spans_) {
      for (std::byte b : span.first(std::min(used, span.size()))) {
        h = (h ^ std::to_integer<std::uint64_t>(b)) * 0x100000001b3ull;
      }
      used -= std::min(used, span.size());
    }
    return h;
  }

 private:
  fourcc::Layout layout_;
  std::vector<std::vector<std::byte>> buffers_;
  std::vector<std::span<std::byte>> spans_;
};

}  // namespace vcam::source::testing
