// SPDX-License-Identifier: MIT
// Page directory walks: bounded by the buffer's page count, every link checked before use.
#include "backend/xen/ring/page_directory.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <string>

namespace vcam::xen {
namespace {

// The most references a buffer can have: BUF_GET_LAYOUT.size is a u32.
constexpr std::size_t kMaxBufferPages = bufferPageCount(std::numeric_limits<std::uint32_t>::max());
constexpr std::size_t kNextLinkBytes = sizeof(GrantRef);

static_assert(offsetof(xencamera_page_directory, gref) == kNextLinkBytes);
static_assert(kNextLinkBytes + kRefsPerDirectoryPage * sizeof(GrantRef) == kPageSize);

Error invalid(const std::string& what) { return makeError(EINVAL, "page directory: " + what); }

std::string str(std::size_t n) { return std::to_string(n); }

// Before following `ref` to directory page `page` (0-based): the chain must go on while
// references remain, and must not come back to a page it listed before.
Status checkLink(std::span<const GrantRef> visited, GrantRef ref, std::size_t page,
                 std::size_t listed, std::size_t count) {
  if (ref == kInvalidGrantRef) {
    if (page == 0) return invalid("the first directory page's grant reference is 0");
    return invalid("the chain ends after " + str(page) + " pages, which list " + str(listed) +
                   " of the buffer's " + str(count) + " grant references");
  }
  if (std::find(visited.begin(), visited.end(), ref) != visited.end()) {
    return invalid("directory page " + str(page) + " is grant " + str(ref) +
                   ", which the chain already visited (a cycle)");
  }
  return {};
}

// After the last page the count needs: the chain must end there.
Status checkEnd(GrantRef next, std::size_t pages, std::size_t count) {
  if (next == kInvalidGrantRef) return {};
  return invalid("the chain goes on (to grant " + str(next) + ") after the " + str(pages) +
                 " pages that list the buffer's " + str(count) + " grant references");
}

Error pageError(const Error& error, std::size_t page, GrantRef ref) {
  return makeError(error.code, "page directory: page " + str(page) + " (grant " + str(ref) +
                                   "): " + error.message);
}

// A chain of our own pages: as many as needed, no 0, none twice.
Status checkOwnDirectory(std::span<const std::byte> memory, std::span<const GrantRef> dirRefs,
                         std::size_t pagesNeeded) {
  if (dirRefs.size() != pagesNeeded) {
    return invalid(str(pagesNeeded) + " directory pages are needed, " + str(dirRefs.size()) +
                   " references were given");
  }
  if (memory.size() != dirRefs.size() * kPageSize) {
    return invalid(str(dirRefs.size()) + " directory pages need " +
                   str(dirRefs.size() * kPageSize) + " bytes, " + str(memory.size()) +
                   " were given");
  }
  for (std::size_t i = 0; i < dirRefs.size(); ++i) {
    if (dirRefs[i] == kInvalidGrantRef) return invalid("directory page " + str(i) + " is grant 0");
    if (std::find(dirRefs.begin(), dirRefs.begin() + static_cast<std::ptrdiff_t>(i), dirRefs[i]) !=
        dirRefs.begin() + static_cast<std::ptrdiff_t>(i)) {
      return invalid("directory page " + str(i) + " reuses grant " + str(dirRefs[i]));
    }
  }
  return {};
}

// The buffer's own references, as the backend or frontend hands them in.
Status checkBufferRefs(std::span<const GrantRef> refs) {
  if (refs.empty()) return invalid("a buffer has at least one page");
  if (refs.size() > kMaxBufferPages) {
    return invalid(str(refs.size()) + " grant references are more than a buffer of 4 GiB has");
  }
  const auto zero = std::find(refs.begin(), refs.end(), kInvalidGrantRef);
  if (zero != refs.end()) {
    return invalid("buffer page " + str(static_cast<std::size_t>(zero - refs.begin())) +
                   " has grant reference 0");
  }
  return {};
}

// Writes page `page` of a chain of our own pages: its link and its share of `dataRefs`.
void layOutPage(std::span<std::byte> dirMemory, std::span<const GrantRef> dirRefs,
                std::span<const GrantRef> dataRefs, std::size_t page) {
  DirectoryPage out;
  out.next = page + 1 < dirRefs.size() ? dirRefs[page + 1] : kInvalidGrantRef;
  const std::size_t first = page * kRefsPerDirectoryPage;
  if (first < dataRefs.size()) {
    const std::size_t take = std::min(kRefsPerDirectoryPage, dataRefs.size() - first);
    std::copy_n(dataRefs.begin() + static_cast<std::ptrdiff_t>(first), take, out.refs.begin());
  }
  out.copyTo(dirMemory.data() + page * kPageSize);
}

}  // namespace

DirectoryPage DirectoryPage::copyFrom(const std::byte* page) {
  DirectoryPage out;
  std::memcpy(&out.next, page, kNextLinkBytes);
  std::memcpy(out.refs.data(), page + kNextLinkBytes, sizeof out.refs);
  return out;
}

void DirectoryPage::copyTo(std::byte* page) const {
  std::memcpy(page, &next, kNextLinkBytes);
  std::memcpy(page + kNextLinkBytes, refs.data(), sizeof refs);
}

Result<DirectoryPage> GrantDirectoryPageReader::read(GrantRef ref) {
  Result<GrantMapping> mapping = grants_.map(domid_, std::span(&ref, 1), GrantAccess::ReadOnly);
  if (!mapping) return mapping.error();
  if (mapping->size() < kPageSize) return makeError(EIO, "grant mapping is shorter than a page");
  return DirectoryPage::copyFrom(mapping->data());  // then the mapping goes away
}

Result<WritableDirectoryPage> GrantDirectoryPageWriter::mapWritable(GrantRef ref) {
  Result<GrantMapping> mapping = grants_.map(domid_, std::span(&ref, 1), GrantAccess::ReadWrite);
  if (!mapping) return mapping.error();
  if (mapping->size() < kPageSize) return makeError(EIO, "grant mapping is shorter than a page");
  std::byte* data = mapping->data();
  return WritableDirectoryPage{data, std::move(*mapping)};
}

Result<std::byte*> LocalDirectoryPages::find(GrantRef ref) const {
  const auto at = std::find(refs_.begin(), refs_.end(), ref);
  if (at == refs_.end()) {
    return makeError(ENOENT, "grant " + str(ref) + " is not one of our directory pages");
  }
  const auto index = static_cast<std::size_t>(at - refs_.begin());
  if ((index + 1) * kPageSize > memory_.size()) {
    return makeError(EINVAL, "directory page " + str(index) + " lies outside the memory given");
  }
  return memory_.data() + index * kPageSize;
}

Result<DirectoryPage> LocalDirectoryPages::read(GrantRef ref) {
  Result<std::byte*> page = find(ref);
  if (!page) return page.error();
  return DirectoryPage::copyFrom(*page);
}

Result<WritableDirectoryPage> LocalDirectoryPages::mapWritable(GrantRef ref) {
  Result<std::byte*> page = find(ref);
  if (!page) return page.error();
  return WritableDirectoryPage{*page, GrantMapping{}};
}

Result<std::vector<GrantRef>> readPageDirectory(DirectoryPageReader& reader, GrantRef firstDirRef,
                                                std::uint32_t bufferSize) {
  if (bufferSize == 0) return invalid("buffer size 0 has no pages to list");
  const std::size_t count = bufferPageCount(bufferSize);
  const std::size_t pages = directoryPageCount(count);
  std::vector<GrantRef> refs;
  refs.reserve(count);
  std::vector<GrantRef> visited;
  visited.reserve(pages);
  GrantRef ref = firstDirRef;
  for (std::size_t page = 0; page < pages; ++page) {
    if (Status ok = checkLink(visited, ref, page, refs.size(), count); !ok) return ok.error();
    visited.push_back(ref);
    Result<DirectoryPage> dir = reader.read(ref);
    if (!dir) return pageError(dir.error(), page, ref);
    const std::size_t take = std::min(kRefsPerDirectoryPage, count - refs.size());
    for (std::size_t i = 0; i < take; ++i) {
      if (dir->refs[i] == kInvalidGrantRef) {
        return invalid("buffer page " + str(refs.size()) + " (directory page " + str(page) +
                       ", entry " + str(i) + ") has grant reference 0");
      }
      refs.push_back(dir->refs[i]);
    }
    ref = dir->next;
  }
  if (Status ok = checkEnd(ref, pages, count); !ok) return ok.error();
  return refs;
}

Status writePageDirectory(DirectoryPageWriter& writer, GrantRef firstDirRef,
                          std::span<const GrantRef> refs) {
  if (Status ok = checkBufferRefs(refs); !ok) return ok;
  const std::size_t pages = directoryPageCount(refs.size());
  std::vector<GrantRef> visited;
  visited.reserve(pages);
  std::size_t written = 0;
  GrantRef ref = firstDirRef;
  for (std::size_t page = 0; page < pages; ++page) {
    if (Status ok = checkLink(visited, ref, page, written, refs.size()); !ok) return ok;
    visited.push_back(ref);
    Result<WritableDirectoryPage> dir = writer.mapWritable(ref);
    if (!dir) return pageError(dir.error(), page, ref);
    GrantRef next = kInvalidGrantRef;
    std::memcpy(&next, dir->data, kNextLinkBytes);  // the frontend's link, read once
    const std::size_t take = std::min(kRefsPerDirectoryPage, refs.size() - written);
    std::memcpy(dir->data + kNextLinkBytes, refs.data() + written, take * sizeof(GrantRef));
    written += take;
    ref = next;
  }
  return checkEnd(ref, pages, refs.size());
}

Status buildPageDirectory(std::span<std::byte> dirMemory, std::span<const GrantRef> dirRefs,
                          std::span<const GrantRef> dataRefs) {
  if (Status ok = checkBufferRefs(dataRefs); !ok) return ok;
  const std::size_t pages = directoryPageCount(dataRefs.size());
  if (Status ok = checkOwnDirectory(dirMemory, dirRefs, pages); !ok) return ok;
  for (std::size_t page = 0; page < pages; ++page) layOutPage(dirMemory, dirRefs, dataRefs, page);
  return {};
}

Status linkPageDirectory(std::span<std::byte> dirMemory, std::span<const GrantRef> dirRefs) {
  if (dirRefs.empty() || dirRefs.size() > directoryPageCount(kMaxBufferPages)) {
    return invalid(str(dirRefs.size()) + " directory pages: a buffer needs 1 to " +
                   str(directoryPageCount(kMaxBufferPages)));
  }
  if (Status ok = checkOwnDirectory(dirMemory, dirRefs, dirRefs.size()); !ok) return ok;
  for (std::size_t page = 0; page < dirRefs.size(); ++page) {
    layOutPage(dirMemory, dirRefs, {}, page);
  }
  return {};
}

}  // namespace vcam::xen
