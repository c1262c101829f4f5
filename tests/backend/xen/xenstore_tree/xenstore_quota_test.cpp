// SPDX-License-Identifier: MIT
// XenStoreTree quotas (values, nodes, watches, transactions, permissions) and dropClient().
#include <cerrno>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/backend/xen/xenstore_tree/xenstore_tree_fixture.h"

namespace vcam::xen::emu::test {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

XenStoreQuota smallQuota() {
  XenStoreQuota quota;
  quota.maxValueBytes = 16;
  quota.maxNodesPerDomain = 4;  // kGuest's home node is one of them
  quota.maxWatchesPerDomain = 2;
  quota.maxTransactionsPerDomain = 2;
  quota.maxPermissionsPerNode = 2;
  quota.maxNodesPerTransaction = 3;
  return quota;
}

class XenStoreQuotas : public XenStoreTreeTest {
 protected:
  XenStoreQuotas() : XenStoreTreeTest(smallQuota()) {}

  /// Writes nodes "n0", "n1", ... in kGuest's home until it owns the quota's worth.
  void fillNodeQuota() {
    for (std::size_t i = 1; i < smallQuota().maxNodesPerDomain; ++i) {
      ASSERT_TRUE(succeeded(tree_.write(kGuest, kNoTx, "n" + std::to_string(i), "")));
    }
  }
};

TEST_F(XenStoreQuotas, AValueUpToTheLimitIsStoredOneByteMoreIsE2BIG) {
  const std::string fits(smallQuota().maxValueBytes, 'v');
  ASSERT_TRUE(succeeded(tree_.write(kGuest, kNoTx, "value", fits)));
  EXPECT_EQ(errnoOf(tree_.write(kGuest, kNoTx, "value", fits + "v")), E2BIG);
  EXPECT_EQ(valueAt("/local/domain/5/value"), fits);
}

TEST_F(XenStoreQuotas, TheValueLimitBindsDom0Too) {
  const std::string tooLong(smallQuota().maxValueBytes + 1, 'v');
  EXPECT_EQ(errnoOf(tree_.write(kDom0, kNoTx, "/value", tooLong)), E2BIG);
}

TEST_F(XenStoreQuotas, ADomainOwningItsQuotaOfNodesGetsENOSPCForMore) {
  fillNodeQuota();
  EXPECT_EQ(errnoOf(tree_.write(kGuest, kNoTx, "one-too-many", "")), ENOSPC);
  EXPECT_EQ(errnoOf(tree_.mkdir(kGuest, kNoTx, "one-too-many")), ENOSPC);
  EXPECT_EQ(valueAt("/local/domain/5/one-too-many"), "<errno 2>");
}

TEST_F(XenStoreQuotas, ChangingExistingNodesNeedsNoQuota) {
  fillNodeQuota();
  EXPECT_TRUE(succeeded(tree_.write(kGuest, kNoTx, "n1", "changed")));
}

TEST_F(XenStoreQuotas, EveryMissingParentCountsAgainstTheNodeQuota) {
  ASSERT_TRUE(succeeded(tree_.write(kGuest, kNoTx, "a", "")));
  EXPECT_EQ(errnoOf(tree_.write(kGuest, kNoTx, "x/y/z", "")), ENOSPC);
  EXPECT_EQ(valueAt("/local/domain/5/x"), "<errno 2>");
  EXPECT_TRUE(succeeded(tree_.write(kGuest, kNoTx, "x/y", "")));
}

TEST_F(XenStoreQuotas, RemovingNodesGivesTheirQuotaBack) {
  fillNodeQuota();
  ASSERT_TRUE(succeeded(tree_.remove(kGuest, kNoTx, "n1")));
  EXPECT_TRUE(succeeded(tree_.write(kGuest, kNoTx, "again", "")));
}

TEST_F(XenStoreQuotas, NodesAreCountedByOwnerNotByWhereTheyAre) {
  fillNodeQuota();
  // Dom0 may still create nodes in the guest's home; they are the guest's, beyond its quota.
  ASSERT_TRUE(succeeded(tree_.write(kDom0, kNoTx, "/local/domain/5/by-dom0", "")));
  EXPECT_TRUE(succeeded(tree_.write(kOtherGuest, kNoTx, "its-own", "")));
  EXPECT_EQ(errnoOf(tree_.write(kGuest, kNoTx, "more", "")), ENOSPC);
}

TEST_F(XenStoreQuotas, Dom0IsExemptFromTheNodeQuota) {
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(succeeded(tree_.write(kDom0, kNoTx, "/tool/n" + std::to_string(i), "")));
  }
}

