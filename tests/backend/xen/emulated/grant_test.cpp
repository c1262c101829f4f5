// SPDX-License-Identifier: MIT
// Grants between a guest process and this backend process: sharing, mapping, the refusals
// Xen would make, and the violations the broker records.
#include <signal.h>
#include <sys/mman.h>
#include <sys/resource.h>

#include <algorithm>
#include <vector>

#include <gtest/gtest.h>

#include "backend/xen/emulated/grant_tables.h"
#include "scripted_guest.h"

namespace vcam::xen::emu::testing {
namespace {

using GrantTest = GuestAndBackendTest;

std::uint8_t byteAt(const GrantMapping& mapping, std::size_t page, std::size_t offset) {
  return std::to_integer<std::uint8_t>(mapping.data()[page * kPageSize + offset]);
}

TEST_F(GrantTest, SharedRefsAreNeverZeroAndStartAboveTheReservedOnes) {
  const std::vector<GrantRef> refs = share(4, GrantAccess::ReadWrite);
  ASSERT_EQ(refs.size(), 4U);
  for (GrantRef ref : refs) EXPECT_GE(ref, 8U);
}

TEST_F(GrantTest, MappedPagesShowTheGuestsDataAndTheGuestSeesOurWrites) {
  const std::vector<GrantRef> refs = share(3, GrantAccess::ReadWrite);
  Result<GrantMapping> mapping = backend_.grants->map(kGuest, refs, GrantAccess::ReadWrite);
  ASSERT_TRUE(mapping.ok()) << mapping.error().message;
  ASSERT_EQ(mapping->pages(), 3U);
  for (std::size_t page = 0; page < 3; ++page) {
    EXPECT_EQ(byteAt(*mapping, page, 0), patternByte(0, page));
    EXPECT_EQ(byteAt(*mapping, page, kPageSize - 1), patternByte(0, page));
  }
  mapping->data()[kPageSize + 100] = std::byte{0xab};
  EXPECT_EQ(peek(0, 1, 100), 0xab);
  mapping->reset();
  unshare(0);
  const BrokerReport after = report();
  EXPECT_TRUE(after.violations.empty());
  EXPECT_EQ(after.grantsActive, 0U);
  EXPECT_EQ(after.mappingsActive, 0U);
}

TEST_F(GrantTest, OneMappingCanJoinPagesOfSeveralSharesInAnyOrder) {
  const std::vector<GrantRef> a = share(2, GrantAccess::ReadWrite);
  const std::vector<GrantRef> b = share(1, GrantAccess::ReadWrite);
  const std::vector<GrantRef> refs{a[1], b[0], a[0]};
  Result<GrantMapping> mapping = backend_.grants->map(kGuest, refs, GrantAccess::ReadOnly);
  ASSERT_TRUE(mapping.ok()) << mapping.error().message;
  EXPECT_EQ(byteAt(*mapping, 0, 7), patternByte(0, 1));
  EXPECT_EQ(byteAt(*mapping, 1, 7), patternByte(1, 0));
  EXPECT_EQ(byteAt(*mapping, 2, 7), patternByte(0, 0));
}

TEST_F(GrantTest, ReadOnlyGrantCannotBeMappedWritable) {
  const std::vector<GrantRef> refs = share(1, GrantAccess::ReadOnly);
  Result<GrantMapping> writable = backend_.grants->map(kGuest, refs, GrantAccess::ReadWrite);
  ASSERT_FALSE(writable.ok());
  EXPECT_EQ(writable.error().code, EACCES);
  EXPECT_EQ(report().count(ViolationKind::MapReadOnlyAsWritable), 1U);

  Result<GrantMapping> readable = backend_.grants->map(kGuest, refs, GrantAccess::ReadOnly);
  ASSERT_TRUE(readable.ok()) << readable.error().message;
  EXPECT_EQ(byteAt(*readable, 0, 0), patternByte(0, 0));
}

TEST_F(GrantTest, WriteThroughAReadOnlyMappingFaults) {
  const std::vector<GrantRef> refs = share(1, GrantAccess::ReadWrite);
  Result<DomainProcess> writer = DomainProcess::start(socket(), 0, [&refs](XenTransport& xen) {
    Result<GrantMapping> mapping = xen.grants->map(kGuest, refs, GrantAccess::ReadOnly);
    CHILD_REQUIRE(mapping.ok());
    // Nor can the mapping be made writable afterwards: the file behind it is read-only.
    CHILD_REQUIRE(::mprotect(mapping->data(), kPageSize, PROT_READ | PROT_WRITE) != 0);
    const rlimit noCore{0, 0};
    ::setrlimit(RLIMIT_CORE, &noCore);
    ::signal(SIGSEGV, SIG_DFL);  // not the sanitizer's handler: die of the fault itself
    *reinterpret_cast<volatile std::uint8_t*>(mapping->data()) = 1;
    return 0;  // not reached when the emulation is right
  });
  ASSERT_TRUE(writer.ok());
  Result<int> code = writer->wait();
  ASSERT_TRUE(code.ok()) << code.error().message;
  EXPECT_EQ(*code, 128 + SIGSEGV);
  EXPECT_EQ(peek(0, 0, 0), patternByte(0, 0));
}

TEST_F(GrantTest, NeverGrantedRefsAreRefused) {
  (void)share(1, GrantAccess::ReadWrite);
  for (GrantRef ref : {GrantRef{0}, GrantRef{3}, GrantRef{5000}}) {
    Result<GrantMapping> mapping = backend_.grants->map(kGuest, {&ref, 1}, GrantAccess::ReadOnly);
    ASSERT_FALSE(mapping.ok()) << "ref " << ref;
    EXPECT_EQ(mapping.error().code, ENOENT);
  }
  EXPECT_EQ(report().count(ViolationKind::MapNeverGranted), 3U);
}

TEST_F(GrantTest, RevokedRefIsRefused) {
  const std::vector<GrantRef> refs = share(1, GrantAccess::ReadWrite);
  unshare(0);
  Result<GrantMapping> mapping = backend_.grants->map(kGuest, refs, GrantAccess::ReadWrite);
  ASSERT_FALSE(mapping.ok());
  EXPECT_EQ(mapping.error().code, ENOENT);
  EXPECT_EQ(report().count(ViolationKind::MapRevoked), 1U);
}

TEST_F(GrantTest, RefGrantedToAnotherDomainIsRefused) {
  const std::vector<GrantRef> refs = share(1, GrantAccess::ReadWrite, 2);
  Result<GrantMapping> mapping = backend_.grants->map(kGuest, refs, GrantAccess::ReadOnly);
  ASSERT_FALSE(mapping.ok());
  EXPECT_EQ(mapping.error().code, EPERM);
  EXPECT_EQ(report().count(ViolationKind::MapWrongDomain), 1U);
}

TEST_F(GrantTest, MappingFromADomainThatDoesNotExistIsRefused) {
  const GrantRef ref = 8;
  Result<GrantMapping> mapping = backend_.grants->map(42, {&ref, 1}, GrantAccess::ReadOnly);
  ASSERT_FALSE(mapping.ok());
  EXPECT_EQ(mapping.error().code, ESRCH);
  EXPECT_EQ(report().count(ViolationKind::MapUnknownDomain), 1U);
}

TEST_F(GrantTest, UnshareWhileMappedIsReportedAndTheMappingOutlivesIt) {
  const std::vector<GrantRef> refs = share(2, GrantAccess::ReadWrite);
  Result<GrantMapping> mapping = backend_.grants->map(kGuest, refs, GrantAccess::ReadWrite);
  ASSERT_TRUE(mapping.ok()) << mapping.error().message;
  unshare(0);

  BrokerReport during = report();
  ASSERT_EQ(during.count(ViolationKind::UnshareWhileMapped), 1U);
  EXPECT_EQ(during.violations.front().ref, refs.front());
  EXPECT_EQ(during.grantsActive, 0U);
  EXPECT_EQ(during.grantsEndedButMapped, 2U);
  EXPECT_EQ(byteAt(*mapping, 1, 0), patternByte(0, 1));  // Linux keeps the page for us
  Result<GrantMapping> again = backend_.grants->map(kGuest, refs, GrantAccess::ReadWrite);
  EXPECT_FALSE(again.ok());

  mapping->reset();
  EXPECT_EQ(report().grantsEndedButMapped, 0U);
}

TEST_F(GrantTest, UnmappingBeforeUnshareLeavesNoTrace) {
  const std::vector<GrantRef> refs = share(2, GrantAccess::ReadWrite);
  Result<GrantMapping> mapping = backend_.grants->map(kGuest, refs, GrantAccess::ReadWrite);
  ASSERT_TRUE(mapping.ok()) << mapping.error().message;
  EXPECT_EQ(report().mappingsActive, 1U);
  mapping->reset();
  unshare(0);
  const BrokerReport after = report();
  EXPECT_TRUE(after.violations.empty());
  EXPECT_EQ(after.grantsActive, 0U);
  EXPECT_EQ(after.grantsEndedButMapped, 0U);
  EXPECT_EQ(after.mappingsActive, 0U);
}

TEST_F(GrantTest, RefOfAnEndedGrantIsReusedOnlyAfterItsLastUnmap) {
  const std::vector<GrantRef> pinned = share(1, GrantAccess::ReadWrite);
  Result<GrantMapping> mapping = backend_.grants->map(kGuest, pinned, GrantAccess::ReadOnly);
  ASSERT_TRUE(mapping.ok());
  unshare(0);  // ended but still mapped: the ref must stay out of circulation
  // Take every other ref of the table (refs 8..32767, two requests of at most 16384).
  const std::size_t rest = GrantTables::kTableSize - GrantTables::kFirstRef - 1;
  ASSERT_EQ(share(16384, GrantAccess::ReadWrite).size(), 16384U);
  ASSERT_EQ(share(rest - 16384, GrantAccess::ReadWrite).size(), rest - 16384);
  Result<std::vector<GrantRef>> full = tryShare(1, GrantAccess::ReadWrite);
  ASSERT_FALSE(full.ok());
  EXPECT_EQ(full.error().code, ENOSPC);

  mapping->reset();
  EXPECT_EQ(share(1, GrantAccess::ReadWrite), pinned);
}

TEST_F(GrantTest, DyingGuestLeavesOurMappingUsableWithoutAViolation) {
  Result<XsWatch> released = backend_.store->watch("@releaseDomain", "gone");
  ASSERT_TRUE(released.ok());
  ASSERT_TRUE(backend_.store->readWatch().value().has_value());  // the initial event
  const std::vector<GrantRef> refs = share(1, GrantAccess::ReadWrite);
  Result<GrantMapping> mapping = backend_.grants->map(kGuest, refs, GrantAccess::ReadWrite);
  ASSERT_TRUE(mapping.ok());

  ASSERT_TRUE(pipe_.parent().send("vanish").ok());
  expectCleanExit(guest_);
  ASSERT_TRUE(readable(backend_.store->watchFd()));  // the broker saw the domain die

  EXPECT_EQ(byteAt(*mapping, 0, 0), patternByte(0, 0));
  BrokerReport dead = report();
  EXPECT_TRUE(dead.violations.empty());
  EXPECT_EQ(dead.grantsEndedButMapped, 1U);
  mapping->reset();
  EXPECT_EQ(report().grantsEndedButMapped, 0U);
}

TEST_F(GrantTest, GuestMapsWhatTheBackendShared) {
  Result<SharedPages> pages = backend_.sharer->share(kGuest, 1, GrantAccess::ReadWrite);
  ASSERT_TRUE(pages.ok()) << pages.error().message;
  pages->data()[10] = std::byte{0x5a};
  EXPECT_EQ(tell("map 0 " + std::to_string(pages->refs()[0])), "ok");
  EXPECT_EQ(tell("mapped-byte 0 10"), std::to_string(0x5a));
  EXPECT_EQ(tell("unmap"), "ok");
  pages->reset();
  EXPECT_TRUE(report().violations.empty());
}

}  // namespace
}  // namespace vcam::xen::emu::testing
