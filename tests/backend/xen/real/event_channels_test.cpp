// SPDX-License-Identifier: MIT
// RealEventChannels on a live Xen: a loopback channel between two handles of our own domain.
// Skipped where there is no Xen.
#include <optional>
#include <string>

#include <gtest/gtest.h>

#include "backend/xen/real/real_xen.h"
#include "wait_readable.h"

namespace vcam::xen {
namespace {

class RealEventChannelsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<XenTransport> xen = openRealXen();
    if (!xen) GTEST_SKIP() << xen.error().message;
    self_ = xen->self;
    Result<std::unique_ptr<EventChannels>> a = openRealEventChannels();
    Result<std::unique_ptr<EventChannels>> b = openRealEventChannels();
    ASSERT_TRUE(a.ok()) << a.error().message;
    ASSERT_TRUE(b.ok()) << b.error().message;
    frontend_ = std::move(a).value();
    backend_ = std::move(b).value();
  }

  /// Frontend allocates a port for our own domain, backend binds to it.
  void connect() {
    Result<EvtchnPort> unbound = frontend_->allocUnbound(self_);
    ASSERT_TRUE(unbound.ok()) << unbound.error().message;
    frontendPort_ = std::move(unbound).value();
    Result<EvtchnPort> bound = backend_->bindInterdomain(self_, frontendPort_.port());
    ASSERT_TRUE(bound.ok()) << bound.error().message;
    backendPort_ = std::move(bound).value();
  }

  /// The port the frontend handle collects, waiting on its fd (nullopt if none arrives).
  std::optional<Port> awaitFrontend() {
    if (!test::waitReadable(frontend_->fd())) return std::nullopt;
    Result<std::optional<Port>> port = frontend_->pending();
    EXPECT_TRUE(port.ok()) << port.error().message;
    return port.ok() ? *port : std::nullopt;
  }

  DomId self_ = 0;
  // Declared after the handles: the ports are unbound before the handles close.
  std::unique_ptr<EventChannels> frontend_;
  std::unique_ptr<EventChannels> backend_;
  EvtchnPort frontendPort_;
  EvtchnPort backendPort_;
};

TEST_F(RealEventChannelsTest, PendingWithNothingFiredReturnsNulloptAtOnce) {
  ASSERT_NO_FATAL_FAILURE(connect());
  Result<std::optional<Port>> port = frontend_->pending();
  ASSERT_TRUE(port.ok()) << port.error().message;
  EXPECT_FALSE(port->has_value());
}

TEST_F(RealEventChannelsTest, NotifyArrivesAsPendingOnTheOtherEnd) {
  ASSERT_NO_FATAL_FAILURE(connect());
  ASSERT_TRUE(backend_->notify(backendPort_.port()).ok());
  EXPECT_EQ(awaitFrontend(), frontendPort_.port());
}

TEST_F(RealEventChannelsTest, NotificationWhileMaskedArrivesAfterUnmask) {
  ASSERT_NO_FATAL_FAILURE(connect());
  ASSERT_TRUE(backend_->notify(backendPort_.port()).ok());
  ASSERT_EQ(awaitFrontend(), frontendPort_.port());
  ASSERT_TRUE(backend_->notify(backendPort_.port()).ok());  // port is masked now
  ASSERT_TRUE(frontend_->unmask(frontendPort_.port()).ok());
  EXPECT_EQ(awaitFrontend(), frontendPort_.port());
}

TEST_F(RealEventChannelsTest, NotifyOnAnUnboundPortFails) {
  ASSERT_NO_FATAL_FAILURE(connect());
  const Port port = backendPort_.port();
  backendPort_.reset();
  Status status = backend_->notify(port);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.error().message.find("xenevtchn_notify"), std::string::npos);
}

}  // namespace
}  // namespace vcam::xen
