// SPDX-License-Identifier: MIT
// XenStoreTree watches: initial events, subtree events, removals, permissions, transactions.
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

class XenStoreWatches : public XenStoreTreeTest {
 protected:
  /// Registers a watch and swallows its initial event.
  void watch(const Caller& caller, const std::string& path, const std::string& token) {
    ASSERT_TRUE(succeeded(tree_.addWatch(caller, path, token)));
    ASSERT_THAT(takeEvents(tree_),
                ElementsAre(std::to_string(caller.client) + " " + path + " " + token));
  }
};

TEST_F(XenStoreWatches, ANewWatchFiresOnceWithItsOwnPath) {
  ASSERT_TRUE(succeeded(tree_.addWatch(kGuest, "/local/domain/5/device", "tok")));
  EXPECT_THAT(takeEvents(tree_), ElementsAre("2 /local/domain/5/device tok"));
}

TEST_F(XenStoreWatches, ANewWatchFiresEvenForAPathTheWatcherMayNotRead) {
  ASSERT_TRUE(succeeded(tree_.addWatch(kOtherGuest, "/local/domain/5", "peek")));
  EXPECT_THAT(takeEvents(tree_), ElementsAre("4 /local/domain/5 peek"));
}

TEST_F(XenStoreWatches, AWriteFiresTheWatchOnItsPath) {
  watch(kGuest, "/local/domain/5/state", "s");
  ASSERT_TRUE(succeeded(tree_.write(kGuest, kNoTx, "/local/domain/5/state", "1")));
  EXPECT_THAT(takeEvents(tree_), ElementsAre("2 /local/domain/5/state s"));
}

TEST_F(XenStoreWatches, ChangesBelowTheWatchedPathFireWithTheChangedPath) {
  watch(kGuest, "/local/domain/5/device", "dev");
  ASSERT_TRUE(succeeded(tree_.write(kGuest, kNoTx, "/local/domain/5/device/vcamera/0/x", "1")));
  EXPECT_THAT(takeEvents(tree_), ElementsAre("2 /local/domain/5/device/vcamera/0/x dev"));
}

TEST_F(XenStoreWatches, AWatchOnAMissingPathFiresWhenItIsCreated) {
  watch(kGuest, "/local/domain/5/later", "l");
  ASSERT_TRUE(succeeded(tree_.write(kGuest, kNoTx, "/local/domain/5/later", "now")));
  EXPECT_THAT(takeEvents(tree_), ElementsAre("2 /local/domain/5/later l"));
}

TEST_F(XenStoreWatches, ChangesAboveBesideOrSharingANamePrefixDoNotFire) {
  watch(kGuest, "/local/domain/5/dev", "d");
  ASSERT_TRUE(succeeded(tree_.write(kGuest, kNoTx, "/local/domain/5/device", "prefix trap")));
  ASSERT_TRUE(succeeded(tree_.write(kGuest, kNoTx, "/local/domain/5/other", "beside")));
  ASSERT_TRUE(succeeded(tree_.write(kGuest, kNoTx, kHome, "above")));
  EXPECT_THAT(takeEvents(tree_), IsEmpty());
}

TEST_F(XenStoreWatches, MkdirFiresButMkdirOfAnExistingNodeDoesNot) {
  watch(kGuest, kHome, "h");
  ASSERT_TRUE(succeeded(tree_.mkdir(kGuest, kNoTx, "/local/domain/5/dir")));
  EXPECT_THAT(takeEvents(tree_), ElementsAre("2 /local/domain/5/dir h"));
  ASSERT_TRUE(succeeded(tree_.mkdir(kGuest, kNoTx, "/local/domain/5/dir")));
  EXPECT_THAT(takeEvents(tree_), IsEmpty());
}

TEST_F(XenStoreWatches, ARemovalFiresForTheRemovedPath) {
  ASSERT_TRUE(succeeded(tree_.write(kGuest, kNoTx, "/local/domain/5/dev/0/state", "1")));
  watch(kGuest, kHome, "h");
  ASSERT_TRUE(succeeded(tree_.remove(kGuest, kNoTx, "/local/domain/5/dev")));
  EXPECT_THAT(takeEvents(tree_), ElementsAre("2 /local/domain/5/dev h"));
}

