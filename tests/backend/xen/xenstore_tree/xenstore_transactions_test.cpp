// SPDX-License-Identifier: MIT
// XenStoreTree transactions: snapshots, own changes, commit conflicts (EAGAIN), abort, ids.
#include <cerrno>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/backend/xen/xenstore_tree/xenstore_tree_fixture.h"

namespace vcam::xen::emu::test {
namespace {

using ::testing::ElementsAre;

class XenStoreTransactions : public XenStoreTreeTest {
 protected:
  void SetUp() override {
    XenStoreTreeTest::SetUp();
    ASSERT_TRUE(succeeded(tree_.write(kGuest, kNoTx, "/local/domain/5/a", "a0")));
    ASSERT_TRUE(succeeded(tree_.write(kGuest, kNoTx, "/local/domain/5/b", "b0")));
  }

  XsTransactionId start(const Caller& caller = kGuest) {
    Result<XsTransactionId> tx = tree_.transactionStart(caller);
    EXPECT_TRUE(succeeded(tx));
    return tx ? *tx : kNoTx;
  }

  std::string readIn(XsTransactionId tx, const std::string& path) {
    Result<std::string> value = tree_.read(kGuest, tx, path);
    return value ? *value : "<errno " + std::to_string(value.error().code) + ">";
  }
};

TEST_F(XenStoreTransactions, ATransactionSeesItsOwnChanges) {
  const XsTransactionId tx = start();
  ASSERT_TRUE(succeeded(tree_.write(kGuest, tx, "/local/domain/5/a", "a1")));
  ASSERT_TRUE(succeeded(tree_.write(kGuest, tx, "/local/domain/5/new", "n")));
  ASSERT_TRUE(succeeded(tree_.remove(kGuest, tx, "/local/domain/5/b")));
  EXPECT_EQ(readIn(tx, "/local/domain/5/a"), "a1");
  EXPECT_EQ(readIn(tx, "/local/domain/5/new"), "n");
  EXPECT_EQ(readIn(tx, "/local/domain/5/b"), "<errno 2>");
}

TEST_F(XenStoreTransactions, ChangesStayInvisibleOutsideUntilCommit) {
  const XsTransactionId tx = start();
  ASSERT_TRUE(succeeded(tree_.write(kGuest, tx, "/local/domain/5/a", "a1")));
  ASSERT_TRUE(succeeded(tree_.write(kGuest, tx, "/local/domain/5/new", "n")));
  EXPECT_EQ(valueAt("/local/domain/5/a"), "a0");
  EXPECT_EQ(valueAt("/local/domain/5/new"), "<errno 2>");
  ASSERT_TRUE(succeeded(tree_.transactionEnd(kGuest, tx, true)));
  EXPECT_EQ(valueAt("/local/domain/5/a"), "a1");
  EXPECT_EQ(valueAt("/local/domain/5/new"), "n");
}

TEST_F(XenStoreTransactions, ATransactionReadsTheSnapshotNotLaterChanges) {
  const XsTransactionId tx = start();
  ASSERT_TRUE(succeeded(tree_.write(kGuestAgain, kNoTx, "/local/domain/5/a", "a-outside")));
  ASSERT_TRUE(succeeded(tree_.write(kGuestAgain, kNoTx, "/local/domain/5/late", "x")));
  ASSERT_TRUE(succeeded(tree_.remove(kGuestAgain, kNoTx, "/local/domain/5/b")));
  EXPECT_EQ(readIn(tx, "/local/domain/5/a"), "a0");
  EXPECT_EQ(readIn(tx, "/local/domain/5/late"), "<errno 2>");
  EXPECT_EQ(readIn(tx, "/local/domain/5/b"), "b0");
  Result<std::vector<std::string>> names = tree_.directory(kGuest, tx, kHome);
  ASSERT_TRUE(succeeded(names));
  EXPECT_THAT(*names, ElementsAre("a", "b"));
}

TEST_F(XenStoreTransactions, AConflictingCommitIsEAGAINAndAppliesNothing) {
  const XsTransactionId tx = start();
  EXPECT_EQ(readIn(tx, "/local/domain/5/a"), "a0");
  ASSERT_TRUE(succeeded(tree_.write(kGuest, tx, "/local/domain/5/b", "from-tx")));
  ASSERT_TRUE(succeeded(tree_.write(kGuest, tx, "/local/domain/5/made-by-tx", "x")));
  ASSERT_TRUE(succeeded(tree_.write(kGuestAgain, kNoTx, "/local/domain/5/a", "a-outside")));
  EXPECT_EQ(errnoOf(tree_.transactionEnd(kGuest, tx, true)), EAGAIN);
  EXPECT_EQ(valueAt("/local/domain/5/a"), "a-outside");
  EXPECT_EQ(valueAt("/local/domain/5/b"), "b0");
  EXPECT_EQ(valueAt("/local/domain/5/made-by-tx"), "<errno 2>");
}

TEST_F(XenStoreTransactions, TwoWritersOfTheSameNodeConflict) {
  const XsTransactionId tx = start();
  ASSERT_TRUE(succeeded(tree_.write(kGuest, tx, "/local/domain/5/a", "from-tx")));
  ASSERT_TRUE(succeeded(tree_.write(kGuestAgain, kNoTx, "/local/domain/5/a", "a-outside")));
  EXPECT_EQ(errnoOf(tree_.transactionEnd(kGuest, tx, true)), EAGAIN);
  EXPECT_EQ(valueAt("/local/domain/5/a"), "a-outside");
}

TEST_F(XenStoreTransactions, ANodeFoundMissingConflictsWhenItAppears) {
  const XsTransactionId tx = start();
  EXPECT_EQ(readIn(tx, "/local/domain/5/absent"), "<errno 2>");
  ASSERT_TRUE(succeeded(tree_.write(kGuestAgain, kNoTx, "/local/domain/5/absent", "here")));
  EXPECT_EQ(errnoOf(tree_.transactionEnd(kGuest, tx, true)), EAGAIN);
}

TEST_F(XenStoreTransactions, ADirectoryListingConflictsWhenAChildIsAdded) {
  const XsTransactionId tx = start();
  ASSERT_TRUE(succeeded(tree_.directory(kGuest, tx, kHome)));
  ASSERT_TRUE(succeeded(tree_.write(kGuest, tx, "/local/domain/5/a", "a1")));
  ASSERT_TRUE(succeeded(tree_.write(kGuestAgain, kNoTx, "/local/domain/5/c", "new child")));
  EXPECT_EQ(errnoOf(tree_.transactionEnd(kGuest, tx, true)), EAGAIN);
  EXPECT_EQ(valueAt("/local/domain/5/a"), "a0");
}

TEST_F(XenStoreTransactions, ANodeReadConflictsWhenSomeoneRemovesIt) {
  const XsTransactionId tx = start();
  EXPECT_EQ(readIn(tx, "/local/domain/5/a"), "a0");
  ASSERT_TRUE(succeeded(tree_.remove(kGuestAgain, kNoTx, "/local/domain/5/a")));
  EXPECT_EQ(errnoOf(tree_.transactionEnd(kGuest, tx, true)), EAGAIN);
}

TEST_F(XenStoreTransactions, APermissionChangeConflictsWithAReader) {
  const XsTransactionId tx = start();
  EXPECT_EQ(readIn(tx, "/local/domain/5/a"), "a0");
  const XsPermission perms[] = {{5, XsAccess::Read}};
  ASSERT_TRUE(succeeded(tree_.setPermissions(kGuestAgain, kNoTx, "/local/domain/5/a", perms)));
  EXPECT_EQ(errnoOf(tree_.transactionEnd(kGuest, tx, true)), EAGAIN);
}

TEST_F(XenStoreTransactions, ConcurrentTransactionsOnDifferentNodesBothCommit) {
  const XsTransactionId first = start(kGuest);
  const XsTransactionId second = start(kGuestAgain);
  ASSERT_TRUE(succeeded(tree_.write(kGuest, first, "/local/domain/5/a", "from first")));
  Result<std::string> b = tree_.read(kGuestAgain, second, "/local/domain/5/b");
  ASSERT_TRUE(succeeded(b));
  ASSERT_TRUE(succeeded(tree_.write(kGuestAgain, second, "/local/domain/5/b", *b + "+second")));
  EXPECT_TRUE(succeeded(tree_.transactionEnd(kGuest, first, true)));
  EXPECT_TRUE(succeeded(tree_.transactionEnd(kGuestAgain, second, true)));
  EXPECT_EQ(valueAt("/local/domain/5/a"), "from first");
  EXPECT_EQ(valueAt("/local/domain/5/b"), "b0+second");
}

TEST_F(XenStoreTransactions, TransactionsCreatingSiblingsUnderOneParentConflict) {
  const XsTransactionId first = start(kGuest);
  const XsTransactionId second = start(kGuestAgain);
  ASSERT_TRUE(succeeded(tree_.write(kGuest, first, "/local/domain/5/new-1", "1")));
  ASSERT_TRUE(succeeded(tree_.write(kGuestAgain, second, "/local/domain/5/new-2", "2")));
  ASSERT_TRUE(succeeded(tree_.transactionEnd(kGuest, first, true)));
  EXPECT_EQ(errnoOf(tree_.transactionEnd(kGuestAgain, second, true)), EAGAIN);
  EXPECT_EQ(valueAt("/local/domain/5/new-2"), "<errno 2>");
}

TEST_F(XenStoreTransactions, UnrelatedChangesMadeMeanwhileSurviveTheCommit) {
  const XsTransactionId tx = start();
  ASSERT_TRUE(succeeded(tree_.write(kGuest, tx, "/local/domain/5/a", "from tx")));
  ASSERT_TRUE(succeeded(tree_.write(kOtherGuest, kNoTx, "/local/domain/7/x", "meanwhile")));
  ASSERT_TRUE(succeeded(tree_.transactionEnd(kGuest, tx, true)));
  EXPECT_EQ(valueAt("/local/domain/5/a"), "from tx");
  EXPECT_EQ(valueAt("/local/domain/7/x"), "meanwhile");
}

TEST_F(XenStoreTransactions, EveryKindOfChangeIsAppliedAtCommit) {
  const XsTransactionId tx = start();
  const XsPermission perms[] = {{5, XsAccess::None}, {7, XsAccess::Read}};
  ASSERT_TRUE(succeeded(tree_.write(kGuest, tx, "/local/domain/5/w/x", "x")));
  ASSERT_TRUE(succeeded(tree_.mkdir(kGuest, tx, "/local/domain/5/dir")));
  ASSERT_TRUE(succeeded(tree_.remove(kGuest, tx, "/local/domain/5/b")));
  ASSERT_TRUE(succeeded(tree_.setPermissions(kGuest, tx, "/local/domain/5/a", perms)));
  ASSERT_TRUE(succeeded(tree_.transactionEnd(kGuest, tx, true)));
  EXPECT_EQ(valueAt("/local/domain/5/w/x"), "x");
  EXPECT_EQ(valueAt("/local/domain/5/dir"), "");
  EXPECT_EQ(valueAt("/local/domain/5/b"), "<errno 2>");
  EXPECT_TRUE(succeeded(tree_.read(kOtherGuest, kNoTx, "/local/domain/5/a")));
}

TEST_F(XenStoreTransactions, AbortDiscardsTheChanges) {
  const XsTransactionId tx = start();
  ASSERT_TRUE(succeeded(tree_.write(kGuest, tx, "/local/domain/5/a", "a1")));
  ASSERT_TRUE(succeeded(tree_.remove(kGuest, tx, "/local/domain/5/b")));
  ASSERT_TRUE(succeeded(tree_.transactionEnd(kGuest, tx, false)));
  EXPECT_EQ(valueAt("/local/domain/5/a"), "a0");
  EXPECT_EQ(valueAt("/local/domain/5/b"), "b0");
}

TEST_F(XenStoreTransactions, AReadOnlyTransactionCommits) {
  const XsTransactionId tx = start();
  EXPECT_EQ(readIn(tx, "/local/domain/5/a"), "a0");
  EXPECT_TRUE(succeeded(tree_.transactionEnd(kGuest, tx, true)));
}

TEST_F(XenStoreTransactions, AFailedOperationInsideLeavesTheTransactionUsable) {
  const XsTransactionId tx = start();
  EXPECT_EQ(errnoOf(tree_.write(kGuest, tx, "/local/domain/7/x", "denied")), EACCES);
  ASSERT_TRUE(succeeded(tree_.write(kGuest, tx, "/local/domain/5/a", "a1")));
  ASSERT_TRUE(succeeded(tree_.transactionEnd(kGuest, tx, true)));
  EXPECT_EQ(valueAt("/local/domain/5/a"), "a1");
}

TEST_F(XenStoreTransactions, AnUnknownTransactionIdIsENOENT) {
  constexpr XsTransactionId kNeverStarted = 4242;
  EXPECT_EQ(errnoOf(tree_.read(kGuest, kNeverStarted, "/local/domain/5/a")), ENOENT);
  EXPECT_EQ(errnoOf(tree_.write(kGuest, kNeverStarted, "/local/domain/5/a", "x")), ENOENT);
  EXPECT_EQ(errnoOf(tree_.transactionEnd(kGuest, kNeverStarted, true)), ENOENT);
  EXPECT_EQ(errnoOf(tree_.transactionEnd(kGuest, kNoTx, true)), ENOENT);
  EXPECT_EQ(valueAt("/local/domain/5/a"), "a0");
}

TEST_F(XenStoreTransactions, AnotherClientsTransactionIdIsENOENT) {
  const XsTransactionId tx = start(kGuest);
  EXPECT_EQ(errnoOf(tree_.read(kGuestAgain, tx, "/local/domain/5/a")), ENOENT);
  EXPECT_EQ(errnoOf(tree_.write(kGuestAgain, tx, "/local/domain/5/a", "x")), ENOENT);
  EXPECT_EQ(errnoOf(tree_.transactionEnd(kGuestAgain, tx, true)), ENOENT);
  EXPECT_TRUE(succeeded(tree_.transactionEnd(kGuest, tx, true)));
}

TEST_F(XenStoreTransactions, ATransactionEndsWhateverTheOutcome) {
  const XsTransactionId committed = start();
  ASSERT_TRUE(succeeded(tree_.transactionEnd(kGuest, committed, true)));
  EXPECT_EQ(errnoOf(tree_.transactionEnd(kGuest, committed, true)), ENOENT);
  const XsTransactionId conflicted = start();
  EXPECT_EQ(readIn(conflicted, "/local/domain/5/a"), "a0");
  ASSERT_TRUE(succeeded(tree_.write(kGuestAgain, kNoTx, "/local/domain/5/a", "a1")));
  ASSERT_EQ(errnoOf(tree_.transactionEnd(kGuest, conflicted, true)), EAGAIN);
  EXPECT_EQ(errnoOf(tree_.read(kGuest, conflicted, "/local/domain/5/a")), ENOENT);
}

TEST_F(XenStoreTransactions, OpenTransactionsHaveDistinctNonZeroIds) {
  const XsTransactionId first = start(kGuest);
  const XsTransactionId second = start(kGuestAgain);
  const XsTransactionId third = start(kGuest);
  EXPECT_NE(first, kNoTx);
  EXPECT_NE(second, kNoTx);
  EXPECT_NE(third, kNoTx);
  EXPECT_NE(first, second);
  EXPECT_NE(first, third);
  EXPECT_NE(second, third);
}

TEST_F(XenStoreTransactions, TransactionsSeeRelativePathsOfTheirDomain) {
  const XsTransactionId tx = start();
  ASSERT_TRUE(succeeded(tree_.write(kGuest, tx, "a", "relative")));
  ASSERT_TRUE(succeeded(tree_.transactionEnd(kGuest, tx, true)));
  EXPECT_EQ(valueAt("/local/domain/5/a"), "relative");
}

}  // namespace
}  // namespace vcam::xen::emu::test
