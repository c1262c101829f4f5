// SPDX-License-Identifier: MIT
// attachCamera()/detachCamera(): the nodes and permissions a toolstack gives a vcamera device.
#include "backend/xen/toolstack.h"

#include <gtest/gtest.h>

#include <cerrno>

#include <vcamera/proto/xenbus.h>

#include "backend/xen/emulated/emulated_xen.h"
#include "backend/xen/emulated/process.h"
#include "backend/xen/xenstore_util.h"

namespace vcam::xen {
namespace {

constexpr DomId kGuest = 3;
constexpr DomId kOtherGuest = 4;
constexpr DomId kDriverDomain = 5;

proto::FrontendConfig config() {
  proto::FrontendConfig c;
  c.uniqueId = "cam0";
  c.maxBuffers = 3;
  c.controls = {proto::ControlType::Contrast};
  c.formats = {{0x56595559, {{{640, 480}, {{30, 1}, {15, 1}}}}}};
  return c;
}

class ToolstackTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<emu::BrokerProcess> broker = emu::BrokerProcess::start();
    ASSERT_TRUE(broker) << broker.error().message;
    broker_ = std::move(broker).value();
    for (auto [xen, domid] : {std::pair{&dom0_, DomId{0}},
                              {&guest_, kGuest},
                              {&other_, kOtherGuest},
                              {&driver_, kDriverDomain}}) {
      Result<XenTransport> connected = emu::connectEmulatedXen(broker_.socketPath(), domid);
      ASSERT_TRUE(connected) << connected.error().message;
      *xen = std::move(connected).value();
    }
    Status attached = attachCamera(*dom0_.store, {kGuest, kDriverDomain, 0, config()});
    ASSERT_TRUE(attached) << attached.error().message;
  }

  const std::string frontDir_ = proto::frontendDevicePath(kGuest, 0);
  const std::string backDir_ = proto::backendDevicePath(kDriverDomain, kGuest, 0);
  emu::BrokerProcess broker_;
  XenTransport dom0_, guest_, other_, driver_;
};

TEST_F(ToolstackTest, BothEndsStartInitialisingAndPointAtEachOther) {
  const std::string initialising = proto::formatXenbusState(proto::XenbusState::Initialising);
  EXPECT_EQ(guest_.store->read(kNoTransaction, frontDir_ + "/state").value(), initialising);
  EXPECT_EQ(driver_.store->read(kNoTransaction, backDir_ + "/state").value(), initialising);
  EXPECT_EQ(guest_.store->read(kNoTransaction, frontDir_ + "/backend").value(), backDir_);
  EXPECT_EQ(guest_.store->read(kNoTransaction, frontDir_ + "/backend-id").value(), "5");
  EXPECT_EQ(driver_.store->read(kNoTransaction, backDir_ + "/frontend").value(), frontDir_);
  EXPECT_EQ(driver_.store->read(kNoTransaction, backDir_ + "/frontend-id").value(), "3");
}

TEST_F(ToolstackTest, BothEndsReadBackTheConfiguration) {
  for (XenTransport* xen : {&guest_, &driver_}) {
    Result<proto::FrontendConfig> read =
        proto::readFrontendConfig(XenStoreReader(*xen->store), frontDir_);
    ASSERT_TRUE(read) << read.error().message;
    EXPECT_EQ(*read, config());
  }
}

TEST_F(ToolstackTest, TheGuestCannotChangeItsConfiguration) {
  Status written = guest_.store->write(kNoTransaction, frontDir_ + "/max-buffers", "255");
  ASSERT_FALSE(written);
  EXPECT_EQ(written.error().code, EACCES);
  Status added =
      guest_.store->write(kNoTransaction, frontDir_ + "/formats/BGR4/1x1/frame-rates", "1/1");
  ASSERT_FALSE(added);
  EXPECT_EQ(added.error().code, EACCES);
}

TEST_F(ToolstackTest, EachEndWritesOnlyItsOwnState) {
  EXPECT_TRUE(guest_.store->write(kNoTransaction, frontDir_ + "/state", "3"));
  EXPECT_TRUE(driver_.store->write(kNoTransaction, backDir_ + "/state", "2"));
  EXPECT_FALSE(guest_.store->write(kNoTransaction, backDir_ + "/state", "4"));
  EXPECT_FALSE(driver_.store->write(kNoTransaction, frontDir_ + "/state", "4"));
}

TEST_F(ToolstackTest, AnotherGuestCannotSeeTheDevice) {
  Result<std::string> read = other_.store->read(kNoTransaction, frontDir_ + "/unique-id");
  ASSERT_FALSE(read);
  EXPECT_EQ(read.error().code, EACCES);
}

TEST_F(ToolstackTest, AttachingTwiceIsRefused) {
  Status again = attachCamera(*dom0_.store, {kGuest, kDriverDomain, 0, config()});
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, EEXIST);
}

TEST_F(ToolstackTest, DetachRemovesBothDirectoriesAndMayRepeat) {
  ASSERT_TRUE(detachCamera(*dom0_.store, kGuest, kDriverDomain, 0));
  EXPECT_FALSE(dom0_.store->read(kNoTransaction, frontDir_));
  EXPECT_FALSE(dom0_.store->read(kNoTransaction, backDir_));
  EXPECT_TRUE(detachCamera(*dom0_.store, kGuest, kDriverDomain, 0));
}

TEST_F(ToolstackTest, AnInvalidConfigurationWritesNothing) {
  proto::FrontendConfig bad = config();
  bad.formats.clear();
  Status attached = attachCamera(*dom0_.store, {kGuest, kDriverDomain, 1, bad});
  ASSERT_FALSE(attached);
  EXPECT_FALSE(dom0_.store->read(kNoTransaction, proto::frontendDevicePath(kGuest, 1)));
}

}  // namespace
}  // namespace vcam::xen
