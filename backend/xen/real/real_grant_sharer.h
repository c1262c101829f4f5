// SPDX-License-Identifier: MIT
// RealGrantSharer: the GrantSharer interface over libxengntshr (/dev/xen/gntalloc).
#pragma once

#include <cstddef>
#include <memory>

#include <vcamera/common/result.h>

#include "backend/xen/transport.h"

struct xengntdev_handle;

namespace vcam::xen {

class XenLog;

/// One xengntshr handle: allocates zeroed pages, grants them and maps them for us.
class RealGrantSharer final : public GrantSharer {
 public:
  /// Opens /dev/xen/gntalloc (xengntshr_open). Fails with "no Xen: ..." when it does not exist.
  [[nodiscard]] static Result<std::unique_ptr<RealGrantSharer>> create();
  ~RealGrantSharer() override;
  RealGrantSharer(const RealGrantSharer&) = delete;
  RealGrantSharer& operator=(const RealGrantSharer&) = delete;

  [[nodiscard]] Result<SharedPages> share(DomId domid, std::size_t pages,
                                          GrantAccess access) override;

 protected:
  void unshare(void* address, std::size_t pages) noexcept override;

 private:
  RealGrantSharer(std::unique_ptr<XenLog> log, xengntdev_handle* handle);

  std::unique_ptr<XenLog> log_;  ///< outlives handle_, which logs through it
  xengntdev_handle* handle_;
};

/// Opens a RealGrantSharer as the GrantSharer interface.
[[nodiscard]] Result<std::unique_ptr<GrantSharer>> openRealGrantSharer();

}  // namespace vcam::xen
