// SPDX-License-Identifier: MIT
// vcamera-ctl's subcommands: each connects to XenStore, does its work, prints, and returns the
// process exit code (kExitOk, kExitFailed or kExitUsage).
#pragma once

#include <string>

#include "device_spec.h"

namespace vcam::ctl {

inline constexpr int kExitOk = 0;
/// The request was valid but XenStore refused or failed it (e.g. the device already exists).
inline constexpr int kExitFailed = 1;
/// A bad argument or configuration file; nothing was written.
inline constexpr int kExitUsage = 2;

/// Where XenStore is: the real one (empty `emulatedSocket`) or the emulated Xen's broker.
struct Connection {
  std::string emulatedSocket;
};

/// Writes the toolstack's nodes of one device (xen::attachCamera).
int attach(const Connection& connection, const AttachArguments& arguments);

/// Removes both directories of one device (xen::detachCamera).
int detach(const Connection& connection, const std::string& frontend, const std::string& backend,
           const std::string& dev);

/// Prints every device under /local/domain/<be>/backend/vcamera (every domain's when `backend`
/// is empty) with both ends' states, as a table or as one JSON array.
int list(const Connection& connection, const std::string& backend, bool json);

/// Checks a vcamera-backend configuration file and prints it as the backend understands it.
int checkConfig(const std::string& path);

}  // namespace vcam::ctl
