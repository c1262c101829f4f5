// SPDX-License-Identifier: MIT
// RealGrantSharer and RealGrantTable on a live Xen: our own pages granted to ourselves and
// mapped back, and the dma-buf calls. Skipped where there is no Xen.
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "backend/xen/real/real_xen.h"

namespace vcam::xen {
namespace {

using ::testing::AnyOf;

class RealGrantsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<XenTransport> xen = openRealXen();
    if (!xen) GTEST_SKIP() << xen.error().message;
    xen_ = std::move(xen).value();
  }

  /// `pages` of ours, granted to ourselves.
  SharedPages share(std::size_t pages, GrantAccess access) {
    Result<SharedPages> shared = xen_.sharer->share(xen_.self, pages, access);
    EXPECT_TRUE(shared.ok()) << shared.error().message;
    return shared.ok() ? std::move(shared).value() : SharedPages();
  }

  XenTransport xen_;
};

TEST_F(RealGrantsTest, SharedPagesComeZeroedWithOneReferencePerPage) {
  SharedPages shared = share(3, GrantAccess::ReadWrite);
  ASSERT_TRUE(shared.shared());
  EXPECT_EQ(shared.refs().size(), 3U);
  EXPECT_EQ(std::count(shared.refs().begin(), shared.refs().end(), kInvalidGrantRef), 0);
  EXPECT_TRUE(std::all_of(shared.bytes().begin(), shared.bytes().end(),
                          [](std::byte b) { return b == std::byte{0}; }));
}

TEST_F(RealGrantsTest, MappedGrantsShowWhatTheGranterWrote) {
  SharedPages shared = share(2, GrantAccess::ReadOnly);
  ASSERT_TRUE(shared.shared());
  for (std::size_t i = 0; i < shared.size(); ++i) shared.data()[i] = std::byte(i * 7);
  Result<GrantMapping> mapping = xen_.grants->map(xen_.self, shared.refs(), GrantAccess::ReadOnly);
  ASSERT_TRUE(mapping.ok()) << mapping.error().message;
  ASSERT_EQ(mapping->size(), shared.size());
  EXPECT_TRUE(std::equal(shared.bytes().begin(), shared.bytes().end(), mapping->bytes().begin()));
}

TEST_F(RealGrantsTest, WritesThroughAReadWriteMappingReachTheGranter) {
  SharedPages shared = share(1, GrantAccess::ReadWrite);
  ASSERT_TRUE(shared.shared());
  Result<GrantMapping> mapping = xen_.grants->map(xen_.self, shared.refs(), GrantAccess::ReadWrite);
  ASSERT_TRUE(mapping.ok()) << mapping.error().message;
  mapping->data()[100] = std::byte{0x5a};
  EXPECT_EQ(shared.data()[100], std::byte{0x5a});
}

TEST_F(RealGrantsTest, ReadWriteMappingOfAReadOnlyGrantIsRefused) {
  SharedPages shared = share(1, GrantAccess::ReadOnly);
  ASSERT_TRUE(shared.shared());
  Result<GrantMapping> mapping = xen_.grants->map(xen_.self, shared.refs(), GrantAccess::ReadWrite);
  EXPECT_FALSE(mapping.ok());
}

TEST_F(RealGrantsTest, ReferenceZeroIsRejectedWithEinval) {
  const std::vector<GrantRef> refs{kInvalidGrantRef};
  Result<GrantMapping> mapping = xen_.grants->map(xen_.self, refs, GrantAccess::ReadOnly);
  ASSERT_FALSE(mapping.ok());
  EXPECT_EQ(mapping.error().code, EINVAL);
}

TEST_F(RealGrantsTest, ExportDmaBufSucceedsOrSaysEnottyOrEinval) {
  SharedPages shared = share(2, GrantAccess::ReadWrite);
  ASSERT_TRUE(shared.shared());
  Result<ExportedDmaBuf> exported =
      xen_.grants->exportDmaBuf(xen_.self, shared.refs(), DmaBufMemory::Default);
  if (!exported) {
    // No CONFIG_XEN_GNTDEV_DMABUF (ENOTTY), or an x86 PV domain (EINVAL): callers map instead.
    EXPECT_THAT(exported.error().code, AnyOf(ENOTTY, EINVAL)) << exported.error().message;
    return;
  }
  EXPECT_GE(exported->fd(), 0);
  EXPECT_EQ(exported->size(), shared.size());
  EXPECT_TRUE(exported->release(kDmaBufReleaseWaitMs).ok());
  EXPECT_FALSE(exported->exported());
}

TEST_F(RealGrantsTest, ImportOfAFdThatIsNoDmaBufFailsAndLeavesTheCallerFdOpen) {
  const int notDmaBuf = ::memfd_create("not-a-dmabuf", MFD_CLOEXEC);
  ASSERT_GE(notDmaBuf, 0);
  ASSERT_EQ(::ftruncate(notDmaBuf, static_cast<off_t>(kPageSize)), 0);
  Result<ImportedDmaBuf> imported = xen_.grants->importDmaBuf(xen_.self, notDmaBuf, 1);
  EXPECT_FALSE(imported.ok());
  EXPECT_EQ(::fcntl(notDmaBuf, F_GETFD), FD_CLOEXEC);
  ::close(notDmaBuf);
}

TEST(RealXen, SelfIsTheDomainIdXenStoreReports) {
  Result<XenTransport> xen = openRealXen();
  if (!xen) GTEST_SKIP() << xen.error().message;
  Result<std::string> domid = xen->store->read(kNoTransaction, "domid");
  ASSERT_TRUE(domid.ok()) << domid.error().message;
  EXPECT_EQ(std::to_string(xen->self), *domid);
}

}  // namespace
}  // namespace vcam::xen
