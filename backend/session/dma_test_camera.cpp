// SPDX-License-Identifier: MIT
// dmaTestCameras(): a clocked test pattern with the DirectCapture paths of a DMA camera.
#include "backend/session/dma_test_camera.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <deque>
#include <map>
#include <vector>

#include <vcamera/common/checked.h>

#include "backend/base/system_call.h"
#include "backend/base/unique_fd.h"
#include "backend/session/camera_hub.h"
#include "backend/session/clocked_camera.h"
#include "backend/session/copying_renderer.h"

namespace vcam::session {
namespace {

constexpr std::uint64_t kPage = 4096;

/// One plane's range of a dma-buf, mapped for writing (the mapping starts at a page).
class PlaneMapping {
 public:
  static Result<PlaneMapping> map(const DmaBufPlane& plane) {
    const std::uint64_t start = plane.offset / kPage * kPage;
    const std::size_t length = plane.offset - start + plane.length;
    void* address = ::mmap(nullptr, length, PROT_READ | PROT_WRITE, MAP_SHARED, plane.fd,
                           static_cast<off_t>(start));
    if (address == MAP_FAILED) return base::systemError("mmap of a dma-buf plane");
    return PlaneMapping(address, length, plane.offset - start);
  }
  PlaneMapping(PlaneMapping&& other) noexcept
      : address_(std::exchange(other.address_, nullptr)),
        length_(other.length_),
        skip_(other.skip_) {}
  PlaneMapping& operator=(PlaneMapping&&) = delete;
  PlaneMapping(const PlaneMapping&) = delete;
  ~PlaneMapping() {
    if (address_ != nullptr) ::munmap(address_, length_);
  }
  [[nodiscard]] std::span<std::byte> bytes() const {
    return std::span<std::byte>(static_cast<std::byte*>(address_), length_).subspan(skip_);
  }

 private:
  PlaneMapping(void* address, std::size_t length, std::size_t skip)
      : address_(address), length_(length), skip_(skip) {}
  void* address_;
  std::size_t length_;
  std::size_t skip_;
};

struct DirectBuffer {
  base::UniqueFd own;  ///< the camera's memory (be-alloc), or empty for an imported buffer
  std::vector<PlaneMapping> planes;
};

class DmaTestCamera final : public CameraDriver, public DirectCapture {
 public:
  DmaTestCamera(base::EventLoop& loop, RendererFactory renderers)
      : loop_(loop), renderers_(std::move(renderers)), shared_(copyingRenderers(renderers_)) {}

  // ---- CameraDriver ----
  Status configure(const proto::FormatChoice& format) override {
    Result<fourcc::Layout> layout = layoutOf(format);
    if (!layout) return layout.error();
    const fourcc::FormatInfo& info = fourcc::fromV4l2(format.fourcc);
    Result<std::unique_ptr<FrameRenderer>> drawing = renderers_(info, *layout);
    if (!drawing) return drawing.error();
    Result<std::unique_ptr<FrameRenderer>> copying = shared_(info, *layout);
    if (!copying) return copying.error();
    stop();
    drawing_ = std::move(drawing).value();
    copying_ = std::move(copying).value();
    layout_ = *layout;
    rate_ = format.frameRate;
    return {};
  }

  Status start(FrameReady ready) override {
    if (Status ticking = startClock(); !ticking) return ticking;
    ready_ = std::move(ready);
    return {};
  }

  void stop() override {
    clock_.reset();
    ready_ = nullptr;
    filled_ = nullptr;
    failed_ = nullptr;
    queued_.clear();  // back to their owner, unfilled
  }

  Status setControl(proto::ControlType /*type*/, std::int64_t /*value*/) override { return {}; }
  void onLost(Lost /*lost*/) override {}
  DirectCapture* direct() override { return drawing_ ? this : nullptr; }

  // ---- DirectCapture ----
  const fourcc::Layout& layout() const override { return layout_; }

  Result<DirectBufferId> importBuffer(std::span<const DmaBufPlane> planes) override {
    if (planes.size() != layout_.numMemPlanes) {
      return makeError(EINVAL, "a buffer of " + std::to_string(planes.size()) +
                                   " planes for a format of " +
                                   std::to_string(layout_.numMemPlanes));
    }
    DirectBuffer buffer;
    for (const DmaBufPlane& plane : planes) {
      Result<PlaneMapping> mapped = PlaneMapping::map(plane);
      if (!mapped) return mapped.error();
      buffer.planes.push_back(std::move(mapped).value());
    }
    const DirectBufferId id = nextId_++;
    buffers_.emplace(id, std::move(buffer));
    return id;
  }

