// SPDX-License-Identifier: MIT
// XenStoreTree nodes and paths: read, write, mkdir, rm, directory, relative and malformed paths.
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

using XenStoreNodes = XenStoreTreeTest;

TEST(XenStoreFreshTree, RootExistsOwnedByDom0AndPrivate) {
  XenStoreTree tree;
  Result<std::vector<XsPermission>> perms = tree.permissions(kDom0, kNoTx, "/");
  ASSERT_TRUE(succeeded(perms));
  EXPECT_THAT(*perms, ElementsAre(XsPermission{0, XsAccess::None}));
  EXPECT_EQ(errnoOf(tree.read(kGuest, kNoTx, "/")), EACCES);
}

TEST(XenStoreFreshTree, HoldsNothingButTheRoot) {
  XenStoreTree tree;
  Result<std::vector<std::string>> names = tree.directory(kDom0, kNoTx, "/");
  ASSERT_TRUE(succeeded(names));
  EXPECT_THAT(*names, IsEmpty());
}

TEST_F(XenStoreNodes, WriteThenReadReturnsTheValue) {
  ASSERT_TRUE(succeeded(tree_.write(kGuest, kNoTx, "/local/domain/5/name", "guest")));
  Result<std::string> value = tree_.read(kGuest, kNoTx, "/local/domain/5/name");
  ASSERT_TRUE(succeeded(value));
  EXPECT_EQ(*value, "guest");
}

TEST_F(XenStoreNodes, WriteReplacesTheValue) {
  ASSERT_TRUE(succeeded(tree_.write(kGuest, kNoTx, "/local/domain/5/state", "1")));
  ASSERT_TRUE(succeeded(tree_.write(kGuest, kNoTx, "/local/domain/5/state", "4")));
  EXPECT_EQ(valueAt("/local/domain/5/state"), "4");
}

TEST_F(XenStoreNodes, ValuesAreBinarySafe) {
  const std::string binary("a\0b\xff\n", 5);
  ASSERT_TRUE(succeeded(tree_.write(kGuest, kNoTx, "/local/domain/5/blob", binary)));
  EXPECT_EQ(valueAt("/local/domain/5/blob"), binary);
}

TEST_F(XenStoreNodes, ReadOfAMissingNodeIsENOENT) {
  EXPECT_EQ(errnoOf(tree_.read(kGuest, kNoTx, "/local/domain/5/missing")), ENOENT);
}

TEST_F(XenStoreNodes, WriteCreatesMissingParentsWithEmptyValues) {
  ASSERT_TRUE(succeeded(tree_.write(kGuest, kNoTx, "/local/domain/5/a/b/c", "leaf")));
  EXPECT_EQ(valueAt("/local/domain/5/a"), "");
  EXPECT_EQ(valueAt("/local/domain/5/a/b"), "");
  EXPECT_EQ(valueAt("/local/domain/5/a/b/c"), "leaf");
}

TEST_F(XenStoreNodes, MkdirCreatesAnEmptyNode) {
  ASSERT_TRUE(succeeded(tree_.mkdir(kGuest, kNoTx, "/local/domain/5/dir")));
  EXPECT_EQ(valueAt("/local/domain/5/dir"), "");
}

TEST_F(XenStoreNodes, MkdirOfAnExistingNodeSucceedsAndKeepsItsValue) {
  ASSERT_TRUE(succeeded(tree_.write(kGuest, kNoTx, "/local/domain/5/dir", "kept")));
  ASSERT_TRUE(succeeded(tree_.mkdir(kGuest, kNoTx, "/local/domain/5/dir")));
  EXPECT_EQ(valueAt("/local/domain/5/dir"), "kept");
}

TEST_F(XenStoreNodes, DirectoryListsChildNamesSortedByByteValue) {
  for (const char* name : {"b", "a", "B", "a-1", "10", "9"}) {
    ASSERT_TRUE(succeeded(tree_.write(kGuest, kNoTx, std::string(kHome) + "/d/" + name, "")));
  }
  ASSERT_TRUE(succeeded(tree_.write(kGuest, kNoTx, "/local/domain/5/d/a/deeper", "")));
  Result<std::vector<std::string>> names = tree_.directory(kGuest, kNoTx, "/local/domain/5/d");
  ASSERT_TRUE(succeeded(names));
  EXPECT_THAT(*names, ElementsAre("10", "9", "B", "a", "a-1", "b"));
}

