// SPDX-License-Identifier: MIT
// The cameraif operations end to end: a guest (CameraClient) against the backend service with
// the test-pattern camera, over the emulated Xen. One behaviour per test; statuses as errno.
#include "backend/session/camera_session.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>

#include <vcamera/proto/errno_map.h>

#include "backend/session/test_pattern_renderer.h"
#include "backend/source/test_pattern.h"
#include "tests/backend/session/backend_harness.h"
#include "tests/backend/session/streaming.h"

namespace vcam::session {
namespace {

using proto::Operation;
using proto::Request;
using test::kGuestA;
using test::kGuestB;

constexpr std::uint32_t kYuyv = 0x56595559;
constexpr std::uint32_t kNv12 = 0x3231564e;
constexpr std::uint32_t kYuv420m = 0x32314d59;  // YM12: three memory planes

proto::FrontendConfig cameraConfig(bool beAlloc = false) {
  proto::FrontendConfig config;
  config.beAlloc = beAlloc;
  config.uniqueId = "cam0";
  config.maxBuffers = 4;
  config.controls = {proto::ControlType::Brightness, proto::ControlType::Hue};
  // A fast clock keeps streaming tests short.
  config.formats = {{kNv12, {{{64, 48}, {{200, 1}}}}},
                    {kYuyv, {{{64, 48}, {{200, 1}, {100, 1}}}, {{320, 240}, {{200, 1}}}}},
                    {kYuv420m, {{{64, 48}, {{200, 1}}}}}};
  return config;
}

class CameraSessionTest : public test::BackendHarness {
 protected:
  void start(bool beAlloc = false) {
    attach(kGuestA, cameraConfig(beAlloc));
    startBackend(test::testPatternCameras());
    client_ = connect(guestA_);
    ASSERT_TRUE(client_);
  }

  Result<proto::Response> call(Operation operation, proto::RequestPayload payload = {}) {
    return client_->callChecked(Request{0, operation, std::move(payload)});
  }

  // The errno a failed call came back with (0 if it succeeded).
  int errnoOf(Operation operation, proto::RequestPayload payload = {}) {
    Result<proto::Response> reply = call(operation, std::move(payload));
    return reply ? 0 : reply.error().code;
  }

  proto::ConfigResponse configSet(std::uint32_t fourcc, std::uint32_t width, std::uint32_t height) {
    Result<proto::Response> reply =
        call(Operation::ConfigSet, proto::ConfigRequest{fourcc, width, height});
    EXPECT_TRUE(reply) << reply.error().message;
    return reply ? std::get<proto::ConfigResponse>(reply->payload) : proto::ConfigResponse{};
  }

  proto::BufLayout layout() {
    Result<proto::Response> reply = call(Operation::BufGetLayout);
    EXPECT_TRUE(reply) << reply.error().message;
    return reply ? std::get<proto::BufLayout>(reply->payload) : proto::BufLayout{};
  }

  // Requests `count` buffers and creates them with packed plane offsets.
  void createBuffers(std::uint8_t count) {
    Result<proto::Response> granted = call(Operation::BufRequest, proto::BufCount{count});
    ASSERT_TRUE(granted) << granted.error().message;
    const proto::BufLayout bufLayout = layout();
    std::array<std::uint32_t, XENCAMERA_MAX_PLANE> offsets{};
    for (std::size_t i = 1; i < bufLayout.numPlanes; ++i) {
      offsets[i] = offsets[i - 1] + bufLayout.planeSize[i - 1];
    }
    for (std::uint8_t index = 0; index < count; ++index) {
      Status created = client_->createBuffer(index, bufLayout, offsets);
      ASSERT_TRUE(created) << created.error().message;
    }
  }

