// SPDX-License-Identifier: MIT
// BackRequestRing: ring.h's back-ring macros with explicit atomics and hostile-index checks.
#include "backend/xen/ring/back_request_ring.h"

#include <algorithm>
#include <cstring>

#include "backend/xen/ring/shared_index.h"

namespace vcam::xen {
namespace {
constexpr const char* kWhat = "request ring";
}  // namespace

Result<BackRequestRing> BackRequestRing::attach(std::span<std::byte> page,
                                                std::uint32_t startIndex) {
  if (Status ok = detail::checkSharedPage(page, kWhat); !ok) return ok.error();
  return BackRequestRing(page.data(), startIndex);
}

BackRequestRing::BackRequestRing(std::byte* page, std::uint32_t startIndex)
    : page_(page),
      reqCons_(startIndex),
      reqProdSeen_(startIndex),
      rspProdPvt_(startIndex),
      rspPublished_(startIndex) {}

Error BackRequestRing::breakWith(const std::string& why) {
  broken_ = detail::brokenError(kWhat, why);
  return *broken_;
}

Result<std::uint32_t> BackRequestRing::available() {
  if (broken_) return *broken_;
  const std::uint32_t prod = detail::loadAcquire(detail::sharedRing(page_)->req_prod);
  const std::uint32_t waiting = prod - reqCons_;
  if (waiting > kRequestRingSize) {
    return breakWith("req_prod " + std::to_string(prod) + " is not within " +
                     std::to_string(kRequestRingSize) + " slots ahead of req_cons " +
                     std::to_string(reqCons_));
  }
  // RING_REQUEST_PROD_OVERFLOW: the frontend cannot have more requests out than slots.
  if (prod - rspProdPvt_ > kRequestRingSize) {
    return breakWith("req_prod " + std::to_string(prod) + " is more than " +
                     std::to_string(kRequestRingSize) + " requests ahead of the replies (" +
                     std::to_string(rspProdPvt_) + ")");
  }
  if (waiting < reqProdSeen_ - reqCons_) {
    return breakWith("req_prod moved backwards from " + std::to_string(reqProdSeen_) + " to " +
                     std::to_string(prod));
  }
  reqProdSeen_ = prod;
  // RING_REQUEST_CONS_OVERFLOW: keep a slot for the reply of every request we take.
  const std::uint32_t replySlots = kRequestRingSize - unanswered();
  return std::min(waiting, replySlots);
}

Result<std::optional<xencamera_req>> BackRequestRing::pop() {
  Result<std::uint32_t> waiting = available();
  if (!waiting) return waiting.error();
  if (*waiting == 0) return std::optional<xencamera_req>{};
  xencamera_req request;
  std::memcpy(&request, detail::requestSlot(page_, reqCons_), sizeof request);
  ++reqCons_;
  return std::optional<xencamera_req>{request};
}

Status BackRequestRing::pushResponse(const xencamera_resp& response) {
  if (broken_) return *broken_;
  if (unanswered() == 0) {
    return makeError(EINVAL, "request ring: no request is waiting for a reply");
  }
  std::memcpy(detail::requestSlot(page_, rspProdPvt_), &response, sizeof response);
  ++rspProdPvt_;
  return {};
}

Result<bool> BackRequestRing::publishResponses() {
  if (broken_) return *broken_;
  xen_cameraif_sring* ring = detail::sharedRing(page_);
  const std::uint32_t oldProd = rspPublished_;
  const std::uint32_t newProd = rspProdPvt_;
  detail::storeRelease(ring->rsp_prod, newProd);
  detail::fullBarrier();  // the frontend sees the replies before we look at rsp_event
  const std::uint32_t event = detail::loadRelaxed(ring->rsp_event);
  rspPublished_ = newProd;
  return detail::eventInWindow(oldProd, newProd, event);
}

Result<bool> BackRequestRing::finalCheck() {
  Result<std::uint32_t> waiting = available();
  if (!waiting) return waiting.error();
  if (*waiting > 0) return true;
  detail::storeRelaxed(detail::sharedRing(page_)->req_event, reqCons_ + 1);
  detail::fullBarrier();  // the frontend sees req_event before we look at req_prod again
  waiting = available();
  if (!waiting) return waiting.error();
  return *waiting > 0;
}

}  // namespace vcam::xen
