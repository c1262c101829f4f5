// SPDX-License-Identifier: MIT
// XenStore through the broker between domain processes: access, permissions, watches and
// conflicting transactions.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "backend/xen/xenstore_util.h"
#include "emulated_test_support.h"

namespace vcam::xen::emu::testing {
namespace {

class EmulatedXenStoreTest : public EmulatedXenTest {
 protected:
  // Another domain (dom0, in its own process) that writes dom1's "counter" = `value` when
  // told over `pipe`, then says "written".
  Result<DomainProcess> startCounterWriter(MessagePipe& pipe, std::string value) {
    return DomainProcess::start(socket(), 0, [&pipe, value](XenTransport& xen) {
      CHILD_REQUIRE(pipe.child().receive().ok());
      CHILD_REQUIRE(xen.store->write(kNoTransaction, "/local/domain/1/counter", value).ok());
      CHILD_REQUIRE(pipe.child().send("written").ok());
      return 0;
    });
  }
};

TEST_F(EmulatedXenStoreTest, GuestWritesItsOwnAreaByRelativePathAndDom0ReadsIt) {
  Result<MessagePipe> pipe = MessagePipe::create();
  ASSERT_TRUE(pipe.ok());
  Result<DomainProcess> guest = DomainProcess::start(socket(), 1, [&](XenTransport& xen) {
    CHILD_REQUIRE(xen.store->read(kNoTransaction, "domid").value() == "1");
    CHILD_REQUIRE(xen.store->write(kNoTransaction, "data/greeting", "hello").ok());
    CHILD_REQUIRE(pipe->child().send("written").ok());
    CHILD_REQUIRE(pipe->child().receive().ok());
    return 0;
  });
  ASSERT_TRUE(guest.ok());
  ASSERT_TRUE(pipe->parent().receive().ok());
  XenTransport dom0 = connect(0);
  Result<std::string> value = dom0.store->read(kNoTransaction, "/local/domain/1/data/greeting");
  ASSERT_TRUE(value.ok()) << value.error().message;
  EXPECT_EQ(*value, "hello");
  ASSERT_TRUE(pipe->parent().send("done").ok());
  expectCleanExit(*guest);
}

TEST_F(EmulatedXenStoreTest, GuestCannotTouchAnotherDomainsArea) {
  XenTransport dom2 = connect(2);
  ASSERT_TRUE(dom2.store->write(kNoTransaction, "secret", "2").ok());
  Result<DomainProcess> guest = DomainProcess::start(socket(), 1, [](XenTransport& xen) {
    Result<std::string> peek = xen.store->read(kNoTransaction, "/local/domain/2/secret");
    CHILD_REQUIRE(!peek.ok() && peek.error().code == EACCES);
    Status poke = xen.store->write(kNoTransaction, "/local/domain/2/secret", "1");
    CHILD_REQUIRE(!poke.ok() && poke.error().code == EACCES);
    Status plant = xen.store->write(kNoTransaction, "/local/domain/2/planted", "1");
    CHILD_REQUIRE(!plant.ok() && plant.error().code == EACCES);
    Result<std::string> dom0 = xen.store->read(kNoTransaction, "/local/domain/0/domid");
    CHILD_REQUIRE(!dom0.ok() && dom0.error().code == EACCES);
    return 0;
  });
  ASSERT_TRUE(guest.ok());
  expectCleanExit(*guest);
  EXPECT_EQ(dom2.store->read(kNoTransaction, "secret").value(), "2");
}

TEST_F(EmulatedXenStoreTest, WatchFiresInAnotherProcess) {
  XenTransport dom0 = connect(0);
  Result<MessagePipe> pipe = MessagePipe::create();
  ASSERT_TRUE(pipe.ok());
  Result<DomainProcess> guest = DomainProcess::start(socket(), 1, [&](XenTransport& xen) {
    CHILD_REQUIRE(pipe->child().receive().ok());  // dom0 is watching now
    CHILD_REQUIRE(xen.store->write(kNoTransaction, "device/vcamera/0/state", "1").ok());
    CHILD_REQUIRE(pipe->child().receive().ok());
    return 0;
  });
  ASSERT_TRUE(guest.ok());
  Result<XsWatch> watch = dom0.store->watch("/local/domain/1/device", "frontend");
  ASSERT_TRUE(watch.ok()) << watch.error().message;
  ASSERT_TRUE(readable(dom0.store->watchFd()));
  EXPECT_EQ(dom0.store->readWatch().value(),
            (XsWatchEvent{"/local/domain/1/device", "frontend"}));  // fires once on creation
  EXPECT_TRUE(quiet(dom0.store->watchFd()));

  ASSERT_TRUE(pipe->parent().send("go").ok());
  ASSERT_TRUE(readable(dom0.store->watchFd()));
  std::vector<std::string> paths;
  while (true) {
    Result<std::optional<XsWatchEvent>> event = dom0.store->readWatch();
    ASSERT_TRUE(event.ok());
    if (!event->has_value()) break;
    EXPECT_EQ((*event)->token, "frontend");
    paths.push_back((*event)->path);
  }
  ASSERT_FALSE(paths.empty());
  EXPECT_EQ(paths.back(), "/local/domain/1/device/vcamera/0/state");
  ASSERT_TRUE(pipe->parent().send("done").ok());
  expectCleanExit(*guest);
}

TEST_F(EmulatedXenStoreTest, DroppedWatchStopsFiring) {
  XenTransport dom1 = connect(1);
  Result<XsWatch> watch = dom1.store->watch("data", "mine");
  ASSERT_TRUE(watch.ok());
  ASSERT_TRUE(dom1.store->readWatch().value().has_value());  // the initial event
  watch->reset();
  ASSERT_TRUE(dom1.store->write(kNoTransaction, "data/x", "1").ok());
  // Events are queued before the write's reply, so none queued now means none will come.
  EXPECT_FALSE(dom1.store->readWatch().value().has_value());
}

TEST_F(EmulatedXenStoreTest, TransactionConflictingWithAnotherProcessFailsWithEagain) {
  XenTransport dom1 = connect(1);
  ASSERT_TRUE(dom1.store->write(kNoTransaction, "counter", "0").ok());
  Result<MessagePipe> pipe = MessagePipe::create();
  ASSERT_TRUE(pipe.ok());
  Result<DomainProcess> other = startCounterWriter(*pipe, "7");
  ASSERT_TRUE(other.ok());

  Result<XsTransactionId> tx = dom1.store->transactionStart();
  ASSERT_TRUE(tx.ok());
  ASSERT_EQ(dom1.store->read(*tx, "counter").value(), "0");
  ASSERT_TRUE(dom1.store->write(*tx, "counter", "1").ok());
  ASSERT_TRUE(pipe->parent().send("write now").ok());
  ASSERT_TRUE(pipe->parent().receive().ok());
  Status committed = dom1.store->transactionEnd(*tx, true);
  ASSERT_FALSE(committed.ok());
  EXPECT_EQ(committed.error().code, EAGAIN);
  EXPECT_EQ(dom1.store->read(kNoTransaction, "counter").value(), "7");
  expectCleanExit(*other);
}

TEST_F(EmulatedXenStoreTest, RunTransactionRetriesAfterAConflictAndSucceeds) {
  XenTransport dom1 = connect(1);
  ASSERT_TRUE(dom1.store->write(kNoTransaction, "counter", "0").ok());
  Result<MessagePipe> pipe = MessagePipe::create();
  ASSERT_TRUE(pipe.ok());
  Result<DomainProcess> other = startCounterWriter(*pipe, "10");
  ASSERT_TRUE(other.ok());

  int attempts = 0;
  Status done = runTransaction(*dom1.store, [&](XsTransactionId tx) -> Status {
    ++attempts;
    Result<std::string> value = dom1.store->read(tx, "counter");
    if (!value) return value.error();
    if (attempts == 1) {  // let the other process write in the middle of the first attempt
      if (Status sent = pipe->parent().send("write now"); !sent) return sent;
      if (Result<std::string> ack = pipe->parent().receive(); !ack) return ack.error();
    }
    return dom1.store->write(tx, "counter", std::to_string(std::stoi(*value) + 1));
  });
  ASSERT_TRUE(done.ok()) << done.error().message;
  EXPECT_EQ(attempts, 2);
  EXPECT_EQ(dom1.store->read(kNoTransaction, "counter").value(), "11");
  expectCleanExit(*other);
}

}  // namespace
}  // namespace vcam::xen::emu::testing
