// SPDX-License-Identifier: MIT
// The stream-off guard: a VIDIOC_STREAMOFF that meets an unregistered video node reads as
// done, so that a camera stopped just as it is unplugged cannot abort the process.
//
// Why: libcamera 0.0.3's V4L2VideoDevice::streamOff() returns early when the ioctl fails, so
// the buffers it holds never come back, the requests stay queued and PipelineHandler::stop()'s
// ASSERT(queuedRequests_.empty()) aborts. Looking at the device nodes right before each stop
// (CameraLibrary::Check::Now) narrows that window but cannot close it: the kernel may
// unregister the node between the look and the ioctl.
//
// How: this process defines ioctl() (stream_off_guard.cpp). The executable's definition comes
// first in the dynamic linker's search, so libcamera's calls reach it; it forwards every call
// to the next definition (libc's, or a sanitizer's interceptor) and changes one outcome only.
// ENODEV from STREAMOFF means the node was unregistered, and unregistering a video node
// stops its queue and gives its buffers back (vb2_video_unregister_device(); otherwise the
// last close does), so "the stream is off" is true: libcamera then cancels its queued
// requests as at any stop, and the stop completes.
#pragma once

#include <cstdint>

namespace vcam::source::lc {

/// The guard's rule: an ioctl that returned `result` with `error` (errno) succeeded after all.
[[nodiscard]] bool streamOffMetUnregisteredNode(unsigned long request, int result, int error);

/// Whether calls to ioctl() from libcamera reach the guard in this process (its executable
/// defines and exports ioctl). False only in a build that lost the definition.
[[nodiscard]] bool streamOffGuardActive();

/// How many STREAMOFFs the guard turned into successes in this process so far.
[[nodiscard]] std::uint64_t streamOffsGuarded();

}  // namespace vcam::source::lc
