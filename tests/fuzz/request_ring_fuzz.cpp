// SPDX-License-Identifier: MIT
// Fuzz target: the request ring. Mode 0 pits BackRequestRing against a frontend that writes
// anything anywhere; mode 1 runs both ends honestly in a fuzzer-chosen order and checks that
// nothing is lost, reordered or left without a wake-up.
//
// Input: u8 mode, u32 start index, then one op byte per step (plus that op's operands).
#include <fuzzer/FuzzedDataProvider.h>

#include <array>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <memory>
#include <optional>

#include <vcamera/proto/wire.h>

#include "backend/xen/ring/back_request_ring.h"
#include "backend/xen/ring/front_request_ring.h"
#include "backend/xen/transport.h"
#include "tests/fuzz/shared_page.h"

namespace vcam::xen {
namespace {

constexpr std::size_t kReqProd = offsetof(xen_cameraif_sring, req_prod);
constexpr std::size_t kReqEvent = offsetof(xen_cameraif_sring, req_event);
constexpr std::size_t kRspProd = offsetof(xen_cameraif_sring, rsp_prod);
constexpr std::size_t kRspEvent = offsetof(xen_cameraif_sring, rsp_event);
constexpr std::size_t kSlots = offsetof(xen_cameraif_sring, ring);
constexpr std::size_t kSlotSize = sizeof(xen_cameraif_sring_entry);
constexpr std::size_t kMaxSteps = 512;

using fuzz::require;

struct Page : fuzz::SharedPage {
  std::size_t slotAt(std::uint32_t index) const {
    return kSlots + (index % kRequestRingSize) * kSlotSize;
  }
};

// Bytes outside [from, from + length) are unchanged.
bool onlyChanged(const Page& before, const Page& after, std::size_t from, std::size_t length) {
  for (std::size_t i = 0; i < kPageSize; ++i) {
    if ((i < from || i >= from + length) && before.bytes[i] != after.bytes[i]) return false;
  }
  return true;
}

void requireBroken(const Error& error) { require(error.code == EPROTO && !error.message.empty()); }

// ---- mode 0: a hostile frontend -----------------------------------------------------------

// The backend as the frontend may know it: how far it read and answered.
struct BackModel {
  std::uint32_t cons;
  std::uint32_t rspPvt;
  std::uint32_t prodSeen;
  bool broken = false;
};

// Whether req_prod is one a backend in `model`'s state may accept (else the ring must break).
bool acceptable(const BackModel& model, std::uint32_t prod) {
  const std::uint32_t waiting = prod - model.cons;
  return waiting <= kRequestRingSize && prod - model.rspPvt <= kRequestRingSize &&
         waiting >= model.prodSeen - model.cons;
}

void hostileStep(FuzzedDataProvider& input, Page& page, BackRequestRing& back, BackModel& model) {
  const Page before = page;
  switch (input.ConsumeIntegralInRange<int>(0, 6)) {
    case 0: {  // the frontend moves req_prod near where it is, or anywhere
      const auto delta = input.ConsumeIntegral<std::int8_t>();
      const std::uint32_t prod = input.ConsumeBool()
                                     ? page.word(kReqProd) + static_cast<std::uint32_t>(delta)
                                     : input.ConsumeIntegral<std::uint32_t>();
      page.setWord(kReqProd, prod);
      return;
    }
    case 1: {  // the frontend scribbles on a slot or an event index
      const auto at = input.ConsumeIntegralInRange<std::size_t>(0, kPageSize - 4);
      page.setWord(at & ~std::size_t{3}, input.ConsumeIntegral<std::uint32_t>());
      return;
    }
    case 2: {
      const std::uint32_t prod = page.word(kReqProd);
      auto popped = back.pop();
      require(onlyChanged(before, page, 0, 0));  // reading writes nothing
      if (!popped) {
        requireBroken(popped.error());
        require(model.broken || !acceptable(model, prod));
        model.broken = true;
        return;
      }
      require(!model.broken && acceptable(model, prod));
      model.prodSeen = prod;
      if (!popped->has_value()) {
        require(prod == model.cons);
        return;
      }
      require(prod != model.cons);
      require(std::memcmp(&**popped, before.bytes.data() + before.slotAt(model.cons),
                          sizeof(xencamera_req)) == 0);
      (void)proto::decodeRequest(**popped);  // what the backend does next
      ++model.cons;
      return;
    }
    case 3: {
      xencamera_resp reply{};
      reply.id = input.ConsumeIntegral<std::uint16_t>();
      reply.status = -EINVAL;
      auto pushed = back.pushResponse(reply);
      if (model.broken) return requireBroken(pushed.error());
      if (model.cons == model.rspPvt) {
        require(!pushed.ok() && pushed.error().code == EINVAL);
        return;
      }
      require(pushed.ok());
      require(onlyChanged(before, page, before.slotAt(model.rspPvt), sizeof reply));
      require(std::memcmp(&reply, page.bytes.data() + page.slotAt(model.rspPvt), sizeof reply) ==
              0);
      ++model.rspPvt;
      return;
    }
    case 4: {
      auto notify = back.publishResponses();
      if (model.broken) return requireBroken(notify.error());
      require(notify.ok() && page.word(kRspProd) == model.rspPvt);
      require(onlyChanged(before, page, kRspProd, 4));
      return;
    }
    case 5: {
      const std::uint32_t prod = page.word(kReqProd);
      auto work = back.finalCheck();
      if (!work) {
        requireBroken(work.error());
        require(model.broken || !acceptable(model, prod));
        model.broken = true;
        return;
      }
      require(!model.broken && acceptable(model, prod));
      require(*work == (prod != model.cons));
      require(onlyChanged(before, page, kReqEvent, 4));
      if (!*work) require(page.word(kReqEvent) == model.cons + 1);
      model.prodSeen = prod;
      return;
    }
    default:
      require(back.unanswered() <= kRequestRingSize && back.unpublished() <= kRequestRingSize);
      require(back.broken() == model.broken);
      return;
  }
}

void fuzzHostile(FuzzedDataProvider& input, std::uint32_t start) {
  auto page = std::make_unique<Page>();
  page->setWord(kReqProd, start);
  page->setWord(kRspProd, start);
  page->setWord(kReqEvent, start + 1);
  page->setWord(kRspEvent, start + 1);
  auto back = BackRequestRing::attach(page->bytes, start);
  require(back.ok());
  BackModel model{start, start, start};
  for (std::size_t step = 0; step < kMaxSteps && input.remaining_bytes() > 0; ++step) {
    hostileStep(input, *page, *back, model);
  }
}

// ---- mode 1: both ends honest -------------------------------------------------------------

struct Pair {
  std::unique_ptr<Page> page = std::make_unique<Page>();
  std::optional<FrontRequestRing> front;
  std::optional<BackRequestRing> back;
  std::uint16_t nextId = 0;
  std::deque<std::uint16_t> sent;      ///< pushed, not yet popped by the backend
  std::deque<std::uint16_t> answered;  ///< replies pushed, not yet popped by the frontend
  std::size_t unpublishedRequests = 0;
  std::size_t unpublishedReplies = 0;
  std::uint32_t unanswered = 0;
  bool backAsleep = false;  ///< its last finalCheck found nothing: only a notify wakes it
  bool frontAsleep = false;
};

void honestStep(FuzzedDataProvider& input, Pair& p) {
  switch (input.ConsumeIntegralInRange<int>(0, 7)) {
    case 0: {
      xencamera_req request{};
      request.id = p.nextId;
      auto pushed = p.front->push(request);
      if (p.front->freeSlots() == 0 && !pushed.ok()) return require(pushed.error().code == ENOSPC);
      require(pushed.ok());
      p.sent.push_back(p.nextId++);
      ++p.unpublishedRequests;
      return;
    }
    case 1: {
      auto notify = p.front->publishRequests();
      require(notify.ok());
      // No lost wake-up: a sleeping backend is notified of new requests.
      if (p.backAsleep && p.unpublishedRequests > 0) require(*notify);
      if (p.unpublishedRequests == 0) require(!*notify);
      if (*notify) p.backAsleep = false;
      p.unpublishedRequests = 0;
      return;
    }
    case 2: {
      p.backAsleep = false;
      auto popped = p.back->pop();
      require(popped.ok());
      if (!popped->has_value()) return;
      require(!p.sent.empty() && (*popped)->id == p.sent.front());
      p.answered.push_back(p.sent.front());
      p.sent.pop_front();
      ++p.unanswered;
      return;
    }
    case 3: {
      p.backAsleep = false;
      if (p.unanswered == 0) return;
      xencamera_resp reply{};
      reply.id = p.answered[p.answered.size() - p.unanswered];
      require(p.back->pushResponse(reply).ok());
      --p.unanswered;
      ++p.unpublishedReplies;
      return;
    }
    case 4: {
      auto notify = p.back->publishResponses();
      require(notify.ok());
      if (p.frontAsleep && p.unpublishedReplies > 0) require(*notify);
      if (p.unpublishedReplies == 0) require(!*notify);
      if (*notify) p.frontAsleep = false;
      p.unpublishedReplies = 0;
      return;
    }
    case 5: {
      p.frontAsleep = false;
      auto popped = p.front->pop();
      require(popped.ok());
      if (!popped->has_value()) return;
      require(p.answered.size() > p.unanswered && (*popped)->id == p.answered.front());
      p.answered.pop_front();
      return;
    }
    case 6: {
      auto work = p.back->finalCheck();
      require(work.ok());
      p.backAsleep = !*work;
      return;
    }
    default: {
      auto work = p.front->finalCheck();
      require(work.ok());
      p.frontAsleep = !*work;
      return;
    }
  }
}

void fuzzHonest(FuzzedDataProvider& input, std::uint32_t start) {
  Pair p;
  p.front.emplace(std::move(FrontRequestRing::init(p.page->bytes, start).value()));
  p.back.emplace(std::move(BackRequestRing::attach(p.page->bytes, start).value()));
  for (std::size_t step = 0; step < kMaxSteps && input.remaining_bytes() > 0; ++step) {
    honestStep(input, p);
  }
}

}  // namespace
}  // namespace vcam::xen

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider input(data, size);
  const bool honest = input.ConsumeBool();
  const auto start = input.ConsumeIntegral<std::uint32_t>();
  if (honest) {
    vcam::xen::fuzzHonest(input, start);
  } else {
    vcam::xen::fuzzHostile(input, start);
  }
  return 0;
}
