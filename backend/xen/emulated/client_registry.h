// SPDX-License-Identifier: MIT
// What this process holds of the emulated Xen: connection fds (not for forked children) and
// the address ranges of its grant mappings and shared pages (not importers' mappings).
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>

namespace vcam::xen::emu::registry {

/// Records a broker connection fd of this process.
void addConnectionFd(int fd);
void removeConnectionFd(int fd);
/// In a freshly forked child: closes every inherited broker connection fd, so the child
/// never talks on its parent's connections and the broker sees the parent's closes.
void closeInheritedConnections() noexcept;

/// Records [address, address + bytes) as one of our own grant mappings or shared pages.
void addMapping(const void* address, std::size_t bytes);
void removeMapping(const void* address);
/// True when [begin, end) lies entirely within recorded mappings.
[[nodiscard]] bool coveredByMappings(std::uintptr_t begin, std::uintptr_t end);

/// Records `fd` as the descriptor of a live ExportedDmaBuf (ours, not an importer's).
void addExportFd(int fd);
void removeExportFd(int fd);

/// True while this process still holds `file` (device and inode) open or mapped, apart from
/// its own grant mappings, shared pages and live exports: what "every importer let go" of a
/// dma-buf means in emulation. Reads /proc/self/fd and /proc/self/maps.
[[nodiscard]] bool fileInUse(dev_t device, ino_t inode);

}  // namespace vcam::xen::emu::registry
