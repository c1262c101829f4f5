// SPDX-License-Identifier: MIT
// vanishedDeviceNodes(): which V4L2 and media device nodes this process holds open were
// unregistered by the kernel (a camera unplugged or its driver unbound).
#pragma once

#include <cstdint>
#include <functional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace vcam::source::lc {

/// A vanished node: its fd's /proc/self/fd link and its device number.
struct GoneNode {
  std::string link;        ///< e.g. "/dev/video3" or "/dev/media1 (deleted)"
  std::uint64_t rdev = 0;  ///< the fd's st_rdev; 0 when fstat() failed (fd closed meanwhile)
  bool operator==(const GoneNode&) const = default;
};

/// Whether `link` (an fd's /proc/self/fd link) names a V4L2 or media device node:
/// /dev/videoN, /dev/v4l-subdevN or /dev/mediaN, with or without " (deleted)".
[[nodiscard]] bool isCameraNodeLink(std::string_view link);

/// Calls `visit(fd, path, link)` for each fd in `fdDir` (a /proc/<pid>/fd directory) whose
/// link names a camera device node (isCameraNodeLink()); `path` is the fd's entry in `fdDir`.
/// At most 65536 entries are looked at (more would be a leak).
void forEachCameraNodeFd(
    const std::string& fdDir,
    const std::function<void(int fd, const std::string& path, const std::string& link)>& visit);

/// The V4L2 and media device nodes open in `fdDir` (a /proc/<pid>/fd directory) whose device
/// is gone: the node was deleted (the link ends in " (deleted)") or poll() on the fd reports
/// POLLHUP, which Linux gives on a media or V4L2 node exactly when its device was
/// unregistered (media_poll() and v4l2_poll(); a registered node never reports it). Each entry
/// has the link's text and the fd's device number (which camera it was: camera_nodes.h). Fds
/// closed or reused while the scan runs are skipped.
///
/// Why this exists: libcamera 0.0.3 reports an unplug only for pipelines that ask for it (UVC);
/// for the others (vimc, simple, ...) it keeps the camera, spins on the dead node and aborts
/// the process when the device comes back with the same camera id.
[[nodiscard]] std::vector<GoneNode> vanishedDeviceNodes(const std::string& fdDir);

/// When the nodes successive looks find gone call for action: a node gone on two looks in a
/// row (one look may fall between the kernel's unregistration and libcamera's own handling of
/// it, for the pipelines that have one), or at once when asked (before a Camera::stop()).
/// Ignored nodes (still gone after libcamera restarted: not libcamera's, or kept by what it
/// leaked) never count. Nodes are told apart by their links.
class VanishTracker {
 public:
  /// The nodes to act on now, ordered by link (empty: nothing to do yet): every node gone
  /// now and not ignored, once one of them was gone on the last look too (or `atOnce`).
  [[nodiscard]] std::vector<GoneNode> look(std::vector<GoneNode> gone, bool atOnce);
  /// Forgets what was seen (after acting) and ignores `gone` from now on.
  void restarted(const std::vector<GoneNode>& gone);

 private:
  std::set<std::string> seen_;  ///< links gone on the last look
  std::set<std::string> ignored_;
};

}  // namespace vcam::source::lc
