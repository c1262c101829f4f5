// SPDX-License-Identifier: MIT
// Event channels between a frontend process and this (backend) process: allocation,
// binding, notification, masking until unmask, unbinding.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "emulated_test_support.h"
#include "scripted_guest.h"

namespace vcam::xen::emu::testing {
namespace {

constexpr DomId kGuest = 1;

// The frontend: allocates a port for dom0, sends its number, then obeys the pipe.
int scriptedFrontend(XenTransport& xen, const MessagePipe::End& pipe) {
  Result<EvtchnPort> port = xen.events->allocUnbound(0);
  CHILD_REQUIRE(port.ok());
  const std::uint32_t number = port->port();
  CHILD_REQUIRE(pipe.sendNumbers(std::span<const std::uint32_t>(&number, 1)).ok());
  for (;;) {
    Result<std::string> command = pipe.receive();
    CHILD_REQUIRE(command.ok());
    std::string answer = "ok";
    if (*command == "notify") {
      Status sent = xen.events->notify(port->port());
      answer = sent ? "ok" : "error " + std::to_string(sent.error().code);
    } else if (*command == "notify x3") {
      for (int i = 0; i < 3; ++i) CHILD_REQUIRE(xen.events->notify(port->port()).ok());
    } else if (*command == "collect") {
      CHILD_REQUIRE(readable(xen.events->fd()));
      Result<std::optional<Port>> fired = xen.events->pending();
      CHILD_REQUIRE(fired.ok() && fired->has_value() && **fired == port->port());
      CHILD_REQUIRE(xen.events->unmask(port->port()).ok());
    } else if (*command == "unbind") {
      port->reset();
    } else if (*command == "exit") {
      return 0;
    }
    CHILD_REQUIRE(pipe.send(answer).ok());
  }
}

class EventChannelTest : public ScriptedGuestFixture {
 protected:
  void SetUp() override {
    EmulatedXenTest::SetUp();
    startGuest(scriptedFrontend);
    Result<std::vector<std::uint32_t>> port = pipe_.parent().receiveNumbers();
    ASSERT_TRUE(port.ok() && port->size() == 1);
    guestPort_ = port->front();
  }

  /// Binds to the guest's port and takes the event Xen raises on binding.
  EvtchnPort bindAndSettle() {
    Result<EvtchnPort> port = backend_.events->bindInterdomain(kGuest, guestPort_);
    EXPECT_TRUE(port.ok()) << port.error().message;
    if (!port) return {};
    EXPECT_EQ(backend_.events->pending().value(), std::optional<Port>(port->port()));
    EXPECT_TRUE(backend_.events->unmask(port->port()).ok());
    return std::move(*port);
  }

  Port guestPort_ = 0;
};

TEST_F(EventChannelTest, PendingNeverBlocksAndIsEmptyOnAFreshHandle) {
  EXPECT_TRUE(quiet(backend_.events->fd()));
  Result<std::optional<Port>> none = backend_.events->pending();
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
}

TEST_F(EventChannelTest, BindingRaisesAnEventOnTheNewPortAsXenDoes) {
  Result<EvtchnPort> port = backend_.events->bindInterdomain(kGuest, guestPort_);
  ASSERT_TRUE(port.ok()) << port.error().message;
  EXPECT_NE(port->port(), 0U);
  ASSERT_TRUE(readable(backend_.events->fd()));
  EXPECT_EQ(backend_.events->pending().value(), std::optional<Port>(port->port()));
}

TEST_F(EventChannelTest, NotifyReachesThePeerBothWays) {
  EvtchnPort port = bindAndSettle();
  ASSERT_TRUE(backend_.events->notify(port.port()).ok());
  EXPECT_EQ(tell("collect"), "ok");

  EXPECT_EQ(tell("notify"), "ok");
  ASSERT_TRUE(readable(backend_.events->fd()));
  EXPECT_EQ(backend_.events->pending().value(), std::optional<Port>(port.port()));
}

TEST_F(EventChannelTest, FiredPortStaysMaskedAndKeepsOnePendingBitUntilUnmasked) {
  EvtchnPort port = bindAndSettle();
  EXPECT_EQ(tell("notify x3"), "ok");
  EXPECT_EQ(backend_.events->pending().value(), std::optional<Port>(port.port()));
  EXPECT_EQ(backend_.events->pending().value(), std::nullopt);  // masked: the rest wait

  ASSERT_TRUE(backend_.events->unmask(port.port()).ok());
  EXPECT_EQ(backend_.events->pending().value(), std::optional<Port>(port.port()));
  EXPECT_EQ(backend_.events->pending().value(), std::nullopt);  // one bit, not a count

  ASSERT_TRUE(backend_.events->unmask(port.port()).ok());
  EXPECT_EQ(backend_.events->pending().value(), std::nullopt);
}

TEST_F(EventChannelTest, PortAllocatedForAnotherDomainCannotBeBound) {
  XenTransport dom2 = connect(2);
  Result<EvtchnPort> stolen = dom2.events->bindInterdomain(kGuest, guestPort_);
  ASSERT_FALSE(stolen.ok());
  EXPECT_EQ(stolen.error().code, EINVAL);
}

TEST_F(EventChannelTest, PortCanBeBoundOnlyOnce) {
  EvtchnPort port = bindAndSettle();
  Result<EvtchnPort> twice = backend_.events->bindInterdomain(kGuest, guestPort_);
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.error().code, EINVAL);
}

TEST_F(EventChannelTest, UnknownPortAndUnknownDomainAreRefused) {
  Result<EvtchnPort> noPort = backend_.events->bindInterdomain(kGuest, guestPort_ + 100);
  ASSERT_FALSE(noPort.ok());
  EXPECT_EQ(noPort.error().code, EINVAL);
  Result<EvtchnPort> noDomain = backend_.events->bindInterdomain(42, 1);
  ASSERT_FALSE(noDomain.ok());
  EXPECT_EQ(noDomain.error().code, ESRCH);
  Result<EvtchnPort> noRemote = backend_.events->allocUnbound(42);
  ASSERT_FALSE(noRemote.ok());
  EXPECT_EQ(noRemote.error().code, ESRCH);
}

TEST_F(EventChannelTest, PeerUnbindingClosesTheChannelForTheNotifier) {
  EvtchnPort port = bindAndSettle();
  EXPECT_EQ(tell("unbind"), "ok");
  Status sent = backend_.events->notify(port.port());
  ASSERT_FALSE(sent.ok());
  EXPECT_EQ(sent.error().code, EPIPE);
}

TEST_F(EventChannelTest, UnbindingOurPortClosesItForBothSides) {
  EvtchnPort port = bindAndSettle();
  const Port number = port.port();
  port.reset();
  Status ours = backend_.events->notify(number);
  ASSERT_FALSE(ours.ok());
  EXPECT_EQ(ours.error().code, ENOTCONN);
  EXPECT_EQ(tell("notify"), "error " + std::to_string(EPIPE));
}

TEST_F(EventChannelTest, UnbindingReturnsThePeerPortToUnbound) {
  EvtchnPort port = bindAndSettle();
  EXPECT_EQ(report().portsBound, 2U);
  port.reset();
  EXPECT_EQ(report().portsBound, 1U);  // the guest's, unbound again
}

}  // namespace
}  // namespace vcam::xen::emu::testing
