// SPDX-License-Identifier: MIT
// LibcameraCamera: CameraDriver over lc::CameraStream, with a copying renderer per frame, and
// the stream's direct mode as the driver's DirectCapture.
#include "backend/app/libcamera_camera.h"

#include <cerrno>
#include <optional>
#include <string>
#include <vector>

#include <vcamera/common/fourcc_code.h>
#include <vcamera/fourcc/convert.h>

#include "backend/base/log.h"
#include "backend/session/camera_hub.h"
#include "backend/session/copying_renderer.h"
#include "backend/source/libcamera/camera_stream.h"

namespace vcam::app {
namespace {

constexpr std::uint32_t kNv12 = 0x3231564e;
constexpr std::uint32_t kYuyv = 0x56595559;
constexpr std::uint32_t kXbgr32 = 0x34325258;  // XR24
constexpr std::uint32_t kRgb24 = 0x33424752;   // RGB3
constexpr std::uint32_t kMjpeg = 0x47504a4d;

// One captured frame, written into guest buffers by copy (or conversion).
class CapturedFrameRenderer final : public session::FrameRenderer {
 public:
  CapturedFrameRenderer(const source::lc::CapturedFrame& frame, const fourcc::FormatInfo& format,
                        const fourcc::Layout& layout)
      : frame_(frame), format_(format), layout_(layout) {}

  Result<session::RenderedFrame> render(std::uint32_t /*sequence*/,
                                        std::span<const std::span<std::byte>> planes) override {
    fourcc::ConstFrame from{frame_.format, frame_.layout, {}};
    for (std::size_t i = 0; i < frame_.layout.numMemPlanes; ++i) {
      from.memPlanes[i] = {reinterpret_cast<const std::uint8_t*>(frame_.memPlanes[i].data()),
                           frame_.memPlanes[i].size()};
    }
    return session::copyFrameInto(from, format_, layout_, planes);
  }

 private:
  const source::lc::CapturedFrame& frame_;
  const fourcc::FormatInfo& format_;
  const fourcc::Layout& layout_;
};

class LibcameraCamera final : public session::CameraDriver, public session::DirectCapture {
 public:
  explicit LibcameraCamera(std::unique_ptr<source::lc::CameraStream> stream)
      : stream_(std::move(stream)) {
    ranges_ = stream_->controls();
  }

  Status configure(const proto::FormatChoice& format) override {
    stop();
    direct_ = false;
    Result<fourcc::Layout> layout = session::layoutOf(format);
    if (!layout) return layout.error();
    std::optional<Error> last;
    for (std::uint32_t candidate : captureCandidates(format.fourcc)) {
      if (!fourcc::canConvert(fourcc::fromV4l2(candidate), fourcc::fromV4l2(format.fourcc))) {
        continue;
      }
      Result<proto::FormatChoice> got =
          stream_->configure({candidate, format.resolution, format.frameRate});
      if (!got) {
        last = got.error();
        continue;
      }
      if (got->fourcc != candidate || !(got->resolution == format.resolution)) {
        last = makeError(EINVAL, "the camera offers " + describeFourcc(got->fourcc) + " " +
                                     std::to_string(got->resolution.width) + "x" +
                                     std::to_string(got->resolution.height) + " instead");
        continue;
      }
      guestFormat_ = &fourcc::fromV4l2(format.fourcc);
      guestLayout_ = *layout;
      if (candidate != format.fourcc) {
        base::logMessage(base::LogLevel::Info, "libcamera/" + stream_->id(),
                         "captures " + describeFourcc(candidate) + " and converts it to " +
                             describeFourcc(format.fourcc) + " for the guests: no zero copy");
        return {};
      }
      const Status match =
          directMatch(*guestFormat_, guestLayout_, stream_->format(), stream_->directLayout());
      direct_ = static_cast<bool>(match);
      base::logMessage(base::LogLevel::Info, "libcamera/" + stream_->id(),
                       direct_ ? "can write " + describeFourcc(format.fourcc) +
                                     " frames straight into a guest's buffers (zero copy)"
                               : "frames are copied: " + match.error().message);
      return {};
    }
    return last ? *last
                : makeError(EINVAL, "no format the camera produces converts to " +
                                        describeFourcc(format.fourcc));
  }

  Status start(FrameReady ready) override {
    ready_ = std::move(ready);
    return stream_->start([this](const source::lc::CapturedFrame& frame) {
      if (!frame.ok) return;  // the camera says its contents are unreliable: a gap
      CapturedFrameRenderer renderer(frame, *guestFormat_, guestLayout_);
      ready_(frame.sequence, renderer);
    });
  }

  void stop() override { stream_->stop(); }

  Status setControl(proto::ControlType type, std::int64_t value) override {
    // cameraif's ranges here are the hub's (V4L2's usual ones): scale onto the camera's.
    for (const source::lc::ControlRange& camera : ranges_) {
      if (camera.type != type) continue;
      const session::ControlRange& hub = session::controlRange(type);
      const std::int64_t span = hub.max - hub.min;
      const std::int64_t scaled =
          span == 0 ? camera.defaultValue
                    : camera.min + (value - hub.min) * (camera.max - camera.min) / span;
      return stream_->setControl(type, scaled);
    }
    return {};  // the camera lacks it: the value is kept, nothing to apply
  }

  void onLost(Lost lost) override {
    // The reason says whether this camera was unplugged or libcamera restarts after another.
    stream_->setGoneHandler([lost = std::move(lost)](const Error& why) { lost(why); });
  }

