// SPDX-License-Identifier: MIT
// MappedBuffer: mmap of dma-bufs, views and cache sync.
#include "backend/source/libcamera/mapped_buffer.h"

#include <linux/dma-buf.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <string>
#include <utility>

#include "backend/base/system_call.h"

namespace vcam::source::lc {
namespace {

void sync(int fd, std::uint64_t flags) {
  dma_buf_sync request{};
  request.flags = flags;
  int rc = 0;
  do {
    rc = ::ioctl(fd, DMA_BUF_IOCTL_SYNC, &request);
  } while (rc < 0 && errno == EINTR);
}

}  // namespace

Result<MappedBuffer> MappedBuffer::map(std::span<const BufferPlane> planes) {
  MappedBuffer mapped;
  for (std::size_t i = 0; i < planes.size(); ++i) {
    const BufferPlane& plane = planes[i];
    if (plane.fd < 0) return makeError(EINVAL, "plane " + std::to_string(i) + " has no dma-buf");
    std::size_t index = 0;
    while (index < mapped.mappings_.size() && mapped.mappings_[index].fd != plane.fd) ++index;
    if (index == mapped.mappings_.size()) {
      const off_t end = ::lseek(plane.fd, 0, SEEK_END);
      if (end < 0) return base::systemError("lseek on a dma-buf");
      if (end == 0) return makeError(EINVAL, "plane " + std::to_string(i) + ": empty dma-buf");
      const auto length = static_cast<std::size_t>(end);
      void* address = ::mmap(nullptr, length, PROT_READ, MAP_SHARED, plane.fd, 0);
      if (address == MAP_FAILED) return base::systemError("mmap of a dma-buf");
      mapped.mappings_.push_back({plane.fd, address, length});
    }
    const Mapping& mapping = mapped.mappings_[index];
    if (std::uint64_t{plane.offset} + plane.length > mapping.length) {
      return makeError(EINVAL, "plane " + std::to_string(i) + " (" + std::to_string(plane.offset) +
                                   "+" + std::to_string(plane.length) +
                                   ") lies outside its dma-buf of " +
                                   std::to_string(mapping.length) + " bytes");
    }
    mapped.planes_.push_back(plane);
    mapped.planeMapping_.push_back(index);
  }
  return mapped;
}

MappedBuffer::MappedBuffer(MappedBuffer&& other) noexcept
    : mappings_(std::exchange(other.mappings_, {})),
      planes_(std::exchange(other.planes_, {})),
      planeMapping_(std::exchange(other.planeMapping_, {})) {}

MappedBuffer& MappedBuffer::operator=(MappedBuffer&& other) noexcept {
  if (this != &other) {
    unmapAll();
    mappings_ = std::exchange(other.mappings_, {});
    planes_ = std::exchange(other.planes_, {});
    planeMapping_ = std::exchange(other.planeMapping_, {});
  }
  return *this;
}

MappedBuffer::~MappedBuffer() { unmapAll(); }

void MappedBuffer::unmapAll() noexcept {
  for (const Mapping& mapping : mappings_) ::munmap(mapping.address, mapping.length);
  mappings_.clear();
}

Result<std::span<const std::byte>> MappedBuffer::view(std::size_t plane,
                                                      std::uint64_t length) const {
  if (plane >= planes_.size()) {
    return makeError(EINVAL,
                     "plane " + std::to_string(plane) + " of " + std::to_string(planes_.size()));
  }
  const Mapping& mapping = mappings_[planeMapping_[plane]];
  const std::uint64_t offset = planes_[plane].offset;
  if (length > mapping.length || offset > mapping.length - length) {
    return makeError(EINVAL, std::to_string(length) + " bytes from offset " +
                                 std::to_string(offset) + " run past a dma-buf of " +
                                 std::to_string(mapping.length) + " bytes");
  }
  const auto* bytes = static_cast<const std::byte*>(mapping.address);
  return std::span<const std::byte>(bytes + offset, static_cast<std::size_t>(length));
}

void MappedBuffer::beginRead() const {
  for (const Mapping& mapping : mappings_) sync(mapping.fd, DMA_BUF_SYNC_START | DMA_BUF_SYNC_READ);
}

void MappedBuffer::endRead() const {
  for (const Mapping& mapping : mappings_) sync(mapping.fd, DMA_BUF_SYNC_END | DMA_BUF_SYNC_READ);
}

}  // namespace vcam::source::lc
