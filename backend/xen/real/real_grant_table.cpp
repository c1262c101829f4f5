// SPDX-License-Identifier: MIT
// RealGrantTable over libxengnttab: foreign grants mapped into our address space or turned
// into dma-bufs, and our dma-bufs granted out.
#include "backend/xen/real/real_grant_table.h"

#include <fcntl.h>
#include <sys/mman.h>

#include <cerrno>
#include <string>
#include <utility>
#include <vector>

#include "backend/xen/real/libxen.h"
#include "backend/xen/real/libxen_support.h"

namespace vcam::xen {

namespace {

/// Checks the reference list a map or export takes (the library wants a mutable copy anyway).
Result<std::vector<std::uint32_t>> copyRefs(std::span<const GrantRef> refs, std::string_view call) {
  if (Status count = checkPageCount(refs.size(), call); !count) return count.error();
  for (GrantRef ref : refs) {
    if (ref == kInvalidGrantRef) {
      return makeError(EINVAL, std::string(call) + ": grant reference 0 is never valid");
    }
  }
  return std::vector<std::uint32_t>(refs.begin(), refs.end());
}

std::string describe(std::string_view call, DomId domid, std::size_t pages) {
  return std::string(call) + "(dom" + std::to_string(domid) + ", " + std::to_string(pages) +
         " pages)";
}

std::uint32_t dmaFlags(DmaBufMemory memory) {
  switch (memory) {
    case DmaBufMemory::Default:
      return 0;
    case DmaBufMemory::WriteCombine:
      return GNTDEV_DMA_FLAG_WC;
    case DmaBufMemory::Coherent:
      return GNTDEV_DMA_FLAG_COHERENT;
  }
  return 0;
}

/// Why EXP_FROM_REFS failed, for the two errno values callers fall back on.
std::string_view exportHint(int code) {
  if (code == ENOTTY) return "gntdev lacks dma-buf support (CONFIG_XEN_GNTDEV_DMABUF); map instead";
  if (code == EINVAL) return "gntdev cannot export here (x86 PV domain?); map instead";
  return {};
}

}  // namespace

RealGrantTable::RealGrantTable(std::unique_ptr<XenLog> log, xengntdev_handle* handle)
    : log_(std::move(log)), handle_(handle) {}

Result<std::unique_ptr<RealGrantTable>> RealGrantTable::create() {
  auto log = std::make_unique<XenLog>();
  errno = 0;
  xengnttab_handle* handle = xengnttab_open(log->logger(), 0);
  if (handle == nullptr) {
    return openError(lastErrno(), "cannot open the grant device /dev/xen/gntdev", "xengnttab_open",
                     log->take());
  }
  std::unique_ptr<RealGrantTable> table(new RealGrantTable(std::move(log), handle));
  if (Status page = checkHostPageSize("xengnttab"); !page) return page.error();
  return table;
}

RealGrantTable::~RealGrantTable() { (void)xengnttab_close(handle_); }

Result<GrantMapping> RealGrantTable::map(DomId domid, std::span<const GrantRef> refs,
                                         GrantAccess access) {
  constexpr std::string_view kCall = "xengnttab_map_domain_grant_refs";
  Result<std::vector<std::uint32_t>> list = copyRefs(refs, kCall);
  if (!list) return list.error();
  const int prot = access == GrantAccess::ReadWrite ? PROT_READ | PROT_WRITE : PROT_READ;
  log_->clear();
  errno = 0;
  void* address = xengnttab_map_domain_grant_refs(handle_, static_cast<std::uint32_t>(list->size()),
                                                  domid, list->data(), prot);
  if (address == nullptr) {
    return libraryError(lastErrno(), describe(kCall, domid, refs.size()), log_->take());
  }
  return GrantMapping(this, address, refs.size(), access);
}

void RealGrantTable::unmap(void* address, std::size_t pages) noexcept {
  // Fails only for an address gntdev did not map; the mapping is gone either way.
  (void)xengnttab_unmap(handle_, address, static_cast<std::uint32_t>(pages));
}

Result<ExportedDmaBuf> RealGrantTable::exportDmaBuf(DomId domid, std::span<const GrantRef> refs,
                                                    DmaBufMemory memory) {
  constexpr std::string_view kCall = "xengnttab_dmabuf_exp_from_refs";
  Result<std::vector<std::uint32_t>> list = copyRefs(refs, kCall);
  if (!list) return list.error();
  std::uint32_t fd = 0;
  log_->clear();
  errno = 0;
  if (xengnttab_dmabuf_exp_from_refs(handle_, domid, dmaFlags(memory),
                                     static_cast<std::uint32_t>(list->size()), list->data(),
                                     &fd) != 0) {
    const int code = lastErrno();
    Error error = libraryError(code, describe(kCall, domid, refs.size()), log_->take());
    if (std::string_view hint = exportHint(code); !hint.empty()) {
      error.message.append(": ").append(hint);
    }
    return error;
  }
  return ExportedDmaBuf(this, base::UniqueFd(static_cast<int>(fd)), refs.size());
}

Status RealGrantTable::waitReleased(int closedFd, std::uint32_t timeoutMs) {
  if (closedFd < 0) return makeError(EBADF, "xengnttab_dmabuf_exp_wait_released: no fd");
  log_->clear();
  errno = 0;
  if (xengnttab_dmabuf_exp_wait_released(handle_, static_cast<std::uint32_t>(closedFd),
                                         timeoutMs) != 0) {
    const int code = lastErrno();
    if (code == ENOENT) return {};  // already released: what we were waiting for
    return libraryError(code,
                        "xengnttab_dmabuf_exp_wait_released(fd " + std::to_string(closedFd) + ")",
                        log_->take());
  }
  return {};
}

Result<ImportedDmaBuf> RealGrantTable::importDmaBuf(DomId domid, int dmabufFd, std::size_t pages) {
  constexpr std::string_view kCall = "xengnttab_dmabuf_imp_to_refs";
  if (Status count = checkPageCount(pages, kCall); !count) return count.error();
  // gntdev keys the import by fd number: our own duplicate keeps that number ours.
  base::UniqueFd own(::fcntl(dmabufFd, F_DUPFD_CLOEXEC, 0));
  if (!own) return libraryError(lastErrno(), "fcntl(F_DUPFD_CLOEXEC) of the dma-buf fd");
  std::vector<GrantRef> refs(pages, kInvalidGrantRef);
  log_->clear();
  errno = 0;
  if (xengnttab_dmabuf_imp_to_refs(handle_, domid, static_cast<std::uint32_t>(own.get()),
                                   static_cast<std::uint32_t>(pages), refs.data()) != 0) {
    return libraryError(lastErrno(), describe(kCall, domid, pages), log_->take());
  }
  return ImportedDmaBuf(this, std::move(own), std::move(refs));
}

void RealGrantTable::releaseImport(int dmabufFd) noexcept {
  // Fails only when gntdev no longer knows the import (it ends them all on close anyway).
  if (dmabufFd >= 0) {
    (void)xengnttab_dmabuf_imp_release(handle_, static_cast<std::uint32_t>(dmabufFd));
  }
}

Result<std::unique_ptr<GrantTable>> openRealGrantTable() {
  Result<std::unique_ptr<RealGrantTable>> table = RealGrantTable::create();
  if (!table) return table.error();
  return std::unique_ptr<GrantTable>(std::move(table).value());
}

}  // namespace vcam::xen
