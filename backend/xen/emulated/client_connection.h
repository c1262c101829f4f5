// SPDX-License-Identifier: MIT
// BrokerConnection: a client's connection to the emulated Xen broker (HELLO, synchronous
// calls, and the notification socket of Store and Events connections).
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include <vcamera/common/result.h>

#include "backend/base/unique_fd.h"
#include "backend/xen/emulated/wire.h"
#include "backend/xen/transport.h"

namespace vcam::xen::emu {

/// One connection, opened by each interface object. Calls block until the broker replies
/// (at most kCallTimeoutMs: a broker that hangs is an error, not a hang of the test).
class BrokerConnection {
 public:
  static constexpr int kCallTimeoutMs = 10000;

  /// A reply whose status was 0: its payload and the descriptors sent with it.
  struct Reply {
    wire::Message message;
    [[nodiscard]] wire::Reader payload() const {
      return wire::Reader(
          std::span<const unsigned char>(message.bytes).subspan(sizeof(std::int32_t)));
    }
  };

  /// Connects to `socketPath` and says HELLO as `domid`.
  [[nodiscard]] static Result<std::unique_ptr<BrokerConnection>> open(const std::string& socketPath,
                                                                      DomId domid,
                                                                      wire::ConnectionKind kind);
  ~BrokerConnection();
  BrokerConnection(const BrokerConnection&) = delete;
  BrokerConnection& operator=(const BrokerConnection&) = delete;

  /// Sends `request` (with `fds`) and waits for the reply; the broker's error as the Error.
  [[nodiscard]] Result<Reply> call(const wire::Writer& request, std::span<const int> fds = {});
  /// Readable while notifications are queued; -1 for Grants, Sharer and Control connections.
  [[nodiscard]] int notifyFd() const { return notify_.get(); }
  /// The next notification without blocking; nullopt when none is queued.
  [[nodiscard]] Result<std::optional<wire::Message>> nextNotification();
  [[nodiscard]] DomId domid() const { return domid_; }

 private:
  BrokerConnection(base::UniqueFd socket, DomId domid);

  base::UniqueFd socket_;
  base::UniqueFd notify_;
  DomId domid_ = 0;
};

}  // namespace vcam::xen::emu
