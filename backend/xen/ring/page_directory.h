// SPDX-License-Identifier: MIT
// cameraif buffer page directories: reading and filling chains of directory pages, bounded.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include <vcamera/cameraif.h>
#include <vcamera/common/result.h>

#include "backend/xen/transport.h"

namespace vcam::xen {

// A buffer's grant references are listed, in order, across a chain of directory pages
// (struct xencamera_page_directory): each page starts with the next page's reference (0 ends
// the chain) and holds 1023 references. The count is never sent: both ends compute
// ceil(size / 4096) from BUF_GET_LAYOUT.size. Every walk here is bounded by that count - it
// never visits more pages than the count needs, and checks that the last one ends the chain.

/// Grant references one directory page holds: (4096 - 4) / 4.
inline constexpr std::size_t kRefsPerDirectoryPage = VCAMERA_GREFS_PER_DIRECTORY_PAGE;

/// ceil(bufferSize / 4096): the buffer's grant references.
[[nodiscard]] constexpr std::size_t bufferPageCount(std::uint32_t bufferSize) {
  return bufferSize / kPageSize + (bufferSize % kPageSize != 0 ? 1 : 0);
}

/// ceil(refCount / 1023): the directory pages that list `refCount` references.
[[nodiscard]] constexpr std::size_t directoryPageCount(std::size_t refCount) {
  return refCount / kRefsPerDirectoryPage + (refCount % kRefsPerDirectoryPage != 0 ? 1 : 0);
}

/// A private copy of one directory page.
struct DirectoryPage {
  GrantRef next = kInvalidGrantRef;  ///< gref_dir_next_page
  std::array<GrantRef, kRefsPerDirectoryPage> refs{};

  /// Copies a page's 4096 bytes (from shared memory: read once, here).
  [[nodiscard]] static DirectoryPage copyFrom(const std::byte* page);
  /// Writes this page's 4096 bytes.
  void copyTo(std::byte* page) const;
};

/// Where directory pages come from, one at a time, as private copies.
class DirectoryPageReader {
 public:
  virtual ~DirectoryPageReader() = default;
  /// The page granted as `ref`, copied. Errors are the source's (e.g. a grant not given).
  [[nodiscard]] virtual Result<DirectoryPage> read(GrantRef ref) = 0;
};

/// A directory page mapped read-write: `data` points at kPageSize bytes that stay valid while
/// `mapping` lives (an empty mapping when the memory is ours).
struct WritableDirectoryPage {
  std::byte* data = nullptr;
  GrantMapping mapping;
};

/// Maps the pages of a directory the frontend provided, for the backend to fill (be-alloc).
class DirectoryPageWriter {
 public:
  virtual ~DirectoryPageWriter() = default;
  [[nodiscard]] virtual Result<WritableDirectoryPage> mapWritable(GrantRef ref) = 0;
};

/// Backend side: directory pages granted by domain `domid`, each mapped read-only, copied and
/// unmapped before read() returns. Borrows `grants`.
class GrantDirectoryPageReader final : public DirectoryPageReader {
 public:
  GrantDirectoryPageReader(GrantTable& grants, DomId domid) : grants_(grants), domid_(domid) {}
  [[nodiscard]] Result<DirectoryPage> read(GrantRef ref) override;

 private:
  GrantTable& grants_;
  DomId domid_;
};

/// Backend side (be-alloc): directory pages granted by domain `domid`, mapped read-write one
/// at a time. Borrows `grants`.
class GrantDirectoryPageWriter final : public DirectoryPageWriter {
 public:
  GrantDirectoryPageWriter(GrantTable& grants, DomId domid) : grants_(grants), domid_(domid) {}
  [[nodiscard]] Result<WritableDirectoryPage> mapWritable(GrantRef ref) override;

 private:
  GrantTable& grants_;
  DomId domid_;
};

/// Frontend side: directory pages in memory we own (e.g. SharedPages), page i granted as
/// refs[i]; `memory` holds refs.size() pages. Reading lets the frontend take back what the
/// backend wrote (be-alloc). Borrows the memory.
class LocalDirectoryPages final : public DirectoryPageReader, public DirectoryPageWriter {
 public:
  LocalDirectoryPages(std::span<std::byte> memory, std::span<const GrantRef> refs)
      : memory_(memory), refs_(refs) {}
  /// ENOENT for a reference that is not one of ours.
  [[nodiscard]] Result<DirectoryPage> read(GrantRef ref) override;
  [[nodiscard]] Result<WritableDirectoryPage> mapWritable(GrantRef ref) override;

 private:
  [[nodiscard]] Result<std::byte*> find(GrantRef ref) const;

  std::span<std::byte> memory_;
  std::span<const GrantRef> refs_;
};

/// Backend side: the ceil(bufferSize / 4096) grant references of a buffer whose directory
/// starts at `firstDirRef`. Reads exactly the pages needed, in chain order. EINVAL, each with
/// its own message, for: size 0, first reference 0, a directory page seen twice (a cycle),
/// a chain that ends before the count (next 0), one that goes on after it (the last page's
/// next not 0), and a reference 0 among the buffer's. The reader's errors pass through.
[[nodiscard]] Result<std::vector<GrantRef>> readPageDirectory(DirectoryPageReader& reader,
                                                              GrantRef firstDirRef,
                                                              std::uint32_t bufferSize);

/// Backend side (be-alloc): writes `refs` into the directory the frontend provided (it set
/// the next links; each is read once, before it is followed). The same chain rules as
/// readPageDirectory(); EINVAL also for no refs, more than a 4 GiB buffer's or a 0 among
/// them. Pages before a bad link are written already: the frontend must not use the buffer.
[[nodiscard]] Status writePageDirectory(DirectoryPageWriter& writer, GrantRef firstDirRef,
                                        std::span<const GrantRef> refs);

/// Frontend side: lays out the directory of `dataRefs` in pages we own: page i links
/// dirRefs[i + 1] (0 on the last) and lists the next 1023 data references; the rest of the
/// last page is zeroed. dirRefs must be directoryPageCount(dataRefs.size()) long and
/// `dirMemory` as many pages. EINVAL on a size mismatch or a 0 reference.
[[nodiscard]] Status buildPageDirectory(std::span<std::byte> dirMemory,
                                        std::span<const GrantRef> dirRefs,
                                        std::span<const GrantRef> dataRefs);

/// Frontend side, be-alloc: the same chain with no data references (all zero), for the
/// backend to fill with writePageDirectory(). dirMemory holds dirRefs.size() pages.
[[nodiscard]] Status linkPageDirectory(std::span<std::byte> dirMemory,
                                       std::span<const GrantRef> dirRefs);

}  // namespace vcam::xen
