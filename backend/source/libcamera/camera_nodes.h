// SPDX-License-Identifier: MIT
// CameraNodes: which device nodes one acquired libcamera camera owns, so that an unplug ends
// only the cameras whose nodes vanished.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "backend/source/libcamera/device_watch.h"

namespace vcam::source::lc {

/// A file as the kernel names it in /proc/locks and stat(): filesystem device and inode.
struct FileId {
  std::uint64_t dev = 0;  ///< st_dev (makedev() of /proc/locks' hex "major:minor")
  std::uint64_t ino = 0;
  auto operator<=>(const FileId&) const = default;
};

/// The files process `pid` holds a POSIX record lock on (lockf(), fcntl(F_SETLK)), from the
/// text of /proc/locks. Locks waited for ("->" lines), flock(), OFD locks, leases and lines
/// that do not parse are not counted.
[[nodiscard]] std::set<FileId> posixLocksOf(std::string_view procLocks, long pid);

/// The files this process holds a POSIX lock on now (posixLocksOf() over /proc/locks, read
/// with a bound). Empty when /proc/locks cannot be read.
[[nodiscard]] std::set<FileId> heldLocks();

/// The device nodes of one camera, by device number (st_rdev): the media devices libcamera
/// locked when the camera was acquired and every node their media graphs list (video,
/// subdev), found where the camera was acquired (cameraNodesSince()).
struct CameraNodes {
  bool known = false;               ///< false: which nodes are the camera's is not known
  std::set<std::uint64_t> devices;  ///< st_rdev of each node
  std::string description;          ///< for logs: "/dev/media1 (3 nodes)" or why unknown
};

/// The nodes of the camera libcamera just acquired, given the locks held before
/// Camera::acquire() (heldLocks()). libcamera 0.0.3's PipelineHandler::acquire() lockf()s
/// every media device of the camera's pipeline handler (MediaDevice::lock(), on the fd it
/// opened when the pipeline matched): the media nodes among `fdDir`'s fds (a /proc/<pid>/fd
/// directory) whose file a lock new since `before` is on are the camera's, and each one's
/// MEDIA_IOC_G_TOPOLOGY lists its other nodes. Unknown (known = false) when no new lock is
/// found: another camera of the same pipeline handler holds it already (one lock per pipeline
/// and process), or the locks could not be read. The fds are libcamera's: only fstat() and
/// ioctl() are used on them, never close() or dup() (closing any fd of a file drops the
/// process's POSIX locks on it).
[[nodiscard]] CameraNodes cameraNodesSince(const std::set<FileId>& before,
                                           const std::string& fdDir = "/proc/self/fd");

/// Whether the vanished nodes `gone` include one of a camera's `nodes`. A camera whose nodes
/// are unknown, or a gone node whose device number is unknown (0), counts as touched: its
/// stream is told its camera was unplugged (stopped the same way, CameraStream::detach()).
[[nodiscard]] bool touches(const CameraNodes& nodes, const std::vector<GoneNode>& gone);

}  // namespace vcam::source::lc
