// SPDX-License-Identifier: MIT
// The Xen transport seam: XenStore, event channels and grant tables as interfaces, implemented
// over libxen* (backend/xen/real/) and by the emulated Xen (backend/xen/emulated/).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <vcamera/common/result.h>

#include "backend/base/unique_fd.h"

namespace vcam::xen {

using DomId = std::uint16_t;     ///< domid_t
using GrantRef = std::uint32_t;  ///< grant_ref_t; 0 is never a valid reference
using Port = std::uint32_t;      ///< evtchn_port_t, local to the domain that bound it

inline constexpr std::size_t kPageSize = 4096;  ///< XEN_PAGE_SIZE: the unit of every grant
inline constexpr GrantRef kInvalidGrantRef = 0;

// Conventions for every interface in this file:
//  - Errors are values. Error::code is the errno the kernel (or the emulation, standing in for
//    it) reported, unchanged, so callers can tell ENOTTY from EINVAL and fall back.
//  - Objects are not thread-safe; the backend's event loop owns them.
//  - RAII handles (XsWatch, EvtchnPort, GrantMapping, SharedPages, ExportedDmaBuf,
//    ImportedDmaBuf) are move-only, borrow the object that made them and must not outlive it.

// ---- XenStore -----------------------------------------------------------------------------------

/// xenstored's access bits for one domain.
enum class XsAccess : std::uint8_t { None, Read, Write, ReadWrite };

/// One entry of a node's permission list. As in xenstored, the first entry names the owner
/// (who always has full access) and gives the access of every domain not listed after it;
/// dom0 (the privileged domain) may access everything.
struct XsPermission {
  DomId domid = 0;
  XsAccess access = XsAccess::None;
  friend bool operator==(const XsPermission&, const XsPermission&) = default;
};

/// 0 means "outside any transaction".
using XsTransactionId = std::uint32_t;
inline constexpr XsTransactionId kNoTransaction = 0;

/// A fired watch: the path that changed (at or below the watched path) and the watch's token.
struct XsWatchEvent {
  std::string path;
  std::string token;
  friend bool operator==(const XsWatchEvent&, const XsWatchEvent&) = default;
};

class XenStore;

/// A registered watch; unregisters itself when destroyed.
class XsWatch {
 public:
  XsWatch() = default;
  XsWatch(XenStore* owner, std::string path, std::string token)
      : owner_(owner), path_(std::move(path)), token_(std::move(token)) {}
  XsWatch(XsWatch&& other) noexcept
      : owner_(std::exchange(other.owner_, nullptr)),
        path_(std::move(other.path_)),
        token_(std::move(other.token_)) {}
  XsWatch& operator=(XsWatch&& other) noexcept;
  XsWatch(const XsWatch&) = delete;
  XsWatch& operator=(const XsWatch&) = delete;
  ~XsWatch() { reset(); }

  [[nodiscard]] const std::string& path() const { return path_; }
  [[nodiscard]] const std::string& token() const { return token_; }
  [[nodiscard]] bool active() const { return owner_ != nullptr; }
  /// Unregisters now (no-op if already done).
  void reset() noexcept;

 private:
  XenStore* owner_ = nullptr;
  std::string path_;
  std::string token_;
};

/// A connection to XenStore. Paths are absolute ("/local/domain/1/...") or relative to the
/// caller's own /local/domain/<domid>/ (so read("domid") gives the caller's domain id).
class XenStore {
 public:
  virtual ~XenStore() = default;

  /// ENOENT when the node does not exist, EACCES when the caller may not read it.
  [[nodiscard]] virtual Result<std::string> read(XsTransactionId tx, std::string_view path) = 0;
  /// Creates missing parents (inheriting their parent's permissions, as xenstored does).
  [[nodiscard]] virtual Status write(XsTransactionId tx, std::string_view path,
                                     std::string_view value) = 0;
  /// Creates an empty node (and parents); succeeds if it already exists.
  [[nodiscard]] virtual Status mkdir(XsTransactionId tx, std::string_view path) = 0;
  /// Removes the node and everything below it; succeeds if it does not exist.
  [[nodiscard]] virtual Status remove(XsTransactionId tx, std::string_view path) = 0;
  /// The names (not paths) of the node's children.
  [[nodiscard]] virtual Result<std::vector<std::string>> directory(XsTransactionId tx,
                                                                   std::string_view path) = 0;
  [[nodiscard]] virtual Result<std::vector<XsPermission>> permissions(XsTransactionId tx,
                                                                      std::string_view path) = 0;
  /// Only the owner (or dom0) may change permissions; the list must not be empty.
  [[nodiscard]] virtual Status setPermissions(XsTransactionId tx, std::string_view path,
                                              std::span<const XsPermission> permissions) = 0;

