// SPDX-License-Identifier: MIT
// RingChannel: a connected frontend's transport as the backend holds it - both pages mapped,
// both ports bound, requests answered in bounded batches, events posted.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>

#include <vcamera/cameraif.h>
#include <vcamera/common/result.h>
#include <vcamera/proto/wire.h>
#include <vcamera/proto/xenstore_schema.h>

#include "backend/xen/ring/back_request_ring.h"
#include "backend/xen/ring/event_page.h"
#include "backend/xen/transport.h"

namespace vcam::session {

/// Requests answered per serve() call at most: one guest flooding its ring cannot keep the
/// loop from the others. serve() says when more are waiting, and the caller comes back.
inline constexpr std::size_t kRequestsPerTurn = 32;

class RingChannel {
 public:
  /// Maps the frontend's request ring and event page read-write and binds both of its ports.
  [[nodiscard]] static Result<std::unique_ptr<RingChannel>> open(
      xen::XenTransport& xen, xen::DomId frontend, const proto::FrontendTransport& transport);
  ~RingChannel() = default;
  RingChannel(const RingChannel&) = delete;
  RingChannel& operator=(const RingChannel&) = delete;

  [[nodiscard]] xen::Port requestPort() const { return reqPort_.port(); }
  [[nodiscard]] xen::Port eventPort() const { return evtPort_.port(); }

  /// Answers up to kRequestsPerTurn requests: each is decoded (an undecodable one gets an
  /// error status without reaching `answer`), answered and published with the notify
  /// hold-off. Returns true when requests are still waiting. EPROTO once the frontend broke
  /// the ring: the session must disconnect.
  [[nodiscard]] Result<bool> serve(
      const std::function<proto::Response(const proto::Request&)>& answer);

  /// Posts an event with the next id and notifies the frontend. ENOSPC when the event page
  /// is full (nothing posted, no id used).
  [[nodiscard]] Result<std::uint16_t> post(const proto::Event& event);

 private:
  RingChannel(xen::XenTransport& xen, xen::GrantMapping reqPage, xen::GrantMapping evtPage)
      : xen_(xen), reqPage_(std::move(reqPage)), evtPage_(std::move(evtPage)) {}

  xen::XenTransport& xen_;
  // Declared before what borrows them, so they are unmapped last.
  xen::GrantMapping reqPage_;
  xen::GrantMapping evtPage_;
  std::optional<xen::BackRequestRing> ring_;
  std::optional<xen::EventPageProducer> events_;
  xen::EvtchnPort reqPort_;
  xen::EvtchnPort evtPort_;
};

}  // namespace vcam::session
