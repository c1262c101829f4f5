// SPDX-License-Identifier: MIT
// MappedBuffer: a frame buffer's dma-bufs mapped read-only for the CPU, unmapped on destruction.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include <vcamera/common/result.h>

#include "backend/source/libcamera/frame_layout.h"

namespace vcam::source::lc {

/// Maps each distinct dma-buf of a buffer's planes once, whole (its size from lseek), and
/// hands out bounds-checked views. The fds stay their owner's (libcamera's FrameBuffer):
/// a mapping outlives its fd. Move-only.
class MappedBuffer {
 public:
  /// EINVAL when a plane has no fd or lies outside its dma-buf; mmap/lseek failures as errno.
  [[nodiscard]] static Result<MappedBuffer> map(std::span<const BufferPlane> planes);

  MappedBuffer(MappedBuffer&& other) noexcept;
  MappedBuffer& operator=(MappedBuffer&& other) noexcept;
  MappedBuffer(const MappedBuffer&) = delete;
  MappedBuffer& operator=(const MappedBuffer&) = delete;
  ~MappedBuffer();

  [[nodiscard]] std::size_t planeCount() const { return planes_.size(); }
  /// `length` bytes from the start of plane `plane`, which may run past the plane into the
  /// rest of its dma-buf (a memory plane holding several colour planes); EINVAL past the end.
  [[nodiscard]] Result<std::span<const std::byte>> view(std::size_t plane,
                                                        std::uint64_t length) const;

  /// DMA_BUF_IOCTL_SYNC around CPU reads, so caches are coherent with the device's writes.
  /// Best effort (memory that is not a dma-buf answers ENOTTY): nothing to report.
  void beginRead() const;
  void endRead() const;

 private:
  struct Mapping {
    int fd = -1;
    void* address = nullptr;
    std::size_t length = 0;
  };
  MappedBuffer() = default;
  void unmapAll() noexcept;

  std::vector<Mapping> mappings_;
  std::vector<BufferPlane> planes_;
  std::vector<std::size_t> planeMapping_;  ///< index into mappings_ per plane
};

}  // namespace vcam::source::lc
