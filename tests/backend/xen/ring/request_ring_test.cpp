// SPDX-License-Identifier: MIT
// The request ring, both ends on one page: order, wrap-around, hold-off, and hostile indices.
#include <gtest/gtest.h>

#include <cstddef>
#include <cstring>
#include <limits>
#include <optional>
#include <vector>

#include "backend/xen/ring/back_request_ring.h"
#include "backend/xen/ring/front_request_ring.h"
#include "tests/backend/xen/ring/shared_page.h"

namespace vcam::xen {
namespace {

using testing::makePage;
using testing::SharedPage;

constexpr std::size_t kReqProd = offsetof(xen_cameraif_sring, req_prod);
constexpr std::size_t kReqEvent = offsetof(xen_cameraif_sring, req_event);
constexpr std::size_t kRspProd = offsetof(xen_cameraif_sring, rsp_prod);
constexpr std::size_t kRspEvent = offsetof(xen_cameraif_sring, rsp_event);
constexpr std::uint32_t kNearWrap = std::numeric_limits<std::uint32_t>::max() - 5;

xencamera_req request(std::uint16_t id) {
  xencamera_req r{};
  r.id = id;
  r.operation = XENCAMERA_OP_BUF_QUEUE;
  r.req.index.index = static_cast<std::uint8_t>(id);
  return r;
}

xencamera_resp replyTo(const xencamera_req& r) {
  xencamera_resp out{};
  out.id = r.id;
  out.operation = r.operation;
  out.status = -static_cast<std::int32_t>(r.id);
  return out;
}

// Both ends of one ring, attached as a frontend and a backend would be.
struct Ring {
  explicit Ring(std::uint32_t start = 0)
      : page(makePage()),
        front(FrontRequestRing::init(page->span(), start).value()),
        back(BackRequestRing::attach(page->span(), start).value()) {}

  void send(std::uint16_t id) {
    ASSERT_TRUE(front.push(request(id)).ok());
    ASSERT_TRUE(front.publishRequests().ok());
  }
  std::optional<xencamera_req> receive() { return back.pop().value(); }

