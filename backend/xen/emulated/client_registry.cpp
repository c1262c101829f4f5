// SPDX-License-Identifier: MIT
// The process-wide registry of emulated-Xen connections and mappings, and the /proc scans
// behind ExportedDmaBuf::release() in emulation.
#include "backend/xen/emulated/client_registry.h"

#include <dirent.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <map>
#include <memory>
#include <mutex>
#include <set>

#include "backend/base/unique_file.h"

namespace vcam::xen::emu::registry {
namespace {

struct State {
  std::mutex mutex;
  std::set<int> connectionFds;
  std::set<int> exportFds;
  std::map<std::uintptr_t, std::size_t> mappings;  ///< start -> length
};

State& state() {
  static State instance;  // never destroyed before the objects that use it (function static)
  return instance;
}

struct DirCloser {
  void operator()(DIR* dir) const { ::closedir(dir); }
};
struct LineFree {
  void operator()(char* line) const { std::free(line); }
};

bool isExportFd(const char* name) {
  char* end = nullptr;
  const long number = std::strtol(name, &end, 10);
  std::lock_guard lock(state().mutex);
  return end != name && *end == '\0' && state().exportFds.contains(static_cast<int>(number));
}

bool openInFds(dev_t device, ino_t inode) {
  std::unique_ptr<DIR, DirCloser> dir(::opendir("/proc/self/fd"));
  if (!dir) return false;
  while (const dirent* entry = ::readdir(dir.get())) {
    if (entry->d_name[0] == '.') continue;
    struct stat info {};
    if (::fstatat(::dirfd(dir.get()), entry->d_name, &info, 0) != 0) continue;
    if (info.st_dev == device && info.st_ino == inode && !isExportFd(entry->d_name)) return true;
  }
  return false;
}

bool mappedOutsideOurs(dev_t device, ino_t inode) {
  base::UniqueFile maps(std::fopen("/proc/self/maps", "re"));
  if (!maps) return false;
  char* raw = nullptr;
  std::size_t capacity = 0;
  bool found = false;
  while (!found && ::getline(&raw, &capacity, maps.get()) > 0) {
    unsigned long begin = 0;
    unsigned long end = 0;
    unsigned int major = 0;
    unsigned int minor = 0;
    unsigned long long number = 0;
    if (std::sscanf(raw, "%lx-%lx %*s %*x %x:%x %llu", &begin, &end, &major, &minor, &number) !=
        5) {
      continue;
    }
    found = number == inode && ::makedev(major, minor) == device && !coveredByMappings(begin, end);
  }
  std::unique_ptr<char, LineFree> line(raw);
  return found;
}

}  // namespace

void addConnectionFd(int fd) {
  std::lock_guard lock(state().mutex);
  state().connectionFds.insert(fd);
}

void removeConnectionFd(int fd) {
  std::lock_guard lock(state().mutex);
  state().connectionFds.erase(fd);
}

void closeInheritedConnections() noexcept {
  // Only called right after fork(): one thread, nobody else holds the mutex in this process.
  State& s = state();
  for (int fd : s.connectionFds) ::close(fd);
  s.connectionFds.clear();
}

void addExportFd(int fd) {
  std::lock_guard lock(state().mutex);
  state().exportFds.insert(fd);
}

void removeExportFd(int fd) {
  std::lock_guard lock(state().mutex);
  state().exportFds.erase(fd);
}

void addMapping(const void* address, std::size_t bytes) {
  std::lock_guard lock(state().mutex);
  state().mappings[reinterpret_cast<std::uintptr_t>(address)] = bytes;
}

void removeMapping(const void* address) {
  std::lock_guard lock(state().mutex);
  state().mappings.erase(reinterpret_cast<std::uintptr_t>(address));
}

bool coveredByMappings(std::uintptr_t begin, std::uintptr_t end) {
  std::lock_guard lock(state().mutex);
  const auto& mappings = state().mappings;
  std::uintptr_t position = begin;
  while (position < end) {
    auto next = mappings.upper_bound(position);
    if (next == mappings.begin()) return false;
    const auto& [start, length] = *std::prev(next);
    if (position >= start + length) return false;
    position = start + length;
  }
  return true;
}

bool fileInUse(dev_t device, ino_t inode) {
  return openInFds(device, inode) || mappedOutsideOurs(device, inode);
}

}  // namespace vcam::xen::emu::registry
