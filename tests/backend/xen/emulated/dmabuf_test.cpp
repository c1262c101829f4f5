// SPDX-License-Identifier: MIT
// dma-bufs over grants: export (EXP_FROM_REFS, waiting for importers) and import
// (IMP_TO_REFS, the be-alloc direction), between a guest process and this backend.
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <vector>

#include <gtest/gtest.h>

#include "scripted_guest.h"

namespace vcam::xen::emu::testing {
namespace {

using DmaBufTest = GuestAndBackendTest;

constexpr std::uint32_t kShortWaitMs = 20;  // for waits that must time out

std::uint8_t byteOf(int fd, std::size_t offset) {
  std::uint8_t value = 0;
  EXPECT_EQ(::pread(fd, &value, 1, static_cast<off_t>(offset)), 1);
  return value;
}

base::UniqueFd makeBuffer(std::size_t pages) {
  base::UniqueFd memfd(::memfd_create("test-buffer", MFD_CLOEXEC | MFD_ALLOW_SEALING));
  EXPECT_TRUE(memfd);
  EXPECT_EQ(::ftruncate(memfd.get(), static_cast<off_t>(pages * kPageSize)), 0);
  return memfd;
}

std::string refList(std::span<const GrantRef> refs) {
  std::string out;
  for (GrantRef ref : refs) out += " " + std::to_string(ref);
  return out;
}

TEST_F(DmaBufTest, ExportCoversExactlyTheGrantedPagesWithTheGuestsData) {
  const std::vector<GrantRef> refs = share(4, GrantAccess::ReadWrite);
  Result<ExportedDmaBuf> exported =
      backend_.grants->exportDmaBuf(kGuest, refs, DmaBufMemory::Default);
  ASSERT_TRUE(exported.ok()) << exported.error().message;
  EXPECT_EQ(exported->size(), 4 * kPageSize);
  EXPECT_EQ(::lseek(exported->fd(), 0, SEEK_END), static_cast<off_t>(4 * kPageSize));
  for (std::size_t page = 0; page < 4; ++page) {
    EXPECT_EQ(byteOf(exported->fd(), page * kPageSize + 9), patternByte(0, page));
  }
  EXPECT_EQ(report().exportsActive, 1U);

  Status released = exported->release(kDefaultWaitMs);
  ASSERT_TRUE(released.ok()) << released.error().message;
  const BrokerReport after = report();
  EXPECT_EQ(after.exportsActive, 0U);
  EXPECT_EQ(after.mappingsActive, 0U);
}

TEST_F(DmaBufTest, ExportOfPartOfAShareNeedsUdmabuf) {
  const std::vector<GrantRef> refs = share(4, GrantAccess::ReadWrite);
  const std::vector<GrantRef> half(refs.begin(), refs.begin() + 2);
  Result<ExportedDmaBuf> exported =
      backend_.grants->exportDmaBuf(kGuest, half, DmaBufMemory::Default);
  if (::access("/dev/udmabuf", R_OK | W_OK) == 0) {
    ASSERT_TRUE(exported.ok()) << exported.error().message;
    EXPECT_EQ(::lseek(exported->fd(), 0, SEEK_END), static_cast<off_t>(2 * kPageSize));
  } else {
    ASSERT_FALSE(exported.ok());
    EXPECT_EQ(exported.error().code, EINVAL);
    EXPECT_NE(exported.error().message.find("whole allocations"), std::string::npos);
    EXPECT_EQ(report().mappingsActive, 0U);
  }
}

TEST_F(DmaBufTest, ExportOfAReadOnlyGrantIsRefused) {
  const std::vector<GrantRef> refs = share(1, GrantAccess::ReadOnly);
  Result<ExportedDmaBuf> exported =
      backend_.grants->exportDmaBuf(kGuest, refs, DmaBufMemory::Default);
  ASSERT_FALSE(exported.ok());
  EXPECT_EQ(exported.error().code, EACCES);
  EXPECT_EQ(report().count(ViolationKind::MapReadOnlyAsWritable), 1U);
}

TEST_F(DmaBufTest, ReleaseTimesOutWhileAnImporterHoldsAnFd) {
  const std::vector<GrantRef> refs = share(2, GrantAccess::ReadWrite);
  Result<ExportedDmaBuf> exported =
      backend_.grants->exportDmaBuf(kGuest, refs, DmaBufMemory::Default);
  ASSERT_TRUE(exported.ok()) << exported.error().message;
  base::UniqueFd importer(::dup(exported->fd()));

  Status released = exported->release(kShortWaitMs);
  ASSERT_FALSE(released.ok());
  EXPECT_EQ(released.error().code, ETIMEDOUT);
  // Still mapped as far as Xen is concerned: ending the grants now is caught.
  EXPECT_EQ(report().exportsActive, 1U);
  unshare(0);
  EXPECT_EQ(report().count(ViolationKind::UnshareWhileMapped), 1U);
}

TEST_F(DmaBufTest, ReleaseTimesOutWhileAnImporterStillMapsTheBuffer) {
  const std::vector<GrantRef> refs = share(2, GrantAccess::ReadWrite);
  Result<ExportedDmaBuf> exported =
      backend_.grants->exportDmaBuf(kGuest, refs, DmaBufMemory::Default);
  ASSERT_TRUE(exported.ok()) << exported.error().message;
  void* view = ::mmap(nullptr, kPageSize, PROT_READ, MAP_SHARED, exported->fd(), kPageSize);
  ASSERT_NE(view, MAP_FAILED);

  Status released = exported->release(kShortWaitMs);
  ASSERT_FALSE(released.ok());
  EXPECT_EQ(released.error().code, ETIMEDOUT);
  ::munmap(view, kPageSize);
}

TEST_F(DmaBufTest, ReleaseSucceedsOnceImportersLetGoAndTheGrantsCanEndCleanly) {
  const std::vector<GrantRef> refs = share(2, GrantAccess::ReadWrite);
  Result<ExportedDmaBuf> exported =
      backend_.grants->exportDmaBuf(kGuest, refs, DmaBufMemory::Default);
  ASSERT_TRUE(exported.ok()) << exported.error().message;
  base::UniqueFd importer(::dup(exported->fd()));
  importer.reset();

  Status released = exported->release(kDefaultWaitMs);
  ASSERT_TRUE(released.ok()) << released.error().message;
  unshare(0);
  EXPECT_TRUE(report().violations.empty());
}

TEST_F(DmaBufTest, OurOwnGrantMappingOfTheSameRefsDoesNotHoldTheRelease) {
  const std::vector<GrantRef> refs = share(2, GrantAccess::ReadWrite);
  Result<GrantMapping> cpuView = backend_.grants->map(kGuest, refs, GrantAccess::ReadWrite);
  ASSERT_TRUE(cpuView.ok()) << cpuView.error().message;
  Result<ExportedDmaBuf> exported =
      backend_.grants->exportDmaBuf(kGuest, refs, DmaBufMemory::Default);
  ASSERT_TRUE(exported.ok()) << exported.error().message;

  Status released = exported->release(kDefaultWaitMs);
  ASSERT_TRUE(released.ok()) << released.error().message;
  const BrokerReport after = report();
  EXPECT_EQ(after.exportsActive, 0U);
  EXPECT_EQ(after.mappingsActive, 1U);
}

TEST_F(DmaBufTest, AnotherLiveExportOfTheSameRefsDoesNotHoldTheRelease) {
  const std::vector<GrantRef> refs = share(2, GrantAccess::ReadWrite);
  Result<ExportedDmaBuf> first = backend_.grants->exportDmaBuf(kGuest, refs, DmaBufMemory::Default);
  Result<ExportedDmaBuf> second =
      backend_.grants->exportDmaBuf(kGuest, refs, DmaBufMemory::Default);
  ASSERT_TRUE(first.ok() && second.ok());

  Status released = first->release(kDefaultWaitMs);
  ASSERT_TRUE(released.ok()) << released.error().message;
  EXPECT_EQ(report().exportsActive, 1U);
}

TEST_F(DmaBufTest, ImportGrantsEveryPageReadWriteToTheGuest) {
  base::UniqueFd buffer = makeBuffer(3);
  auto* local = static_cast<std::uint8_t*>(
      ::mmap(nullptr, 3 * kPageSize, PROT_READ | PROT_WRITE, MAP_SHARED, buffer.get(), 0));
  ASSERT_NE(static_cast<void*>(local), MAP_FAILED);
  local[2 * kPageSize + 5] = 0x77;

  Result<ImportedDmaBuf> imported = backend_.grants->importDmaBuf(kGuest, buffer.get(), 3);
  ASSERT_TRUE(imported.ok()) << imported.error().message;
  ASSERT_EQ(imported->refs().size(), 3U);
  EXPECT_EQ(report().grantsActive, 3U);
  EXPECT_EQ(tell("map 0" + refList(imported->refs())), "ok");
  EXPECT_EQ(tell("mapped-byte 2 5"), std::to_string(0x77));
  EXPECT_EQ(tell("poke 0 1 66"), "ok");
  EXPECT_EQ(local[1], 66);

  EXPECT_EQ(tell("unmap"), "ok");
  imported->reset();
  const BrokerReport after = report();
  EXPECT_TRUE(after.violations.empty());
  EXPECT_EQ(after.grantsActive, 0U);
  ::munmap(local, 3 * kPageSize);
}

TEST_F(DmaBufTest, ImportKeepsItsOwnDuplicateOfTheBuffer) {
  base::UniqueFd buffer = makeBuffer(1);
  Result<ImportedDmaBuf> imported = backend_.grants->importDmaBuf(kGuest, buffer.get(), 1);
  ASSERT_TRUE(imported.ok()) << imported.error().message;
  buffer.reset();
  EXPECT_EQ(tell("map 0" + refList(imported->refs())), "ok");
  EXPECT_EQ(tell("unmap"), "ok");
}

TEST_F(DmaBufTest, ImportOfTheWrongSizeIsRefused) {
  base::UniqueFd buffer = makeBuffer(3);
  for (std::size_t pages : {std::size_t{0}, std::size_t{2}, std::size_t{4}}) {
    Result<ImportedDmaBuf> imported = backend_.grants->importDmaBuf(kGuest, buffer.get(), pages);
    ASSERT_FALSE(imported.ok()) << pages << " pages";
    EXPECT_EQ(imported.error().code, EINVAL);
  }
  EXPECT_EQ(report().grantsActive, 0U);
}

TEST_F(DmaBufTest, ReleasingAnImportTheGuestStillMapsIsAViolation) {
  base::UniqueFd buffer = makeBuffer(2);
  Result<ImportedDmaBuf> imported = backend_.grants->importDmaBuf(kGuest, buffer.get(), 2);
  ASSERT_TRUE(imported.ok()) << imported.error().message;
  EXPECT_EQ(tell("map 0" + refList(imported->refs())), "ok");
  imported->reset();
  EXPECT_EQ(report().count(ViolationKind::ReleaseImportWhileMapped), 1U);
  EXPECT_EQ(tell("mapped-byte 0 0"), "0");  // the guest's mapping still works
  EXPECT_EQ(tell("unmap"), "ok");
  EXPECT_EQ(report().grantsEndedButMapped, 0U);
}

}  // namespace
}  // namespace vcam::xen::emu::testing