TEST_F(XenStoreWatches, RemovingAnAncestorFiresWatchesBelowWithTheirOwnPath) {
  ASSERT_TRUE(succeeded(tree_.write(kGuest, kNoTx, "/local/domain/5/dev/0/state", "1")));
  watch(kGuest, "/local/domain/5/dev/0/state", "state");
  watch(kGuest, "/local/domain/5/dev/9/never", "never");
  ASSERT_TRUE(succeeded(tree_.remove(kGuest, kNoTx, "/local/domain/5/dev")));
  EXPECT_THAT(takeEvents(tree_), ElementsAre("2 /local/domain/5/dev/0/state state",
                                             "2 /local/domain/5/dev/9/never never"));
}

TEST_F(XenStoreWatches, RemovingAMissingNodeFiresNothing) {
  watch(kGuest, kHome, "h");
  ASSERT_TRUE(succeeded(tree_.remove(kGuest, kNoTx, "/local/domain/5/none")));
  EXPECT_THAT(takeEvents(tree_), IsEmpty());
}

TEST_F(XenStoreWatches, SetPermissionsFires) {
  ASSERT_TRUE(succeeded(tree_.write(kGuest, kNoTx, "/local/domain/5/node", "v")));
  watch(kGuest, "/local/domain/5/node", "n");
  const XsPermission perms[] = {{5, XsAccess::Read}};
  ASSERT_TRUE(succeeded(tree_.setPermissions(kGuest, kNoTx, "/local/domain/5/node", perms)));
  EXPECT_THAT(takeEvents(tree_), ElementsAre("2 /local/domain/5/node n"));
}

TEST_F(XenStoreWatches, NoEventForANodeTheWatcherMayNotRead) {
  watch(kOtherGuest, "/local/domain/5", "spy");
  watch(kDom0, "/local/domain/5", "toolstack");
  ASSERT_TRUE(succeeded(tree_.write(kGuest, kNoTx, "/local/domain/5/secret", "s")));
  EXPECT_THAT(takeEvents(tree_), ElementsAre("1 /local/domain/5/secret toolstack"));
}

TEST_F(XenStoreWatches, AReadableNodeFiresForAnotherDomainsWatch) {
  const XsPermission perms[] = {{5, XsAccess::None}, {7, XsAccess::Read}};
  ASSERT_TRUE(succeeded(tree_.write(kGuest, kNoTx, "/local/domain/5/shared", "v")));
  ASSERT_TRUE(succeeded(tree_.setPermissions(kGuest, kNoTx, "/local/domain/5/shared", perms)));
  watch(kOtherGuest, "/local/domain/5/shared", "peer");
  ASSERT_TRUE(succeeded(tree_.write(kGuest, kNoTx, "/local/domain/5/shared", "w")));
  EXPECT_THAT(takeEvents(tree_), ElementsAre("4 /local/domain/5/shared peer"));
}

TEST_F(XenStoreWatches, RemovalEventsGoOnlyToDomainsThatCouldReadTheNode) {
  const XsPermission perms[] = {{5, XsAccess::None}, {7, XsAccess::Read}};
  ASSERT_TRUE(succeeded(tree_.write(kGuest, kNoTx, "/local/domain/5/shared", "v")));
  ASSERT_TRUE(succeeded(tree_.write(kGuest, kNoTx, "/local/domain/5/private", "v")));
  ASSERT_TRUE(succeeded(tree_.setPermissions(kGuest, kNoTx, "/local/domain/5/shared", perms)));
  watch(kOtherGuest, "/local/domain/5/shared", "shared");
  watch(kOtherGuest, "/local/domain/5/private", "private");
  ASSERT_TRUE(succeeded(tree_.remove(kGuest, kNoTx, "/local/domain/5/shared")));
  ASSERT_TRUE(succeeded(tree_.remove(kGuest, kNoTx, "/local/domain/5/private")));
  EXPECT_THAT(takeEvents(tree_), ElementsAre("4 /local/domain/5/shared shared"));
}

TEST_F(XenStoreWatches, RevokingReadAccessStillTellsTheDomainThatLostIt) {
  const XsPermission open[] = {{5, XsAccess::None}, {7, XsAccess::Read}};
  const XsPermission closed[] = {{5, XsAccess::None}};
  ASSERT_TRUE(succeeded(tree_.write(kGuest, kNoTx, "/local/domain/5/node", "v")));
  ASSERT_TRUE(succeeded(tree_.setPermissions(kGuest, kNoTx, "/local/domain/5/node", open)));
  watch(kOtherGuest, "/local/domain/5/node", "peer");
  ASSERT_TRUE(succeeded(tree_.setPermissions(kGuest, kNoTx, "/local/domain/5/node", closed)));
  EXPECT_THAT(takeEvents(tree_), ElementsAre("4 /local/domain/5/node peer"));
  ASSERT_TRUE(succeeded(tree_.write(kGuest, kNoTx, "/local/domain/5/node", "hidden")));
  EXPECT_THAT(takeEvents(tree_), IsEmpty());
}

