// SPDX-License-Identifier: MIT
// Broker: the listening socket, the epoll loop, connections, domains and notifications.
#include "backend/xen/emulated/broker.h"

#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

#include "backend/base/system_call.h"

namespace vcam::xen::emu {
namespace {

using base::systemError;

// epoll tags: the listener, the stop fd, then 2*id for a request socket, 2*id+1 for a
// notification socket (connection ids start at 1).
constexpr std::uint64_t kListenTag = 0;
constexpr std::uint64_t kStopTag = 1;
constexpr std::uint64_t socketTag(ConnectionId id) { return id * 2; }
constexpr std::uint64_t notifyTag(ConnectionId id) { return id * 2 + 1; }

// The broker's own XenStore identity when it acts as the toolstack; never a connection id.
constexpr ClientId kToolstack = 0;
const Caller kToolstackCaller{kToolstack, 0};

std::string domainPath(DomId domid) { return "/local/domain/" + std::to_string(domid); }

Status watchFd(int epoll, int op, int fd, std::uint32_t events, std::uint64_t tag) {
  epoll_event event{};
  event.events = events;
  event.data.u64 = tag;
  if (::epoll_ctl(epoll, op, fd, &event) != 0) return systemError("epoll_ctl");
  return {};
}

Result<sockaddr_un> socketAddress(const std::string& path) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (path.empty() || path.size() >= sizeof(address.sun_path)) {
    return makeError(ENAMETOOLONG, "socket path empty or too long: " + path);
  }
  std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
  return address;
}

// True when something accepts connections at `address` (a live broker, not a stale file).
bool answers(const sockaddr_un& address) {
  base::UniqueFd probe(::socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0));
  return probe &&
         ::connect(probe.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0;
}

}  // namespace

Broker::Broker(std::string socketPath, BrokerOptions options)
    : socketPath_(std::move(socketPath)),
      tree_(options.quota),
      events_([this](DomId domid) { return domainExists(domid); }),
      grants_([this](DomId domid) { return domainExists(domid); }, violations_) {
  violations_.setEcho(options.logViolations);
  gntdevDmaBuf_ = options.gntdevDmaBuf;
}

Broker::~Broker() {
  connections_.clear();
  if (ownsSocketFile_) ::unlink(socketPath_.c_str());
}

Result<std::unique_ptr<Broker>> Broker::create(const std::string& socketPath,
                                               BrokerOptions options) {
  std::unique_ptr<Broker> broker(new Broker(socketPath, options));
  if (Status listening = broker->listen(); !listening) return listening.error();
  broker->introduceDom0();
  for (DomId domid : options.domains) {
    if (domid == 0 || domid >= kDomidFirstReserved) {
      return makeError(EINVAL, "cannot create domain " + std::to_string(domid));
    }
    // The running domain itself holds one reference, so it outlives its connections.
    if (++broker->domainConnections_[domid] == 1) broker->introduce(domid);
  }
  (void)broker->tree_.takeFiredWatches();  // nobody is connected yet
  return broker;
}

Status Broker::listen() {
  Result<sockaddr_un> address = socketAddress(socketPath_);
  if (!address) return address.error();
  epoll_.reset(::epoll_create1(EPOLL_CLOEXEC));
  if (!epoll_) return systemError("epoll_create1");
  listener_.reset(::socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (!listener_) return systemError("socket");
  const auto* raw = reinterpret_cast<const sockaddr*>(&*address);
  if (::bind(listener_.get(), raw, sizeof *address) != 0) {
    if (errno != EADDRINUSE) return systemError("bind " + socketPath_);
    if (answers(*address)) {
      return makeError(EADDRINUSE, "a broker already listens on " + socketPath_);
    }
    ::unlink(socketPath_.c_str());  // stale socket of a broker that died
    if (::bind(listener_.get(), raw, sizeof *address) != 0) {
      return systemError("bind " + socketPath_);
    }
  }
  ownsSocketFile_ = true;
  if (::listen(listener_.get(), 64) != 0) return systemError("listen");
  return watchFd(epoll_.get(), EPOLL_CTL_ADD, listener_.get(), EPOLLIN, kListenTag);
}

void Broker::introduceDom0() {
  const std::string path = domainPath(0);
  const XsPermission owner[] = {{0, XsAccess::None}};
  (void)tree_.mkdir(kToolstackCaller, kNoTransaction, path);
  (void)tree_.setPermissions(kToolstackCaller, kNoTransaction, path, owner);
  (void)tree_.write(kToolstackCaller, kNoTransaction, path + "/domid", "0");
  (void)tree_.takeFiredWatches();  // nobody is connected yet
}

Status Broker::run(int stopFd) {
  if (stopFd >= 0) {
    if (Status added = watchFd(epoll_.get(), EPOLL_CTL_ADD, stopFd, EPOLLIN, kStopTag); !added) {
      return added;
    }
  }
  std::array<epoll_event, 64> events{};
  for (;;) {
    const int ready =
        ::epoll_wait(epoll_.get(), events.data(), static_cast<int>(events.size()), -1);
    if (ready < 0) {
      if (errno == EINTR) continue;
      return systemError("epoll_wait");
    }
    for (int i = 0; i < ready; ++i) {
      const std::uint64_t tag = events[static_cast<std::size_t>(i)].data.u64;
      if (tag == kListenTag) {
        acceptClients();
      } else if (tag == kStopTag) {
        (void)::epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, stopFd, nullptr);
        return {};
      } else if (tag % 2 == 0) {
        serviceRequest(tag / 2);
      } else {
        flushOutbox(tag / 2);
      }
    }
  }
}

