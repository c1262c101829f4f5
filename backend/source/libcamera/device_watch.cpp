// SPDX-License-Identifier: MIT
// vanishedDeviceNodes(): device nodes of the process's open fds that the kernel unregistered.
#include "backend/source/libcamera/device_watch.h"

#include <dirent.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <climits>
#include <memory>

namespace vcam::source::lc {
namespace {

constexpr std::string_view kDeleted = " (deleted)";
// More fds than this in one process would be a leak; the scan stops there.
constexpr std::size_t kMaxEntries = 65536;

bool isNumbered(std::string_view name, std::string_view prefix) {
  if (!name.starts_with(prefix) || name.size() == prefix.size()) return false;
  for (const char c : name.substr(prefix.size())) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

std::string readLink(const std::string& path) {
  std::array<char, PATH_MAX> buffer{};
  const ssize_t n = ::readlink(path.c_str(), buffer.data(), buffer.size() - 1);
  return n > 0 ? std::string(buffer.data(), static_cast<std::size_t>(n)) : std::string();
}

struct DirCloser {
  void operator()(DIR* dir) const { ::closedir(dir); }
};

}  // namespace

bool isCameraNodeLink(std::string_view link) {
  if (link.ends_with(kDeleted)) link.remove_suffix(kDeleted.size());
  if (!link.starts_with("/dev/")) return false;
  link.remove_prefix(5);
  return isNumbered(link, "video") || isNumbered(link, "v4l-subdev") || isNumbered(link, "media");
}

void forEachCameraNodeFd(
    const std::string& fdDir,
    const std::function<void(int fd, const std::string& path, const std::string& link)>& visit) {
  const std::unique_ptr<DIR, DirCloser> dir(::opendir(fdDir.c_str()));
  if (!dir) return;
  std::size_t seen = 0;
  while (const dirent* entry = ::readdir(dir.get())) {
    if (++seen > kMaxEntries) break;
    const std::string_view name(entry->d_name);
    int fd = -1;
    if (std::from_chars(name.data(), name.data() + name.size(), fd).ptr !=
            name.data() + name.size() ||
        fd < 0) {
      continue;  // "." and ".."
    }
    const std::string path = fdDir + "/" + std::string(name);
    const std::string link = readLink(path);
    if (isCameraNodeLink(link)) visit(fd, path, link);
  }
}

std::vector<GoneNode> vanishedDeviceNodes(const std::string& fdDir) {
  std::vector<GoneNode> gone;
  forEachCameraNodeFd(fdDir, [&](int fd, const std::string& path, const std::string& link) {
    // The device number says which camera the node was; a deleted node's fd still has it.
    struct stat status {};
    const std::uint64_t rdev = ::fstat(fd, &status) == 0 ? status.st_rdev : 0;
    if (link.ends_with(kDeleted)) {
      if (readLink(path) == link) gone.push_back({link, rdev});
      return;
    }
    pollfd probe{fd, POLLIN, 0};
    if (::poll(&probe, 1, 0) != 1 || (probe.revents & POLLHUP) == 0) return;
    // The fd may have been closed and reused meanwhile (libcamera's thread): only the same
    // node counts.
    if (readLink(path) == link) gone.push_back({link, rdev});
  });
  return gone;
}

std::vector<GoneNode> VanishTracker::look(std::vector<GoneNode> gone, bool atOnce) {
  std::vector<GoneNode> now;
  std::set<std::string> links;
  for (GoneNode& node : gone) {
    if (ignored_.contains(node.link) || !links.insert(node.link).second) continue;
    now.push_back(std::move(node));
  }
  std::sort(now.begin(), now.end(),
            [](const GoneNode& a, const GoneNode& b) { return a.link < b.link; });
  bool again = atOnce;
  for (const std::string& link : links) again = again || seen_.contains(link);
  seen_ = std::move(links);
  return again ? now : std::vector<GoneNode>{};
}

void VanishTracker::restarted(const std::vector<GoneNode>& gone) {
  seen_.clear();
  for (const GoneNode& node : gone) ignored_.insert(node.link);
}

}  // namespace vcam::source::lc