  std::unique_ptr<frontend::CameraClient> client_;
};

TEST_F(CameraSessionTest, ConfigGetStartsAtTheFirstConfiguredTuple) {
  start();
  Result<proto::Response> reply = call(Operation::ConfigGet);
  ASSERT_TRUE(reply) << reply.error().message;
  const auto& config = std::get<proto::ConfigResponse>(reply->payload);
  EXPECT_EQ(config.pixelFormat, kNv12);
  EXPECT_EQ(config.width, 64u);
  EXPECT_EQ(config.frameRate, (proto::Fraction{200, 1}));
  EXPECT_EQ(config.colorspace, XENCAMERA_COLORSPACE_SMPTE170M);
  EXPECT_EQ(config.quantization, XENCAMERA_QUANTIZATION_LIM_RANGE);
  EXPECT_EQ(config.displayAspectRatio, (proto::Fraction{4, 3}));
}

TEST_F(CameraSessionTest, ConfigSetAnswersTheNearestConfiguredMatch) {
  start();
  const proto::ConfigResponse config = configSet(kYuyv, 300, 250);
  EXPECT_EQ(config.pixelFormat, kYuyv);
  EXPECT_EQ(config.width, 320u);
  EXPECT_EQ(config.height, 240u);
}

TEST_F(CameraSessionTest, ConfigValidateChangesNothing) {
  start();
  ASSERT_TRUE(call(Operation::ConfigValidate, proto::ConfigRequest{kYuyv, 320, 240}));
  Result<proto::Response> reply = call(Operation::ConfigGet);
  ASSERT_TRUE(reply);
  EXPECT_EQ(std::get<proto::ConfigResponse>(reply->payload).pixelFormat, kNv12);
}

TEST_F(CameraSessionTest, ConfigSetIsBusyWhileBuffersAreAllocated) {
  start();
  ASSERT_TRUE(call(Operation::BufRequest, proto::BufCount{2}));
  EXPECT_EQ(errnoOf(Operation::ConfigSet, proto::ConfigRequest{kYuyv, 64, 48}), EBUSY);
}

TEST_F(CameraSessionTest, BufRequestZeroFreesBuffersAndUnlocksTheConfiguration) {
  start();
  createBuffers(2);
  Result<proto::Response> freed = call(Operation::BufRequest, proto::BufCount{0});
  ASSERT_TRUE(freed) << freed.error().message;
  EXPECT_EQ(std::get<proto::BufCount>(freed->payload).numBufs, 0);
  EXPECT_EQ(configSet(kYuyv, 64, 48).pixelFormat, kYuyv);
}

TEST_F(CameraSessionTest, BufRequestGrantsAtMostMaxBuffers) {
  start();
  Result<proto::Response> reply = call(Operation::BufRequest, proto::BufCount{200});
  ASSERT_TRUE(reply) << reply.error().message;
  EXPECT_EQ(std::get<proto::BufCount>(reply->payload).numBufs, 4);
}

TEST_F(CameraSessionTest, BufGetLayoutFollowsTheFourccTable) {
  start();
  const proto::BufLayout nv12 = layout();
  EXPECT_EQ(nv12.numPlanes, 1);
  EXPECT_EQ(nv12.planeSize[0], 64u * 48u * 3u / 2u);
  EXPECT_EQ(nv12.planeStride[0], 64u);
}

TEST_F(CameraSessionTest, BufCreateBeyondTheRequestedCountIsInvalid) {
  start();
  ASSERT_TRUE(call(Operation::BufRequest, proto::BufCount{1}));
  Status created = client_->createBuffer(1, layout(), {});
  ASSERT_FALSE(created);
  EXPECT_EQ(created.error().code, EINVAL);
}

TEST_F(CameraSessionTest, BufCreateTwiceAtOneIndexIsAnError) {
  start();
  createBuffers(1);
  proto::BufCreateRequest again{0, {}, 1};  // any reference: the index is checked first
  // The client refuses a second buffer locally; a raw request shows the backend's answer.
  xencamera_req packet = proto::encodeRequest(Request{500, Operation::BufCreate, again});
  Result<xencamera_resp> reply = client_->callRaw(packet);
  ASSERT_TRUE(reply);
  EXPECT_EQ(proto::fromWireStatus(reply->status), EEXIST);
}

TEST_F(CameraSessionTest, BufCreateWithAPlaneOutsideTheBufferIsInvalid) {
  start();
  ASSERT_TRUE(call(Operation::BufRequest, proto::BufCount{1}));
  const proto::BufLayout bufLayout = layout();
  Status created = client_->createBuffer(0, bufLayout, {bufLayout.size, 0, 0, 0});
  ASSERT_FALSE(created);
  EXPECT_EQ(created.error().code, EINVAL);
}

TEST_F(CameraSessionTest, BufDestroyOfAMissingBufferIsEnoent) {
  start();
  EXPECT_EQ(errnoOf(Operation::BufDestroy, proto::IndexRequest{3}), ENOENT);
}

TEST_F(CameraSessionTest, BufQueueTwiceIsBusy) {
  start();
  createBuffers(1);
  ASSERT_TRUE(call(Operation::BufQueue, proto::IndexRequest{0}));
  EXPECT_EQ(errnoOf(Operation::BufQueue, proto::IndexRequest{0}), EBUSY);
}

TEST_F(CameraSessionTest, CtrlEnumListsTheConfiguredControlsThenSaysEinval) {
  start();
  Result<proto::Response> first = call(Operation::CtrlEnum, proto::IndexRequest{0});
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(std::get<proto::CtrlEnumResponse>(first->payload).type, proto::ControlType::Brightness);
  Result<proto::Response> second = call(Operation::CtrlEnum, proto::IndexRequest{1});
  ASSERT_TRUE(second);
  EXPECT_EQ(std::get<proto::CtrlEnumResponse>(second->payload).min, -180);
  EXPECT_EQ(errnoOf(Operation::CtrlEnum, proto::IndexRequest{2}), EINVAL);
}

TEST_F(CameraSessionTest, CtrlSetThenGetReturnsTheValue) {
  start();
  ASSERT_TRUE(call(Operation::CtrlSet, proto::ControlValue{proto::ControlType::Hue, -90}));
  Result<proto::Response> reply =
      call(Operation::CtrlGet, proto::CtrlGetRequest{proto::ControlType::Hue});
  ASSERT_TRUE(reply) << reply.error().message;
  EXPECT_EQ(std::get<proto::ControlValue>(reply->payload).value, -90);
}

TEST_F(CameraSessionTest, CtrlSetOutOfRangeIsErange) {
  start();
  EXPECT_EQ(errnoOf(Operation::CtrlSet, proto::ControlValue{proto::ControlType::Brightness, 256}),
            ERANGE);
}

TEST_F(CameraSessionTest, AControlTheDeviceWasNotGivenIsEinval) {
  start();
  EXPECT_EQ(errnoOf(Operation::CtrlGet, proto::CtrlGetRequest{proto::ControlType::Contrast}),
            EINVAL);
}

TEST_F(CameraSessionTest, StreamStartWithoutBuffersIsEinval) {
  start();
  EXPECT_EQ(errnoOf(Operation::StreamStart), EINVAL);
}

TEST_F(CameraSessionTest, FrameRateSetWhileStreamingIsBusy) {
  start();
  createBuffers(1);
  ASSERT_TRUE(call(Operation::StreamStart));
  EXPECT_EQ(errnoOf(Operation::FrameRateSet, proto::FrameRateRequest{{100, 1}}), EBUSY);
}

TEST_F(CameraSessionTest, FrameRateSetPicksTheNearestConfiguredRate) {
  start();
  configSet(kYuyv, 64, 48);
  ASSERT_TRUE(call(Operation::FrameRateSet, proto::FrameRateRequest{{90, 1}}));
  Result<proto::Response> reply = call(Operation::ConfigGet);
  ASSERT_TRUE(reply);
  EXPECT_EQ(std::get<proto::ConfigResponse>(reply->payload).frameRate, (proto::Fraction{100, 1}));
}

TEST_F(CameraSessionTest, FrameRateSetKeepsTheRateAnotherGuestLocked) {
  attach(kGuestB, cameraConfig());
  start();
  auto other = connect(guestB_);
  ASSERT_TRUE(other);
  ASSERT_TRUE(
      other->callChecked(Request{0, Operation::ConfigSet, proto::ConfigRequest{kYuyv, 64, 48}}));
  ASSERT_TRUE(other->callChecked(Request{0, Operation::BufRequest, proto::BufCount{1}}));
  configSet(kYuyv, 64, 48);
  createBuffers(1);
  ASSERT_TRUE(call(Operation::FrameRateSet, proto::FrameRateRequest{{100, 1}}));
  Result<proto::Response> reply = call(Operation::ConfigGet);
  ASSERT_TRUE(reply);
  EXPECT_EQ(std::get<proto::ConfigResponse>(reply->payload).frameRate, (proto::Fraction{200, 1}));
}

TEST_F(CameraSessionTest, BufferSizeGivesEachPlaneItsPagesAndOneForAnInPageOffset) {
  start();
  EXPECT_EQ(layout().size, 8192u + 4096u);  // NV12 64x48: 4608 bytes in one plane
  ASSERT_TRUE(call(Operation::ConfigSet, proto::ConfigRequest{kYuv420m, 64, 48}));
  const proto::BufLayout yuv420m = layout();
  ASSERT_EQ(yuv420m.numPlanes, 3);
  EXPECT_EQ(yuv420m.planeSize[0], 64u * 48u);
  EXPECT_EQ(yuv420m.planeSize[1], 32u * 24u);
  EXPECT_EQ(yuv420m.size, 3u * (4096u + 4096u));
}

TEST_F(CameraSessionTest, MultiPlanarFramesFillPlanesThatStartOnTheirOwnPages) {
  start();
  Result<proto::BufLayout> streaming =
      test::startStreaming(*client_, kYuv420m, 64, 48, 2, test::PlanePlacement::kPageAligned);
  ASSERT_TRUE(streaming) << streaming.error().message;
  test::expectTestPatternFrames(*client_, *streaming, kYuv420m, 64, 48, 2, 4,
                                test::PlanePlacement::kPageAligned);
}

TEST_F(CameraSessionTest, FramesFillPlanesThatStartPartWayIntoAPageAsMallocedMemoryDoes) {
  start();
  Result<proto::BufLayout> streaming =
      test::startStreaming(*client_, kYuv420m, 64, 48, 2, test::PlanePlacement::kMallocLike);
  ASSERT_TRUE(streaming) << streaming.error().message;
  test::expectTestPatternFrames(*client_, *streaming, kYuv420m, 64, 48, 2, 4,
                                test::PlanePlacement::kMallocLike);
}

TEST_F(CameraSessionTest, BufRequestWhileStreamingIsBusy) {
  start();
  createBuffers(1);
  ASSERT_TRUE(call(Operation::StreamStart));
  EXPECT_EQ(errnoOf(Operation::BufRequest, proto::BufCount{0}), EBUSY);
}

TEST_F(CameraSessionTest, StreamStartTwiceIsBusy) {
  start();
  createBuffers(1);
  ASSERT_TRUE(call(Operation::StreamStart));
  EXPECT_EQ(errnoOf(Operation::StreamStart), EBUSY);
}

TEST_F(CameraSessionTest, StreamStopWhenStoppedIsHarmless) {
  start();
  EXPECT_EQ(errnoOf(Operation::StreamStop), 0);
}

TEST_F(CameraSessionTest, ConfigValidateIsAllowedWhileStreaming) {
  start();
  createBuffers(1);
  ASSERT_TRUE(call(Operation::StreamStart));
  Result<proto::Response> reply =
      call(Operation::ConfigValidate, proto::ConfigRequest{kYuyv, 320, 240});
  ASSERT_TRUE(reply) << reply.error().message;
  EXPECT_EQ(std::get<proto::ConfigResponse>(reply->payload).width, 320u);
}

TEST_F(CameraSessionTest, BufDequeueOfAMissingBufferIsEnoent) {
  start();
  EXPECT_EQ(errnoOf(Operation::BufDequeue, proto::IndexRequest{0}), ENOENT);
}

TEST_F(CameraSessionTest, BufDequeueTakesAQueuedBufferBackUnfilled) {
  start();
  createBuffers(1);
  ASSERT_TRUE(call(Operation::BufQueue, proto::IndexRequest{0}));
  ASSERT_TRUE(call(Operation::BufDequeue, proto::IndexRequest{0}));
  // Back with the guest: it may be queued again.
  EXPECT_EQ(errnoOf(Operation::BufQueue, proto::IndexRequest{0}), 0);
}

TEST_F(CameraSessionTest, BeAllocBufCreateWithABadDirectoryIsInvalid) {
  start(true);
  ASSERT_TRUE(call(Operation::BufRequest, proto::BufCount{1}));
  // A directory reference the guest never granted: the backend cannot fill it.
  xencamera_req packet = proto::encodeRequest(
      Request{600, Operation::BufCreate, proto::BufCreateRequest{0, {}, 4000}});
  Result<xencamera_resp> reply = client_->callRaw(packet);
  ASSERT_TRUE(reply);
  EXPECT_LT(reply->status, 0);
}

TEST_F(CameraSessionTest, StreamingFillsQueuedGuestBuffersWithTheTestPattern) {
  start();
  Result<proto::BufLayout> streaming = test::startStreaming(*client_, kNv12, 64, 48, 2);
  ASSERT_TRUE(streaming) << streaming.error().message;
  test::expectTestPatternFrames(*client_, *streaming, kNv12, 64, 48, 2, 6);
  ASSERT_TRUE(call(Operation::StreamStop));
}

TEST_F(CameraSessionTest, BeAllocStreamingFillsTheBackendsPagesWithTheTestPattern) {
  start(true);
  Result<proto::BufLayout> streaming = test::startStreaming(*client_, kNv12, 64, 48, 2);
  ASSERT_TRUE(streaming) << streaming.error().message;
  test::expectTestPatternFrames(*client_, *streaming, kNv12, 64, 48, 2, 6);
}

TEST_F(CameraSessionTest, AControlChangeReachesTheOtherGuestOnly) {
  attach(kGuestB, cameraConfig());
  start();
  auto other = connect(guestB_);
  ASSERT_TRUE(other);
  ASSERT_TRUE(call(Operation::CtrlSet, proto::ControlValue{proto::ControlType::Brightness, 10}));
  Result<proto::Event> event = other->waitEvent();
  ASSERT_TRUE(event) << event.error().message;
  EXPECT_EQ(std::get<proto::ControlValue>(event->payload).value, 10);
  Result<std::optional<proto::Event>> none = client_->pollEvent();
  ASSERT_TRUE(none);
  EXPECT_FALSE(none->has_value());
}

TEST_F(CameraSessionTest, ASecondGuestGetsTheFormatTheFirstLocked) {
  attach(kGuestB, cameraConfig());
  start();
  configSet(kYuyv, 64, 48);
  ASSERT_TRUE(call(Operation::BufRequest, proto::BufCount{1}));
  auto other = connect(guestB_);
  ASSERT_TRUE(other);
  Result<proto::Response> reply =
      other->callChecked(Request{0, Operation::ConfigSet, proto::ConfigRequest{kNv12, 64, 48}});
  ASSERT_TRUE(reply) << reply.error().message;
  EXPECT_EQ(std::get<proto::ConfigResponse>(reply->payload).pixelFormat, kYuyv);
}

}  // namespace
}  // namespace vcam::session
