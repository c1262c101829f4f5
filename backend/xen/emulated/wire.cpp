// SPDX-License-Identifier: MIT
// Message encoding and the sendmsg/recvmsg plumbing (SCM_RIGHTS) of the emulated Xen.
#include "backend/xen/emulated/wire.h"

#include <sys/socket.h>
#include <sys/uio.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <limits>

namespace vcam::xen::emu::wire {
namespace {

// Errno values a peer may report; anything else in a reply is a protocol error.
constexpr std::int32_t kMaxErrno = 4095;

constexpr std::size_t controlSpace(std::size_t fds) { return CMSG_SPACE(sizeof(int) * fds); }

}  // namespace

Writer& Writer::raw(const void* data, std::size_t size) {
  if (overflow_ || size > kMaxMessageBytes - bytes_.size()) {
    overflow_ = true;
    return *this;
  }
  const auto* begin = static_cast<const unsigned char*>(data);
  bytes_.insert(bytes_.end(), begin, begin + size);
  return *this;
}

Writer& Writer::str(std::string_view value) {
  if (value.size() > kMaxMessageBytes) {
    overflow_ = true;
    return *this;
  }
  u32(static_cast<std::uint32_t>(value.size()));
  return raw(value.data(), value.size());
}

Writer& Writer::u32s(std::span<const std::uint32_t> values) {
  if (values.size() > kMaxMessageBytes) {
    overflow_ = true;
    return *this;
  }
  u32(static_cast<std::uint32_t>(values.size()));
  return raw(values.data(), values.size_bytes());
}

bool Reader::take(void* out, std::size_t size) {
  if (!ok_ || size > data_.size() - offset_) {
    ok_ = false;
    std::memset(out, 0, size);
    return false;
  }
  std::memcpy(out, data_.data() + offset_, size);
  offset_ += size;
  return true;
}

std::uint32_t Reader::count(std::size_t maxCount) {
  const std::uint32_t n = u32();
  if (n > maxCount) {
    ok_ = false;
    return 0;
  }
  return n;
}

std::string Reader::str(std::size_t maxBytes) {
  const std::uint32_t size = count(maxBytes);
  if (!ok_ || size > data_.size() - offset_) {
    ok_ = false;
    return {};
  }
  std::string out(reinterpret_cast<const char*>(data_.data() + offset_), size);
  offset_ += size;
  return out;
}

std::vector<std::uint32_t> Reader::u32s(std::size_t maxCount) {
  const std::uint32_t n = count(maxCount);
  if (!ok_ || std::size_t{n} * sizeof(std::uint32_t) > data_.size() - offset_) {
    ok_ = false;
    return {};
  }
  std::vector<std::uint32_t> out(n);
  std::memcpy(out.data(), data_.data() + offset_, out.size() * sizeof(std::uint32_t));
  offset_ += out.size() * sizeof(std::uint32_t);
  return out;
}

Status sendMessage(int socket, const Writer& writer, std::span<const int> fds) {
  if (!writer.fits()) return makeError(EMSGSIZE, "message larger than the protocol allows");
  if (fds.size() > kMaxFdsPerMessage) return makeError(EMSGSIZE, "too many fds in one message");
  std::span<const unsigned char> bytes = writer.bytes();
  iovec iov{const_cast<unsigned char*>(bytes.data()), bytes.size()};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  alignas(cmsghdr) std::array<unsigned char, controlSpace(kMaxFdsPerMessage)> control{};
  if (!fds.empty()) {
    msg.msg_control = control.data();
    msg.msg_controllen = controlSpace(fds.size());
    cmsghdr* header = CMSG_FIRSTHDR(&msg);
    header->cmsg_level = SOL_SOCKET;
    header->cmsg_type = SCM_RIGHTS;
    header->cmsg_len = CMSG_LEN(sizeof(int) * fds.size());
    std::memcpy(CMSG_DATA(header), fds.data(), sizeof(int) * fds.size());
  }
  ssize_t sent = -1;
  do {
    sent = ::sendmsg(socket, &msg, MSG_NOSIGNAL);
  } while (sent < 0 && errno == EINTR);
  if (sent < 0) return makeError(errno, std::string("sendmsg: ") + std::strerror(errno));
  if (static_cast<std::size_t>(sent) != bytes.size()) {
    return makeError(EMSGSIZE, "sendmsg sent a partial message");
  }
  return {};
}

Result<Message> receiveMessage(int socket, bool dontWait) {
  // One buffer per thread, on the heap (not in every thread's static TLS), allocated on first
  // use; messages are copied out at their real size.
  static thread_local std::vector<unsigned char> buffer;
  buffer.resize(kMaxMessageBytes);
  alignas(cmsghdr) std::array<unsigned char, controlSpace(kMaxFdsPerMessage)> control{};
  iovec iov{buffer.data(), buffer.size()};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control.data();
  msg.msg_controllen = control.size();
  const int flags = MSG_CMSG_CLOEXEC | (dontWait ? MSG_DONTWAIT : 0);
  ssize_t received = -1;
  do {
    received = ::recvmsg(socket, &msg, flags);
  } while (received < 0 && errno == EINTR);
  if (received < 0) return makeError(errno, std::string("recvmsg: ") + std::strerror(errno));

  // Take ownership of every descriptor first so each error path below closes them.
  Message out;
  for (cmsghdr* header = CMSG_FIRSTHDR(&msg); header != nullptr;
       header = CMSG_NXTHDR(&msg, header)) {
    if (header->cmsg_level != SOL_SOCKET || header->cmsg_type != SCM_RIGHTS) continue;
    const std::size_t count = (header->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    for (std::size_t i = 0; i < count; ++i) {
      int fd = -1;
      std::memcpy(&fd, CMSG_DATA(header) + i * sizeof(int), sizeof fd);
      out.fds.emplace_back(fd);
    }
  }
  if ((msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) != 0) {
    return makeError(EMSGSIZE, "message or its descriptors truncated");
  }
  // SEQPACKET reads 0 both at end of stream and for an empty message; neither is valid.
  if (received == 0) return makeError(EPIPE, "connection closed by the peer");
  out.bytes.assign(buffer.begin(), buffer.begin() + received);
  return out;
}

Writer okReply() {
  Writer writer;
  writer.i32(0);
  return writer;
}

Writer errorReply(const Error& error) {
  Writer writer;
  const bool valid = error.code > 0 && error.code <= kMaxErrno;
  writer.i32(valid ? error.code : EIO);
  // Keep the whole reply within bounds even for a very long message.
  constexpr std::size_t kMaxText = 1024;
  writer.str(std::string_view(error.message).substr(0, kMaxText));
  return writer;
}

Status readReplyStatus(Reader& reader) {
  const std::int32_t status = reader.i32();
  if (!reader.ok()) return makeError(EPROTO, "empty reply from the emulated Xen broker");
  if (status == 0) return {};
  std::string message = reader.str(std::numeric_limits<std::uint16_t>::max());
  if (!reader.finish() || status < 0 || status > kMaxErrno) {
    return makeError(EPROTO, "malformed error reply from the emulated Xen broker");
  }
  return makeError(status, std::move(message));
}

}  // namespace vcam::xen::emu::wire
