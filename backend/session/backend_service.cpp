// SPDX-License-Identifier: MIT
// BackendService: device discovery, watch and port routing.
#include "backend/session/backend_service.h"

#include <charconv>
#include <set>

#include <vcamera/proto/xenbus.h>

#include "backend/base/log.h"
#include "backend/xen/event_channel_util.h"

namespace vcam::session {
namespace {

using base::LogLevel;

constexpr std::string_view kRootToken = "backend-root";
constexpr std::string_view kFrontendTokenPrefix = "frontend:";

std::string frontendToken(const DeviceAddress& address) {
  return std::string(kFrontendTokenPrefix) + std::to_string(address.frontend) + ":" +
         std::to_string(address.devId);
}

// Our own tokens only come back to us, but parse them strictly anyway.
std::optional<DeviceAddress> parseFrontendToken(std::string_view token) {
  if (!token.starts_with(kFrontendTokenPrefix)) return std::nullopt;
  token.remove_prefix(kFrontendTokenPrefix.size());
  const std::size_t colon = token.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  Result<std::uint16_t> frontend = proto::parseDomid(token.substr(0, colon));
  Result<std::uint32_t> devId = proto::parseDeviceId(token.substr(colon + 1));
  if (!frontend || !devId) return std::nullopt;
  return DeviceAddress{*frontend, *devId};
}

}  // namespace

BackendService::BackendService(base::EventLoop& loop, xen::XenTransport& xen,
                               ServiceOptions options)
    : loop_(loop),
      xen_(xen),
      options_(std::move(options)),
      root_(proto::backendRootPath(xen.self)),
      alive_(std::make_shared<bool>(true)) {}

BackendService::~BackendService() {
  // Sessions first: their teardown unroutes ports and writes their final states.
  sessions_.clear();
  *alive_ = false;
}

Result<std::unique_ptr<BackendService>> BackendService::create(base::EventLoop& loop,
                                                               xen::XenTransport& xen,
                                                               ServiceOptions options) {
  if (!options.handlers) return makeError(EINVAL, "the backend service needs a handler factory");
  std::unique_ptr<BackendService> service(new BackendService(loop, xen, std::move(options)));
  BackendService* self = service.get();
  Result<base::LoopHandle> store =
      loop.watchReadable(xen.store->watchFd(), [self] { self->onWatchFired(); });
  if (!store) return store.error();
  service->storeHandle_ = std::move(store).value();
  Result<base::LoopHandle> events =
      loop.watchReadable(xen.events->fd(), [self] { self->onPortsFired(); });
  if (!events) return events.error();
  service->eventsHandle_ = std::move(events).value();
  // The watch fires once at once, so existing devices are found by the first rescan.
  Result<xen::XsWatch> watch = xen.store->watch(service->root_, kRootToken);
  if (!watch) return watch.error();
  service->rootWatch_ = std::move(watch).value();
  Result<base::LoopHandle> sweep =
      loop.addTimer(kSweepInterval, true, [self] { self->sweepFrontends(); });
  if (!sweep) return sweep.error();
  service->sweepHandle_ = std::move(sweep).value();
  return service;
}

DeviceSession* BackendService::session(const DeviceAddress& address) const {
  auto found = sessions_.find(address);
  return found == sessions_.end() ? nullptr : found->second.get();
}

void BackendService::routePort(xen::Port port, const DeviceAddress& address) {
  ports_[port] = address;
}

void BackendService::unroutePort(xen::Port port) { ports_.erase(port); }

void BackendService::scheduleService(const DeviceAddress& address) {
  // Later, after what else is ready: that is what keeps one busy guest from starving others.
  std::weak_ptr<bool> alive = alive_;
  loop_.post([this, alive, address] {
    if (auto flag = alive.lock(); !flag || !*flag) return;
    if (DeviceSession* found = session(address)) found->serveRequests();
  });
}

void BackendService::failLater(const DeviceAddress& address, const Error& error) {
  std::weak_ptr<bool> alive = alive_;
  loop_.post([this, alive, address, error] {
    if (auto flag = alive.lock(); !flag || !*flag) return;
    if (DeviceSession* found = session(address)) found->fail(error);
  });
}

void BackendService::onWatchFired() {
  bool rescanNeeded = false;
  std::set<DeviceAddress> changed;
  for (;;) {
    Result<std::optional<xen::XsWatchEvent>> event = xen_.store->readWatch();
    if (!event) {
      base::logMessage(LogLevel::Error, "xenstore", event.error().message);
      return;
    }
    if (!event->has_value()) break;
    if ((*event)->token == kRootToken) {
      rescanNeeded = true;
    } else if (auto address = parseFrontendToken((*event)->token)) {
      changed.insert(*address);
    }
  }
  if (rescanNeeded) rescan();
  // A guest's devices usually change together (it dies, or its toolstack removes them all),
  // and XenStore may drop some of the events: one event has every device of that guest look.
  std::set<std::uint16_t> frontends;
  for (const DeviceAddress& address : changed) frontends.insert(address.frontend);
  lookAgain([&](const DeviceAddress& address) { return frontends.contains(address.frontend); });
}

void BackendService::sweepFrontends() {
  lookAgain([](const DeviceAddress&) { return true; });
}

void BackendService::lookAgain(const std::function<bool(const DeviceAddress&)>& which) {
  // Addresses first, each looked up again: a look runs a whole teardown before the next.
  std::vector<DeviceAddress> chosen;
  for (const auto& [address, session] : sessions_) {
    if (which(address)) chosen.push_back(address);
  }
  for (const DeviceAddress& address : chosen) {
    if (DeviceSession* found = session(address)) found->onFrontendChanged();
  }
}

void BackendService::onPortsFired() {
  Result<std::vector<xen::Port>> fired = xen::takeFiredPorts(*xen_.events);
  if (!fired) {
    base::logMessage(LogLevel::Error, "event channels", fired.error().message);
    return;
  }
  std::set<DeviceAddress> toServe;
  for (xen::Port port : *fired) {
    if (auto found = ports_.find(port); found != ports_.end()) toServe.insert(found->second);
  }
  for (const DeviceAddress& address : toServe) {
    if (DeviceSession* found = session(address)) found->serveRequests();
  }
}

std::vector<DeviceAddress> BackendService::listDevices() {
  std::vector<DeviceAddress> devices;
  Result<std::vector<std::string>> frontends = xen_.store->directory(xen::kNoTransaction, root_);
  if (!frontends) return devices;  // no device yet: the directory appears with the first
  if (frontends->size() > kMaxFrontendDomains) {
    base::logMessage(LogLevel::Warning, root_,
                     "more frontend domains than we serve; extra ignored");
    frontends->resize(kMaxFrontendDomains);
  }
  for (const std::string& frontendName : *frontends) {
    Result<std::uint16_t> frontend = proto::parseDomid(frontendName);
    if (!frontend) continue;
    Result<std::vector<std::string>> ids =
        xen_.store->directory(xen::kNoTransaction, root_ + "/" + frontendName);
    if (!ids) continue;
    if (ids->size() > kMaxDevicesPerFrontend) ids->resize(kMaxDevicesPerFrontend);
    for (const std::string& idName : *ids) {
      Result<std::uint32_t> devId = proto::parseDeviceId(idName);
      if (devId) devices.push_back(DeviceAddress{*frontend, *devId});
    }
  }
  return devices;
}

void BackendService::rescan() {
  const std::vector<DeviceAddress> present = listDevices();
  const std::set<DeviceAddress> wanted(present.begin(), present.end());
  for (auto it = sessions_.begin(); it != sessions_.end();) {
    it = wanted.contains(it->first) ? std::next(it) : sessions_.erase(it);
  }
  for (const DeviceAddress& address : wanted) {
    if (sessions_.contains(address)) continue;
    // A device directory is complete only once the toolstack's transaction committed; one
    // without a frontend link is not ours to take yet (we look again on the next change).
    Result<std::unique_ptr<DeviceSession>> created = DeviceSession::create(
        xen_, *this, options_.handlers, address, options_.versions, frontendToken(address));
    if (!created) {
      base::logMessage(LogLevel::Debug, deviceName(address), created.error().message);
      continue;
    }
    sessions_.emplace(address, std::move(created).value());
  }
}

}  // namespace vcam::session
