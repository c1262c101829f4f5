// SPDX-License-Identifier: MIT
// The scripted backend: just enough of cameraif's backend side to exercise the frontend client.
#include "tests/frontend-client/scripted_backend.h"

#include <poll.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <map>
#include <optional>
#include <string>
#include <variant>

#include <vcamera/proto/wire.h>
#include <vcamera/proto/xenbus.h>
#include <vcamera/proto/xenstore_schema.h>

#include "backend/xen/event_channel_util.h"
#include "backend/xen/ring/back_request_ring.h"
#include "backend/xen/ring/event_page.h"
#include "backend/xen/ring/page_directory.h"
#include "backend/xen/xenstore_util.h"
#include "frontend-client/xenbus_wait.h"

namespace vcam::frontend::test {
namespace {

using proto::XenbusState;
constexpr int kWaitMs = 10000;

// One buffer as the backend holds it: the frontend's pages mapped, or our own shared ones.
struct HeldBuffer {
  xen::GrantMapping mapped;
  xen::SharedPages shared;
  [[nodiscard]] std::span<std::byte> bytes() const {
    return mapped.mapped() ? mapped.bytes() : shared.bytes();
  }
};

class ScriptedBackend {
 public:
  ScriptedBackend(xen::XenTransport& xen, const ScriptedDevice& device)
      : xen_(xen),
        device_(device),
        dir_(proto::backendDevicePath(xen.self, device.frontend, device.devId)),
        frontendDir_(proto::frontendDevicePath(device.frontend, device.devId)) {}

  Status run() {
    if (Status ok = handshake(); !ok) return ok;
    Result<xen::XsWatch> watch = xen_.store->watch(frontendDir_ + "/state", "frontend-state");
    if (!watch) return watch.error();
    for (;;) {
      pollfd fds[2] = {{xen_.events->fd(), POLLIN, 0}, {xen_.store->watchFd(), POLLIN, 0}};
      const int ready = ::poll(fds, 2, kWaitMs);
      if (ready <= 0) return makeError(ETIMEDOUT, "the frontend went quiet");
      if (Status ok = drainPorts(); !ok) return ok;
      if (Status ok = serveRequests(); !ok) return ok;
      Result<bool> closing = frontendClosing();
      if (!closing) return closing.error();
      if (*closing) return close();
    }
  }

 private:
  Status handshake() {
    xen::XenStore& store = *xen_.store;
    if (Status v = store.write(xen::kNoTransaction, dir_ + "/versions", "1"); !v) return v;
    if (Status s = writeState(XenbusState::InitWait); !s) return s;
    Result<XenbusState> initialised = waitForState(
        store, frontendDir_ + "/state", "the frontend's Initialised",
        [](XenbusState s) { return s == XenbusState::Initialised; },
        std::chrono::milliseconds(kWaitMs));
    if (!initialised) return initialised.error();
    Result<proto::FrontendTransport> transport =
        proto::readFrontendTransport(xen::XenStoreReader(store), frontendDir_);
    if (!transport) return transport.error();
    const xen::DomId fe = device_.frontend;
    Result<xen::GrantMapping> reqPage =
        xen_.grants->map(fe, std::array{transport->reqRingRef}, xen::GrantAccess::ReadWrite);
    if (!reqPage) return reqPage.error();
    reqPage_ = std::move(reqPage).value();
    Result<xen::GrantMapping> evtPage =
        xen_.grants->map(fe, std::array{transport->evtRingRef}, xen::GrantAccess::ReadWrite);
    if (!evtPage) return evtPage.error();
    evtPage_ = std::move(evtPage).value();
    Result<xen::BackRequestRing> ring = xen::BackRequestRing::attach(reqPage_.bytes());
    if (!ring) return ring.error();
    ring_.emplace(std::move(ring).value());
    Result<xen::EventPageProducer> events = xen::EventPageProducer::attach(evtPage_.bytes());
    if (!events) return events.error();
    events_.emplace(std::move(events).value());
    Result<xen::EvtchnPort> reqPort = xen_.events->bindInterdomain(fe, transport->reqEventChannel);
    if (!reqPort) return reqPort.error();
    reqPort_ = std::move(reqPort).value();
    Result<xen::EvtchnPort> evtPort = xen_.events->bindInterdomain(fe, transport->evtEventChannel);
    if (!evtPort) return evtPort.error();
    evtPort_ = std::move(evtPort).value();
    return writeState(XenbusState::Connected);
  }

  Status writeState(XenbusState state) {
    return xen_.store->write(xen::kNoTransaction, dir_ + "/state", proto::formatXenbusState(state));
  }

  Status drainPorts() {
    Result<std::vector<xen::Port>> fired = xen::takeFiredPorts(*xen_.events);
    return fired ? Status{} : Status{fired.error()};
  }

  Result<bool> frontendClosing() {
    for (;;) {
      Result<std::optional<xen::XsWatchEvent>> event = xen_.store->readWatch();
      if (!event) return event.error();
      if (!event->has_value()) break;
    }
    Result<std::string> text = xen_.store->read(xen::kNoTransaction, frontendDir_ + "/state");
    if (!text) return true;  // the device is gone
    Result<XenbusState> state = proto::parseXenbusState(*text);
    return !state || *state == XenbusState::Closing || *state == XenbusState::Closed;
  }

