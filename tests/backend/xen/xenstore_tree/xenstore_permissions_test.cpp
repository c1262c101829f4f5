// SPDX-License-Identifier: MIT
// XenStoreTree permissions: who may read, write, create and re-permission what.
#include <cerrno>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/backend/xen/xenstore_tree/xenstore_tree_fixture.h"

namespace vcam::xen::emu::test {
namespace {

using ::testing::ElementsAre;

using XenStorePermissions = XenStoreTreeTest;

std::vector<XsPermission> permsOf(XenStoreTree& tree, const std::string& path) {
  Result<std::vector<XsPermission>> perms = tree.permissions(kDom0, kNoTx, path);
  return perms ? *perms : std::vector<XsPermission>{};
}

TEST_F(XenStorePermissions, Dom0MayReadAndWriteAPrivateGuestNode) {
  ASSERT_TRUE(succeeded(tree_.write(kGuest, kNoTx, "/local/domain/5/secret", "s")));
  Result<std::string> value = tree_.read(kDom0, kNoTx, "/local/domain/5/secret");
  ASSERT_TRUE(succeeded(value));
  EXPECT_EQ(*value, "s");
  EXPECT_TRUE(succeeded(tree_.write(kDom0, kNoTx, "/local/domain/5/secret", "t")));
  EXPECT_TRUE(succeeded(tree_.remove(kDom0, kNoTx, "/local/domain/5/secret")));
}

TEST_F(XenStorePermissions, AGuestMayNotReadAnotherGuestsArea) {
  ASSERT_TRUE(succeeded(tree_.write(kGuest, kNoTx, "/local/domain/5/secret", "s")));
  EXPECT_EQ(errnoOf(tree_.read(kOtherGuest, kNoTx, "/local/domain/5/secret")), EACCES);
  EXPECT_EQ(errnoOf(tree_.directory(kOtherGuest, kNoTx, kHome)), EACCES);
  EXPECT_EQ(errnoOf(tree_.permissions(kOtherGuest, kNoTx, kHome)), EACCES);
}

TEST_F(XenStorePermissions, AGuestMayNotWriteOrRemoveInAnotherGuestsArea) {
  ASSERT_TRUE(succeeded(tree_.write(kGuest, kNoTx, "/local/domain/5/state", "1")));
  EXPECT_EQ(errnoOf(tree_.write(kOtherGuest, kNoTx, "/local/domain/5/state", "6")), EACCES);
  EXPECT_EQ(errnoOf(tree_.remove(kOtherGuest, kNoTx, "/local/domain/5/state")), EACCES);
  EXPECT_EQ(valueAt("/local/domain/5/state"), "1");
}

TEST_F(XenStorePermissions, AGuestMayNotCreateNodesInAnotherGuestsArea) {
  EXPECT_EQ(errnoOf(tree_.write(kOtherGuest, kNoTx, "/local/domain/5/new/node", "x")), EACCES);
  EXPECT_EQ(errnoOf(tree_.mkdir(kOtherGuest, kNoTx, "/local/domain/5/new")), EACCES);
  EXPECT_EQ(valueAt("/local/domain/5/new"), "<errno 2>");
}

TEST_F(XenStorePermissions, AMissingNodeUnderAnUnreadableOneIsEACCESNotENOENT) {
  EXPECT_EQ(errnoOf(tree_.read(kOtherGuest, kNoTx, "/local/domain/5/nothing/here")), EACCES);
  EXPECT_EQ(errnoOf(tree_.remove(kOtherGuest, kNoTx, "/local/domain/5/nothing")), EACCES);
}

TEST_F(XenStorePermissions, GuestsMayNotReadOrWriteOutsideNodesGrantedToThem) {
  EXPECT_EQ(errnoOf(tree_.read(kGuest, kNoTx, "/local/domain")), EACCES);
  EXPECT_EQ(errnoOf(tree_.write(kGuest, kNoTx, "/vm", "x")), EACCES);
}

TEST_F(XenStorePermissions, ANewNodeInheritsItsParentsPermissionsOwnedByTheCreator) {
  const XsPermission shared[] = {
      {0, XsAccess::None}, {5, XsAccess::ReadWrite}, {7, XsAccess::Read}};
  ASSERT_TRUE(succeeded(tree_.mkdir(kDom0, kNoTx, "/shared")));
  ASSERT_TRUE(succeeded(tree_.setPermissions(kDom0, kNoTx, "/shared", shared)));
  ASSERT_TRUE(succeeded(tree_.write(kGuest, kNoTx, "/shared/by-5", "x")));
  EXPECT_THAT(permsOf(tree_, "/shared/by-5"),
              ElementsAre(XsPermission{5, XsAccess::None}, XsPermission{5, XsAccess::ReadWrite},
                          XsPermission{7, XsAccess::Read}));
}

TEST_F(XenStorePermissions, MissingParentsCreatedOnTheWayInheritTheSame) {
  ASSERT_TRUE(succeeded(tree_.write(kGuest, kNoTx, "/local/domain/5/a/b/c", "x")));
  EXPECT_THAT(permsOf(tree_, "/local/domain/5/a"), ElementsAre(XsPermission{5, XsAccess::None}));
  EXPECT_THAT(permsOf(tree_, "/local/domain/5/a/b"), ElementsAre(XsPermission{5, XsAccess::None}));
}

TEST_F(XenStorePermissions, NodesDom0CreatesKeepTheParentsOwner) {
  ASSERT_TRUE(succeeded(tree_.write(kDom0, kNoTx, "/local/domain/5/from-dom0", "x")));
  EXPECT_THAT(permsOf(tree_, "/local/domain/5/from-dom0"),
              ElementsAre(XsPermission{5, XsAccess::None}));
  EXPECT_TRUE(succeeded(tree_.write(kGuest, kNoTx, "/local/domain/5/from-dom0", "mine")));
}

TEST_F(XenStorePermissions, CreatingNeedsWriteOnTheNearestExistingAncestor) {
  const XsPermission readOnly[] = {{0, XsAccess::None}, {5, XsAccess::Read}};
  ASSERT_TRUE(succeeded(tree_.mkdir(kDom0, kNoTx, "/ro")));
  ASSERT_TRUE(succeeded(tree_.setPermissions(kDom0, kNoTx, "/ro", readOnly)));
  EXPECT_EQ(errnoOf(tree_.write(kGuest, kNoTx, "/ro/a/b", "x")), EACCES);
  const XsPermission writable[] = {{0, XsAccess::None}, {5, XsAccess::Write}};
  ASSERT_TRUE(succeeded(tree_.setPermissions(kDom0, kNoTx, "/ro", writable)));
  EXPECT_TRUE(succeeded(tree_.write(kGuest, kNoTx, "/ro/a/b", "x")));
}

TEST_F(XenStorePermissions, AListedDomainGetsItsOwnEntryOthersTheFirstEntrysAccess) {
  const XsPermission perms[] = {{5, XsAccess::None}, {7, XsAccess::Read}};
  ASSERT_TRUE(succeeded(tree_.write(kGuest, kNoTx, "/local/domain/5/ro", "v")));
  ASSERT_TRUE(succeeded(tree_.setPermissions(kGuest, kNoTx, "/local/domain/5/ro", perms)));
  EXPECT_TRUE(succeeded(tree_.read(kOtherGuest, kNoTx, "/local/domain/5/ro")));
  EXPECT_EQ(errnoOf(tree_.write(kOtherGuest, kNoTx, "/local/domain/5/ro", "w")), EACCES);
  const Caller stranger{9, 9};
  EXPECT_EQ(errnoOf(tree_.read(stranger, kNoTx, "/local/domain/5/ro")), EACCES);
}

TEST_F(XenStorePermissions, TheFirstEntrysAccessAppliesToEveryUnlistedDomain) {
  const XsPermission perms[] = {{5, XsAccess::Read}};
  ASSERT_TRUE(succeeded(tree_.write(kGuest, kNoTx, "/local/domain/5/public", "v")));
  ASSERT_TRUE(succeeded(tree_.setPermissions(kGuest, kNoTx, "/local/domain/5/public", perms)));
  EXPECT_TRUE(succeeded(tree_.read(kOtherGuest, kNoTx, "/local/domain/5/public")));
  EXPECT_TRUE(succeeded(tree_.read(Caller{9, 9}, kNoTx, "/local/domain/5/public")));
}

TEST_F(XenStorePermissions, TheOwnerHasFullAccessWhateverTheFirstEntrySays) {
  const XsPermission perms[] = {{5, XsAccess::None}};
  ASSERT_TRUE(succeeded(tree_.write(kGuest, kNoTx, "/local/domain/5/mine", "v")));
  ASSERT_TRUE(succeeded(tree_.setPermissions(kGuest, kNoTx, "/local/domain/5/mine", perms)));
  EXPECT_TRUE(succeeded(tree_.read(kGuest, kNoTx, "/local/domain/5/mine")));
  EXPECT_TRUE(succeeded(tree_.write(kGuest, kNoTx, "/local/domain/5/mine", "w")));
}

TEST_F(XenStorePermissions, WriteOnlyAccessAllowsWritingButNotReading) {
  const XsPermission perms[] = {{5, XsAccess::None}, {7, XsAccess::Write}};
  ASSERT_TRUE(succeeded(tree_.write(kGuest, kNoTx, "/local/domain/5/drop", "v")));
  ASSERT_TRUE(succeeded(tree_.setPermissions(kGuest, kNoTx, "/local/domain/5/drop", perms)));
  EXPECT_TRUE(succeeded(tree_.write(kOtherGuest, kNoTx, "/local/domain/5/drop", "from 7")));
  EXPECT_EQ(errnoOf(tree_.read(kOtherGuest, kNoTx, "/local/domain/5/drop")), EACCES);
}

TEST_F(XenStorePermissions, RemoveNeedsWriteOnTheNodeItself) {
  const XsPermission perms[] = {{5, XsAccess::None}, {7, XsAccess::Read}};
  ASSERT_TRUE(succeeded(tree_.write(kGuest, kNoTx, "/local/domain/5/keep", "v")));
  ASSERT_TRUE(succeeded(tree_.setPermissions(kGuest, kNoTx, "/local/domain/5/keep", perms)));
  EXPECT_EQ(errnoOf(tree_.remove(kOtherGuest, kNoTx, "/local/domain/5/keep")), EACCES);
  EXPECT_EQ(valueAt("/local/domain/5/keep"), "v");
}

TEST_F(XenStorePermissions, MkdirOfAnExistingNodeStillNeedsWrite) {
  const XsPermission perms[] = {{5, XsAccess::Read}};
  ASSERT_TRUE(succeeded(tree_.mkdir(kGuest, kNoTx, "/local/domain/5/dir")));
  ASSERT_TRUE(succeeded(tree_.setPermissions(kGuest, kNoTx, "/local/domain/5/dir", perms)));
  EXPECT_EQ(errnoOf(tree_.mkdir(kOtherGuest, kNoTx, "/local/domain/5/dir")), EACCES);
}

TEST_F(XenStorePermissions, TheOwnerMaySetPermissions) {
  const XsPermission perms[] = {{5, XsAccess::None}, {7, XsAccess::ReadWrite}};
  ASSERT_TRUE(succeeded(tree_.write(kGuest, kNoTx, "/local/domain/5/ring-ref", "8")));
  ASSERT_TRUE(succeeded(tree_.setPermissions(kGuest, kNoTx, "/local/domain/5/ring-ref", perms)));
  EXPECT_THAT(permsOf(tree_, "/local/domain/5/ring-ref"), ElementsAre(perms[0], perms[1]));
}

TEST_F(XenStorePermissions, ANonOwnerMayNotSetPermissionsEvenWithWriteAccess) {
  const XsPermission open[] = {{5, XsAccess::None}, {7, XsAccess::ReadWrite}};
  ASSERT_TRUE(succeeded(tree_.write(kGuest, kNoTx, "/local/domain/5/node", "v")));
  ASSERT_TRUE(succeeded(tree_.setPermissions(kGuest, kNoTx, "/local/domain/5/node", open)));
  const XsPermission grab[] = {{5, XsAccess::ReadWrite}};
  EXPECT_EQ(errnoOf(tree_.setPermissions(kOtherGuest, kNoTx, "/local/domain/5/node", grab)),
            EACCES);
  EXPECT_THAT(permsOf(tree_, "/local/domain/5/node"), ElementsAre(open[0], open[1]));
}

TEST_F(XenStorePermissions, AGuestMayNotGiveItsNodeToAnotherDomain) {
  ASSERT_TRUE(succeeded(tree_.write(kGuest, kNoTx, "/local/domain/5/gift", "v")));
  const XsPermission toSeven[] = {{7, XsAccess::None}};
  EXPECT_EQ(errnoOf(tree_.setPermissions(kGuest, kNoTx, "/local/domain/5/gift", toSeven)), EPERM);
  EXPECT_THAT(permsOf(tree_, "/local/domain/5/gift"), ElementsAre(XsPermission{5, XsAccess::None}));
}

TEST_F(XenStorePermissions, Dom0MayChangeTheOwner) {
  ASSERT_TRUE(succeeded(tree_.mkdir(kDom0, kNoTx, "/local/domain/0/backend")));
  const XsPermission toFive[] = {{5, XsAccess::Read}};
  ASSERT_TRUE(succeeded(tree_.setPermissions(kDom0, kNoTx, "/local/domain/0/backend", toFive)));
  EXPECT_THAT(permsOf(tree_, "/local/domain/0/backend"), ElementsAre(toFive[0]));
  EXPECT_TRUE(succeeded(tree_.write(kGuest, kNoTx, "/local/domain/0/backend/x", "now mine")));
}

TEST_F(XenStorePermissions, AnEmptyOrInvalidPermissionListIsEINVAL) {
  ASSERT_TRUE(succeeded(tree_.write(kGuest, kNoTx, "/local/domain/5/node", "v")));
  EXPECT_EQ(errnoOf(tree_.setPermissions(kGuest, kNoTx, "/local/domain/5/node", {})), EINVAL);
  const XsPermission bogus[] = {{5, static_cast<XsAccess>(9)}};
  EXPECT_EQ(errnoOf(tree_.setPermissions(kGuest, kNoTx, "/local/domain/5/node", bogus)), EINVAL);
}

TEST_F(XenStorePermissions, SetPermissionsOnAMissingNodeIsENOENT) {
  const XsPermission perms[] = {{5, XsAccess::None}};
  EXPECT_EQ(errnoOf(tree_.setPermissions(kGuest, kNoTx, "/local/domain/5/none", perms)), ENOENT);
}

}  // namespace
}  // namespace vcam::xen::emu::test
