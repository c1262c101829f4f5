// SPDX-License-Identifier: MIT
// The cameraif event page: the backend posts events, the frontend consumes them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include <vcamera/cameraif.h>
#include <vcamera/common/result.h>

namespace vcam::xen {

/// Event slots after the page's 64-byte header: XENCAMERA_IN_RING_LEN.
inline constexpr std::uint32_t kEventRingSlots = static_cast<std::uint32_t>(XENCAMERA_IN_RING_LEN);

// How the event page is shared. The frontend allocates the page zeroed, grants it and
// publishes its reference; the backend maps it read-write. in_prod is the backend's, in_cons
// the frontend's; both run freely modulo 2^32 and event i lives in slot i % 63
// (XENCAMERA_IN_RING_REF). Each end starts from the page's current value of its own index
// (0 on a fresh page), read once when it attaches, and keeps it privately from then on: the
// other side's writes to it are never read back. A reconnect gets a fresh page.
//
// 63 does not divide 2^32, so at the index wrap two live indices can share a slot (2^32 - 3
// and 1 both land in slot 1). The producer therefore checks the slot it is about to write
// against every unconsumed index, not just the count, and waits (ENOSPC) rather than
// overwrite; the consumer reads slot i % 63 as the reference frontend does.

/// The backend end: posts events without ever overwriting one the frontend has not consumed.
/// Event ids are the producer's: 0, 1, 2, ... per producer (that is, per connection),
/// wrapping at 16 bits, and an id is used only by an event that was posted - the reference
/// frontend drops every event after a gap. Borrows the page. Move-only, not thread-safe.
class EventPageProducer {
 public:
  /// Attaches to the event page; in_prod is read here, once, and is ours from then on.
  /// EINVAL if `page` is shorter than a page or not 4-byte aligned.
  [[nodiscard]] static Result<EventPageProducer> attach(std::span<std::byte> page);

  EventPageProducer(EventPageProducer&&) noexcept = default;
  EventPageProducer& operator=(EventPageProducer&&) noexcept = default;
  EventPageProducer(const EventPageProducer&) = delete;
  EventPageProducer& operator=(const EventPageProducer&) = delete;
  ~EventPageProducer() = default;

  /// Writes `event` with the next id (whatever event.id held is replaced) into the next slot
  /// and publishes it; returns the id used. The caller then notifies the event channel.
  /// ENOSPC when the slot still holds an unconsumed event: nothing written, no id used.
  /// EPROTO (and broken for good) when in_cons is ahead of in_prod or more than 63 behind.
  [[nodiscard]] Result<std::uint16_t> post(xencamera_evt event);

  /// The id the next posted event gets.
  [[nodiscard]] std::uint16_t nextId() const { return nextId_; }
  [[nodiscard]] bool broken() const { return broken_.has_value(); }

 private:
  EventPageProducer(std::byte* page, std::uint32_t prod) : page_(page), prod_(prod) {}

  std::byte* page_ = nullptr;
  std::uint32_t prod_ = 0;  ///< what we last stored in in_prod (never read back)
  std::uint16_t nextId_ = 0;
  std::optional<Error> broken_;
};

/// The frontend end (for the frontend client library and tests): copies each event out once
/// and advances in_cons after it. Borrows the page. Move-only, not thread-safe.
class EventPageConsumer {
 public:
  /// Attaches to the event page; in_cons is read here, once, and is ours from then on.
  /// EINVAL if `page` is shorter than a page or not 4-byte aligned.
  [[nodiscard]] static Result<EventPageConsumer> attach(std::span<std::byte> page);

  EventPageConsumer(EventPageConsumer&&) noexcept = default;
  EventPageConsumer& operator=(EventPageConsumer&&) noexcept = default;
  EventPageConsumer(const EventPageConsumer&) = delete;
  EventPageConsumer& operator=(const EventPageConsumer&) = delete;
  ~EventPageConsumer() = default;

  /// The next event, copied out of its slot (in_cons then moves past it), or nullopt when
  /// none is waiting. EPROTO (and broken for good) when in_prod is more than 63 ahead of
  /// in_cons, behind it, or moves backwards.
  [[nodiscard]] Result<std::optional<xencamera_evt>> pop();

  [[nodiscard]] bool broken() const { return broken_.has_value(); }

 private:
  EventPageConsumer(std::byte* page, std::uint32_t cons)
      : page_(page), cons_(cons), prodSeen_(cons) {}

  std::byte* page_ = nullptr;
  std::uint32_t cons_ = 0;      ///< what we last stored in in_cons (never read back)
  std::uint32_t prodSeen_ = 0;  ///< the largest in_prod seen (it may only grow)
  std::optional<Error> broken_;
};

}  // namespace vcam::xen
