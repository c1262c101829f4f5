// SPDX-License-Identifier: MIT
// EventPageProducer and EventPageConsumer: the event page with explicit atomics and checks.
#include "backend/xen/ring/event_page.h"

#include <cstring>

#include "backend/xen/ring/shared_index.h"

namespace vcam::xen {
namespace {

constexpr const char* kWhat = "event page";

static_assert(XENCAMERA_IN_RING_OFFS + kEventRingSlots * sizeof(xencamera_evt) <=
              XENCAMERA_EVENT_PAGE_SIZE);

xencamera_event_page* header(std::byte* page) {
  return detail::sharedStruct<xencamera_event_page>(page);
}

// XENCAMERA_IN_RING_REF(page, index), as an address.
std::byte* eventSlot(std::byte* page, std::uint32_t index) {
  return page + XENCAMERA_IN_RING_OFFS + (index % kEventRingSlots) * sizeof(xencamera_evt);
}

// Whether event `prod` must wait: 63 events are unconsumed (the page is full), or one of the
// unconsumed indices in [cons, prod) shares its slot. Without a wrap of the indices inside
// the window, fewer than 63 consecutive indices never do; across the wrap (63 does not divide
// 2^32) they may, so look at each of them (62 at most).
bool slotStillLive(std::uint32_t cons, std::uint32_t prod) {
  const std::uint32_t live = prod - cons;
  if (live >= kEventRingSlots) return true;
  if (cons <= prod) return false;
  const std::uint32_t wanted = prod % kEventRingSlots;
  for (std::uint32_t i = 0; i < live; ++i) {
    if ((cons + i) % kEventRingSlots == wanted) return true;
  }
  return false;
}

}  // namespace

Result<EventPageProducer> EventPageProducer::attach(std::span<std::byte> page) {
  if (Status ok = detail::checkSharedPage(page, kWhat); !ok) return ok.error();
  return EventPageProducer(page.data(), detail::loadAcquire(header(page.data())->in_prod));
}

Result<std::uint16_t> EventPageProducer::post(xencamera_evt event) {
  if (broken_) return *broken_;
  // Acquire: the frontend's reads of the slots it consumed are done before we reuse them.
  const std::uint32_t cons = detail::loadAcquire(header(page_)->in_cons);
  if (prod_ - cons > kEventRingSlots) {
    broken_ = detail::brokenError(kWhat, "in_cons " + std::to_string(cons) + " is not within the " +
                                             std::to_string(kEventRingSlots) +
                                             " events before in_prod " + std::to_string(prod_));
    return *broken_;
  }
  if (slotStillLive(cons, prod_)) {
    return makeError(ENOSPC, "event page: slot of event " + std::to_string(prod_) +
                                 " still holds an event the frontend has not consumed (" +
                                 std::to_string(prod_ - cons) + " waiting)");
  }
  event.id = nextId_;
  std::memcpy(eventSlot(page_, prod_), &event, sizeof event);
  ++prod_;
  detail::storeRelease(header(page_)->in_prod, prod_);
  return nextId_++;
}

Result<EventPageConsumer> EventPageConsumer::attach(std::span<std::byte> page) {
  if (Status ok = detail::checkSharedPage(page, kWhat); !ok) return ok.error();
  return EventPageConsumer(page.data(), detail::loadAcquire(header(page.data())->in_cons));
}

Result<std::optional<xencamera_evt>> EventPageConsumer::pop() {
  if (broken_) return *broken_;
  const std::uint32_t prod = detail::loadAcquire(header(page_)->in_prod);
  const std::uint32_t waiting = prod - cons_;
  std::string why;
  if (waiting > kEventRingSlots) {
    why = "in_prod " + std::to_string(prod) + " is not within " + std::to_string(kEventRingSlots) +
          " events after in_cons " + std::to_string(cons_);
  } else if (waiting < prodSeen_ - cons_) {
    why =
        "in_prod moved backwards from " + std::to_string(prodSeen_) + " to " + std::to_string(prod);
  }
  if (!why.empty()) {
    broken_ = detail::brokenError(kWhat, why);
    return *broken_;
  }
  prodSeen_ = prod;
  if (waiting == 0) return std::optional<xencamera_evt>{};
  xencamera_evt event;
  std::memcpy(&event, eventSlot(page_, cons_), sizeof event);
  ++cons_;
  // Release: our copy of the slot is complete before the backend may reuse it.
  detail::storeRelease(header(page_)->in_cons, cons_);
  return std::optional<xencamera_evt>{event};
}

}  // namespace vcam::xen
