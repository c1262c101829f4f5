// SPDX-License-Identifier: MIT
// DeviceSession: XenBus states, connect/disconnect, request service.
#include "backend/session/device_session.h"

#include <cerrno>

#include <vcamera/proto/errno_map.h>

#include "backend/base/log.h"
#include "backend/xen/xenstore_util.h"

namespace vcam::session {
namespace {

using base::LogLevel;
using proto::XenbusState;

}  // namespace

std::string deviceName(const DeviceAddress& address) {
  return "dom" + std::to_string(address.frontend) + "/vcamera" + std::to_string(address.devId);
}

DeviceSession::DeviceSession(xen::XenTransport& xen, SessionHost& host, HandlerFactory handlers,
                             DeviceAddress address, std::vector<std::string> versions)
    : xen_(xen),
      host_(host),
      handlers_(std::move(handlers)),
      address_(address),
      versions_(std::move(versions)),
      name_(deviceName(address)),
      backendDir_(proto::backendDevicePath(xen.self, address.frontend, address.devId)) {}

Result<std::unique_ptr<DeviceSession>> DeviceSession::create(
    xen::XenTransport& xen, SessionHost& host, HandlerFactory handlers, DeviceAddress address,
    std::vector<std::string> versions, const std::string& watchToken) {
  std::unique_ptr<DeviceSession> session(
      new DeviceSession(xen, host, std::move(handlers), address, std::move(versions)));
  xen::XenStore& store = *xen.store;
  // The toolstack wrote where the frontend lives; we still only trust it to be a path.
  Result<std::string> frontendDir = store.read(
      xen::kNoTransaction, session->backendDir_ + "/" + std::string(proto::kFrontendNode));
  if (!frontendDir) return withContext(session->name_ + ": the frontend link", frontendDir.error());
  session->frontendDir_ = std::move(frontendDir).value();
  Result<std::string> versionList = proto::formatVersions(session->versions_);
  if (!versionList) return versionList.error();
  if (Status written =
          store.write(xen::kNoTransaction, session->backendDir_ + "/" XENCAMERA_FIELD_BE_VERSIONS,
                      *versionList);
      !written) {
    return withContext(session->name_ + ": writing versions", written.error());
  }
  session->writeState(XenbusState::InitWait);
  Result<xen::XsWatch> watch = store.watch(session->frontendDir_ + "/state", watchToken);
  if (!watch) return withContext(session->name_ + ": watching the frontend", watch.error());
  session->frontendWatch_ = std::move(watch).value();
  base::logMessage(LogLevel::Info, session->name_, "ready (InitWait)");
  return session;
}

DeviceSession::~DeviceSession() {
  const bool wasConnected = connected();
  disconnect();
  frontendWatch_.reset();
  // Tell a frontend that is still there that we are gone; a vanished device stays vanished.
  if (xen_.store->read(xen::kNoTransaction, backendDir_ + "/state")) {
    writeState(XenbusState::Closed);
  }
  if (wasConnected) base::logMessage(LogLevel::Info, name_, "closed");
}

void DeviceSession::writeState(XenbusState state) {
  state_ = state;
  Status written = xen_.store->write(xen::kNoTransaction, backendDir_ + "/state",
                                     proto::formatXenbusState(state));
  if (!written) {
    base::logMessage(LogLevel::Warning, name_, "writing state: " + written.error().message);
  }
}

void DeviceSession::fail(const Error& error) {
  base::logMessage(LogLevel::Error, name_, error.message);
  (void)xen_.store->write(xen::kNoTransaction, backendDir_ + "/error", error.message);
  disconnect();
  writeState(XenbusState::Closed);
}

void DeviceSession::onFrontendChanged() {
  Result<std::string> text = xen_.store->read(xen::kNoTransaction, frontendDir_ + "/state");
  if (!text && text.error().code != ENOENT && text.error().code != EACCES) {
    // Not an answer about the frontend (XenStore busy or restarting): the next look decides.
    base::logMessage(LogLevel::Debug, name_, "the frontend's state: " + text.error().message);
    return;
  }
  Result<XenbusState> frontend =
      text ? proto::parseXenbusState(*text) : Result<XenbusState>(text.error());
  if (!frontend || *frontend == XenbusState::Unknown) {
    // Gone (its domain died or the toolstack removed it) or nonsense: nothing to serve.
    if (state_ != XenbusState::Closed) {
      base::logMessage(LogLevel::Info, name_,
                       "the frontend is gone (" +
                           (text ? "state '" + *text + "'" : text.error().message) + "): closing");
      disconnect();
      writeState(XenbusState::Closed);
    }
    return;
  }
  switch (*frontend) {
    case XenbusState::Initialising:
      if (state_ != XenbusState::InitWait) {
        disconnect();
        writeState(XenbusState::InitWait);
      }
      return;
    case XenbusState::Initialised:
      if (state_ == XenbusState::InitWait) {
        if (Status connected = connect(); !connected) fail(connected.error());
      }
      return;
    case XenbusState::Connected:
      // Connected to an earlier backend (we restarted): our InitWait tells it to start over,
      // and we connect when it is Initialised again - its old rings are not ours to resume.
      return;
    case XenbusState::Closing:
      if (state_ != XenbusState::Closed) {
        disconnect();
        writeState(XenbusState::Closed);
      }
      return;
    case XenbusState::Closed:
      disconnect();
      if (state_ != XenbusState::InitWait) writeState(XenbusState::InitWait);
      return;
    default:  // Reconfiguring / Reconfigured: nothing for cameraif to do
      return;
  }
}

Status DeviceSession::connect() {
  xen::XenStore& store = *xen_.store;
  xen::XenStoreReader reader(store);
  Result<proto::FrontendConfig> config = proto::readFrontendConfig(reader, frontendDir_);
  if (!config) return withContext("the frontend's configuration", config.error());
  std::optional<std::string> versionText =
      reader.read(frontendDir_ + "/" XENCAMERA_FIELD_FE_VERSION);
  Result<std::string> version = proto::acceptFrontendVersion(
      versionText ? std::optional<std::string_view>(*versionText) : std::nullopt, versions_);
  if (!version && version.error().code == ENOENT) {
    // The reference frontend never writes "version": it speaks "1".
    version = std::string(XENCAMERA_PROTOCOL_VERSION);
  }
  if (!version) return version.error();
  Result<proto::FrontendTransport> transport = proto::readFrontendTransport(reader, frontendDir_);
  if (!transport) return transport.error();

  Result<std::unique_ptr<RingChannel>> channel =
      RingChannel::open(xen_, address_.frontend, *transport);
  if (!channel) return channel.error();
  channel_ = std::move(channel).value();
  host_.routePort(channel_->requestPort(), address_);

  Result<std::unique_ptr<RequestHandler>> handler = handlers_(
      ConnectionContext{address_, std::move(config).value(), *version, *channel_,
                        [this](const Error& error) { host_.failLater(address_, error); }});
  if (!handler) {
    disconnect();
    return handler.error();
  }
  handler_ = std::move(handler).value();
  (void)store.remove(xen::kNoTransaction, backendDir_ + "/error");
  writeState(XenbusState::Connected);
  base::logMessage(LogLevel::Info, name_, "connected, protocol version " + *version);
  // Requests may be waiting already (the frontend published before we bound the port).
  serveRequests();
  return {};
}

void DeviceSession::disconnect() {
  handler_.reset();
  if (channel_) {
    host_.unroutePort(channel_->requestPort());
    channel_.reset();
  }
}

void DeviceSession::serveRequests() {
  if (!channel_ || !handler_) return;
  Result<bool> more =
      channel_->serve([this](const proto::Request& request) { return handler_->handle(request); });
  if (!more) {
    fail(withContext("the request ring", more.error()));
    return;
  }
  if (*more) host_.scheduleService(address_);
}

}  // namespace vcam::session
