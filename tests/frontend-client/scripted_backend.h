// SPDX-License-Identifier: MIT
// A minimal cameraif backend for the frontend client's tests: the backend half of the XenBus
// handshake and a few fixed answers, on the backend's RingChannel and GuestBuffer (not its
// sessions).
#pragma once

#include <cstdint>

#include "backend/xen/transport.h"

namespace vcam::frontend::test {

/// What the scripted backend serves, and to whom.
struct ScriptedDevice {
  xen::DomId frontend = 0;
  std::uint32_t devId = 0;
  bool beAlloc = false;
  std::uint32_t bufferSize = 0;  ///< the BUF_GET_LAYOUT size both sides agree on
};

/// The byte the backend writes through every page of buffer `index` at BUF_CREATE, so the
/// frontend can see it reached the right memory.
[[nodiscard]] constexpr std::byte fillByteFor(std::uint8_t index) {
  return static_cast<std::byte>(0xa0 + index);
}

/// Runs the backend for one connection, as domain `xen.self`:
///  - versions "1", InitWait; waits for the frontend's Initialised; maps its rings, binds its
///    ports; Connected;
///  - CONFIG_GET: YUYV 640x480 at 30/1. BUF_CREATE: reads (or, be-alloc, fills) the page
///    directory, maps (or shares) the pages and fills them with fillByteFor(index).
///    BUF_DESTROY: lets go of them. STREAM_START: one FRAME_AVAIL per buffer, ascending index.
///    Anything else, or a request that does not decode: an error status;
///  - when the frontend goes Closing: lets go of everything, Closed, and returns 0.
/// Returns a non-zero code (and says why on stderr) when anything fails.
[[nodiscard]] int runScriptedBackend(xen::XenTransport& xen, const ScriptedDevice& device);

}  // namespace vcam::frontend::test