  Status serveRequests() {
    for (;;) {
      for (;;) {
        Result<std::optional<xencamera_req>> packet = ring_->pop();
        if (!packet) return packet.error();
        if (!packet->has_value()) break;
        if (Status ok = ring_->pushResponse(answer(**packet)); !ok) return ok;
      }
      Result<bool> notify = ring_->publishResponses();
      if (!notify) return notify.error();
      if (*notify) {
        if (Status ok = xen_.events->notify(reqPort_.port()); !ok) return ok;
      }
      Result<bool> more = ring_->finalCheck();
      if (!more) return more.error();
      if (!*more) return {};
    }
  }

  xencamera_resp answer(const xencamera_req& packet) {
    Result<proto::Request> request = proto::decodeRequest(packet);
    if (!request) return proto::encodeErrorResponse(packet, request.error());
    proto::Response reply{request->id, static_cast<std::uint8_t>(request->operation), 0, {}};
    Status done = handle(*request, reply);
    if (!done) return proto::encodeErrorResponse(packet, done.error());
    return proto::encodeResponse(reply);
  }

  Status handle(const proto::Request& request, proto::Response& reply) {
    switch (request.operation) {
      case proto::Operation::ConfigGet: {
        proto::ConfigResponse config;
        config.pixelFormat = 0x56595559;  // 'YUYV'
        config.width = 640;
        config.height = 480;
        config.frameRate = {30, 1};
        reply.payload = config;
        return {};
      }
      case proto::Operation::BufCreate:
        return createBuffer(std::get<proto::BufCreateRequest>(request.payload));
      case proto::Operation::BufDestroy:
        return buffers_.erase(std::get<proto::IndexRequest>(request.payload).index) == 1
                   ? Status{}
                   : makeError(ENOENT, "no such buffer");
      case proto::Operation::StreamStart:
        return postFrames();
      default:
        return makeError(EOPNOTSUPP, "the scripted backend does not do this");
    }
  }

  Status createBuffer(const proto::BufCreateRequest& create) {
    if (buffers_.contains(create.index)) return makeError(EEXIST, "buffer exists");
    HeldBuffer held;
    const xen::DomId fe = device_.frontend;
    if (device_.beAlloc) {
      Result<xen::SharedPages> pages = xen_.sharer->share(
          fe, xen::bufferPageCount(device_.bufferSize), xen::GrantAccess::ReadWrite);
      if (!pages) return pages.error();
      xen::GrantDirectoryPageWriter writer(*xen_.grants, fe);
      if (Status ok = xen::writePageDirectory(writer, create.grefDirectory, pages->refs()); !ok) {
        return ok;
      }
      held.shared = std::move(pages).value();
    } else {
      xen::GrantDirectoryPageReader reader(*xen_.grants, fe);
      Result<std::vector<xen::GrantRef>> refs =
          xen::readPageDirectory(reader, create.grefDirectory, device_.bufferSize);
      if (!refs) return refs.error();
      Result<xen::GrantMapping> mapped = xen_.grants->map(fe, *refs, xen::GrantAccess::ReadWrite);
      if (!mapped) return mapped.error();
      held.mapped = std::move(mapped).value();
    }
    std::span<std::byte> bytes = held.bytes();
    std::memset(bytes.data(), static_cast<int>(fillByteFor(create.index)), bytes.size());
    buffers_.emplace(create.index, std::move(held));
    return {};
  }

  Status postFrames() {
    std::uint32_t sequence = 0;
    for (const auto& [index, held] : buffers_) {
      proto::Event event{0, proto::FrameAvail{index, device_.bufferSize, sequence++}};
      Result<std::uint16_t> posted = events_->post(proto::encodeEvent(event));
      if (!posted) return posted.error();
    }
    return xen_.events->notify(evtPort_.port());
  }

  // Let go of every mapping of the frontend's pages before saying Closed: only then may the
  // frontend end its grants.
  Status close() {
    buffers_.clear();
    ring_.reset();
    events_.reset();
    reqPort_.reset();
    evtPort_.reset();
    reqPage_.reset();
    evtPage_.reset();
    return writeState(XenbusState::Closed);
  }

  xen::XenTransport& xen_;
  ScriptedDevice device_;
  std::string dir_;
  std::string frontendDir_;
  xen::GrantMapping reqPage_;
  xen::GrantMapping evtPage_;
  std::optional<xen::BackRequestRing> ring_;
  std::optional<xen::EventPageProducer> events_;
  xen::EvtchnPort reqPort_;
  xen::EvtchnPort evtPort_;
  std::map<std::uint8_t, HeldBuffer> buffers_;
};

}  // namespace

int runScriptedBackend(xen::XenTransport& xen, const ScriptedDevice& device) {
  ScriptedBackend backend(xen, device);
  if (Status done = backend.run(); !done) {
    std::fprintf(stderr, "scripted backend: %s\n", done.error().message.c_str());
    return 1;
  }
  return 0;
}

}  // namespace vcam::frontend::test