TEST_F(XenStoreNodes, DirectoryOfALeafIsEmpty) {
  ASSERT_TRUE(succeeded(tree_.write(kGuest, kNoTx, "/local/domain/5/leaf", "x")));
  Result<std::vector<std::string>> names = tree_.directory(kGuest, kNoTx, "/local/domain/5/leaf");
  ASSERT_TRUE(succeeded(names));
  EXPECT_THAT(*names, IsEmpty());
}

TEST_F(XenStoreNodes, DirectoryOfAMissingNodeIsENOENT) {
  EXPECT_EQ(errnoOf(tree_.directory(kGuest, kNoTx, "/local/domain/5/none")), ENOENT);
}

TEST_F(XenStoreNodes, RemoveDeletesTheNodeAndEverythingBelow) {
  ASSERT_TRUE(succeeded(tree_.write(kGuest, kNoTx, "/local/domain/5/dev/0/state", "1")));
  ASSERT_TRUE(succeeded(tree_.write(kGuest, kNoTx, "/local/domain/5/dev/1", "")));
  ASSERT_TRUE(succeeded(tree_.remove(kGuest, kNoTx, "/local/domain/5/dev")));
  EXPECT_EQ(errnoOf(tree_.read(kGuest, kNoTx, "/local/domain/5/dev")), ENOENT);
  EXPECT_EQ(errnoOf(tree_.read(kGuest, kNoTx, "/local/domain/5/dev/0/state")), ENOENT);
  Result<std::vector<std::string>> names = tree_.directory(kGuest, kNoTx, kHome);
  ASSERT_TRUE(succeeded(names));
  EXPECT_THAT(*names, IsEmpty());
}

TEST_F(XenStoreNodes, RemoveOfAMissingNodeSucceedsWhenItsParentExists) {
  EXPECT_TRUE(succeeded(tree_.remove(kGuest, kNoTx, "/local/domain/5/never-written")));
}

TEST_F(XenStoreNodes, RemoveOfAMissingNodeUnderAMissingParentIsENOENT) {
  EXPECT_EQ(errnoOf(tree_.remove(kGuest, kNoTx, "/local/domain/5/no/such")), ENOENT);
}

TEST_F(XenStoreNodes, RemovingTheRootIsEINVAL) {
  EXPECT_EQ(errnoOf(tree_.remove(kDom0, kNoTx, "/")), EINVAL);
  EXPECT_TRUE(succeeded(tree_.read(kDom0, kNoTx, kHome)));
}

TEST_F(XenStoreNodes, RelativePathsResolveUnderTheCallersDomain) {
  ASSERT_TRUE(succeeded(tree_.write(kGuest, kNoTx, "device/vcamera/0/state", "1")));
  EXPECT_EQ(valueAt("/local/domain/5/device/vcamera/0/state"), "1");
  Result<std::string> relative = tree_.read(kGuest, kNoTx, "device/vcamera/0/state");
  ASSERT_TRUE(succeeded(relative));
  EXPECT_EQ(*relative, "1");
}

TEST_F(XenStoreNodes, TheSameRelativePathNamesEachDomainsOwnNode) {
  ASSERT_TRUE(succeeded(tree_.write(kGuest, kNoTx, "name", "five")));
  ASSERT_TRUE(succeeded(tree_.write(kOtherGuest, kNoTx, "name", "seven")));
  EXPECT_EQ(valueAt("/local/domain/5/name"), "five");
  EXPECT_EQ(valueAt("/local/domain/7/name"), "seven");
}

TEST_F(XenStoreNodes, Dom0RelativePathsResolveUnderDomain0) {
  ASSERT_TRUE(succeeded(tree_.write(kDom0, kNoTx, "backend/vcamera", "")));
  EXPECT_EQ(valueAt("/local/domain/0/backend/vcamera"), "");
}

