// SPDX-License-Identifier: MIT
// Explicit atomic access to the 32-bit indices of pages shared with another domain.
//
// Xen's ring.h orders shared-ring accesses with xen_rmb/xen_wmb/xen_mb, which user space does
// not have; here every access to a shared index says what it is: an acquire load of the other
// side's producer or consumer index, a release store of ours, and a sequentially consistent
// fence where ring.h puts xen_mb (between "publish" and "look at the other side's event index").
// Slot payloads are copied with memcpy, once, by the callers.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>

#include <vcamera/cameraif.h>
#include <vcamera/common/result.h>

#include "backend/xen/transport.h"

namespace vcam::xen::detail {

using SharedIndex = std::uint32_t;  ///< RING_IDX and the event page's in_prod/in_cons
static_assert(std::atomic_ref<SharedIndex>::is_always_lock_free);

/// The other side's index, and everything it wrote before publishing it.
[[nodiscard]] inline SharedIndex loadAcquire(SharedIndex& field) {
  return std::atomic_ref<SharedIndex>(field).load(std::memory_order_acquire);
}

/// An index only hold-off logic depends on (an event index): no ordering needed.
[[nodiscard]] inline SharedIndex loadRelaxed(SharedIndex& field) {
  return std::atomic_ref<SharedIndex>(field).load(std::memory_order_relaxed);
}

/// Publishes our index after everything we wrote before it (ring.h: xen_wmb, then store).
inline void storeRelease(SharedIndex& field, SharedIndex value) {
  std::atomic_ref<SharedIndex>(field).store(value, std::memory_order_release);
}

/// An event index: its ordering comes from the full barrier that follows it.
inline void storeRelaxed(SharedIndex& field, SharedIndex value) {
  std::atomic_ref<SharedIndex>(field).store(value, std::memory_order_relaxed);
}

/// ring.h's xen_mb(): our store is visible before the load that follows.
inline void fullBarrier() { std::atomic_thread_fence(std::memory_order_seq_cst); }

/// ring.h's notify test: did the other side's event index fall in (old, new]?
[[nodiscard]] inline bool eventInWindow(SharedIndex oldIndex, SharedIndex newIndex,
                                        SharedIndex event) {
  return static_cast<SharedIndex>(newIndex - event) < static_cast<SharedIndex>(newIndex - oldIndex);
}

/// Checks that `page` can hold a shared page: at least kPageSize bytes, 4-byte aligned.
[[nodiscard]] inline Status checkSharedPage(std::span<std::byte> page, const char* what) {
  if (page.data() == nullptr || page.size() < kPageSize) {
    return makeError(EINVAL, std::string(what) + ": the shared page must be " +
                                 std::to_string(kPageSize) + " bytes, got " +
                                 std::to_string(page.size()));
  }
  if (reinterpret_cast<std::uintptr_t>(page.data()) % alignof(SharedIndex) != 0) {
    return makeError(EINVAL, std::string(what) + ": the shared page is not 4-byte aligned");
  }
  return {};
}

/// A view of the shared page as the ABI struct (pages are suitably aligned, checked above).
template <typename T>
[[nodiscard]] inline T* sharedStruct(std::byte* page) {
  return static_cast<T*>(static_cast<void*>(page));
}

/// The request ring's shared header.
[[nodiscard]] inline xen_cameraif_sring* sharedRing(std::byte* page) {
  return sharedStruct<xen_cameraif_sring>(page);
}

/// Request ring slot `index & (size - 1)`, computed from the page rather than through
/// sring->ring[1], so no declared array bound is ever exceeded.
[[nodiscard]] inline std::byte* requestSlot(std::byte* page, std::uint32_t index) {
  constexpr std::uint32_t kSlots = VCAMERA_REQ_RING_SIZE;
  static_assert((kSlots & (kSlots - 1)) == 0, "ring.h indexes slots with index & (size - 1)");
  const std::size_t at = index & (kSlots - 1);
  return page + offsetof(xen_cameraif_sring, ring) + at * sizeof(xen_cameraif_sring_entry);
}

/// A broken connection's error, repeated by every later call.
[[nodiscard]] inline Error brokenError(const char* what, const std::string& why) {
  return makeError(EPROTO, std::string(what) + " is broken: " + why);
}

}  // namespace vcam::xen::detail
