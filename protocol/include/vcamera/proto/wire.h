// SPDX-License-Identifier: MIT
// vcam::proto wire codec: typed cameraif requests, responses and events <-> 64-byte packets.
//
// All validation of what crosses the ring happens here, before device code runs. Decoders
// take a packet that the caller has already copied out of shared memory (never a pointer
// into a shared page), so a value checked here cannot change afterwards.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "vcamera/cameraif.h"
#include "vcamera/common/result.h"
#include "vcamera/proto/types.h"

namespace vcam::proto {

enum class Operation : std::uint8_t {
  ConfigSet = XENCAMERA_OP_CONFIG_SET,
  ConfigGet = XENCAMERA_OP_CONFIG_GET,
  ConfigValidate = XENCAMERA_OP_CONFIG_VALIDATE,
  FrameRateSet = XENCAMERA_OP_FRAME_RATE_SET,
  BufGetLayout = XENCAMERA_OP_BUF_GET_LAYOUT,
  BufRequest = XENCAMERA_OP_BUF_REQUEST,
  BufCreate = XENCAMERA_OP_BUF_CREATE,
  BufDestroy = XENCAMERA_OP_BUF_DESTROY,
  BufQueue = XENCAMERA_OP_BUF_QUEUE,
  BufDequeue = XENCAMERA_OP_BUF_DEQUEUE,
  CtrlEnum = XENCAMERA_OP_CTRL_ENUM,
  CtrlSet = XENCAMERA_OP_CTRL_SET,
  CtrlGet = XENCAMERA_OP_CTRL_GET,
  StreamStart = XENCAMERA_OP_STREAM_START,
  StreamStop = XENCAMERA_OP_STREAM_STOP,
};
inline constexpr std::size_t kOperationCount = 15;

enum class EventType : std::uint8_t {
  FrameAvail = XENCAMERA_EVT_FRAME_AVAIL,
  CtrlChange = XENCAMERA_EVT_CTRL_CHANGE,
};

/// The operation for a wire code, or nullopt for a code cameraif v1 does not define.
[[nodiscard]] std::optional<Operation> toOperation(std::uint8_t code);
/// "CONFIG_SET" ... "STREAM_STOP"; "unknown operation 0x42" style text for other codes.
[[nodiscard]] std::string_view operationName(Operation op);
[[nodiscard]] std::string operationName(std::uint8_t code);
[[nodiscard]] std::string_view eventName(EventType type);

// ---- request payloads --------------------------------------------------------------------

/// CONFIG_SET, CONFIG_VALIDATE.
struct ConfigRequest {
  std::uint32_t pixelFormat = 0;
  std::uint32_t width = 0;
  std::uint32_t height = 0;
  friend bool operator==(const ConfigRequest&, const ConfigRequest&) = default;
};
/// FRAME_RATE_SET: frames per second.
struct FrameRateRequest {
  Fraction frameRate;
  friend bool operator==(const FrameRateRequest&, const FrameRateRequest&) = default;
};
/// BUF_REQUEST request and reply.
struct BufCount {
  std::uint8_t numBufs = 0;
  friend bool operator==(const BufCount&, const BufCount&) = default;
};
/// BUF_CREATE.
struct BufCreateRequest {
  std::uint8_t index = 0;
  std::array<std::uint32_t, XENCAMERA_MAX_PLANE> planeOffset{};
  std::uint32_t grefDirectory = 0;
  friend bool operator==(const BufCreateRequest&, const BufCreateRequest&) = default;
};
/// BUF_DESTROY, BUF_QUEUE, BUF_DEQUEUE (buffer index) and CTRL_ENUM (control index).
struct IndexRequest {
  std::uint8_t index = 0;
  friend bool operator==(const IndexRequest&, const IndexRequest&) = default;
};
/// CTRL_SET request, CTRL_GET reply, CTRL_CHANGE event.
struct ControlValue {
  ControlType type = ControlType::Brightness;
  std::int64_t value = 0;
  friend bool operator==(const ControlValue&, const ControlValue&) = default;
};
/// CTRL_GET.
struct CtrlGetRequest {
  ControlType type = ControlType::Brightness;
  friend bool operator==(const CtrlGetRequest&, const CtrlGetRequest&) = default;
};

using RequestPayload = std::variant<std::monostate, ConfigRequest, FrameRateRequest, BufCount,
                                    BufCreateRequest, IndexRequest, ControlValue, CtrlGetRequest>;

/// A decoded, validated request. `payload` holds the type its operation carries (monostate
/// for CONFIG_GET, BUF_GET_LAYOUT, STREAM_START, STREAM_STOP).
struct Request {
  std::uint16_t id = 0;
  Operation operation = Operation::ConfigGet;
  RequestPayload payload;
  friend bool operator==(const Request&, const Request&) = default;
};

// ---- response payloads -------------------------------------------------------------------

/// CONFIG_SET, CONFIG_GET, CONFIG_VALIDATE reply.
struct ConfigResponse {
  std::uint32_t pixelFormat = 0;
  std::uint32_t width = 0;
  std::uint32_t height = 0;
  std::uint32_t colorspace = XENCAMERA_COLORSPACE_DEFAULT;
  std::uint32_t xferFunc = XENCAMERA_XFER_FUNC_DEFAULT;
  std::uint32_t ycbcrEnc = XENCAMERA_YCBCR_ENC_IGNORE;
  std::uint32_t quantization = XENCAMERA_QUANTIZATION_DEFAULT;
  Fraction displayAspectRatio{1, 1};
  Fraction frameRate;
  friend bool operator==(const ConfigResponse&, const ConfigResponse&) = default;
};
/// BUF_GET_LAYOUT reply: planes 1..4, whole size, per-plane size and stride.
struct BufLayout {
  std::uint8_t numPlanes = 1;
  std::uint32_t size = 0;
  std::array<std::uint32_t, XENCAMERA_MAX_PLANE> planeSize{};
  std::array<std::uint32_t, XENCAMERA_MAX_PLANE> planeStride{};
  friend bool operator==(const BufLayout&, const BufLayout&) = default;
};
/// CTRL_ENUM reply.
struct CtrlEnumResponse {
  std::uint8_t index = 0;
  ControlType type = ControlType::Brightness;
  std::uint32_t flags = 0;
  std::int64_t min = 0;
  std::int64_t max = 0;
  std::int64_t step = 1;
  std::int64_t defaultValue = 0;
  friend bool operator==(const CtrlEnumResponse&, const CtrlEnumResponse&) = default;
};

using ResponsePayload = std::variant<std::monostate, ConfigResponse, BufLayout, BufCount,
                                     CtrlEnumResponse, ControlValue>;

/// A reply. `operation` is the raw code, because a reply to an unknown operation echoes it.
/// A failed reply (status < 0) carries no payload.
struct Response {
  std::uint16_t id = 0;
  std::uint8_t operation = 0;
  std::int32_t status = 0;
  ResponsePayload payload;
  friend bool operator==(const Response&, const Response&) = default;
};

// ---- events ------------------------------------------------------------------------------

/// FRAME_AVAIL: buffer `index` holds usedSize bytes of frame number seqNum.
struct FrameAvail {
  std::uint8_t index = 0;
  std::uint32_t usedSize = 0;
  std::uint32_t seqNum = 0;
  friend bool operator==(const FrameAvail&, const FrameAvail&) = default;
};

using EventPayload = std::variant<FrameAvail, ControlValue>;

/// An event; its type follows from the payload (FrameAvail or ControlValue = CTRL_CHANGE).
struct Event {
  std::uint16_t id = 0;
  EventPayload payload;
  friend bool operator==(const Event&, const Event&) = default;
};
[[nodiscard]] EventType eventType(const Event& event);

// ---- codec -------------------------------------------------------------------------------

/// Backend side: a request packet -> typed request, or EOPNOTSUPP (unknown operation) /
/// EINVAL (reserved byte set, bad field) with a message naming the field. The bytes of the
/// union that the operation does not use are ignored: the reference frontend reuses ring
/// slots without clearing them.
[[nodiscard]] Result<Request> decodeRequest(const xencamera_req& packet);
/// Frontend side: typed request -> packet (every unused byte zero).
[[nodiscard]] xencamera_req encodeRequest(const Request& request);

/// Backend side: reply -> packet (every unused byte zero).
[[nodiscard]] xencamera_resp encodeResponse(const Response& response);
/// The failure reply to a request packet, echoing its id and raw operation code.
[[nodiscard]] xencamera_resp encodeErrorResponse(const xencamera_req& packet, const Error& error);
/// Frontend side: reply packet -> typed reply, its payload chosen by the echoed operation.
[[nodiscard]] Result<Response> decodeResponse(const xencamera_resp& packet);

[[nodiscard]] xencamera_evt encodeEvent(const Event& event);
[[nodiscard]] Result<Event> decodeEvent(const xencamera_evt& packet);

/// BUF_CREATE's plane offsets against the current layout: each used plane lies inside the
/// buffer without overlapping another, unused offsets are zero. Overflow-safe.
[[nodiscard]] Status checkPlaneOffsets(const BufCreateRequest& request, const BufLayout& layout);

/// A layout a backend may send: 1..4 planes, each inside `size`, unused entries zero.
[[nodiscard]] Status checkBufLayout(const BufLayout& layout);

}  // namespace vcam::proto
