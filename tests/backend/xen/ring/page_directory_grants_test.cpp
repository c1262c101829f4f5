// SPDX-License-Identifier: MIT
// Page directories through real grant mappings (the emulated Xen): what a backend walks when a
// guest shares a buffer, honest or hostile, and that a walk leaves nothing mapped.
#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>

#include "backend/xen/emulated/emulated_xen.h"
#include "backend/xen/emulated/process.h"
#include "backend/xen/ring/page_directory.h"

namespace vcam::xen {
namespace {

constexpr DomId kGuest = 3;
constexpr DomId kOtherDomain = 4;

class PageDirectoryGrantsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<emu::BrokerProcess> broker = emu::BrokerProcess::start();
    ASSERT_TRUE(broker) << broker.error().message;
    broker_ = std::move(broker).value();
    for (auto [xen, domid] : {std::pair{&backend_, DomId{0}}, {&guest_, kGuest}}) {
      Result<XenTransport> connected = emu::connectEmulatedXen(broker_.socketPath(), domid);
      ASSERT_TRUE(connected) << connected.error().message;
      *xen = std::move(connected).value();
    }
  }

  SharedPages share(std::size_t pages, GrantAccess access, DomId to = 0) {
    Result<SharedPages> shared = guest_.sharer->share(to, pages, access);
    EXPECT_TRUE(shared) << shared.error().message;
    return shared ? std::move(shared).value() : SharedPages{};
  }

  // The guest writes directory page `index` by hand: a next link and `refs`.
  static void writeDirectoryPage(SharedPages& directory, std::size_t index, GrantRef next,
                                 std::span<const GrantRef> refs) {
    DirectoryPage page;
    page.next = next;
    std::copy(refs.begin(), refs.end(), page.refs.begin());
    page.copyTo(directory.data() + index * kPageSize);
  }

  std::size_t mappingsActive() {
    Result<emu::BrokerReport> report = emu::queryBroker(broker_.socketPath());
    EXPECT_TRUE(report) << report.error().message;
    return report ? report->mappingsActive : 0;
  }

  emu::BrokerProcess broker_;
  XenTransport backend_;
  XenTransport guest_;
};

TEST_F(PageDirectoryGrantsTest, TheBackendReadsAGuestsChainedDirectoryAndUnmapsEveryPage) {
  const std::size_t dataPages = kRefsPerDirectoryPage + 5;
  SharedPages data = share(dataPages, GrantAccess::ReadWrite);
  SharedPages directory = share(directoryPageCount(dataPages), GrantAccess::ReadOnly);
  ASSERT_TRUE(buildPageDirectory(directory.bytes(), directory.refs(), data.refs()));

  GrantDirectoryPageReader reader(*backend_.grants, kGuest);
  Result<std::vector<GrantRef>> refs = readPageDirectory(
      reader, directory.refs().front(), static_cast<std::uint32_t>(dataPages * kPageSize));
  ASSERT_TRUE(refs) << refs.error().message;
  EXPECT_TRUE(std::equal(refs->begin(), refs->end(), data.refs().begin(), data.refs().end()));
  EXPECT_EQ(mappingsActive(), 0u);
}

TEST_F(PageDirectoryGrantsTest, AGuestsCyclicDirectoryIsRejectedAndLeavesNothingMapped) {
  SharedPages data = share(3, GrantAccess::ReadWrite);
  SharedPages directory = share(2, GrantAccess::ReadOnly);
  // Page 0 links to page 1, page 1 back to page 0: a walk that trusted the links never ends.
  writeDirectoryPage(directory, 0, directory.refs()[1],
                     std::vector<GrantRef>(1023, data.refs()[0]));
  writeDirectoryPage(directory, 1, directory.refs()[0],
                     std::vector<GrantRef>(1023, data.refs()[1]));

  GrantDirectoryPageReader reader(*backend_.grants, kGuest);
  const auto size = static_cast<std::uint32_t>(3 * kRefsPerDirectoryPage * kPageSize);
  Result<std::vector<GrantRef>> refs = readPageDirectory(reader, directory.refs().front(), size);
  ASSERT_FALSE(refs);
  EXPECT_EQ(refs.error().code, EINVAL);
  EXPECT_EQ(mappingsActive(), 0u);
}

TEST_F(PageDirectoryGrantsTest, ALinkToAPageGrantedToAnotherDomainIsRefusedByXen) {
  SharedPages data = share(kRefsPerDirectoryPage + 1, GrantAccess::ReadWrite);
  SharedPages directory = share(1, GrantAccess::ReadOnly);
  SharedPages notOurs = share(1, GrantAccess::ReadOnly, kOtherDomain);
  writeDirectoryPage(directory, 0, notOurs.refs()[0], data.refs().first(kRefsPerDirectoryPage));

  GrantDirectoryPageReader reader(*backend_.grants, kGuest);
  const auto size = static_cast<std::uint32_t>(data.pages() * kPageSize);
  Result<std::vector<GrantRef>> refs = readPageDirectory(reader, directory.refs().front(), size);
  ASSERT_FALSE(refs);
  EXPECT_NE(refs.error().message.find(std::to_string(notOurs.refs()[0])), std::string::npos)
      << refs.error().message;
  EXPECT_EQ(mappingsActive(), 0u);
}

}  // namespace
}  // namespace vcam::xen