  /// Starts a transaction: reads and writes with its id see a private snapshot.
  [[nodiscard]] virtual Result<XsTransactionId> transactionStart() = 0;
  /// Commits (or, with commit=false, abandons) a transaction. EAGAIN: another writer
  /// conflicted, nothing was applied, run the whole transaction again (runTransaction()).
  [[nodiscard]] virtual Status transactionEnd(XsTransactionId tx, bool commit) = 0;

  /// Watches `path` and everything below it. As in xenstored the watch fires once right away
  /// (with `path` itself), then on every change; events queue until readWatch() takes them.
  [[nodiscard]] virtual Result<XsWatch> watch(std::string_view path, std::string_view token) = 0;
  /// Readable (poll/epoll) while watch events are queued.
  [[nodiscard]] virtual int watchFd() const = 0;
  /// The next queued watch event without blocking, or nullopt when there is none.
  [[nodiscard]] virtual Result<std::optional<XsWatchEvent>> readWatch() = 0;

 protected:
  friend class XsWatch;
  virtual void unwatch(const std::string& path, const std::string& token) noexcept = 0;
};

inline void XsWatch::reset() noexcept {
  if (owner_ != nullptr) std::exchange(owner_, nullptr)->unwatch(path_, token_);
}

inline XsWatch& XsWatch::operator=(XsWatch&& other) noexcept {
  if (this != &other) {
    reset();
    owner_ = std::exchange(other.owner_, nullptr);
    path_ = std::move(other.path_);
    token_ = std::move(other.token_);
  }
  return *this;
}

// ---- Event channels -----------------------------------------------------------------------------

class EventChannels;

/// A bound local port; unbinds itself when destroyed.
class EvtchnPort {
 public:
  EvtchnPort() = default;
  EvtchnPort(EventChannels* owner, Port port) : owner_(owner), port_(port) {}
  EvtchnPort(EvtchnPort&& other) noexcept
      : owner_(std::exchange(other.owner_, nullptr)), port_(other.port_) {}
  EvtchnPort& operator=(EvtchnPort&& other) noexcept;
  EvtchnPort(const EvtchnPort&) = delete;
  EvtchnPort& operator=(const EvtchnPort&) = delete;
  ~EvtchnPort() { reset(); }

  [[nodiscard]] Port port() const { return port_; }
  [[nodiscard]] bool bound() const { return owner_ != nullptr; }
  void reset() noexcept;

 private:
  EventChannels* owner_ = nullptr;
  Port port_ = 0;
};

/// An event channel handle (xenevtchn). As with Linux's evtchn device, a port that fired is
/// masked until unmask(): notifications meanwhile are remembered (one pending bit) and
/// delivered on unmask.
class EventChannels {
 public:
  virtual ~EventChannels() = default;

  /// Readable (poll/epoll) while some bound port has a notification to collect with pending().
  [[nodiscard]] virtual int fd() const = 0;
  /// Backend side: binds to a port that `remote` allocated for us.
  [[nodiscard]] virtual Result<EvtchnPort> bindInterdomain(DomId remote, Port remotePort) = 0;
  /// Frontend side: allocates a port that `remote` may bind to.
  [[nodiscard]] virtual Result<EvtchnPort> allocUnbound(DomId remote) = 0;
  [[nodiscard]] virtual Status notify(Port local) = 0;
  /// The next port that fired, without blocking; nullopt when none did.
  [[nodiscard]] virtual Result<std::optional<Port>> pending() = 0;
  [[nodiscard]] virtual Status unmask(Port local) = 0;

