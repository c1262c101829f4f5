// SPDX-License-Identifier: MIT
// CameraClient: XenBus handshake, request/reply matching by id, event order, buffers.
#include "frontend-client/camera_client.h"

#include <poll.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <string_view>

#include <vcamera/proto/errno_map.h>
#include <vcamera/proto/xenbus.h>

#include "backend/base/system_call.h"
#include "backend/xen/event_channel_util.h"
#include "backend/xen/xenstore_util.h"
#include "frontend-client/xenbus_wait.h"

namespace vcam::frontend {
namespace {

using Clock = std::chrono::steady_clock;
using proto::XenbusState;

constexpr std::string_view kOurVersions[] = {XENCAMERA_PROTOCOL_VERSION};

}  // namespace

CameraClient::CameraClient(xen::XenTransport& xen, const ConnectOptions& options)
    : xen_(xen), options_(options), dir_(proto::frontendDevicePath(xen.self, options.devId)) {}

CameraClient::~CameraClient() { (void)disconnect(); }

Result<std::unique_ptr<CameraClient>> CameraClient::connect(xen::XenTransport& xen,
                                                            const ConnectOptions& options) {
  if (!xen.store || !xen.events || !xen.grants || !xen.sharer) {
    return makeError(EINVAL, "the frontend client needs all four Xen handles");
  }
  std::unique_ptr<CameraClient> client(new CameraClient(xen, options));
  if (Status done = client->handshake(); !done) {
    return withContext("connecting " + client->dir_, done.error());
  }
  return client;
}

Status CameraClient::handshake() {
  xen::XenStore& store = *xen_.store;
  // A frontend (re)starting says so first: a backend that served an earlier connection of
  // this device goes back to InitWait when it sees it.
  if (Status fresh = writeState(XenbusState::Initialising); !fresh) return fresh;
  Result<std::string> backendId = store.read(xen::kNoTransaction, dir_ + "/backend-id");
  if (!backendId) return backendId.error();
  Result<std::uint16_t> backend = proto::parseDomid(*backendId);
  if (!backend) return backend.error();
  backend_ = *backend;
  Result<std::string> backendDir = store.read(xen::kNoTransaction, dir_ + "/backend");
  if (!backendDir) return backendDir.error();
  backendDir_ = *backendDir;

  Result<proto::FrontendConfig> config =
      proto::readFrontendConfig(xen::XenStoreReader(store), dir_);
  if (!config) return config.error();
  config_ = std::move(config).value();

  const std::string backendState = backendDir_ + "/state";
  Result<XenbusState> ready = waitForState(
      store, backendState, "the backend to reach InitWait",
      [](XenbusState s) { return s == XenbusState::InitWait; }, options_.timeout);
  if (!ready) return ready.error();

  Result<std::string> versions = store.read(xen::kNoTransaction, backendDir_ + "/versions");
  if (!versions) return withContext("the backend's versions", versions.error());
  Result<std::string> version = proto::chooseVersion(*versions, kOurVersions);
  if (!version) return version.error();
  version_ = std::move(version).value();

  if (Status shared = shareTransport(); !shared) return shared;
  if (Status published = publishTransport(); !published) return published;

  Result<XenbusState> connected = waitForState(
      store, backendState, "the backend to connect",
      [](XenbusState s) {
        return s == XenbusState::Connected || s == XenbusState::Closing || s == XenbusState::Closed;
      },
      options_.timeout);
  if (!connected) return connected.error();
  if (*connected != XenbusState::Connected) {
    return makeError(ECONNREFUSED,
                     "the backend went " + proto::xenbusStateName(*connected) + " instead");
  }
  if (Status written = writeState(XenbusState::Connected); !written) return written;
  // From now on a backend that leaves (closes, or restarts and says InitWait) ends every wait.
  Result<xen::XsWatch> watch = store.watch(backendState, "vcamera-frontend-backend-state");
  if (!watch) return watch.error();
  backendWatch_ = std::move(watch).value();
  connected_ = true;
  return {};
}

Status CameraClient::shareTransport() {
  Result<xen::SharedPages> reqPage = xen_.sharer->share(backend_, 1, xen::GrantAccess::ReadWrite);
  if (!reqPage) return reqPage.error();
  reqPage_ = std::move(reqPage).value();
  Result<xen::SharedPages> evtPage = xen_.sharer->share(backend_, 1, xen::GrantAccess::ReadWrite);
  if (!evtPage) return evtPage.error();
  evtPage_ = std::move(evtPage).value();

  Result<xen::FrontRequestRing> ring = xen::FrontRequestRing::init(reqPage_.bytes());
  if (!ring) return ring.error();
  ring_.emplace(std::move(ring).value());
  Result<xen::EventPageConsumer> events = xen::EventPageConsumer::attach(evtPage_.bytes());
  if (!events) return events.error();
  events_.emplace(std::move(events).value());

  Result<xen::EvtchnPort> reqPort = xen_.events->allocUnbound(backend_);
  if (!reqPort) return reqPort.error();
  reqPort_ = std::move(reqPort).value();
  Result<xen::EvtchnPort> evtPort = xen_.events->allocUnbound(backend_);
  if (!evtPort) return evtPort.error();
  evtPort_ = std::move(evtPort).value();
  return {};
}

// Everything the backend reads at once, then the state that tells it to: one transaction.
Status CameraClient::publishTransport() {
  proto::FrontendTransport transport{reqPage_.refs().front(), reqPort_.port(),
                                     evtPage_.refs().front(), evtPort_.port()};
  Result<proto::XenStoreNodes> nodes = proto::formatFrontendTransport(transport);
  if (!nodes) return nodes.error();
  xen::XenStore& store = *xen_.store;
  return xen::runTransaction(store, [&](xen::XsTransactionId tx) -> Status {
    if (Status v = store.write(tx, dir_ + "/" XENCAMERA_FIELD_FE_VERSION, version_); !v) return v;
    for (const auto& [name, value] : *nodes) {
      if (Status w = store.write(tx, dir_ + "/" + name, value); !w) return w;
    }
    return store.write(tx, dir_ + "/state", proto::formatXenbusState(XenbusState::Initialised));
  });
}

Status CameraClient::writeState(XenbusState state) {
  return xen_.store->write(xen::kNoTransaction, dir_ + "/state", proto::formatXenbusState(state));
}

Result<xencamera_resp> CameraClient::callRaw(const xencamera_req& packet) {
  if (!connected_) return makeError(ENOTCONN, "not connected");
  if (Status pushed = ring_->push(packet); !pushed) return pushed.error();
  Result<bool> notify = ring_->publishRequests();
  if (!notify) return notify.error();
  if (*notify) {
    if (Status sent = xen_.events->notify(reqPort_.port()); !sent) return sent.error();
  }
  const Clock::time_point deadline = Clock::now() + options_.timeout;
  for (;;) {
    for (;;) {
      Result<std::optional<xencamera_resp>> reply = ring_->pop();
      if (!reply) return reply.error();
      if (!reply->has_value()) break;
      // A late reply to a request we gave up on is skipped, as the kernel frontend does.
      if ((*reply)->id == packet.id) return **reply;
    }
    if (Status collected = collectEvents(); !collected) return collected.error();
    Result<bool> more = ring_->finalCheck();
    if (!more) return more.error();
    if (*more) continue;
    if (Status woke = waitForNotification(deadline); !woke) {
      return withContext("waiting for the reply to request " + std::to_string(packet.id),
                         woke.error());
    }
  }
}

Result<proto::Response> CameraClient::call(proto::Request request) {
  request.id = nextRequestId_++;
  Result<xencamera_resp> reply = callRaw(proto::encodeRequest(request));
  if (!reply) return reply.error();
  return proto::decodeResponse(*reply);
}

Result<proto::Response> CameraClient::callChecked(proto::Request request) {
  const proto::Operation operation = request.operation;
  Result<proto::Response> reply = call(std::move(request));
  if (!reply) return reply;
  if (reply->status != 0) {
    const int code = proto::fromWireStatus(reply->status);
    return makeError(code, std::string(proto::operationName(operation)) +
                               " failed: " + std::strerror(code) + " (status " +
                               std::to_string(reply->status) + ")");
  }
  return reply;
}

Status CameraClient::collectEvents() {
  for (;;) {
    Result<std::optional<xencamera_evt>> event = events_->pop();
    if (!event) return event.error();
    if (!event->has_value()) return {};
    pendingEvents_.push_back(**event);
  }
}

Result<std::optional<proto::Event>> CameraClient::pollEvent() {
  if (!connected_) return makeError(ENOTCONN, "not connected");
  if (Status collected = collectEvents(); !collected) return collected.error();
  if (pendingEvents_.empty()) return std::optional<proto::Event>{};
  const xencamera_evt packet = pendingEvents_.front();
  pendingEvents_.pop_front();
  const std::uint16_t expected = nextEventId_;
  // Resynchronise on the id we saw, so one gap is reported once.
  nextEventId_ = static_cast<std::uint16_t>(packet.id + 1);
  if (packet.id != expected) {
    return makeError(EPROTO, "event id " + std::to_string(packet.id) + " where " +
                                 std::to_string(expected) + " was due: ids must have no gaps");
  }
  Result<proto::Event> event = proto::decodeEvent(packet);
  if (!event) return event.error();
  return std::optional<proto::Event>(std::move(event).value());
}

Result<proto::Event> CameraClient::waitEvent() {
  const Clock::time_point deadline = Clock::now() + options_.timeout;
  for (;;) {
    Result<std::optional<proto::Event>> event = pollEvent();
    if (!event) return event.error();
    if (event->has_value()) return std::move(**event);
    if (Status woke = waitForNotification(deadline); !woke) {
      return withContext("waiting for an event", woke.error());
    }
  }
}

Status CameraClient::waitForNotification(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  std::array<pollfd, 2> fds{pollfd{xen_.events->fd(), POLLIN, 0},
                            pollfd{xen_.store->watchFd(), POLLIN, 0}};
  int ready = -1;
  do {
    ready = ::poll(fds.data(), fds.size(), left.count() > 0 ? static_cast<int>(left.count()) : 0);
  } while (ready < 0 && errno == EINTR);
  if (ready < 0) return base::systemError("poll on event channels and XenStore");
  if (ready == 0) {
    return makeError(ETIMEDOUT,
                     "no notification within " + std::to_string(options_.timeout.count()) + " ms");
  }
  if (fds[1].revents != 0) {
    if (Status present = checkBackendPresent(); !present) return present;
  }
  // Unmask what fired before the caller looks at the rings, so nothing posted after the look
  // can go unnoticed.
  Result<std::vector<xen::Port>> fired = xen::takeFiredPorts(*xen_.events);
  if (!fired) return fired.error();
  return {};
}

Status CameraClient::checkBackendPresent() {
  for (;;) {
    Result<std::optional<xen::XsWatchEvent>> event = xen_.store->readWatch();
    if (!event) return event.error();
    if (!event->has_value()) break;
  }
  Result<std::string> text = xen_.store->read(xen::kNoTransaction, backendDir_ + "/state");
  Result<XenbusState> state =
      text ? proto::parseXenbusState(*text) : Result<XenbusState>(text.error());
  if (state && *state == XenbusState::Connected) return {};
  return makeError(ECONNRESET, "the backend left (its state is " +
                                   (state ? proto::xenbusStateName(*state) : std::string("gone")) +
                                   "): reconnect()");
}

Status CameraClient::createBuffer(std::uint8_t index, const proto::BufLayout& layout,
                                  const std::array<std::uint32_t, XENCAMERA_MAX_PLANE>& offsets) {
  if (!connected_) return makeError(ENOTCONN, "not connected");
  if (buffers_.contains(index)) {
    return makeError(EEXIST, "buffer " + std::to_string(index) + " already exists here");
  }
  Result<ClientBuffer> buffer = config_.beAlloc
                                    ? ClientBuffer::shareEmptyDirectory(xen_, backend_, layout.size)
                                    : ClientBuffer::shareOwnPages(xen_, backend_, layout.size);
  if (!buffer) return buffer.error();
  proto::BufCreateRequest create;
  create.index = index;
  create.planeOffset = offsets;
  create.grefDirectory = buffer->directoryRef();
  Result<proto::Response> reply =
      callChecked(proto::Request{0, proto::Operation::BufCreate, create});
  if (!reply) return reply.error();
  if (config_.beAlloc) {
    if (Status mapped = buffer->mapBackendPages(xen_, backend_); !mapped) return mapped;
  }
  buffers_.emplace(index, std::move(buffer).value());
  return {};
}

Status CameraClient::destroyBuffer(std::uint8_t index) {
  auto found = buffers_.find(index);
  if (found == buffers_.end()) {
    return makeError(ENOENT, "no buffer " + std::to_string(index) + " here");
  }
  found->second.unmapBackendPages();
  Result<proto::Response> reply =
      callChecked(proto::Request{0, proto::Operation::BufDestroy, proto::IndexRequest{index}});
  if (!reply) return reply.error();
  buffers_.erase(found);
  return {};
}

std::span<std::byte> CameraClient::bufferBytes(std::uint8_t index) const {
  auto found = buffers_.find(index);
  return found == buffers_.end() ? std::span<std::byte>{} : found->second.bytes();
}

Status CameraClient::disconnect() {
  if (!ring_) return {};
  Status result;
  // Our mappings of the backend's pages go first, so it may end its grants when it closes.
  for (auto& [index, buffer] : buffers_) buffer.unmapBackendPages();
  if (Status closing = writeState(XenbusState::Closing); !closing) result = closing;
  if (result) {
    Result<std::optional<std::string>> let = waitForNode(
        *xen_.store, backendDir_ + "/state", "the backend to release the device",
        [](const std::optional<std::string>& text) {
          if (!text) return true;
          Result<XenbusState> state = proto::parseXenbusState(*text);
          return !state || *state == XenbusState::Closed || *state == XenbusState::InitWait ||
                 *state == XenbusState::Initialising;
        },
        options_.timeout);
    if (!let) result = let.error();
  }
  if (Status closed = writeState(XenbusState::Closed); !closed && result) result = closed;
  releaseTransport();
  return result;
}

void CameraClient::releaseTransport() {
  connected_ = false;
  backendWatch_.reset();
  buffers_.clear();
  ring_.reset();
  events_.reset();
  reqPort_.reset();
  evtPort_.reset();
  reqPage_.reset();
  evtPage_.reset();
  pendingEvents_.clear();
  nextEventId_ = 0;
}

Status CameraClient::reconnect() {
  // The backend that had our pages is gone: nothing to hand back, only our own grants to end.
  for (auto& [index, buffer] : buffers_) buffer.unmapBackendPages();
  releaseTransport();
  if (Status done = handshake(); !done) return withContext("reconnecting " + dir_, done.error());
  return {};
}

Status CameraClient::notifyRequestChannel() {
  if (!connected_) return makeError(ENOTCONN, "not connected");
  return xen_.events->notify(reqPort_.port());
}

}  // namespace vcam::frontend
