// SPDX-License-Identifier: MIT
// Page directories: the bounded walker against every malformed chain, the be-alloc writer, the
// frontend's builders read back, and the GrantTable-backed reader's mappings.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <numeric>
#include <vector>

#include "backend/xen/ring/page_directory.h"

namespace vcam::xen {
namespace {

constexpr std::uint32_t kPage = kPageSize;

// Directory pages by grant reference: the natural source for a pure walker. Counts visits.
class PageMap final : public DirectoryPageReader, public DirectoryPageWriter {
 public:
  void put(GrantRef ref, GrantRef next, const std::vector<GrantRef>& refs) {
    DirectoryPage page;
    page.next = next;
    std::copy(refs.begin(), refs.end(), page.refs.begin());
    pages_[ref] = page;
  }
  [[nodiscard]] const DirectoryPage& at(GrantRef ref) const { return pages_.at(ref); }

  Result<DirectoryPage> read(GrantRef ref) override {
    ++visits;
    auto it = pages_.find(ref);
    if (it == pages_.end()) return makeError(ENOENT, "no page " + std::to_string(ref));
    return it->second;
  }
  Result<WritableDirectoryPage> mapWritable(GrantRef ref) override {
    ++visits;
    auto it = pages_.find(ref);
    if (it == pages_.end()) return makeError(ENOENT, "no page " + std::to_string(ref));
    auto& bytes = raw_[ref];
    it->second.copyTo(bytes.data());
    written_.push_back(ref);
    return WritableDirectoryPage{bytes.data(), GrantMapping{}};
  }
  /// Takes back what mapWritable() handed out (as the frontend would see it).
  void sync() {
    for (GrantRef ref : written_) pages_[ref] = DirectoryPage::copyFrom(raw_[ref].data());
    written_.clear();
  }

  int visits = 0;