 protected:
  friend class EvtchnPort;
  virtual void unbind(Port local) noexcept = 0;
};

inline void EvtchnPort::reset() noexcept {
  if (owner_ != nullptr) std::exchange(owner_, nullptr)->unbind(port_);
}

inline EvtchnPort& EvtchnPort::operator=(EvtchnPort&& other) noexcept {
  if (this != &other) {
    reset();
    owner_ = std::exchange(other.owner_, nullptr);
    port_ = other.port_;
  }
  return *this;
}

// ---- Grant tables -------------------------------------------------------------------------------

enum class GrantAccess : std::uint8_t { ReadOnly, ReadWrite };

/// How gntdev backs an exported dma-buf (GNTDEV_DMA_FLAG_*; WC and Coherent exclude each other).
enum class DmaBufMemory : std::uint8_t { Default, WriteCombine, Coherent };

/// How long an ExportedDmaBuf's destructor waits for importers to let go (displ_be uses 2 s).
inline constexpr std::uint32_t kDmaBufReleaseWaitMs = 2000;

class GrantTable;
class GrantSharer;

/// Another domain's granted pages mapped contiguously into our address space.
class GrantMapping {
 public:
  GrantMapping() = default;
  GrantMapping(GrantTable* owner, void* address, std::size_t pages, GrantAccess access)
      : owner_(owner), address_(address), pages_(pages), access_(access) {}
  GrantMapping(GrantMapping&& other) noexcept
      : owner_(std::exchange(other.owner_, nullptr)),
        address_(std::exchange(other.address_, nullptr)),
        pages_(std::exchange(other.pages_, 0)),
        access_(other.access_) {}
  GrantMapping& operator=(GrantMapping&& other) noexcept;
  GrantMapping(const GrantMapping&) = delete;
  GrantMapping& operator=(const GrantMapping&) = delete;
  ~GrantMapping() { reset(); }

  [[nodiscard]] std::byte* data() const { return static_cast<std::byte*>(address_); }
  [[nodiscard]] std::size_t pages() const { return pages_; }
  [[nodiscard]] std::size_t size() const { return pages_ * kPageSize; }
  [[nodiscard]] std::span<std::byte> bytes() const { return {data(), size()}; }
  [[nodiscard]] GrantAccess access() const { return access_; }
  [[nodiscard]] bool mapped() const { return owner_ != nullptr; }
  void reset() noexcept;

 private:
  GrantTable* owner_ = nullptr;
  void* address_ = nullptr;
  std::size_t pages_ = 0;
  GrantAccess access_ = GrantAccess::ReadOnly;
};

/// A dma-buf made from another domain's grants (gntdev EXP_FROM_REFS). Its fd can be handed to
/// importers (libcamera, V4L2, DRM); it cannot be mmapped on real Xen. Releasing closes the fd
/// and waits until every importer has let go (EXP_WAIT_RELEASED) - only then may the granting
/// domain end its grants.
class ExportedDmaBuf {
 public:
  ExportedDmaBuf() = default;
  ExportedDmaBuf(GrantTable* owner, base::UniqueFd fd, std::size_t pages)
      : owner_(owner), fd_(std::move(fd)), pages_(pages) {}
  ExportedDmaBuf(ExportedDmaBuf&& other) noexcept
      : owner_(std::exchange(other.owner_, nullptr)),
        fd_(std::move(other.fd_)),
        pages_(std::exchange(other.pages_, 0)) {}
  ExportedDmaBuf& operator=(ExportedDmaBuf&& other) noexcept;
  ExportedDmaBuf(const ExportedDmaBuf&) = delete;
  ExportedDmaBuf& operator=(const ExportedDmaBuf&) = delete;
  ~ExportedDmaBuf() { (void)release(kDmaBufReleaseWaitMs); }

  [[nodiscard]] int fd() const { return fd_.get(); }
  [[nodiscard]] std::size_t size() const { return pages_ * kPageSize; }
  [[nodiscard]] bool exported() const { return owner_ != nullptr; }
  /// Closes our fd and waits up to `timeoutMs` for importers to release the buffer.
  /// ETIMEDOUT: still in use (the grants stay mapped). Releasing twice is a no-op.
  [[nodiscard]] Status release(std::uint32_t timeoutMs);

