// SPDX-License-Identifier: MIT
// Fuzz target: the cameraif codec on arbitrary packets - every decoder, their round trips, and
// BUF_CREATE's plane offsets against an independent 64-bit oracle.
//
// Input: up to 128 bytes, zero-padded: bytes 0..63 are one packet read as a request, a reply
// and an event; bytes 64..127 a second reply whose BUF_GET_LAYOUT payload is the layout the
// first packet's BUF_CREATE offsets are checked against.
#include <algorithm>
#include <array>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <variant>

#include <vcamera/proto/wire.h>

namespace vcam::proto {
namespace {

// A broken invariant is a crash, so libFuzzer keeps the input.
void require(bool condition) {
  if (!condition) std::abort();
}

template <typename Packet>
Packet packetAt(const std::array<std::uint8_t, 128>& bytes, std::size_t offset) {
  static_assert(sizeof(Packet) == 64);
  Packet packet;
  std::memcpy(&packet, bytes.data() + offset, sizeof packet);
  return packet;
}

template <typename Packet>
bool sameBytes(const Packet& a, const Packet& b) {
  return std::memcmp(&a, &b, sizeof a) == 0;
}

void checkRefusal(const Error& error) {
  require(error.code == EINVAL || error.code == EOPNOTSUPP);
  require(!error.message.empty());
}

void fuzzRequest(const xencamera_req& packet) {
  auto request = decodeRequest(packet);
  if (!request) {
    checkRefusal(request.error());
    // The error reply echoes the request and is itself a well-formed reply.
    const xencamera_resp reply = encodeErrorResponse(packet, request.error());
    require(reply.id == packet.id && reply.operation == packet.operation && reply.status < 0);
    auto decoded = decodeResponse(reply);
    require(decoded.ok() && decoded->status == reply.status);
    return;
  }
  require(request->id == packet.id);
  require(static_cast<std::uint8_t>(request->operation) == packet.operation);
  const xencamera_req encoded = encodeRequest(*request);
  auto again = decodeRequest(encoded);
  require(again.ok() && *again == *request);
  require(sameBytes(encodeRequest(*again), encoded));
}

void fuzzResponse(const xencamera_resp& packet) {
  auto response = decodeResponse(packet);
  if (!response) {
    checkRefusal(response.error());
    return;
  }
  require(response->id == packet.id && response->operation == packet.operation);
  require(response->status <= 0);
  const xencamera_resp encoded = encodeResponse(*response);
  auto again = decodeResponse(encoded);
  require(again.ok() && *again == *response);
  require(sameBytes(encodeResponse(*again), encoded));
}

void fuzzEvent(const xencamera_evt& packet) {
  auto event = decodeEvent(packet);
  if (!event) {
    checkRefusal(event.error());
    return;
  }
  require(event->id == packet.id);
  const xencamera_evt encoded = encodeEvent(*event);
  auto again = decodeEvent(encoded);
  require(again.ok() && *again == *event);
  require(sameBytes(encodeEvent(*again), encoded));
}

// What checkPlaneOffsets must decide, computed in 64 bits with no shortcuts.
bool planesFit(const BufCreateRequest& create, const BufLayout& layout) {
  const std::size_t planes = layout.numPlanes;
  for (std::size_t i = planes; i < XENCAMERA_MAX_PLANE; ++i) {
    if (create.planeOffset[i] != 0) return false;
  }
  for (std::size_t i = 0; i < planes; ++i) {
    const std::uint64_t end = std::uint64_t{create.planeOffset[i]} + layout.planeSize[i];
    if (end > layout.size) return false;
    for (std::size_t j = 0; j < planes; ++j) {
      if (i == j) continue;
      const std::uint64_t otherEnd = std::uint64_t{create.planeOffset[j]} + layout.planeSize[j];
      if (create.planeOffset[i] < otherEnd && create.planeOffset[j] < end) return false;
    }
  }
  return true;
}

void fuzzPlaneOffsets(const xencamera_req& packet, const xencamera_resp& layoutPacket) {
  auto request = decodeRequest(packet);
  if (!request || request->operation != Operation::BufCreate) return;
  xencamera_resp reply = layoutPacket;
  reply.operation = XENCAMERA_OP_BUF_GET_LAYOUT;
  reply.status = 0;
  auto layout = decodeResponse(reply);
  if (!layout) return;
  const auto& bufLayout = std::get<BufLayout>(layout->payload);
  require(checkBufLayout(bufLayout).ok());
  const auto& create = std::get<BufCreateRequest>(request->payload);
  require(checkPlaneOffsets(create, bufLayout).ok() == planesFit(create, bufLayout));
}

}  // namespace
}  // namespace vcam::proto

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace proto = vcam::proto;
  std::array<std::uint8_t, 128> bytes{};
  if (size > 0) std::memcpy(bytes.data(), data, std::min(size, bytes.size()));
  const auto request = proto::packetAt<xencamera_req>(bytes, 0);
  proto::fuzzRequest(request);
  proto::fuzzResponse(proto::packetAt<xencamera_resp>(bytes, 0));
  proto::fuzzEvent(proto::packetAt<xencamera_evt>(bytes, 0));
  proto::fuzzPlaneOffsets(request, proto::packetAt<xencamera_resp>(bytes, 64));
  return 0;
}
