// SPDX-License-Identifier: MIT
// /dev/udmabuf: a real dma-buf over memfd ranges, used for exports when the kernel offers it.
#pragma once

#include <cstdint>
#include <span>

#include <vcamera/common/result.h>

#include "backend/base/unique_fd.h"

namespace vcam::xen::emu {

/// A byte range of a memfd (created with MFD_ALLOW_SEALING and sealed F_SEAL_SHRINK).
struct MemfdRange {
  int memfd = -1;
  std::uint64_t offset = 0;
  std::uint64_t size = 0;
};

/// One dma-buf covering `ranges` in order (UDMABUF_CREATE_LIST). ENOENT when this kernel has
/// no /dev/udmabuf; other errors as the driver reports them (its default limits: 1024 ranges,
/// 64 MiB).
[[nodiscard]] Result<base::UniqueFd> createUdmabuf(std::span<const MemfdRange> ranges);

}  // namespace vcam::xen::emu
