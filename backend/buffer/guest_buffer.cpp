// SPDX-License-Identifier: MIT
// The two GuestBuffer kinds: mapped guest pages and our own shared pages.
#include "backend/buffer/guest_buffer.h"

#include <sys/mman.h>

#include <cerrno>

#include "backend/base/system_call.h"
#include "backend/xen/ring/page_directory.h"

namespace vcam::buffer {
namespace {

class MappedBuffer final : public GuestBuffer {
 public:
  MappedBuffer(xen::GrantTable& grants, xen::DomId frontend, std::vector<xen::GrantRef> refs,
               xen::GrantMapping mapping, std::uint32_t size)
      : grants_(grants),
        frontend_(frontend),
        refs_(std::move(refs)),
        mapping_(std::move(mapping)),
        size_(size) {}
  Allocation allocation() const override { return Allocation::Frontend; }
  std::span<std::byte> bytes() const override { return mapping_.bytes().first(size_); }
  Result<xen::ExportedDmaBuf> exportDmaBuf() const override {
    // The references were read once at creation: a guest rewriting its directory since
    // changes nothing here.
    return grants_.exportDmaBuf(frontend_, refs_, xen::DmaBufMemory::Default);
  }

 private:
  xen::GrantTable& grants_;
  xen::DomId frontend_;
  std::vector<xen::GrantRef> refs_;
  xen::GrantMapping mapping_;
  std::uint32_t size_;
};

class SharedBuffer final : public GuestBuffer {
 public:
  SharedBuffer(xen::SharedPages pages, std::uint32_t size)
      : pages_(std::move(pages)), size_(size) {}
  Allocation allocation() const override { return Allocation::Backend; }
  std::span<std::byte> bytes() const override { return pages_.bytes().first(size_); }
  Result<xen::ExportedDmaBuf> exportDmaBuf() const override {
    return makeError(ENOTSUP, "pages the backend shares itself have no dma-buf");
  }

 private:
  xen::SharedPages pages_;
  std::uint32_t size_;
};

/// A camera's dma-buf granted to the guest, mapped for the CPU (copies when several guests
/// share the camera), with zeroed pages of ours after it when the directory wants more.
class CameraMemoryBuffer final : public GuestBuffer {
 public:
  CameraMemoryBuffer(void* address, std::size_t length, xen::ImportedDmaBuf granted,
                     xen::SharedPages padding)
      : address_(address),
        length_(length),
        granted_(std::move(granted)),
        padding_(std::move(padding)) {}
  CameraMemoryBuffer(const CameraMemoryBuffer&) = delete;
  CameraMemoryBuffer& operator=(const CameraMemoryBuffer&) = delete;
  ~CameraMemoryBuffer() override { ::munmap(address_, length_); }
  Allocation allocation() const override { return Allocation::Backend; }
  std::span<std::byte> bytes() const override {
    return {static_cast<std::byte*>(address_), length_};
  }
  Result<xen::ExportedDmaBuf> exportDmaBuf() const override {
    return makeError(ENOTSUP, "the camera's own memory is a dma-buf already");
  }

 private:
  void* address_;
  std::size_t length_;
  xen::ImportedDmaBuf granted_;
  xen::SharedPages padding_;
};

}  // namespace

Result<std::unique_ptr<GuestBuffer>> mapFrontendBuffer(xen::XenTransport& xen, xen::DomId frontend,
                                                       xen::GrantRef directory,
                                                       std::uint32_t size) {
  xen::GrantDirectoryPageReader reader(*xen.grants, frontend);
  Result<std::vector<xen::GrantRef>> refs = xen::readPageDirectory(reader, directory, size);
  if (!refs) return refs.error();
  Result<xen::GrantMapping> mapping = xen.grants->map(frontend, *refs, xen::GrantAccess::ReadWrite);
  if (!mapping) return mapping.error();
  return std::unique_ptr<GuestBuffer>(
      new MappedBuffer(*xen.grants, frontend, std::move(*refs), std::move(mapping).value(), size));
}

Result<std::unique_ptr<GuestBuffer>> shareBackendBuffer(xen::XenTransport& xen, xen::DomId frontend,
                                                        xen::GrantRef directory,
                                                        std::uint32_t size) {
  if (size == 0) return makeError(EINVAL, "a buffer of 0 bytes cannot be shared");
  Result<xen::SharedPages> pages =
      xen.sharer->share(frontend, xen::bufferPageCount(size), xen::GrantAccess::ReadWrite);
  if (!pages) return pages.error();
  xen::GrantDirectoryPageWriter writer(*xen.grants, frontend);
  if (Status written = xen::writePageDirectory(writer, directory, pages->refs()); !written) {
    return written.error();
  }
  return std::unique_ptr<GuestBuffer>(new SharedBuffer(std::move(pages).value(), size));
}

Result<std::unique_ptr<GuestBuffer>> grantDmaBuf(xen::XenTransport& xen, xen::DomId frontend,
                                                 xen::GrantRef directory, std::uint32_t size,
                                                 int dmabufFd, std::size_t dmabufSize) {
  const std::size_t pages = xen::bufferPageCount(size);
  const std::size_t ownPages = dmabufSize / xen::kPageSize;
  if (dmabufSize % xen::kPageSize != 0 || ownPages == 0 || ownPages > pages) {
    return makeError(EINVAL, "a dma-buf of " + std::to_string(dmabufSize) +
                                 " bytes does not fit a directory of " + std::to_string(pages) +
                                 " pages");
  }
  void* address = ::mmap(nullptr, dmabufSize, PROT_READ | PROT_WRITE, MAP_SHARED, dmabufFd, 0);
  if (address == MAP_FAILED) return base::systemError("mmap of the camera's dma-buf");
  auto unmap = [address, dmabufSize] { ::munmap(address, dmabufSize); };
  Result<xen::ImportedDmaBuf> granted = xen.grants->importDmaBuf(frontend, dmabufFd, ownPages);
  if (!granted) {
    unmap();
    return granted.error();
  }
  xen::SharedPages padding;
  if (pages > ownPages) {
    Result<xen::SharedPages> shared =
        xen.sharer->share(frontend, pages - ownPages, xen::GrantAccess::ReadWrite);
    if (!shared) {
      unmap();
      return shared.error();
    }
    padding = std::move(shared).value();
  }
  std::vector<xen::GrantRef> refs(granted->refs().begin(), granted->refs().end());
  refs.insert(refs.end(), padding.refs().begin(), padding.refs().end());
  xen::GrantDirectoryPageWriter writer(*xen.grants, frontend);
  if (Status written = xen::writePageDirectory(writer, directory, refs); !written) {
    unmap();
    return written.error();
  }
  return std::unique_ptr<GuestBuffer>(
      new CameraMemoryBuffer(address, dmabufSize, std::move(granted).value(), std::move(padding)));
}

}  // namespace vcam::buffer