  Result<CameraOwnedBuffer> allocateBuffer() override {
    // Planes one after the other, as a V4L2 capture driver lays out a single-planar buffer.
    CameraOwnedBuffer owned;
    std::uint64_t size = 0;
    for (std::uint32_t i = 0; i < layout_.numMemPlanes; ++i) {
      owned.planeOffset[i] = static_cast<std::uint32_t>(size);
      size += layout_.memPlanes[i].sizeImage;
    }
    std::optional<std::uint64_t> pages = checkedAlignUp<std::uint64_t>(size, kPage);
    if (!pages || *pages == 0 || *pages > UINT32_MAX) {
      return makeError(EINVAL, "no buffer for a frame of " + std::to_string(size) + " bytes");
    }
    base::UniqueFd memory(::memfd_create("vcamera-dma-test-camera", MFD_CLOEXEC));
    if (!memory) return base::systemError("memfd_create");
    if (::ftruncate(memory.get(), static_cast<off_t>(*pages)) != 0) {
      return base::systemError("ftruncate of the camera's buffer");
    }
    DirectBuffer buffer;
    for (std::uint32_t i = 0; i < layout_.numMemPlanes; ++i) {
      Result<PlaneMapping> mapped =
          PlaneMapping::map({memory.get(), owned.planeOffset[i], layout_.memPlanes[i].sizeImage});
      if (!mapped) return mapped.error();
      buffer.planes.push_back(std::move(mapped).value());
    }
    owned.id = nextId_++;
    owned.fd = memory.get();
    owned.size = *pages;
    buffer.own = std::move(memory);
    buffers_.emplace(owned.id, std::move(buffer));
    return owned;
  }

  void removeBuffer(DirectBufferId id) override {
    std::erase(queued_, id);
    buffers_.erase(id);
  }

  Status startDirect(Filled filled, Failed failed) override {
    if (Status ticking = startClock(); !ticking) return ticking;
    filled_ = std::move(filled);
    failed_ = std::move(failed);
    return {};
  }

  Status queueBuffer(DirectBufferId id) override {
    if (!filled_) return makeError(EINVAL, "the camera is not capturing into given buffers");
    if (!buffers_.contains(id)) return makeError(ENOENT, "no camera buffer " + std::to_string(id));
    queued_.push_back(id);
    return {};
  }

 private:
  Status startClock() {
    if (clock_.active()) return makeError(EBUSY, "the camera is running");
    if (!drawing_ || rate_.numerator == 0 || rate_.denominator == 0) {
      return makeError(EINVAL, "the camera has no format to run at");
    }
    Result<base::LoopHandle> timer = startFrameClock(loop_, rate_, [this] { tick(); });
    if (!timer) return timer.error();
    clock_ = std::move(timer).value();
    return {};
  }

  void tick() {
    const std::uint32_t sequence = sequence_++;
    if (ready_) {
      ready_(sequence, *copying_);
      return;
    }
    if (!filled_ || queued_.empty()) return;  // no buffer: the frame is dropped (a gap)
    const DirectBufferId id = queued_.front();
    queued_.pop_front();
    std::array<std::span<std::byte>, 4> planes{};
    const DirectBuffer& buffer = buffers_.at(id);
    for (std::size_t i = 0; i < buffer.planes.size(); ++i) planes[i] = buffer.planes[i].bytes();
    Result<RenderedFrame> drawn = drawing_->render(
        sequence, std::span<const std::span<std::byte>>(planes.data(), buffer.planes.size()));
    if (!drawn) {
      Failed failed = failed_;  // the handler may stop the camera
      failed(drawn.error());
      return;
    }
    Filled filled = filled_;  // the handler may stop the camera or queue buffers
    filled(id, sequence, drawn->bytesUsed);
  }

  base::EventLoop& loop_;
  RendererFactory renderers_;
  RendererFactory shared_;
  std::unique_ptr<FrameRenderer> drawing_;  ///< into the given buffers (direct)
  std::unique_ptr<FrameRenderer> copying_;  ///< into its own buffer, copied to each guest
  fourcc::Layout layout_;
  proto::FrameRate rate_{};
  base::LoopHandle clock_;
  FrameReady ready_;
  Filled filled_;
  Failed failed_;
  std::map<DirectBufferId, DirectBuffer> buffers_;
  std::deque<DirectBufferId> queued_;
  DirectBufferId nextId_ = 1;
  std::uint32_t sequence_ = 0;
};

}  // namespace

DriverFactory dmaTestCameras(RendererFactory renderers) {
  return [renderers = std::move(renderers)](
             base::EventLoop& loop,
             const std::string& /*uniqueId*/) -> Result<std::unique_ptr<CameraDriver>> {
    return std::unique_ptr<CameraDriver>(new DmaTestCamera(loop, renderers));
  };
}

}  // namespace vcam::session
