// SPDX-License-Identifier: MIT
// EmulatedXenStore: the XenStore interface over a broker connection.
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <vcamera/common/result.h>

#include "backend/xen/emulated/client_connection.h"
#include "backend/xen/transport.h"

namespace vcam::xen::emu {

/// XenStore as xenstored would answer it; errors (ENOENT, EACCES, EAGAIN, ...) come from the
/// broker's tree unchanged. watchFd() is the connection's notification socket.
class EmulatedXenStore final : public XenStore {
 public:
  [[nodiscard]] static Result<std::unique_ptr<EmulatedXenStore>> create(
      const std::string& socketPath, DomId domid);

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
  [[nodiscard]] int watchFd() const override { return connection_->notifyFd(); }
  [[nodiscard]] Result<std::optional<XsWatchEvent>> readWatch() override;

 protected:
  void unwatch(const std::string& path, const std::string& token) noexcept override;

 private:
  explicit EmulatedXenStore(std::unique_ptr<BrokerConnection> connection)
      : connection_(std::move(connection)) {}
  Status simple(wire::Op op, XsTransactionId tx, std::string_view path);

  std::unique_ptr<BrokerConnection> connection_;
};

}  // namespace vcam::xen::emu