TEST_F(XenStoreQuotas, TheWatchQuotaIsPerDomainAcrossConnectionsAndIsE2BIG) {
  ASSERT_TRUE(succeeded(tree_.addWatch(kGuest, "a", "1")));
  ASSERT_TRUE(succeeded(tree_.addWatch(kGuestAgain, "a", "2")));
  EXPECT_EQ(errnoOf(tree_.addWatch(kGuest, "a", "3")), E2BIG);
  EXPECT_TRUE(succeeded(tree_.addWatch(kOtherGuest, "a", "1")));
}

TEST_F(XenStoreQuotas, RemovingAWatchGivesItsQuotaBack) {
  ASSERT_TRUE(succeeded(tree_.addWatch(kGuest, "a", "1")));
  ASSERT_TRUE(succeeded(tree_.addWatch(kGuest, "a", "2")));
  ASSERT_TRUE(succeeded(tree_.removeWatch(kGuest, "a", "1")));
  EXPECT_TRUE(succeeded(tree_.addWatch(kGuest, "a", "3")));
}

TEST_F(XenStoreQuotas, Dom0IsExemptFromTheWatchQuota) {
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(succeeded(tree_.addWatch(kDom0, "/", std::to_string(i))));
}

TEST_F(XenStoreQuotas, AWatchTokenLongerThanAValueIsE2BIG) {
  const std::string token(smallQuota().maxValueBytes + 1, 't');
  EXPECT_EQ(errnoOf(tree_.addWatch(kDom0, "/", token)), E2BIG);
}

TEST_F(XenStoreQuotas, TheTransactionQuotaIsPerDomainAndIsENOSPC) {
  Result<XsTransactionId> first = tree_.transactionStart(kGuest);
  ASSERT_TRUE(succeeded(first));
  ASSERT_TRUE(succeeded(tree_.transactionStart(kGuestAgain)));
  EXPECT_EQ(errnoOf(tree_.transactionStart(kGuest)), ENOSPC);
  EXPECT_TRUE(succeeded(tree_.transactionStart(kOtherGuest)));
  ASSERT_TRUE(succeeded(tree_.transactionEnd(kGuest, *first, false)));
  EXPECT_TRUE(succeeded(tree_.transactionStart(kGuest)));
}

TEST_F(XenStoreQuotas, Dom0IsExemptFromTheTransactionQuota) {
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(succeeded(tree_.transactionStart(kDom0)));
}

TEST_F(XenStoreQuotas, APermissionListLongerThanTheQuotaIsENOSPC) {
  ASSERT_TRUE(succeeded(tree_.write(kGuest, kNoTx, "node", "")));
  const XsPermission perms[] = {{5, XsAccess::None}, {7, XsAccess::Read}, {9, XsAccess::Read}};
  EXPECT_EQ(errnoOf(tree_.setPermissions(kGuest, kNoTx, "node", perms)), ENOSPC);
  EXPECT_TRUE(succeeded(tree_.setPermissions(kDom0, kNoTx, "/local/domain/5/node", perms)));
}

TEST_F(XenStoreQuotas, ATransactionMayTouchOnlySoManyNodes) {
  Result<XsTransactionId> tx = tree_.transactionStart(kGuest);
  ASSERT_TRUE(succeeded(tx));
  ASSERT_EQ(errnoOf(tree_.read(kGuest, *tx, "t1")), ENOENT);
  ASSERT_EQ(errnoOf(tree_.read(kGuest, *tx, "t2")), ENOENT);
  EXPECT_EQ(errnoOf(tree_.read(kGuest, *tx, "t3")), ENOSPC);
  EXPECT_EQ(errnoOf(tree_.write(kGuest, *tx, "t3", "")), ENOSPC);
}

