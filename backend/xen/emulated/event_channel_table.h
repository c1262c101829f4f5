// SPDX-License-Identifier: MIT
// The broker's event channels: per-domain ports, interdomain binding, masking and pending bits.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <vector>

#include <vcamera/common/result.h>

#include "backend/xen/transport.h"

namespace vcam::xen::emu {

/// A broker connection (the tree calls it ClientId; same type).
using ConnectionId = std::uint64_t;

/// "Tell connection `connection` that its port `port` fired."
struct PortDelivery {
  ConnectionId connection = 0;
  Port port = 0;
  friend bool operator==(const PortDelivery&, const PortDelivery&) = default;
};

/// Event channels as Xen keeps them plus the per-port mask of Linux's evtchn device.
///  - Ports are per domain, from 1 (0 is never valid), lowest free first, at most kMaxPorts.
///    Each belongs to the connection (evtchn handle) that made it.
///  - allocUnbound(remote): an unbound port only `remote` may bind. ESRCH for an unknown remote.
///  - bindInterdomain(remote, remotePort): EINVAL unless that port exists, is unbound and was
///    allocated for the caller (Xen says EINVAL for all three). As on Xen, the new local port
///    is made pending right away ("we may have lost notifications on the remote unbound port").
///  - notify(port): ENOTCONN when the caller's handle did not bind `port` (Linux evtchn);
///    EPIPE when the port has no peer (never bound, or the peer unbound). Real Xen drops
///    such a notification silently: the emulation reports it so tests see it.
///  - Delivery: an unmasked port is delivered once and masked; while masked, notifications
///    set one pending bit, delivered (and masked again) on unmask().
///  - unbind: the peer's port goes back to unbound (for this domain), as in Xen's evtchn_close.
class EventChannelTable {
 public:
  static constexpr Port kMaxPorts = 4096;  ///< the 2-level ABI's limit on 64-bit

  explicit EventChannelTable(std::function<bool(DomId)> domainExists)
      : domainExists_(std::move(domainExists)) {}

  [[nodiscard]] Result<Port> allocUnbound(ConnectionId connection, DomId domid, DomId remote);
  [[nodiscard]] Result<Port> bindInterdomain(ConnectionId connection, DomId domid, DomId remote,
                                             Port remotePort, std::vector<PortDelivery>& out);
  [[nodiscard]] Status notify(ConnectionId connection, DomId domid, Port port,
                              std::vector<PortDelivery>& out);
  [[nodiscard]] Status unmask(ConnectionId connection, DomId domid, Port port,
                              std::vector<PortDelivery>& out);
  [[nodiscard]] Status unbind(ConnectionId connection, DomId domid, Port port);
  /// The handle closed: every port it bound is unbound.
  void dropConnection(ConnectionId connection);

  [[nodiscard]] std::size_t portsBound() const;

 private:
  struct PortState {
    ConnectionId connection = 0;
    bool interdomain = false;  ///< false: unbound, waiting for `remote`
    DomId remote = 0;
    Port remotePort = 0;  ///< valid when interdomain
    bool masked = false;
    bool pending = false;
  };
  using DomainPorts = std::map<Port, PortState>;

  Result<Port> freePort(DomId domid);
  PortState* find(DomId domid, Port port);
  Result<PortState*> owned(ConnectionId connection, DomId domid, Port port);
  static void raise(PortState& state, Port port, std::vector<PortDelivery>& out);
  void close(DomId domid, Port port);

  std::function<bool(DomId)> domainExists_;
  std::map<DomId, DomainPorts> domains_;
};

}  // namespace vcam::xen::emu