TEST_F(XenStoreNodes, MalformedPathsAreEINVAL) {
  const std::vector<std::string> malformed = {
      "",
      "//",
      "/a/",
      "/a//b",
      "a/",
      "/a b",
      "/a.b",
      "/a/../b",
      "/\xc3\xa4",
      "/a\tb",
      std::string("/a\0b", 4),
      "/a:b",
      "\\a",
      "/a/b/",
      "./a",
  };
  for (const std::string& path : malformed) {
    EXPECT_EQ(errnoOf(tree_.write(kDom0, kNoTx, path, "x")), EINVAL) << "write " << path;
    EXPECT_EQ(errnoOf(tree_.read(kDom0, kNoTx, path)), EINVAL) << "read " << path;
  }
}

TEST_F(XenStoreNodes, EveryAllowedCharacterIsAcceptedInNames) {
  const std::string name = "AZaz09_-@";
  ASSERT_TRUE(succeeded(tree_.write(kGuest, kNoTx, "/local/domain/5/" + name, "ok")));
  EXPECT_EQ(valueAt("/local/domain/5/" + name), "ok");
}

TEST_F(XenStoreNodes, SpecialWatchNamesAreNotNodes) {
  EXPECT_EQ(errnoOf(tree_.write(kDom0, kNoTx, "@releaseDomain", "x")), EINVAL);
  EXPECT_EQ(errnoOf(tree_.read(kDom0, kNoTx, "@introduceDomain")), EINVAL);
}

TEST_F(XenStoreNodes, PathsUpToTheLengthLimitAreAcceptedLongerOnesAreEINVAL) {
  const std::string prefix = "/local/domain/5/";
  const std::size_t limit = XenStoreQuota{}.maxPathBytes;
  const std::string longest = prefix + std::string(limit - prefix.size(), 'x');
  ASSERT_TRUE(succeeded(tree_.write(kGuest, kNoTx, longest, "fits")));
  EXPECT_EQ(errnoOf(tree_.write(kGuest, kNoTx, longest + "x", "too long")), EINVAL);
}

TEST_F(XenStoreNodes, TheLimitAppliesToRelativePathsOnceResolved) {
  const std::string prefix = "/local/domain/5/";
  const std::size_t limit = XenStoreQuota{}.maxPathBytes;
  const std::string fits(limit - prefix.size(), 'r');
  ASSERT_TRUE(succeeded(tree_.write(kGuest, kNoTx, fits, "fits")));
  EXPECT_EQ(errnoOf(tree_.write(kGuest, kNoTx, fits + "r", "too long")), EINVAL);
}

// A path may be as deep as its length allows; building, removing and dropping such a tree must
// not recurse once per level (this one would overflow the stack if it did).
TEST(XenStoreDeepTree, VeryDeepPathsAreBuiltRemovedAndDestroyedIteratively) {
  constexpr std::size_t kDepth = 100000;
  XenStoreQuota quota;
  quota.maxPathBytes = 2 * kDepth + 16;
  XenStoreTree tree(quota);
  std::string deep;
  deep.reserve(2 * kDepth);
  for (std::size_t level = 0; level < kDepth; ++level) deep += "/d";
  ASSERT_TRUE(succeeded(tree.write(kDom0, kNoTx, deep, "bottom")));
  Result<std::string> bottom = tree.read(kDom0, kNoTx, deep);
  ASSERT_TRUE(succeeded(bottom));
  EXPECT_EQ(*bottom, "bottom");
  // A transaction shares the tree; removing it from the live copy must keep the snapshot intact.
  Result<XsTransactionId> tx = tree.transactionStart(kDom0);
  ASSERT_TRUE(succeeded(tx));
  ASSERT_TRUE(succeeded(tree.remove(kDom0, kNoTx, "/d/d")));
  Result<std::string> snapshot = tree.read(kDom0, *tx, deep);
  ASSERT_TRUE(succeeded(snapshot));
  EXPECT_EQ(*snapshot, "bottom");
  ASSERT_TRUE(succeeded(tree.transactionEnd(kDom0, *tx, false)));
  ASSERT_TRUE(succeeded(tree.write(kDom0, kNoTx, deep, "again")));
}  // ~XenStoreTree drops the rebuilt deep path

}  // namespace
}  // namespace vcam::xen::emu::test
