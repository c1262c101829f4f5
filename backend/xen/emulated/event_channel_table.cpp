// SPDX-License-Identifier: MIT
// EventChannelTable: the broker's model of Xen event channels and Linux's evtchn masking.
#include "backend/xen/emulated/event_channel_table.h"

#include <cerrno>
#include <string>

namespace vcam::xen::emu {
namespace {

std::string portName(DomId domid, Port port) {
  return "dom" + std::to_string(domid) + " port " + std::to_string(port);
}

}  // namespace

Result<Port> EventChannelTable::freePort(DomId domid) {
  const DomainPorts& ports = domains_[domid];
  Port candidate = 1;
  // The map is ordered: the first gap in 1, 2, 3, ... is the lowest free port.
  for (const auto& [port, state] : ports) {
    if (port != candidate) break;
    ++candidate;
  }
  if (candidate >= kMaxPorts) {
    return makeError(ENOSPC, "dom" + std::to_string(domid) + " has no free event channel port");
  }
  return candidate;
}

EventChannelTable::PortState* EventChannelTable::find(DomId domid, Port port) {
  auto domain = domains_.find(domid);
  if (domain == domains_.end()) return nullptr;
  auto it = domain->second.find(port);
  return it == domain->second.end() ? nullptr : &it->second;
}

Result<EventChannelTable::PortState*> EventChannelTable::owned(ConnectionId connection, DomId domid,
                                                               Port port) {
  PortState* state = find(domid, port);
  if (state == nullptr || state->connection != connection) {
    return makeError(ENOTCONN, portName(domid, port) + " is not bound by this handle");
  }
  return state;
}

void EventChannelTable::raise(PortState& state, Port port, std::vector<PortDelivery>& out) {
  if (state.masked) {
    state.pending = true;
    return;
  }
  state.masked = true;
  out.push_back({state.connection, port});
}

Result<Port> EventChannelTable::allocUnbound(ConnectionId connection, DomId domid, DomId remote) {
  if (!domainExists_(remote)) {
    return makeError(ESRCH, "allocUnbound: dom" + std::to_string(remote) + " does not exist");
  }
  Result<Port> port = freePort(domid);
  if (!port) return port;
  PortState state;
  state.connection = connection;
  state.remote = remote;
  domains_[domid].emplace(*port, state);
  return port;
}

Result<Port> EventChannelTable::bindInterdomain(ConnectionId connection, DomId domid, DomId remote,
                                                Port remotePort, std::vector<PortDelivery>& out) {
  if (!domainExists_(remote)) {
    return makeError(ESRCH, "bindInterdomain: dom" + std::to_string(remote) + " does not exist");
  }
  PortState* peer = find(remote, remotePort);
  if (peer == nullptr) {
    return makeError(EINVAL,
                     "bindInterdomain: " + portName(remote, remotePort) + " is not allocated");
  }
  if (peer->interdomain) {
    return makeError(EINVAL,
                     "bindInterdomain: " + portName(remote, remotePort) + " is already bound");
  }
  if (peer->remote != domid) {
    return makeError(EINVAL, "bindInterdomain: " + portName(remote, remotePort) +
                                 " was allocated for dom" + std::to_string(peer->remote));
  }
  Result<Port> local = freePort(domid);
  if (!local) return local;
  PortState state;
  state.connection = connection;
  state.interdomain = true;
  state.remote = remote;
  state.remotePort = remotePort;
  // std::map keeps `peer` valid across this insertion (even when remote == domid).
  PortState& inserted = domains_[domid].emplace(*local, state).first->second;
  peer->interdomain = true;
  peer->remotePort = *local;
  raise(inserted, *local, out);
  return local;
}

Status EventChannelTable::notify(ConnectionId connection, DomId domid, Port port,
                                 std::vector<PortDelivery>& out) {
  Result<PortState*> state = owned(connection, domid, port);
  if (!state) return state.error();
  if (!(*state)->interdomain) {
    return makeError(EPIPE, "notify: " + portName(domid, port) + " has no peer (closed)");
  }
  PortState* peer = find((*state)->remote, (*state)->remotePort);
  if (peer == nullptr) return makeError(EPIPE, "notify: the peer port is gone");
  raise(*peer, (*state)->remotePort, out);
  return {};
}

Status EventChannelTable::unmask(ConnectionId connection, DomId domid, Port port,
                                 std::vector<PortDelivery>& out) {
  Result<PortState*> state = owned(connection, domid, port);
  if (!state) return state.error();
  PortState& s = **state;
  s.masked = false;
  if (s.pending) {
    s.pending = false;
    raise(s, port, out);
  }
  return {};
}

Status EventChannelTable::unbind(ConnectionId connection, DomId domid, Port port) {
  Result<PortState*> state = owned(connection, domid, port);
  if (!state) return state.error();
  close(domid, port);
  return {};
}

void EventChannelTable::close(DomId domid, Port port) {
  PortState* state = find(domid, port);
  if (state == nullptr) return;
  if (state->interdomain) {
    PortState* peer = find(state->remote, state->remotePort);
    if (peer != nullptr) {
      // Xen's evtchn_close: the peer stays allocated, unbound, for this domain to bind again.
      peer->interdomain = false;
      peer->remote = domid;
      peer->remotePort = 0;
    }
  }
  domains_[domid].erase(port);
}

void EventChannelTable::dropConnection(ConnectionId connection) {
  std::vector<std::pair<DomId, Port>> doomed;
  for (const auto& [domid, ports] : domains_) {
    for (const auto& [port, state] : ports) {
      if (state.connection == connection) doomed.emplace_back(domid, port);
    }
  }
  for (const auto& [domid, port] : doomed) close(domid, port);
}

std::size_t EventChannelTable::portsBound() const {
  std::size_t total = 0;
  for (const auto& [domid, ports] : domains_) total += ports.size();
  return total;
}

}  // namespace vcam::xen::emu
