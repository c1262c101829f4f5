// SPDX-License-Identifier: MIT
// The backend's side of the cameraif request ring (xen_cameraif_sring): requests in, replies out.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include <vcamera/cameraif.h>
#include <vcamera/common/result.h>

namespace vcam::xen {

/// Slots in the one-page request ring: __CONST_RING_SIZE(xen_cameraif, 4096).
inline constexpr std::uint32_t kRequestRingSize = VCAMERA_REQ_RING_SIZE;

/// The backend end of a cameraif request ring, over the page the frontend granted (mapped
/// read-write). It does what ring.h's back-ring macros do, with explicit atomics, and trusts
/// nothing the frontend writes:
///  - each request is copied out of its slot once, into a private xencamera_req;
///  - a req_prod that runs more than a ring ahead of what we answered, or moves backwards,
///    breaks the ring: nothing more is read and every call fails with EPROTO;
///  - a request is consumed only while its reply will have a free slot
///    (RING_REQUEST_CONS_OVERFLOW), whatever req_prod says.
/// Indices are free-running u32 values; all arithmetic is modulo 2^32.
/// Borrows the page: it must stay mapped while the ring lives. Move-only, not thread-safe.
class BackRequestRing {
 public:
  /// Attaches to a ring the frontend initialised (SHARED_RING_INIT puts every index at 0;
  /// `startIndex` is for rings initialised elsewhere, as BACK_RING_ATTACH allows). EINVAL if
  /// `page` is shorter than a page or not 4-byte aligned.
  [[nodiscard]] static Result<BackRequestRing> attach(std::span<std::byte> page,
                                                      std::uint32_t startIndex = 0);

  BackRequestRing(BackRequestRing&&) noexcept = default;
  BackRequestRing& operator=(BackRequestRing&&) noexcept = default;
  BackRequestRing(const BackRequestRing&) = delete;
  BackRequestRing& operator=(const BackRequestRing&) = delete;
  ~BackRequestRing() = default;

  /// The next request, copied out of the ring, or nullopt when none is waiting (or when every
  /// slot holds a reply the frontend has not been given yet). EPROTO once broken.
  [[nodiscard]] Result<std::optional<xencamera_req>> pop();

  /// Writes the reply to the oldest unanswered request into its slot; the frontend sees it
  /// after publishResponses(). EINVAL when every popped request has its reply already.
  [[nodiscard]] Status pushResponse(const xencamera_resp& response);

  /// Makes the written replies visible (RING_PUSH_RESPONSES_AND_CHECK_NOTIFY): true when the
  /// frontend asked to be notified (its rsp_event fell among them), so the caller notifies.
  [[nodiscard]] Result<bool> publishResponses();

  /// RING_FINAL_CHECK_FOR_REQUESTS: true when a request can be popped; otherwise asks the
  /// frontend to notify us on its next request (req_event), then looks once more, so a
  /// request published meanwhile is not missed. Call before going back to sleep.
  [[nodiscard]] Result<bool> finalCheck();

  /// Requests popped and not answered yet.
  [[nodiscard]] std::uint32_t unanswered() const { return reqCons_ - rspProdPvt_; }
  /// Replies written and not published yet.
  [[nodiscard]] std::uint32_t unpublished() const { return rspProdPvt_ - rspPublished_; }
  [[nodiscard]] bool broken() const { return broken_.has_value(); }

 private:
  BackRequestRing(std::byte* page, std::uint32_t startIndex);

  /// Reads and validates req_prod; how many requests may be popped now.
  [[nodiscard]] Result<std::uint32_t> available();
  [[nodiscard]] Error breakWith(const std::string& why);

  std::byte* page_ = nullptr;
  std::uint32_t reqCons_ = 0;       ///< next request to copy out
  std::uint32_t reqProdSeen_ = 0;   ///< the largest req_prod seen (it may only grow)
  std::uint32_t rspProdPvt_ = 0;    ///< next reply slot to write
  std::uint32_t rspPublished_ = 0;  ///< what we last stored in rsp_prod (never read back)
  std::optional<Error> broken_;
};

}  // namespace vcam::xen
