// SPDX-License-Identifier: MIT
// Tests of MappedBuffer over memfds (what a dma-buf looks like to mmap and lseek).
#include "backend/source/libcamera/mapped_buffer.h"

#include <gtest/gtest.h>

#include <sys/mman.h>
#include <unistd.h>

#include <vector>

#include "backend/base/unique_fd.h"

namespace vcam::source::lc {
namespace {

base::UniqueFd memfdWith(std::size_t size, std::byte fill) {
  base::UniqueFd fd(::memfd_create("mapped-buffer-test", MFD_CLOEXEC));
  EXPECT_TRUE(fd.valid());
  std::vector<std::byte> bytes(size, fill);
  EXPECT_EQ(::write(fd.get(), bytes.data(), size), static_cast<ssize_t>(size));
  return fd;
}

TEST(MappedBuffer, ViewsStartAtPlaneOffsetsAndRunOnToTheEnd) {
  base::UniqueFd fd = memfdWith(8192, std::byte{0x5a});
  const std::vector<BufferPlane> planes{{fd.get(), 0, 4096}, {fd.get(), 4096, 2048}};
  Result<MappedBuffer> mapped = MappedBuffer::map(planes);
  ASSERT_TRUE(mapped) << mapped.error().message;
  EXPECT_EQ(mapped->planeCount(), 2U);
  Result<std::span<const std::byte>> first = mapped->view(0, 8192);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->size(), 8192U);
  EXPECT_EQ((*first)[8191], std::byte{0x5a});
  Result<std::span<const std::byte>> second = mapped->view(1, 4096);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->data(), first->data() + 4096);  // one mapping for one dma-buf
  EXPECT_FALSE(mapped->view(1, 4097));
  EXPECT_FALSE(mapped->view(2, 1));
  mapped->beginRead();  // not a dma-buf: ENOTTY, ignored
  mapped->endRead();
}

TEST(MappedBuffer, PlanesOutsideTheirBufferAreRefused) {
  base::UniqueFd fd = memfdWith(4096, std::byte{1});
  const std::vector<BufferPlane> outside{{fd.get(), 4000, 200}};
  EXPECT_EQ(MappedBuffer::map(outside).error().code, EINVAL);
  const std::vector<BufferPlane> noFd{{-1, 0, 1}};
  EXPECT_EQ(MappedBuffer::map(noFd).error().code, EINVAL);
  base::UniqueFd empty(::memfd_create("empty", MFD_CLOEXEC));
  const std::vector<BufferPlane> nothing{{empty.get(), 0, 0}};
  EXPECT_EQ(MappedBuffer::map(nothing).error().code, EINVAL);
}

TEST(MappedBuffer, UnmapsWhenDestroyedAndMovesOwnership) {
  base::UniqueFd fd = memfdWith(4096, std::byte{2});
  const std::vector<BufferPlane> planes{{fd.get(), 0, 4096}};
  const void* address = nullptr;
  {
    Result<MappedBuffer> mapped = MappedBuffer::map(planes);
    ASSERT_TRUE(mapped);
    address = mapped->view(0, 1)->data();
    MappedBuffer moved = std::move(mapped).value();
    EXPECT_EQ(moved.view(0, 1)->data(), address);
    unsigned char resident = 0;
    EXPECT_EQ(::mincore(const_cast<void*>(address), 4096, &resident), 0);
  }
  // mincore() answers ENOMEM for an address range that is no longer mapped.
  unsigned char resident = 0;
  EXPECT_EQ(::mincore(const_cast<void*>(address), 4096, &resident), -1);
  EXPECT_EQ(errno, ENOMEM);
}

}  // namespace
}  // namespace vcam::source::lc
