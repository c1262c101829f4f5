// SPDX-License-Identifier: MIT
// Fuzz target: the event page. The producer posts while a hostile frontend sets in_cons to
// anything; the consumer pops while a hostile backend sets in_prod to anything. Each is checked
// against a model: ids without gaps, no live slot overwritten, breakage exactly when earned.
//
// Input: u8 side (producer / consumer), u32 start index, then one op byte per step.
#include <fuzzer/FuzzedDataProvider.h>

#include <array>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>

#include "backend/xen/ring/event_page.h"
#include "backend/xen/transport.h"
#include "tests/fuzz/shared_page.h"

namespace vcam::xen {
namespace {

constexpr std::size_t kInCons = offsetof(xencamera_event_page, in_cons);
constexpr std::size_t kInProd = offsetof(xencamera_event_page, in_prod);
constexpr std::size_t kMaxSteps = 512;

using fuzz::require;

struct Page : fuzz::SharedPage {
  static std::size_t slotAt(std::uint32_t index) {
    return XENCAMERA_IN_RING_OFFS + (index % kEventRingSlots) * sizeof(xencamera_evt);
  }
};

// Whether event `prod` must wait: the page is full (63 unconsumed), or an unconsumed index
// in [cons, prod) shares its slot (found the slow way). Only for prod - cons <= 63.
bool mustWait(std::uint32_t cons, std::uint32_t prod) {
  if (prod - cons == kEventRingSlots) return true;
  for (std::uint32_t i = cons; i != prod; ++i) {
    if (Page::slotAt(i) == Page::slotAt(prod)) return true;
  }
  return false;
}

std::uint32_t nearOrAnywhere(FuzzedDataProvider& input, std::uint32_t near) {
  if (input.ConsumeBool()) return input.ConsumeIntegral<std::uint32_t>();
  return near + static_cast<std::uint32_t>(input.ConsumeIntegral<std::int8_t>());
}

void fuzzProducer(FuzzedDataProvider& input, Page& page) {
  auto producer = EventPageProducer::attach(page.bytes);
  require(producer.ok());
  std::uint32_t prod = page.word(kInProd);
  std::uint16_t nextId = 0;
  bool broken = false;
  for (std::size_t step = 0; step < kMaxSteps && input.remaining_bytes() > 0; ++step) {
    if (input.ConsumeBool()) {  // the frontend consumes, or lies about it
      page.setWord(kInCons, nearOrAnywhere(input, page.word(kInCons)));
      continue;
    }
    const Page before = page;
    const std::uint32_t cons = page.word(kInCons);
    xencamera_evt event{};
    event.type = XENCAMERA_EVT_FRAME_AVAIL;
    event.evt.frame_avail.seq_num = static_cast<std::uint32_t>(step);
    auto id = producer->post(event);
    if (!id) {
      const bool hostile = prod - cons > kEventRingSlots;
      if (broken || hostile) {
        require(id.error().code == EPROTO);
        broken = true;
      } else {
        require(id.error().code == ENOSPC && mustWait(cons, prod));
      }
      require(std::memcmp(before.bytes.data(), page.bytes.data(), kPageSize) == 0);
      continue;
    }
    require(!broken && prod - cons <= kEventRingSlots && !mustWait(cons, prod));
    require(*id == nextId++);
    xencamera_evt written;
    std::memcpy(&written, page.bytes.data() + Page::slotAt(prod), sizeof written);
    require(written.id == *id && written.evt.frame_avail.seq_num == step);
    ++prod;
    require(page.word(kInProd) == prod);
  }
}

void fuzzConsumer(FuzzedDataProvider& input, Page& page) {
  auto consumer = EventPageConsumer::attach(page.bytes);
  require(consumer.ok());
  std::uint32_t cons = page.word(kInCons);
  std::uint32_t prodSeen = cons;
  bool broken = false;
  for (std::size_t step = 0; step < kMaxSteps && input.remaining_bytes() > 0; ++step) {
    if (input.ConsumeBool()) {  // the backend posts, or lies about it
      if (input.ConsumeBool()) {
        const auto at = input.ConsumeIntegralInRange<std::size_t>(XENCAMERA_IN_RING_OFFS / 4,
                                                                  kPageSize / 4 - 1);
        page.setWord(at * 4, input.ConsumeIntegral<std::uint32_t>());
      }
      page.setWord(kInProd, nearOrAnywhere(input, page.word(kInProd)));
      continue;
    }
    const Page before = page;
    const std::uint32_t prod = page.word(kInProd);
    auto event = consumer->pop();
    const bool hostile = prod - cons > kEventRingSlots || prod - cons < prodSeen - cons;
    if (!event) {
      require(event.error().code == EPROTO && (broken || hostile));
      broken = true;
      continue;
    }
    require(!broken && !hostile);
    prodSeen = prod;
    if (!event->has_value()) {
      require(prod == cons);
      continue;
    }
    require(std::memcmp(&**event, before.bytes.data() + Page::slotAt(cons),
                        sizeof(xencamera_evt)) == 0);
    ++cons;
    require(page.word(kInCons) == cons);
  }
}

}  // namespace
}  // namespace vcam::xen

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider input(data, size);
  const bool producer = input.ConsumeBool();
  const auto start = input.ConsumeIntegral<std::uint32_t>();
  auto page = std::make_unique<vcam::xen::Page>();
  page->setWord(vcam::xen::kInCons, start);
  page->setWord(vcam::xen::kInProd, start);
  if (producer) {
    vcam::xen::fuzzProducer(input, *page);
  } else {
    vcam::xen::fuzzConsumer(input, *page);
  }
  return 0;
}
