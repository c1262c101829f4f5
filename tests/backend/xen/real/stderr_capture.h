// SPDX-License-Identifier: MIT
// StderrCapture: points fd 2 at a memfd for a while, to check that a call prints nothing.
#pragma once

#include <sys/mman.h>
#include <unistd.h>

#include <cstdio>
#include <string>

namespace vcam::xen::test {

/// While alive, whatever anyone writes to fd 2 (stdio or raw) lands in a memfd; finish()
/// restores fd 2 and returns the text.
class StderrCapture {
 public:
  StderrCapture() {
    std::fflush(stderr);
    file_ = ::memfd_create("vcam-stderr", MFD_CLOEXEC);
    saved_ = ::dup(STDERR_FILENO);
    if (file_ >= 0 && saved_ >= 0) active_ = ::dup2(file_, STDERR_FILENO) >= 0;
  }
  ~StderrCapture() {
    (void)finish();
    if (file_ >= 0) ::close(file_);
    if (saved_ >= 0) ::close(saved_);
  }
  StderrCapture(const StderrCapture&) = delete;
  StderrCapture& operator=(const StderrCapture&) = delete;

  /// Whether fd 2 really was redirected (a test that relies on it should assert this).
  [[nodiscard]] bool active() const { return active_; }

  /// Restores fd 2 and returns everything written meanwhile.
  std::string finish() {
    if (!active_) return text_;
    std::fflush(stderr);
    ::dup2(saved_, STDERR_FILENO);
    active_ = false;
    char buffer[512];
    off_t offset = 0;
    for (;;) {
      const ssize_t got = ::pread(file_, buffer, sizeof buffer, offset);
      if (got <= 0) break;
      text_.append(buffer, static_cast<std::size_t>(got));
      offset += got;
    }
    return text_;
  }

 private:
  int file_ = -1;
  int saved_ = -1;
  bool active_ = false;
  std::string text_;
};

}  // namespace vcam::xen::test
