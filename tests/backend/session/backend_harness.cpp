// SPDX-License-Identifier: MIT
// BackendHarness: processes, attach, connect, and a clean stop of the backend.
#include "tests/backend/session/backend_harness.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>
#include <utility>

#include <vcamera/proto/xenbus.h>

#include "backend/session/camera_session.h"
#include "backend/session/clocked_camera.h"
#include "backend/session/copying_renderer.h"
#include "backend/session/dma_test_camera.h"
#include "backend/session/test_pattern_renderer.h"
#include "backend/xen/toolstack.h"
#include "frontend-client/xenbus_wait.h"

namespace vcam::session::test {
namespace {

// The backend process: the service on an event loop until the test says "stop".
int runBackend(xen::XenTransport& xen, const xen::emu::MessagePipe::End& control,
               const HandlersMaker& handlers) {
  Result<std::unique_ptr<base::EventLoop>> loop = base::EventLoop::create();
  if (!loop) return 10;
  base::EventLoop& running = **loop;
  ServiceOptions options;
  options.handlers = handlers(running, xen);
  Result<std::unique_ptr<BackendService>> service =
      BackendService::create(running, xen, std::move(options));
  if (!service) return 11;
  Result<base::LoopHandle> stopper = running.watchReadable(control.fd(), [&] {
    (void)control.receive(0);
    running.stop();
  });
  if (!stopper) return 12;
  if (!control.send("running")) return 13;
  return running.run() ? 0 : 14;
}

}  // namespace

HandlersMaker testPatternCameras(TestCameraOptions options) {
  return [options](base::EventLoop& loop, xen::XenTransport& xen) -> HandlerFactory {
    // The registry and limits live as long as the service's factory.
    auto cameras = std::make_shared<CameraRegistry>(
        loop, options.dmaTest
                  ? dmaTestCameras(testPatternRenderers())
                  : clockedCameras(options.copyFrames ? copyingRenderers(testPatternRenderers())
                                                      : testPatternRenderers()));
    auto limits = std::make_shared<GuestLimits>(options.limits);
    HandlerFactory sessions = cameraSessions(xen, *cameras, *limits);
    return
        [cameras, limits, sessions](const ConnectionContext& context) { return sessions(context); };
  };
}

void BackendHarness::SetUp() {
  Result<xen::emu::BrokerProcess> broker = xen::emu::BrokerProcess::start(brokerOptions_);
  ASSERT_TRUE(broker) << broker.error().message;
  broker_ = std::move(broker).value();
  for (auto [xen, domid] : {std::pair{&dom0_, xen::DomId{0}},
                            {&guestA_, kGuestA},
                            {&guestB_, kGuestB},
                            {&driver_, kDriverDomain}}) {
    Result<xen::XenTransport> connected = xen::emu::connectEmulatedXen(broker_.socketPath(), domid);
    ASSERT_TRUE(connected) << connected.error().message;
    *xen = std::move(connected).value();
  }
  Result<xen::emu::MessagePipe> pipe = xen::emu::MessagePipe::create();
  ASSERT_TRUE(pipe) << pipe.error().message;
  control_ = std::move(pipe).value();
}

void BackendHarness::TearDown() {
  const std::string log = stopBackend();
  if (HasFailure() && !log.empty()) std::cerr << "The backend's log:\n" << log;
}

std::string BackendHarness::stopBackend() {
  if (backend_.pid() <= 0 || std::exchange(backendStopped_, true)) return {};
  EXPECT_TRUE(control_.parent().send("stop"));
  Result<int> code = backend_.wait();
  EXPECT_TRUE(code) << code.error().message;
  if (code) {
    EXPECT_EQ(*code, 0);
  }
  std::string log;
  if (backendLog_) {
    char chunk[4096];
    off_t at = 0;
    for (ssize_t got; (got = ::pread(backendLog_.get(), chunk, sizeof chunk, at)) > 0; at += got) {
      log.append(chunk, static_cast<std::size_t>(got));
    }
  }
  return log;
}

void BackendHarness::attach(xen::DomId guest, const proto::FrontendConfig& config,
                            std::uint32_t devId) {
  Status attached = xen::attachCamera(*dom0_.store, {guest, kDriverDomain, devId, config});
  ASSERT_TRUE(attached) << attached.error().message;
}

void BackendHarness::startBackend(HandlersMaker handlers, bool keepLog) {
  xen::emu::MessagePipe::End& control = control_.child();
  if (keepLog) {
    backendLog_ = base::UniqueFd(::memfd_create("vcamera-backend-log", MFD_CLOEXEC));
    ASSERT_TRUE(backendLog_) << "memfd_create: " << std::strerror(errno);
  }
  const int logFd = backendLog_ ? backendLog_.get() : -1;
  Result<xen::emu::DomainProcess> backend = xen::emu::DomainProcess::start(
      broker_.socketPath(), kDriverDomain, [&control, handlers, logFd](xen::XenTransport& xen) {
        if (logFd >= 0 && ::dup2(logFd, STDERR_FILENO) < 0) return 15;
        return runBackend(xen, control, handlers);
      });
  ASSERT_TRUE(backend) << backend.error().message;
  backend_ = std::move(backend).value();
  Result<std::string> running = control_.parent().receive();
  ASSERT_TRUE(running) << running.error().message;
}

std::unique_ptr<frontend::CameraClient> BackendHarness::connect(xen::XenTransport& guest,
                                                                std::uint32_t devId) {
  Result<std::unique_ptr<frontend::CameraClient>> client =
      frontend::CameraClient::connect(guest, {devId, kWait});
  EXPECT_TRUE(client) << client.error().message;
  return client ? std::move(client).value() : nullptr;
}

void BackendHarness::expectBackendState(xen::DomId guest, proto::XenbusState expected) {
  Result<proto::XenbusState> state = frontend::waitForState(
      *dom0_.store, proto::backendDevicePath(kDriverDomain, guest, 0) + "/state",
      "the backend's state", [&](proto::XenbusState s) { return s == expected; }, kWait);
  EXPECT_TRUE(state) << state.error().message;
}

xen::XenTransport& BackendHarness::guest(xen::DomId domid) {
  auto found = guests_.find(domid);
  if (found != guests_.end()) return found->second;
  Result<xen::XenTransport> connected = xen::emu::connectEmulatedXen(broker_.socketPath(), domid);
  EXPECT_TRUE(connected) << connected.error().message;
  return guests_[domid] = connected ? std::move(connected).value() : xen::XenTransport{};
}

xen::emu::BrokerReport BackendHarness::report() {
  Result<xen::emu::BrokerReport> got = xen::emu::queryBroker(broker_.socketPath());
  EXPECT_TRUE(got) << got.error().message;
  return got ? std::move(got).value() : xen::emu::BrokerReport{};
}

}  // namespace vcam::session::test