void Broker::acceptClients() {
  for (;;) {
    base::UniqueFd socket(
        ::accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK));
    if (!socket) return;  // EAGAIN: all taken; anything else: try again on the next wakeup
    if (connections_.size() >= kMaxConnections) continue;  // closed right away
    const ConnectionId id = nextConnection_++;
    if (!watchFd(epoll_.get(), EPOLL_CTL_ADD, socket.get(), EPOLLIN, socketTag(id))) continue;
    Connection connection;
    connection.id = id;
    connection.socket = std::move(socket);
    connections_.emplace(id, std::move(connection));
  }
}

void Broker::serviceRequest(ConnectionId id) {
  auto it = connections_.find(id);
  if (it == connections_.end()) return;
  Result<wire::Message> message = wire::receiveMessage(it->second.socket.get(), true);
  if (!message) {
    if (message.error().code != EAGAIN) closeConnection(id);
    return;
  }
  Connection& connection = it->second;
  if (!connection.greeted) {
    wire::Reader in(message->bytes);
    const auto op = static_cast<wire::Op>(in.u16());
    base::UniqueFd clientEnd;
    Status greeted = op == wire::Op::Hello && message->fds.empty()
                         ? hello(connection, in, clientEnd)
                         : Status(makeError(EPROTO, "the first message must be HELLO"));
    deliverWatches();
    if (!greeted) {
      reply(id, wire::errorReply(greeted.error()));
      closeConnection(id);
      return;
    }
    const int fd = clientEnd.get();
    reply(id, wire::okReply(), clientEnd ? std::span<const int>(&fd, 1) : std::span<const int>());
    return;
  }
  Reply out = dispatch(connection, *message);
  deliverWatches();
  if (!out.message.fits()) {
    out = Reply{wire::errorReply(makeError(E2BIG, "reply too large for one message")), {}};
  }
  std::vector<int> fds;
  for (const base::UniqueFd& fd : out.fds) fds.push_back(fd.get());
  reply(id, out.message, fds);
}

Status Broker::hello(Connection& connection, wire::Reader& request, base::UniqueFd& clientEnd) {
  const DomId domid = request.u16();
  const std::uint8_t kind = request.u8();
  if (!request.finish()) return makeError(EPROTO, "malformed HELLO");
  if (domid >= kDomidFirstReserved) {
    return makeError(EINVAL, "HELLO: dom" + std::to_string(domid) + " is a reserved id");
  }
  if (kind < static_cast<std::uint8_t>(wire::ConnectionKind::Store) ||
      kind > static_cast<std::uint8_t>(wire::ConnectionKind::Control)) {
    return makeError(EINVAL, "HELLO: unknown connection kind " + std::to_string(kind));
  }
  const auto type = static_cast<wire::ConnectionKind>(kind);
  const bool domainConnection = type != wire::ConnectionKind::Control;
  auto count = domainConnections_.find(domid);
  if (domainConnection && count != domainConnections_.end() &&
      count->second >= kMaxConnectionsPerDomain) {
    return makeError(EMFILE, "HELLO: too many connections for dom" + std::to_string(domid));
  }
  if (type == wire::ConnectionKind::Store || type == wire::ConnectionKind::Events) {
    std::array<int, 2> pair{-1, -1};
    if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair.data()) != 0) {
      return systemError("socketpair");
    }
    connection.notify.reset(pair[0]);
    clientEnd.reset(pair[1]);
    // Our end only writes, without blocking; whatever a client writes back is refused.
    (void)::fcntl(pair[0], F_SETFL, O_NONBLOCK);
    (void)::shutdown(pair[0], SHUT_RD);
  }
  connection.greeted = true;
  connection.domid = domid;
  connection.kind = type;
  if (domainConnection && ++domainConnections_[domid] == 1) introduce(domid);
  return {};
}

bool Broker::domainExists(DomId domid) const {
  return domid == 0 || domainConnections_.contains(domid);
}

