// SPDX-License-Identifier: MIT
// Result<T> and Status: a value or an Error (positive errno plus a message), never an exception.
#pragma once

#include <cerrno>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace vcam {

/// What went wrong: a positive errno value for code paths and a sentence for people.
struct Error {
  int code = EINVAL;
  std::string message;
};

[[nodiscard]] inline Error makeError(int code, std::string message) {
  return Error{code, std::move(message)};
}

/// `error` with "<context>: " in front of its message; the code stays what it was.
[[nodiscard]] inline Error withContext(std::string_view context, const Error& error) {
  return Error{error.code, std::string(context) + ": " + error.message};
}

namespace detail {
// Reading the value of a failed Result is a programmer bug, not a runtime condition.
[[noreturn]] inline void badResultAccess() { std::abort(); }
}  // namespace detail

/// Either a T or an Error. Construction from either is implicit so `return value;` and
/// `return makeError(...)` both read naturally.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::in_place_index<0>, std::move(value)) {}      // NOLINT(implicit)
  Result(Error error) : state_(std::in_place_index<1>, std::move(error)) {}  // NOLINT(implicit)

  [[nodiscard]] bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }

  [[nodiscard]] T& value() & { return checked(); }
  [[nodiscard]] const T& value() const& { return const_cast<Result*>(this)->checked(); }
  [[nodiscard]] T&& value() && { return std::move(checked()); }
  T* operator->() { return &checked(); }
  const T* operator->() const { return &const_cast<Result*>(this)->checked(); }
  T& operator*() & { return checked(); }
  const T& operator*() const& { return const_cast<Result*>(this)->checked(); }

  [[nodiscard]] const Error& error() const {
    if (ok()) detail::badResultAccess();
    return std::get<1>(state_);
  }

 private:
  T& checked() {
    if (!ok()) detail::badResultAccess();
    return std::get<0>(state_);
  }
  std::variant<T, Error> state_;
};

/// Success or an Error, for operations with nothing to return.
template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)) {}  // NOLINT(implicit)

  [[nodiscard]] bool ok() const { return !error_.has_value(); }
  explicit operator bool() const { return ok(); }
  [[nodiscard]] const Error& error() const {
    if (ok()) detail::badResultAccess();
    return *error_;
  }

 private:
  std::optional<Error> error_;
};

using Status = Result<void>;

}  // namespace vcam
