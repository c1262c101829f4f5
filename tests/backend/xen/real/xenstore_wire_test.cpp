// SPDX-License-Identifier: MIT
// RealXenStore and the real libxenstore against FakeXenstored: what goes over the wire and
// how replies come back, on any machine (XENSTORED_PATH points libxenstore at the fake).
#include <stdlib.h>

#include <cerrno>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "backend/xen/real/libxen.h"
#include "backend/xen/real/real_xenstore.h"
#include "fake_xenstored.h"
#include "wait_readable.h"

namespace vcam::xen {
namespace {

using test::XsReply;
using test::XsRequest;
using ::testing::ElementsAre;

/// Answers like xenstored would for the scripted store below.
XsReply scripted(const XsRequest& request) {
  const std::vector<std::string> args = request.args();
  const std::string path = args.empty() ? "" : args[0];
  switch (request.type) {
    case XS_READ:
      if (path == "domid") return {XS_READ, "3"};
      if (path == "binary") return {XS_READ, std::string("a\0b", 3)};
      if (path == "secret") return XsReply::error("EACCES");
      return XsReply::error("ENOENT");
    case XS_DIRECTORY:
      if (path == "leaf") return {XS_DIRECTORY, ""};
      return {XS_DIRECTORY, std::string("one\0two\0three\0", 14)};
    case XS_GET_PERMS:
      return {XS_GET_PERMS, std::string("b0\0r5\0n7\0", 9)};
    case XS_RM:
      return path == "gone" ? XsReply::error("ENOENT") : XsReply::ok(XS_RM);
    case XS_TRANSACTION_START:
      return {XS_TRANSACTION_START, std::string("42\0", 3)};
    case XS_TRANSACTION_END:
      return path == "T" && request.txId == 43 ? XsReply::error("EAGAIN")
                                               : XsReply::ok(XS_TRANSACTION_END);
    default:
      return XsReply::ok(request.type);
  }
}

class RealXenStoreWireTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(fake_.listening());
    ASSERT_EQ(::setenv("XENSTORED_PATH", fake_.socketPath().c_str(), 1), 0);
    Result<std::unique_ptr<XenStore>> opened = openRealXenStore();
    ::unsetenv("XENSTORED_PATH");
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    store_ = std::move(opened).value();
  }

  /// The last request the fake saw.
  XsRequest last() const {
    const std::vector<XsRequest> all = fake_.requests();
    return all.empty() ? XsRequest{} : all.back();
  }

  test::FakeXenstored fake_{scripted};
  std::unique_ptr<XenStore> store_;
};

TEST_F(RealXenStoreWireTest, ReadSendsTheRelativePathUnchanged) {
  Result<std::string> value = store_->read(kNoTransaction, "domid");
  ASSERT_TRUE(value.ok()) << value.error().message;
  EXPECT_EQ(*value, "3");
  EXPECT_EQ(last().type, unsigned{XS_READ});
  EXPECT_THAT(last().args(), ElementsAre("domid"));
}

TEST_F(RealXenStoreWireTest, ReadKeepsEveryByteOfTheValue) {
  Result<std::string> value = store_->read(kNoTransaction, "binary");
  ASSERT_TRUE(value.ok()) << value.error().message;
  EXPECT_EQ(*value, std::string("a\0b", 3));
}

TEST_F(RealXenStoreWireTest, ErrorRepliesBecomeTheirErrno) {
  Result<std::string> missing = store_->read(kNoTransaction, "missing");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ENOENT);
  EXPECT_THAT(missing.error().message, ::testing::HasSubstr("xs_read(missing)"));
  Result<std::string> secret = store_->read(kNoTransaction, "secret");
  ASSERT_FALSE(secret.ok());
  EXPECT_EQ(secret.error().code, EACCES);
}

TEST_F(RealXenStoreWireTest, PathWithANulByteIsRejectedBeforeSending) {
  Result<std::string> value = store_->read(kNoTransaction, std::string("a\0b", 3));
  ASSERT_FALSE(value.ok());
  EXPECT_EQ(value.error().code, EINVAL);
  EXPECT_TRUE(fake_.requests().empty());
}

TEST_F(RealXenStoreWireTest, WriteSendsPathValueAndTransaction) {
  ASSERT_TRUE(store_->write(7, "dir/key", "value").ok());
  EXPECT_EQ(last().type, unsigned{XS_WRITE});
  EXPECT_EQ(last().txId, 7U);
  EXPECT_EQ(last().payload, std::string("dir/key\0value", 13));
}

TEST_F(RealXenStoreWireTest, RemoveOfAMissingNodeSucceeds) {
  EXPECT_TRUE(store_->remove(kNoTransaction, "gone").ok());
  EXPECT_EQ(last().type, unsigned{XS_RM});
}

TEST_F(RealXenStoreWireTest, DirectoryReturnsEveryName) {
  Result<std::vector<std::string>> names = store_->directory(kNoTransaction, "dir");
  ASSERT_TRUE(names.ok()) << names.error().message;
  EXPECT_THAT(*names, ElementsAre("one", "two", "three"));
}

TEST_F(RealXenStoreWireTest, DirectoryOfALeafIsEmpty) {
  Result<std::vector<std::string>> names = store_->directory(kNoTransaction, "leaf");
  ASSERT_TRUE(names.ok()) << names.error().message;
  EXPECT_TRUE(names->empty());
}