  session::DirectCapture* direct() override { return direct_ ? this : nullptr; }

  // DirectCapture: the stream's direct mode.
  const fourcc::Layout& layout() const override { return stream_->directLayout(); }

  Result<session::DirectBufferId> importBuffer(
      std::span<const session::DmaBufPlane> planes) override {
    std::vector<source::lc::BufferPlane> memPlanes;
    for (const session::DmaBufPlane& plane : planes) {
      memPlanes.push_back({plane.fd, plane.offset, plane.length});
    }
    return stream_->importBuffer(memPlanes);
  }

  Result<session::CameraOwnedBuffer> allocateBuffer() override {
    Result<source::lc::OwnedBuffer> owned = stream_->allocateBuffer();
    if (!owned) return owned.error();
    session::CameraOwnedBuffer buffer;
    buffer.id = owned->id;
    buffer.fd = owned->fd;
    buffer.size = static_cast<std::size_t>(owned->shape.size);
    buffer.planeOffset = owned->shape.planeOffset;
    return buffer;
  }

  void removeBuffer(session::DirectBufferId id) override { stream_->removeBuffer(id); }

  Status startDirect(Filled filled, Failed failed) override {
    return stream_->startDirect(
        [filled = std::move(filled)](const source::lc::DirectFrame& frame) {
          filled(frame.id, frame.sequence, frame.bytesUsed);
        },
        std::move(failed));
  }

  Status queueBuffer(session::DirectBufferId id) override { return stream_->queueBuffer(id); }

 private:
  std::unique_ptr<source::lc::CameraStream> stream_;
  std::vector<source::lc::ControlRange> ranges_;
  const fourcc::FormatInfo* guestFormat_ = &fourcc::kInvalidFormat;
  fourcc::Layout guestLayout_;
  FrameReady ready_;
  bool direct_ = false;  ///< the configured format is captured as the guests lay it out
};

}  // namespace

std::vector<std::uint32_t> captureCandidates(std::uint32_t wanted) {
  std::vector<std::uint32_t> candidates{wanted};
  for (std::uint32_t common : {kNv12, kYuyv, kXbgr32, kRgb24, kMjpeg}) {
    if (common != wanted) candidates.push_back(common);
  }
  return candidates;
}

Status directMatch(const fourcc::FormatInfo& guest, const fourcc::Layout& guestLayout,
                   const fourcc::FormatInfo& captured, const fourcc::Layout& camera) {
  if (!guest.isValid() || !captured.isValid()) return makeError(EINVAL, "invalid format");
  if (guest.v4l2 != captured.v4l2) {
    return makeError(EINVAL, "the camera captures " + describeFourcc(captured.v4l2) +
                                 ", converted to " + describeFourcc(guest.v4l2));
  }
  const std::string name(guest.name);
  if (guestLayout.numMemPlanes != 1 || camera.numMemPlanes != 1) {
    return makeError(EINVAL, name + " in " + std::to_string(guestLayout.numMemPlanes) +
                                 " memory planes: a camera fills one");
  }
  if (!(guestLayout.size == camera.size)) {
    return makeError(EINVAL, name + ": the camera's frames are another size");
  }
  if (!guest.isCompressed() && guestLayout.numColorPlanes != camera.numColorPlanes) {
    return makeError(EINVAL, name + ": the camera's frames have other planes");
  }
  for (std::size_t i = 0;
       !guest.isCompressed() && i < camera.numColorPlanes && i < camera.colorPlanes.size(); ++i) {
    const fourcc::ColorPlaneLayout& want = guestLayout.colorPlanes[i];
    const fourcc::ColorPlaneLayout& got = camera.colorPlanes[i];
    if (want.stride != got.stride) {
      return makeError(EINVAL, name + ": the camera's lines (plane " + std::to_string(i) +
                                   ") are " + std::to_string(got.stride) +
                                   " bytes apart, a guest's " + std::to_string(want.stride));
    }
    if (want.offset != got.offset || want.lines != got.lines || want.memPlane != got.memPlane) {
      return makeError(EINVAL, name + ": the camera puts plane " + std::to_string(i) +
                                   " elsewhere than a guest's buffer has it");
    }
  }
  const std::uint32_t guestBytes = guestLayout.memPlanes[0].sizeImage;
  const std::uint32_t cameraBytes = camera.memPlanes[0].sizeImage;
  if (guestBytes < cameraBytes) {
    return makeError(EINVAL, name + ": a guest's frame holds " + std::to_string(guestBytes) +
                                 " bytes, the camera writes " + std::to_string(cameraBytes));
  }
  return {};
}

session::DriverFactory libcameraCameras(source::lc::CameraLibrary& library,
                                        const BackendConfig& config) {
  return [&library, config](
             base::EventLoop& loop,
             const std::string& uniqueId) -> Result<std::unique_ptr<session::CameraDriver>> {
    std::optional<CameraConfig> camera = cameraFor(config, uniqueId);
    if (!camera || camera->source.kind != SourceKind::kLibcamera) {
      return makeError(ENODEV, "no libcamera camera is configured as \"" + uniqueId + "\"");
    }
    Result<std::string> id = library.resolve(camera->source.cameraId);
    if (!id) return id.error();
    Result<std::unique_ptr<source::lc::CameraStream>> stream =
        source::lc::CameraStream::open(library, *id, loop);
    if (!stream) return stream.error();
    return std::unique_ptr<session::CameraDriver>(new LibcameraCamera(std::move(stream).value()));
  };
}

}  // namespace vcam::app
