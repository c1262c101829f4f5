// SPDX-License-Identifier: MIT
// Overflow-checked integer arithmetic for sizes and offsets that come from outside.
#pragma once

#include <concepts>
#include <optional>

namespace vcam {

template <std::unsigned_integral T>
[[nodiscard]] constexpr std::optional<T> checkedAdd(T a, T b) {
  T out{};
  if (__builtin_add_overflow(a, b, &out)) return std::nullopt;
  return out;
}

template <std::unsigned_integral T>
[[nodiscard]] constexpr std::optional<T> checkedMul(T a, T b) {
  T out{};
  if (__builtin_mul_overflow(a, b, &out)) return std::nullopt;
  return out;
}

/// ceil(a / b) without the overflow of (a + b - 1) / b; b must be non-zero.
template <std::unsigned_integral T>
[[nodiscard]] constexpr T divRoundUp(T a, T b) {
  return static_cast<T>(a / b + (a % b != 0 ? 1 : 0));
}

/// a rounded up to a multiple of `align` (any non-zero value), or nullopt on overflow.
template <std::unsigned_integral T>
[[nodiscard]] constexpr std::optional<T> checkedAlignUp(T a, T align) {
  if (align == 0) return std::nullopt;
  T rem = static_cast<T>(a % align);
  if (rem == 0) return a;
  return checkedAdd<T>(a, static_cast<T>(align - rem));
}

}  // namespace vcam