 private:
  GrantTable* owner_ = nullptr;
  base::UniqueFd fd_;
  std::size_t pages_ = 0;
};

/// Our own dma-buf's pages granted to a domain (gntdev IMP_TO_REFS): the be-alloc direction.
/// Destroying it ends the grants (IMP_RELEASE); do that only after the grantee unmapped them.
class ImportedDmaBuf {
 public:
  ImportedDmaBuf() = default;
  ImportedDmaBuf(GrantTable* owner, base::UniqueFd fd, std::vector<GrantRef> refs)
      : owner_(owner), fd_(std::move(fd)), refs_(std::move(refs)) {}
  ImportedDmaBuf(ImportedDmaBuf&& other) noexcept
      : owner_(std::exchange(other.owner_, nullptr)),
        fd_(std::move(other.fd_)),
        refs_(std::move(other.refs_)) {}
  ImportedDmaBuf& operator=(ImportedDmaBuf&& other) noexcept;
  ImportedDmaBuf(const ImportedDmaBuf&) = delete;
  ImportedDmaBuf& operator=(const ImportedDmaBuf&) = delete;
  ~ImportedDmaBuf() { reset(); }

  [[nodiscard]] std::span<const GrantRef> refs() const { return refs_; }
  [[nodiscard]] bool imported() const { return owner_ != nullptr; }
  void reset() noexcept;

 private:
  GrantTable* owner_ = nullptr;
  base::UniqueFd fd_;  ///< our duplicate of the dma-buf fd; gntdev keys the import by it
  std::vector<GrantRef> refs_;
};

/// A grant table handle (xengnttab / gntdev): access to pages other domains granted us.
class GrantTable {
 public:
  virtual ~GrantTable() = default;

  /// Maps `refs` of domain `domid`, in order, into one contiguous range. EACCES/EPERM-like
  /// errors when a reference was not granted to us, was revoked, or is read-only and
  /// ReadWrite was asked for.
  [[nodiscard]] virtual Result<GrantMapping> map(DomId domid, std::span<const GrantRef> refs,
                                                 GrantAccess access) = 0;
  /// Makes one dma-buf of `refs` (EXP_FROM_REFS). Real Xen says ENOTTY without
  /// CONFIG_XEN_GNTDEV_DMABUF and EINVAL in x86 PV domains: fall back to map().
  [[nodiscard]] virtual Result<ExportedDmaBuf> exportDmaBuf(DomId domid,
                                                            std::span<const GrantRef> refs,
                                                            DmaBufMemory memory) = 0;
  /// Grants the pages of our dma-buf `dmabufFd` (exactly `pages` pages long) to `domid`,
  /// read-write (IMP_TO_REFS). `dmabufFd` stays the caller's; the import keeps its own dup.
  [[nodiscard]] virtual Result<ImportedDmaBuf> importDmaBuf(DomId domid, int dmabufFd,
                                                            std::size_t pages) = 0;

