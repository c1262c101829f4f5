// SPDX-License-Identifier: MIT
// FrontRequestRing: ring.h's front-ring macros with explicit atomics and hostile-index checks.
#include "backend/xen/ring/front_request_ring.h"

#include <cstring>

#include "backend/xen/ring/shared_index.h"

namespace vcam::xen {
namespace {
constexpr const char* kWhat = "request ring";
}  // namespace

Result<FrontRequestRing> FrontRequestRing::init(std::span<std::byte> page,
                                                std::uint32_t startIndex) {
  if (Status ok = detail::checkSharedPage(page, kWhat); !ok) return ok.error();
  xen_cameraif_sring* ring = detail::sharedRing(page.data());
  // The backend is not attached yet, but it may be mapping the page already: store the
  // indices as the atomics they are everywhere else.
  detail::storeRelaxed(ring->req_prod, startIndex);
  detail::storeRelaxed(ring->rsp_prod, startIndex);
  detail::storeRelaxed(ring->req_event, startIndex + 1);
  detail::storeRelaxed(ring->rsp_event, startIndex + 1);
  std::memset(ring->pvt.pvt_pad, 0, sizeof ring->pvt.pvt_pad);
  std::memset(ring->__pad, 0, sizeof ring->__pad);
  detail::fullBarrier();
  return FrontRequestRing(page.data(), startIndex);
}

FrontRequestRing::FrontRequestRing(std::byte* page, std::uint32_t startIndex)
    : page_(page),
      reqProdPvt_(startIndex),
      reqPublished_(startIndex),
      rspCons_(startIndex),
      rspProdSeen_(startIndex) {}

Error FrontRequestRing::breakWith(const std::string& why) {
  broken_ = detail::brokenError(kWhat, why);
  return *broken_;
}

Result<std::uint32_t> FrontRequestRing::available() {
  if (broken_) return *broken_;
  const std::uint32_t prod = detail::loadAcquire(detail::sharedRing(page_)->rsp_prod);
  const std::uint32_t waiting = prod - rspCons_;
  // RING_RESPONSE_PROD_OVERFLOW, tightened: a reply needs a published request.
  if (waiting > reqPublished_ - rspCons_) {
    return breakWith("rsp_prod " + std::to_string(prod) + " is not within the " +
                     std::to_string(reqPublished_ - rspCons_) +
                     " published requests after rsp_cons " + std::to_string(rspCons_));
  }
  if (waiting < rspProdSeen_ - rspCons_) {
    return breakWith("rsp_prod moved backwards from " + std::to_string(rspProdSeen_) + " to " +
                     std::to_string(prod));
  }
  rspProdSeen_ = prod;
  return waiting;
}

Status FrontRequestRing::push(const xencamera_req& request) {
  if (broken_) return *broken_;
  if (freeSlots() == 0) {
    return makeError(ENOSPC, "request ring: all " + std::to_string(kRequestRingSize) +
                                 " slots hold requests whose replies were not taken");
  }
  std::memcpy(detail::requestSlot(page_, reqProdPvt_), &request, sizeof request);
  ++reqProdPvt_;
  return {};
}

Result<bool> FrontRequestRing::publishRequests() {
  if (broken_) return *broken_;
  xen_cameraif_sring* ring = detail::sharedRing(page_);
  const std::uint32_t oldProd = reqPublished_;
  const std::uint32_t newProd = reqProdPvt_;
  detail::storeRelease(ring->req_prod, newProd);
  detail::fullBarrier();  // the backend sees the requests before we look at req_event
  const std::uint32_t event = detail::loadRelaxed(ring->req_event);
  reqPublished_ = newProd;
  return detail::eventInWindow(oldProd, newProd, event);
}

Result<std::optional<xencamera_resp>> FrontRequestRing::pop() {
  Result<std::uint32_t> waiting = available();
  if (!waiting) return waiting.error();
  if (*waiting == 0) return std::optional<xencamera_resp>{};
  xencamera_resp response;
  std::memcpy(&response, detail::requestSlot(page_, rspCons_), sizeof response);
  ++rspCons_;
  return std::optional<xencamera_resp>{response};
}

Result<bool> FrontRequestRing::finalCheck() {
  Result<std::uint32_t> waiting = available();
  if (!waiting) return waiting.error();
  if (*waiting > 0) return true;
  detail::storeRelaxed(detail::sharedRing(page_)->rsp_event, rspCons_ + 1);
  detail::fullBarrier();  // the backend sees rsp_event before we look at rsp_prod again
  waiting = available();
  if (!waiting) return waiting.error();
  return *waiting > 0;
}

}  // namespace vcam::xen