TEST_F(RealXenStoreWireTest, PermissionsDecodeOwnerAndAccess) {
  Result<std::vector<XsPermission>> perms = store_->permissions(kNoTransaction, "dir");
  ASSERT_TRUE(perms.ok()) << perms.error().message;
  EXPECT_THAT(*perms,
              ElementsAre(XsPermission{0, XsAccess::ReadWrite}, XsPermission{5, XsAccess::Read},
                          XsPermission{7, XsAccess::None}));
}

TEST_F(RealXenStoreWireTest, SetPermissionsEncodesEachEntry) {
  const std::vector<XsPermission> perms{{3, XsAccess::None}, {5, XsAccess::Write}};
  ASSERT_TRUE(store_->setPermissions(kNoTransaction, "dir", perms).ok());
  EXPECT_EQ(last().type, unsigned{XS_SET_PERMS});
  EXPECT_THAT(last().args(), ElementsAre("dir", "n3", "w5"));
}

TEST_F(RealXenStoreWireTest, TransactionStartReturnsTheIdXenstoredChose) {
  Result<XsTransactionId> tx = store_->transactionStart();
  ASSERT_TRUE(tx.ok()) << tx.error().message;
  EXPECT_EQ(*tx, 42U);
}

TEST_F(RealXenStoreWireTest, CommitAndAbandonSendTrueAndFalse) {
  ASSERT_TRUE(store_->transactionEnd(42, true).ok());
  EXPECT_THAT(last().args(), ElementsAre("T"));
  ASSERT_TRUE(store_->transactionEnd(42, false).ok());
  EXPECT_THAT(last().args(), ElementsAre("F"));
  EXPECT_EQ(last().txId, 42U);
}

TEST_F(RealXenStoreWireTest, ConflictAtCommitIsEagain) {
  Status end = store_->transactionEnd(43, true);
  ASSERT_FALSE(end.ok());
  EXPECT_EQ(end.error().code, EAGAIN);
}

TEST_F(RealXenStoreWireTest, WatchEventArrivesThroughWatchFd) {
  Result<XsWatch> watch = store_->watch("backend/camera", "tok");
  ASSERT_TRUE(watch.ok()) << watch.error().message;
  EXPECT_THAT(last().args(), ElementsAre("backend/camera", "tok"));
  ASSERT_TRUE(fake_.sendWatchEvent("backend/camera/1/state", "tok"));
  ASSERT_TRUE(test::waitReadable(store_->watchFd()));
  Result<std::optional<XsWatchEvent>> event = store_->readWatch();
  ASSERT_TRUE(event.ok()) << event.error().message;
  EXPECT_EQ(*event, (XsWatchEvent{"backend/camera/1/state", "tok"}));
  Result<std::optional<XsWatchEvent>> none = store_->readWatch();
  ASSERT_TRUE(none.ok()) << none.error().message;
  EXPECT_FALSE(none->has_value());
}

TEST_F(RealXenStoreWireTest, DestroyingAWatchUnwatchesAndDropsItsQueuedEvents) {
  Result<XsWatch> watch = store_->watch("backend", "old");
  ASSERT_TRUE(watch.ok()) << watch.error().message;
  ASSERT_TRUE(fake_.sendWatchEvent("backend/x", "old"));
  ASSERT_TRUE(test::waitReadable(store_->watchFd()));
  watch->reset();
  EXPECT_EQ(last().type, unsigned{XS_UNWATCH});
  EXPECT_THAT(last().args(), ElementsAre("backend", "old"));
  Result<std::optional<XsWatchEvent>> event = store_->readWatch();
  ASSERT_TRUE(event.ok()) << event.error().message;
  EXPECT_FALSE(event->has_value());
}

TEST_F(RealXenStoreWireTest, EventsOutsideTheWatchedPathOrTokenAreDropped) {
  Result<XsWatch> watch = store_->watch("backend/cam", "tok");
  ASSERT_TRUE(watch.ok()) << watch.error().message;
  ASSERT_TRUE(fake_.sendWatchEvent("backend/camera", "tok"));  // a sibling, not below
  ASSERT_TRUE(fake_.sendWatchEvent("backend/cam/1", "other"));
  ASSERT_TRUE(fake_.sendWatchEvent("backend/cam/1", "tok"));
  ASSERT_TRUE(test::waitReadable(store_->watchFd()));
  // The reader thread may still be queueing; the kept event is the first one we get.
  std::optional<XsWatchEvent> kept;
  for (int attempt = 0; attempt < 3 && !kept; ++attempt) {
    Result<std::optional<XsWatchEvent>> event = store_->readWatch();
    ASSERT_TRUE(event.ok()) << event.error().message;
    kept = *event;
    if (!kept) {
      ASSERT_TRUE(test::waitReadable(store_->watchFd()));
    }
  }
  EXPECT_EQ(kept, (XsWatchEvent{"backend/cam/1", "tok"}));
}

TEST_F(RealXenStoreWireTest, LostConnectionIsAnErrorNotAHang) {
  ASSERT_TRUE(store_->read(kNoTransaction, "domid").ok());  // the fake has accepted us
  fake_.dropConnection();
  Result<std::string> value = store_->read(kNoTransaction, "domid");
  EXPECT_FALSE(value.ok());
}

}  // namespace
}  // namespace vcam::xen
