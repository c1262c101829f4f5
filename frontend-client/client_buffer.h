// SPDX-License-Identifier: MIT
// ClientBuffer: one buffer the frontend client shares with the backend through a page
// directory, in either allocation mode.
#pragma once

#include <cstdint>
#include <span>

#include <vcamera/common/result.h>

#include "backend/xen/transport.h"

namespace vcam::frontend {

/// The grants behind one buffer. Frontend-allocated: `data` holds the pages (granted
/// read-write) and `directory` lists them (granted read-only). be-alloc: `directory` is granted
/// read-write for the backend to fill, and `mapping` holds the backend's pages once it has.
class ClientBuffer {
 public:
  /// Frontend-allocated: shares ceil(size / 4096) data pages and the directory listing them.
  [[nodiscard]] static Result<ClientBuffer> shareOwnPages(xen::XenTransport& xen,
                                                          xen::DomId backend, std::uint32_t size);
  /// be-alloc: shares an empty, linked directory for ceil(size / 4096) references.
  [[nodiscard]] static Result<ClientBuffer> shareEmptyDirectory(xen::XenTransport& xen,
                                                                xen::DomId backend,
                                                                std::uint32_t size);

  /// be-alloc, after BUF_CREATE succeeded: reads the backend's references from our directory
  /// (validated like any page directory: count, no 0) and maps them read-write.
  [[nodiscard]] Status mapBackendPages(xen::XenTransport& xen, xen::DomId backend);
  /// be-alloc: drops our mapping of the backend's pages (before BUF_DESTROY).
  void unmapBackendPages() { mapping_.reset(); }

  /// The first directory page's reference, for BUF_CREATE.
  [[nodiscard]] xen::GrantRef directoryRef() const { return directory_.refs().front(); }
  /// The buffer's bytes (size() long); empty before mapBackendPages() in be-alloc mode.
  [[nodiscard]] std::span<std::byte> bytes() const;
  [[nodiscard]] std::uint32_t size() const { return size_; }

 private:
  ClientBuffer(std::uint32_t size, xen::SharedPages directory, xen::SharedPages data)
      : size_(size), directory_(std::move(directory)), data_(std::move(data)) {}

  std::uint32_t size_ = 0;
  xen::SharedPages directory_;
  xen::SharedPages data_;      ///< frontend-allocated mode only
  xen::GrantMapping mapping_;  ///< be-alloc mode only
};

}  // namespace vcam::frontend