TEST_F(XenStoreWatches, TransactionalChangesFireAtCommitOnly) {
  watch(kDom0, kHome, "h");
  Result<XsTransactionId> tx = tree_.transactionStart(kGuest);
  ASSERT_TRUE(succeeded(tx));
  ASSERT_TRUE(succeeded(tree_.write(kGuest, *tx, "/local/domain/5/a", "1")));
  ASSERT_TRUE(succeeded(tree_.write(kGuest, *tx, "/local/domain/5/b", "2")));
  EXPECT_THAT(takeEvents(tree_), IsEmpty());
  ASSERT_TRUE(succeeded(tree_.transactionEnd(kGuest, *tx, true)));
  EXPECT_THAT(takeEvents(tree_), ElementsAre("1 /local/domain/5/a h", "1 /local/domain/5/b h"));
}

TEST_F(XenStoreWatches, AbortedOrConflictingTransactionsFireNothing) {
  watch(kDom0, kHome, "h");
  Result<XsTransactionId> aborted = tree_.transactionStart(kGuest);
  ASSERT_TRUE(succeeded(aborted));
  ASSERT_TRUE(succeeded(tree_.write(kGuest, *aborted, "/local/domain/5/a", "1")));
  ASSERT_TRUE(succeeded(tree_.transactionEnd(kGuest, *aborted, false)));
  Result<XsTransactionId> conflicting = tree_.transactionStart(kGuest);
  ASSERT_TRUE(succeeded(conflicting));
  ASSERT_TRUE(succeeded(tree_.write(kGuest, *conflicting, "/local/domain/5/b", "1")));
  ASSERT_TRUE(succeeded(tree_.write(kGuestAgain, kNoTx, "/local/domain/5/b", "outside")));
  EXPECT_THAT(takeEvents(tree_), ElementsAre("1 /local/domain/5/b h"));
  ASSERT_EQ(errnoOf(tree_.transactionEnd(kGuest, *conflicting, true)), EAGAIN);
  EXPECT_THAT(takeEvents(tree_), IsEmpty());
}

TEST_F(XenStoreWatches, RemoveWatchStopsItsEvents) {
  watch(kGuest, kHome, "h");
  ASSERT_TRUE(succeeded(tree_.removeWatch(kGuest, kHome, "h")));
  ASSERT_TRUE(succeeded(tree_.write(kGuest, kNoTx, "/local/domain/5/a", "1")));
  EXPECT_THAT(takeEvents(tree_), IsEmpty());
}

TEST_F(XenStoreWatches, RemoveWatchDropsItsUndeliveredEvents) {
  watch(kGuest, kHome, "gone");
  watch(kGuest, kHome, "stays");
  ASSERT_TRUE(succeeded(tree_.write(kGuest, kNoTx, "/local/domain/5/a", "1")));
  ASSERT_TRUE(succeeded(tree_.removeWatch(kGuest, kHome, "gone")));
  EXPECT_THAT(takeEvents(tree_), ElementsAre("2 /local/domain/5/a stays"));
}

TEST_F(XenStoreWatches, RemovingAWatchThatIsNotThereIsENOENT) {
  EXPECT_EQ(errnoOf(tree_.removeWatch(kGuest, kHome, "none")), ENOENT);
  watch(kGuest, kHome, "mine");
  EXPECT_EQ(errnoOf(tree_.removeWatch(kGuestAgain, kHome, "mine")), ENOENT);
}

TEST_F(XenStoreWatches, TheSamePathAndTokenTwiceIsEEXIST) {
  watch(kGuest, kHome, "t");
  EXPECT_EQ(errnoOf(tree_.addWatch(kGuest, kHome, "t")), EEXIST);
  EXPECT_THAT(takeEvents(tree_), IsEmpty());
}

TEST_F(XenStoreWatches, ARelativeAndAnAbsoluteSpellingOfOneWatchAreDuplicates) {
  watch(kGuest, "/local/domain/5/dev", "t");
  EXPECT_EQ(errnoOf(tree_.addWatch(kGuest, "dev", "t")), EEXIST);
}

