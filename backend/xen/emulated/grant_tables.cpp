// SPDX-License-Identifier: MIT
// GrantTables: allocations, grant entries, mappings and the checks Xen makes on each map.
#include "backend/xen/emulated/grant_tables.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include <vcamera/common/checked.h>

#include "backend/base/system_call.h"
#include "backend/xen/emulated/udmabuf.h"
#include "backend/xen/emulated/wire.h"

namespace vcam::xen::emu {
namespace {

using base::systemError;

std::string dom(DomId domid) { return "dom" + std::to_string(domid); }

std::string refName(DomId granter, GrantRef ref) {
  return "ref " + std::to_string(ref) + " of " + dom(granter);
}

// A fresh open file description of the same file: its own access mode, independent offset.
Result<base::UniqueFd> reopen(int fd, int flags) {
  const std::string path = "/proc/self/fd/" + std::to_string(fd);
  base::UniqueFd out(::open(path.c_str(), flags | O_CLOEXEC));
  if (!out) return systemError("reopen " + path);
  return out;
}

Result<std::size_t> bytesOf(std::size_t pages) {
  std::optional<std::size_t> bytes = checkedMul(pages, kPageSize);
  if (!bytes) return makeError(EOVERFLOW, "page count overflows");
  return *bytes;
}

Result<base::UniqueFd> makeMemfd(DomId granter, std::size_t pages) {
  Result<std::size_t> bytes = bytesOf(pages);
  if (!bytes) return bytes.error();
  const std::string name = "vcam-grant-" + dom(granter);
  base::UniqueFd memfd(::memfd_create(name.c_str(), MFD_CLOEXEC | MFD_ALLOW_SEALING));
  if (!memfd) return systemError("memfd_create");
  if (::ftruncate(memfd.get(), static_cast<off_t>(*bytes)) != 0) return systemError("ftruncate");
  // A fixed size: nobody can make a mapper's pages vanish under it (and udmabuf needs it).
  if (::fcntl(memfd.get(), F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) != 0) {
    return systemError("F_ADD_SEALS");
  }
  return memfd;
}

// A file for the mapper: read-only views are separate read-only opens, so a write faults and
// mprotect(PROT_WRITE) is refused, as a read-only grant mapping on Xen.
Result<base::UniqueFd> openFor(int file, GrantAccess access) {
  Result<base::UniqueFd> view = reopen(file, access == GrantAccess::ReadWrite ? O_RDWR : O_RDONLY);
  if (view || access == GrantAccess::ReadOnly) return view;
  // An imported buffer /proc cannot reopen (say a real dma-buf): share the description.
  base::UniqueFd copy(::fcntl(file, F_DUPFD_CLOEXEC, 0));
  if (!copy) return systemError("dup");
  return copy;
}

}  // namespace

void GrantTables::refuse(ViolationKind kind, DomId actor, DomId granter, GrantRef ref,
                         const std::string& text) {
  violations_.record(Violation{kind, actor, granter, ref, text});
}

Result<AllocationId> GrantTables::grantAll(ConnectionId connection, DomId granter, DomId grantee,
                                           base::UniqueFd file, std::size_t pages,
                                           GrantAccess access, bool imported) {
  Table& table = tables_[granter];
  const std::size_t available = (kTableSize - table.nextFresh) + table.freed.size();
  if (pages > available) {
    return makeError(ENOSPC, "the grant table of " + dom(granter) + " is full");
  }
  const AllocationId id = nextAllocation_++;
  Allocation allocation;
  allocation.granter = granter;
  allocation.connection = connection;
  allocation.file = std::move(file);
  allocation.imported = imported;
  allocation.refs.reserve(pages);
  for (std::size_t page = 0; page < pages; ++page) {
    GrantRef ref = kInvalidGrantRef;
    if (table.nextFresh < kTableSize) {
      ref = table.nextFresh++;
    } else {
      ref = table.freed.front();
      table.freed.pop_front();
    }
    table.entries.emplace(ref, Entry{grantee, access, id, static_cast<std::uint32_t>(page)});
    allocation.refs.push_back(ref);
  }
  allocation.liveEntries = pages;
  allocations_.emplace(id, std::move(allocation));
  return id;
}

Result<ShareResult> GrantTables::share(ConnectionId connection, DomId granter, DomId grantee,
                                       std::size_t pages, GrantAccess access) {
  if (pages == 0 || pages > wire::kMaxRefsPerRequest) {
    return makeError(EINVAL, "share: " + std::to_string(pages) + " pages is out of range");
  }
  Result<base::UniqueFd> memfd = makeMemfd(granter, pages);
  if (!memfd) return memfd.error();
  Result<base::UniqueFd> own = reopen(memfd->get(), O_RDWR);
  if (!own) return own.error();
  Result<AllocationId> id =
      grantAll(connection, granter, grantee, std::move(*memfd), pages, access, false);
  if (!id) return id.error();
  return ShareResult{*id, allocations_.at(*id).refs, std::move(*own)};
}

Result<ImportResult> GrantTables::importDmaBuf(ConnectionId connection, DomId granter,
                                               DomId grantee, base::UniqueFd file,
                                               std::size_t pages) {
  if (pages == 0 || pages > wire::kMaxRefsPerRequest) {
    return makeError(EINVAL, "import: " + std::to_string(pages) + " pages is out of range");
  }
  Result<std::size_t> bytes = bytesOf(pages);
  if (!bytes) return bytes.error();
  const off_t size = ::lseek(file.get(), 0, SEEK_END);
  if (size < 0) return makeError(EINVAL, "import: the buffer has no size (not a dma-buf?)");
  if (static_cast<std::size_t>(size) != *bytes) {
    return makeError(EINVAL, "import: the buffer is " + std::to_string(size) + " bytes, not " +
                                 std::to_string(pages) + " pages (gntdev needs an exact size)");
  }
  // Keep the grantee's pages from vanishing; a file that cannot be sealed is taken as is.
  (void)::fcntl(file.get(), F_ADD_SEALS, F_SEAL_SHRINK);
  Result<AllocationId> id =
      grantAll(connection, granter, grantee, std::move(file), pages, GrantAccess::ReadWrite, true);
  if (!id) return id.error();
  return ImportResult{*id, allocations_.at(*id).refs};
}

void GrantTables::releaseEntry(DomId granter, GrantRef ref) {
  Table& table = tables_[granter];
  auto entry = table.entries.find(ref);
  if (entry == table.entries.end()) return;
  const AllocationId id = entry->second.allocation;
  table.entries.erase(entry);
  table.freed.push_back(ref);
  auto allocation = allocations_.find(id);
  if (allocation != allocations_.end() && --allocation->second.liveEntries == 0) {
    allocations_.erase(allocation);  // closes the file: the broker's last hold on the pages
  }
}

void GrantTables::endGrants(AllocationId id, bool quietly) {
  auto allocation = allocations_.find(id);
  if (allocation == allocations_.end()) return;
  allocation->second.ended = true;
  const DomId granter = allocation->second.granter;
  const bool imported = allocation->second.imported;
  const std::vector<GrantRef> refs = allocation->second.refs;  // the allocation may go below
  Table& table = tables_[granter];
  std::size_t mapped = 0;
  GrantRef firstMapped = kInvalidGrantRef;
  DomId mapper = 0;
  for (GrantRef ref : refs) {
    auto entry = table.entries.find(ref);
    if (entry == table.entries.end()) continue;
    entry->second.ended = true;
    if (entry->second.mapCount > 0 && mapped++ == 0) {
      firstMapped = ref;
      mapper = entry->second.grantee;
    }
  }
  if (mapped > 0 && !quietly) {
    refuse(imported ? ViolationKind::ReleaseImportWhileMapped : ViolationKind::UnshareWhileMapped,
           granter, granter, firstMapped,
           dom(granter) + " ended " + std::to_string(mapped) + " grant(s) still mapped by " +
               dom(mapper) + " (first: " + refName(granter, firstMapped) +
               "); the pages stay pinned until unmapped");
  }
  for (GrantRef ref : refs) {
    auto entry = table.entries.find(ref);
    if (entry != table.entries.end() && entry->second.mapCount == 0) releaseEntry(granter, ref);
  }
}

Status GrantTables::endAllocation(ConnectionId connection, AllocationId id, bool imported) {
  auto allocation = allocations_.find(id);
  if (allocation == allocations_.end() || allocation->second.connection != connection ||
      allocation->second.imported != imported || allocation->second.ended) {
    return makeError(ENOENT, std::string(imported ? "no such import" : "no such share") +
                                 " on this handle: " + std::to_string(id));
  }
  endGrants(id, false);
  return {};
}

Status GrantTables::unshare(ConnectionId connection, AllocationId id) {
  return endAllocation(connection, id, false);
}

Status GrantTables::releaseImport(ConnectionId connection, AllocationId id) {
  return endAllocation(connection, id, true);
}

Status GrantTables::checkRef(DomId mapper, DomId granter, GrantRef ref, GrantAccess access) {
  const std::string name = dom(mapper) + " mapping " + refName(granter, ref);
  if (!domainExists_(granter)) {
    refuse(ViolationKind::MapUnknownDomain, mapper, granter, ref, name + ": no such domain");
    return makeError(ESRCH, name + ": no such domain");
  }
  auto table = tables_.find(granter);
  if (table == tables_.end() || ref < kFirstRef || ref >= table->second.nextFresh) {
    refuse(ViolationKind::MapNeverGranted, mapper, granter, ref, name + ": never granted");
    return makeError(ENOENT, name + ": never granted");
  }
  auto entry = table->second.entries.find(ref);
  if (entry == table->second.entries.end() || entry->second.ended) {
    refuse(ViolationKind::MapRevoked, mapper, granter, ref, name + ": the grant has ended");
    return makeError(ENOENT, name + ": the grant has ended");
  }
  if (entry->second.grantee != mapper) {
    const std::string text = name + ": granted to " + dom(entry->second.grantee);
    refuse(ViolationKind::MapWrongDomain, mapper, granter, ref, text);
    return makeError(EPERM, text);
  }
  if (access == GrantAccess::ReadWrite && entry->second.access == GrantAccess::ReadOnly) {
    const std::string text = name + ": read-write asked of a read-only grant";
    refuse(ViolationKind::MapReadOnlyAsWritable, mapper, granter, ref, text);
    return makeError(EACCES, text);
  }
  return {};
}

Status GrantTables::checkWholeAllocation(DomId mapper, DomId granter, AllocationId id,
                                         GrantAccess access) {
  const Table& table = tables_.at(granter);
  for (GrantRef ref : allocations_.at(id).refs) {
    auto entry = table.entries.find(ref);
    const bool granted =
        entry != table.entries.end() && !entry->second.ended && entry->second.grantee == mapper &&
        (access == GrantAccess::ReadOnly || entry->second.access == GrantAccess::ReadWrite);
    if (!granted) {
      const std::string text = dom(mapper) + " would reach " + refName(granter, ref) +
                               ", which is not granted to it; the emulation refuses";
      refuse(ViolationKind::PartialAllocation, mapper, granter, ref, text);
      return makeError(EPERM, text);
    }
  }
  return {};
}

Result<MapResult> GrantTables::admit(ConnectionId connection, DomId mapper, DomId granter,
                                     std::span<const GrantRef> refs, GrantAccess access,
                                     bool isExport) {
  if (refs.empty() || refs.size() > wire::kMaxRefsPerRequest) {
    return makeError(EINVAL, "map: " + std::to_string(refs.size()) + " refs is out of range");
  }
  auto perConnection = mappingsPerConnection_.find(connection);
  if (perConnection != mappingsPerConnection_.end() &&
      perConnection->second >= kMaxMappingsPerConnection) {
    return makeError(ENOSPC, "map: too many mappings on this handle");
  }
  for (GrantRef ref : refs) {
    if (Status checked = checkRef(mapper, granter, ref, access); !checked) return checked.error();
  }
  // Runs of consecutive pages of one allocation, and one file per allocation.
  MapResult result;
  const Table& table = tables_.at(granter);
  std::map<AllocationId, std::uint32_t> fdIndex;
  for (GrantRef ref : refs) {
    const Entry& entry = table.entries.at(ref);
    auto [slot, added] =
        fdIndex.emplace(entry.allocation, static_cast<std::uint32_t>(result.allocations.size()));
    if (added) result.allocations.push_back(entry.allocation);
    if (!result.runs.empty() && result.runs.back().fdIndex == slot->second &&
        result.runs.back().firstPage + result.runs.back().pages == entry.page) {
      ++result.runs.back().pages;
    } else {
      result.runs.push_back(PageRun{slot->second, entry.page, 1});
    }
  }
  if (result.allocations.size() > wire::kMaxFdsPerMessage) {
    return makeError(E2BIG, "map: the refs span more than " +
                                std::to_string(wire::kMaxFdsPerMessage) +
                                " allocations; the emulation needs smaller maps");
  }
  for (AllocationId id : result.allocations) {
    if (Status whole = checkWholeAllocation(mapper, granter, id, access); !whole) {
      return whole.error();
    }
    if (!isExport) {
      Result<base::UniqueFd> file = openFor(allocations_.at(id).file.get(), access);
      if (!file) return file.error();
      result.files.push_back(std::move(*file));
    }
  }
  result.id = record(connection, granter, refs, isExport);
  return result;
}

MappingId GrantTables::record(ConnectionId connection, DomId granter,
                              std::span<const GrantRef> refs, bool isExport) {
  Table& table = tables_.at(granter);
  for (GrantRef ref : refs) ++table.entries.at(ref).mapCount;
  const MappingId id = nextMapping_++;
  mappings_.emplace(id, Mapping{connection, granter, {refs.begin(), refs.end()}, isExport});
  ++mappingsPerConnection_[connection];
  return id;
}

Result<MapResult> GrantTables::map(ConnectionId connection, DomId mapper, DomId granter,
                                   std::span<const GrantRef> refs, GrantAccess access) {
  return admit(connection, mapper, granter, refs, access, false);
}

Status GrantTables::unmap(ConnectionId connection, MappingId id) {
  return dropMapping(connection, id, false);
}

Result<base::UniqueFd> GrantTables::makeDmaBuf(const MapResult& mapped) const {
  std::vector<MemfdRange> ranges;
  for (const PageRun& run : mapped.runs) {
    const int file = allocations_.at(mapped.allocations[run.fdIndex]).file.get();
    ranges.push_back(
        {file, std::uint64_t{run.firstPage} * kPageSize, std::uint64_t{run.pages} * kPageSize});
  }
  Result<base::UniqueFd> udmabuf = createUdmabuf(ranges);
  if (udmabuf) return udmabuf;
  // No udmabuf: the allocation's own file is the dma-buf, so it must be exactly the refs.
  const PageRun& first = mapped.runs.front();
  const Allocation& allocation = allocations_.at(mapped.allocations.front());
  if (mapped.runs.size() != 1 || first.firstPage != 0 || first.pages != allocation.refs.size()) {
    return makeError(EINVAL,
                     "exportDmaBuf: without /dev/udmabuf (" + udmabuf.error().message +
                         ") the emulation exports whole allocations only: pass every ref of "
                         "one share, in order");
  }
  return openFor(allocation.file.get(), GrantAccess::ReadWrite);
}

Result<ExportResult> GrantTables::exportDmaBuf(ConnectionId connection, DomId mapper, DomId granter,
                                               std::span<const GrantRef> refs) {
  // gntdev maps exported grants writable, so read-only grants are refused as for map().
  Result<MapResult> mapped = admit(connection, mapper, granter, refs, GrantAccess::ReadWrite, true);
  if (!mapped) return mapped.error();
  Result<base::UniqueFd> dmabuf = makeDmaBuf(*mapped);
  if (!dmabuf) {
    (void)dropMapping(connection, mapped->id, true);
    return dmabuf.error();
  }
  return ExportResult{mapped->id, std::move(*dmabuf)};
}

Status GrantTables::releaseExport(ConnectionId connection, MappingId id) {
  return dropMapping(connection, id, true);
}

Status GrantTables::dropMapping(ConnectionId connection, MappingId id, bool isExport) {
  auto mapping = mappings_.find(id);
  if (mapping == mappings_.end() || mapping->second.connection != connection ||
      mapping->second.isExport != isExport) {
    return makeError(ENOENT, std::string(isExport ? "no such export" : "no such mapping") +
                                 " on this handle: " + std::to_string(id));
  }
  const DomId granter = mapping->second.granter;
  const std::vector<GrantRef> refs = std::move(mapping->second.refs);
  mappings_.erase(mapping);
  auto perConnection = mappingsPerConnection_.find(connection);
  if (perConnection != mappingsPerConnection_.end() && --perConnection->second == 0) {
    mappingsPerConnection_.erase(perConnection);
  }
  Table& table = tables_[granter];
  for (GrantRef ref : refs) {
    auto entry = table.entries.find(ref);
    if (entry == table.entries.end() || entry->second.mapCount == 0) continue;
    if (--entry->second.mapCount == 0 && entry->second.ended) releaseEntry(granter, ref);
  }
  return {};
}

void GrantTables::dropConnection(ConnectionId connection) {
  std::vector<std::pair<MappingId, bool>> mappings;
  for (const auto& [id, mapping] : mappings_) {
    if (mapping.connection == connection) mappings.emplace_back(id, mapping.isExport);
  }
  for (const auto& [id, isExport] : mappings) (void)dropMapping(connection, id, isExport);
  std::vector<AllocationId> allocations;
  for (const auto& [id, allocation] : allocations_) {
    if (allocation.connection == connection && !allocation.ended) allocations.push_back(id);
  }
  for (AllocationId id : allocations) endGrants(id, true);
}

std::size_t GrantTables::grantsActive() const {
  std::size_t total = 0;
  for (const auto& [domid, table] : tables_) {
    for (const auto& [ref, entry] : table.entries) total += entry.ended ? 0 : 1;
  }
  return total;
}

std::size_t GrantTables::grantsEndedButMapped() const {
  std::size_t total = 0;
  for (const auto& [domid, table] : tables_) {
    for (const auto& [ref, entry] : table.entries) total += entry.ended ? 1 : 0;
  }
  return total;
}

std::size_t GrantTables::exportsActive() const {
  std::size_t total = 0;
  for (const auto& [id, mapping] : mappings_) total += mapping.isExport ? 1 : 0;
  return total;
}

}  // namespace vcam::xen::emu
