// SPDX-License-Identifier: MIT
// RealXenStore over libxenstore: each call is one xs_* request; errors keep the errno
// xenstored (or the connection) reported.
#include "backend/xen/real/real_xenstore.h"

#include <cerrno>
#include <climits>
#include <cstdint>
#include <cstdlib>

#include "backend/xen/real/libxen.h"
#include "backend/xen/real/libxen_support.h"

namespace vcam::xen {

namespace {

/// Events of watches already removed that one readWatch() call drops before it yields.
constexpr int kMaxDroppedEvents = 256;

struct FreeDeleter {
  void operator()(void* memory) const { std::free(memory); }
};
/// Memory libxenstore malloc()ed for us.
template <typename T>
using LibPtr = std::unique_ptr<T, FreeDeleter>;

/// libxenstore takes C strings: a NUL inside would silently cut the path short.
Status checkText(std::string_view text, std::string_view what) {
  if (text.find('\0') != std::string_view::npos) {
    return makeError(EINVAL, std::string(what) + " contains a NUL byte");
  }
  return {};
}

std::string call(std::string_view name, std::string_view path) {
  return std::string(name) + "(" + std::string(path) + ")";
}

/// `child` is `parent` or below it, as xenstored decides which watches fire.
bool isSubpath(std::string_view parent, std::string_view child) {
  if (!child.starts_with(parent)) return false;
  return child.size() == parent.size() || parent.ends_with('/') || child[parent.size()] == '/';
}

}  // namespace

unsigned toXsPermBits(XsAccess access) {
  switch (access) {
    case XsAccess::None:
      return XS_PERM_NONE;
    case XsAccess::Read:
      return XS_PERM_READ;
    case XsAccess::Write:
      return XS_PERM_WRITE;
    case XsAccess::ReadWrite:
      return XS_PERM_READ | XS_PERM_WRITE;
  }
  return XS_PERM_NONE;
}

XsAccess fromXsPermBits(unsigned bits) {
  const bool read = (bits & XS_PERM_READ) != 0;
  const bool write = (bits & XS_PERM_WRITE) != 0;
  if (read && write) return XsAccess::ReadWrite;
  if (read) return XsAccess::Read;
  if (write) return XsAccess::Write;
  return XsAccess::None;
}

Result<std::unique_ptr<RealXenStore>> RealXenStore::create() {
  errno = 0;
  xs_handle* handle = xs_open(0);
  if (handle == nullptr) {
    const int code = lastErrno();
    const char* socket = xs_daemon_socket();  // NULL only for an overlong XENSTORED_RUNDIR
    return openError(code,
                     std::string("cannot reach xenstored: neither its socket ") +
                         (socket != nullptr ? socket : "(path too long)") +
                         " nor the xenbus device could be opened",
                     "xs_open");
  }
  // xs_fileno() creates the pipe libxenstore's reader thread signals watch events on.
  errno = 0;
  const int watchFd = xs_fileno(handle);
  if (watchFd < 0) {
    const int code = lastErrno();
    xs_close(handle);
    return libraryError(code, "xs_fileno");
  }
  return std::unique_ptr<RealXenStore>(new RealXenStore(handle, watchFd));
}

RealXenStore::~RealXenStore() { xs_close(handle_); }

Result<std::string> RealXenStore::read(XsTransactionId tx, std::string_view path) {
  if (Status ok = checkText(path, "path"); !ok) return ok.error();
  const std::string cpath(path);
  unsigned length = 0;
  errno = 0;
  LibPtr<char> value(static_cast<char*>(xs_read(handle_, tx, cpath.c_str(), &length)));
  if (!value) return libraryError(lastErrno(), call("xs_read", path));
  return std::string(value.get(), length);
}

Status RealXenStore::write(XsTransactionId tx, std::string_view path, std::string_view value) {
  if (Status ok = checkText(path, "path"); !ok) return ok;
  if (value.size() > UINT_MAX) return makeError(E2BIG, "XenStore value too long");
  const std::string cpath(path);
  errno = 0;
  if (!xs_write(handle_, tx, cpath.c_str(), value.data(), static_cast<unsigned>(value.size()))) {
    return libraryError(lastErrno(), call("xs_write", path));
  }
  return {};
}

Status RealXenStore::mkdir(XsTransactionId tx, std::string_view path) {
  if (Status ok = checkText(path, "path"); !ok) return ok;
  const std::string cpath(path);
  errno = 0;
  if (!xs_mkdir(handle_, tx, cpath.c_str())) {
    return libraryError(lastErrno(), call("xs_mkdir", path));
  }
  return {};
}

Status RealXenStore::remove(XsTransactionId tx, std::string_view path) {
  if (Status ok = checkText(path, "path"); !ok) return ok;
  const std::string cpath(path);
  errno = 0;
  if (!xs_rm(handle_, tx, cpath.c_str())) {
    const int code = lastErrno();
    // xenstored says ENOENT when even the parent is missing: nothing to remove either way.
    if (code == ENOENT) return {};
    return libraryError(code, call("xs_rm", path));
  }
  return {};
}

Result<std::vector<std::string>> RealXenStore::directory(XsTransactionId tx,
                                                         std::string_view path) {
  if (Status ok = checkText(path, "path"); !ok) return ok.error();
  const std::string cpath(path);
  unsigned count = 0;
  errno = 0;
  LibPtr<char*> names(xs_directory(handle_, tx, cpath.c_str(), &count));
  if (!names) return libraryError(lastErrno(), call("xs_directory", path));
  std::vector<std::string> out;
  out.reserve(count);
  for (unsigned i = 0; i < count; ++i) out.emplace_back(names.get()[i]);
  return out;
}

Result<std::vector<XsPermission>> RealXenStore::permissions(XsTransactionId tx,
                                                            std::string_view path) {
  if (Status ok = checkText(path, "path"); !ok) return ok.error();
  const std::string cpath(path);
  unsigned count = 0;
  errno = 0;
  LibPtr<xs_permissions> perms(xs_get_permissions(handle_, tx, cpath.c_str(), &count));
  if (!perms) return libraryError(lastErrno(), call("xs_get_permissions", path));
  std::vector<XsPermission> out;
  out.reserve(count);
  for (unsigned i = 0; i < count; ++i) {
    const xs_permissions& entry = perms.get()[i];
    if (entry.id > UINT16_MAX) {
      return makeError(EPROTO, call("xs_get_permissions", path) + ": domain id " +
                                   std::to_string(entry.id) + " out of range");
    }
    out.push_back({static_cast<DomId>(entry.id), fromXsPermBits(entry.perms)});
  }
  return out;
}

Status RealXenStore::setPermissions(XsTransactionId tx, std::string_view path,
                                    std::span<const XsPermission> permissions) {
  if (Status ok = checkText(path, "path"); !ok) return ok;
  if (permissions.empty()) return makeError(EINVAL, "empty XenStore permission list");
  if (permissions.size() > UINT_MAX) return makeError(E2BIG, "XenStore permission list too long");
  std::vector<xs_permissions> perms;
  perms.reserve(permissions.size());
  for (const XsPermission& entry : permissions) {
    perms.push_back({entry.domid, toXsPermBits(entry.access)});
  }
  const std::string cpath(path);
  errno = 0;
  if (!xs_set_permissions(handle_, tx, cpath.c_str(), perms.data(),
                          static_cast<unsigned>(perms.size()))) {
    return libraryError(lastErrno(), call("xs_set_permissions", path));
  }
  return {};
}

Result<XsTransactionId> RealXenStore::transactionStart() {
  errno = 0;
  const xs_transaction_t tx = xs_transaction_start(handle_);
  if (tx == XBT_NULL) return libraryError(lastErrno(), "xs_transaction_start");
  return XsTransactionId{tx};
}

Status RealXenStore::transactionEnd(XsTransactionId tx, bool commit) {
  errno = 0;
  if (!xs_transaction_end(handle_, tx, !commit)) {
    // EAGAIN (a conflicting writer) goes through unchanged: runTransaction() retries on it.
    return libraryError(lastErrno(),
                        commit ? "xs_transaction_end(commit)" : "xs_transaction_end(abandon)");
  }
  return {};
}

Result<XsWatch> RealXenStore::watch(std::string_view path, std::string_view token) {
  if (Status ok = checkText(path, "path"); !ok) return ok.error();
  if (Status ok = checkText(token, "watch token"); !ok) return ok.error();
  std::string cpath(path);
  std::string ctoken(token);
  errno = 0;
  if (!xs_watch(handle_, cpath.c_str(), ctoken.c_str())) {
    return libraryError(lastErrno(), call("xs_watch", path));
  }
  watches_.emplace_back(cpath, ctoken);
  return XsWatch(this, std::move(cpath), std::move(ctoken));
}

void RealXenStore::unwatch(const std::string& path, const std::string& token) noexcept {
  // A failure means xenstored no longer has the watch (or the connection is gone): either
  // way nothing more will fire, and there is nobody to tell.
  (void)xs_unwatch(handle_, path.c_str(), token.c_str());
  for (auto it = watches_.begin(); it != watches_.end(); ++it) {
    if (it->first == path && it->second == token) {
      watches_.erase(it);
      break;
    }
  }
}

bool RealXenStore::isWatched(const XsWatchEvent& event) const {
  for (const auto& [path, token] : watches_) {
    if (token == event.token && isSubpath(path, event.path)) return true;
  }
  return false;
}

Result<std::optional<XsWatchEvent>> RealXenStore::readWatch() {
  // libxenstore keeps events that arrived before xs_unwatch(); we drop them here so a
  // destroyed XsWatch stays silent. (XS_UNWATCH_FILTER would too, but it frees the dropped
  // events without their bodies and forbids a path and its subpath under one token.)
  for (int dropped = 0; dropped < kMaxDroppedEvents; ++dropped) {
    errno = 0;
    LibPtr<char*> fired(xs_check_watch(handle_));
    if (!fired) {
      const int code = lastErrno();
      if (code == EAGAIN) return std::optional<XsWatchEvent>();
      return libraryError(code, "xs_check_watch");
    }
    XsWatchEvent event{fired.get()[XS_WATCH_PATH], fired.get()[XS_WATCH_TOKEN]};
    if (isWatched(event)) return std::optional<XsWatchEvent>(std::move(event));
  }
  // More stale events queued: watchFd() stays readable, so the caller comes back for them.
  return std::optional<XsWatchEvent>();
}

Result<std::unique_ptr<XenStore>> openRealXenStore() {
  Result<std::unique_ptr<RealXenStore>> store = RealXenStore::create();
  if (!store) return store.error();
  return std::unique_ptr<XenStore>(std::move(store).value());
}

}  // namespace vcam::xen
