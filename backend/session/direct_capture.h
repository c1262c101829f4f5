// SPDX-License-Identifier: MIT
// DirectCapture: a camera that fills the buffers it is handed (dma-bufs) itself - the two
// zero-copy paths: guest pages exported by gntdev, and the camera's own memory granted.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>

#include <vcamera/common/result.h>
#include <vcamera/fourcc/layout.h>

namespace vcam::session {

/// One memory plane of a buffer, as a range of a dma-buf.
struct DmaBufPlane {
  int fd = -1;               ///< borrowed: the caller keeps it open until removeBuffer()
  std::uint32_t offset = 0;  ///< where the plane starts in the dma-buf
  std::uint32_t length = 0;  ///< the plane's size (its sizeImage in the camera's layout)
};

/// A camera buffer's id, unique per camera (never reused while the camera lives).
using DirectBufferId = std::uint32_t;

/// A buffer of the camera's own memory (the be-alloc path): the backend grants its pages to
/// the guest (gntdev IMP_TO_REFS) and the camera fills it.
struct CameraOwnedBuffer {
  DirectBufferId id = 0;
  int fd = -1;           ///< the camera's dma-buf: borrowed, open until removeBuffer(id)
  std::size_t size = 0;  ///< the dma-buf's length: a whole number of pages
  std::array<std::uint32_t, 4> planeOffset{};  ///< each memory plane's offset in it
};

/// Zero copy: instead of filling buffers of its own that the backend then copies, the camera
/// writes frames straight into buffers it is given. A CameraDriver offers it (direct()) only
/// while its configured format is produced as is (no conversion) and laid out as layout()
/// says; a hub uses it only while a single guest streams (frames for several guests come from
/// the camera's own buffers, copied). Everything runs on the loop's thread.
class DirectCapture {
 public:
  /// Buffer `id` holds frame `sequence` (the camera's frame number: gaps are drops);
  /// `bytesUsed` is the frame's size over all memory planes.
  using Filled =
      std::function<void(DirectBufferId id, std::uint32_t sequence, std::uint32_t bytesUsed)>;
  /// The camera cannot go on filling the buffers it was given (e.g. its driver refused to
  /// import one): the direct capture is over, every queued buffer is the caller's again.
  using Failed = std::function<void(const Error& error)>;

  virtual ~DirectCapture() = default;

  /// How the camera lays out frames of the configured format: a buffer must have these
  /// strides and at least these plane sizes.
  [[nodiscard]] virtual const fourcc::Layout& layout() const = 0;

  /// Path 1: a buffer made of dma-buf planes (the guest's grants exported by gntdev), one per
  /// memory plane of layout(). An error when the camera cannot use such a buffer; some
  /// cameras only find out when the buffer is first queued (then Failed reports it).
  [[nodiscard]] virtual Result<DirectBufferId> importBuffer(
      std::span<const DmaBufPlane> planes) = 0;
  /// Path 2: a buffer of the camera's own memory for frames of the configured format. ENOSPC
  /// when the camera has no more to give, EBUSY when it can lend none while running (the
  /// caller then uses pages of its own and copies). The camera must outlive every id it gave.
  [[nodiscard]] virtual Result<CameraOwnedBuffer> allocateBuffer() = 0;
  /// Forgets a buffer; after this the camera holds nothing of it (for an imported buffer, no
  /// reference to its dma-buf; an owned one is freed). Not while it is queued: stop first.
  virtual void removeBuffer(DirectBufferId id) = 0;

  /// Starts the configured camera filling only buffers queued with queueBuffer(), each
  /// reported once through `filled`. CameraDriver::stop() ends it: buffers still queued come
  /// back unfilled, with no call. EBUSY while the camera runs.
  [[nodiscard]] virtual Status startDirect(Filled filled, Failed failed) = 0;
  /// Hands a buffer to the running direct capture. An error here ends nothing: the caller
  /// decides (the hub falls back to copies).
  [[nodiscard]] virtual Status queueBuffer(DirectBufferId id) = 0;
};

}  // namespace vcam::session
