// SPDX-License-Identifier: MIT
// CameraNodes: a camera's device nodes from the media devices libcamera locked for it.
#include "backend/source/libcamera/camera_nodes.h"

#include <fcntl.h>
#include <linux/media.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <array>
#include <charconv>
#include <memory>

#include "backend/base/unique_fd.h"

namespace vcam::source::lc {
namespace {

// /proc/locks lists every lock of the system; more than this is not read (a few per process
// is usual).
constexpr std::size_t kMaxLocksText = 4U << 20U;
// A media graph with more interfaces than this is not believed.
constexpr std::uint32_t kMaxInterfaces = 1024;

std::string_view nextWord(std::string_view& line) {
  const std::size_t start = line.find_first_not_of(" \t");
  if (start == std::string_view::npos) {
    line = {};
    return {};
  }
  line.remove_prefix(start);
  const std::size_t end = line.find_first_of(" \t");
  const std::string_view word = line.substr(0, end);
  line.remove_prefix(end == std::string_view::npos ? line.size() : end);
  return word;
}

template <typename T>
bool parseNumber(std::string_view text, T& value, int base) {
  if (text.empty()) return false;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value, base);
  return ec == std::errc() && end == text.data() + text.size();
}

// "MAJOR:MINOR:INODE", major and minor in hex (fs/locks.c prints them with %02x).
bool parseFile(std::string_view text, FileId& file) {
  const std::size_t first = text.find(':');
  const std::size_t second = first == std::string_view::npos ? first : text.find(':', first + 1);
  if (second == std::string_view::npos) return false;
  unsigned int major = 0;
  unsigned int minor = 0;
  std::uint64_t ino = 0;
  if (!parseNumber(text.substr(0, first), major, 16) ||
      !parseNumber(text.substr(first + 1, second - first - 1), minor, 16) ||
      !parseNumber(text.substr(second + 1), ino, 10)) {
    return false;
  }
  file = FileId{::makedev(major, minor), ino};
  return true;
}

bool isMediaLink(std::string_view link) {
  return isCameraNodeLink(link) && link.starts_with("/dev/media");
}

// The device numbers of the interfaces (video, subdev nodes) media graph `fd` lists.
std::vector<std::uint64_t> graphNodes(int fd) {
  for (int attempt = 0; attempt < 3; ++attempt) {
    media_v2_topology topology{};
    if (::ioctl(fd, MEDIA_IOC_G_TOPOLOGY, &topology) != 0) return {};
    if (topology.num_interfaces == 0 || topology.num_interfaces > kMaxInterfaces) return {};
    std::vector<media_v2_interface> interfaces(topology.num_interfaces);
    const std::uint64_t version = topology.topology_version;
    topology = media_v2_topology{};
    topology.num_interfaces = static_cast<std::uint32_t>(interfaces.size());
    topology.ptr_interfaces = reinterpret_cast<std::uintptr_t>(interfaces.data());
    if (::ioctl(fd, MEDIA_IOC_G_TOPOLOGY, &topology) != 0) continue;  // it grew meanwhile
    if (topology.topology_version != version || topology.num_interfaces > interfaces.size()) {
      continue;
    }
    std::vector<std::uint64_t> nodes;
    for (std::size_t i = 0; i < topology.num_interfaces; ++i) {
      nodes.push_back(::makedev(interfaces[i].devnode.major, interfaces[i].devnode.minor));
    }
    return nodes;
  }
  return {};
}

}  // namespace

std::set<FileId> posixLocksOf(std::string_view procLocks, long pid) {
  std::set<FileId> files;
  while (!procLocks.empty()) {
    const std::size_t end = procLocks.find('\n');
    std::string_view line = procLocks.substr(0, end);
    procLocks.remove_prefix(end == std::string_view::npos ? procLocks.size() : end + 1);
    // "1: POSIX  ADVISORY  WRITE 1234 00:05:321 0 EOF"; a waiter: "1: -> POSIX ...".
    const std::string_view id = nextWord(line);
    if (id.empty() || id.back() != ':') continue;
    if (nextWord(line) != "POSIX") continue;
    const std::string_view mode = nextWord(line);
    if (mode != "ADVISORY" && mode != "MANDATORY") continue;
    const std::string_view type = nextWord(line);
    if (type != "READ" && type != "WRITE") continue;
    long owner = 0;
    if (!parseNumber(nextWord(line), owner, 10) || owner != pid) continue;
    FileId file;
    if (parseFile(nextWord(line), file)) files.insert(file);
  }
  return files;
}

std::set<FileId> heldLocks() {
  base::UniqueFd fd(::open("/proc/locks", O_RDONLY | O_CLOEXEC));
  if (!fd) return {};
  std::string text;
  std::array<char, 16384> chunk{};
  while (text.size() < kMaxLocksText) {
    const ssize_t n = ::read(fd.get(), chunk.data(), chunk.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    text.append(chunk.data(), static_cast<std::size_t>(n));
  }
  return posixLocksOf(text, static_cast<long>(::getpid()));
}

CameraNodes cameraNodesSince(const std::set<FileId>& before, const std::string& fdDir) {
  CameraNodes nodes;
  std::set<FileId> fresh;
  for (const FileId& file : heldLocks()) {
    if (!before.contains(file)) fresh.insert(file);
  }
  if (fresh.empty()) {
    nodes.description = "unknown (no media device newly locked by the acquire)";
    return nodes;
  }
  std::string media;
  forEachCameraNodeFd(fdDir, [&](int fd, const std::string& /*path*/, const std::string& link) {
    if (!isMediaLink(link)) return;
    struct stat status {};
    if (::fstat(fd, &status) != 0 || !fresh.contains(FileId{status.st_dev, status.st_ino})) {
      return;
    }
    std::vector<std::uint64_t> graph = graphNodes(fd);
    // The fd is libcamera's and may have been closed and reused meanwhile: only the same file.
    struct stat after {};
    if (::fstat(fd, &after) != 0 || after.st_ino != status.st_ino ||
        after.st_dev != status.st_dev) {
      return;
    }
    nodes.devices.insert(status.st_rdev);
    nodes.devices.insert(graph.begin(), graph.end());
    media += (media.empty() ? "" : ", ") + link;
  });
  if (media.empty()) {
    nodes.description = "unknown (the newly locked files are no media device this process holds)";
    return nodes;
  }
  nodes.known = true;
  nodes.description = media + " (" + std::to_string(nodes.devices.size()) + " nodes)";
  return nodes;
}

bool touches(const CameraNodes& nodes, const std::vector<GoneNode>& gone) {
  if (gone.empty()) return false;
  if (!nodes.known) return true;
  for (const GoneNode& node : gone) {
    if (node.rdev == 0 || nodes.devices.contains(node.rdev)) return true;
  }
  return false;
}

}  // namespace vcam::source::lc