  std::unique_ptr<SharedPage> page;
  FrontRequestRing front;
  BackRequestRing back;
};

void expectBroken(BackRequestRing& back) {
  auto popped = back.pop();
  ASSERT_FALSE(popped.ok());
  EXPECT_EQ(popped.error().code, EPROTO);
  EXPECT_NE(popped.error().message.find("request ring is broken"), std::string::npos)
      << popped.error().message;
  EXPECT_EQ(back.finalCheck().error().code, EPROTO);
  EXPECT_EQ(back.pushResponse(xencamera_resp{}).error().code, EPROTO);
  EXPECT_EQ(back.publishResponses().error().code, EPROTO);
  EXPECT_TRUE(back.broken());
}

// ---- setting up ---------------------------------------------------------------------------

TEST(RequestRing, FrontInitialisesTheSharedHeaderAsSharedRingInit) {
  auto page = makePage();
  std::memset(page->bytes.data(), 0xa5, page->bytes.size());
  ASSERT_TRUE(FrontRequestRing::init(page->span()).ok());
  EXPECT_EQ(page->word(kReqProd), 0u);
  EXPECT_EQ(page->word(kRspProd), 0u);
  EXPECT_EQ(page->word(kReqEvent), 1u);
  EXPECT_EQ(page->word(kRspEvent), 1u);
  for (std::size_t at = kRspEvent + 4; at < offsetof(xen_cameraif_sring, ring); ++at) {
    EXPECT_EQ(page->bytes[at], std::byte{0}) << "header byte " << at;
  }
}

TEST(RequestRing, AttachRefusesMemoryShorterThanAPage) {
  auto page = makePage();
  auto back = BackRequestRing::attach(page->span().first(kPageSize - 1));
  ASSERT_FALSE(back.ok());
  EXPECT_EQ(back.error().code, EINVAL);
  EXPECT_EQ(FrontRequestRing::init(page->span().first(100)).error().code, EINVAL);
}

TEST(RequestRing, AttachRefusesAMisalignedPage) {
  std::vector<std::byte> memory(2 * kPageSize);
  auto misaligned = std::span(memory).subspan(1, kPageSize);
  EXPECT_EQ(BackRequestRing::attach(misaligned).error().code, EINVAL);
}

// ---- requests and replies -----------------------------------------------------------------

TEST(RequestRing, RequestsArriveInOrderAndRepliesComeBack) {
  Ring ring;
  for (std::uint16_t id = 1; id <= 3; ++id) ring.send(id);
  for (std::uint16_t id = 1; id <= 3; ++id) {
    auto got = ring.receive();
    ASSERT_TRUE(got.has_value());
    const xencamera_req sent = request(id);
    EXPECT_EQ(std::memcmp(&*got, &sent, sizeof sent), 0) << "request " << id;
    ASSERT_TRUE(ring.back.pushResponse(replyTo(*got)).ok());
  }
  EXPECT_FALSE(ring.receive().has_value());
  ASSERT_TRUE(ring.back.publishResponses().ok());
  for (std::uint16_t id = 1; id <= 3; ++id) {
    auto reply = ring.front.pop().value();
    ASSERT_TRUE(reply.has_value());
    EXPECT_EQ(reply->id, id);
    EXPECT_EQ(reply->status, -id);
  }
  EXPECT_FALSE(ring.front.pop().value().has_value());
}

TEST(RequestRing, UnpublishedRequestsAndRepliesAreNotSeen) {
  Ring ring;
  ASSERT_TRUE(ring.front.push(request(1)).ok());
  EXPECT_FALSE(ring.receive().has_value());
  ASSERT_TRUE(ring.front.publishRequests().ok());
  auto got = ring.receive();
  ASSERT_TRUE(got.has_value());
  ASSERT_TRUE(ring.back.pushResponse(replyTo(*got)).ok());
  EXPECT_FALSE(ring.front.pop().value().has_value());
  EXPECT_EQ(ring.back.unpublished(), 1u);
}

TEST(RequestRing, WorksAcrossTheIndexWrap) {
  Ring ring(kNearWrap);
  std::uint16_t next = 0;
  for (int round = 0; round < 10; ++round) {  // 10 * 7 requests carry the indices past 2^32
    for (int i = 0; i < 7; ++i) ring.send(static_cast<std::uint16_t>(next + i));
    for (int i = 0; i < 7; ++i) {
      auto got = ring.receive();
      ASSERT_TRUE(got.has_value()) << "round " << round;
      EXPECT_EQ(got->id, next + i);
      ASSERT_TRUE(ring.back.pushResponse(replyTo(*got)).ok());
    }
    ASSERT_TRUE(ring.back.publishResponses().ok());
    for (int i = 0; i < 7; ++i) {
      auto reply = ring.front.pop().value();
      ASSERT_TRUE(reply.has_value()) << "round " << round;
      EXPECT_EQ(reply->id, next + i);
    }
    next = static_cast<std::uint16_t>(next + 7);
  }
  EXPECT_LT(ring.page->word(kReqProd), kNearWrap);  // the index really wrapped
}

TEST(RequestRing, FrontRefusesARequestWhenEverySlotIsInUse) {
  Ring ring;
  for (std::uint16_t id = 0; id < kRequestRingSize; ++id) ring.send(id);
  EXPECT_EQ(ring.front.freeSlots(), 0u);
  auto pushed = ring.front.push(request(99));
  ASSERT_FALSE(pushed.ok());
  EXPECT_EQ(pushed.error().code, ENOSPC);
}

TEST(RequestRing, ASlotIsFreeAgainOnlyOnceItsReplyWasPopped) {
  Ring ring;
  for (std::uint16_t id = 0; id < kRequestRingSize; ++id) ring.send(id);
  auto got = ring.receive();
  ASSERT_TRUE(ring.back.pushResponse(replyTo(*got)).ok());
  ASSERT_TRUE(ring.back.publishResponses().ok());
  EXPECT_EQ(ring.front.push(request(99)).error().code, ENOSPC);
  ASSERT_TRUE(ring.front.pop().value().has_value());
  EXPECT_TRUE(ring.front.push(request(99)).ok());
}

TEST(RequestRing, BackRefusesAReplyWithNoRequestWaitingForIt) {
  Ring ring;
  auto pushed = ring.back.pushResponse(xencamera_resp{});
  ASSERT_FALSE(pushed.ok());
  EXPECT_EQ(pushed.error().code, EINVAL);
  EXPECT_FALSE(ring.back.broken());
}

// ---- the backend against a hostile frontend -----------------------------------------------

TEST(RequestRing, ReqProdMoreThanARingAheadBreaksTheBackend) {
  Ring ring;
  ring.page->setWord(kReqProd, kRequestRingSize + 1);
  expectBroken(ring.back);
}

TEST(RequestRing, ReqProdBehindTheConsumerBreaksTheBackend) {
  Ring ring(kNearWrap);
  ring.send(1);
  ASSERT_TRUE(ring.receive().has_value());
  ring.page->setWord(kReqProd, kNearWrap - 1);
  expectBroken(ring.back);
}

TEST(RequestRing, ReqProdMovingBackwardsBreaksTheBackend) {
  Ring ring;
  for (std::uint16_t id = 0; id < 4; ++id) ring.send(id);
  ASSERT_TRUE(ring.receive().has_value());
  ring.page->setWord(kReqProd, 2);  // still ahead of req_cons (1), but behind what we saw (4)
  expectBroken(ring.back);
}

TEST(RequestRing, ABrokenBackendStaysBrokenWhenTheIndexIsRepaired) {
  Ring ring;
  ring.page->setWord(kReqProd, 1000);
  ASSERT_FALSE(ring.back.pop().ok());
  ring.page->setWord(kReqProd, 1);
  expectBroken(ring.back);
}

TEST(RequestRing, ARequestBeyondTheUnansweredOnesBreaksTheBackendUnread) {
  Ring ring;
  for (std::uint16_t id = 0; id < kRequestRingSize; ++id) ring.send(id);
  for (std::uint16_t id = 0; id < kRequestRingSize; ++id) ASSERT_TRUE(ring.receive().has_value());
  // One more request: its slot is the first unanswered request's, whose reply has no room.
  ring.page->setWord(kReqProd, kRequestRingSize + 1);
  expectBroken(ring.back);
  EXPECT_EQ(ring.back.unanswered(), kRequestRingSize);
}

// ---- the frontend against a hostile backend -----------------------------------------------

TEST(RequestRing, RspProdBeyondThePublishedRequestsBreaksTheFrontend) {
  Ring ring;
  ring.send(1);
  ASSERT_TRUE(ring.front.push(request(2)).ok());  // written, not published
  ring.page->setWord(kRspProd, 2);
  auto popped = ring.front.pop();
  ASSERT_FALSE(popped.ok());
  EXPECT_EQ(popped.error().code, EPROTO);
  EXPECT_TRUE(ring.front.broken());
  EXPECT_EQ(ring.front.finalCheck().error().code, EPROTO);
  EXPECT_EQ(ring.front.push(request(3)).error().code, EPROTO);
}

TEST(RequestRing, RspProdMovingBackwardsBreaksTheFrontend) {
  Ring ring;
  for (std::uint16_t id = 0; id < 3; ++id) ring.send(id);
  ring.page->setWord(kRspProd, 3);
  ASSERT_TRUE(ring.front.pop().value().has_value());
  ring.page->setWord(kRspProd, 2);
  EXPECT_EQ(ring.front.pop().error().code, EPROTO);
}

// ---- notification hold-off ----------------------------------------------------------------

TEST(RequestRing, FrontNotifiesOnlyWhenTheBackendAskedForIt) {
  Ring ring;
  ASSERT_TRUE(ring.front.push(request(1)).ok());
  EXPECT_TRUE(ring.front.publishRequests().value());  // req_event starts at 1
  ASSERT_TRUE(ring.front.push(request(2)).ok());
  EXPECT_FALSE(ring.front.publishRequests().value());  // the backend is still busy
  while (ring.receive()) {
  }
  EXPECT_FALSE(ring.back.finalCheck().value());  // idle: asks for the next request
  ASSERT_TRUE(ring.front.push(request(3)).ok());
  EXPECT_TRUE(ring.front.publishRequests().value());
}

TEST(RequestRing, BackNotifiesOnlyWhenTheFrontendAskedForIt) {
  Ring ring;
  for (std::uint16_t id = 0; id < 3; ++id) ring.send(id);
  ASSERT_TRUE(ring.back.pushResponse(replyTo(*ring.receive())).ok());
  EXPECT_TRUE(ring.back.publishResponses().value());  // rsp_event starts at 1
  ASSERT_TRUE(ring.back.pushResponse(replyTo(*ring.receive())).ok());
  EXPECT_FALSE(ring.back.publishResponses().value());  // the frontend has not come back yet
  while (ring.front.pop().value()) {
  }
  EXPECT_FALSE(ring.front.finalCheck().value());
  ASSERT_TRUE(ring.back.pushResponse(replyTo(*ring.receive())).ok());
  EXPECT_TRUE(ring.back.publishResponses().value());
}

TEST(RequestRing, PublishingNothingNeverNotifies) {
  Ring ring;
  EXPECT_FALSE(ring.front.publishRequests().value());
  EXPECT_FALSE(ring.back.publishResponses().value());
}

TEST(RequestRing, BackFinalCheckReportsWaitingRequestsWithoutReArming) {
  Ring ring;
  ring.send(1);
  ring.page->setWord(kReqEvent, 77);
  EXPECT_TRUE(ring.back.finalCheck().value());
  EXPECT_EQ(ring.page->word(kReqEvent), 77u);
}

TEST(RequestRing, BackFinalCheckOnAnIdleRingAsksForTheNextRequest) {
  Ring ring(kNearWrap);
  ring.send(1);
  ASSERT_TRUE(ring.receive().has_value());
  EXPECT_FALSE(ring.back.finalCheck().value());
  EXPECT_EQ(ring.page->word(kReqEvent), kNearWrap + 2);  // req_cons + 1
}

TEST(RequestRing, FrontFinalCheckOnAnIdleRingAsksForTheNextReply) {
  Ring ring;
  ring.send(1);
  EXPECT_FALSE(ring.front.finalCheck().value());
  EXPECT_EQ(ring.page->word(kRspEvent), 1u);  // rsp_cons + 1
  ASSERT_TRUE(ring.back.pushResponse(replyTo(*ring.receive())).ok());
  ASSERT_TRUE(ring.back.publishResponses().ok());
  EXPECT_TRUE(ring.front.finalCheck().value());
}

}  // namespace
}  // namespace vcam::xen
