// SPDX-License-Identifier: MIT
// Tests of what needs no Xen: XenLog, the error texts, domid parsing and permission bits.

#include <cerrno>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "backend/xen/real/libxen.h"
#include "backend/xen/real/libxen_support.h"
#include "backend/xen/real/real_xen.h"
#include "stderr_capture.h"

namespace vcam::xen {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(XenLog, KeepsContextMessageAndErrnoText) {
  XenLog log;
  xtl_log(log.logger(), XTL_ERROR, ENOENT, "gnttab", "ioctl %s failed", "MAP_GRANT_REF");
  EXPECT_EQ(log.take(), "gnttab: ioctl MAP_GRANT_REF failed: No such file or directory");
}

TEST(XenLog, PrintsNothingToStderr) {
  XenLog log;
  test::StderrCapture capture;
  ASSERT_TRUE(capture.active());
  xtl_log(log.logger(), XTL_CRITICAL, EIO, "gntshr", "mmap failed");
  EXPECT_EQ(capture.finish(), "");
  EXPECT_THAT(log.take(), HasSubstr("gntshr: mmap failed"));
}

TEST(XenLog, IgnoresMessagesBelowWarning) {
  XenLog log;
  xtl_log(log.logger(), XTL_DEBUG, -1, "evtchn", "noise");
  xtl_log(log.logger(), XTL_INFO, -1, "evtchn", "more noise");
  EXPECT_EQ(log.take(), "");
}

TEST(XenLog, JoinsMessagesAndTakeEmptiesIt) {
  XenLog log;
  xtl_log(log.logger(), XTL_WARN, -1, nullptr, "first");
  xtl_log(log.logger(), XTL_ERROR, -1, "ctx", "second");
  EXPECT_EQ(log.take(), "first; ctx: second");
  EXPECT_EQ(log.take(), "");
}

TEST(XenLog, ClearForgetsEarlierMessages) {
  XenLog log;
  xtl_log(log.logger(), XTL_ERROR, -1, "ctx", "old");
  log.clear();
  xtl_log(log.logger(), XTL_ERROR, -1, "ctx", "new");
  EXPECT_EQ(log.take(), "ctx: new");
}

TEST(XenLog, StopsCollectingAtItsBound) {
  XenLog log;
  for (int i = 0; i < 1000; ++i) xtl_log(log.logger(), XTL_ERROR, -1, "ctx", "message %d", i);
  const std::string text = log.take();
  EXPECT_LE(text.size(), XenLog::kMaxText);
  EXPECT_THAT(text, HasSubstr("ctx: message 0"));
}

TEST(XenLog, LeavesErrnoAsTheFailingCallSetIt) {
  XenLog log;
  errno = ENOTTY;
  xtl_log(log.logger(), XTL_ERROR, EINVAL, "gnttab", "failed");
  EXPECT_EQ(errno, ENOTTY);
}

TEST(OpenError, SaysNoXenWhenTheDeviceIsMissing) {
  const Error error = openError(ENOENT, "cannot open /dev/xen/evtchn", "xenevtchn_open");
  EXPECT_EQ(error.code, ENOENT);
  EXPECT_EQ(error.message,
            "no Xen: cannot open /dev/xen/evtchn (xenevtchn_open: No such file or directory)");
}

TEST(OpenError, DoesNotClaimNoXenForOtherFailures) {
  const Error error = openError(EACCES, "cannot open /dev/xen/evtchn", "xenevtchn_open");
  EXPECT_EQ(error.code, EACCES);
  EXPECT_THAT(error.message, Not(HasSubstr("no Xen")));
  EXPECT_THAT(error.message, HasSubstr("Permission denied"));
}

TEST(LibraryError, NamesTheCallTheErrnoAndWhatTheLibraryLogged) {
  const Error error = libraryError(ENOTTY, "xengnttab_dmabuf_exp_from_refs", "gnttab: ioctl");
  EXPECT_EQ(error.code, ENOTTY);
  EXPECT_EQ(error.message,
            "xengnttab_dmabuf_exp_from_refs: Inappropriate ioctl for device (gnttab: ioctl)");
}

TEST(CheckPageCount, AcceptsOneToTheLimit) {
  EXPECT_TRUE(checkPageCount(1, "call").ok());
  EXPECT_TRUE(checkPageCount(kMaxGrantPages, "call").ok());
}

TEST(CheckPageCount, RejectsZeroAndBeyondTheLimitWithEinval) {
  const Status zero = checkPageCount(0, "call");
  ASSERT_FALSE(zero.ok());
  EXPECT_EQ(zero.error().code, EINVAL);
  const Status beyond = checkPageCount(kMaxGrantPages + 1, "call");
  ASSERT_FALSE(beyond.ok());
  EXPECT_EQ(beyond.error().code, EINVAL);
}

TEST(ParseDomId, AcceptsDecimalIdsBelowTheReservedRange) {
  EXPECT_EQ(parseDomId("0"), DomId{0});
  EXPECT_EQ(parseDomId("7"), DomId{7});
  EXPECT_EQ(parseDomId("32751"), DomId{32751});
}

TEST(ParseDomId, RejectsReservedIdsAndAnythingNotPlainDecimal) {
  for (const char* text :
       {"", "32752", "65535", "99999", "-1", "+1", "01", "1 ", " 1", "0x1", "a"}) {
    EXPECT_EQ(parseDomId(text), std::nullopt) << '"' << text << '"';
  }
}

TEST(XsPermBits, MapsEveryAccessBothWays) {
  for (XsAccess access : {XsAccess::None, XsAccess::Read, XsAccess::Write, XsAccess::ReadWrite}) {
    EXPECT_EQ(fromXsPermBits(toXsPermBits(access)), access);
  }
  EXPECT_EQ(toXsPermBits(XsAccess::ReadWrite), unsigned{XS_PERM_READ | XS_PERM_WRITE});
  EXPECT_EQ(toXsPermBits(XsAccess::None), unsigned{XS_PERM_NONE});
}

TEST(XsPermBits, IgnoresBitsOtherThanReadAndWrite) {
  EXPECT_EQ(fromXsPermBits(XS_PERM_OWNER | XS_PERM_READ), XsAccess::Read);
  EXPECT_EQ(fromXsPermBits(XS_PERM_OWNER), XsAccess::None);
}

TEST(StderrCapture, SeesWhatIsWrittenToFd2) {
  test::StderrCapture capture;
  ASSERT_TRUE(capture.active());
  ASSERT_EQ(::write(STDERR_FILENO, "seen", 4), 4);
  EXPECT_EQ(capture.finish(), "seen");
}

}  // namespace
}  // namespace vcam::xen
