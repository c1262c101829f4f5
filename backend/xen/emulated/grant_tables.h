// SPDX-License-Identifier: MIT
// The broker's grant tables: memfd allocations, per-domain grant entries, mappings, and the
// checks real Xen makes before it lets one domain map another's page.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <span>
#include <vector>

#include <vcamera/common/result.h>

#include "backend/base/unique_fd.h"
#include "backend/xen/emulated/event_channel_table.h"
#include "backend/xen/emulated/report.h"
#include "backend/xen/transport.h"

namespace vcam::xen::emu {

using AllocationId = std::uint64_t;
using MappingId = std::uint64_t;

/// Consecutive pages of one allocation, in the order a mapping wants them.
struct PageRun {
  std::uint32_t fdIndex = 0;    ///< index into the reply's fds
  std::uint32_t firstPage = 0;  ///< page offset into that allocation
  std::uint32_t pages = 0;
};

struct ShareResult {
  AllocationId id = 0;
  std::vector<GrantRef> refs;
  base::UniqueFd memory;  ///< read-write, for the granter to map
};

struct MapResult {
  MappingId id = 0;
  std::vector<PageRun> runs;
  std::vector<base::UniqueFd> files;      ///< one per allocation involved, read-only if asked so
  std::vector<AllocationId> allocations;  ///< the allocation behind each fdIndex
};

struct ExportResult {
  MappingId id = 0;
  base::UniqueFd dmabuf;
};

struct ImportResult {
  AllocationId id = 0;
  std::vector<GrantRef> refs;
};

/// Every domain's grant table. An "allocation" is one memfd (a share, or an imported dma-buf):
/// all its pages are granted to one domain with one access. Granted memory is only ever
/// reached through an allocation's file, and that file is handed to a mapper only when every
/// page of it is granted to the mapper (with write access for a writable file), so a mapper
/// never reaches memory it was not granted.
///  - Refs: kFirstRef .. kTableSize-1 per domain (Linux reserves 0-7; 64 v1 grant frames).
///    Fresh refs first, then freed ones oldest first; a ref is freed only once its grant has
///    ended and no mapping holds it, so it is never reused while mapped.
///  - map()/exportDmaBuf() check every ref as Xen does and record a Violation for each
///    refusal: ENOENT never granted or ended, EPERM granted to another domain, EACCES
///    ReadWrite asked of a read-only grant, ESRCH unknown domain.
///  - unshare()/releaseImport() while a page is still mapped: the grants end (no new mapping
///    can be made), the existing mapping keeps working until unmapped (Linux leaks the page
///    the same way), and a Violation is recorded.
///  - A connection that closes loses its mappings and ends its grants without a violation: a
///    dying domain's pages may stay mapped by a backend until it unmaps, as on Xen.
class GrantTables {
 public:
  static constexpr GrantRef kFirstRef = 8;
  static constexpr GrantRef kTableSize = 32768;
  static constexpr std::size_t kMaxMappingsPerConnection = 4096;

  GrantTables(std::function<bool(DomId)> domainExists, ViolationLog& violations)
      : domainExists_(std::move(domainExists)), violations_(violations) {}

  [[nodiscard]] Result<ShareResult> share(ConnectionId connection, DomId granter, DomId grantee,
                                          std::size_t pages, GrantAccess access);
  [[nodiscard]] Status unshare(ConnectionId connection, AllocationId id);
  [[nodiscard]] Result<MapResult> map(ConnectionId connection, DomId mapper, DomId granter,
                                      std::span<const GrantRef> refs, GrantAccess access);
  [[nodiscard]] Status unmap(ConnectionId connection, MappingId id);
  /// The dma-buf covers exactly the granted pages: a udmabuf when the kernel has one, else
  /// the allocation's own file, which needs `refs` to be one whole allocation in order
  /// (EINVAL otherwise). Counts as a mapping until releaseExport().
  [[nodiscard]] Result<ExportResult> exportDmaBuf(ConnectionId connection, DomId mapper,
                                                  DomId granter, std::span<const GrantRef> refs);
  [[nodiscard]] Status releaseExport(ConnectionId connection, MappingId id);
  /// Grants every page of `file` (exactly `pages` pages, else EINVAL) read-write to `grantee`.
  [[nodiscard]] Result<ImportResult> importDmaBuf(ConnectionId connection, DomId granter,
                                                  DomId grantee, base::UniqueFd file,
                                                  std::size_t pages);
  [[nodiscard]] Status releaseImport(ConnectionId connection, AllocationId id);
  void dropConnection(ConnectionId connection);

  [[nodiscard]] std::size_t grantsActive() const;
  [[nodiscard]] std::size_t grantsEndedButMapped() const;
  [[nodiscard]] std::size_t mappingsActive() const { return mappings_.size(); }
  [[nodiscard]] std::size_t exportsActive() const;

 private:
  struct Entry {
    DomId grantee = 0;
    GrantAccess access = GrantAccess::ReadOnly;
    AllocationId allocation = 0;
    std::uint32_t page = 0;
    bool ended = false;
    std::uint32_t mapCount = 0;
  };
  struct Table {
    std::map<GrantRef, Entry> entries;
    GrantRef nextFresh = kFirstRef;
    std::deque<GrantRef> freed;
  };
  struct Allocation {
    DomId granter = 0;
    ConnectionId connection = 0;
    base::UniqueFd file;
    std::vector<GrantRef> refs;  ///< refs[i] grants page i
    bool imported = false;
    bool ended = false;
    std::size_t liveEntries = 0;  ///< entries not yet freed
  };
  struct Mapping {
    ConnectionId connection = 0;
    DomId granter = 0;
    std::vector<GrantRef> refs;
    bool isExport = false;
  };

  Result<AllocationId> grantAll(ConnectionId connection, DomId granter, DomId grantee,
                                base::UniqueFd file, std::size_t pages, GrantAccess access,
                                bool imported);
  Status endAllocation(ConnectionId connection, AllocationId id, bool imported);
  void endGrants(AllocationId id, bool quietly);
  void releaseEntry(DomId granter, GrantRef ref);
  Status checkRef(DomId mapper, DomId granter, GrantRef ref, GrantAccess access);
  Status checkWholeAllocation(DomId mapper, DomId granter, AllocationId id, GrantAccess access);
  Result<MapResult> admit(ConnectionId connection, DomId mapper, DomId granter,
                          std::span<const GrantRef> refs, GrantAccess access, bool isExport);
  Result<base::UniqueFd> makeDmaBuf(const MapResult& mapped) const;
  MappingId record(ConnectionId connection, DomId granter, std::span<const GrantRef> refs,
                   bool isExport);
  Status dropMapping(ConnectionId connection, MappingId id, bool isExport);
  void refuse(ViolationKind kind, DomId actor, DomId granter, GrantRef ref,
              const std::string& text);

  std::function<bool(DomId)> domainExists_;
  ViolationLog& violations_;
  std::map<DomId, Table> tables_;
  std::map<AllocationId, Allocation> allocations_;
  std::map<MappingId, Mapping> mappings_;
  std::map<ConnectionId, std::size_t> mappingsPerConnection_;
  AllocationId nextAllocation_ = 1;
  MappingId nextMapping_ = 1;
};

}  // namespace vcam::xen::emu
