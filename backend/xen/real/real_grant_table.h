// SPDX-License-Identifier: MIT
// RealGrantTable: the GrantTable interface over libxengnttab (/dev/xen/gntdev), mappings and
// dma-bufs.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

#include <vcamera/common/result.h>

#include "backend/xen/transport.h"

struct xengntdev_handle;

namespace vcam::xen {

class XenLog;

/// One xengnttab handle. Mappings, exports and imports made through it belong to it (gntdev
/// tears them down on close), so none may outlive it.
class RealGrantTable final : public GrantTable {
 public:
  /// Opens /dev/xen/gntdev (xengnttab_open). Fails with "no Xen: ..." when it does not exist.
  [[nodiscard]] static Result<std::unique_ptr<RealGrantTable>> create();
  ~RealGrantTable() override;
  RealGrantTable(const RealGrantTable&) = delete;
  RealGrantTable& operator=(const RealGrantTable&) = delete;

  [[nodiscard]] Result<GrantMapping> map(DomId domid, std::span<const GrantRef> refs,
                                         GrantAccess access) override;
  /// ENOTTY without CONFIG_XEN_GNTDEV_DMABUF, EINVAL in x86 PV domains: both unchanged.
  [[nodiscard]] Result<ExportedDmaBuf> exportDmaBuf(DomId domid, std::span<const GrantRef> refs,
                                                    DmaBufMemory memory) override;
  [[nodiscard]] Result<ImportedDmaBuf> importDmaBuf(DomId domid, int dmabufFd,
                                                    std::size_t pages) override;

 protected:
  void unmap(void* address, std::size_t pages) noexcept override;
  [[nodiscard]] Status waitReleased(int closedFd, std::uint32_t timeoutMs) override;
  void releaseImport(int dmabufFd) noexcept override;

 private:
  RealGrantTable(std::unique_ptr<XenLog> log, xengntdev_handle* handle);

  std::unique_ptr<XenLog> log_;  ///< outlives handle_, which logs through it
  xengntdev_handle* handle_;
};

/// Opens a RealGrantTable as the GrantTable interface.
[[nodiscard]] Result<std::unique_ptr<GrantTable>> openRealGrantTable();

}  // namespace vcam::xen
