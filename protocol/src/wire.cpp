// SPDX-License-Identifier: MIT
// cameraif packet encoding and decoding with every per-operation check in one place.
#include "vcamera/proto/wire.h"

#include <algorithm>
#include <cstring>
#include <span>

#include "vcamera/common/checked.h"
#include "vcamera/common/fourcc_code.h"
#include "vcamera/proto/errno_map.h"

namespace vcam::proto {
namespace {

template <typename T, std::size_t N>
bool allZero(const T (&bytes)[N]) {
  return std::all_of(std::begin(bytes), std::end(bytes), [](T b) { return b == 0; });
}

Error invalid(std::string_view op, const std::string& what) {
  return makeError(EINVAL, std::string(op) + ": " + what);
}

Result<ControlType> controlType(std::uint8_t code, std::string_view op) {
  if (auto type = toControlType(code)) return *type;
  return invalid(op, "control type " + std::to_string(code) + " is not one of cameraif's " +
                         std::to_string(XENCAMERA_MAX_CTRL));
}

Result<RequestPayload> decodeConfig(const xencamera_config_req& c, std::string_view op) {
  if (!fourccToString(c.pixel_format).ok()) {
    return invalid(op, "pixel format " + describeFourcc(c.pixel_format) + " is not a FOURCC");
  }
  if (c.width == 0 || c.height == 0) {
    return invalid(op, "size " + std::to_string(c.width) + "x" + std::to_string(c.height) +
                           " has a zero dimension");
  }
  return RequestPayload{ConfigRequest{c.pixel_format, c.width, c.height}};
}

Result<RequestPayload> decodeFrameRate(const xencamera_frame_rate_req& f, std::string_view op) {
  if (f.frame_rate_denom == 0 || f.frame_rate_numer == 0) {
    return invalid(op, "frame rate " + std::to_string(f.frame_rate_numer) + "/" +
                           std::to_string(f.frame_rate_denom) + " is not a positive fraction");
  }
  return RequestPayload{FrameRateRequest{{f.frame_rate_numer, f.frame_rate_denom}}};
}

Result<RequestPayload> decodeBufCreate(const xencamera_buf_create_req& b, std::string_view op) {
  if (!allZero(b.reserved)) return invalid(op, "reserved bytes are not zero");
  if (b.gref_directory == 0) {
    return invalid(op, "page directory grant reference 0 is never valid");
  }
  BufCreateRequest out;
  out.index = b.index;
  std::copy(std::begin(b.plane_offset), std::end(b.plane_offset), out.planeOffset.begin());
  out.grefDirectory = b.gref_directory;
  return RequestPayload{out};
}

Result<RequestPayload> decodeCtrlSet(const xencamera_ctrl_value& c, std::string_view op) {
  if (!allZero(c.reserved)) return invalid(op, "reserved bytes are not zero");
  auto type = controlType(c.type, op);
  if (!type) return type.error();
  return RequestPayload{ControlValue{*type, c.value}};
}

Result<RequestPayload> decodePayload(Operation op, const xencamera_req& p) {
  const std::string_view name = operationName(op);
  switch (op) {
    case Operation::ConfigSet:
    case Operation::ConfigValidate:
      return decodeConfig(p.req.config, name);
    case Operation::FrameRateSet:
      return decodeFrameRate(p.req.frame_rate, name);
    case Operation::BufRequest:
      return RequestPayload{BufCount{p.req.buf_request.num_bufs}};
    case Operation::BufCreate:
      return decodeBufCreate(p.req.buf_create, name);
    case Operation::BufDestroy:
    case Operation::BufQueue:
    case Operation::BufDequeue:
    case Operation::CtrlEnum:
      return RequestPayload{IndexRequest{p.req.index.index}};
    case Operation::CtrlSet:
      return decodeCtrlSet(p.req.ctrl_value, name);
    case Operation::CtrlGet: {
      auto type = controlType(p.req.get_ctrl.type, name);
      if (!type) return type.error();
      return RequestPayload{CtrlGetRequest{*type}};
    }
    case Operation::ConfigGet:
    case Operation::BufGetLayout:
    case Operation::StreamStart:
    case Operation::StreamStop:
      return RequestPayload{};
  }
  return invalid(name, "no decoder");  // unreachable: toOperation() admits only the above
}

void encodeConfigResponse(const ConfigResponse& c, xencamera_config_resp& out) {
  out.pixel_format = c.pixelFormat;
  out.width = c.width;
  out.height = c.height;
  out.colorspace = c.colorspace;
  out.xfer_func = c.xferFunc;
  out.ycbcr_enc = c.ycbcrEnc;
  out.quantization = c.quantization;
  out.displ_asp_ratio_numer = c.displayAspectRatio.numerator;
  out.displ_asp_ratio_denom = c.displayAspectRatio.denominator;
  out.frame_rate_numer = c.frameRate.numerator;
  out.frame_rate_denom = c.frameRate.denominator;
}

ConfigResponse decodeConfigResponse(const xencamera_config_resp& c) {
  return ConfigResponse{c.pixel_format,
                        c.width,
                        c.height,
                        c.colorspace,
                        c.xfer_func,
                        c.ycbcr_enc,
                        c.quantization,
                        {c.displ_asp_ratio_numer, c.displ_asp_ratio_denom},
                        {c.frame_rate_numer, c.frame_rate_denom}};
}

void encodeControlValue(const ControlValue& v, xencamera_ctrl_value& out) {
  out.type = static_cast<std::uint8_t>(v.type);
  out.value = v.value;
}

Result<ControlValue> decodeControlValue(const xencamera_ctrl_value& v, std::string_view what) {
  if (!allZero(v.reserved)) return invalid(what, "reserved bytes are not zero");
  auto type = controlType(v.type, what);
  if (!type) return type.error();
  return ControlValue{*type, v.value};
}

Result<ResponsePayload> decodeCtrlEnum(const xencamera_ctrl_enum_resp& e) {
  if (!allZero(e.reserved)) return invalid("CTRL_ENUM", "reserved bytes are not zero");
  auto type = controlType(e.type, "CTRL_ENUM");
  if (!type) return type.error();
  if (e.min > e.max || e.step <= 0 || e.def_val < e.min || e.def_val > e.max) {
    return invalid("CTRL_ENUM", "range min " + std::to_string(e.min) + " max " +
                                    std::to_string(e.max) + " step " + std::to_string(e.step) +
                                    " default " + std::to_string(e.def_val) + " is inconsistent");
  }
  return ResponsePayload{
      CtrlEnumResponse{e.index, *type, e.flags, e.min, e.max, e.step, e.def_val}};
}

Result<ResponsePayload> decodeBufLayout(const xencamera_buf_get_layout_resp& l) {
  if (!allZero(l.reserved)) return invalid("BUF_GET_LAYOUT", "reserved bytes are not zero");
  BufLayout out;
  out.numPlanes = l.num_planes;
  out.size = l.size;
  std::copy(std::begin(l.plane_size), std::end(l.plane_size), out.planeSize.begin());
  std::copy(std::begin(l.plane_stride), std::end(l.plane_stride), out.planeStride.begin());
  if (auto ok = checkBufLayout(out); !ok) return ok.error();
  return ResponsePayload{out};
}

Result<ResponsePayload> decodeResponsePayload(Operation op, const xencamera_resp& p) {
  switch (op) {
    case Operation::ConfigSet:
    case Operation::ConfigGet:
    case Operation::ConfigValidate:
      return ResponsePayload{decodeConfigResponse(p.resp.config)};
    case Operation::BufGetLayout:
      return decodeBufLayout(p.resp.buf_layout);
    case Operation::BufRequest:
      return ResponsePayload{BufCount{p.resp.buf_request.num_bufs}};
    case Operation::CtrlEnum:
      return decodeCtrlEnum(p.resp.ctrl_enum);
    case Operation::CtrlGet: {
      auto value = decodeControlValue(p.resp.ctrl_value, "CTRL_GET");
      if (!value) return value.error();
      return ResponsePayload{*value};
    }
    default:
      return ResponsePayload{};
  }
}

}  // namespace

EventType eventType(const Event& event) {
  return std::holds_alternative<FrameAvail>(event.payload) ? EventType::FrameAvail
                                                           : EventType::CtrlChange;
}

Result<Request> decodeRequest(const xencamera_req& packet) {
  const auto op = toOperation(packet.operation);
  if (!op) {
    return makeError(EOPNOTSUPP, operationName(packet.operation) + " (request id " +
                                     std::to_string(packet.id) + ")");
  }
  if (!allZero(packet.reserved)) {
    return invalid(operationName(*op), "reserved header bytes are not zero");
  }
  auto payload = decodePayload(*op, packet);
  if (!payload) return payload.error();
  return Request{packet.id, *op, std::move(*payload)};
}

xencamera_req encodeRequest(const Request& request) {
  xencamera_req out{};
  out.id = request.id;
  out.operation = static_cast<std::uint8_t>(request.operation);
  if (const auto* c = std::get_if<ConfigRequest>(&request.payload)) {
    out.req.config = {c->pixelFormat, c->width, c->height};
  } else if (const auto* f = std::get_if<FrameRateRequest>(&request.payload)) {
    out.req.frame_rate = {f->frameRate.numerator, f->frameRate.denominator};
  } else if (const auto* n = std::get_if<BufCount>(&request.payload)) {
    out.req.buf_request.num_bufs = n->numBufs;
  } else if (const auto* b = std::get_if<BufCreateRequest>(&request.payload)) {
    out.req.buf_create.index = b->index;
    std::copy(b->planeOffset.begin(), b->planeOffset.end(), out.req.buf_create.plane_offset);
    out.req.buf_create.gref_directory = b->grefDirectory;
  } else if (const auto* i = std::get_if<IndexRequest>(&request.payload)) {
    out.req.index.index = i->index;
  } else if (const auto* v = std::get_if<ControlValue>(&request.payload)) {
    encodeControlValue(*v, out.req.ctrl_value);
  } else if (const auto* g = std::get_if<CtrlGetRequest>(&request.payload)) {
    out.req.get_ctrl.type = static_cast<std::uint8_t>(g->type);
  }
  return out;
}

xencamera_resp encodeResponse(const Response& response) {
  xencamera_resp out{};
  out.id = response.id;
  out.operation = response.operation;
  out.status = response.status;
  if (response.status != 0) return out;  // a failure carries no payload
  if (const auto* c = std::get_if<ConfigResponse>(&response.payload)) {
    encodeConfigResponse(*c, out.resp.config);
  } else if (const auto* l = std::get_if<BufLayout>(&response.payload)) {
    out.resp.buf_layout.num_planes = l->numPlanes;
    out.resp.buf_layout.size = l->size;
    std::copy(l->planeSize.begin(), l->planeSize.end(), out.resp.buf_layout.plane_size);
    std::copy(l->planeStride.begin(), l->planeStride.end(), out.resp.buf_layout.plane_stride);
  } else if (const auto* n = std::get_if<BufCount>(&response.payload)) {
    out.resp.buf_request.num_bufs = n->numBufs;
  } else if (const auto* e = std::get_if<CtrlEnumResponse>(&response.payload)) {
    out.resp.ctrl_enum.index = e->index;
    out.resp.ctrl_enum.type = static_cast<std::uint8_t>(e->type);
    out.resp.ctrl_enum.flags = e->flags;
    out.resp.ctrl_enum.min = e->min;
    out.resp.ctrl_enum.max = e->max;
    out.resp.ctrl_enum.step = e->step;
    out.resp.ctrl_enum.def_val = e->defaultValue;
  } else if (const auto* v = std::get_if<ControlValue>(&response.payload)) {
    encodeControlValue(*v, out.resp.ctrl_value);
  }
  return out;
}

xencamera_resp encodeErrorResponse(const xencamera_req& packet, const Error& error) {
  xencamera_resp out{};
  out.id = packet.id;
  out.operation = packet.operation;
  out.status = toWireStatus(error.code != 0 ? error.code : EIO);
  return out;
}

Result<Response> decodeResponse(const xencamera_resp& packet) {
  const auto op = toOperation(packet.operation);
  if (packet.reserved != 0) {
    return invalid(operationName(packet.operation), "reserved reply byte is not zero");
  }
  Response out{packet.id, packet.operation, packet.status, {}};
  if (packet.status > 0) {
    return invalid(operationName(packet.operation),
                   "status " + std::to_string(packet.status) + " is positive");
  }
  if (packet.status != 0 || !op) return out;  // failures (and unknown operations) carry nothing
  auto payload = decodeResponsePayload(*op, packet);
  if (!payload) return payload.error();
  out.payload = std::move(*payload);
  return out;
}

xencamera_evt encodeEvent(const Event& event) {
  xencamera_evt out{};
  out.id = event.id;
  out.type = static_cast<std::uint8_t>(eventType(event));
  if (const auto* f = std::get_if<FrameAvail>(&event.payload)) {
    out.evt.frame_avail.index = f->index;
    out.evt.frame_avail.used_sz = f->usedSize;
    out.evt.frame_avail.seq_num = f->seqNum;
  } else {
    encodeControlValue(std::get<ControlValue>(event.payload), out.evt.ctrl_value);
  }
  return out;
}

Result<Event> decodeEvent(const xencamera_evt& packet) {
  if (!allZero(packet.reserved)) return invalid("event", "reserved header bytes are not zero");
  switch (packet.type) {
    case XENCAMERA_EVT_FRAME_AVAIL: {
      const auto& f = packet.evt.frame_avail;
      if (!allZero(f.reserved)) return invalid("FRAME_AVAIL", "reserved bytes are not zero");
      return Event{packet.id, FrameAvail{f.index, f.used_sz, f.seq_num}};
    }
    case XENCAMERA_EVT_CTRL_CHANGE: {
      auto value = decodeControlValue(packet.evt.ctrl_value, "CTRL_CHANGE");
      if (!value) return value.error();
      return Event{packet.id, *value};
    }
    default:
      return makeError(EOPNOTSUPP, "unknown event type " + std::to_string(packet.type));
  }
}

Status checkBufLayout(const BufLayout& layout) {
  if (layout.numPlanes < 1 || layout.numPlanes > XENCAMERA_MAX_PLANE) {
    return invalid("BUF_GET_LAYOUT", std::to_string(layout.numPlanes) +
                                         " planes; cameraif allows 1 to " +
                                         std::to_string(XENCAMERA_MAX_PLANE));
  }
  for (std::size_t i = 0; i < XENCAMERA_MAX_PLANE; ++i) {
    const bool used = i < layout.numPlanes;
    if (!used && (layout.planeSize[i] != 0 || layout.planeStride[i] != 0)) {
      return invalid("BUF_GET_LAYOUT", "unused plane " + std::to_string(i) + " is not zero");
    }
    if (used && (layout.planeSize[i] == 0 || layout.planeSize[i] > layout.size)) {
      return invalid("BUF_GET_LAYOUT",
                     "plane " + std::to_string(i) + " size " + std::to_string(layout.planeSize[i]) +
                         " does not fit buffer size " + std::to_string(layout.size));
    }
  }
  return {};
}

Status checkPlaneOffsets(const BufCreateRequest& request, const BufLayout& layout) {
  struct Span {
    std::uint32_t begin;
    std::uint32_t end;
  };
  std::array<Span, XENCAMERA_MAX_PLANE> spans{};
  const std::size_t planes = std::min<std::size_t>(layout.numPlanes, XENCAMERA_MAX_PLANE);
  for (std::size_t i = 0; i < XENCAMERA_MAX_PLANE; ++i) {
    const std::uint32_t offset = request.planeOffset[i];
    if (i >= planes) {
      if (offset != 0) {
        return invalid("BUF_CREATE", "offset of unused plane " + std::to_string(i) + " is " +
                                         std::to_string(offset) + ", not 0");
      }
      continue;
    }
    const auto end = checkedAdd(offset, layout.planeSize[i]);
    if (!end || *end > layout.size) {
      return invalid("BUF_CREATE", "plane " + std::to_string(i) + " at offset " +
                                       std::to_string(offset) + " with size " +
                                       std::to_string(layout.planeSize[i]) +
                                       " runs past the buffer size " + std::to_string(layout.size));
    }
    spans[i] = {offset, *end};
  }
  for (std::size_t i = 0; i < planes; ++i) {
    for (std::size_t j = i + 1; j < planes; ++j) {
      if (spans[i].begin < spans[j].end && spans[j].begin < spans[i].end) {
        return invalid("BUF_CREATE",
                       "planes " + std::to_string(i) + " and " + std::to_string(j) + " overlap");
      }
    }
  }
  return {};
}

}  // namespace vcam::proto
