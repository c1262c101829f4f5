// SPDX-License-Identifier: MIT
// The two GuestBuffer kinds: mapped guest pages and our own shared pages.
#include "backend/buffer/guest_buffer.h"

#include "backend/xen/ring/page_directory.h"

namespace vcam::buffer {
namespace {

class MappedBuffer final : public GuestBuffer {
 public:
  MappedBuffer(xen::GrantMapping mapping, std::uint32_t size)
      : mapping_(std::move(mapping)), size_(size) {}
  Allocation allocation() const override { return Allocation::Frontend; }
  std::span<std::byte> bytes() const override { return mapping_.bytes().first(size_); }

 private:
  xen::GrantMapping mapping_;
  std::uint32_t size_;
};

class SharedBuffer final : public GuestBuffer {
 public:
  SharedBuffer(xen::SharedPages pages, std::uint32_t size)
      : pages_(std::move(pages)), size_(size) {}
  Allocation allocation() const override { return Allocation::Backend; }
  std::span<std::byte> bytes() const override { return pages_.bytes().first(size_); }

 private:
  xen::SharedPages pages_;
  std::uint32_t size_;
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
  return std::unique_ptr<GuestBuffer>(new MappedBuffer(std::move(mapping).value(), size));
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

}  // namespace vcam::buffer
