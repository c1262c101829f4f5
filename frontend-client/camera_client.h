// SPDX-License-Identifier: MIT
// CameraClient: the frontend side of one cameraif device in user space, over the transport
// interfaces - what tests, the demo and the benchmarks use as "the guest".
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include <vcamera/cameraif.h>
#include <vcamera/common/result.h>
#include <vcamera/proto/wire.h>
#include <vcamera/proto/xenbus.h>
#include <vcamera/proto/xenstore_schema.h>

#include "backend/xen/ring/event_page.h"
#include "backend/xen/ring/front_request_ring.h"
#include "backend/xen/transport.h"
#include "frontend-client/client_buffer.h"

namespace vcam::frontend {

struct ConnectOptions {
  std::uint32_t devId = 0;
  /// The longest any single wait (a backend state change, a reply, an event) may take.
  std::chrono::milliseconds timeout{5000};
};

/// One connected virtual camera, seen from the guest. Connecting walks the XenBus handshake
/// (Initialising, read the configuration, wait for the backend's InitWait, choose the protocol
/// version, share the request ring and event page, allocate both event channels, publish them in
/// one transaction, Initialised, wait for the backend's Connected, Connected). Requests get ids
/// here and wait for the reply with that id; events are checked to arrive with ids 0, 1, 2, ...
/// Single-threaded and blocking (bounded by ConnectOptions::timeout): a test instrument and a
/// reference for the kernel frontend, not a production driver.
class CameraClient {
 public:
  /// Connects as frontend `xen.self` to device `options.devId`. `xen` must outlive the client.
  [[nodiscard]] static Result<std::unique_ptr<CameraClient>> connect(xen::XenTransport& xen,
                                                                     const ConnectOptions& options);
  /// Disconnects (best effort, see disconnect()) and releases everything.
  ~CameraClient();
  CameraClient(const CameraClient&) = delete;
  CameraClient& operator=(const CameraClient&) = delete;

  [[nodiscard]] const proto::FrontendConfig& config() const { return config_; }
  [[nodiscard]] xen::DomId backendDomid() const { return backend_; }
  [[nodiscard]] const std::string& version() const { return version_; }
  [[nodiscard]] const std::string& deviceDirectory() const { return dir_; }

  /// Sends `request` (its id is replaced by the next one) and waits for the reply with that
  /// id. A reply whose status is an error is still a reply: see Response::status, or use
  /// callChecked().
  [[nodiscard]] Result<proto::Response> call(proto::Request request);
  /// call(), with a failed status turned into an Error carrying the errno it stands for.
  [[nodiscard]] Result<proto::Response> callChecked(proto::Request request);
  /// Sends a raw packet as it is (id included; for tests that send what a hostile guest
  /// would) and waits for the reply with its id.
  [[nodiscard]] Result<xencamera_resp> callRaw(const xencamera_req& packet);

  /// The next event, waiting up to the timeout. EPROTO when its id is not the one after the
  /// previous event's (the reference frontend would drop it and everything after it).
  [[nodiscard]] Result<proto::Event> waitEvent();
  /// The next event if one has arrived, without waiting.
  [[nodiscard]] Result<std::optional<proto::Event>> pollEvent();

  /// Shares a buffer of `layout.size` bytes with the backend and sends BUF_CREATE for
  /// `index`: frontend-allocated (data pages granted read-write, directory read-only) or,
  /// with be-alloc, directory pages only, then maps what the backend wrote into them.
  [[nodiscard]] Status createBuffer(std::uint8_t index, const proto::BufLayout& layout,
                                    const std::array<std::uint32_t, XENCAMERA_MAX_PLANE>& offsets);
  /// BUF_DESTROY for `index`, then ends our grants (be-alloc: unmaps the backend's pages first,
  /// so the backend may end its grants when it replies).
  [[nodiscard]] Status destroyBuffer(std::uint8_t index);
  /// The buffer's bytes, as the guest sees them; empty if `index` has no buffer.
  [[nodiscard]] std::span<std::byte> bufferBytes(std::uint8_t index) const;

  /// The shared request ring's page and a bare notification on its channel: for tests that
  /// play a guest scribbling over the ring (a well-behaved frontend uses call()).
  [[nodiscard]] std::span<std::byte> requestRingPage() const { return reqPage_.bytes(); }
  [[nodiscard]] Status notifyRequestChannel();

  /// After a call or wait failed with ECONNRESET (the backend closed, or restarted and says
  /// InitWait): drops everything of the old connection - buffers included, they must be
  /// created again - and walks the handshake anew, as a frontend driver re-probes.
  [[nodiscard]] Status reconnect();

  /// Closing, wait until the backend let go (Closed, InitWait or Initialising), Closed; then
  /// everything shared is released. ETIMEDOUT if the backend did not let go in time (the
  /// grants are released anyway - the emulated Xen reports it). Safe to call twice.
  [[nodiscard]] Status disconnect();

 private:
  CameraClient(xen::XenTransport& xen, const ConnectOptions& options);

  [[nodiscard]] Status handshake();
  [[nodiscard]] Status shareTransport();
  [[nodiscard]] Status publishTransport();
  [[nodiscard]] Status collectEvents();
  /// Blocks until an event channel of ours fires or the deadline passes (ETIMEDOUT);
  /// ECONNRESET as soon as the backend leaves Connected.
  [[nodiscard]] Status waitForNotification(std::chrono::steady_clock::time_point deadline);
  [[nodiscard]] Status checkBackendPresent();
  void releaseTransport();
  [[nodiscard]] Status writeState(proto::XenbusState state);

  xen::XenTransport& xen_;
  ConnectOptions options_;
  xen::DomId backend_ = 0;
  std::string dir_;
  std::string backendDir_;
  std::string version_;
  proto::FrontendConfig config_;

  xen::SharedPages reqPage_;
  xen::SharedPages evtPage_;
  std::optional<xen::FrontRequestRing> ring_;
  std::optional<xen::EventPageConsumer> events_;
  xen::EvtchnPort reqPort_;
  xen::EvtchnPort evtPort_;
  xen::XsWatch backendWatch_;  ///< the backend's state, while connected

  std::uint16_t nextRequestId_ = 0;
  std::uint16_t nextEventId_ = 0;
  std::deque<xencamera_evt> pendingEvents_;
  std::map<std::uint8_t, ClientBuffer> buffers_;
  bool connected_ = false;
};

}  // namespace vcam::frontend
