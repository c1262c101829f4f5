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

/// A buffer the backend writes frames into. The CPU view is the buffer's bytes; a guest's own
/// pages also have a dma-buf view (gntdev EXP_FROM_REFS) for a camera to write into (zero
/// copy). Destroying it ends our mapping (Frontend) or our grants (Backend): do that only
/// once the guest can no longer expect frames in it.
class GuestBuffer {
 public:
  virtual ~GuestBuffer() = default;
  [[nodiscard]] virtual Allocation allocation() const = 0;
  /// The buffer's bytes: another domain's memory (Frontend) or memory it maps (Backend), so
  /// write what you mean and never trust what you read back.
  [[nodiscard]] virtual std::span<std::byte> bytes() const = 0;
  /// One dma-buf of the buffer's pages, for a device to write into: the guest's grants
  /// exported by gntdev (ENOTTY without CONFIG_XEN_GNTDEV_DMABUF, EINVAL in a PV domain).
  /// ENOTSUP for memory the backend shares itself.
  [[nodiscard]] virtual Result<xen::ExportedDmaBuf> exportDmaBuf() const = 0;
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

/// be-alloc with a camera's own memory: grants the pages of the dma-buf `dmabufFd`
/// (`dmabufSize` bytes, whole pages, mmappable) to the guest (gntdev IMP_TO_REFS) and lists
/// them in the guest's page directory at `directory`, followed by zeroed pages of ours when
/// the directory wants more (ceil(size / 4096) references); EINVAL when the dma-buf has more
/// pages than that. bytes() is the dma-buf, mapped. The fd stays the caller's.
[[nodiscard]] Result<std::unique_ptr<GuestBuffer>> grantDmaBuf(xen::XenTransport& xen,
                                                               xen::DomId frontend,
                                                               xen::GrantRef directory,
                                                               std::uint32_t size, int dmabufFd,
                                                               std::size_t dmabufSize);

}  // namespace vcam::buffer
