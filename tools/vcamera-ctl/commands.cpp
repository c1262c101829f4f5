// SPDX-License-Identifier: MIT
// vcamera-ctl's subcommands over the XenStore interface, real or emulated.
#include "commands.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>
#include <tuple>

#include <vcamera/common/quote.h>
#include <vcamera/proto/xenbus.h>

#include "backend/app/config/backend_config.h"
#include "backend/xen/emulated/emulated_xen.h"
#include "backend/xen/real/real_xenstore.h"
#include "backend/xen/toolstack.h"

namespace vcam::ctl {
namespace {

using Json = nlohmann::ordered_json;

int fail(int exitCode, const std::string& message) {
  std::cerr << "vcamera-ctl: " << message << "\n";
  return exitCode;
}

std::string deviceName(xen::DomId frontend, std::uint32_t dev) {
  return "dom" + std::to_string(frontend) + "/vcamera" + std::to_string(dev);
}

Result<std::unique_ptr<xen::XenStore>> openStore(const Connection& connection) {
  if (connection.emulatedSocket.empty()) {
    Result<std::unique_ptr<xen::XenStore>> store = xen::openRealXenStore();
    if (!store) {
      return makeError(store.error().code,
                       store.error().message + " (--emulated SOCKET uses the emulated Xen)");
    }
    return store;
  }
  // Only XenStore is used; the other handles close with the transport.
  Result<xen::XenTransport> emulated = xen::emu::connectEmulatedXen(connection.emulatedSocket, 0);
  if (!emulated) {
    return withContext("emulated Xen at '" + connection.emulatedSocket + "'", emulated.error());
  }
  return std::move(emulated->store);
}

// A toolstack only configures devices of domains that exist.
Status checkDomainExists(xen::XenStore& store, std::string_view option, xen::DomId domid) {
  const std::string path = "/local/domain/" + std::to_string(domid);
  Result<std::string> node = store.read(xen::kNoTransaction, path);
  if (node) return {};
  if (node.error().code == ENOENT) {
    return makeError(ENOENT, std::string(option) + ": domain " + std::to_string(domid) +
                                 " does not exist (no " + path + " in XenStore)");
  }
  return makeError(node.error().code, path + ": " + node.error().message);
}

// ---- list ---------------------------------------------------------------------------------------

struct DeviceRow {
  xen::DomId backend = 0;
  xen::DomId frontend = 0;
  std::uint32_t dev = 0;
  std::optional<std::string> backendState;  ///< nullopt: no state node
  std::optional<std::string> frontendState;
  std::optional<std::string> uniqueId;
};

// A state node as people read it: "Connected", "state(9)"-style names come from proto, and
// text that is no state at all is shown quoted (either end may write anything there).
std::optional<std::string> readState(xen::XenStore& store, const std::string& dir) {
  Result<std::string> text =
      store.read(xen::kNoTransaction, dir + "/" + std::string(proto::kStateNode));
  if (!text) return std::nullopt;
  Result<proto::XenbusState> state = proto::parseXenbusState(*text);
  if (!state) return "invalid " + quoteUntrusted(*text);
  return proto::xenbusStateName(*state);
}

DeviceRow readRow(xen::XenStore& store, xen::DomId backend, xen::DomId frontend,
                  std::uint32_t dev) {
  DeviceRow row{backend, frontend, dev, {}, {}, {}};
  row.backendState = readState(store, proto::backendDevicePath(backend, frontend, dev));
  // The canonical frontend path, not the backend's `frontend` link: the backend writes that.
  const std::string frontDir = proto::frontendDevicePath(frontend, dev);
  row.frontendState = readState(store, frontDir);
  if (Result<std::string> id = store.read(xen::kNoTransaction, frontDir + "/unique-id")) {
    row.uniqueId = proto::parseUniqueId(*id) ? *id : quoteUntrusted(*id);
  }
  return row;
}

// Children of `path` that parse as ids; others are reported and skipped. ENOENT: none.
template <typename Id, typename Parse>
Result<std::vector<Id>> childIds(xen::XenStore& store, const std::string& path, Parse parse) {
  Result<std::vector<std::string>> names = store.directory(xen::kNoTransaction, path);
  if (!names) {
    if (names.error().code == ENOENT) return std::vector<Id>{};
    return makeError(names.error().code, path + ": " + names.error().message);
  }
  std::vector<Id> ids;
  for (const std::string& name : *names) {
    if (Result<Id> id = parse(name)) {
      ids.push_back(*id);
    } else {
      std::cerr << "vcamera-ctl: ignoring " << path << "/" << quoteUntrusted(name) << ": "
                << id.error().message << "\n";
    }
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

Result<std::vector<DeviceRow>> collectRows(xen::XenStore& store,
                                           std::optional<xen::DomId> onlyBackend) {
  const auto domid = [](std::string_view text) { return proto::parseDomid(text); };
  const auto devId = [](std::string_view text) { return proto::parseDeviceId(text); };
  std::vector<xen::DomId> backends;
  if (onlyBackend) {
    backends.push_back(*onlyBackend);
  } else {
    Result<std::vector<xen::DomId>> all = childIds<xen::DomId>(store, "/local/domain", domid);
    if (!all) return all.error();
    backends = std::move(all).value();
  }
  std::vector<DeviceRow> rows;
  for (xen::DomId backend : backends) {
    const std::string root = proto::backendRootPath(backend);
    Result<std::vector<xen::DomId>> frontends = childIds<xen::DomId>(store, root, domid);
    if (!frontends) return frontends.error();
    for (xen::DomId frontend : *frontends) {
      const std::string dir = root + "/" + std::to_string(frontend);
      Result<std::vector<std::uint32_t>> devs = childIds<std::uint32_t>(store, dir, devId);
      if (!devs) return devs.error();
      for (std::uint32_t dev : *devs) rows.push_back(readRow(store, backend, frontend, dev));
    }
  }
  return rows;
}

Json orNull(const std::optional<std::string>& text) { return text ? Json(*text) : Json(nullptr); }

void printJson(const std::vector<DeviceRow>& rows) {
  Json all = Json::array();
  for (const DeviceRow& row : rows) {
    Json j;
    j["backend"] = row.backend;
    j["frontend"] = row.frontend;
    j["dev"] = row.dev;
    j["unique_id"] = orNull(row.uniqueId);
    j["backend_state"] = orNull(row.backendState);
    j["frontend_state"] = orNull(row.frontendState);
    all.push_back(std::move(j));
  }
  // Values are quoted ASCII already; `replace` keeps dump() from throwing on anything else.
  std::cout << all.dump(-1, ' ', false, Json::error_handler_t::replace) << "\n";
}

void printTable(const std::vector<DeviceRow>& rows) {
  if (rows.empty()) {
    std::cout << "no vcamera devices\n";
    return;
  }
  std::printf("%-8s %-8s %-10s %-15s %-15s %s\n", "BACKEND", "FRONTEND", "DEV", "BACKEND-STATE",
              "FRONTEND-STATE", "UNIQUE-ID");
  for (const DeviceRow& row : rows) {
    std::printf("%-8u %-8u %-10u %-15s %-15s %s\n", unsigned{row.backend}, unsigned{row.frontend},
                row.dev, row.backendState.value_or("-").c_str(),
                row.frontendState.value_or("-").c_str(), row.uniqueId.value_or("-").c_str());
  }
}

}  // namespace

int attach(const Connection& connection, const AttachArguments& arguments) {
  Result<xen::CameraDevice> device = buildDevice(arguments);
  if (!device) return fail(kExitUsage, device.error().message);
  Result<std::unique_ptr<xen::XenStore>> store = openStore(connection);
  if (!store) return fail(kExitFailed, store.error().message);
  for (auto [option, domid] :
       {std::pair{"--frontend", device->frontend}, std::pair{"--backend", device->backend}}) {
    if (Status exists = checkDomainExists(**store, option, domid); !exists) {
      return fail(kExitFailed, exists.error().message);
    }
  }
  if (Status attached = xen::attachCamera(**store, *device); !attached) {
    return fail(kExitFailed, "attach " + deviceName(device->frontend, device->devId) + ": " +
                                 attached.error().message);
  }
  std::cout << "attached " << deviceName(device->frontend, device->devId) << " served by domain "
            << device->backend << ": unique-id " << quoteUntrusted(device->config.uniqueId) << ", "
            << device->config.formats.size() << " format(s)\n";
  return kExitOk;
}

int detach(const Connection& connection, const std::string& frontendText,
           const std::string& backendText, const std::string& devText) {
  Result<xen::DomId> frontend = parseDomainOption("--frontend", frontendText);
  if (!frontend) return fail(kExitUsage, frontend.error().message);
  Result<xen::DomId> backend = parseDomainOption("--backend", backendText);
  if (!backend) return fail(kExitUsage, backend.error().message);
  Result<std::uint32_t> dev = parseDevOption(devText);
  if (!dev) return fail(kExitUsage, dev.error().message);
  Result<std::unique_ptr<xen::XenStore>> store = openStore(connection);
  if (!store) return fail(kExitFailed, store.error().message);
  const bool existed =
      (*store)->read(xen::kNoTransaction, proto::frontendDevicePath(*frontend, *dev)) ||
      (*store)->read(xen::kNoTransaction, proto::backendDevicePath(*backend, *frontend, *dev));
  if (Status detached = xen::detachCamera(**store, *frontend, *backend, *dev); !detached) {
    return fail(kExitFailed,
                "detach " + deviceName(*frontend, *dev) + ": " + detached.error().message);
  }
  std::cout << (existed ? "detached " : "nothing to detach: no ") << deviceName(*frontend, *dev)
            << (existed ? "\n" : " served by domain " + std::to_string(*backend) + "\n");
  return kExitOk;
}

int list(const Connection& connection, const std::string& backendText, bool json) {
  std::optional<xen::DomId> backend;
  if (!backendText.empty()) {
    Result<xen::DomId> parsed = parseDomainOption("--backend", backendText);
    if (!parsed) return fail(kExitUsage, parsed.error().message);
    backend = *parsed;
  }
  Result<std::unique_ptr<xen::XenStore>> store = openStore(connection);
  if (!store) return fail(kExitFailed, store.error().message);
  Result<std::vector<DeviceRow>> rows = collectRows(**store, backend);
  if (!rows) return fail(kExitFailed, rows.error().message);
  if (json) {
    printJson(*rows);
  } else {
    printTable(*rows);
  }
  return kExitOk;
}

int checkConfig(const std::string& path) {
  Result<app::BackendConfig> config = app::loadBackendConfig(path);
  if (!config) return fail(kExitUsage, config.error().message);
  Result<std::string> text = app::formatBackendConfig(*config);
  if (!text) return fail(kExitUsage, path + ": " + text.error().message);
  std::cout << "# " << path << " as vcamera-backend reads it\n" << *text;
  return kExitOk;
}

}  // namespace vcam::ctl
