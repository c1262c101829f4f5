// SPDX-License-Identifier: MIT
// The cameraif codec: what each packet decodes to, and every request it refuses.
#include <gtest/gtest.h>

#include <cstring>
#include <random>

#include "vcamera/common/fourcc_code.h"
#include "vcamera/proto/errno_map.h"
#include "vcamera/proto/wire.h"

namespace vcam::proto {
namespace {

constexpr std::uint32_t kNv12 = makeFourcc('N', 'V', '1', '2');

xencamera_req packet(std::uint8_t op, std::uint16_t id = 7) {
  xencamera_req p{};
  p.id = id;
  p.operation = op;
  return p;
}

void expectRefused(const xencamera_req& p, int code, const std::string& mentions) {
  const auto r = decodeRequest(p);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, code);
  EXPECT_NE(r.error().message.find(mentions), std::string::npos) << r.error().message;
}

// ---- every operation survives encode -> decode ---------------------------------------------

std::vector<Request> oneRequestPerOperation() {
  return {
      {1, Operation::ConfigSet, ConfigRequest{kNv12, 640, 480}},
      {2, Operation::ConfigGet, {}},
      {3, Operation::ConfigValidate, ConfigRequest{kNv12, 1921, 1081}},
      {4, Operation::FrameRateSet, FrameRateRequest{{30000, 1001}}},
      {5, Operation::BufGetLayout, {}},
      {6, Operation::BufRequest, BufCount{8}},
      {7, Operation::BufCreate, BufCreateRequest{3, {0, 307200, 0, 0}, 42}},
      {8, Operation::BufDestroy, IndexRequest{3}},
      {9, Operation::BufQueue, IndexRequest{4}},
      {10, Operation::BufDequeue, IndexRequest{5}},
      {11, Operation::CtrlEnum, IndexRequest{2}},
      {12, Operation::CtrlSet, ControlValue{ControlType::Hue, -12345678901LL}},
      {13, Operation::CtrlGet, CtrlGetRequest{ControlType::Saturation}},
      {14, Operation::StreamStart, {}},
      {0xffff, Operation::StreamStop, {}},
  };
}

TEST(WireRequest, EveryOperationRoundTrips) {
  const auto requests = oneRequestPerOperation();
  ASSERT_EQ(requests.size(), kOperationCount);
  for (const auto& request : requests) {
    const auto decoded = decodeRequest(encodeRequest(request));
    ASSERT_TRUE(decoded.ok()) << operationName(request.operation) << ": "
                              << decoded.error().message;
    EXPECT_EQ(*decoded, request) << operationName(request.operation);
  }
}

TEST(WireRequest, FieldsLandAtTheirAbiOffsets) {
  const auto p = encodeRequest(
      {0x1234, Operation::BufCreate, BufCreateRequest{9, {0x11, 0x22, 0x33, 0x44}, 0x55}});
  unsigned char bytes[64];
  std::memcpy(bytes, &p, sizeof bytes);
  EXPECT_EQ(bytes[0], 0x34);
  EXPECT_EQ(bytes[1], 0x12);
  EXPECT_EQ(bytes[2], XENCAMERA_OP_BUF_CREATE);
  EXPECT_EQ(bytes[8], 9);
  EXPECT_EQ(bytes[12], 0x11);
  EXPECT_EQ(bytes[24], 0x44);
  EXPECT_EQ(bytes[28], 0x55);
}

TEST(WireRequest, UnusedUnionBytesLeftByEarlierRequestsAreIgnored) {
  // The reference frontend reuses ring slots without clearing them.
  auto p = encodeRequest({1, Operation::ConfigSet, ConfigRequest{kNv12, 640, 480}});
  p.operation = XENCAMERA_OP_BUF_QUEUE;
  p.req.index.index = 2;
  const auto decoded = decodeRequest(p);
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(std::get<IndexRequest>(decoded->payload).index, 2);
}

// ---- what is refused -----------------------------------------------------------------------

TEST(WireRequest, UnknownOperationIsNotSupported) {
  expectRefused(packet(0x0f), EOPNOTSUPP, "unknown operation 0x0f");
  expectRefused(packet(0xff), EOPNOTSUPP, "unknown operation 0xff");
}

TEST(WireRequest, ReservedHeaderBytesMustBeZero) {
  auto p = packet(XENCAMERA_OP_STREAM_START);
  p.reserved[4] = 1;
  expectRefused(p, EINVAL, "reserved header bytes");
}

TEST(WireRequest, ConfigWithAZeroDimensionIsRefused) {
  auto p = encodeRequest({1, Operation::ConfigSet, ConfigRequest{kNv12, 0, 480}});
  expectRefused(p, EINVAL, "0x480 has a zero dimension");
  p = encodeRequest({1, Operation::ConfigValidate, ConfigRequest{kNv12, 640, 0}});
  expectRefused(p, EINVAL, "CONFIG_VALIDATE");
}

TEST(WireRequest, ConfigWithAPixelFormatThatIsNoFourccIsRefused) {
  auto p = encodeRequest({1, Operation::ConfigSet, ConfigRequest{0, 640, 480}});
  expectRefused(p, EINVAL, "pixel format 0x00000000");
  p.req.config.pixel_format = makeFourcc('N', '\x01', '1', '2');
  expectRefused(p, EINVAL, "is not a FOURCC");
}

TEST(WireRequest, FrameRateWithZeroDenominatorIsRefused) {
  auto p = packet(XENCAMERA_OP_FRAME_RATE_SET);
  p.req.frame_rate = {30, 0};
  expectRefused(p, EINVAL, "30/0 is not a positive fraction");
}

TEST(WireRequest, FrameRateOfZeroIsRefused) {
  auto p = packet(XENCAMERA_OP_FRAME_RATE_SET);
  p.req.frame_rate = {0, 1};
  expectRefused(p, EINVAL, "0/1");
}

TEST(WireRequest, BufCreateWithGrantReferenceZeroIsRefused) {
  auto p = packet(XENCAMERA_OP_BUF_CREATE);
  expectRefused(p, EINVAL, "grant reference 0");
}

TEST(WireRequest, BufCreateReservedBytesMustBeZero) {
  auto p = encodeRequest({1, Operation::BufCreate, BufCreateRequest{0, {}, 5}});
  p.req.buf_create.reserved[1] = 0x80;
  expectRefused(p, EINVAL, "reserved bytes");
}

TEST(WireRequest, ControlTypeBeyondTheFourIsRefused) {
  auto p = packet(XENCAMERA_OP_CTRL_SET);
  p.req.ctrl_value.type = XENCAMERA_MAX_CTRL;
  expectRefused(p, EINVAL, "control type 4");
  p = packet(XENCAMERA_OP_CTRL_GET);
  p.req.get_ctrl.type = 0xff;
  expectRefused(p, EINVAL, "control type 255");
}

TEST(WireRequest, CtrlSetReservedBytesMustBeZero) {
  auto p = encodeRequest({1, Operation::CtrlSet, ControlValue{ControlType::Contrast, 5}});
  p.req.ctrl_value.reserved[6] = 1;
  expectRefused(p, EINVAL, "CTRL_SET: reserved bytes");
}

TEST(WireRequest, RandomPacketsAreDecodedOrRefusedNeverAnythingElse) {
  std::mt19937 rng(20261121);
  std::uniform_int_distribution<int> byte(0, 255);
  int accepted = 0;
  for (int i = 0; i < 200000; ++i) {
    unsigned char raw[sizeof(xencamera_req)];
    for (auto& b : raw) b = static_cast<unsigned char>(byte(rng));
    raw[2] = static_cast<unsigned char>(raw[2] % 20);  // mostly known operations
    if (i % 2 == 0) std::memset(raw + 3, 0, 5);        // half with a clean header
    xencamera_req p;
    std::memcpy(&p, raw, sizeof p);
    const auto r = decodeRequest(p);
    if (r.ok()) {
      ++accepted;
      EXPECT_EQ(decodeRequest(encodeRequest(*r)).ok(), true);
    } else {
      EXPECT_TRUE(r.error().code == EINVAL || r.error().code == EOPNOTSUPP);
      EXPECT_FALSE(r.error().message.empty());
    }
  }
  EXPECT_GT(accepted, 1000) << "the generator should reach the accepting paths too";
}

// ---- replies -------------------------------------------------------------------------------

TEST(WireResponse, ErrorReplyEchoesIdAndRawOperation) {
  const auto r = encodeErrorResponse(packet(0x42, 99), makeError(EOPNOTSUPP, "x"));
  EXPECT_EQ(r.id, 99);
  EXPECT_EQ(r.operation, 0x42);
  EXPECT_EQ(r.status, toWireStatus(EOPNOTSUPP));
  const unsigned char* payload = reinterpret_cast<const unsigned char*>(&r.resp);
  for (std::size_t i = 0; i < sizeof r.resp; ++i) EXPECT_EQ(payload[i], 0) << i;
}

TEST(WireResponse, EveryPayloadTypeRoundTrips) {
  const std::vector<Response> replies = {
      {1, XENCAMERA_OP_CONFIG_SET, 0,
       ConfigResponse{kNv12,
                      640,
                      480,
                      XENCAMERA_COLORSPACE_SRGB,
                      XENCAMERA_XFER_FUNC_SRGB,
                      XENCAMERA_YCBCR_ENC_601,
                      XENCAMERA_QUANTIZATION_LIM_RANGE,
                      {4, 3},
                      {30, 1}}},
      {2, XENCAMERA_OP_BUF_GET_LAYOUT, 0,
       BufLayout{2, 460800, {307200, 153600, 0, 0}, {640, 640, 0, 0}}},
      {3, XENCAMERA_OP_BUF_REQUEST, 0, BufCount{3}},
      {4, XENCAMERA_OP_CTRL_ENUM, 0,
       CtrlEnumResponse{1, ControlType::Contrast, XENCAMERA_CTRL_FLG_VOLATILE, -100, 100, 5, 0}},
      {5, XENCAMERA_OP_CTRL_GET, 0, ControlValue{ControlType::Brightness, 77}},
      {6, XENCAMERA_OP_STREAM_START, 0, {}},
      {7, XENCAMERA_OP_BUF_QUEUE, toWireStatus(EBUSY), {}},
  };
  for (const auto& reply : replies) {
    const auto decoded = decodeResponse(encodeResponse(reply));
    ASSERT_TRUE(decoded.ok()) << decoded.error().message;
    EXPECT_EQ(*decoded, reply) << operationName(reply.operation);
  }
}

TEST(WireResponse, CtrlGetValueSitsAtOctet16NotWhereTheDiagramDrawsIt) {
  const auto p = encodeResponse(
      {1, XENCAMERA_OP_CTRL_GET, 0, ControlValue{ControlType::Hue, 0x0102030405060708LL}});
  unsigned char bytes[64];
  std::memcpy(bytes, &p, sizeof bytes);
  EXPECT_EQ(bytes[8], XENCAMERA_CTRL_HUE);
  EXPECT_EQ(bytes[16], 0x08);
  EXPECT_EQ(bytes[23], 0x01);
}

TEST(WireResponse, FailedReplyCarriesNoPayloadEvenIfGivenOne) {
  const auto p = encodeResponse({1, XENCAMERA_OP_BUF_REQUEST, -22, BufCount{9}});
  EXPECT_EQ(p.resp.buf_request.num_bufs, 0);
}

TEST(WireResponse, PositiveStatusIsABrokenPeer) {
  auto p = encodeResponse({1, XENCAMERA_OP_STREAM_START, 0, {}});
  p.status = 3;
  EXPECT_FALSE(decodeResponse(p).ok());
}

TEST(WireResponse, LayoutWithoutPlanesOrWithFiveIsRefused) {
  for (const std::uint8_t planes : {std::uint8_t{0}, std::uint8_t{5}}) {
    auto p = encodeResponse({1, XENCAMERA_OP_BUF_GET_LAYOUT, 0, BufLayout{1, 100, {100}, {10}}});
    p.resp.buf_layout.num_planes = planes;
    const auto r = decodeResponse(p);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("cameraif allows 1 to 4"), std::string::npos);
  }
}

