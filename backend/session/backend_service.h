// SPDX-License-Identifier: MIT
// BackendService: every vcamera device XenStore assigns to this domain, one DeviceSession
// each, driven from one event loop.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <vcamera/common/result.h>

#include "backend/base/event_loop.h"
#include "backend/session/device_session.h"
#include "backend/xen/transport.h"

namespace vcam::session {

struct ServiceOptions {
  std::vector<std::string> versions{XENCAMERA_PROTOCOL_VERSION};  ///< offered in `versions`
  HandlerFactory handlers;  ///< makes each connection's request handler
};

/// How often every session re-reads its frontend's state, in case a watch event never came:
/// xenstored may drop events to an unprivileged (driver) domain beyond its quotas, and a PVH
/// driver domain's backend ended only two of a destroyed guest's five sessions (real-Xen
/// harness, 2026-11-21), leaving three - their grant mappings of the dead guest, a camera -
/// held for good.
inline constexpr std::chrono::seconds kSweepInterval{5};

/// Frontend domains and devices per frontend the service takes on from its backend directory.
inline constexpr std::size_t kMaxFrontendDomains = 1024;
inline constexpr std::size_t kMaxDevicesPerFrontend = 64;

/// Watches /local/domain/<self>/backend/vcamera and keeps one session per <fe>/<dev> entry
/// there: created when the toolstack adds a device (and for every device present at start, so
/// a restarted backend picks up existing guests), destroyed when it is removed. Watch events
/// and event channel notifications are routed to the session they belong to; everything runs
/// on the loop's thread.
class BackendService final : public SessionHost {
 public:
  [[nodiscard]] static Result<std::unique_ptr<BackendService>> create(base::EventLoop& loop,
                                                                      xen::XenTransport& xen,
                                                                      ServiceOptions options);
  ~BackendService() override;
  BackendService(const BackendService&) = delete;
  BackendService& operator=(const BackendService&) = delete;

  [[nodiscard]] std::size_t sessionCount() const { return sessions_.size(); }
  /// The session of a device, or nullptr.
  [[nodiscard]] DeviceSession* session(const DeviceAddress& address) const;

  void routePort(xen::Port port, const DeviceAddress& address) override;
  void unroutePort(xen::Port port) override;
  void scheduleService(const DeviceAddress& address) override;
  void failLater(const DeviceAddress& address, const Error& error) override;

 private:
  BackendService(base::EventLoop& loop, xen::XenTransport& xen, ServiceOptions options);

  void onWatchFired();
  void onPortsFired();
  /// Every session looks at its frontend again: see kSweepInterval.
  void sweepFrontends();
  /// The sessions `which` picks look at their frontends again.
  void lookAgain(const std::function<bool(const DeviceAddress&)>& which);
  void rescan();
  [[nodiscard]] std::vector<DeviceAddress> listDevices();

  base::EventLoop& loop_;
  xen::XenTransport& xen_;
  ServiceOptions options_;
  std::string root_;
  std::map<DeviceAddress, std::unique_ptr<DeviceSession>> sessions_;
  std::map<xen::Port, DeviceAddress> ports_;
  xen::XsWatch rootWatch_;
  base::LoopHandle storeHandle_;
  base::LoopHandle eventsHandle_;
  base::LoopHandle sweepHandle_;
  std::shared_ptr<bool> alive_;  ///< lets posted work see that the service is gone
};

}  // namespace vcam::session
