// SPDX-License-Identifier: MIT
// runTransaction() and XenStoreReader over the emulated Xen's XenStore.
#include "backend/xen/xenstore_util.h"

#include <gtest/gtest.h>

#include <cerrno>

#include "backend/xen/emulated/emulated_xen.h"
#include "backend/xen/emulated/process.h"

namespace vcam::xen {
namespace {

class XenStoreUtilTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<emu::BrokerProcess> broker = emu::BrokerProcess::start();
    ASSERT_TRUE(broker) << broker.error().message;
    broker_ = std::move(broker).value();
    for (XenTransport* xen : {&first_, &second_}) {
      Result<XenTransport> connected = emu::connectEmulatedXen(broker_.socketPath(), 0);
      ASSERT_TRUE(connected) << connected.error().message;
      *xen = std::move(connected).value();
    }
  }

  emu::BrokerProcess broker_;
  XenTransport first_;  // two connections of dom0: two independent writers
  XenTransport second_;
};

TEST_F(XenStoreUtilTest, ATransactionThatConflictsRunsAgainAndCommits) {
  ASSERT_TRUE(first_.store->write(kNoTransaction, "/counter", "1"));
  int runs = 0;
  Status done = runTransaction(*first_.store, [&](XsTransactionId tx) -> Status {
    ++runs;
    Result<std::string> value = first_.store->read(tx, "/counter");
    if (!value) return value.error();
    if (runs == 1) {  // another writer changes the node under the first attempt
      if (Status w = second_.store->write(kNoTransaction, "/counter", "5"); !w) return w;
    }
    return first_.store->write(tx, "/counter", std::to_string(std::stoi(*value) + 1));
  });
  ASSERT_TRUE(done) << done.error().message;
  EXPECT_EQ(runs, 2);
  EXPECT_EQ(first_.store->read(kNoTransaction, "/counter").value(), "6");
}

TEST_F(XenStoreUtilTest, AFailingBodyAbandonsTheTransaction) {
  Status done = runTransaction(*first_.store, [&](XsTransactionId tx) -> Status {
    if (Status w = first_.store->write(tx, "/half-done", "x"); !w) return w;
    return makeError(EIO, "the body gave up");
  });
  ASSERT_FALSE(done);
  EXPECT_EQ(done.error().code, EIO);
  EXPECT_FALSE(first_.store->read(kNoTransaction, "/half-done"));
}

TEST_F(XenStoreUtilTest, EndlessConflictsGiveUpWithEagain) {
  ASSERT_TRUE(first_.store->write(kNoTransaction, "/busy", "0"));
  int runs = 0;
  Status done = runTransaction(
      *first_.store,
      [&](XsTransactionId tx) -> Status {
        ++runs;
        if (Result<std::string> r = first_.store->read(tx, "/busy"); !r) return r.error();
        if (Status w = second_.store->write(kNoTransaction, "/busy", std::to_string(runs)); !w) {
          return w;
        }
        return first_.store->write(tx, "/busy", "mine");
      },
      3);
  ASSERT_FALSE(done);
  EXPECT_EQ(done.error().code, EAGAIN);
  EXPECT_EQ(runs, 3);
}

TEST_F(XenStoreUtilTest, ReaderSeesNodesAndDirectoriesAndTreatsMissingAsAbsent) {
  ASSERT_TRUE(first_.store->write(kNoTransaction, "/tree/a", "1"));
  ASSERT_TRUE(first_.store->write(kNoTransaction, "/tree/b", "2"));
  XenStoreReader reader(*first_.store);
  EXPECT_EQ(reader.read("/tree/a"), "1");
  EXPECT_EQ(reader.read("/tree/missing"), std::nullopt);
  auto names = reader.directory("/tree");
  ASSERT_TRUE(names);
  EXPECT_EQ(names->size(), 2u);
  EXPECT_EQ(reader.directory("/nowhere"), std::nullopt);
}

}  // namespace
}  // namespace vcam::xen