 protected:
  friend class GrantMapping;
  friend class ExportedDmaBuf;
  friend class ImportedDmaBuf;
  virtual void unmap(void* address, std::size_t pages) noexcept = 0;
  /// EXP_WAIT_RELEASED for the (already closed) fd number an export was made with; ENOENT
  /// (already released) counts as success.
  [[nodiscard]] virtual Status waitReleased(int closedFd, std::uint32_t timeoutMs) = 0;
  virtual void releaseImport(int dmabufFd) noexcept = 0;
};

inline void GrantMapping::reset() noexcept {
  if (owner_ != nullptr) std::exchange(owner_, nullptr)->unmap(address_, pages_);
  address_ = nullptr;
  pages_ = 0;
}

inline GrantMapping& GrantMapping::operator=(GrantMapping&& other) noexcept {
  if (this != &other) {
    reset();
    owner_ = std::exchange(other.owner_, nullptr);
    address_ = std::exchange(other.address_, nullptr);
    pages_ = std::exchange(other.pages_, 0);
    access_ = other.access_;
  }
  return *this;
}

inline Status ExportedDmaBuf::release(std::uint32_t timeoutMs) {
  if (owner_ == nullptr) return {};
  const int number = fd_.get();
  fd_.reset();
  Status waited = std::exchange(owner_, nullptr)->waitReleased(number, timeoutMs);
  pages_ = 0;
  return waited;
}

inline ExportedDmaBuf& ExportedDmaBuf::operator=(ExportedDmaBuf&& other) noexcept {
  if (this != &other) {
    (void)release(kDmaBufReleaseWaitMs);
    owner_ = std::exchange(other.owner_, nullptr);
    fd_ = std::move(other.fd_);
    pages_ = std::exchange(other.pages_, 0);
  }
  return *this;
}

inline void ImportedDmaBuf::reset() noexcept {
  if (owner_ != nullptr) std::exchange(owner_, nullptr)->releaseImport(fd_.get());
  fd_.reset();
  refs_.clear();
}

inline ImportedDmaBuf& ImportedDmaBuf::operator=(ImportedDmaBuf&& other) noexcept {
  if (this != &other) {
    reset();
    owner_ = std::exchange(other.owner_, nullptr);
    fd_ = std::move(other.fd_);
    refs_ = std::move(other.refs_);
  }
  return *this;
}

/// Pages we allocated and granted to another domain (gntshr / gntalloc); the grants end and
/// the pages are unmapped when it is destroyed.
class SharedPages {
 public:
  SharedPages() = default;
  SharedPages(GrantSharer* owner, void* address, std::vector<GrantRef> refs)
      : owner_(owner), address_(address), refs_(std::move(refs)) {}
  SharedPages(SharedPages&& other) noexcept
      : owner_(std::exchange(other.owner_, nullptr)),
        address_(std::exchange(other.address_, nullptr)),
        refs_(std::move(other.refs_)) {}
  SharedPages& operator=(SharedPages&& other) noexcept;
  SharedPages(const SharedPages&) = delete;
  SharedPages& operator=(const SharedPages&) = delete;
  ~SharedPages() { reset(); }

  [[nodiscard]] std::byte* data() const { return static_cast<std::byte*>(address_); }
  [[nodiscard]] std::size_t pages() const { return refs_.size(); }
  [[nodiscard]] std::size_t size() const { return refs_.size() * kPageSize; }
  [[nodiscard]] std::span<std::byte> bytes() const { return {data(), size()}; }
  [[nodiscard]] std::span<const GrantRef> refs() const { return refs_; }
  [[nodiscard]] bool shared() const { return owner_ != nullptr; }
  void reset() noexcept;

 private:
  GrantSharer* owner_ = nullptr;
  void* address_ = nullptr;
  std::vector<GrantRef> refs_;
};

/// A grant sharing handle (xengntshr): allocates zeroed pages and grants them to a domain.
class GrantSharer {
 public:
  virtual ~GrantSharer() = default;
  [[nodiscard]] virtual Result<SharedPages> share(DomId domid, std::size_t pages,
                                                  GrantAccess access) = 0;

 protected:
  friend class SharedPages;
  virtual void unshare(void* address, std::size_t pages) noexcept = 0;
};

inline void SharedPages::reset() noexcept {
  if (owner_ != nullptr) std::exchange(owner_, nullptr)->unshare(address_, refs_.size());
  address_ = nullptr;
  refs_.clear();
}

inline SharedPages& SharedPages::operator=(SharedPages&& other) noexcept {
  if (this != &other) {
    reset();
    owner_ = std::exchange(other.owner_, nullptr);
    address_ = std::exchange(other.address_, nullptr);
    refs_ = std::move(other.refs_);
  }
  return *this;
}

// ---- Everything a domain needs ------------------------------------------------------------------

/// The four handles a backend or frontend works with, and its own domain id.
struct XenTransport {
  DomId self = 0;
  std::unique_ptr<XenStore> store;
  std::unique_ptr<EventChannels> events;
  std::unique_ptr<GrantTable> grants;
  std::unique_ptr<GrantSharer> sharer;
};

}  // namespace vcam::xen
