// SPDX-License-Identifier: MIT
// ClientBuffer: page-directory sharing of one buffer, frontend-allocated or be-alloc.
#include "frontend-client/client_buffer.h"

#include <cerrno>
#include <string>

#include "backend/xen/ring/page_directory.h"

namespace vcam::frontend {
namespace {

Result<xen::SharedPages> shareDirectory(xen::XenTransport& xen, xen::DomId backend,
                                        std::uint32_t size, xen::GrantAccess access) {
  if (size == 0) return makeError(EINVAL, "a buffer of 0 bytes cannot be shared");
  const std::size_t dirPages = xen::directoryPageCount(xen::bufferPageCount(size));
  return xen.sharer->share(backend, dirPages, access);
}

}  // namespace

Result<ClientBuffer> ClientBuffer::shareOwnPages(xen::XenTransport& xen, xen::DomId backend,
                                                 std::uint32_t size) {
  // The backend only reads the directory when we allocate, so it gets it read-only.
  Result<xen::SharedPages> directory =
      shareDirectory(xen, backend, size, xen::GrantAccess::ReadOnly);
  if (!directory) return directory.error();
  Result<xen::SharedPages> data =
      xen.sharer->share(backend, xen::bufferPageCount(size), xen::GrantAccess::ReadWrite);
  if (!data) return data.error();
  if (Status built = xen::buildPageDirectory(directory->bytes(), directory->refs(), data->refs());
      !built) {
    return built.error();
  }
  return ClientBuffer(size, std::move(directory).value(), std::move(data).value());
}

Result<ClientBuffer> ClientBuffer::shareEmptyDirectory(xen::XenTransport& xen, xen::DomId backend,
                                                       std::uint32_t size) {
  Result<xen::SharedPages> directory =
      shareDirectory(xen, backend, size, xen::GrantAccess::ReadWrite);
  if (!directory) return directory.error();
  if (Status linked = xen::linkPageDirectory(directory->bytes(), directory->refs()); !linked) {
    return linked.error();
  }
  return ClientBuffer(size, std::move(directory).value(), xen::SharedPages{});
}

Status ClientBuffer::mapBackendPages(xen::XenTransport& xen, xen::DomId backend) {
  if (data_.shared()) return makeError(EINVAL, "this buffer's pages are ours, not the backend's");
  // Our own directory pages, but the backend wrote them: read them as untrusted.
  xen::LocalDirectoryPages pages(directory_.bytes(), directory_.refs());
  Result<std::vector<xen::GrantRef>> refs = xen::readPageDirectory(pages, directoryRef(), size_);
  if (!refs) return withContext("the backend's references in our page directory", refs.error());
  Result<xen::GrantMapping> mapping = xen.grants->map(backend, *refs, xen::GrantAccess::ReadWrite);
  if (!mapping) return mapping.error();
  mapping_ = std::move(mapping).value();
  return {};
}

std::span<std::byte> ClientBuffer::bytes() const {
  if (data_.shared()) return data_.bytes().first(size_);
  if (mapping_.mapped()) return mapping_.bytes().first(size_);
  return {};
}

}  // namespace vcam::frontend
