// SPDX-License-Identifier: MIT
// Whether a camera's driver can capture into a dma-buf, decided before libcamera sees it:
// libcamera 0.0.3 aborts the process when the kernel refuses a buffer at QBUF (the failed
// queueBuffer() keeps its V4L2BufferCache slot and streamOff() then fails an ASSERT), so a
// buffer the driver cannot import must never reach it.
#pragma once

#include <string>
#include <string_view>

#include <vcamera/common/result.h>

namespace vcam::source::lc {

/// The exporter's name of dma-buf `fd` as the kernel reports it in /proc/self/fdinfo
/// ("exp_name:"), e.g. "videobuf2_vmalloc" for a vb2-vmalloc driver's exported buffer,
/// "xen_gntdev" for a gntdev export of a guest's grants. EINVAL when `fd` is no dma-buf.
[[nodiscard]] Result<std::string> dmaBufExporter(int fd);

/// The exporter's name in the text of an fdinfo file; EINVAL when it has none.
[[nodiscard]] Result<std::string> exporterInFdinfo(std::string_view fdinfo);

/// Whether a camera whose own buffers come from `cameraMemory` (the exporter name of a buffer
/// it allocated: its videobuf2 memory ops) can capture into a dma-buf exported by
/// `bufferExporter`. vb2-dma-sg imports any dma-buf (a scatterlist); vb2-vmalloc needs a
/// kernel mapping (vmap), which videobuf2's own exports give and a gntdev export of a guest's
/// pages does not; vb2-dma-contig needs memory contiguous for the device, which only another
/// dma-contig buffer is known to be. ENOTSUP, saying why, otherwise (unknown memory too).
[[nodiscard]] Status cameraCanImport(std::string_view cameraMemory,
                                     std::string_view bufferExporter);

}  // namespace vcam::source::lc
