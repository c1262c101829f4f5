// SPDX-License-Identifier: MIT
// What the shared-memory fuzz targets have in common: a page another domain scribbles on,
// read and written a 32-bit word at a time, and a check that crashes the fuzzer when it fails.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "backend/xen/transport.h"

namespace vcam::xen::fuzz {

/// libFuzzer reports an abort as a finding, with the input that caused it.
inline void require(bool condition) {
  if (!condition) std::abort();
}

/// One page of shared memory, as both ends see it.
struct alignas(kPageSize) SharedPage {
  std::array<std::byte, kPageSize> bytes{};
  [[nodiscard]] std::uint32_t word(std::size_t at) const {
    std::uint32_t v = 0;
    std::memcpy(&v, bytes.data() + at, sizeof v);
    return v;
  }
  void setWord(std::size_t at, std::uint32_t v) { std::memcpy(bytes.data() + at, &v, sizeof v); }
};

}  // namespace vcam::xen::fuzz
