// SPDX-License-Identifier: MIT
// RingChannel: mapping, binding, bounded request service and event posting.
#include "backend/session/ring_channel.h"

#include <array>

namespace vcam::session {
Result<std::unique_ptr<RingChannel>> RingChannel::open(xen::XenTransport& xen, xen::DomId frontend,
                                                       const proto::FrontendTransport& transport) {
  Result<xen::GrantMapping> reqPage =
      xen.grants->map(frontend, std::array{transport.reqRingRef}, xen::GrantAccess::ReadWrite);
  if (!reqPage) return withContext("mapping the request ring", reqPage.error());
  Result<xen::GrantMapping> evtPage =
      xen.grants->map(frontend, std::array{transport.evtRingRef}, xen::GrantAccess::ReadWrite);
  if (!evtPage) return withContext("mapping the event page", evtPage.error());
  std::unique_ptr<RingChannel> channel(
      new RingChannel(xen, std::move(reqPage).value(), std::move(evtPage).value()));

  Result<xen::BackRequestRing> ring = xen::BackRequestRing::attach(channel->reqPage_.bytes());
  if (!ring) return ring.error();
  channel->ring_.emplace(std::move(ring).value());
  Result<xen::EventPageProducer> events = xen::EventPageProducer::attach(channel->evtPage_.bytes());
  if (!events) return events.error();
  channel->events_.emplace(std::move(events).value());

  Result<xen::EvtchnPort> reqPort =
      xen.events->bindInterdomain(frontend, transport.reqEventChannel);
  if (!reqPort) return withContext("binding the request event channel", reqPort.error());
  channel->reqPort_ = std::move(reqPort).value();
  Result<xen::EvtchnPort> evtPort =
      xen.events->bindInterdomain(frontend, transport.evtEventChannel);
  if (!evtPort) return withContext("binding the event channel", evtPort.error());
  channel->evtPort_ = std::move(evtPort).value();
  return channel;
}

Result<bool> RingChannel::serve(
    const std::function<proto::Response(const proto::Request&)>& answer) {
  std::size_t answered = 0;
  for (;;) {
    while (answered < kRequestsPerTurn) {
      Result<std::optional<xencamera_req>> packet = ring_->pop();
      if (!packet) return packet.error();
      if (!packet->has_value()) break;
      Result<proto::Request> request = proto::decodeRequest(**packet);
      xencamera_resp reply;
      if (request) {
        proto::Response response = answer(*request);
        response.id = request->id;
        response.operation = static_cast<std::uint8_t>(request->operation);
        reply = proto::encodeResponse(response);
      } else {
        reply = proto::encodeErrorResponse(**packet, request.error());
      }
      if (Status pushed = ring_->pushResponse(reply); !pushed) return pushed.error();
      ++answered;
    }
    Result<bool> notify = ring_->publishResponses();
    if (!notify) return notify.error();
    if (*notify) {
      if (Status sent = xen_.events->notify(reqPort_.port()); !sent) return sent.error();
    }
    if (answered >= kRequestsPerTurn) return true;
    // RING_FINAL_CHECK_FOR_REQUESTS: sleep only once the frontend will notify us again.
    Result<bool> more = ring_->finalCheck();
    if (!more) return more.error();
    if (!*more) return false;
  }
}

Result<std::uint16_t> RingChannel::post(const proto::Event& event) {
  Result<std::uint16_t> id = events_->post(proto::encodeEvent(event));
  if (!id) return id.error();
  if (Status sent = xen_.events->notify(evtPort_.port()); !sent) return sent.error();
  return id;
}

}  // namespace vcam::session
