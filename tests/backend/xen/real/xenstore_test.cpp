// SPDX-License-Identifier: MIT
// RealXenStore against a live xenstored (dom0 or a guest); skipped where there is no Xen.
#include <unistd.h>

#include <algorithm>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "backend/xen/real/real_xen.h"
#include "wait_readable.h"

namespace vcam::xen {
namespace {

using ::testing::UnorderedElementsAre;

/// The error code of a result, 0 when it succeeded (reading error() of a success aborts).
template <typename T>
int errorCode(const Result<T>& result) {
  return result.ok() ? 0 : result.error().code;
}

class RealXenStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<std::unique_ptr<XenStore>> opened = openRealXenStore();
    if (!opened) GTEST_SKIP() << opened.error().message;
    store_ = std::move(opened).value();
    Result<std::string> domid = store_->read(kNoTransaction, "domid");
    ASSERT_TRUE(domid.ok()) << domid.error().message;
    std::optional<DomId> self = parseDomId(*domid);
    ASSERT_TRUE(self.has_value()) << *domid;
    self_ = *self;
    // Under our own data/ area, which a guest may write and dom0 may create.
    scratch_ = "data/vcamera-real-test-" + std::to_string(::getpid());
    ASSERT_TRUE(store_->remove(kNoTransaction, scratch_).ok());
  }
  void TearDown() override {
    if (store_) (void)store_->remove(kNoTransaction, scratch_);
  }

  [[nodiscard]] std::string at(const std::string& name) const { return scratch_ + "/" + name; }

  /// The next event, waiting on watchFd() (never sleeping); fails the test if none comes.
  XsWatchEvent nextEvent() {
    for (int attempt = 0; attempt < 2; ++attempt) {
      Result<std::optional<XsWatchEvent>> event = store_->readWatch();
      EXPECT_TRUE(event.ok()) << event.error().message;
      if (event.ok() && event->has_value()) return **event;
      if (!test::waitReadable(store_->watchFd())) break;
    }
    ADD_FAILURE() << "no watch event arrived";
    return {};
  }

  std::unique_ptr<XenStore> store_;
  DomId self_ = 0;
  std::string scratch_;
};

TEST_F(RealXenStoreTest, WriteThenReadReturnsTheValue) {
  ASSERT_TRUE(store_->write(kNoTransaction, at("key"), "value").ok());
  Result<std::string> value = store_->read(kNoTransaction, at("key"));
  ASSERT_TRUE(value.ok()) << value.error().message;
  EXPECT_EQ(*value, "value");
}

TEST_F(RealXenStoreTest, RelativePathsResolveUnderOurOwnDomain) {
  ASSERT_TRUE(store_->write(kNoTransaction, at("key"), "here").ok());
  Result<std::string> value =
      store_->read(kNoTransaction, "/local/domain/" + std::to_string(self_) + "/" + at("key"));
  ASSERT_TRUE(value.ok()) << value.error().message;
  EXPECT_EQ(*value, "here");
}

TEST_F(RealXenStoreTest, ReadOfAMissingNodeFailsWithEnoent) {
  Result<std::string> value = store_->read(kNoTransaction, at("missing"));
  ASSERT_FALSE(value.ok());
  EXPECT_EQ(value.error().code, ENOENT);
}

TEST_F(RealXenStoreTest, DirectoryListsChildNames) {
  ASSERT_TRUE(store_->write(kNoTransaction, at("a"), "1").ok());
  ASSERT_TRUE(store_->mkdir(kNoTransaction, at("b")).ok());
  Result<std::vector<std::string>> names = store_->directory(kNoTransaction, scratch_);
  ASSERT_TRUE(names.ok()) << names.error().message;
  EXPECT_THAT(*names, UnorderedElementsAre("a", "b"));
}

TEST_F(RealXenStoreTest, MkdirCreatesAnEmptyNodeAndToleratesAnExistingOne) {
  ASSERT_TRUE(store_->mkdir(kNoTransaction, at("dir")).ok());
  ASSERT_TRUE(store_->mkdir(kNoTransaction, at("dir")).ok());
  Result<std::string> value = store_->read(kNoTransaction, at("dir"));
  ASSERT_TRUE(value.ok()) << value.error().message;
  EXPECT_EQ(*value, "");
}

TEST_F(RealXenStoreTest, RemoveDeletesTheSubtreeAndToleratesMissingNodes) {
  ASSERT_TRUE(store_->write(kNoTransaction, at("tree/leaf"), "x").ok());
  ASSERT_TRUE(store_->remove(kNoTransaction, at("tree")).ok());
  EXPECT_EQ(errorCode(store_->read(kNoTransaction, at("tree/leaf"))), ENOENT);
  EXPECT_TRUE(store_->remove(kNoTransaction, at("tree")).ok());
  EXPECT_TRUE(store_->remove(kNoTransaction, at("no/such/parent")).ok());
}

