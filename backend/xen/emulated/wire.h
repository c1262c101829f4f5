// SPDX-License-Identifier: MIT
// The emulated Xen's wire protocol: bounded binary messages over AF_UNIX SOCK_SEQPACKET.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <vcamera/common/result.h>

#include "backend/base/unique_fd.h"

namespace vcam::xen::emu::wire {

// One SEQPACKET message is one request, reply or notification. Fields are native-endian
// (both ends run on the same machine) and laid out back to back:
//   request      u16 op, fields...
//   reply        i32 status (0 or a positive errno), then: str message (error) or fields (ok)
//   notification fields only (the socket says what kind it is)
// Strings and arrays carry a u32 count first. File descriptors travel as SCM_RIGHTS.

/// Largest message either side sends or accepts (fits a default unix socket buffer).
inline constexpr std::size_t kMaxMessageBytes = 128 * 1024;
/// Most fds in one message (SCM_MAX_FD is 253).
inline constexpr std::size_t kMaxFdsPerMessage = 250;
/// Most grant references in one request or reply (64 MiB of pages).
inline constexpr std::size_t kMaxRefsPerRequest = 16384;

/// What a connection is for; said once, in HELLO.
enum class ConnectionKind : std::uint8_t {
  Store = 1,    ///< XenStore; notification socket carries watch events
  Events = 2,   ///< event channels; notification socket carries fired ports
  Grants = 3,   ///< gntdev: map, dma-buf export/import
  Sharer = 4,   ///< gntshr: share/unshare
  Control = 5,  ///< the harness asking for a BrokerReport; not a domain connection
};

enum class Op : std::uint16_t {
  Hello = 1,  ///< u16 domid, u8 kind -> (notification fd for Store and Events)
  // XenStore (all start with u32 transaction id, except watches and transaction start)
  XsRead = 10,       ///< tx, str path -> str value
  XsWrite = 11,      ///< tx, str path, str value
  XsMkdir = 12,      ///< tx, str path
  XsRemove = 13,     ///< tx, str path
  XsDirectory = 14,  ///< tx, str path -> u32 n, str names[n]
  XsGetPerms = 15,   ///< tx, str path -> u32 n, (u16 domid, u8 access)[n]
  XsSetPerms = 16,   ///< tx, str path, u32 n, (u16 domid, u8 access)[n]
  XsTxStart = 17,    ///< -> u32 tx
  XsTxEnd = 18,      ///< tx, u8 commit
  XsWatch = 19,      ///< str path, str token
  XsUnwatch = 20,    ///< str path, str token
  // Event channels
  EvAllocUnbound = 30,  ///< u16 remote -> u32 port
  EvBind = 31,          ///< u16 remote, u32 remote port -> u32 port
  EvNotify = 32,        ///< u32 port
  EvUnmask = 33,        ///< u32 port
  EvUnbind = 34,        ///< u32 port
  // Grant table (gntdev)
  GntMap = 40,            ///< u16 domid, u8 access, u32s refs -> u64 id, u32 n, runs[n], fds
  GntUnmap = 41,          ///< u64 id
  GntExport = 42,         ///< u16 domid, u8 memory, u32s refs -> u64 id, fd
  GntReleaseExport = 43,  ///< u64 id
  GntImport = 44,         ///< u16 domid, u32 pages, fd -> u64 id, u32s refs
  GntReleaseImport = 45,  ///< u64 id
  // Grant sharer (gntshr)
  ShrShare = 50,    ///< u16 domid, u32 pages, u8 access -> u64 id, u32s refs, fd
  ShrUnshare = 51,  ///< u64 id
  // Control
  CtlQuery = 60,  ///< -> BrokerReport (see report.h)
};

/// Appends fields to a message; remembers if it grew past kMaxMessageBytes.
class Writer {
 public:
  Writer() = default;
  explicit Writer(Op op) { u16(static_cast<std::uint16_t>(op)); }

  Writer& u8(std::uint8_t value) { return raw(&value, sizeof value); }
  Writer& u16(std::uint16_t value) { return raw(&value, sizeof value); }
  Writer& u32(std::uint32_t value) { return raw(&value, sizeof value); }
  Writer& u64(std::uint64_t value) { return raw(&value, sizeof value); }
  Writer& i32(std::int32_t value) { return raw(&value, sizeof value); }
  Writer& str(std::string_view value);
  Writer& u32s(std::span<const std::uint32_t> values);

  [[nodiscard]] std::span<const unsigned char> bytes() const { return bytes_; }
  /// False when a field did not fit: the message must not be sent.
  [[nodiscard]] bool fits() const { return !overflow_; }

 private:
  Writer& raw(const void* data, std::size_t size);
  std::vector<unsigned char> bytes_;
  bool overflow_ = false;
};

/// Reads fields back. A read past the end (or over a limit) yields zero/empty values and makes
/// the reader fail for good, so a decoder reads every field and checks finish() once.
class Reader {
 public:
  explicit Reader(std::span<const unsigned char> data) : data_(data) {}

  std::uint8_t u8() { return scalar<std::uint8_t>(); }
  std::uint16_t u16() { return scalar<std::uint16_t>(); }
  std::uint32_t u32() { return scalar<std::uint32_t>(); }
  std::uint64_t u64() { return scalar<std::uint64_t>(); }
  std::int32_t i32() { return scalar<std::int32_t>(); }
  std::string str(std::size_t maxBytes = kMaxMessageBytes);
  std::vector<std::uint32_t> u32s(std::size_t maxCount);

  /// A count for the caller's own loop: fails the reader when above `maxCount`.
  std::uint32_t count(std::size_t maxCount);

  [[nodiscard]] bool ok() const { return ok_; }
  /// Bytes read so far.
  [[nodiscard]] std::size_t consumed() const { return offset_; }
  /// Every field was present and nothing is left over.
  [[nodiscard]] bool finish() const { return ok_ && offset_ == data_.size(); }

 private:
  template <typename T>
  T scalar() {
    T value{};
    take(&value, sizeof value);
    return value;
  }
  bool take(void* out, std::size_t size);

  std::span<const unsigned char> data_;
  std::size_t offset_ = 0;
  bool ok_ = true;
};

/// A received message and the descriptors that came with it.
struct Message {
  std::vector<unsigned char> bytes;
  std::vector<base::UniqueFd> fds;
};

/// Sends one message (MSG_NOSIGNAL). EMSGSIZE when `writer` overflowed; EAGAIN from a full
/// non-blocking socket is returned as is.
[[nodiscard]] Status sendMessage(int socket, const Writer& writer, std::span<const int> fds = {});

/// Receives one message. EPIPE when the peer closed, EAGAIN when `dontWait` and nothing is
/// queued, EMSGSIZE when the message or its descriptors were truncated (they are dropped).
[[nodiscard]] Result<Message> receiveMessage(int socket, bool dontWait);

/// Starts a reply: status 0.
[[nodiscard]] Writer okReply();
/// A complete error reply.
[[nodiscard]] Writer errorReply(const Error& error);

/// Reads a reply's status: the reader positioned at the payload, or the error it carried.
[[nodiscard]] Status readReplyStatus(Reader& reader);

}  // namespace vcam::xen::emu::wire