void Broker::introduce(DomId domid) {
  if (domid == 0) return;  // dom0 exists from the start
  const std::string path = domainPath(domid);
  const XsPermission owner[] = {{domid, XsAccess::None}};
  (void)tree_.mkdir(kToolstackCaller, kNoTransaction, path);
  (void)tree_.setPermissions(kToolstackCaller, kNoTransaction, path, owner);
  (void)tree_.write(kToolstackCaller, kNoTransaction, path + "/domid", std::to_string(domid));
  tree_.fireSpecial("@introduceDomain");
}

void Broker::release(DomId domid) {
  if (domid == 0) return;
  (void)tree_.remove(kToolstackCaller, kNoTransaction, domainPath(domid));
  tree_.fireSpecial("@releaseDomain");
}

void Broker::closeConnection(ConnectionId id) {
  auto it = connections_.find(id);
  if (it == connections_.end()) return;
  Connection connection = std::move(it->second);
  connections_.erase(it);
  (void)::epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, connection.socket.get(), nullptr);
  if (connection.notify && !connection.outbox.empty()) {
    (void)::epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, connection.notify.get(), nullptr);
  }
  grants_.dropConnection(id);
  events_.dropConnection(id);
  tree_.dropClient(id);
  if (connection.greeted && connection.kind != wire::ConnectionKind::Control) {
    auto count = domainConnections_.find(connection.domid);
    if (count != domainConnections_.end() && --count->second == 0) {
      domainConnections_.erase(count);
      release(connection.domid);
    }
  }
  deliverWatches();
}

void Broker::reply(ConnectionId id, const wire::Writer& message, std::span<const int> fds) {
  auto it = connections_.find(id);
  if (it == connections_.end()) return;
  // A client that does not read its replies (EAGAIN) or went away is dropped.
  if (!wire::sendMessage(it->second.socket.get(), message, fds)) closeConnection(id);
}

void Broker::enqueue(ConnectionId id, wire::Writer message) {
  auto it = connections_.find(id);
  if (it == connections_.end() || !it->second.notify) return;
  Connection& connection = it->second;
  if (connection.outbox.empty()) {
    Status sent = wire::sendMessage(connection.notify.get(), message);
    if (sent || sent.error().code != EAGAIN) return;  // delivered, or nobody listens any more
    if (!watchFd(epoll_.get(), EPOLL_CTL_ADD, connection.notify.get(), EPOLLOUT, notifyTag(id))) {
      return;
    }
  }
  if (connection.outbox.size() >= kMaxQueuedNotifications) {
    if (!connection.overflowed) {
      connection.overflowed = true;
      violations_.record(Violation{
          ViolationKind::NotificationsDropped, connection.domid, connection.domid, kInvalidGrantRef,
          "dom" + std::to_string(connection.domid) + " left " +
              std::to_string(kMaxQueuedNotifications) +
              " notifications unread on one handle; further ones are dropped"});
    }
    return;
  }
  connection.outbox.push_back(std::move(message));
}

void Broker::flushOutbox(ConnectionId id) {
  auto it = connections_.find(id);
  if (it == connections_.end()) return;
  Connection& connection = it->second;
  while (!connection.outbox.empty()) {
    Status sent = wire::sendMessage(connection.notify.get(), connection.outbox.front());
    if (!sent && sent.error().code == EAGAIN) return;
    if (!sent) {
      connection.outbox.clear();  // the client closed its end
      break;
    }
    connection.outbox.pop_front();
  }
  (void)::epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, connection.notify.get(), nullptr);
  connection.overflowed = false;
}

void Broker::deliverWatches() {
  for (FiredWatch& fired : tree_.takeFiredWatches()) {
    if (fired.client == kToolstack) continue;
    wire::Writer event;
    event.str(fired.event.path).str(fired.event.token);
    enqueue(fired.client, std::move(event));
  }
}

void Broker::deliverPorts(const std::vector<PortDelivery>& deliveries) {
  for (const PortDelivery& delivery : deliveries) {
    wire::Writer event;
    event.u32(delivery.port);
    enqueue(delivery.connection, std::move(event));
  }
}

BrokerReport Broker::report() const {
  BrokerReport report;
  if (!domainConnections_.contains(0)) report.domains.push_back(0);
  for (const auto& [domid, count] : domainConnections_) report.domains.push_back(domid);
  report.connections = connections_.size();
  report.grantsActive = grants_.grantsActive();
  report.grantsEndedButMapped = grants_.grantsEndedButMapped();
  report.mappingsActive = grants_.mappingsActive();
  report.exportsActive = grants_.exportsActive();
  report.portsBound = events_.portsBound();
  report.violations = violations_.list();
  report.violationsDropped = violations_.dropped();
  return report;
}

}  // namespace vcam::xen::emu