TEST(WireResponse, CtrlEnumWithAnImpossibleRangeIsRefused) {
  auto p = encodeResponse(
      {1, XENCAMERA_OP_CTRL_ENUM, 0, CtrlEnumResponse{0, ControlType::Hue, 0, 10, -10, 1, 0}});
  EXPECT_FALSE(decodeResponse(p).ok());
}

// ---- events --------------------------------------------------------------------------------

TEST(WireEvent, FrameAvailAndCtrlChangeRoundTrip) {
  for (const Event& e : {Event{0, FrameAvail{3, 460800, 0xfffffffe}},
                         Event{65535, ControlValue{ControlType::Saturation, -1}}}) {
    const auto decoded = decodeEvent(encodeEvent(e));
    ASSERT_TRUE(decoded.ok());
    EXPECT_EQ(*decoded, e);
  }
}

TEST(WireEvent, FrameAvailFieldsLandAtTheirAbiOffsets) {
  const auto p = encodeEvent({0x0102, FrameAvail{5, 0x11223344, 0x55667788}});
  unsigned char bytes[64];
  std::memcpy(bytes, &p, sizeof bytes);
  EXPECT_EQ(bytes[2], XENCAMERA_EVT_FRAME_AVAIL);
  EXPECT_EQ(bytes[8], 5);
  EXPECT_EQ(bytes[12], 0x44);
  EXPECT_EQ(bytes[16], 0x88);
}

