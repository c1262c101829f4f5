// SPDX-License-Identifier: MIT
// DeviceSession: the backend's end of one vcamera device - the XenBus state machine, the
// connection it guards, and the request handler that serves it.
#pragma once

#include <compare>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <vcamera/common/result.h>
#include <vcamera/proto/xenbus.h>
#include <vcamera/proto/xenstore_schema.h>

#include "backend/session/request_handler.h"
#include "backend/session/ring_channel.h"
#include "backend/xen/transport.h"

namespace vcam::session {

/// Which device: the frontend domain and its device id (the backend is us).
struct DeviceAddress {
  xen::DomId frontend = 0;
  std::uint32_t devId = 0;
  friend auto operator<=>(const DeviceAddress&, const DeviceAddress&) = default;
};

/// "dom<N>/vcamera<M>": how logs and errors name a device.
[[nodiscard]] std::string deviceName(const DeviceAddress& address);

/// What a connection's handler is made from.
struct ConnectionContext {
  DeviceAddress address;
  proto::FrontendConfig config;
  std::string version;
  RingChannel& channel;  ///< for events; outlives the handler
  /// Disconnects the device soon (for errors a handler meets outside a request).
  std::function<void(const Error&)> fail;
};

using HandlerFactory =
    std::function<Result<std::unique_ptr<RequestHandler>>(const ConnectionContext& context)>;

/// What the service that owns the sessions does for them.
class SessionHost {
 public:
  virtual ~SessionHost() = default;
  /// Notifications on `port` go to the session at `address` (until unroutePort()).
  virtual void routePort(xen::Port port, const DeviceAddress& address) = 0;
  virtual void unroutePort(xen::Port port) = 0;
  /// Calls serveRequests() of the session at `address` again soon (its ring had more work
  /// than one turn allows).
  virtual void scheduleService(const DeviceAddress& address) = 0;
  /// Makes the session at `address` fail with `error` soon (not from inside its own call).
  virtual void failLater(const DeviceAddress& address, const Error& error) = 0;
};

/// The backend's half of the XenBus handshake for one device:
///   created: `versions` written, InitWait;
///   frontend Initialised: configuration and transport read, rings mapped, ports bound,
///     handler made, Connected (a frontend still Connected to a previous backend instance
///     first starts over: it sees our InitWait);
///   frontend Closing: disconnect, Closed;  frontend Closed: disconnect, InitWait (ready again);
///   frontend Initialising while connected (it restarted): disconnect, InitWait;
///   frontend gone (node absent, Unknown): disconnect, Closed.
/// A failure to connect (bad configuration, unknown version, a grant that does not map) is
/// written to the backend directory's "error" node and leaves the device Closed. Destruction
/// disconnects and, if the device still exists, says Closed so the frontend knows.
class DeviceSession {
 public:
  /// Watches the frontend's state with `watchToken` (the host routes the events back to
  /// onFrontendChanged()).
  [[nodiscard]] static Result<std::unique_ptr<DeviceSession>> create(
      xen::XenTransport& xen, SessionHost& host, HandlerFactory handlers, DeviceAddress address,
      std::vector<std::string> versions, const std::string& watchToken);
  ~DeviceSession();
  DeviceSession(const DeviceSession&) = delete;
  DeviceSession& operator=(const DeviceSession&) = delete;

  /// The frontend's state node changed (or may have): act on it.
  void onFrontendChanged();
  /// Our request port fired, or scheduleService() came back: answer what is waiting.
  void serveRequests();
  /// Says why in the "error" node, disconnects and goes Closed.
  void fail(const Error& error);

  [[nodiscard]] const DeviceAddress& address() const { return address_; }
  [[nodiscard]] proto::XenbusState state() const { return state_; }
  [[nodiscard]] bool connected() const { return channel_ != nullptr; }

 private:
  DeviceSession(xen::XenTransport& xen, SessionHost& host, HandlerFactory handlers,
                DeviceAddress address, std::vector<std::string> versions);

  [[nodiscard]] Status connect();
  void disconnect();
  void writeState(proto::XenbusState state);

  xen::XenTransport& xen_;
  SessionHost& host_;
  HandlerFactory handlers_;
  DeviceAddress address_;
  std::vector<std::string> versions_;
  std::string name_;
  std::string backendDir_;
  std::string frontendDir_;
  proto::XenbusState state_ = proto::XenbusState::Initialising;
  xen::XsWatch frontendWatch_;
  std::unique_ptr<RingChannel> channel_;
  std::unique_ptr<RequestHandler> handler_;  ///< destroyed before channel_ (declared after)
};

}  // namespace vcam::session
