// SPDX-License-Identifier: MIT
// CameraStream's direct mode: the camera fills buffers it is handed (imported dma-bufs, or its
// own allocated ones), one request per queued buffer, with no copy.
#include <unistd.h>

#include <algorithm>
#include <limits>
#include <utility>

#include <libcamera/camera.h>
#include <libcamera/framebuffer.h>
#include <libcamera/framebuffer_allocator.h>
#include <libcamera/request.h>
#include <libcamera/stream.h>

#include "backend/base/log.h"
#include "backend/base/system_call.h"
#include "backend/source/libcamera/camera_stream.h"
#include "backend/source/libcamera/import_check.h"
#include "backend/source/libcamera/request_cookie.h"

namespace vcam::source::lc {
namespace {

using base::LogLevel;

// A dma-buf's size: dma-bufs answer SEEK_END with it.
Result<std::uint64_t> dmaBufSize(int fd) {
  const off_t end = ::lseek(fd, 0, SEEK_END);
  if (end < 0) return base::systemError("lseek on a dma-buf");
  return static_cast<std::uint64_t>(end);
}

}  // namespace

Result<DirectId> CameraStream::importBuffer(std::span<const BufferPlane> memPlanes) {
  if (gone_) return makeError(ENODEV, prefix() + ": the camera was unplugged");
  if (stream_ == nullptr) return makeError(EINVAL, prefix() + ": import before configure");
  std::uint64_t size = 0;
  if (memPlanes.size() == 1 && memPlanes[0].fd >= 0) {
    Result<std::uint64_t> got = dmaBufSize(memPlanes[0].fd);
    if (!got) return withContext(prefix(), got.error());
    size = *got;
  }
  Result<std::vector<BufferPlane>> planes =
      importedPlanes(*format_, directLayout_, memPlanes, size);
  if (!planes) return withContext(prefix(), planes.error());
  Result<std::string> exporter = dmaBufExporter(memPlanes[0].fd);
  if (!exporter) return withContext(prefix() + ": the buffer", exporter.error());
  Result<std::string> memory = cameraMemory();
  if (!memory) return memory.error();
  if (Status importable = cameraCanImport(*memory, *exporter); !importable) {
    return withContext(prefix() + ": the driver cannot capture into it", importable.error());
  }
  if (nextId_ == 0) return makeError(ENOSPC, prefix() + ": no buffer ids left");

  // Our own reference to the dma-buf, shared by the planes: the FrameBuffer holds it until
  // removeBuffer(), whatever the caller does with its fd meanwhile.
  const libcamera::SharedFD fd(memPlanes[0].fd);
  if (!fd.isValid()) return withContext(prefix(), base::systemError("dup of a dma-buf"));
  std::vector<libcamera::FrameBuffer::Plane> framePlanes;
  for (const BufferPlane& plane : *planes) {
    libcamera::FrameBuffer::Plane framePlane;
    framePlane.fd = fd;
    framePlane.offset = plane.offset;
    framePlane.length = plane.length;
    framePlanes.push_back(framePlane);
  }
  const DirectId id = nextId_++;
  DirectBuffer& entry = direct_[id];
  entry.buffer = std::make_unique<libcamera::FrameBuffer>(framePlanes);
  entry.configuration = configuration_;
  base::logMessage(LogLevel::Debug, prefix(),
                   "buffer " + std::to_string(id) + ": a dma-buf of " + std::to_string(size) +
                       " bytes in " + std::to_string(framePlanes.size()) + " planes");
  return id;
}

Result<std::string> CameraStream::cameraMemory() {
  if (!cameraMemory_.empty()) return cameraMemory_;
  const bool hadSpares = !spares_.empty();
  if (!hadSpares) {
    if (running_) {
      return makeError(EBUSY, prefix() +
                                  ": what memory its driver captures into is learned from a "
                                  "buffer libcamera allocates, which it does only while stopped");
    }
    if (Status filled = fillSpares(kMaxOwnedBuffers); !filled) return filled.error();
  }
  Result<std::string> exporter = dmaBufExporter(spares_.front()->planes().front().fd.get());
  if (!hadSpares) spares_.clear();  // made only to look at: guests' buffers need none
  if (!exporter) return withContext(prefix() + ": its own buffer", exporter.error());
  cameraMemory_ = *exporter;
  base::logMessage(LogLevel::Info, prefix(),
                   "its driver captures into " + cameraMemory_ + " memory");
  return cameraMemory_;
}

Result<OwnedBuffer> CameraStream::allocateBuffer() {
  if (gone_) return makeError(ENODEV, prefix() + ": the camera was unplugged");
  if (stream_ == nullptr) return makeError(EINVAL, prefix() + ": allocate before configure");
  const auto owned = static_cast<std::size_t>(std::count_if(
      direct_.begin(), direct_.end(), [](const auto& entry) { return entry.second.owned; }));
  if (owned >= kMaxOwnedBuffers) {
    return makeError(ENOSPC, prefix() + ": " + std::to_string(owned) +
                                 " of the camera's buffers are handed out already");
  }
  if (spares_.empty()) {
    if (running_) {
      return makeError(EBUSY, prefix() +
                                  ": libcamera allocates buffers only while the camera "
                                  "is stopped, and none is left over");
    }
    if (Status filled = fillSpares(kMaxOwnedBuffers - owned); !filled) return filled.error();
  }
  return handOutSpare();
}

Status CameraStream::fillSpares(std::size_t atMost) {
  // A FrameBufferAllocator frees its buffers all at once and allocates once per stream: each
  // buffer is copied into a FrameBuffer of our own over the same fds (SharedFD counts
  // references), then the allocator goes. libcamera's V4L2 export (REQBUFS, EXPBUF,
  // REQBUFS 0) leaves dma-bufs that live as long as their fds, so sets made this way are
  // independent of each other and of the buffers start() allocates.
  libcamera::FrameBufferAllocator allocator(camera_);
  const int count = allocator.allocate(stream_);
  if (count <= 0) {
    return libcameraError(count == 0 ? -ENOMEM : count, prefix() + ": allocate buffers");
  }
  for (const std::unique_ptr<libcamera::FrameBuffer>& buffer : allocator.buffers(stream_)) {
    const std::vector<libcamera::FrameBuffer::Plane>& planes = buffer->planes();
    const bool placed = std::none_of(planes.begin(), planes.end(), [](const auto& plane) {
      return plane.offset == libcamera::FrameBuffer::Plane::kInvalidOffset;
    });
    if (!placed || planes.empty()) {
      spares_.clear();
      return makeError(EINVAL, prefix() + ": libcamera left a buffer's planes unplaced");
    }
    spares_.push_back(std::make_unique<libcamera::FrameBuffer>(planes));
  }
  if (spares_.size() > atMost) spares_.resize(atMost);
  base::logMessage(LogLevel::Debug, prefix(),
                   "allocated " + std::to_string(spares_.size()) + " buffers to hand out");
  return {};
}

Result<OwnedBuffer> CameraStream::handOutSpare() {
  std::unique_ptr<libcamera::FrameBuffer> buffer = std::move(spares_.back());
  spares_.pop_back();
  std::vector<BufferPlane> planes;
  for (const libcamera::FrameBuffer::Plane& plane : buffer->planes()) {
    planes.push_back({plane.fd.get(), plane.offset, plane.length});
  }
  Result<std::uint64_t> size = dmaBufSize(planes.front().fd);
  const long page = ::sysconf(_SC_PAGESIZE);
  Result<OwnedBufferShape> shape =
      size ? ownedBufferShape(*format_, directLayout_, planes, *size,
                              page > 0 ? static_cast<std::uint64_t>(page) : 0)
           : Result<OwnedBufferShape>(size.error());
  if (!shape) {
    spares_.clear();  // made by the same allocation: they fail the same way
    return withContext(prefix(), shape.error());
  }
  if (nextId_ == 0) return makeError(ENOSPC, prefix() + ": no buffer ids left");
  const DirectId id = nextId_++;
  DirectBuffer& entry = direct_[id];
  entry.buffer = std::move(buffer);
  entry.owned = true;
  entry.configuration = configuration_;
  base::logMessage(LogLevel::Debug, prefix(),
                   "buffer " + std::to_string(id) + ": the camera's own, " +
                       std::to_string(shape->size) + " bytes");
  return OwnedBuffer{id, planes.front().fd, *shape};
}

void CameraStream::removeBuffer(DirectId id) {
  auto found = direct_.find(id);
  if (found == direct_.end()) return;
  if (found->second.state == DirectState::AtCamera && running_) {
    // The caller broke the contract (stop first): take the buffer back from the camera by
    // stopping it, and say so as a failure, later, if nobody restarted the camera meanwhile.
    const Error error =
        makeError(EINVAL, prefix() + ": buffer " + std::to_string(id) +
                              " was removed while the camera held it: the direct capture stopped");
    base::logMessage(LogLevel::Error, prefix(), error.message);
    const DirectFailedHandler failed = directFailed_ ? nullptr : onFailed_;
    directFailed_ = true;
    stop();
    if (failed) {
      loop_.post(
          [weak = std::weak_ptr<CameraStream*>(self_), generation = generation_, failed, error] {
            std::shared_ptr<CameraStream*> self = weak.lock();
            if (self && (*self)->generation_ == generation) failed(error);
          });
    }
  }
  if (found->second.state == DirectState::Waiting) {
    waiting_.erase(std::remove(waiting_.begin(), waiting_.end(), id), waiting_.end());
  }
  // A running camera's thread may still read the request's last completion: it waits in
  // retired_, emptied (reuse() without ReuseBuffers) so that it names no buffer. The
  // FrameBuffer (the dma-buf's last reference here) goes now.
  if (running_ && found->second.request) {
    found->second.request->reuse();
    retired_.push_back(std::move(found->second.request));
  }
  direct_.erase(found);
  base::logMessage(LogLevel::Debug, prefix(), "buffer " + std::to_string(id) + " removed");
}

Status CameraStream::startDirect(DirectFilledHandler filled, DirectFailedHandler failed) {
  if (running_) return makeError(EBUSY, prefix() + ": already streaming");
  if (gone_) return makeError(ENODEV, prefix() + ": the camera was unplugged");
  if (stream_ == nullptr) return makeError(EINVAL, prefix() + ": start before configure");
  ++generation_;
  if (Status started = startCamera(); !started) return started;
  running_ = true;
  directMode_ = true;
  directFailed_ = false;
  atCamera_ = 0;
  waiting_.clear();
  onFilled_ = std::make_shared<const DirectFilledHandler>(std::move(filled));
  onFailed_ = std::move(failed);
  base::logMessage(LogLevel::Info, prefix(),
                   "capturing straight into the buffers it is handed, " +
                       std::to_string(maxAtCamera_) + " at the camera at once");
  return {};
}

Status CameraStream::queueBuffer(DirectId id) {
  if (!running_ || !directMode_) {
    return makeError(EBUSY, prefix() + ": not capturing into handed buffers");
  }
  auto found = direct_.find(id);
  if (found == direct_.end()) {
    return makeError(EINVAL, prefix() + ": no buffer " + std::to_string(id));
  }
  DirectBuffer& entry = found->second;
  if (entry.configuration != configuration_) {
    return makeError(EINVAL, prefix() + ": buffer " + std::to_string(id) +
                                 " was made for an earlier configuration");
  }
  if (entry.state != DirectState::Idle) {
    return makeError(EINVAL, prefix() + ": buffer " + std::to_string(id) + " is queued already");
  }
  if (atCamera_ < maxAtCamera_ && waiting_.empty()) return submit(id);
  entry.state = DirectState::Waiting;
  waiting_.push_back(id);
  return {};
}

// Hands buffer `id` to libcamera in its request, with the controls set since the last. The
// request is made once per run and reused: libcamera's thread may still be reading the last
// completion of it (retired_). One made in an earlier run is free to go: the camera stopped
// since, and camera_->stop() waits for libcamera's thread.
Status CameraStream::submit(DirectId id) {
  DirectBuffer& entry = direct_.at(id);
  if (entry.request && entry.requestGeneration == generation_) {
    entry.request->reuse(libcamera::Request::ReuseBuffers);
  } else {
    entry.request.reset();
    std::unique_ptr<libcamera::Request> request =
        camera_->createRequest(makeCookie(generation_, id));
    if (!request) return makeError(ENOMEM, prefix() + ": createRequest failed");
    if (const int rc = request->addBuffer(stream_, entry.buffer.get()); rc < 0) {
      return libcameraError(rc, prefix() + ": addBuffer");
    }
    entry.request = std::move(request);
    entry.requestGeneration = generation_;
  }
  for (const auto& [type, value] : pending_) {
    entry.request->controls().set(*libcameraControl(type), value);
  }
  if (const int rc = camera_->queueRequest(entry.request.get()); rc < 0) {
    // Not queued: the request stays with its buffer (a reused one's last completion may
    // still be read on libcamera's thread) and is reused on the next try.
    entry.state = DirectState::Idle;
    return libcameraError(rc, prefix() + ": queueRequest of buffer " + std::to_string(id));
  }
  pending_.clear();
  entry.state = DirectState::AtCamera;
  ++atCamera_;
  return {};
}

Status CameraStream::submitWaiting() {
  while (atCamera_ < maxAtCamera_ && !waiting_.empty()) {
    const DirectId id = waiting_.front();
    waiting_.pop_front();
    if (Status submitted = submit(id); !submitted) return submitted;
  }
  return {};
}

void CameraStream::directCompleted(libcamera::Request* request, std::uint64_t cookie) {
  // libcamera's thread emits completions in order, one pipeline call after another: every
  // request retired before this completion was posted had completed before it, and that
  // thread is done with them. So retired_ holds at most what one frame interval retires.
  retired_.clear();
  if (!running_ || cookieGeneration(cookie) != generation_) return;  // stale: may be freed
  auto found = direct_.find(cookieIndex(cookie));
  if (found == direct_.end() || found->second.request.get() != request ||
      found->second.state != DirectState::AtCamera) {
    return;
  }
  const DirectId id = found->first;
  DirectBuffer& entry = found->second;
  entry.state = DirectState::Idle;
  --atCamera_;
  if (request->status() == libcamera::Request::RequestCancelled) {
    // While running, libcamera cancels a request only when its pipeline could not queue the
    // buffer: for a dma-buf from elsewhere, the kernel refused to import it.
    failDirect(
        entry.owned
            ? makeError(EIO, "camera " + id_ + " could not queue its own buffer " +
                                 std::to_string(id) +
                                 " (libcamera cancelled its request): frames are copied")
            : makeError(ENOTSUP, "camera " + id_ + " cannot import the guest's buffers (the " +
                                     "kernel refused buffer " + std::to_string(id) +
                                     ", so libcamera cancelled its request; a driver whose " +
                                     "buffers need a kernel mapping, like vimc's vmalloc ones, " +
                                     "cannot use a gntdev dma-buf): frames are copied"));
    return;
  }
  const libcamera::FrameBuffer* buffer = request->findBuffer(stream_);
  if (buffer == nullptr) {
    failDirect(makeError(EIO, prefix() + ": a completed request without its buffer"));
    return;
  }
  const libcamera::FrameMetadata& metadata = buffer->metadata();
  if (metadata.status != libcamera::FrameMetadata::FrameSuccess) {
    // Contents unreliable: the buffer goes back to the camera first, the caller sees a gap.
    entry.state = DirectState::Waiting;
    waiting_.push_front(id);
    if (Status resubmitted = submitWaiting(); !resubmitted) failDirect(resubmitted.error());
    return;
  }
  std::uint64_t bytes = 0;
  const auto planes = metadata.planes();
  for (std::size_t i = 0; i < planes.size() && i < buffer->planes().size(); ++i) {
    bytes += std::min(planes[i].bytesused, buffer->planes()[i].length);
  }
  const DirectFrame frame{id, metadata.sequence,
                          static_cast<std::uint32_t>(std::min<std::uint64_t>(
                              bytes, std::numeric_limits<std::uint32_t>::max())),
                          metadata.timestamp};
  base::logMessage(LogLevel::Debug, prefix(),
                   "frame " + std::to_string(frame.sequence) + " in buffer " + std::to_string(id) +
                       ", " + std::to_string(frame.bytesUsed) + " bytes");
  if (Status fed = submitWaiting(); !fed) {
    failDirect(fed.error());
    return;
  }
  const std::shared_ptr<const DirectFilledHandler> handler = onFilled_;
  (*handler)(frame);  // may stop or destroy the stream: nothing after this
}

void CameraStream::failDirect(const Error& error) {
  if (directFailed_) return;
  directFailed_ = true;
  const DirectFailedHandler failed = onFailed_;
  base::logMessage(LogLevel::Warning, prefix(), error.message);
  stop();
  if (failed) failed(error);  // may destroy the stream
}

// After camera_->stop(): every buffer is the caller's again. When the stop failed (only an
// unplugged camera refuses it), libcamera may still list the requests at the camera: they are
// leaked, never freed under it. Their FrameBuffers are freed as usual by removeBuffer(): by
// the time libcamera reports an unplug (udev's remove event) the kernel has unregistered the
// video node, so no buffer of it can complete, and keeping a dma-buf from a guest open would
// pin the guest's pages for good.
void CameraStream::stopDirect(bool cameraStopped) {
  for (auto& [id, entry] : direct_) {
    // A camera that did not stop may still list a queued request, or read a completed one.
    if (!cameraStopped) static_cast<void>(entry.request.release());
    entry.state = DirectState::Idle;
  }
  if (cameraStopped) {
    retired_.clear();
  } else {
    for (std::unique_ptr<libcamera::Request>& request : retired_) {
      static_cast<void>(request.release());
    }
    retired_.clear();
  }
  waiting_.clear();
  atCamera_ = 0;
  directMode_ = false;
  onFilled_.reset();
  onFailed_ = nullptr;
}

}  // namespace vcam::source::lc
