// SPDX-License-Identifier: MIT
// A page-aligned 4096-byte buffer standing in for a granted page, for the ring tests.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>

#include "backend/xen/transport.h"

namespace vcam::xen::testing {

/// Shared memory is shared memory: both ends of a ring get the same bytes, as two domains
/// mapping one granted page do.
struct alignas(kPageSize) SharedPage {
  std::array<std::byte, kPageSize> bytes{};

  [[nodiscard]] std::span<std::byte> span() { return bytes; }

  /// The 32-bit field at `offset` (an index of the ring header), as the other side sees it.
  [[nodiscard]] std::uint32_t word(std::size_t offset) const {
    std::uint32_t value = 0;
    std::memcpy(&value, bytes.data() + offset, sizeof value);
    return value;
  }
  /// What a hostile (or just simulated) other side writes.
  void setWord(std::size_t offset, std::uint32_t value) {
    std::memcpy(bytes.data() + offset, &value, sizeof value);
  }
};

[[nodiscard]] inline std::unique_ptr<SharedPage> makePage() {
  return std::make_unique<SharedPage>();
}

}  // namespace vcam::xen::testing
