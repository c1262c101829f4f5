// SPDX-License-Identifier: MIT
// GuestBuffer: one cameraif buffer as the backend holds it, whoever allocated its pages.
#pragma once

#include <cstdint>
#include <memory>
#include <span>

#include <vcamera/common/result.h>

#include "backend/xen/transport.h"

namespace vcam::buffer {

/// How a buffer's pages came to be shared.
enum class Allocation : std::uint8_t {
  Frontend,  ///< the guest's pages, granted to us through its page directory (mapped)
  Backend,   ///< be-alloc: our pages, granted to the guest, listed in its page directory
};

/// A buffer the backend writes frames into. The CPU view is the first `size` bytes of whole
/// pages; the zero-copy dma-buf view arrives with the libcamera path (issue 8) on this same
/// interface. Destroying it ends our mapping (Frontend) or our grants (Backend): do that only
/// once the guest can no longer expect frames in it.
class GuestBuffer {
 public:
  virtual ~GuestBuffer() = default;
  [[nodiscard]] virtual Allocation allocation() const = 0;
  /// The buffer's bytes: another domain's memory (Frontend) or memory it maps (Backend), so
  /// write what you mean and never trust what you read back.
  [[nodiscard]] virtual std::span<std::byte> bytes() const = 0;
};

/// Frontend-allocated: reads the guest's page directory at `directory` (exactly
/// ceil(size / 4096) references, see readPageDirectory()) and maps those pages read-write.
[[nodiscard]] Result<std::unique_ptr<GuestBuffer>> mapFrontendBuffer(xen::XenTransport& xen,
                                                                     xen::DomId frontend,
                                                                     xen::GrantRef directory,
                                                                     std::uint32_t size);

/// be-alloc: shares ceil(size / 4096) zeroed pages with the guest (read-write) and writes
/// their references into the guest's page directory at `directory`.
[[nodiscard]] Result<std::unique_ptr<GuestBuffer>> shareBackendBuffer(xen::XenTransport& xen,
                                                                      xen::DomId frontend,
                                                                      xen::GrantRef directory,
                                                                      std::uint32_t size);

}  // namespace vcam::buffer
