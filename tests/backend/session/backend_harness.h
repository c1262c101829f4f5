// SPDX-License-Identifier: MIT
// A backend service in its own process over the emulated Xen, for the session tests: the
// broker, a toolstack (dom0), guests in this process, the backend as a driver domain.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <map>
#include <memory>

#include "backend/base/event_loop.h"
#include "backend/base/unique_fd.h"
#include "backend/session/backend_service.h"
#include "backend/session/guest_limits.h"
#include "backend/xen/emulated/emulated_xen.h"
#include "backend/xen/emulated/process.h"
#include "frontend-client/camera_client.h"

namespace vcam::session::test {

inline constexpr xen::DomId kDriverDomain = 5;
inline constexpr xen::DomId kGuestA = 3;
inline constexpr xen::DomId kGuestB = 4;
inline constexpr std::chrono::milliseconds kWait{5000};

/// Makes the backend's handler factory inside the backend process (it may keep state there,
/// e.g. a camera registry living as long as the loop).
using HandlersMaker = std::function<HandlerFactory(base::EventLoop& loop, xen::XenTransport& xen)>;

/// How the test backend's cameras work.
struct TestCameraOptions {
  GuestLimitsConfig limits;  ///< the configuration's per-guest limits
  bool copyFrames = false;   ///< the copy path (delivery = "copy") instead of drawing in place
  bool dmaTest = false;      ///< the stand-in DMA camera (delivery = "dma-test"): zero copy
};

/// Camera sessions on test-pattern cameras, the backend's usual handlers.
[[nodiscard]] HandlersMaker testPatternCameras(TestCameraOptions options = {});

class BackendHarness : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  /// The toolstack attaches a camera for `guest` (device `devId`) with `config`.
  void attach(xen::DomId guest, const proto::FrontendConfig& config, std::uint32_t devId = 0);
  /// Starts the backend process; returns once its service is running. With `keepLog`, what
  /// it logs (its stderr) is kept for stopBackend() instead of going to the test's output.
  void startBackend(HandlersMaker handlers, bool keepLog = false);
  /// Stops the backend (every session ends and logs its figures) and returns its log (empty
  /// unless started with keepLog).
  std::string stopBackend();
  /// Connects `guest`'s client to device `devId` (nullptr and a test failure if it cannot).
  std::unique_ptr<frontend::CameraClient> connect(xen::XenTransport& guest,
                                                  std::uint32_t devId = 0);
  /// Waits until the backend's state of `guest`'s device 0 is `expected`.
  void expectBackendState(xen::DomId guest, proto::XenbusState expected);
  [[nodiscard]] xen::emu::BrokerReport report();
  /// A further guest domain's handles (connected on first use, kept for the test).
  xen::XenTransport& guest(xen::DomId domid);

  /// The emulated Xen's options (set before SetUp() runs, e.g. in a fixture's SetUp()).
  xen::emu::BrokerOptions brokerOptions_;
  xen::emu::BrokerProcess broker_;
  xen::XenTransport dom0_, guestA_, guestB_, driver_;
  xen::emu::MessagePipe control_;
  xen::emu::DomainProcess backend_;
  bool backendStopped_ = false;
  base::UniqueFd backendLog_;
  std::map<xen::DomId, xen::XenTransport> guests_;
};

}  // namespace vcam::session::test
