// SPDX-License-Identifier: MIT
// Helpers over the XenStore interface: transactions that retry on EAGAIN, and the schema's
// XenStoreTreeReader view of a live store.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <vcamera/common/result.h>
#include <vcamera/proto/xenstore_schema.h>

#include "backend/xen/transport.h"

namespace vcam::xen {

/// How often runTransaction() starts over after a conflict before it gives up with EAGAIN.
inline constexpr int kTransactionAttempts = 16;

/// Runs `body` in a transaction and commits it; on EAGAIN (a conflicting writer) runs it again,
/// up to `attempts` times. A failing body abandons the transaction and its error is returned.
[[nodiscard]] Status runTransaction(XenStore& store,
                                    const std::function<Status(XsTransactionId)>& body,
                                    int attempts = kTransactionAttempts);

/// proto::XenStoreTreeReader over a live store (optionally inside a transaction): what
/// readFrontendConfig() and readFrontendTransport() walk. Missing nodes and denied reads both
/// read as absent; other errors too, since the schema then reports what it could not find.
class XenStoreReader final : public proto::XenStoreTreeReader {
 public:
  explicit XenStoreReader(XenStore& store, XsTransactionId tx = kNoTransaction)
      : store_(store), tx_(tx) {}
  [[nodiscard]] std::optional<std::string> read(std::string_view path) const override;
  [[nodiscard]] std::optional<std::vector<std::string>> directory(
      std::string_view path) const override;

 private:
  XenStore& store_;
  XsTransactionId tx_;
};

}  // namespace vcam::xen
