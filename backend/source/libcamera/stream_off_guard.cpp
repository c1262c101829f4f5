// SPDX-License-Identifier: MIT
#include "backend/source/libcamera/stream_off_guard.h"

#include <dlfcn.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/videodev2.h>

#include <atomic>
#include <cerrno>
#include <cstdarg>

namespace vcam::source::lc {
namespace {

using IoctlFunction = int (*)(int, unsigned long, ...);

std::atomic<std::uint64_t> gGuarded{0};

// The definition the guard stands in front of: libc's, or a sanitizer's interceptor.
IoctlFunction nextIoctl() {
  static const IoctlFunction next =
      reinterpret_cast<IoctlFunction>(::dlsym(RTLD_NEXT, "ioctl"));  // NOLINT: dlsym's type
  return next;
}

}  // namespace

bool streamOffMetUnregisteredNode(unsigned long request, int result, int error) {
  return request == VIDIOC_STREAMOFF && result < 0 && error == ENODEV;
}

bool streamOffGuardActive() {
  // The address the dynamic linker gives every object's ioctl call (the global scope, the
  // executable first) must be this file's definition.
  return ::dlsym(RTLD_DEFAULT, "ioctl") == reinterpret_cast<void*>(&::ioctl);
}

std::uint64_t streamOffsGuarded() { return gGuarded.load(std::memory_order_relaxed); }

}  // namespace vcam::source::lc

// Every ioctl of the process, libcamera's included. Defined with libc's declaration
// (<sys/ioctl.h>); default visibility so that the executable exports it.
extern "C" [[gnu::visibility("default")]] int ioctl(int fd, unsigned long request, ...) noexcept {
  va_list arguments;
  va_start(arguments, request);
  void* argument = va_arg(arguments, void*);  // every ioctl passes one pointer-sized value
  va_end(arguments);
  const vcam::source::lc::IoctlFunction next = vcam::source::lc::nextIoctl();
  const int result = next != nullptr
                         ? next(fd, request, argument)
                         : static_cast<int>(::syscall(SYS_ioctl, fd, request, argument));
  if (vcam::source::lc::streamOffMetUnregisteredNode(request, result, errno)) {
    vcam::source::lc::gGuarded.fetch_add(1, std::memory_order_relaxed);
    errno = 0;
    return 0;
  }
  return result;
}