TEST_F(XenStoreQuotas, ACommitRechecksTheNodeQuotaAndAppliesNothingWhenOver) {
  ASSERT_TRUE(succeeded(tree_.mkdir(kGuest, kNoTx, "dir")));
  Result<XsTransactionId> tx = tree_.transactionStart(kGuest);
  ASSERT_TRUE(succeeded(tx));
  ASSERT_TRUE(succeeded(tree_.write(kGuest, *tx, "dir/from-tx", "")));
  // Meanwhile, outside the transaction and on nodes it never looked at, the quota fills up.
  ASSERT_TRUE(succeeded(tree_.write(kGuest, kNoTx, "n1", "")));
  ASSERT_TRUE(succeeded(tree_.write(kGuest, kNoTx, "n2", "")));
  EXPECT_EQ(errnoOf(tree_.transactionEnd(kGuest, *tx, true)), ENOSPC);
  EXPECT_EQ(valueAt("/local/domain/5/dir/from-tx"), "<errno 2>");
}

TEST_F(XenStoreQuotas, TheNodeQuotaFollowsAnOwnerChange) {
  fillNodeQuota();
  const XsPermission toDom0[] = {{0, XsAccess::None}};
  ASSERT_TRUE(succeeded(tree_.setPermissions(kDom0, kNoTx, "/local/domain/5/n1", toDom0)));
  EXPECT_TRUE(succeeded(tree_.write(kGuest, kNoTx, "freed", "")));
}

using XenStoreDropClient = XenStoreTreeTest;

TEST_F(XenStoreDropClient, ForgetsTheClientsWatches) {
  ASSERT_TRUE(succeeded(tree_.addWatch(kGuest, kHome, "h")));
  tree_.dropClient(kGuest.client);
  ASSERT_TRUE(succeeded(tree_.write(kGuest, kNoTx, "/local/domain/5/a", "1")));
  EXPECT_THAT(takeEvents(tree_), IsEmpty());
  EXPECT_EQ(errnoOf(tree_.removeWatch(kGuest, kHome, "h")), ENOENT);
}

TEST_F(XenStoreDropClient, AbandonsTheClientsTransactions) {
  Result<XsTransactionId> tx = tree_.transactionStart(kGuest);
  ASSERT_TRUE(succeeded(tx));
  ASSERT_TRUE(succeeded(tree_.write(kGuest, *tx, "/local/domain/5/a", "1")));
  tree_.dropClient(kGuest.client);
  EXPECT_EQ(errnoOf(tree_.transactionEnd(kGuest, *tx, true)), ENOENT);
  EXPECT_EQ(valueAt("/local/domain/5/a"), "<errno 2>");
}

TEST_F(XenStoreDropClient, DiscardsTheClientsUndeliveredEvents) {
  ASSERT_TRUE(succeeded(tree_.addWatch(kGuest, kHome, "h")));
  ASSERT_TRUE(succeeded(tree_.write(kGuest, kNoTx, "/local/domain/5/a", "1")));
  tree_.dropClient(kGuest.client);
  EXPECT_THAT(takeEvents(tree_), IsEmpty());
}

TEST_F(XenStoreDropClient, LeavesOtherClientsOfTheSameDomainAlone) {
  ASSERT_TRUE(succeeded(tree_.addWatch(kGuest, kHome, "h")));
  ASSERT_TRUE(succeeded(tree_.addWatch(kGuestAgain, kHome, "h")));
  Result<XsTransactionId> tx = tree_.transactionStart(kGuestAgain);
  ASSERT_TRUE(succeeded(tx));
  tree_.dropClient(kGuest.client);
  EXPECT_THAT(takeEvents(tree_), ElementsAre("3 /local/domain/5 h"));
  ASSERT_TRUE(succeeded(tree_.write(kGuestAgain, *tx, "/local/domain/5/a", "1")));
  EXPECT_TRUE(succeeded(tree_.transactionEnd(kGuestAgain, *tx, true)));
  EXPECT_THAT(takeEvents(tree_), ElementsAre("3 /local/domain/5/a h"));
}

TEST(XenStoreDropClientQuota, GivesBackTheDomainsWatchAndTransactionQuota) {
  XenStoreTree tree(smallQuota());
  ASSERT_TRUE(succeeded(tree.addWatch(kGuest, "a", "1")));
  ASSERT_TRUE(succeeded(tree.addWatch(kGuest, "a", "2")));
  ASSERT_TRUE(succeeded(tree.transactionStart(kGuest)));
  ASSERT_TRUE(succeeded(tree.transactionStart(kGuest)));
  tree.dropClient(kGuest.client);
  EXPECT_TRUE(succeeded(tree.addWatch(kGuestAgain, "a", "1")));
  EXPECT_TRUE(succeeded(tree.transactionStart(kGuestAgain)));
}

}  // namespace
}  // namespace vcam::xen::emu::test
