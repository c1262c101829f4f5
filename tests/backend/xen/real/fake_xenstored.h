// SPDX-License-Identifier: MIT
// FakeXenstored: a scripted xenstored on a Unix socket, so RealXenStore and the real
// libxenstore can be tested on a machine without Xen (XENSTORED_PATH points them at it).
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace vcam::xen::test {

/// One request as libxenstore sent it.
struct XsRequest {
  std::uint32_t type = 0;  ///< XS_READ, XS_WRITE, ... (xen/io/xs_wire.h)
  std::uint32_t txId = 0;
  std::string payload;  ///< raw bytes: NUL-separated arguments
  /// The payload split at NULs (a last part without a NUL, such as a written value, included).
  [[nodiscard]] std::vector<std::string> args() const;
};

/// What the fake answers.
struct XsReply {
  std::uint32_t type = 0;  ///< the request's type, or XS_ERROR
  std::string payload;
  /// xenstored's "OK" for a request of `type`.
  static XsReply ok(std::uint32_t type);
  /// An XS_ERROR reply naming an errno ("ENOENT", "EAGAIN", ...).
  static XsReply error(const std::string& name);
};

/// Serves one connection at a time from its own thread; every request goes to `handler`
/// (called on that thread) and is recorded.
class FakeXenstored {
 public:
  using Handler = std::function<XsReply(const XsRequest&)>;

  explicit FakeXenstored(Handler handler);
  ~FakeXenstored();
  FakeXenstored(const FakeXenstored&) = delete;
  FakeXenstored& operator=(const FakeXenstored&) = delete;

  /// False if the socket could not be set up (the test should fail then).
  [[nodiscard]] bool listening() const { return listen_ >= 0; }
  [[nodiscard]] const std::string& socketPath() const { return socketPath_; }
  /// Every request received so far.
  [[nodiscard]] std::vector<XsRequest> requests() const;
  /// Sends an XS_WATCH_EVENT to the connected client.
  bool sendWatchEvent(const std::string& path, const std::string& token);
  /// Hangs up on the client, as a dying xenstored would.
  void dropConnection();

 private:
  void serve();
  bool serveOne(int connection);
  bool send(std::uint32_t type, std::uint32_t reqId, std::uint32_t txId,
            const std::string& payload);

  Handler handler_;
  std::string dir_;
  std::string socketPath_;
  int listen_ = -1;
  int stop_ = -1;  ///< eventfd that ends serve()
  mutable std::mutex mutex_;
  int connection_ = -1;              ///< guarded by mutex_ (closed only by the server thread)
  std::vector<XsRequest> requests_;  ///< guarded by mutex_
  std::thread thread_;
};

}  // namespace vcam::xen::test
