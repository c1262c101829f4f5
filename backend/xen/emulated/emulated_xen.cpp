// SPDX-License-Identifier: MIT
// connectEmulatedXen() and queryBroker().
#include "backend/xen/emulated/emulated_xen.h"

#include "backend/xen/emulated/client_connection.h"
#include "backend/xen/emulated/client_events.h"
#include "backend/xen/emulated/client_grants.h"
#include "backend/xen/emulated/client_store.h"

namespace vcam::xen::emu {

Result<XenTransport> connectEmulatedXen(const std::string& socketPath, DomId domid) {
  XenTransport transport;
  transport.self = domid;
  Result<std::unique_ptr<EmulatedXenStore>> store = EmulatedXenStore::create(socketPath, domid);
  if (!store) return store.error();
  transport.store = std::move(*store);
  Result<std::unique_ptr<EmulatedEventChannels>> events =
      EmulatedEventChannels::create(socketPath, domid);
  if (!events) return events.error();
  transport.events = std::move(*events);
  Result<std::unique_ptr<EmulatedGrantTable>> grants =
      EmulatedGrantTable::create(socketPath, domid);
  if (!grants) return grants.error();
  transport.grants = std::move(*grants);
  Result<std::unique_ptr<EmulatedGrantSharer>> sharer =
      EmulatedGrantSharer::create(socketPath, domid);
  if (!sharer) return sharer.error();
  transport.sharer = std::move(*sharer);
  return transport;
}

Result<BrokerReport> queryBroker(const std::string& socketPath) {
  Result<std::unique_ptr<BrokerConnection>> connection =
      BrokerConnection::open(socketPath, 0, wire::ConnectionKind::Control);
  if (!connection) return connection.error();
  Result<BrokerConnection::Reply> reply = (*connection)->call(wire::Writer(wire::Op::CtlQuery));
  if (!reply) return reply.error();
  wire::Reader in = reply->payload();
  return decodeReport(in);
}

}  // namespace vcam::xen::emu
