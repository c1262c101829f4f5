// SPDX-License-Identifier: MIT
// EmulatedGrantTable (gntdev) and EmulatedGrantSharer (gntshr) over broker connections.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <utility>

#include <vcamera/common/result.h>

#include "backend/xen/emulated/client_connection.h"
#include "backend/xen/transport.h"

namespace vcam::xen::emu {

/// gntdev in emulation. map() receives one file per allocation from the broker (read-only
/// files for ReadOnly) and maps each run of pages MAP_SHARED|MAP_FIXED into one reserved
/// range, so the mapping is contiguous like gntdev's; it is not inherited by fork (gntdev's
/// VM_DONTCOPY). unmap() unmaps first, then tells the broker, so the broker never counts a
/// mapping as gone while it still exists.
///
/// dma-buf export: the fd is a udmabuf when the kernel has /dev/udmabuf, else the
/// allocation's memfd (whole allocations only, see GrantTables::exportDmaBuf). Unlike real
/// gntdev's, it can be mmapped: code must not rely on that. waitReleased() waits until no fd
/// and no mapping of that file remains in this process apart from our own grant mappings,
/// shared pages and other live exports (importers in other processes are not seen), then
/// releases the export at the broker.
class EmulatedGrantTable final : public GrantTable {
 public:
  /// How often waitReleased() looks at /proc/self while it waits.
  static constexpr int kReleasePollMs = 2;

  [[nodiscard]] static Result<std::unique_ptr<EmulatedGrantTable>> create(
      const std::string& socketPath, DomId domid);
  ~EmulatedGrantTable() override;

  [[nodiscard]] Result<GrantMapping> map(DomId domid, std::span<const GrantRef> refs,
                                         GrantAccess access) override;
  [[nodiscard]] Result<ExportedDmaBuf> exportDmaBuf(DomId domid, std::span<const GrantRef> refs,
                                                    DmaBufMemory memory) override;
  [[nodiscard]] Result<ImportedDmaBuf> importDmaBuf(DomId domid, int dmabufFd,
                                                    std::size_t pages) override;

 protected:
  void unmap(void* address, std::size_t pages) noexcept override;
  [[nodiscard]] Status waitReleased(int closedFd, std::uint32_t timeoutMs) override;
  void releaseImport(int dmabufFd) noexcept override;

 private:
  struct Mapped {
    std::uint64_t id = 0;
    std::size_t pages = 0;
  };
  struct Export {
    std::uint64_t id = 0;
    dev_t device = 0;
    ino_t inode = 0;
  };

  explicit EmulatedGrantTable(std::unique_ptr<BrokerConnection> connection)
      : connection_(std::move(connection)) {}
  Status releaseAtBroker(wire::Op op, std::uint64_t id);

  std::unique_ptr<BrokerConnection> connection_;
  std::map<void*, Mapped> mappings_;      ///< address -> broker mapping
  std::map<int, Export> exports_;         ///< fd number it was made with -> export
  std::map<int, std::uint64_t> imports_;  ///< our dup's fd number -> broker import id
};

/// gntshr in emulation: each share is one memfd from the broker, mapped read-write here.
class EmulatedGrantSharer final : public GrantSharer {
 public:
  [[nodiscard]] static Result<std::unique_ptr<EmulatedGrantSharer>> create(
      const std::string& socketPath, DomId domid);
  ~EmulatedGrantSharer() override;

  [[nodiscard]] Result<SharedPages> share(DomId domid, std::size_t pages,
                                          GrantAccess access) override;

 protected:
  void unshare(void* address, std::size_t pages) noexcept override;

 private:
  explicit EmulatedGrantSharer(std::unique_ptr<BrokerConnection> connection)
      : connection_(std::move(connection)) {}

  std::unique_ptr<BrokerConnection> connection_;
  std::map<void*, std::pair<std::uint64_t, std::size_t>> shares_;  ///< address -> (id, pages)
};

}  // namespace vcam::xen::emu
