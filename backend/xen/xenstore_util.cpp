// SPDX-License-Identifier: MIT
// runTransaction() and XenStoreReader.
#include "backend/xen/xenstore_util.h"

#include <cerrno>

namespace vcam::xen {

Status runTransaction(XenStore& store, const std::function<Status(XsTransactionId)>& body,
                      int attempts) {
  for (int attempt = 0; attempt < attempts; ++attempt) {
    Result<XsTransactionId> tx = store.transactionStart();
    if (!tx) return tx.error();
    if (Status done = body(*tx); !done) {
      (void)store.transactionEnd(*tx, false);
      return done;
    }
    Status committed = store.transactionEnd(*tx, true);
    if (committed || committed.error().code != EAGAIN) return committed;
  }
  return makeError(EAGAIN, "XenStore transaction still conflicting after " +
                               std::to_string(attempts) + " attempts");
}

std::optional<std::string> XenStoreReader::read(std::string_view path) const {
  Result<std::string> value = store_.read(tx_, path);
  if (!value) return std::nullopt;
  return std::move(value).value();
}

std::optional<std::vector<std::string>> XenStoreReader::directory(std::string_view path) const {
  Result<std::vector<std::string>> names = store_.directory(tx_, path);
  if (!names) return std::nullopt;
  return std::move(names).value();
}

}  // namespace vcam::xen
