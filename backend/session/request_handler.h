// SPDX-License-Identifier: MIT
// RequestHandler: what a connected device session hands each decoded request to.
#pragma once

#include <memory>

#include <vcamera/proto/wire.h>

namespace vcam::session {

/// Answers the requests of one connection, on the event loop thread. Requests arrive decoded
/// and validated (vcam::proto::decodeRequest); the reply's id and operation are filled in by
/// the caller, the handler sets status and payload.
class RequestHandler {
 public:
  virtual ~RequestHandler() = default;
  [[nodiscard]] virtual proto::Response handle(const proto::Request& request) = 0;
};

}  // namespace vcam::session
