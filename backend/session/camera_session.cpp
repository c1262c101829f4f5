// SPDX-License-Identifier: MIT
// CameraSession: per-operation semantics, buffer table and frame delivery.
#include "backend/session/camera_session.h"

#include <algorithm>
#include <cerrno>
#include <numeric>
#include <utility>

#include <vcamera/common/checked.h>
#include <vcamera/common/fourcc_code.h>
#include <vcamera/fourcc/format_info.h>
#include <vcamera/proto/errno_map.h>

#include "backend/base/log.h"
#include "backend/source/colorimetry.h"

namespace vcam::session {
namespace {

using proto::Operation;

proto::Response failed(const Error& error) {
  proto::Response response;
  response.status = proto::toWireStatus(error);
  return response;
}

Result<proto::FormatChoice> firstConfigured(const proto::FrontendConfig& config) {
  const proto::FormatConfig& format = config.formats.front();
  const proto::ResolutionConfig& resolution = format.resolutions.front();
  return proto::FormatChoice{format.fourcc, resolution.resolution, resolution.frameRates.front()};
}

// The camera writes with its own strides and plane sizes: the guest's buffer must have the
// same strides and room for every plane.
Status checkCameraLayout(const DirectCapture& camera, const proto::BufLayout& layout) {
  const fourcc::Layout& own = camera.layout();
  if (own.numMemPlanes != layout.numPlanes) {
    return makeError(EINVAL, "the camera writes " + std::to_string(own.numMemPlanes) +
                                 " memory planes, the guest has " +
                                 std::to_string(layout.numPlanes));
  }
  for (std::uint32_t i = 0; i < own.numMemPlanes; ++i) {
    if (own.memPlanes[i].bytesPerLine != layout.planeStride[i] ||
        own.memPlanes[i].sizeImage > layout.planeSize[i]) {
      return makeError(EINVAL, "the camera's plane " + std::to_string(i) + " (stride " +
                                   std::to_string(own.memPlanes[i].bytesPerLine) + ", " +
                                   std::to_string(own.memPlanes[i].sizeImage) +
                                   " bytes) differs from the guest's (stride " +
                                   std::to_string(layout.planeStride[i]) + ", " +
                                   std::to_string(layout.planeSize[i]) + " bytes)");
    }
  }
  return {};
}

}  // namespace

CameraSession::CameraSession(xen::XenTransport& xen, const ConnectionContext& context,
                             CameraHub& hub, GuestLimits::Lease lease,
                             std::function<void(const Error&)> fail)
    : xen_(xen),
      address_(context.address),
      config_(context.config),
      channel_(context.channel),
      hub_(hub),
      lease_(std::move(lease)),
      fail_(std::move(fail)),
      name_(deviceName(context.address)),
      choice_(*firstConfigured(context.config)) {
  hub_.attach(this);
}

CameraSession::~CameraSession() {
  if (framesDelivered_ + framesSkipped_ > 0) {
    // What the guest got and what it cost: the copy counter reads 0 on the paths that put
    // frames straight into guest memory.
    const std::uint64_t frames = std::max<std::uint64_t>(framesDelivered_, 1);
    base::logMessage(
        base::LogLevel::Info, name_,
        std::to_string(framesDelivered_) + " frames delivered (" + std::to_string(framesDirect_) +
            " written by the camera itself), " + std::to_string(framesSkipped_) +
            " skipped; bytes per frame: " + std::to_string(bytesRendered_ / frames) +
            " rendered in place, " + std::to_string(bytesCopied_ / frames) + " copied");
  }
  hub_.detach(this);  // ends a direct capture: the camera holds none of our buffers after it
  queue_.clear();
  dropBuffers([](std::uint8_t) { return true; });
}

proto::Response CameraSession::handle(const proto::Request& request) {
  Reply reply = [&]() -> Reply {
    switch (request.operation) {
      case Operation::ConfigSet:
        return configSet(std::get<proto::ConfigRequest>(request.payload), true);
      case Operation::ConfigValidate:
        return configSet(std::get<proto::ConfigRequest>(request.payload), false);
      case Operation::ConfigGet:
        return proto::ResponsePayload{describe(choice_)};
      case Operation::FrameRateSet:
        return frameRateSet(std::get<proto::FrameRateRequest>(request.payload));
      case Operation::BufGetLayout:
        return bufGetLayout();
      case Operation::BufRequest:
        return bufRequest(std::get<proto::BufCount>(request.payload));
      case Operation::BufCreate:
        return bufCreate(std::get<proto::BufCreateRequest>(request.payload));
      case Operation::BufDestroy:
        return bufDestroy(std::get<proto::IndexRequest>(request.payload).index);
      case Operation::BufQueue:
        return bufQueue(std::get<proto::IndexRequest>(request.payload).index);
      case Operation::BufDequeue:
        return bufDequeue(std::get<proto::IndexRequest>(request.payload).index);
      case Operation::CtrlEnum:
        return ctrlEnum(std::get<proto::IndexRequest>(request.payload).index);
      case Operation::CtrlSet:
        return ctrlSet(std::get<proto::ControlValue>(request.payload));
      case Operation::CtrlGet:
        return ctrlGet(std::get<proto::CtrlGetRequest>(request.payload).type);
      case Operation::StreamStart:
        return streamStart();
      case Operation::StreamStop:
        return streamStop();
    }
    return makeError(EOPNOTSUPP, "unknown operation");
  }();
  if (!reply) {
    base::logMessage(
        base::LogLevel::Debug, name_,
        std::string(proto::operationName(request.operation)) + ": " + reply.error().message);
    return failed(reply.error());
  }
  proto::Response response;
  response.payload = std::move(reply).value();
  return response;
}

proto::ConfigResponse CameraSession::describe(const proto::FormatChoice& choice) const {
  proto::ConfigResponse config;
  config.pixelFormat = choice.fourcc;
  config.width = choice.resolution.width;
  config.height = choice.resolution.height;
  // The test pattern is the only source so far; sources will report their own (issue 8).
  const source::Colorimetry colorimetry = source::colorimetryOf(fourcc::fromV4l2(choice.fourcc));
  config.colorspace = colorimetry.colorspace;
  config.xferFunc = colorimetry.xferFunc;
  config.ycbcrEnc = colorimetry.ycbcrEnc;
  config.quantization = colorimetry.quantization;
  const std::uint32_t divisor = std::gcd(choice.resolution.width, choice.resolution.height);
  config.displayAspectRatio = {choice.resolution.width / divisor,
                               choice.resolution.height / divisor};
  config.frameRate = choice.frameRate;
  return config;
}

CameraSession::Reply CameraSession::configSet(const proto::ConfigRequest& request, bool apply) {
  if (apply && configLocked()) {
    return makeError(EBUSY, "the configuration is locked while buffers are allocated");
  }
  Result<proto::FormatChoice> nearest = proto::nearestConfigured(
      config_, {request.pixelFormat, {request.width, request.height}, choice_.frameRate});
  if (!nearest) return nearest.error();
  // Another guest owns the camera's format: the nearest we can offer is that one.
  if (std::optional<proto::FormatChoice> shared = hub_.lockedFormat(); shared && !configLocked()) {
    if (!proto::isConfigured(config_, shared->fourcc, shared->resolution, shared->frameRate)) {
      return makeError(EBUSY, "the camera is in use with a format this guest may not use");
    }
    nearest = *shared;
  }
  if (apply) choice_ = *nearest;
  return proto::ResponsePayload{describe(*nearest)};
}

CameraSession::Reply CameraSession::frameRateSet(const proto::FrameRateRequest& request) {
  if (streaming_) return makeError(EBUSY, "the frame rate cannot change while streaming");
  Result<proto::FormatChoice> nearest =
      proto::nearestConfigured(config_, {choice_.fourcc, choice_.resolution, request.frameRate});
  if (!nearest) return nearest.error();
  const std::optional<proto::FormatChoice> locked = hub_.lockedFormat();
  if (locked && hub_.lockedByOthers(this) && locked->fourcc == choice_.fourcc &&
      locked->resolution == choice_.resolution) {
    // Another guest set the shared camera's rate: as with CONFIG_SET's nearest match, this
    // guest gets the rate in force, which CONFIG_GET reports.
    choice_.frameRate = locked->frameRate;
    return proto::ResponsePayload{};
  }
  if (numBufs_ > 0) {
    if (Status relocked = hub_.lock(this, *nearest); !relocked) return relocked.error();
  }
  choice_ = *nearest;
  return proto::ResponsePayload{};
}

Result<proto::BufLayout> CameraSession::currentLayout() const {
  Result<fourcc::Layout> layout = layoutOf(choice_);
  if (!layout) return layout.error();
  proto::BufLayout result;
  result.numPlanes = static_cast<std::uint8_t>(layout->numMemPlanes);
  // One granted buffer holds every memory plane, and a guest shares the pages its planes
  // happen to live in: videobuf2 gives each plane of NV12M or YUV420M its own pages, and a
  // USERPTR plane (malloc()ed memory) starts part-way into its first page. So each plane gets
  // its size rounded up to a page plus one page for that in-page offset; `size` (whose page
  // count both sides use) is their sum. sizeimage and strides stay V4L2's.
  std::uint64_t size = 0;
  for (std::uint32_t i = 0; i < layout->numMemPlanes; ++i) {
    result.planeSize[i] = layout->memPlanes[i].sizeImage;
    result.planeStride[i] = layout->memPlanes[i].bytesPerLine;
    size += *checkedAlignUp<std::uint64_t>(result.planeSize[i], xen::kPageSize) + xen::kPageSize;
  }
  if (size > UINT32_MAX) return makeError(EOVERFLOW, "frame larger than 4 GiB");
  result.size = static_cast<std::uint32_t>(size);
  return result;
}

CameraSession::Reply CameraSession::bufGetLayout() {
  Result<proto::BufLayout> layout = currentLayout();
  if (!layout) return layout.error();
  return proto::ResponsePayload{*layout};
}

CameraSession::Reply CameraSession::bufRequest(const proto::BufCount& request) {
  if (streaming_) return makeError(EBUSY, "buffers cannot be requested while streaming");
  if (request.numBufs == 0) {
    queue_.clear();
    dropBuffers([](std::uint8_t) { return true; });
    numBufs_ = 0;
    bufferLayout_.reset();
    lease_.resizeBuffers(0);
    hub_.unlock(this);
    return proto::ResponsePayload{proto::BufCount{0}};
  }
  const auto wanted = std::min({request.numBufs, config_.maxBuffers, kMaxBuffersPerDevice});
  Result<proto::BufLayout> layout = currentLayout();
  if (!layout) return layout.error();
  if (Status locked = hub_.lock(this, choice_); !locked) return locked.error();
  const auto granted = static_cast<std::uint8_t>(lease_.resizeBuffers(wanted));
  if (granted == 0) {
    if (numBufs_ == 0) hub_.unlock(this);
    return makeError(ENOMEM,
                     "the guest's other cameras hold all of its buffers "
                     "(max-buffers-per-guest)");
  }
  bufferLayout_ = *layout;
  // A smaller count drops the buffers above it.
  std::erase_if(queue_, [granted](std::uint8_t index) { return index >= granted; });
  dropBuffers([granted](std::uint8_t index) { return index >= granted; });
  numBufs_ = granted;
  return proto::ResponsePayload{proto::BufCount{granted}};
}

CameraSession::Reply CameraSession::bufCreate(const proto::BufCreateRequest& request) {
  if (request.index >= numBufs_) {
    return makeError(EINVAL, "buffer index " + std::to_string(request.index) +
                                 " is not below the " + std::to_string(numBufs_) + " requested");
  }
  if (buffers_.contains(request.index)) {
    return makeError(EEXIST, "buffer " + std::to_string(request.index) + " exists already");
  }
  const proto::BufLayout& layout = *bufferLayout_;  // set whenever numBufs_ > 0
  if (Status offsets = proto::checkPlaneOffsets(request, layout); !offsets) return offsets.error();
  Result<Buffer> made = makeBuffer(request, layout);
  if (!made) return made.error();
  buffers_.emplace(request.index, std::move(made).value());
  return proto::ResponsePayload{};
}

CameraSession::Buffer CameraSession::withPlanes(std::unique_ptr<buffer::GuestBuffer> memory,
                                                const proto::BufCreateRequest& request,
                                                const proto::BufLayout& layout) {
  Buffer held{std::move(memory), {}, layout.numPlanes, {}, nullptr, {}};
  const std::span<std::byte> bytes = held.memory->bytes();
  for (std::size_t i = 0; i < layout.numPlanes; ++i) {
    held.planes[i] = bytes.subspan(request.planeOffset[i], layout.planeSize[i]);
  }
  return held;
}

Result<CameraSession::Buffer> CameraSession::makeBuffer(const proto::BufCreateRequest& request,
                                                        const proto::BufLayout& layout) {
  DirectCapture* camera = directRefused_ ? nullptr : hub_.directCapture();
  if (config_.beAlloc && camera != nullptr) {
    Result<Buffer> owned = cameraOwnedBuffer(*camera, request, layout);
    if (owned) return owned;
    refuseDirect(owned.error());
  }
  Result<std::unique_ptr<buffer::GuestBuffer>> memory =
      config_.beAlloc
          ? buffer::shareBackendBuffer(xen_, address_.frontend, request.grefDirectory, layout.size)
          : buffer::mapFrontendBuffer(xen_, address_.frontend, request.grefDirectory, layout.size);
  if (!memory) return memory.error();
  Buffer held = withPlanes(std::move(memory).value(), request, layout);
  if (!config_.beAlloc && camera != nullptr) {
    if (Status shared = shareWithCamera(*camera, held, request, layout); !shared) {
      refuseDirect(shared.error());
    }
  }
  return held;
}

Status CameraSession::shareWithCamera(DirectCapture& camera, Buffer& buffer,
                                      const proto::BufCreateRequest& request,
                                      const proto::BufLayout& layout) {
  if (Status fits = checkCameraLayout(camera, layout); !fits) return fits;
  Result<xen::ExportedDmaBuf> exported = buffer.memory->exportDmaBuf();
  if (!exported) return withContext("gntdev cannot export the guest's pages", exported.error());
  std::array<DmaBufPlane, XENCAMERA_MAX_PLANE> planes{};
  for (std::size_t i = 0; i < layout.numPlanes; ++i) {
    planes[i] = {exported->fd(), request.planeOffset[i], camera.layout().memPlanes[i].sizeImage};
  }
  Result<DirectBufferId> id =
      camera.importBuffer(std::span<const DmaBufPlane>(planes.data(), layout.numPlanes));
  if (!id) return withContext("the camera cannot import the guest's pages", id.error());
  buffer.directId = *id;
  buffer.camera = &camera;
  buffer.exported = std::move(exported).value();
  return {};
}

Result<CameraSession::Buffer> CameraSession::cameraOwnedBuffer(
    DirectCapture& camera, const proto::BufCreateRequest& request, const proto::BufLayout& layout) {
  if (Status fits = checkCameraLayout(camera, layout); !fits) return fits.error();
  Result<CameraOwnedBuffer> owned = camera.allocateBuffer();
  if (!owned) return withContext("the camera has no buffer to lend", owned.error());
  auto giveBack = [&camera, id = owned->id] { camera.removeBuffer(id); };
  for (std::size_t i = 0; i < layout.numPlanes; ++i) {
    const std::uint64_t end = std::uint64_t{request.planeOffset[i]} + layout.planeSize[i];
    if (owned->planeOffset[i] != request.planeOffset[i] || end > owned->size) {
      giveBack();
      return makeError(EINVAL, "the guest wants plane " + std::to_string(i) + " at offset " +
                                   std::to_string(request.planeOffset[i]) +
                                   ", the camera's buffer has it at " +
                                   std::to_string(owned->planeOffset[i]));
    }
  }
  Result<std::unique_ptr<buffer::GuestBuffer>> memory = buffer::grantDmaBuf(
      xen_, address_.frontend, request.grefDirectory, layout.size, owned->fd, owned->size);
  if (!memory) {
    giveBack();
    return withContext("the camera's buffer cannot be granted", memory.error());
  }
  Buffer held = withPlanes(std::move(memory).value(), request, layout);
  held.directId = owned->id;
  held.camera = &camera;
  return held;
}

void CameraSession::refuseDirect(const Error& error) {
  if (std::exchange(directRefused_, true)) return;
  base::logMessage(base::LogLevel::Warning, name_,
                   "no zero copy (" + error.message + "): frames are copied");
}

void CameraSession::dropBuffers(const std::function<bool(std::uint8_t index)>& which) {
  for (auto entry = buffers_.begin(); entry != buffers_.end();) {
    if (!which(entry->first)) {
      ++entry;
      continue;
    }
    Buffer& buffer = entry->second;
    // The camera lets go first, then our CPU mapping, then our dma-buf export (waiting until
    // every importer has): only then may the guest end its grants. (The emulated gntdev
    // counts any mapping of the guest's pages as a user of the export, so ours goes first.)
    if (buffer.directId) buffer.camera->removeBuffer(*buffer.directId);
    buffer.memory.reset();
    if (Status released = buffer.exported.release(xen::kDmaBufReleaseWaitMs); !released) {
      base::logMessage(base::LogLevel::Warning, name_,
                       "buffer " + std::to_string(entry->first) +
                           ": the dma-buf is still in use: " + released.error().message);
    }
    entry = buffers_.erase(entry);
  }
}

CameraSession::Reply CameraSession::bufDestroy(std::uint8_t index) {
  if (!buffers_.contains(index)) {
    return makeError(ENOENT, "no buffer " + std::to_string(index));
  }
  // A running camera may still hold the buffer's dma-buf even when it is not queued (a device
  // keeps its last imports attached): releasing it would block the loop waiting for the
  // camera. V4L2 frees buffers only after STREAMOFF anyway.
  if (direct_ != nullptr && buffers_.at(index).directId) {
    return makeError(EBUSY, "buffer " + std::to_string(index) +
                                " belongs to the running camera: stop streaming first");
  }
  std::erase(queue_, index);
  dropBuffers([index](std::uint8_t other) { return other == index; });
  return proto::ResponsePayload{};
}

CameraSession::Reply CameraSession::bufQueue(std::uint8_t index) {
  auto found = buffers_.find(index);
  if (found == buffers_.end()) return makeError(ENOENT, "no buffer " + std::to_string(index));
  if (std::find(queue_.begin(), queue_.end(), index) != queue_.end() ||
      std::find(inCamera_.begin(), inCamera_.end(), index) != inCamera_.end()) {
    return makeError(EBUSY, "buffer " + std::to_string(index) + " is queued already");
  }
  if (direct_ != nullptr && found->second.directId) {
    Status queued = direct_->queueBuffer(*found->second.directId);
    if (queued) {
      inCamera_.push_back(index);
      return proto::ResponsePayload{};
    }
    queue_.push_back(index);  // the guest queued it: it gets a copied frame instead
    hub_.directFailed(this, queued.error());
    return proto::ResponsePayload{};
  }
  queue_.push_back(index);
  return proto::ResponsePayload{};
}

CameraSession::Reply CameraSession::bufDequeue(std::uint8_t index) {
  if (!buffers_.contains(index)) return makeError(ENOENT, "no buffer " + std::to_string(index));
  if (std::find(inCamera_.begin(), inCamera_.end(), index) != inCamera_.end()) {
    return makeError(EBUSY, "buffer " + std::to_string(index) + " is being filled by the camera");
  }
  // A buffer handed back with FRAME_AVAIL left the queue already; one still queued is taken
  // back unfilled (the guest stopped waiting for it).
  std::erase(queue_, index);
  return proto::ResponsePayload{};
}

bool CameraSession::hasControl(proto::ControlType type) const {
  return std::find(config_.controls.begin(), config_.controls.end(), type) !=
         config_.controls.end();
}

CameraSession::Reply CameraSession::ctrlEnum(std::uint8_t index) {
  // -EINVAL past the last control is how the reference frontend stops enumerating.
  if (index >= config_.controls.size()) {
    return makeError(EINVAL, "no control " + std::to_string(index));
  }
  const ControlRange& range = controlRange(config_.controls[index]);
  proto::CtrlEnumResponse response;
  response.index = index;
  response.type = range.type;
  response.flags = range.flags;
  response.min = range.min;
  response.max = range.max;
  response.step = range.step;
  response.defaultValue = range.defaultValue;
  return proto::ResponsePayload{response};
}

CameraSession::Reply CameraSession::ctrlSet(const proto::ControlValue& request) {
  if (!hasControl(request.type)) {
    return makeError(
        EINVAL, std::string("this device has no ") + std::string(proto::controlName(request.type)));
  }
  if (Status set = hub_.setControl(this, request.type, request.value); !set) return set.error();
  return proto::ResponsePayload{};
}

CameraSession::Reply CameraSession::ctrlGet(proto::ControlType type) {
  if (!hasControl(type)) {
    return makeError(EINVAL,
                     std::string("this device has no ") + std::string(proto::controlName(type)));
  }
  return proto::ResponsePayload{proto::ControlValue{type, hub_.control(type)}};
}

CameraSession::Reply CameraSession::streamStart() {
  if (streaming_) return makeError(EBUSY, "already streaming");
  if (numBufs_ == 0) return makeError(EINVAL, "no buffers requested");
  if (Status started = hub_.startStreaming(this); !started) return started.error();
  streaming_ = true;
  base::logMessage(base::LogLevel::Info, name_,
                   direct_ == nullptr ? std::string("streaming: frames drawn or copied into the "
                                                    "guest's buffers")
                   : config_.beAlloc  ? std::string("streaming, zero copy: the camera writes its "
                                                     "own buffers, granted to the guest (be-alloc)")
                                      : std::string("streaming, zero copy: the camera writes the "
                                                     "guest's pages (gntdev dma-buf)"));
  return proto::ResponsePayload{};
}

CameraSession::Reply CameraSession::streamStop() {
  hub_.stopStreaming(this);
  streaming_ = false;
  queue_.clear();  // every buffer is the guest's again
  return proto::ResponsePayload{};
}

void CameraSession::frameDue(std::uint32_t sequence, FrameRenderer& renderer) {
  if (queue_.empty()) {  // no buffer: this guest skips the frame (a gap in seq_num)
    ++framesSkipped_;
    return;
  }
  const std::uint8_t index = queue_.front();
  auto found = buffers_.find(index);
  if (found == buffers_.end()) return;
  const Buffer& buffer = found->second;
  Result<RenderedFrame> rendered = renderer.render(
      sequence, std::span<const std::span<std::byte>>(buffer.planes.data(), buffer.numPlanes));
  if (!rendered) {
    // The buffer stays queued for the next frame; the guest sees a gap.
    base::logMessage(
        base::LogLevel::Warning, name_,
        "frame " + std::to_string(sequence) + " not rendered: " + rendered.error().message);
    ++framesSkipped_;
    return;
  }
  Result<std::uint16_t> posted =
      channel_.post(proto::Event{0, proto::FrameAvail{index, rendered->bytesUsed, sequence}});
  if (!posted) {
    // A full event page means the guest is behind: it misses this frame, keeps the buffer.
    if (posted.error().code != ENOSPC) fail_(posted.error());
    ++framesSkipped_;
    return;
  }
  queue_.pop_front();
  ++framesDelivered_;
  if (rendered->bytesCopied > 0) {
    bytesCopied_ += rendered->bytesCopied;
  } else {
    bytesRendered_ += rendered->bytesUsed;
  }
}

bool CameraSession::canCaptureDirect() const {
  return !directRefused_ && !buffers_.empty() &&
         std::all_of(buffers_.begin(), buffers_.end(),
                     [](const auto& entry) { return entry.second.directId.has_value(); });
}

Status CameraSession::beginDirect(DirectCapture& camera) {
  direct_ = &camera;
  while (!queue_.empty()) {
    const std::uint8_t index = queue_.front();
    if (Status queued = camera.queueBuffer(*buffers_.at(index).directId); !queued) return queued;
    queue_.pop_front();
    inCamera_.push_back(index);
  }
  return {};
}

void CameraSession::endDirect() {
  direct_ = nullptr;
  // What the camera held was queued before anything still waiting here.
  queue_.insert(queue_.begin(), inCamera_.begin(), inCamera_.end());
  inCamera_.clear();
}

void CameraSession::directFilled(DirectBufferId id, std::uint32_t sequence,
                                 std::uint32_t bytesUsed) {
  auto held = std::find_if(inCamera_.begin(), inCamera_.end(),
                           [&](std::uint8_t index) { return buffers_.at(index).directId == id; });
  if (held == inCamera_.end()) return;  // not ours (any more)
  const std::uint8_t index = *held;
  inCamera_.erase(held);
  Result<std::uint16_t> posted =
      channel_.post(proto::Event{0, proto::FrameAvail{index, bytesUsed, sequence}});
  if (!posted) {
    ++framesSkipped_;
    if (posted.error().code != ENOSPC) {
      fail_(posted.error());
      return;
    }
    // A full event page: the guest is behind; the buffer goes back for the next frame.
    if (Status queued = direct_->queueBuffer(id); queued) {
      inCamera_.push_back(index);
    } else {
      queue_.push_back(index);
      hub_.directFailed(this, queued.error());
    }
    return;
  }
  ++framesDelivered_;
  ++framesDirect_;
  bytesRendered_ += bytesUsed;
}

void CameraSession::directRefused(const Error& error) { refuseDirect(error); }

void CameraSession::controlChanged(proto::ControlType type, std::int64_t value) {
  if (!hasControl(type)) return;
  Result<std::uint16_t> posted = channel_.post(proto::Event{0, proto::ControlValue{type, value}});
  if (!posted && posted.error().code != ENOSPC) fail_(posted.error());
}

void CameraSession::cameraLost(const Error& error) {
  base::logMessage(base::LogLevel::Error, name_, error.message);
  fail_(error);  // the device goes Closed with an error node; the guest may connect again
}

HandlerFactory cameraSessions(xen::XenTransport& xen, CameraRegistry& cameras,
                              GuestLimits& limits) {
  return [&xen, &cameras,
          &limits](const ConnectionContext& context) -> Result<std::unique_ptr<RequestHandler>> {
    Result<GuestLimits::Lease> lease = limits.admit(context.address.frontend);
    if (!lease) return lease.error();
    Result<CameraHub*> hub = cameras.hub(context.config.uniqueId);
    if (!hub) return hub.error();
    return std::unique_ptr<RequestHandler>(
        new CameraSession(xen, context, **hub, std::move(lease).value(), context.fail));
  };
}

}  // namespace vcam::session