TEST_F(XenStoreWatches, AnotherTokenOrAnotherClientMakesASeparateWatch) {
  watch(kGuest, kHome, "one");
  watch(kGuest, kHome, "two");
  watch(kGuestAgain, kHome, "one");
  ASSERT_TRUE(succeeded(tree_.write(kGuest, kNoTx, "/local/domain/5/a", "1")));
  EXPECT_THAT(takeEvents(tree_), ElementsAre("2 /local/domain/5/a one", "2 /local/domain/5/a two",
                                             "3 /local/domain/5/a one"));
}

TEST_F(XenStoreWatches, ARelativeWatchReportsRelativePaths) {
  ASSERT_TRUE(succeeded(tree_.addWatch(kGuest, "device", "rel")));
  EXPECT_THAT(takeEvents(tree_), ElementsAre("2 device rel"));
  ASSERT_TRUE(succeeded(tree_.write(kGuest, kNoTx, "/local/domain/5/device/vcamera", "")));
  ASSERT_TRUE(succeeded(tree_.remove(kGuest, kNoTx, kHome)));
  EXPECT_THAT(takeEvents(tree_), ElementsAre("2 device/vcamera rel", "2 device rel"));
}

TEST_F(XenStoreWatches, SpecialWatchesFireOnRegistrationAndOnFireSpecial) {
  ASSERT_TRUE(succeeded(tree_.addWatch(kDom0, "@releaseDomain", "rel")));
  ASSERT_TRUE(succeeded(tree_.addWatch(kGuest, "@introduceDomain", "intro")));
  EXPECT_THAT(takeEvents(tree_), ElementsAre("1 @releaseDomain rel", "2 @introduceDomain intro"));
  tree_.fireSpecial("@releaseDomain");
  EXPECT_THAT(takeEvents(tree_), ElementsAre("1 @releaseDomain rel"));
  tree_.fireSpecial("@introduceDomain");
  EXPECT_THAT(takeEvents(tree_), ElementsAre("2 @introduceDomain intro"));
}

TEST_F(XenStoreWatches, SpecialWatchesIgnoreNodeChanges) {
  watch(kDom0, "@releaseDomain", "rel");
  ASSERT_TRUE(succeeded(tree_.write(kDom0, kNoTx, "/anything", "x")));
  ASSERT_TRUE(succeeded(tree_.remove(kDom0, kNoTx, "/local")));
  EXPECT_THAT(takeEvents(tree_), IsEmpty());
}

TEST_F(XenStoreWatches, OtherAtNamesAndMalformedPathsAreEINVAL) {
  EXPECT_EQ(errnoOf(tree_.addWatch(kDom0, "@somethingElse", "t")), EINVAL);
  EXPECT_EQ(errnoOf(tree_.addWatch(kDom0, "/a//b", "t")), EINVAL);
  EXPECT_EQ(errnoOf(tree_.addWatch(kDom0, "", "t")), EINVAL);
  EXPECT_THAT(takeEvents(tree_), IsEmpty());
}

TEST_F(XenStoreWatches, ATokenWithANulByteIsEINVAL) {
  EXPECT_EQ(errnoOf(tree_.addWatch(kGuest, kHome, std::string("a\0b", 3))), EINVAL);
}

TEST_F(XenStoreWatches, EventsQueueInChangeOrderThenRegistrationOrder) {
  watch(kGuest, "/local/domain/5/a", "second-registered-first");
  watch(kDom0, "/", "root");
  ASSERT_TRUE(succeeded(tree_.write(kGuest, kNoTx, "/local/domain/5/b", "1")));
  ASSERT_TRUE(succeeded(tree_.write(kGuest, kNoTx, "/local/domain/5/a", "1")));
  EXPECT_THAT(takeEvents(tree_),
              ElementsAre("1 /local/domain/5/b root", "2 /local/domain/5/a second-registered-first",
                          "1 /local/domain/5/a root"));
}

TEST_F(XenStoreWatches, TakeFiredWatchesEmptiesTheQueue) {
  watch(kGuest, kHome, "h");
  ASSERT_TRUE(succeeded(tree_.write(kGuest, kNoTx, "/local/domain/5/a", "1")));
  EXPECT_EQ(tree_.takeFiredWatches().size(), 1U);
  EXPECT_TRUE(tree_.takeFiredWatches().empty());
}

}  // namespace
}  // namespace vcam::xen::emu::test
