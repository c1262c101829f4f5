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

#include <vcamera/proto/errno_map.h>
#include <vcamera/proto/wire.h>
#include <vcamera/proto/xenbus.h>
#include <vcamera/proto/xenstore_schema.h>

#include "backend/buffer/guest_buffer.h"
#include "backend/session/ring_channel.h"
#include "backend/xen/event_channel_util.h"
#include "backend/xen/xenstore_util.h"
#include "frontend-client/xenbus_wait.h"

namespace vcam::frontend::test {
namespace {

using proto::XenbusState;
constexpr int kWaitMs = 10000;

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
    Result<std::unique_ptr<session::RingChannel>> channel =
        session::RingChannel::open(xen_, device_.frontend, *transport);
    if (!channel) return channel.error();
    channel_ = std::move(channel).value();
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
    auto answer = [this](const proto::Request& request) {
      proto::Response reply;
      if (Status done = handle(request, reply); !done)
        reply.status = proto::toWireStatus(done.error());
      return reply;
    };
    for (;;) {
      Result<bool> more = channel_->serve(answer);
      if (!more) return more.error();
      if (!*more) return {};
    }
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
    Result<std::unique_ptr<buffer::GuestBuffer>> memory =
        device_.beAlloc ? buffer::shareBackendBuffer(xen_, device_.frontend, create.grefDirectory,
                                                     device_.bufferSize)
                        : buffer::mapFrontendBuffer(xen_, device_.frontend, create.grefDirectory,
                                                    device_.bufferSize);
    if (!memory) return memory.error();
    std::span<std::byte> bytes = (*memory)->bytes();
    std::memset(bytes.data(), static_cast<int>(fillByteFor(create.index)), bytes.size());
    buffers_.emplace(create.index, std::move(memory).value());
    return {};
  }

  Status postFrames() {
    std::uint32_t sequence = 0;
    for (const auto& [index, memory] : buffers_) {
      proto::Event event{0, proto::FrameAvail{index, device_.bufferSize, sequence++}};
      Result<std::uint16_t> posted = channel_->post(event);
      if (!posted) return posted.error();
    }
    return {};
  }

  // Let go of every mapping of the frontend's pages before saying Closed: only then may the
  // frontend end its grants.
  Status close() {
    buffers_.clear();
    channel_.reset();
    return writeState(XenbusState::Closed);
  }

  xen::XenTransport& xen_;
  ScriptedDevice device_;
  std::string dir_;
  std::string frontendDir_;
  std::unique_ptr<session::RingChannel> channel_;
  std::map<std::uint8_t, std::unique_ptr<buffer::GuestBuffer>> buffers_;
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
