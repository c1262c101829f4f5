// SPDX-License-Identifier: MIT
// CameraStream: acquire, configure, buffers and requests, completion on the loop, controls.
#include "backend/source/libcamera/camera_stream.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <utility>

#include <libcamera/camera.h>
#include <libcamera/control_ids.h>
#include <libcamera/framebuffer.h>
#include <libcamera/framebuffer_allocator.h>
#include <libcamera/request.h>
#include <libcamera/stream.h>

#include "backend/base/log.h"
#include "backend/source/libcamera/format_mapping.h"
#include "backend/source/libcamera/frame_layout.h"
#include "backend/source/libcamera/request_cookie.h"
#include "backend/source/libcamera/stream_off_guard.h"

namespace vcam::source::lc {
namespace {

using base::LogLevel;

constexpr std::array<proto::ControlType, 3> kMappedControls{
    proto::ControlType::Brightness, proto::ControlType::Contrast, proto::ControlType::Saturation};

std::unique_ptr<libcamera::CameraConfiguration> generate(libcamera::Camera& camera) {
  std::unique_ptr<libcamera::CameraConfiguration> config =
      camera.generateConfiguration({libcamera::StreamRole::VideoRecording});
  if (!config || config->empty()) {
    config = camera.generateConfiguration({libcamera::StreamRole::Viewfinder});
  }
  if (config && config->empty()) config.reset();
  return config;
}

bool sameLayout(const fourcc::Layout& a, const fourcc::Layout& b) {
  if (a.numMemPlanes != b.numMemPlanes || a.numColorPlanes != b.numColorPlanes) return false;
  if (a.totalSize != b.totalSize) return false;
  for (std::size_t i = 0; i < a.numColorPlanes; ++i) {
    const fourcc::ColorPlaneLayout& x = a.colorPlanes[i];
    const fourcc::ColorPlaneLayout& y = b.colorPlanes[i];
    if (x.offset != y.offset || x.stride != y.stride || x.size != y.size) return false;
  }
  return true;
}

}  // namespace

Result<std::unique_ptr<CameraStream>> CameraStream::open(CameraLibrary& library,
                                                         const std::string& id,
                                                         base::EventLoop& loop) {
  std::shared_ptr<libcamera::Camera> camera = library.camera(id);
  if (!camera) {
    Result<std::string> resolved = library.resolve(id);
    return makeError(ENODEV, resolved ? "camera '" + id + "' is gone" : resolved.error().message);
  }
  // The camera's nodes are the media devices its acquire locks (camera_nodes.h): an unplug
  // of another camera must not end this one's stream by leaking it.
  const std::set<FileId> locksBefore = heldLocks();
  if (const int rc = camera->acquire(); rc < 0) {
    return libcameraError(rc, "camera '" + id + "' cannot be acquired (in use?)");
  }
  CameraNodes nodes = cameraNodesSince(locksBefore);
  std::unique_ptr<CameraStream> stream(
      new CameraStream(library, id, loop, std::move(camera), std::move(nodes)));
  base::logMessage(LogLevel::Info, stream->prefix(),
                   "acquired; device nodes: " + stream->nodes_.description +
                       "; libcamera 0.0.3 has no hue control, so none is offered");
  return stream;
}

CameraStream::CameraStream(CameraLibrary& library, std::string id, base::EventLoop& loop,
                           std::shared_ptr<libcamera::Camera> camera, CameraNodes nodes)
    : library_(library),
      id_(std::move(id)),
      loop_(loop),
      camera_(std::move(camera)),
      nodes_(std::move(nodes)),
      self_(std::make_shared<CameraStream*>(this)) {
  library_.streamOpened(this);
  // libcamera's thread: read the cookie (the request is libcamera's to give now), post.
  std::weak_ptr<CameraStream*> weak = self_;
  camera_->requestCompleted.connect(this, [loop = &loop_, weak](libcamera::Request* request) {
    const std::uint64_t cookie = request->cookie();
    loop->post([weak, request, cookie] {
      std::shared_ptr<CameraStream*> self = weak.lock();
      if (!self) return;
      CameraStream* stream = *self;
      self.reset();  // so that completed() sees it when the frame handler destroys the stream
      stream->completed(request, cookie, weak);
    });
  });
  camera_->disconnected.connect(this, [loop = &loop_, weak] {
    loop->post([weak] {
      if (std::shared_ptr<CameraStream*> self = weak.lock()) (*self)->cameraGone();
    });
  });
}

CameraStream::~CameraStream() {
  stop();          // its last look may find the device gone and detach this stream
  if (!camera_) {  // detached: libcamera's objects are leaked or already its own
    self_.reset();
    direct_.clear();
    spares_.clear();
    library_.streamClosed(this);
    base::logMessage(LogLevel::Info, prefix(),
                     "released (its camera was let go before: unplugged, or libcamera restarted)");
    return;
  }
  self_.reset();
  releaseCamera();
  direct_.clear();  // each request before its FrameBuffer (DirectBuffer's member order)
  library_.streamClosed(this);
  base::logMessage(LogLevel::Info, prefix(), "released");
}

// After a stop that succeeded (or none): libcamera holds none of our requests any more.
void CameraStream::releaseCamera() {
  // After stop() libcamera completes no more of our requests; disconnected may still race
  // with this on hot-unplug (libcamera 0.0.3's signals are not thread-safe).
  camera_->requestCompleted.disconnect(this);
  camera_->disconnected.disconnect(this);
  releaseBuffers();
  for (auto& [id, entry] : direct_) entry.request.reset();  // the FrameBuffers are the caller's
  retired_.clear();
  spares_.clear();
  config_.reset();
  stream_ = nullptr;
  if (const int rc = camera_->release(); rc < 0) {
    base::logMessage(gone_ ? LogLevel::Debug : LogLevel::Warning, prefix(),
                     "release: " + std::string(std::strerror(-rc)));
  }
  camera_.reset();
}

Result<proto::FormatChoice> CameraStream::configure(const proto::FormatChoice& wanted) {
  if (running_) return makeError(EBUSY, prefix() + ": cannot configure while streaming");
  if (gone_) return makeError(ENODEV, prefix() + ": the camera was unplugged");
  const libcamera::PixelFormat pixelFormat = toPixelFormat(wanted.fourcc);
  if (!pixelFormat.isValid()) {
    return makeError(EINVAL, prefix() + ": FOURCC 0x" + std::to_string(wanted.fourcc) +
                                 " is not a format libcamera cameras are offered as");
  }
  std::unique_ptr<libcamera::CameraConfiguration> config = generate(*camera_);
  if (!config) return makeError(ENOTSUP, prefix() + ": no video or viewfinder stream");
  libcamera::StreamConfiguration& stream = config->at(0);
  stream.pixelFormat = pixelFormat;
  stream.size = libcamera::Size(wanted.resolution.width, wanted.resolution.height);
  const std::string asked = stream.toString();
  const libcamera::CameraConfiguration::Status status = config->validate();
  if (status == libcamera::CameraConfiguration::Invalid) {
    return makeError(EINVAL, prefix() + ": libcamera finds " + asked + " invalid");
  }
  const fourcc::FormatInfo& info = toFormatInfo(stream.pixelFormat);
  if (!info.isValid()) {
    return makeError(EINVAL, prefix() + ": libcamera adjusted " + asked + " to " +
                                 stream.toString() + ", which cameraif has no code for");
  }
  if (status == libcamera::CameraConfiguration::Adjusted) {
    base::logMessage(LogLevel::Info, prefix(),
                     "libcamera adjusted " + asked + " to " + stream.toString());
  }
  if (const int rc = camera_->configure(config.get()); rc < 0) {
    return libcameraError(rc, prefix() + ": configure " + stream.toString());
  }
  // Colour planes following each other in frameSize bytes (0: libcamera did not say).
  const BufferPlane whole{
      -1, 0, stream.frameSize != 0 ? stream.frameSize : std::numeric_limits<std::uint32_t>::max()};
  const fourcc::Size size{stream.size.width, stream.size.height};
  Result<fourcc::Layout> layout =
      describeLayout(info, size, stream.stride, std::span<const BufferPlane>(&whole, 1));
  if (!layout) return withContext(prefix(), layout.error());

  proto::FrameRate rate = kDefaultFrameRate;
  frameDurationUs_.reset();
  std::optional<DurationLimits> limits;
  const libcamera::ControlInfoMap& controls = camera_->controls();
  if (auto found = controls.find(libcamera::controls::FrameDurationLimits.id());
      found != controls.end()) {
    limits = durationLimitsOf(found->second);
  }
  if (limits && isUsable(*limits)) {
    const std::optional<std::int64_t> askedUs = frameDurationUs(wanted.frameRate);
    const std::int64_t duration =
        std::clamp(askedUs.value_or(limits->minUs), limits->minUs, limits->maxUs);
    frameDurationUs_ = duration;
    rate = duration == askedUs ? wanted.frameRate
                               : rateOfDuration(duration).value_or(kDefaultFrameRate);
  } else {
    base::logMessage(LogLevel::Info, prefix(),
                     "the camera reports no frame duration limits: its rate is its own, "
                     "answered as 30/1");
  }
  config_ = std::move(config);
  stream_ = stream.stream();
  format_ = &info;
  layout_ = *layout;
  // Direct buffers made before are for another configuration; spares may have another shape.
  ++configuration_;
  spares_.clear();
  directLayout_ = withFrameSize(*layout, stream.frameSize);
  maxAtCamera_ = std::max(1U, stream.bufferCount);
  choice_ = proto::FormatChoice{info.v4l2, {size.width, size.height}, rate};
  base::logMessage(LogLevel::Info, prefix(),
                   "configured " + stream.toString() + " stride " + std::to_string(stream.stride) +
                       " frame size " + std::to_string(stream.frameSize) + " buffers " +
                       std::to_string(stream.bufferCount) + " at " +
                       std::to_string(rate.numerator) + "/" + std::to_string(rate.denominator));
  return choice_;
}

Status CameraStream::prepareBuffers() {
  allocator_ = std::make_unique<libcamera::FrameBufferAllocator>(camera_);
  const int count = allocator_->allocate(stream_);
  if (count <= 0) {
    allocator_.reset();
    return libcameraError(count == 0 ? -ENOMEM : count, prefix() + ": allocate buffers");
  }
  const fourcc::Size size{stream_->configuration().size.width,
                          stream_->configuration().size.height};
  const std::uint32_t stride = stream_->configuration().stride;
  const std::vector<std::unique_ptr<libcamera::FrameBuffer>>& buffers =
      allocator_->buffers(stream_);
  for (std::size_t i = 0; i < buffers.size(); ++i) {
    libcamera::FrameBuffer& buffer = *buffers[i];
    std::vector<BufferPlane> planes;
    for (const libcamera::FrameBuffer::Plane& plane : buffer.planes()) {
      if (plane.offset == libcamera::FrameBuffer::Plane::kInvalidOffset || planes.size() == 4) {
        releaseBuffers();
        return makeError(EINVAL, prefix() + ": buffer " + std::to_string(i) +
                                     " has planes libcamera left unplaced (or too many)");
      }
      planes.push_back({plane.fd.get(), plane.offset, plane.length});
    }
    Result<fourcc::Layout> layout = describeLayout(*format_, size, stride, planes);
    Result<MappedBuffer> mapped = layout ? MappedBuffer::map(planes) : layout.error();
    Status same;
    if (layout && i > 0 && !sameLayout(*layout, layout_)) {
      same = makeError(EINVAL, "buffer " + std::to_string(i) + " is laid out unlike buffer 0");
    }
    if (!layout || !mapped || !same) {
      const Error& error = !layout ? layout.error() : !mapped ? mapped.error() : same.error();
      releaseBuffers();
      return withContext(prefix(), error);
    }
    if (i == 0) layout_ = *layout;
    std::unique_ptr<libcamera::Request> request =
        camera_->createRequest(makeCookie(generation_, static_cast<std::uint32_t>(i)));
    if (!request) {
      releaseBuffers();
      return makeError(ENOMEM, prefix() + ": createRequest failed");
    }
    if (const int rc = request->addBuffer(stream_, &buffer); rc < 0) {
      releaseBuffers();
      return libcameraError(rc, prefix() + ": addBuffer");
    }
    slots_.push_back(Slot{std::move(request), std::move(mapped).value()});
  }
  base::logMessage(LogLevel::Debug, prefix(),
                   std::to_string(slots_.size()) + " buffers of " +
                       std::to_string(layout_.totalSize) + " bytes mapped");
  return {};
}

void CameraStream::releaseBuffers() {
  slots_.clear();  // requests and mappings before the buffers they refer to
  if (allocator_) {
    allocator_->free(stream_);
    allocator_.reset();
  }
}

Status CameraStream::start(FrameHandler onFrame) {
  if (running_) return makeError(EBUSY, prefix() + ": already streaming");
  if (gone_) return makeError(ENODEV, prefix() + ": the camera was unplugged");
  if (stream_ == nullptr) return makeError(EINVAL, prefix() + ": start before configure");
  ++generation_;
  if (Status prepared = prepareBuffers(); !prepared) return prepared;
  if (Status started = startCamera(); !started) {
    releaseBuffers();
    return started;
  }
  onFrame_ = std::make_shared<const FrameHandler>(std::move(onFrame));
  running_ = true;
  for (Slot& slot : slots_) {
    if (const int rc = camera_->queueRequest(slot.request.get()); rc < 0) {
      stop();
      return libcameraError(rc, prefix() + ": queueRequest");
    }
  }
  base::logMessage(LogLevel::Info, prefix(),
                   "streaming with " + std::to_string(slots_.size()) + " requests");
  return {};
}

// Starts the camera with the frame rate and the controls set so far.
Status CameraStream::startCamera() {
  libcamera::ControlList startControls(camera_->controls());
  if (frameDurationUs_) {
    const std::int64_t d = *frameDurationUs_;
    startControls.set(libcamera::controls::FrameDurationLimits, {d, d});
  }
  for (const auto& [type, value] : pending_) startControls.set(*libcameraControl(type), value);
  pending_.clear();
  if (const int rc = camera_->start(&startControls); rc < 0) {
    return libcameraError(rc, prefix() + ": start");
  }
  cameraRunning_ = true;
  return {};
}

void CameraStream::stop() { halt(true); }

void CameraStream::halt(bool lookFirst) {
  if (!running_) return;
  // Look first: a camera whose device vanished ends as unplugged (detach()), the reason its
  // session is told. A node unregistered after the look is the stream-off guard's
  // (stream_off_guard.h): the stop below completes all the same.
  if (lookFirst && library_.checkDevices(CameraLibrary::Check::Now)) {
    detach("a camera device node is gone");  // the library has ended this stream already,
    return;                                  // one way or the other, unless it was busy
  }
  running_ = false;
  ++generation_;  // completions posted before this are stale now
  const std::uint64_t guardedBefore = guardedCalls();
  const int rc = camera_->stop();  // cancels what is queued; blocks until libcamera has done
  if (rc == 0) cameraRunning_ = false;
  if (guardedCalls() != guardedBefore) {
    base::logMessage(LogLevel::Warning, prefix(),
                     "its device's node was unregistered (STREAMOFF or QBUF answered ENODEV): "
                     "the stream is off all the same, its requests came back cancelled "
                     "(stream-off guard)");
  }
  onFrame_.reset();
  if (directMode_) {
    stopDirect(rc == 0);
    if (rc < 0) {
      base::logMessage(gone_ ? LogLevel::Info : LogLevel::Error, prefix(),
                       "stop: " + std::string(std::strerror(-rc)) +
                           "; the requests at the camera are leaked, their buffers are not");
    } else {
      base::logMessage(LogLevel::Info, prefix(), "stopped");
    }
    return;
  }
  if (rc < 0) {
    // An unplugged camera refuses stop() and may still point at our requests and buffers:
    // leak them rather than let libcamera's thread touch freed memory.
    base::logMessage(gone_ ? LogLevel::Info : LogLevel::Error, prefix(),
                     "stop: " + std::string(std::strerror(-rc)) + "; leaking " +
                         std::to_string(slots_.size()) + " requests and their buffers");
    for (Slot& slot : slots_) static_cast<void>(slot.request.release());
    slots_.clear();
    static_cast<void>(allocator_.release());
    return;
  }
  releaseBuffers();
  base::logMessage(LogLevel::Info, prefix(), "stopped");
}

void CameraStream::completed(libcamera::Request* request, std::uint64_t cookie,
                             const std::weak_ptr<CameraStream*>& weak) {
  if (directMode_) {
    directCompleted(request, cookie);  // the last thing it does may destroy the stream
    return;
  }
  const std::uint32_t generation = cookieGeneration(cookie);
  const std::size_t index = cookieIndex(cookie);
  if (!running_ || generation != generation_ || index >= slots_.size() ||
      slots_[index].request.get() != request) {
    return;  // from an earlier start(), or after stop(): the request may be gone
  }
  if (request->status() == libcamera::Request::RequestCancelled) return;
  Slot& slot = slots_[index];
  const libcamera::FrameBuffer* buffer = request->findBuffer(stream_);
  if (buffer == nullptr) {
    base::logMessage(LogLevel::Error, prefix(), "a completed request without our buffer");
    return;
  }
  const libcamera::FrameMetadata& metadata = buffer->metadata();
  CapturedFrame frame;
  frame.sequence = metadata.sequence;
  frame.timestampNs = metadata.timestamp;
  frame.ok = metadata.status == libcamera::FrameMetadata::FrameSuccess;
  const auto planes = metadata.planes();
  frame.numBufferPlanes =
      std::min({planes.size(), buffer->planes().size(), frame.bytesUsed.size()});
  for (std::size_t i = 0; i < frame.numBufferPlanes; ++i) {
    frame.bytesUsed[i] = std::min(planes[i].bytesused, buffer->planes()[i].length);
  }
  frame.format = format_;
  frame.layout = layout_;
  const std::uint64_t length =
      format_->isCompressed() ? frame.bytesUsed[0] : layout_.memPlanes[0].sizeImage;
  if (Result<std::span<const std::byte>> view = slot.mapped.view(0, length); view) {
    frame.memPlanes[0] = *view;
  } else {
    base::logMessage(LogLevel::Error, prefix(), view.error().message);
    frame.ok = false;
  }
  base::logMessage(LogLevel::Debug, prefix(),
                   "frame " + std::to_string(frame.sequence) + " " + std::to_string(length) +
                       " bytes" + (frame.ok ? "" : " (error)"));
  slot.mapped.beginRead();
  const std::shared_ptr<const FrameHandler> handler = onFrame_;
  (*handler)(frame);
  // The handler may have destroyed the stream, or stopped (and restarted) it.
  if (weak.expired() || !running_ || generation != generation_) return;
  slot.mapped.endRead();
  requeue(request);
}

void CameraStream::requeue(libcamera::Request* request) {
  request->reuse(libcamera::Request::ReuseBuffers);
  for (const auto& [type, value] : pending_)
    request->controls().set(*libcameraControl(type), value);
  pending_.clear();
  if (const int rc = camera_->queueRequest(request); rc < 0) {
    base::logMessage(LogLevel::Error, prefix(), "queueRequest: " + std::string(std::strerror(-rc)));
  }
}

void CameraStream::cameraGone() {
  // libcamera has marked the camera disconnected (Camera::stop() would answer ENODEV) and
  // handles its end itself (UVC): the Camera may go as applications let go of theirs.
  letGo(makeError(ENODEV, "the camera was unplugged (libcamera reports it)"), false);
}

void CameraStream::detach(const std::string& why) {
  // With the stream-off guard (stream_off_guard.h) a camera whose device vanished stops like
  // any other: stopped and released, nothing leaked. A camera libcamera itself marked
  // disconnected refuses the stop, and is let go instead (endForRestart()).
  endForRestart(makeError(ENODEV, "the camera was unplugged (" + why + ")"));
}

void CameraStream::endForRestart(const Error& why) {
  if (!camera_) return;
  halt(false);
  if (cameraRunning_) {  // libcamera refused the stop: nothing may be freed under it
    letGo(why, true);
    return;
  }
  gone_ = true;
  releaseCamera();
  base::logMessage(LogLevel::Warning, prefix(),
                   "stopped and released: " + why.message + "; its stream ends");
  postGone(why);
}

void CameraStream::letGo(const Error& why, bool keepRunningCamera) {
  if (!camera_) return;
  gone_ = true;
  running_ = false;
  ++generation_;
  onFrame_.reset();
  // libcamera may still list these at the (dead) camera: never freed under it.
  for (Slot& slot : slots_) static_cast<void>(slot.request.release());
  const std::size_t leaked = slots_.size();
  slots_.clear();
  static_cast<void>(allocator_.release());
  if (directMode_) stopDirect(false);
  camera_->requestCompleted.disconnect(this);
  camera_->disconnected.disconnect(this);
  config_.reset();
  stream_ = nullptr;
  // No release(): a running camera refuses it. A camera libcamera still thinks running must
  // never be destroyed: its pipeline's teardown would meet a started IPA thread (vimc's:
  // std::thread's destructor calls std::terminate, seen in tests/xen/tools/hotplug). Kept
  // for the process's life: a few objects and the dead nodes' fds, per unplug.
  if (keepRunningCamera && cameraRunning_) {
    static_cast<void>(new std::shared_ptr<libcamera::Camera>(std::move(camera_)));
  }
  camera_.reset();
  base::logMessage(
      LogLevel::Warning, prefix(),
      why.message + "; its stream ends" +
          (leaked != 0 ? ", " + std::to_string(leaked) + " requests left to libcamera" : ""));
  postGone(why);
}

void CameraStream::postGone(const Error& why) {
  if (!onGone_) return;
  loop_.post([weak = std::weak_ptr<CameraStream*>(self_), why] {
    std::shared_ptr<CameraStream*> self = weak.lock();
    if (!self || !(*self)->onGone_) return;
    const GoneHandler handler = (*self)->onGone_;  // it may destroy the stream
    self.reset();
    handler(why);
  });
}

Status CameraStream::ensureAttached() const {
  if (!camera_) return makeError(ENODEV, prefix() + ": the camera was unplugged");
  return {};
}

std::optional<FloatRange> CameraStream::rangeOf(proto::ControlType type) const {
  if (!camera_) return std::nullopt;
  const libcamera::Control<float>* control = libcameraControl(type);
  if (control == nullptr) return std::nullopt;
  const libcamera::ControlInfoMap& infos = camera_->controls();
  const auto found = infos.find(control->id());
  if (found == infos.end()) return std::nullopt;
  Result<FloatRange> range = floatRangeOf(type, found->second);
  if (!range) {
    base::logMessage(LogLevel::Debug, prefix(), range.error().message);
    return std::nullopt;
  }
  return *range;
}

std::vector<ControlRange> CameraStream::controls() const {
  std::vector<ControlRange> ranges;
  for (proto::ControlType type : kMappedControls) {
    if (std::optional<FloatRange> range = rangeOf(type)) {
      ranges.push_back(toControlRange(type, *range));
    }
  }
  return ranges;
}

Status CameraStream::setControl(proto::ControlType type, std::int64_t value) {
  const std::string name(proto::controlName(type));
  if (libcameraControl(type) == nullptr) {
    return makeError(ENOTSUP, name + ": libcamera 0.0.3 has no such control");
  }
  if (Status attached = ensureAttached(); !attached) return attached;
  const std::optional<FloatRange> range = rangeOf(type);
  if (!range) return makeError(ENOTSUP, prefix() + ": the camera has no " + name + " control");
  Result<float> converted = toLibcamera(value, type, *range);
  if (!converted) return converted.error();
  pending_[type] = *converted;
  return {};
}

}  // namespace vcam::source::lc