TEST(WireEvent, UnknownEventTypeIsNotSupported) {
  xencamera_evt p{};
  p.type = 2;
  const auto r = decodeEvent(p);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, EOPNOTSUPP);
}

// ---- plane offsets against the layout ------------------------------------------------------

const BufLayout kNv12mLayout{2, 460800, {307200, 153600, 0, 0}, {640, 640, 0, 0}};

TEST(PlaneOffsets, PlanesInsideTheBufferAreAccepted) {
  EXPECT_TRUE(checkPlaneOffsets({0, {0, 307200, 0, 0}, 1}, kNv12mLayout).ok());
  EXPECT_TRUE(checkPlaneOffsets({0, {153600, 0, 0, 0}, 1}, kNv12mLayout).ok())
      << "order inside the buffer is free";
}

TEST(PlaneOffsets, OverlappingPlanesAreRefused) {
  const auto r = checkPlaneOffsets({0, {0, 307199, 0, 0}, 1}, kNv12mLayout);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("overlap"), std::string::npos);
}

TEST(PlaneOffsets, APlaneRunningPastTheBufferIsRefused) {
  EXPECT_FALSE(checkPlaneOffsets({0, {0, 307201, 0, 0}, 1}, kNv12mLayout).ok());
}

TEST(PlaneOffsets, AnOffsetThatWouldOverflowIsRefused) {
  const auto r = checkPlaneOffsets({0, {0, 0xffffffffu, 0, 0}, 1}, kNv12mLayout);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("runs past"), std::string::npos);
}

