// SPDX-License-Identifier: MIT
// Fuzz target: the page-directory walker over directory pages the input describes, checked
// against a plain re-walk of the same pages, plus the frontend builder and be-alloc writer.
//
// Input: u32 first directory reference, u32 buffer size, then page records, each
//   u32 ref, u32 next, u8 fill, u8 n, n x u32 explicit entries
// where the 1023 - n entries after the explicit ones are 0 (fill % 3 == 0), distinct non-zero
// references (1), or the last explicit entry repeated (2): small inputs describe full pages.
#include <fuzzer/FuzzedDataProvider.h>

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <memory>
#include <numeric>
#include <vector>

#include "backend/xen/ring/page_directory.h"
#include "tests/fuzz/shared_page.h"

namespace vcam::xen {
namespace {

using fuzz::require;

// The described pages, by reference; records every visit so the walk's bounds can be checked.
class FuzzPages final : public DirectoryPageReader, public DirectoryPageWriter {
 public:
  std::map<GrantRef, DirectoryPage> pages;
  std::vector<GrantRef> visited;

  Result<DirectoryPage> read(GrantRef ref) override {
    visited.push_back(ref);
    auto it = pages.find(ref);
    if (it == pages.end()) return makeError(ENOENT, "no such page");
    return it->second;
  }
  Result<WritableDirectoryPage> mapWritable(GrantRef ref) override {
    visited.push_back(ref);
    auto it = pages.find(ref);
    if (it == pages.end()) return makeError(ENOENT, "no such page");
    scratch_.push_back(std::make_unique<std::array<std::byte, kPageSize>>());
    it->second.copyTo(scratch_.back()->data());
    return WritableDirectoryPage{scratch_.back()->data(), GrantMapping{}};
  }

 private:
  std::vector<std::unique_ptr<std::array<std::byte, kPageSize>>> scratch_;
};

DirectoryPage describedPage(FuzzedDataProvider& input, GrantRef ref) {
  DirectoryPage page;
  page.next = input.ConsumeIntegral<GrantRef>();
  const auto fill = input.ConsumeIntegral<std::uint8_t>();
  const std::size_t explicitCount =
      std::min<std::size_t>(input.ConsumeIntegral<std::uint8_t>(), kRefsPerDirectoryPage);
  std::size_t i = 0;
  for (; i < explicitCount && input.remaining_bytes() >= sizeof(GrantRef); ++i) {
    page.refs[i] = input.ConsumeIntegral<GrantRef>();
  }
  const GrantRef last = i > 0 ? page.refs[i - 1] : 1;
  for (; i < kRefsPerDirectoryPage; ++i) {
    switch (fill % 3) {
      case 1:
        page.refs[i] = ref * 4096u + static_cast<GrantRef>(i) + 1u;
        break;
      case 2:
        page.refs[i] = last;
        break;
      default:
        page.refs[i] = 0;
        break;
    }
  }
  return page;
}

// What a correct walk returns: the chain followed for exactly the pages needed. Only called
// once the walker succeeded, so the chain is known to be finite here.
std::vector<GrantRef> rewalk(const FuzzPages& pages, GrantRef first, std::size_t count) {
  std::vector<GrantRef> refs;
  GrantRef ref = first;
  while (refs.size() < count) {
    const DirectoryPage& page = pages.pages.at(ref);
    const std::size_t take = std::min(kRefsPerDirectoryPage, count - refs.size());
    refs.insert(refs.end(), page.refs.begin(),
                page.refs.begin() + static_cast<std::ptrdiff_t>(take));
    ref = page.next;
  }
  require(ref == kInvalidGrantRef);
  return refs;
}

// The frontend's builder lays out `refs` and the walker reads back the same list.
void checkBuilderRoundTrip(const std::vector<GrantRef>& refs) {
  const std::size_t pages = directoryPageCount(refs.size());
  std::vector<std::byte> memory(pages * kPageSize);
  std::vector<GrantRef> dirRefs(pages);
  std::iota(dirRefs.begin(), dirRefs.end(), GrantRef{1});
  require(buildPageDirectory(memory, dirRefs, refs).ok());
  LocalDirectoryPages local(memory, dirRefs);
  auto back = readPageDirectory(local, 1, static_cast<std::uint32_t>(refs.size() * kPageSize));
  require(back.ok() && *back == refs);
}

void fuzzOne(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider input(data, size);
  const auto first = input.ConsumeIntegral<GrantRef>();
  const auto bufferSize = input.ConsumeIntegral<std::uint32_t>();
  FuzzPages pages;
  while (input.remaining_bytes() >= 10 && pages.pages.size() < 2048) {
    const auto ref = input.ConsumeIntegral<GrantRef>();
    pages.pages[ref] = describedPage(input, ref);
  }

  auto refs = readPageDirectory(pages, first, bufferSize);
  const std::size_t count = bufferPageCount(bufferSize);
  // Bounded: never more pages than the count needs, never one page twice.
  require(pages.visited.size() <= directoryPageCount(count));
  std::vector<GrantRef> seen = pages.visited;
  std::sort(seen.begin(), seen.end());
  require(std::adjacent_find(seen.begin(), seen.end()) == seen.end());
  if (!refs) {
    require(refs.error().code == EINVAL || refs.error().code == ENOENT);
    require(!refs.error().message.empty());
    return;
  }
  require(bufferSize != 0 && first != kInvalidGrantRef);
  require(refs->size() == count);
  require(std::find(refs->begin(), refs->end(), kInvalidGrantRef) == refs->end());
  require(*refs == rewalk(pages, first, count));
  if (count > 4 * kRefsPerDirectoryPage) return;  // keep the iterations fast
  checkBuilderRoundTrip(*refs);

  // be-alloc: the same chain takes any list of that many references.
  std::vector<GrantRef> fresh(count);
  std::iota(fresh.begin(), fresh.end(), GrantRef{0x10000});
  pages.visited.clear();
  require(writePageDirectory(pages, first, fresh).ok());
  require(pages.visited.size() == directoryPageCount(count));
}

}  // namespace
}  // namespace vcam::xen

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  vcam::xen::fuzzOne(data, size);
  return 0;
}
