// SPDX-License-Identifier: MIT
// What the libxen* implementations share: XenLog (a xentoollog logger that keeps the
// libraries' messages for our error text), error formatting, and the grant page limits.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include <vcamera/common/result.h>

#include "backend/xen/transport.h"

struct xentoollog_logger;

namespace vcam::xen {

/// A xentoollog logger of our own. libxenevtchn and libxengnttab log through the logger they
/// were opened with, and without one they create a stdio logger that prints to stderr. We
/// hand them this one instead: it collects the messages (bounded) so the call that failed
/// can put them into its Error, and prints nothing. Not copyable or movable: the library
/// keeps its address for the lifetime of the handle.
class XenLog {
 public:
  /// How much text is kept between two take() calls; the rest is dropped.
  static constexpr std::size_t kMaxText = 1024;

  XenLog();
  ~XenLog();
  XenLog(const XenLog&) = delete;
  XenLog& operator=(const XenLog&) = delete;

  /// What to pass to xen*_open().
  [[nodiscard]] xentoollog_logger* logger();
  /// The messages collected since the last take(), "; "-separated, and forgets them.
  [[nodiscard]] std::string take();
  /// Forgets what was collected (call before a library call whose messages we want).
  void clear() { text_.clear(); }

  /// Adds one message (used by the logger callback).
  void append(std::string_view message);

  /// The C logger the library sees, plus the way back to us (defined in the .cpp).
  struct Shim;

 private:
  std::unique_ptr<Shim> shim_;
  std::string text_;
};

/// The errno a failing libxen* call left, or EIO if it left none (so an Error never says 0).
[[nodiscard]] int lastErrno();

/// True for the errno values that mean "this kernel has no Xen device or daemon to talk to".
[[nodiscard]] bool meansNoXen(int code);

/// "<call>: <strerror(code)>[ (<logged>)]" as an Error with `code`.
[[nodiscard]] Error libraryError(int code, std::string_view call, std::string_view logged = {});

/// The factories' error: "no Xen: <what> (<call>: <strerror>)" when meansNoXen(code),
/// otherwise "<what>: <call>: <strerror>", plus anything the library logged.
[[nodiscard]] Error openError(int code, std::string_view what, std::string_view call,
                              std::string_view logged = {});

/// Most pages one grant call takes: far beyond gntdev's default limit (65536), and it keeps
/// every count inside the int arithmetic of libxengnttab.
inline constexpr std::size_t kMaxGrantPages = std::size_t{1} << 20;

/// EINVAL unless 1 <= pages <= kMaxGrantPages.
[[nodiscard]] Status checkPageCount(std::size_t pages, std::string_view call);

/// EOPNOTSUPP unless the host's page size is kPageSize: gntdev and gntalloc map whole host
/// pages, and every size in transport.h counts 4 KiB grant pages.
[[nodiscard]] Status checkHostPageSize(std::string_view what);

}  // namespace vcam::xen
