// SPDX-License-Identifier: MIT
// The event page, both ends on one page: event ids without gaps, a full page, hostile indices.
#include <gtest/gtest.h>

#include <cstddef>
#include <cstring>
#include <limits>
#include <optional>
#include <vector>

#include "backend/xen/ring/event_page.h"
#include "tests/backend/xen/ring/shared_page.h"

namespace vcam::xen {
namespace {

using testing::makePage;
using testing::SharedPage;

constexpr std::size_t kInCons = offsetof(xencamera_event_page, in_cons);
constexpr std::size_t kInProd = offsetof(xencamera_event_page, in_prod);
constexpr std::uint32_t kMaxIndex = std::numeric_limits<std::uint32_t>::max();

xencamera_evt frame(std::uint32_t seq) {
  xencamera_evt e{};
  e.id = 0xdead;  // the producer's id replaces whatever the caller put here
  e.type = XENCAMERA_EVT_FRAME_AVAIL;
  e.evt.frame_avail.index = static_cast<std::uint8_t>(seq % 8);
  e.evt.frame_avail.used_sz = 4096;
  e.evt.frame_avail.seq_num = seq;
  return e;
}

// Both ends of one event page, attached to the indices the page holds.
struct Events {
  explicit Events(std::uint32_t start = 0) : page(makePage()) {
    page->setWord(kInCons, start);
    page->setWord(kInProd, start);
    producer.emplace(EventPageProducer::attach(page->span()).value());
    consumer.emplace(EventPageConsumer::attach(page->span()).value());
  }
  std::unique_ptr<SharedPage> page;
  std::optional<EventPageProducer> producer;
  std::optional<EventPageConsumer> consumer;
};

void expectProducerBroken(EventPageProducer& producer) {
  auto posted = producer.post(frame(0));
  ASSERT_FALSE(posted.ok());
  EXPECT_EQ(posted.error().code, EPROTO);
  EXPECT_NE(posted.error().message.find("event page is broken"), std::string::npos)
      << posted.error().message;
  EXPECT_TRUE(producer.broken());
}

TEST(EventPage, EventIdsCountFromZeroWithoutGaps) {
  Events events;
  for (std::uint16_t want = 0; want < 3; ++want) {
    auto id = events.producer->post(frame(100u + want));
    ASSERT_TRUE(id.ok()) << id.error().message;
    EXPECT_EQ(*id, want);
  }
  for (std::uint16_t want = 0; want < 3; ++want) {
    auto got = events.consumer->pop().value();
    ASSERT_TRUE(got.has_value());
    EXPECT_EQ(got->id, want);
    EXPECT_EQ(got->evt.frame_avail.seq_num, 100u + want);
  }
  EXPECT_FALSE(events.consumer->pop().value().has_value());
}

TEST(EventPage, ConsumingAdvancesInConsPastEachEvent) {
  Events events;
  ASSERT_TRUE(events.producer->post(frame(1)).ok());
  ASSERT_TRUE(events.producer->post(frame(2)).ok());
  EXPECT_EQ(events.page->word(kInProd), 2u);
  ASSERT_TRUE(events.consumer->pop().value().has_value());
  EXPECT_EQ(events.page->word(kInCons), 1u);
}

TEST(EventPage, AFullPageIsReportedAndNothingIsOverwritten) {
  Events events;
  for (std::uint32_t i = 0; i < kEventRingSlots; ++i) {
    ASSERT_TRUE(events.producer->post(frame(i)).ok()) << "event " << i;
  }
  const SharedPage before = *events.page;
  auto posted = events.producer->post(frame(999));
  ASSERT_FALSE(posted.ok());
  EXPECT_EQ(posted.error().code, ENOSPC);
  EXPECT_EQ(std::memcmp(before.bytes.data(), events.page->bytes.data(), kPageSize), 0);
  EXPECT_FALSE(events.producer->broken());
}

TEST(EventPage, AFailedPostUsesNoId) {
  Events events;
  for (std::uint32_t i = 0; i < kEventRingSlots; ++i)
    ASSERT_TRUE(events.producer->post(frame(i)).ok());
  ASSERT_FALSE(events.producer->post(frame(999)).ok());
  ASSERT_TRUE(events.consumer->pop().value().has_value());
  auto id = events.producer->post(frame(63));
  ASSERT_TRUE(id.ok()) << id.error().message;
  EXPECT_EQ(*id, kEventRingSlots);
}

TEST(EventPage, EventsSurviveTheIndexWrapInOrder) {
  Events events(kMaxIndex - 100);
  for (std::uint32_t i = 0; i < 300; ++i) {
    auto id = events.producer->post(frame(i));
    ASSERT_TRUE(id.ok()) << "event " << i << ": " << id.error().message;
    auto got = events.consumer->pop().value();
    ASSERT_TRUE(got.has_value());
    EXPECT_EQ(got->id, static_cast<std::uint16_t>(i));
    EXPECT_EQ(got->evt.frame_avail.seq_num, i);
  }
  EXPECT_EQ(events.page->word(kInProd), 199u);
}

TEST(EventPage, AtTheIndexWrapTheProducerWaitsRatherThanReuseALiveSlot) {
  // Indices 2^32-3, -2, -1, 0 use slots 1, 2, 3, 0; index 1 would use slot 1 again.
  Events events(kMaxIndex - 2);
  for (std::uint32_t i = 0; i < 4; ++i) ASSERT_TRUE(events.producer->post(frame(i)).ok());
  auto posted = events.producer->post(frame(4));
  ASSERT_FALSE(posted.ok());
  EXPECT_EQ(posted.error().code, ENOSPC);
  for (std::uint32_t i = 0; i < 4; ++i) {
    auto got = events.consumer->pop().value();
    ASSERT_TRUE(got.has_value());
    EXPECT_EQ(got->evt.frame_avail.seq_num, i);
  }
  auto id = events.producer->post(frame(4));
  ASSERT_TRUE(id.ok()) << id.error().message;
  EXPECT_EQ(*id, 4);
}

TEST(EventPage, EventIdsWrapAtSixteenBits) {
  Events events;
  for (std::uint32_t i = 0; i <= 0x10000; ++i) {
    auto id = events.producer->post(frame(i));
    ASSERT_TRUE(id.ok()) << id.error().message;
    ASSERT_EQ(*id, static_cast<std::uint16_t>(i));
    ASSERT_TRUE(events.consumer->pop().value().has_value());
  }
  EXPECT_EQ(events.producer->nextId(), 1);
}

TEST(EventPage, TheProducerStartsFromThePagesInProd) {
  Events events(5000);
  ASSERT_TRUE(events.producer->post(frame(0)).ok());
  EXPECT_EQ(events.page->word(kInProd), 5001u);
}

TEST(EventPage, AttachRefusesMemoryShorterThanAPage) {
  auto page = makePage();
  EXPECT_EQ(EventPageProducer::attach(page->span().first(64)).error().code, EINVAL);
  EXPECT_EQ(EventPageConsumer::attach(page->span().first(64)).error().code, EINVAL);
}

// ---- hostile indices ----------------------------------------------------------------------

TEST(EventPage, InConsAheadOfInProdBreaksTheProducer) {
  Events events;
  ASSERT_TRUE(events.producer->post(frame(0)).ok());
  events.page->setWord(kInCons, 2);
  expectProducerBroken(*events.producer);
}

TEST(EventPage, InConsMoreThanAPageBehindBreaksTheProducer) {
  Events events(1000);
  events.page->setWord(kInCons, 1000 - kEventRingSlots - 1);
  expectProducerBroken(*events.producer);
}

TEST(EventPage, ABrokenProducerStaysBrokenAndWritesNothing) {
  Events events;
  events.page->setWord(kInCons, 7);
  ASSERT_FALSE(events.producer->post(frame(0)).ok());
  events.page->setWord(kInCons, 0);
  const SharedPage before = *events.page;
  expectProducerBroken(*events.producer);
  EXPECT_EQ(std::memcmp(before.bytes.data(), events.page->bytes.data(), kPageSize), 0);
}

TEST(EventPage, InProdMoreThanAPageAheadBreaksTheConsumer) {
  Events events;
  events.page->setWord(kInProd, kEventRingSlots + 1);
  auto popped = events.consumer->pop();
  ASSERT_FALSE(popped.ok());
  EXPECT_EQ(popped.error().code, EPROTO);
  events.page->setWord(kInProd, 0);
  EXPECT_EQ(events.consumer->pop().error().code, EPROTO);
}

TEST(EventPage, InProdMovingBackwardsBreaksTheConsumer) {
  Events events;
  for (std::uint32_t i = 0; i < 3; ++i) ASSERT_TRUE(events.producer->post(frame(i)).ok());
  ASSERT_TRUE(events.consumer->pop().value().has_value());
  events.page->setWord(kInProd, 2);
  EXPECT_EQ(events.consumer->pop().error().code, EPROTO);
  EXPECT_TRUE(events.consumer->broken());
}

}  // namespace
}  // namespace vcam::xen
