// SPDX-License-Identifier: MIT
// XenLog and the shared error helpers of the libxen* implementation.
#include "backend/xen/real/libxen_support.h"

#include <unistd.h>

#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <string>
#include <utility>

#include "backend/xen/real/libxen.h"

namespace vcam::xen {

// The library sees only the leading xentoollog_logger; the owner pointer behind it is how the
// callbacks find their XenLog. Standard layout, so the two pointers convert into each other.
struct XenLog::Shim {
  xentoollog_logger vtable;
  XenLog* owner;
};

namespace {

std::string errnoText(int code) {
  char buffer[128];
  // GNU strerror_r: returns a pointer to the text, which may or may not be `buffer`.
  return ::strerror_r(code, buffer, sizeof buffer);
}

__attribute__((format(printf, 5, 0))) void logMessage(xentoollog_logger* logger,
                                                      xentoollog_level level, int errnoval,
                                                      const char* context, const char* format,
                                                      va_list args) {
  const int savedErrno = errno;
  if (level >= XTL_WARN) {  // debug chatter is not worth an error message
    char text[256];
    const int length = std::vsnprintf(text, sizeof text, format, args);
    try {  // called from C: an exception (bad_alloc) must not unwind through the library
      std::string message;
      if (context != nullptr) message.append(context).append(": ");
      message.append(length < 0 ? "(unprintable message)" : text);
      if (errnoval >= 0) message.append(": ").append(errnoText(errnoval));
      reinterpret_cast<XenLog::Shim*>(logger)->owner->append(message);
    } catch (...) {
      // Losing a log line is better than terminating; the errno still reaches the caller.
    }
  }
  errno = savedErrno;
}

void logProgress(xentoollog_logger* /*logger*/, const char* /*context*/, const char* /*doingWhat*/,
                 int /*percent*/, unsigned long /*done*/, unsigned long /*total*/) {}

// The library calls destroy only for loggers it created itself; ours is owned by XenLog.
void logDestroy(xentoollog_logger* /*logger*/) {}

}  // namespace

XenLog::XenLog() : shim_(std::make_unique<Shim>()) {
  shim_->vtable.vmessage = logMessage;
  shim_->vtable.progress = logProgress;
  shim_->vtable.destroy = logDestroy;
  shim_->owner = this;
}

XenLog::~XenLog() = default;

xentoollog_logger* XenLog::logger() { return &shim_->vtable; }

std::string XenLog::take() { return std::exchange(text_, std::string()); }

void XenLog::append(std::string_view message) {
  std::string_view separator = text_.empty() ? "" : "; ";
  if (text_.size() + separator.size() + message.size() > kMaxText) return;
  text_.append(separator).append(message);
}

int lastErrno() { return errno != 0 ? errno : EIO; }

bool meansNoXen(int code) { return code == ENOENT || code == ENODEV || code == ENXIO; }

Error libraryError(int code, std::string_view call, std::string_view logged) {
  std::string message(call);
  message.append(": ").append(errnoText(code));
  if (!logged.empty()) message.append(" (").append(logged).append(")");
  return makeError(code, std::move(message));
}

Error openError(int code, std::string_view what, std::string_view call, std::string_view logged) {
  std::string message;
  if (meansNoXen(code)) {
    message.append("no Xen: ").append(what).append(" (").append(call).append(": ");
    message.append(errnoText(code)).append(")");
  } else {
    message.append(what).append(": ").append(call).append(": ").append(errnoText(code));
  }
  if (!logged.empty()) message.append(" [").append(logged).append("]");
  return makeError(code, std::move(message));
}

Status checkPageCount(std::size_t pages, std::string_view call) {
  if (pages == 0 || pages > kMaxGrantPages) {
    return makeError(EINVAL, std::string(call) + ": " + std::to_string(pages) +
                                 " pages (must be 1.." + std::to_string(kMaxGrantPages) + ")");
  }
  return {};
}

Status checkHostPageSize(std::string_view what) {
  const long size = ::sysconf(_SC_PAGESIZE);
  if (size != static_cast<long>(kPageSize)) {
    return makeError(EOPNOTSUPP, std::string(what) + ": host page size " + std::to_string(size) +
                                     " is not the grant page size " + std::to_string(kPageSize));
  }
  return {};
}

}  // namespace vcam::xen