TEST_F(RealXenStoreTest, PermissionsReadBackAsSet) {
  ASSERT_TRUE(store_->write(kNoTransaction, at("perm"), "x").ok());
  const std::vector<XsPermission> wanted{{self_, XsAccess::Read}};
  ASSERT_TRUE(store_->setPermissions(kNoTransaction, at("perm"), wanted).ok());
  Result<std::vector<XsPermission>> got = store_->permissions(kNoTransaction, at("perm"));
  ASSERT_TRUE(got.ok()) << got.error().message;
  EXPECT_EQ(*got, wanted);
}

TEST_F(RealXenStoreTest, EmptyPermissionListIsRejectedWithEinval) {
  ASSERT_TRUE(store_->write(kNoTransaction, at("perm"), "x").ok());
  Status status = store_->setPermissions(kNoTransaction, at("perm"), {});
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, EINVAL);
}

TEST_F(RealXenStoreTest, CommittedTransactionMakesItsWritesVisible) {
  Result<XsTransactionId> tx = store_->transactionStart();
  ASSERT_TRUE(tx.ok()) << tx.error().message;
  ASSERT_TRUE(store_->write(*tx, at("tx"), "committed").ok());
  ASSERT_TRUE(store_->transactionEnd(*tx, true).ok());
  Result<std::string> value = store_->read(kNoTransaction, at("tx"));
  ASSERT_TRUE(value.ok()) << value.error().message;
  EXPECT_EQ(*value, "committed");
}

TEST_F(RealXenStoreTest, AbandonedTransactionLeavesNoTrace) {
  Result<XsTransactionId> tx = store_->transactionStart();
  ASSERT_TRUE(tx.ok()) << tx.error().message;
  ASSERT_TRUE(store_->write(*tx, at("tx"), "abandoned").ok());
  ASSERT_TRUE(store_->transactionEnd(*tx, false).ok());
  EXPECT_EQ(errorCode(store_->read(kNoTransaction, at("tx"))), ENOENT);
}

TEST_F(RealXenStoreTest, ConflictingTransactionEndsWithEagain) {
  ASSERT_TRUE(store_->write(kNoTransaction, at("race"), "0").ok());
  Result<XsTransactionId> tx = store_->transactionStart();
  ASSERT_TRUE(tx.ok()) << tx.error().message;
  ASSERT_TRUE(store_->read(*tx, at("race")).ok());
  ASSERT_TRUE(store_->write(*tx, at("race"), "tx").ok());
  ASSERT_TRUE(store_->write(kNoTransaction, at("race"), "outside").ok());
  Status end = store_->transactionEnd(*tx, true);
  ASSERT_FALSE(end.ok());
  EXPECT_EQ(end.error().code, EAGAIN);
}

TEST_F(RealXenStoreTest, WatchFiresOnRegistrationAndOnChange) {
  ASSERT_TRUE(store_->mkdir(kNoTransaction, scratch_).ok());
  Result<XsWatch> watch = store_->watch(scratch_, "tok");
  ASSERT_TRUE(watch.ok()) << watch.error().message;
  EXPECT_EQ(nextEvent(), (XsWatchEvent{scratch_, "tok"}));
  ASSERT_TRUE(store_->write(kNoTransaction, at("changed"), "1").ok());
  EXPECT_EQ(nextEvent(), (XsWatchEvent{at("changed"), "tok"}));
}

TEST_F(RealXenStoreTest, ReadWatchWithNothingQueuedReturnsNullopt) {
  Result<std::optional<XsWatchEvent>> event = store_->readWatch();
  ASSERT_TRUE(event.ok()) << event.error().message;
  EXPECT_FALSE(event->has_value());
}

TEST_F(RealXenStoreTest, DestroyedWatchDropsEventsAlreadyQueued) {
  ASSERT_TRUE(store_->mkdir(kNoTransaction, scratch_).ok());
  Result<XsWatch> watch = store_->watch(scratch_, "old");
  ASSERT_TRUE(watch.ok()) << watch.error().message;
  // The registration event is queued once watchFd() turns readable; then drop the watch.
  ASSERT_TRUE(test::waitReadable(store_->watchFd()));
  watch->reset();
  Result<std::optional<XsWatchEvent>> event = store_->readWatch();
  ASSERT_TRUE(event.ok()) << event.error().message;
  EXPECT_FALSE(event->has_value());
}

}  // namespace
}  // namespace vcam::xen
