// SPDX-License-Identifier: MIT
// The toolstack's part of a vcamera device: the XenStore nodes libxl would write for it (libxl
// 4.17 has no camera device type), used by the emulated Xen, the demo and the real-Xen harness.
#pragma once

#include <cstdint>

#include <vcamera/common/result.h>
#include <vcamera/proto/xenstore_schema.h>

#include "backend/xen/transport.h"

namespace vcam::xen {

/// One virtual camera: which guest sees it, which domain serves it, and its configuration.
struct CameraDevice {
  DomId frontend = 0;
  DomId backend = 0;
  std::uint32_t devId = 0;
  proto::FrontendConfig config;
};

/// Creates both device directories in one transaction, as dom0 would:
///  - the frontend directory, owned by the guest and readable by the backend, with `backend`,
///    `backend-id` and `state` = Initialising;
///  - the configuration nodes (`be-alloc`, `unique-id`, `max-buffers`, `controls`, `formats/`)
///    read-only to the guest (libxl's "ro_front"), readable by the backend;
///  - the backend directory, owned by the backend and readable by the guest, with `frontend`,
///    `frontend-id` and `state` = Initialising.
/// EEXIST if either directory already exists; the configuration is validated first.
[[nodiscard]] Status attachCamera(XenStore& store, const CameraDevice& device);

/// Removes both device directories (xl's forced detach); succeeds if they are already gone.
[[nodiscard]] Status detachCamera(XenStore& store, DomId frontend, DomId backend,
                                  std::uint32_t devId);

}  // namespace vcam::xen
