// SPDX-License-Identifier: MIT
// The stream-off guard: VIDIOC_STREAMOFF and VIDIOC_QBUF on an unregistered video node read
// as done, so that a camera stopped just as it is unplugged cannot abort the process.
//
// Why: libcamera 0.0.3 aborts a Camera::stop() that meets a vanished node in two ways.
//  - V4L2VideoDevice::streamOff() returns early when STREAMOFF fails, so the buffers it holds
//    never come back, the requests stay queued and PipelineHandler::stop()'s
//    ASSERT(queuedRequests_.empty()) aborts.
//  - V4L2VideoDevice::queueBuffer() keeps the buffer-cache slot it took when QBUF fails, so
//    a later streamOff()'s ASSERT(cache_->isEmpty()) aborts; a request queued after the node
//    vanished is enough (seen: tests/xen/tools/hotplug, a direct stream stopped after its
//    unplug).
// Looking at the device nodes right before each stop (CameraLibrary::Check::Now) narrows
// that window but cannot close it: the kernel may unregister the node between the look and
// the ioctls, and a request queued just before the stop reaches the node after it.
//
// How: this process defines ioctl() (stream_off_guard.cpp). The executable's definition comes
// first in the dynamic linker's search, so libcamera's calls reach it; it forwards every call
// to the next definition (libc's, or a sanitizer's interceptor) and changes two outcomes only:
// STREAMOFF or QBUF failing with ENODEV on a node that polls as hung up, i.e. unregistered.
// No ioctl reaches such a node's driver any more, and the driver stops its queue and gives
// its buffers back by itself: as part of the unregistration (vb2_video_unregister_device(),
// vimc's and uvcvideo's way) or at the last close (holding its own references to the
// buffers' dma-bufs until then, so nothing is freed under it). So a buffer "queued" there
// waits, as in a stalled camera, for the stop; libcamera hears "the stream is off", cancels
// its queued requests as at any stop, and the stop completes; its REQBUFS(0) that follows
// fails (ENODEV) and is only logged.
// Every executable that links this library gets the guard (its CMakeLists.txt: --undefined).
#pragma once

#include <cstdint>

namespace vcam::source::lc {

/// The guard's rule: an ioctl that returned `result` with `error` (errno) on a node that polls
/// as hung up (`nodeHungUp`: looked at only for a STREAMOFF or QBUF failing with ENODEV)
/// succeeded.
[[nodiscard]] bool guardTurnsIntoSuccess(unsigned long request, int result, int error,
                                         bool nodeHungUp);

/// Whether calls to ioctl() from libcamera reach the guard in this process (its executable
/// defines and exports ioctl). False only in a build that lost the definition.
[[nodiscard]] bool streamOffGuardActive();

/// How many STREAMOFFs and QBUFs the guard turned into successes in this process so far.
[[nodiscard]] std::uint64_t guardedCalls();

}  // namespace vcam::source::lc