 private:
  std::map<GrantRef, DirectoryPage> pages_;
  std::map<GrantRef, std::array<std::byte, kPageSize>> raw_;
  std::vector<GrantRef> written_;
};

// Data references 1000, 1001, ...
std::vector<GrantRef> dataRefs(std::size_t count, GrantRef first = 1000) {
  std::vector<GrantRef> refs(count);
  std::iota(refs.begin(), refs.end(), first);
  return refs;
}

std::vector<GrantRef> slice(const std::vector<GrantRef>& refs, std::size_t from, std::size_t n) {
  return {refs.begin() + static_cast<std::ptrdiff_t>(from),
          refs.begin() + static_cast<std::ptrdiff_t>(std::min(from + n, refs.size()))};
}

// A well-formed chain of directory pages 1, 2, 3, ... listing `refs`.
PageMap chainOf(const std::vector<GrantRef>& refs) {
  PageMap map;
  const std::size_t pages = directoryPageCount(refs.size());
  for (std::size_t p = 0; p < pages; ++p) {
    const auto ref = static_cast<GrantRef>(p + 1);
    map.put(ref, p + 1 < pages ? ref + 1 : 0,
            slice(refs, p * kRefsPerDirectoryPage, kRefsPerDirectoryPage));
  }
  return map;
}

std::uint32_t sizeOf(std::size_t pages) { return static_cast<std::uint32_t>(pages * kPage); }

void expectInvalid(const Result<std::vector<GrantRef>>& r, const std::string& mentions) {
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, EINVAL);
  EXPECT_NE(r.error().message.find(mentions), std::string::npos) << r.error().message;
}

// ---- reading --------------------------------------------------------------------------------

TEST(PageDirectory, ReadsTheReferencesOfASmallBuffer) {
  auto map = chainOf(dataRefs(3));
  auto refs = readPageDirectory(map, 1, sizeOf(3));
  ASSERT_TRUE(refs.ok()) << refs.error().message;
  EXPECT_EQ(*refs, dataRefs(3));
}

TEST(PageDirectory, CountsAPartialLastPageAsAWholePage) {
  auto map = chainOf(dataRefs(2));
  auto refs = readPageDirectory(map, 1, kPage + 1);
  ASSERT_TRUE(refs.ok()) << refs.error().message;
  EXPECT_EQ(refs->size(), 2u);
}

TEST(PageDirectory, ExactlyOneFullPageNeedsNoSecond) {
  auto map = chainOf(dataRefs(1023));
  auto refs = readPageDirectory(map, 1, sizeOf(1023));
  ASSERT_TRUE(refs.ok()) << refs.error().message;
  EXPECT_EQ(*refs, dataRefs(1023));
  EXPECT_EQ(map.visits, 1);
}

TEST(PageDirectory, The1024thReferenceIsOnTheSecondPage) {
  auto map = chainOf(dataRefs(1024));
  auto refs = readPageDirectory(map, 1, sizeOf(1024));
  ASSERT_TRUE(refs.ok()) << refs.error().message;
  EXPECT_EQ(*refs, dataRefs(1024));
  EXPECT_EQ(map.visits, 2);
}

TEST(PageDirectory, MoreThan2046ReferencesChainThreePages) {
  auto map = chainOf(dataRefs(2047));
  auto refs = readPageDirectory(map, 1, sizeOf(2047));
  ASSERT_TRUE(refs.ok()) << refs.error().message;
  EXPECT_EQ(*refs, dataRefs(2047));
  EXPECT_EQ(map.visits, 3);
}

TEST(PageDirectory, EntriesPastTheCountAreIgnored) {
  PageMap map;
  map.put(1, 0, {7, 8, 0, 0xffffffff});
  auto refs = readPageDirectory(map, 1, sizeOf(2));
  ASSERT_TRUE(refs.ok()) << refs.error().message;
  EXPECT_EQ(*refs, (std::vector<GrantRef>{7, 8}));
}

TEST(PageDirectory, RefusesASizeOfZero) {
  auto map = chainOf(dataRefs(1));
  expectInvalid(readPageDirectory(map, 1, 0), "buffer size 0");
  EXPECT_EQ(map.visits, 0);
}

TEST(PageDirectory, RefusesAFirstReferenceOfZero) {
  auto map = chainOf(dataRefs(1));
  expectInvalid(readPageDirectory(map, 0, kPage), "first directory page's grant reference is 0");
  EXPECT_EQ(map.visits, 0);
}

TEST(PageDirectory, RefusesACycleAfterReadingEachPageOnce) {
  PageMap map;
  map.put(1, 2, dataRefs(1023));
  map.put(2, 1, dataRefs(1023));
  expectInvalid(readPageDirectory(map, 1, sizeOf(3000)), "a cycle");
  EXPECT_EQ(map.visits, 2);
}

TEST(PageDirectory, RefusesAPageThatLinksToItself) {
  PageMap map;
  map.put(5, 5, dataRefs(1023));
  expectInvalid(readPageDirectory(map, 5, 0xffffffff), "a cycle");
  EXPECT_EQ(map.visits, 1);
}

TEST(PageDirectory, RefusesAChainThatEndsEarly) {
  auto map = chainOf(dataRefs(1023));
  expectInvalid(readPageDirectory(map, 1, sizeOf(1024)),
                "chain ends after 1 pages, which list 1023 of the buffer's 1024");
}

TEST(PageDirectory, RefusesAChainThatGoesOnWithoutReadingFurther) {
  auto map = chainOf(dataRefs(2000));
  expectInvalid(readPageDirectory(map, 1, sizeOf(1000)), "chain goes on (to grant 2)");
  EXPECT_EQ(map.visits, 1);
}

TEST(PageDirectory, RefusesAReferenceOfZeroAmongTheBuffers) {
  auto refs = dataRefs(1500);
  refs[1200] = 0;
  auto map = chainOf(refs);
  expectInvalid(readPageDirectory(map, 1, sizeOf(1500)),
                "buffer page 1200 (directory page 1, entry 177) has grant reference 0");
}

TEST(PageDirectory, PassesTheReadersErrorOnWithItsPlaceInTheChain) {
  PageMap map;
  map.put(1, 9, dataRefs(1023));
  auto refs = readPageDirectory(map, 1, sizeOf(1024));
  ASSERT_FALSE(refs.ok());
  EXPECT_EQ(refs.error().code, ENOENT);
  EXPECT_NE(refs.error().message.find("page 1 (grant 9)"), std::string::npos)
      << refs.error().message;
}

TEST(PageDirectory, TheLargestBufferReadsItsPagesOnlyOnce) {
  auto map = chainOf(dataRefs(bufferPageCount(0xffffffff)));
  auto refs = readPageDirectory(map, 1, 0xffffffff);
  ASSERT_TRUE(refs.ok()) << refs.error().message;
  EXPECT_EQ(refs->size(), 1048576u);
  EXPECT_EQ(map.visits, 1026);
}

// ---- the frontend's builders, read back ---------------------------------------------------

struct OwnDirectory {
  explicit OwnDirectory(std::size_t pages, GrantRef firstRef = 50)
      : memory(pages * kPageSize, std::byte{0xee}), refs(pages) {
    std::iota(refs.begin(), refs.end(), firstRef);
  }
  LocalDirectoryPages local() { return {memory, refs}; }
  std::vector<std::byte> memory;
  std::vector<GrantRef> refs;
};

class BuiltDirectory : public ::testing::TestWithParam<std::size_t> {};

TEST_P(BuiltDirectory, ReadsBackAsTheReferencesItWasBuiltFrom) {
  const auto data = dataRefs(GetParam());
  OwnDirectory dir(directoryPageCount(data.size()));
  ASSERT_TRUE(buildPageDirectory(dir.memory, dir.refs, data).ok());
  auto local = dir.local();
  auto refs = readPageDirectory(local, dir.refs.front(), sizeOf(data.size()));
  ASSERT_TRUE(refs.ok()) << refs.error().message;
  EXPECT_EQ(*refs, data);
}

INSTANTIATE_TEST_SUITE_P(PageDirectory, BuiltDirectory,
                         ::testing::Values(1u, 1022u, 1023u, 1024u, 2046u, 2047u, 5000u));

TEST(PageDirectory, BuilderRefusesTheWrongNumberOfDirectoryPages) {
  OwnDirectory dir(1);
  auto built = buildPageDirectory(dir.memory, dir.refs, dataRefs(1024));
  ASSERT_FALSE(built.ok());
  EXPECT_EQ(built.error().code, EINVAL);
  EXPECT_NE(built.error().message.find("2 directory pages are needed, 1"), std::string::npos)
      << built.error().message;
}

TEST(PageDirectory, BuilderRefusesADirectoryReferenceUsedTwice) {
  OwnDirectory dir(2);
  dir.refs[1] = dir.refs[0];
  EXPECT_EQ(buildPageDirectory(dir.memory, dir.refs, dataRefs(1024)).error().code, EINVAL);
}

TEST(PageDirectory, BuilderRefusesAZeroReference) {
  OwnDirectory dir(1);
  auto data = dataRefs(3);
  data[2] = 0;
  EXPECT_EQ(buildPageDirectory(dir.memory, dir.refs, data).error().code, EINVAL);
  dir.refs[0] = 0;
  EXPECT_EQ(buildPageDirectory(dir.memory, dir.refs, dataRefs(3)).error().code, EINVAL);
}

TEST(PageDirectory, LocalPagesDoNotReadAReferenceThatIsNotOurs) {
  OwnDirectory dir(1);
  auto local = dir.local();
  EXPECT_EQ(local.read(7).error().code, ENOENT);
}

// ---- be-alloc: the backend fills the frontend's chain -------------------------------------

TEST(PageDirectory, BackendFillsTheFrontendsLinkedChain) {
  const auto data = dataRefs(2500, 70000);
  OwnDirectory dir(directoryPageCount(data.size()));
  ASSERT_TRUE(linkPageDirectory(dir.memory, dir.refs).ok());
  auto local = dir.local();
  ASSERT_TRUE(writePageDirectory(local, dir.refs.front(), data).ok());
  auto refs = readPageDirectory(local, dir.refs.front(), sizeOf(data.size()));
  ASSERT_TRUE(refs.ok()) << refs.error().message;
  EXPECT_EQ(*refs, data);
}

TEST(PageDirectory, ALinkedChainListsNoReferencesYet) {
  OwnDirectory dir(1);
  ASSERT_TRUE(linkPageDirectory(dir.memory, dir.refs).ok());
  auto local = dir.local();
  expectInvalid(readPageDirectory(local, dir.refs.front(), kPage), "has grant reference 0");
}

TEST(PageDirectory, WriterLeavesTheLinksAsTheFrontendSetThem) {
  auto map = chainOf(dataRefs(2047));
  ASSERT_TRUE(writePageDirectory(map, 1, dataRefs(2047, 9000)).ok());
  map.sync();
  EXPECT_EQ(map.at(1).next, 2u);
  EXPECT_EQ(map.at(2).next, 3u);
  EXPECT_EQ(map.at(3).next, 0u);
  EXPECT_EQ(map.at(3).refs[0], 9000u + 2046);
}

TEST(PageDirectory, WriterRefusesACycle) {
  PageMap map;
  map.put(1, 2, {});
  map.put(2, 1, {});
  auto written = writePageDirectory(map, 1, dataRefs(3000));
  ASSERT_FALSE(written.ok());
  EXPECT_NE(written.error().message.find("a cycle"), std::string::npos) << written.error().message;
  EXPECT_EQ(map.visits, 2);
}

TEST(PageDirectory, WriterRefusesAChainThatEndsEarlyOrGoesOn) {
  auto shortChain = chainOf(dataRefs(1));
  EXPECT_NE(writePageDirectory(shortChain, 1, dataRefs(1024)).error().message.find("chain ends"),
            std::string::npos);
  auto longChain = chainOf(dataRefs(1024));
  EXPECT_NE(writePageDirectory(longChain, 1, dataRefs(5)).error().message.find("goes on"),
            std::string::npos);
  EXPECT_EQ(longChain.visits, 1);
}

TEST(PageDirectory, WriterRefusesNoReferencesAndZeroReferences) {
  auto map = chainOf(dataRefs(1));
  EXPECT_EQ(writePageDirectory(map, 1, {}).error().code, EINVAL);
  EXPECT_EQ(writePageDirectory(map, 1, std::vector<GrantRef>{4, 0}).error().code, EINVAL);
  EXPECT_EQ(writePageDirectory(map, 0, dataRefs(1)).error().code, EINVAL);
  EXPECT_EQ(map.visits, 0);
}

}  // namespace
}  // namespace vcam::xen
