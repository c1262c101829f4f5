// SPDX-License-Identifier: MIT
// FakeXenstored: xenstored's wire protocol (a 16-byte header, then the payload) over a Unix
// socket, answered by a test's handler.
#include "fake_xenstored.h"

#include <poll.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>

#include "backend/xen/real/libxen.h"

namespace vcam::xen::test {

namespace {

/// Payloads larger than xenstored accepts are a protocol error, not something to buffer.
constexpr std::uint32_t kMaxPayload = XENSTORE_PAYLOAD_MAX;

bool readExactly(int fd, void* data, std::size_t size) {
  auto* out = static_cast<char*>(data);
  while (size > 0) {
    const ssize_t got = ::read(fd, out, size);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return false;
    out += got;
    size -= static_cast<std::size_t>(got);
  }
  return true;
}

bool writeExactly(int fd, const void* data, std::size_t size) {
  const auto* in = static_cast<const char*>(data);
  while (size > 0) {
    const ssize_t put = ::send(fd, in, size, MSG_NOSIGNAL);
    if (put < 0 && errno == EINTR) continue;
    if (put <= 0) return false;
    in += put;
    size -= static_cast<std::size_t>(put);
  }
  return true;
}

}  // namespace

std::vector<std::string> XsRequest::args() const {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < payload.size()) {
    std::size_t end = payload.find('\0', start);
    if (end == std::string::npos) end = payload.size();
    out.push_back(payload.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

XsReply XsReply::ok(std::uint32_t type) { return {type, std::string("OK", 3)}; }

XsReply XsReply::error(const std::string& name) { return {XS_ERROR, name + '\0'}; }

FakeXenstored::FakeXenstored(Handler handler) : handler_(std::move(handler)) {
  char pattern[] = "/tmp/vcam-fake-xenstored-XXXXXX";
  if (::mkdtemp(pattern) == nullptr) return;
  dir_ = pattern;
  socketPath_ = dir_ + "/socket";
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (socketPath_.size() >= sizeof address.sun_path) return;
  std::memcpy(address.sun_path, socketPath_.c_str(), socketPath_.size() + 1);
  stop_ = ::eventfd(0, EFD_CLOEXEC);
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (stop_ < 0 || fd < 0) {
    if (fd >= 0) ::close(fd);
    return;
  }
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::listen(fd, 4) != 0) {
    ::close(fd);
    return;
  }
  listen_ = fd;
  thread_ = std::thread([this] { serve(); });
}

FakeXenstored::~FakeXenstored() {
  if (thread_.joinable()) {
    const std::uint64_t one = 1;
    (void)!::write(stop_, &one, sizeof one);
    thread_.join();
  }
  if (connection_ >= 0) ::close(connection_);
  if (listen_ >= 0) ::close(listen_);
  if (stop_ >= 0) ::close(stop_);
  if (!socketPath_.empty()) ::unlink(socketPath_.c_str());
  if (!dir_.empty()) ::rmdir(dir_.c_str());
}

std::vector<XsRequest> FakeXenstored::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

void FakeXenstored::serve() {
  for (;;) {
    int connection = -1;
    {
      std::lock_guard lock(mutex_);
      connection = connection_;
    }
    pollfd fds[3] = {{stop_, POLLIN, 0}, {listen_, POLLIN, 0}, {connection, POLLIN, 0}};
    if (::poll(fds, connection >= 0 ? 3 : 2, -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    if (fds[0].revents != 0) return;
    if ((fds[1].revents & POLLIN) != 0) {
      const int accepted = ::accept4(listen_, nullptr, nullptr, SOCK_CLOEXEC);
      std::lock_guard lock(mutex_);
      if (connection_ >= 0) ::close(connection_);
      connection_ = accepted;
      continue;
    }
    if (connection >= 0 && fds[2].revents != 0 && !serveOne(connection)) {
      std::lock_guard lock(mutex_);
      ::close(connection_);
      connection_ = -1;
    }
  }
}

bool FakeXenstored::serveOne(int connection) {
  xsd_sockmsg header{};
  if (!readExactly(connection, &header, sizeof header) || header.len > kMaxPayload) return false;
  XsRequest request{header.type, header.tx_id, std::string(header.len, '\0')};
  if (!readExactly(connection, request.payload.data(), header.len)) return false;
  {
    std::lock_guard lock(mutex_);
    requests_.push_back(request);
  }
  const XsReply reply = handler_(request);
  return send(reply.type, header.req_id, header.tx_id, reply.payload);
}

bool FakeXenstored::send(std::uint32_t type, std::uint32_t reqId, std::uint32_t txId,
                         const std::string& payload) {
  xsd_sockmsg header{type, reqId, txId, static_cast<std::uint32_t>(payload.size())};
  std::lock_guard lock(mutex_);
  if (connection_ < 0) return false;
  return writeExactly(connection_, &header, sizeof header) &&
         writeExactly(connection_, payload.data(), payload.size());
}

bool FakeXenstored::sendWatchEvent(const std::string& path, const std::string& token) {
  return send(XS_WATCH_EVENT, 0, 0, path + '\0' + token + '\0');
}

void FakeXenstored::dropConnection() {
  std::lock_guard lock(mutex_);
  if (connection_ >= 0) ::shutdown(connection_, SHUT_RDWR);
}

}  // namespace vcam::xen::test
