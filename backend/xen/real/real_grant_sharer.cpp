// SPDX-License-Identifier: MIT
// RealGrantSharer over libxengntshr: pages we allocate and grant to another domain.
#include "backend/xen/real/real_grant_sharer.h"

#include <cerrno>
#include <string>
#include <utility>
#include <vector>

#include "backend/xen/real/libxen.h"
#include "backend/xen/real/libxen_support.h"

namespace vcam::xen {

RealGrantSharer::RealGrantSharer(std::unique_ptr<XenLog> log, xengntdev_handle* handle)
    : log_(std::move(log)), handle_(handle) {}

Result<std::unique_ptr<RealGrantSharer>> RealGrantSharer::create() {
  auto log = std::make_unique<XenLog>();
  errno = 0;
  xengntshr_handle* handle = xengntshr_open(log->logger(), 0);
  if (handle == nullptr) {
    return openError(lastErrno(), "cannot open the grant allocation device /dev/xen/gntalloc",
                     "xengntshr_open", log->take());
  }
  std::unique_ptr<RealGrantSharer> sharer(new RealGrantSharer(std::move(log), handle));
  if (Status page = checkHostPageSize("xengntshr"); !page) return page.error();
  return sharer;
}

RealGrantSharer::~RealGrantSharer() { (void)xengntshr_close(handle_); }

Result<SharedPages> RealGrantSharer::share(DomId domid, std::size_t pages, GrantAccess access) {
  constexpr std::string_view kCall = "xengntshr_share_pages";
  if (Status count = checkPageCount(pages, kCall); !count) return count.error();
  std::vector<GrantRef> refs(pages, kInvalidGrantRef);
  log_->clear();
  errno = 0;
  void* address = xengntshr_share_pages(handle_, domid, static_cast<int>(pages), refs.data(),
                                        access == GrantAccess::ReadWrite ? 1 : 0);
  if (address == nullptr) {
    return libraryError(lastErrno(),
                        std::string(kCall) + "(dom" + std::to_string(domid) + ", " +
                            std::to_string(pages) + " pages)",
                        log_->take());
  }
  return SharedPages(this, address, std::move(refs));
}

void RealGrantSharer::unshare(void* address, std::size_t pages) noexcept {
  // munmap of our mapping: gntalloc then ends the grants (deferred while the grantee
  // still maps them).
  (void)xengntshr_unshare(handle_, address, static_cast<std::uint32_t>(pages));
}

Result<std::unique_ptr<GrantSharer>> openRealGrantSharer() {
  Result<std::unique_ptr<RealGrantSharer>> sharer = RealGrantSharer::create();
  if (!sharer) return sharer.error();
  return std::unique_ptr<GrantSharer>(std::move(sharer).value());
}

}  // namespace vcam::xen
