// SPDX-License-Identifier: MIT
// Broker: the emulated Xen's hypervisor, xenstored and toolstack in one epoll-driven process.
#pragma once

// Design of the emulated Xen (backend/xen/emulated/)
// ---------------------------------------------------
// Processes. Every domain (backend, guests) is an ordinary process; the broker is one more.
// A domain reaches another's memory only through a memfd the broker hands out for pages that
// were granted to it, so "the backend can only touch what the guest granted" holds as on Xen.
//
// Connections. AF_UNIX SOCK_SEQPACKET at a socket path. Each interface object (XenStore,
// EventChannels, GrantTable, GrantSharer) opens its own connection and says HELLO {domid,
// kind}; requests and replies alternate on it (wire.h: bounded binary messages, fds by
// SCM_RIGHTS). Store and Events connections get a second socket at HELLO (one end of a
// socketpair): the broker writes watch events / fired ports there, and it is the object's
// pollable fd. A notification caused by a request is written before that request's reply.
// Control connections (queryBroker) do not count as a domain.
//
// Trust. Domain ids are taken from HELLO: the harness plays the toolstack. Everything else a
// client sends is checked and bounded (message size, counts, ids, fds); a malformed request
// gets an error reply, a connection that breaks the protocol before HELLO or stops reading
// its replies is dropped. The broker never trusts a client to stay alive or polite.
//
// Domains. dom0 exists from the start (/local/domain/0). Another domain is introduced by its
// first HELLO, as xl would: /local/domain/<id> owned by it (no access for others), its
// "domid" node, then @introduceDomain. When its last connection closes it dies: its grants
// end and its ports close as each connection goes, /local/domain/<id> is removed (libxl's
// job) and @releaseDomain fires. A dying domain's pages stay mapped by whoever mapped them
// until they unmap (as on Xen): that is not a violation.
//
// Event channels, grants: see event_channel_table.h and grant_tables.h. In short: Xen's rules
// and error codes; misuse that Xen would refuse (or Linux would warn about) is refused and
// recorded as a Violation, which tests read through queryBroker().
//
// Watch events and fired ports queue per connection when its socket is full, up to
// kMaxQueuedNotifications; beyond that they are dropped and a NotificationsDropped violation
// is recorded (a client that never reads its notifications is a bug worth seeing).
//
// Where the emulation knowingly differs from Xen + Linux:
//  - notify() on a port whose peer is gone is EPIPE; Xen drops it silently. Treat it as
//    benign during teardown.
//  - Grant refusals carry one errno per cause (ENOENT, EPERM, EACCES, ESRCH) and a message;
//    real gntdev is less precise. Callers should not branch on them.
//  - An exported dma-buf is a memfd (or a udmabuf) and can be mmapped, which real gntdev
//    refuses; without /dev/udmabuf only whole allocations can be exported; waitReleased()
//    sees importers in its own process only.
//  - One map() may span at most wire::kMaxFdsPerMessage allocations (E2BIG beyond).
//  - Domain death removes /local/domain/<id> (libxl's job on a real host, not xenstored's).

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <vcamera/common/result.h>

#include "backend/base/unique_fd.h"
#include "backend/xen/emulated/event_channel_table.h"
#include "backend/xen/emulated/grant_tables.h"
#include "backend/xen/emulated/report.h"
#include "backend/xen/emulated/wire.h"
#include "backend/xen/emulated/xenstore_tree.h"
#include "backend/xen/transport.h"

namespace vcam::xen::emu {

/// DOMID_FIRST_RESERVED: larger ids name no domain.
inline constexpr DomId kDomidFirstReserved = 0x7ff0;

struct BrokerOptions {
  XenStoreQuota quota;
  bool logViolations = false;  ///< print each violation to stderr as it happens
  /// Domains created up front, as `xl create` would: they exist (and a toolstack may attach
  /// devices to them) before any of their processes connects, until the broker stops.
  std::vector<DomId> domains;
  /// false: dma-buf export and import answer ENOTTY, as gntdev does in a kernel without
  /// CONFIG_XEN_GNTDEV_DMABUF (Debian's), so the backend's fallback can be tested.
  bool gntdevDmaBuf = true;
};

/// The emulated Xen. Single-threaded: run() serves every client from one epoll loop.
class Broker {
 public:
  static constexpr std::size_t kMaxConnections = 1024;
  static constexpr std::size_t kMaxConnectionsPerDomain = 256;
  static constexpr std::size_t kMaxQueuedNotifications = 4096;

  /// Listens on `socketPath` (a stale socket nobody answers on is replaced; EADDRINUSE when a
  /// live broker answers there). The socket file is removed by the destructor.
  [[nodiscard]] static Result<std::unique_ptr<Broker>> create(const std::string& socketPath,
                                                              BrokerOptions options = {});
  ~Broker();
  Broker(const Broker&) = delete;
  Broker& operator=(const Broker&) = delete;

  /// Serves clients until `stopFd` (say a signalfd) is readable; -1 serves forever.
  [[nodiscard]] Status run(int stopFd);

  [[nodiscard]] const std::string& socketPath() const { return socketPath_; }
  [[nodiscard]] BrokerReport report() const;

 private:
  struct Connection {
    ConnectionId id = 0;
    base::UniqueFd socket;
    base::UniqueFd notify;  ///< our end of the notification socketpair (non-blocking)
    bool greeted = false;
    DomId domid = 0;
    wire::ConnectionKind kind = wire::ConnectionKind::Control;
    std::deque<wire::Writer> outbox;  ///< notifications the socket had no room for
    bool overflowed = false;
  };

  Broker(std::string socketPath, BrokerOptions options);
  Status listen();
  void introduceDom0();

  // Connections (broker.cpp)
  void acceptClients();
  void serviceRequest(ConnectionId id);
  void closeConnection(ConnectionId id);
  Status hello(Connection& connection, wire::Reader& request, base::UniqueFd& clientEnd);
  void introduce(DomId domid);
  void release(DomId domid);
  bool domainExists(DomId domid) const;
  void reply(ConnectionId id, const wire::Writer& message, std::span<const int> fds = {});
  void enqueue(ConnectionId id, wire::Writer message);
  void flushOutbox(ConnectionId id);
  void deliverWatches();
  void deliverPorts(const std::vector<PortDelivery>& deliveries);

  // Requests (broker_requests.cpp): each returns the reply, plus fds to send with it.
  struct Reply {
    wire::Writer message;
    std::vector<base::UniqueFd> fds;
  };
  Reply dispatch(Connection& connection, wire::Message& request);
  Result<Reply> storeRequest(const Connection& connection, wire::Op op, wire::Reader& in);
  Result<Reply> eventRequest(const Connection& connection, wire::Op op, wire::Reader& in);
  Result<Reply> grantRequest(const Connection& connection, wire::Op op, wire::Reader& in,
                             std::vector<base::UniqueFd>& fds);
  Result<Reply> sharerRequest(const Connection& connection, wire::Op op, wire::Reader& in);

  std::string socketPath_;
  base::UniqueFd listener_;
  base::UniqueFd epoll_;
  ViolationLog violations_;
  XenStoreTree tree_;
  EventChannelTable events_;
  GrantTables grants_;
  std::map<ConnectionId, Connection> connections_;
  std::map<DomId, std::size_t> domainConnections_;
  bool gntdevDmaBuf_ = true;  ///< BrokerOptions::gntdevDmaBuf
  ConnectionId nextConnection_ = 1;
  bool ownsSocketFile_ = false;
};

}  // namespace vcam::xen::emu
