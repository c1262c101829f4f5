// SPDX-License-Identifier: MIT
// The frontend's side of the cameraif request ring: requests out, replies in.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include <vcamera/cameraif.h>
#include <vcamera/common/result.h>

#include "backend/xen/ring/back_request_ring.h"

namespace vcam::xen {

/// The frontend end of a cameraif request ring, over a page the frontend owns and grants to
/// the backend (for the frontend client library and tests). It does what ring.h's front-ring
/// macros do, with explicit atomics, and trusts nothing the backend writes:
///  - each reply is copied out of its slot once;
///  - an rsp_prod beyond the requests we published, or moving backwards, breaks the ring:
///    nothing more is read and every call fails with EPROTO.
/// Borrows the page: it must stay mapped while the ring lives. Move-only, not thread-safe.
class FrontRequestRing {
 public:
  /// Initialises the shared ring (SHARED_RING_INIT: indices at `startIndex`, event indices
  /// one past it, padding zeroed) and attaches to it. `startIndex` is 0 except in tests of
  /// index wrap-around. EINVAL if `page` is shorter than a page or not 4-byte aligned.
  [[nodiscard]] static Result<FrontRequestRing> init(std::span<std::byte> page,
                                                     std::uint32_t startIndex = 0);

  FrontRequestRing(FrontRequestRing&&) noexcept = default;
  FrontRequestRing& operator=(FrontRequestRing&&) noexcept = default;
  FrontRequestRing(const FrontRequestRing&) = delete;
  FrontRequestRing& operator=(const FrontRequestRing&) = delete;
  ~FrontRequestRing() = default;

  /// Writes a request into the next free slot; the backend sees it after publishRequests().
  /// ENOSPC when every slot holds a request whose reply we have not popped.
  [[nodiscard]] Status push(const xencamera_req& request);

  /// Makes the written requests visible (RING_PUSH_REQUESTS_AND_CHECK_NOTIFY): true when the
  /// backend asked to be notified (its req_event fell among them), so the caller notifies.
  [[nodiscard]] Result<bool> publishRequests();

  /// The next reply, copied out of the ring, or nullopt when none is waiting. EPROTO once
  /// broken.
  [[nodiscard]] Result<std::optional<xencamera_resp>> pop();

  /// RING_FINAL_CHECK_FOR_RESPONSES: true when a reply can be popped; otherwise asks the
  /// backend to notify us on its next reply (rsp_event) and looks once more.
  [[nodiscard]] Result<bool> finalCheck();

  /// Slots free for push().
  [[nodiscard]] std::uint32_t freeSlots() const {
    return kRequestRingSize - (reqProdPvt_ - rspCons_);
  }
  [[nodiscard]] bool broken() const { return broken_.has_value(); }

 private:
  FrontRequestRing(std::byte* page, std::uint32_t startIndex);

  /// Reads and validates rsp_prod; how many replies may be popped now.
  [[nodiscard]] Result<std::uint32_t> available();
  [[nodiscard]] Error breakWith(const std::string& why);

  std::byte* page_ = nullptr;
  std::uint32_t reqProdPvt_ = 0;    ///< next request slot to write
  std::uint32_t reqPublished_ = 0;  ///< what we last stored in req_prod (never read back)
  std::uint32_t rspCons_ = 0;       ///< next reply to copy out
  std::uint32_t rspProdSeen_ = 0;   ///< the largest rsp_prod seen (it may only grow)
  std::optional<Error> broken_;
};

}  // namespace vcam::xen
