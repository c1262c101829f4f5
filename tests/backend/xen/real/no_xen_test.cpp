// SPDX-License-Identifier: MIT
// The factories on a machine without Xen: a clean "no Xen" error carrying the library's errno,
// nothing on stderr, nothing leaked (the sanitizer build checks leaks). Skipped under Xen.
#include <unistd.h>

#include <cerrno>
#include <optional>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "backend/xen/real/libxen.h"
#include "backend/xen/real/libxen_support.h"
#include "backend/xen/real/real_xen.h"
#include "fake_xenstored.h"
#include "stderr_capture.h"

namespace vcam::xen {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// What the library itself reports when asked directly (nullopt: it opened, so Xen is here).
std::optional<int> rawXsOpenErrno() {
  errno = 0;
  xs_handle* handle = xs_open(0);
  const int code = errno;
  if (handle != nullptr) {
    xs_close(handle);
    return std::nullopt;
  }
  return code;
}

std::optional<int> rawEvtchnOpenErrno() {
  XenLog log;
  errno = 0;
  xenevtchn_handle* handle = xenevtchn_open(log.logger(), 0);
  const int code = errno;
  if (handle != nullptr) {
    (void)xenevtchn_close(handle);
    return std::nullopt;
  }
  return code;
}

std::optional<int> rawGnttabOpenErrno() {
  XenLog log;
  errno = 0;
  xengnttab_handle* handle = xengnttab_open(log.logger(), 0);
  const int code = errno;
  if (handle != nullptr) {
    (void)xengnttab_close(handle);
    return std::nullopt;
  }
  return code;
}

std::optional<int> rawGntshrOpenErrno() {
  XenLog log;
  errno = 0;
  xengntshr_handle* handle = xengntshr_open(log.logger(), 0);
  const int code = errno;
  if (handle != nullptr) {
    (void)xengntshr_close(handle);
    return std::nullopt;
  }
  return code;
}

/// The factory's error keeps the library's errno, names the call, and says "no Xen" exactly
/// when that errno means the device or daemon is missing.
void expectOpenFailure(const Error& error, int libraryErrno, const char* call) {
  EXPECT_EQ(error.code, libraryErrno);
  EXPECT_THAT(error.message, HasSubstr(call));
  if (meansNoXen(libraryErrno)) {
    EXPECT_THAT(error.message, HasSubstr("no Xen"));
  } else {
    EXPECT_THAT(error.message, Not(HasSubstr("no Xen")));
  }
}

TEST(NoXen, OpenRealXenStoreFailsWithTheLibraryErrnoAndPrintsNothing) {
  const std::optional<int> expected = rawXsOpenErrno();
  if (!expected) GTEST_SKIP() << "XenStore is reachable";
  test::StderrCapture capture;
  ASSERT_TRUE(capture.active());
  Result<std::unique_ptr<XenStore>> store = openRealXenStore();
  EXPECT_EQ(capture.finish(), "");
  ASSERT_FALSE(store.ok());
  expectOpenFailure(store.error(), *expected, "xs_open");
}

TEST(NoXen, OpenRealEventChannelsFailsWithTheLibraryErrnoAndPrintsNothing) {
  const std::optional<int> expected = rawEvtchnOpenErrno();
  if (!expected) GTEST_SKIP() << "/dev/xen/evtchn opens";
  test::StderrCapture capture;
  ASSERT_TRUE(capture.active());
  Result<std::unique_ptr<EventChannels>> events = openRealEventChannels();
  EXPECT_EQ(capture.finish(), "");
  ASSERT_FALSE(events.ok());
  expectOpenFailure(events.error(), *expected, "xenevtchn_open");
  EXPECT_THAT(events.error().message, HasSubstr("/dev/xen/evtchn"));
}

TEST(NoXen, OpenRealGrantTableFailsWithTheLibraryErrnoAndPrintsNothing) {
  const std::optional<int> expected = rawGnttabOpenErrno();
  if (!expected) GTEST_SKIP() << "/dev/xen/gntdev opens";
  test::StderrCapture capture;
  ASSERT_TRUE(capture.active());
  Result<std::unique_ptr<GrantTable>> grants = openRealGrantTable();
  EXPECT_EQ(capture.finish(), "");
  ASSERT_FALSE(grants.ok());
  expectOpenFailure(grants.error(), *expected, "xengnttab_open");
  EXPECT_THAT(grants.error().message, HasSubstr("/dev/xen/gntdev"));
}

TEST(NoXen, OpenRealGrantSharerFailsWithTheLibraryErrnoAndPrintsNothing) {
  const std::optional<int> expected = rawGntshrOpenErrno();
  if (!expected) GTEST_SKIP() << "/dev/xen/gntalloc opens";
  test::StderrCapture capture;
  ASSERT_TRUE(capture.active());
  Result<std::unique_ptr<GrantSharer>> sharer = openRealGrantSharer();
  EXPECT_EQ(capture.finish(), "");
  ASSERT_FALSE(sharer.ok());
  expectOpenFailure(sharer.error(), *expected, "xengntshr_open");
  EXPECT_THAT(sharer.error().message, HasSubstr("/dev/xen/gntalloc"));
}

TEST(NoXen, OpenRealXenFailsLikeOpenRealXenStoreAndPrintsNothing) {
  const std::optional<int> expected = rawXsOpenErrno();
  if (!expected) GTEST_SKIP() << "XenStore is reachable";
  test::StderrCapture capture;
  ASSERT_TRUE(capture.active());
  Result<XenTransport> xen = openRealXen();
  EXPECT_EQ(capture.finish(), "");
  ASSERT_FALSE(xen.ok());
  expectOpenFailure(xen.error(), *expected, "xs_open");
}

/// openRealXen() with XenStore served by a fake that answers "domid" with `domid`.
Result<XenTransport> openRealXenWithDomid(const std::string& domid) {
  test::FakeXenstored fake([domid](const test::XsRequest& request) {
    return request.type == XS_READ ? test::XsReply{XS_READ, domid} : test::XsReply::error("EINVAL");
  });
  EXPECT_TRUE(fake.listening());
  EXPECT_EQ(::setenv("XENSTORED_PATH", fake.socketPath().c_str(), 1), 0);
  Result<XenTransport> xen = openRealXen();
  ::unsetenv("XENSTORED_PATH");
  return xen;
}

TEST(NoXen, OpenRealXenWithOnlyXenStoreFailsAtTheEventChannelDevice) {
  const std::optional<int> expected = rawEvtchnOpenErrno();
  if (!expected) GTEST_SKIP() << "/dev/xen/evtchn opens";
  Result<XenTransport> xen = openRealXenWithDomid("3");
  ASSERT_FALSE(xen.ok());
  expectOpenFailure(xen.error(), *expected, "xenevtchn_open");
}

TEST(NoXen, OpenRealXenRejectsADomidThatIsNotADomainId) {
  Result<XenTransport> xen = openRealXenWithDomid("32752");
  ASSERT_FALSE(xen.ok());
  EXPECT_EQ(xen.error().code, EPROTO);
  EXPECT_THAT(xen.error().message, HasSubstr("32752"));
}

TEST(NoXen, WithoutAnyXenEveryLibraryReportsEnoent) {
  // What this machine class (a plain Linux host or container) looks like; if one device
  // exists, the host has some Xen and the facts below do not apply.
  const std::optional<int> store = rawXsOpenErrno();
  const std::optional<int> events = rawEvtchnOpenErrno();
  const std::optional<int> grants = rawGnttabOpenErrno();
  const std::optional<int> sharer = rawGntshrOpenErrno();
  if (!store || !events || !grants || !sharer) GTEST_SKIP() << "some Xen is present";
  if (::access("/dev/xen", F_OK) == 0) GTEST_SKIP() << "/dev/xen exists";
  EXPECT_EQ(*store, ENOENT);
  EXPECT_EQ(*events, ENOENT);
  EXPECT_EQ(*grants, ENOENT);
  EXPECT_EQ(*sharer, ENOENT);
}

}  // namespace
}  // namespace vcam::xen
