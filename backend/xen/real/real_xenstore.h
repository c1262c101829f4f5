// SPDX-License-Identifier: MIT
// RealXenStore: the XenStore interface over libxenstore (xenstored's socket or /dev/xen/xenbus).
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <vcamera/common/result.h>

#include "backend/xen/transport.h"

struct xs_handle;

namespace vcam::xen {

/// xs_permissions' access bits (XS_PERM_READ/WRITE) for `access`.
[[nodiscard]] unsigned toXsPermBits(XsAccess access);
/// The access in xs_permissions bits; other bits (XS_PERM_OWNER, ...) are ignored.
[[nodiscard]] XsAccess fromXsPermBits(unsigned bits);

/// A libxenstore connection. Relative paths go to xenstored unchanged, which resolves them
/// under the connection's /local/domain/<domid>/ (dom0's when over the daemon socket).
/// libxenstore starts a reader thread at the first watch(); this object is still meant for
/// one thread (the event loop).
class RealXenStore final : public XenStore {
 public:
  /// Connects (xs_open). Fails with "no Xen: ..." when neither xenstored's socket nor the
  /// xenbus device exists.
  [[nodiscard]] static Result<std::unique_ptr<RealXenStore>> create();
  ~RealXenStore() override;
  RealXenStore(const RealXenStore&) = delete;
  RealXenStore& operator=(const RealXenStore&) = delete;

  [[nodiscard]] Result<std::string> read(XsTransactionId tx, std::string_view path) override;
  [[nodiscard]] Status write(XsTransactionId tx, std::string_view path,
                             std::string_view value) override;
  [[nodiscard]] Status mkdir(XsTransactionId tx, std::string_view path) override;
  [[nodiscard]] Status remove(XsTransactionId tx, std::string_view path) override;
  [[nodiscard]] Result<std::vector<std::string>> directory(XsTransactionId tx,
                                                           std::string_view path) override;
  [[nodiscard]] Result<std::vector<XsPermission>> permissions(XsTransactionId tx,
                                                              std::string_view path) override;
  [[nodiscard]] Status setPermissions(XsTransactionId tx, std::string_view path,
                                      std::span<const XsPermission> permissions) override;
  [[nodiscard]] Result<XsTransactionId> transactionStart() override;
  [[nodiscard]] Status transactionEnd(XsTransactionId tx, bool commit) override;
  [[nodiscard]] Result<XsWatch> watch(std::string_view path, std::string_view token) override;
  [[nodiscard]] int watchFd() const override { return watchFd_; }
  [[nodiscard]] Result<std::optional<XsWatchEvent>> readWatch() override;

 protected:
  void unwatch(const std::string& path, const std::string& token) noexcept override;

 private:
  RealXenStore(xs_handle* handle, int watchFd) : handle_(handle), watchFd_(watchFd) {}
  /// Whether an event belongs to a watch still registered (see readWatch()).
  [[nodiscard]] bool isWatched(const XsWatchEvent& event) const;

  xs_handle* handle_;
  int watchFd_;
  /// (path, token) of every live XsWatch, to drop events libxenstore queued before unwatch.
  std::vector<std::pair<std::string, std::string>> watches_;
};

/// Opens a RealXenStore as the XenStore interface.
[[nodiscard]] Result<std::unique_ptr<XenStore>> openRealXenStore();

}  // namespace vcam::xen
