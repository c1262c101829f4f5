// SPDX-License-Identifier: MIT
// EmulatedGrantTable and EmulatedGrantSharer: grant requests, mmap of the broker's files,
// and the dma-buf release wait.
#include "backend/xen/emulated/client_grants.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <vector>

#include "backend/base/system_call.h"
#include "backend/xen/emulated/client_registry.h"

namespace vcam::xen::emu {
namespace {

using base::systemError;

using wire::Op;

Error badReply(std::string_view what) {
  return makeError(EPROTO, "malformed " + std::string(what) + " reply from the broker");
}

Status checkPageCount(std::size_t pages, std::string_view what) {
  if (pages == 0 || pages > wire::kMaxRefsPerRequest) {
    return makeError(EINVAL, std::string(what) + ": " + std::to_string(pages) +
                                 " pages is out of range (1.." +
                                 std::to_string(wire::kMaxRefsPerRequest) + ")");
  }
  return {};
}

struct Run {
  std::uint32_t fdIndex = 0;
  std::uint32_t firstPage = 0;
  std::uint32_t pages = 0;
};

// Runs must cover exactly `pages` pages and name descriptors that came with the reply.
bool validRuns(const std::vector<Run>& runs, std::size_t pages, std::size_t files) {
  std::size_t total = 0;
  for (const Run& run : runs) {
    if (run.pages == 0 || run.fdIndex >= files || run.pages > pages - total) return false;
    total += run.pages;
  }
  return total == pages;
}

void* mapRuns(const std::vector<Run>& runs, const std::vector<base::UniqueFd>& files,
              std::size_t pages, GrantAccess access, Error& error) {
  const std::size_t bytes = pages * kPageSize;
  // Reserve the whole range first so the pages land contiguously, as gntdev maps them.
  void* base =
      ::mmap(nullptr, bytes, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (base == MAP_FAILED) {
    error = systemError("reserve a grant mapping");
    return nullptr;
  }
  const int prot = access == GrantAccess::ReadWrite ? PROT_READ | PROT_WRITE : PROT_READ;
  std::size_t done = 0;
  for (const Run& run : runs) {
    void* at = static_cast<std::byte*>(base) + done * kPageSize;
    const auto offset = static_cast<off_t>(std::size_t{run.firstPage} * kPageSize);
    if (::mmap(at, std::size_t{run.pages} * kPageSize, prot, MAP_SHARED | MAP_FIXED,
               files[run.fdIndex].get(), offset) == MAP_FAILED) {
      error = systemError("map granted pages");
      ::munmap(base, bytes);
      return nullptr;
    }
    done += run.pages;
  }
  (void)::madvise(base, bytes, MADV_DONTFORK);
  return base;
}

}  // namespace

// ---- EmulatedGrantTable -------------------------------------------------------------------------

Result<std::unique_ptr<EmulatedGrantTable>> EmulatedGrantTable::create(
    const std::string& socketPath, DomId domid) {
  Result<std::unique_ptr<BrokerConnection>> connection =
      BrokerConnection::open(socketPath, domid, wire::ConnectionKind::Grants);
  if (!connection) return connection.error();
  return std::unique_ptr<EmulatedGrantTable>(new EmulatedGrantTable(std::move(*connection)));
}

EmulatedGrantTable::~EmulatedGrantTable() {
  // Handles must not outlive us; if some did, their pages go now (the broker drops our
  // mappings when the connection closes), so a late access faults instead of going unseen.
  for (const auto& [address, mapped] : mappings_) {
    ::munmap(address, mapped.pages * kPageSize);
    registry::removeMapping(address);
  }
}

Status EmulatedGrantTable::releaseAtBroker(Op op, std::uint64_t id) {
  wire::Writer request(op);
  request.u64(id);
  Result<BrokerConnection::Reply> reply = connection_->call(request);
  if (!reply) return reply.error();
  return {};
}

Result<GrantMapping> EmulatedGrantTable::map(DomId domid, std::span<const GrantRef> refs,
                                             GrantAccess access) {
  if (Status count = checkPageCount(refs.size(), "map"); !count) return count.error();
  wire::Writer request(Op::GntMap);
  request.u16(domid).u8(static_cast<std::uint8_t>(access)).u32s(refs);
  Result<BrokerConnection::Reply> reply = connection_->call(request);
  if (!reply) return reply.error();
  wire::Reader in = reply->payload();
  const std::uint64_t id = in.u64();
  const std::uint32_t runCount = in.count(refs.size());
  std::vector<Run> runs(runCount);
  for (Run& run : runs) {
    run.fdIndex = in.u32();
    run.firstPage = in.u32();
    run.pages = in.u32();
  }
  const std::vector<base::UniqueFd>& files = reply->message.fds;
  if (!in.finish() || !validRuns(runs, refs.size(), files.size())) {
    (void)releaseAtBroker(Op::GntUnmap, id);
    return badReply("map");
  }
  Error error;
  void* address = mapRuns(runs, files, refs.size(), access, error);
  if (address == nullptr) {
    (void)releaseAtBroker(Op::GntUnmap, id);
    return error;
  }
  registry::addMapping(address, refs.size() * kPageSize);
  mappings_[address] = Mapped{id, refs.size()};
  return GrantMapping(this, address, refs.size(), access);
}

void EmulatedGrantTable::unmap(void* address, std::size_t pages) noexcept {
  ::munmap(address, pages * kPageSize);
  registry::removeMapping(address);
  auto it = mappings_.find(address);
  if (it == mappings_.end()) return;
  (void)releaseAtBroker(Op::GntUnmap, it->second.id);  // only now: the pages are really gone
  mappings_.erase(it);
}

Result<ExportedDmaBuf> EmulatedGrantTable::exportDmaBuf(DomId domid, std::span<const GrantRef> refs,
                                                        DmaBufMemory memory) {
  if (Status count = checkPageCount(refs.size(), "exportDmaBuf"); !count) return count.error();
  wire::Writer request(Op::GntExport);
  request.u16(domid).u8(static_cast<std::uint8_t>(memory)).u32s(refs);
  Result<BrokerConnection::Reply> reply = connection_->call(request);
  if (!reply) return reply.error();
  wire::Reader in = reply->payload();
  const std::uint64_t id = in.u64();
  if (!in.finish() || reply->message.fds.size() != 1) {
    (void)releaseAtBroker(Op::GntReleaseExport, id);
    return badReply("exportDmaBuf");
  }
  base::UniqueFd dmabuf = std::move(reply->message.fds.front());
  struct stat info {};
  if (::fstat(dmabuf.get(), &info) != 0) {
    Error error = systemError("fstat the exported dma-buf");
    (void)releaseAtBroker(Op::GntReleaseExport, id);
    return error;
  }
  // A record left by an export whose wait timed out under the same number is superseded:
  // that export stays mapped at the broker until this handle closes, as gntdev would keep it.
  exports_[dmabuf.get()] = Export{id, info.st_dev, info.st_ino};
  registry::addExportFd(dmabuf.get());
  return ExportedDmaBuf(this, std::move(dmabuf), refs.size());
}

Status EmulatedGrantTable::waitReleased(int closedFd, std::uint32_t timeoutMs) {
  auto it = exports_.find(closedFd);
  if (it == exports_.end()) return {};  // ENOENT: released already, which is success
  registry::removeExportFd(closedFd);
  const Export record = it->second;
  exports_.erase(it);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
  // This is the blocking wait itself (EXP_WAIT_RELEASED): nothing signals a munmap, so look.
  while (registry::fileInUse(record.device, record.inode)) {
    if (std::chrono::steady_clock::now() >= deadline) {
      return makeError(ETIMEDOUT,
                       "exported dma-buf still in use after " + std::to_string(timeoutMs) + " ms");
    }
    (void)::poll(nullptr, 0, kReleasePollMs);
  }
  return releaseAtBroker(Op::GntReleaseExport, record.id);
}

Result<ImportedDmaBuf> EmulatedGrantTable::importDmaBuf(DomId domid, int dmabufFd,
                                                        std::size_t pages) {
  if (Status count = checkPageCount(pages, "importDmaBuf"); !count) return count.error();
  base::UniqueFd copy(::fcntl(dmabufFd, F_DUPFD_CLOEXEC, 0));
  if (!copy) return systemError("importDmaBuf: dup");
  wire::Writer request(Op::GntImport);
  request.u16(domid).u32(static_cast<std::uint32_t>(pages));
  const int fd = copy.get();
  Result<BrokerConnection::Reply> reply = connection_->call(request, std::span<const int>(&fd, 1));
  if (!reply) return reply.error();
  wire::Reader in = reply->payload();
  const std::uint64_t id = in.u64();
  std::vector<GrantRef> refs = in.u32s(pages);
  if (!in.finish() || refs.size() != pages) {
    (void)releaseAtBroker(Op::GntReleaseImport, id);
    return badReply("importDmaBuf");
  }
  imports_[copy.get()] = id;
  return ImportedDmaBuf(this, std::move(copy), std::move(refs));
}

void EmulatedGrantTable::releaseImport(int dmabufFd) noexcept {
  auto it = imports_.find(dmabufFd);
  if (it == imports_.end()) return;
  (void)releaseAtBroker(Op::GntReleaseImport, it->second);
  imports_.erase(it);
}

// ---- EmulatedGrantSharer ------------------------------------------------------------------------

Result<std::unique_ptr<EmulatedGrantSharer>> EmulatedGrantSharer::create(
    const std::string& socketPath, DomId domid) {
  Result<std::unique_ptr<BrokerConnection>> connection =
      BrokerConnection::open(socketPath, domid, wire::ConnectionKind::Sharer);
  if (!connection) return connection.error();
  return std::unique_ptr<EmulatedGrantSharer>(new EmulatedGrantSharer(std::move(*connection)));
}

EmulatedGrantSharer::~EmulatedGrantSharer() {
  for (const auto& [address, share] : shares_) {
    ::munmap(address, share.second * kPageSize);
    registry::removeMapping(address);
  }
}

Result<SharedPages> EmulatedGrantSharer::share(DomId domid, std::size_t pages, GrantAccess access) {
  if (Status count = checkPageCount(pages, "share"); !count) return count.error();
  wire::Writer request(Op::ShrShare);
  request.u16(domid).u32(static_cast<std::uint32_t>(pages)).u8(static_cast<std::uint8_t>(access));
  Result<BrokerConnection::Reply> reply = connection_->call(request);
  if (!reply) return reply.error();
  wire::Reader in = reply->payload();
  const std::uint64_t id = in.u64();
  std::vector<GrantRef> refs = in.u32s(pages);
  auto unshareAtBroker = [this, id] {
    wire::Writer undo(Op::ShrUnshare);
    undo.u64(id);
    (void)connection_->call(undo);
  };
  if (!in.finish() || refs.size() != pages || reply->message.fds.size() != 1) {
    unshareAtBroker();
    return badReply("share");
  }
  // The granter's own view is always writable, whatever the grantee may do.
  void* address = ::mmap(nullptr, pages * kPageSize, PROT_READ | PROT_WRITE, MAP_SHARED,
                         reply->message.fds.front().get(), 0);
  if (address == MAP_FAILED) {
    Error error = systemError("map shared pages");
    unshareAtBroker();
    return error;
  }
  (void)::madvise(address, pages * kPageSize, MADV_DONTFORK);
  registry::addMapping(address, pages * kPageSize);
  shares_[address] = {id, pages};
  return SharedPages(this, address, std::move(refs));
}

void EmulatedGrantSharer::unshare(void* address, std::size_t pages) noexcept {
  ::munmap(address, pages * kPageSize);
  registry::removeMapping(address);
  auto it = shares_.find(address);
  if (it == shares_.end()) return;
  wire::Writer request(Op::ShrUnshare);
  request.u64(it->second.first);
  (void)connection_->call(request);
  shares_.erase(it);
}

}  // namespace vcam::xen::emu
