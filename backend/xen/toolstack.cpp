// SPDX-License-Identifier: MIT
// attachCamera() / detachCamera(): the toolstack's XenStore nodes for one vcamera device.
#include "backend/xen/toolstack.h"

#include <array>
#include <cerrno>
#include <string>

#include <vcamera/proto/xenbus.h>

#include "backend/xen/xenstore_util.h"

namespace vcam::xen {
namespace {

Status writeNode(XenStore& store, XsTransactionId tx, const std::string& path,
                 std::string_view value) {
  return store.write(tx, path, value);
}

Status createDirectory(XenStore& store, XsTransactionId tx, const std::string& path,
                       std::span<const XsPermission> permissions) {
  if (store.read(tx, path)) {
    return makeError(EEXIST, path + " already exists: the device is attached");
  }
  if (Status made = store.mkdir(tx, path); !made) return made;
  return store.setPermissions(tx, path, permissions);
}

// The frontend's device directory and the configuration below it. The configuration nodes
// get their own permissions before they are written, so a guest can read but never change
// what it was given (children created by dom0 inherit them).
Status writeFrontend(XenStore& store, XsTransactionId tx, const CameraDevice& device,
                     const proto::XenStoreNodes& configNodes) {
  const std::string dir = proto::frontendDevicePath(device.frontend, device.devId);
  const std::array guestOwned = {XsPermission{device.frontend, XsAccess::None},
                                 XsPermission{device.backend, XsAccess::Read}};
  const std::array readOnly = {XsPermission{0, XsAccess::None},
                               XsPermission{device.frontend, XsAccess::Read},
                               XsPermission{device.backend, XsAccess::Read}};
  if (Status made = createDirectory(store, tx, dir, guestOwned); !made) return made;
  const std::string backendDir =
      proto::backendDevicePath(device.backend, device.frontend, device.devId);
  for (const auto& [name, value] :
       {std::pair<std::string_view, std::string>{proto::kBackendNode, backendDir},
        {proto::kBackendIdNode, std::to_string(device.backend)},
        {proto::kStateNode, proto::formatXenbusState(proto::XenbusState::Initialising)}}) {
    if (Status written = writeNode(store, tx, dir + "/" + std::string(name), value); !written) {
      return written;
    }
  }
  // Top-level configuration names ("formats" is a directory; the rest are values).
  for (const auto& [relative, value] : configNodes) {
    const std::string top = relative.substr(0, relative.find('/'));
    const std::string topPath = dir + "/" + top;
    if (!store.read(tx, topPath)) {
      if (Status made = store.mkdir(tx, topPath); !made) return made;
      if (Status set = store.setPermissions(tx, topPath, readOnly); !set) return set;
    }
    if (Status written = writeNode(store, tx, dir + "/" + relative, value); !written) {
      return written;
    }
  }
  return {};
}

Status writeBackend(XenStore& store, XsTransactionId tx, const CameraDevice& device) {
  const std::string dir = proto::backendDevicePath(device.backend, device.frontend, device.devId);
  const std::array backendOwned = {XsPermission{device.backend, XsAccess::None},
                                   XsPermission{device.frontend, XsAccess::Read}};
  // The per-frontend level (/backend/vcamera/<fe>) belongs to the backend too.
  const std::string parent = dir.substr(0, dir.rfind('/'));
  if (!store.read(tx, parent)) {
    if (Status made = store.mkdir(tx, parent); !made) return made;
    const std::array parentPerms = {XsPermission{device.backend, XsAccess::None}};
    if (Status set = store.setPermissions(tx, parent, parentPerms); !set) return set;
  }
  if (Status made = createDirectory(store, tx, dir, backendOwned); !made) return made;
  const std::string frontendDir = proto::frontendDevicePath(device.frontend, device.devId);
  for (const auto& [name, value] :
       {std::pair<std::string_view, std::string>{proto::kFrontendNode, frontendDir},
        {proto::kFrontendIdNode, std::to_string(device.frontend)},
        {proto::kStateNode, proto::formatXenbusState(proto::XenbusState::Initialising)}}) {
    if (Status written = writeNode(store, tx, dir + "/" + std::string(name), value); !written) {
      return written;
    }
  }
  return {};
}

}  // namespace

Status attachCamera(XenStore& store, const CameraDevice& device) {
  Result<proto::XenStoreNodes> configNodes = proto::formatFrontendConfig(device.config);
  if (!configNodes) return configNodes.error();
  return runTransaction(store, [&](XsTransactionId tx) -> Status {
    if (Status front = writeFrontend(store, tx, device, *configNodes); !front) return front;
    return writeBackend(store, tx, device);
  });
}

Status detachCamera(XenStore& store, DomId frontend, DomId backend, std::uint32_t devId) {
  return runTransaction(store, [&](XsTransactionId tx) -> Status {
    if (Status gone = store.remove(tx, proto::frontendDevicePath(frontend, devId)); !gone) {
      return gone;
    }
    return store.remove(tx, proto::backendDevicePath(backend, frontend, devId));
  });
}

}  // namespace vcam::xen