TEST(PlaneOffsets, UnusedPlaneOffsetsMustBeZero) {
  EXPECT_FALSE(checkPlaneOffsets({0, {0, 307200, 4096, 0}, 1}, kNv12mLayout).ok());
}

// ---- names ---------------------------------------------------------------------------------

TEST(WireNames, OperationsHaveTheSpecsNames) {
  EXPECT_EQ(operationName(Operation::ConfigSet), "CONFIG_SET");
  EXPECT_EQ(operationName(Operation::StreamStop), "STREAM_STOP");
  EXPECT_EQ(operationName(std::uint8_t{XENCAMERA_OP_CTRL_GET}), "CTRL_GET");
  EXPECT_EQ(operationName(std::uint8_t{0x10}), "unknown operation 0x10");
}

TEST(WireNames, ControlsHaveTheirXenStoreNames) {
  EXPECT_EQ(controlName(ControlType::Brightness), "brightness");
  EXPECT_EQ(controlName(ControlType::Hue), "hue");
}

TEST(WireNames, NamesOfOutOfRangeEnumValuesAreSafe) {
  EXPECT_EQ(controlName(static_cast<ControlType>(7)), "invalid control");
  EXPECT_EQ(operationName(static_cast<Operation>(200)), "invalid operation");
}

}  // namespace
}  // namespace vcam::proto
