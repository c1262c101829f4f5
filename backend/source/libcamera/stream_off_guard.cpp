// SPDX-License-Identifier: MIT
#include "backend/source/libcamera/stream_off_guard.h"

#include <dlfcn.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/videodev2.h>

#include <atomic>
#include <cerrno>
#include <cstdarg>

// Where time_t is 64 bits on a 32-bit ABI, <sys/ioctl.h> renames ioctl (__ioctl_time64): this
// definition would then stand in front of the wrong one.
#if defined(__USE_TIME_BITS64) && __TIMESIZE == 32
#error "the stream-off guard's ioctl() is written for ABIs where ioctl is not renamed"
#endif

namespace vcam::source::lc {
namespace {

using IoctlFunction = int (*)(int, unsigned long, ...);

std::atomic<std::uint64_t> gGuarded{0};
std::atomic<IoctlFunction> gNext{nullptr};

// The definition the guard stands in front of: libc's, or a sanitizer's interceptor. Looked up
// without a lock (two first calls may both look: the answer is the same), never in a static's
// guarded initialiser, which could deadlock against the dynamic linker's lock.
IoctlFunction nextIoctl() {
  IoctlFunction next = gNext.load(std::memory_order_acquire);
  if (next == nullptr) {
    next = reinterpret_cast<IoctlFunction>(::dlsym(RTLD_NEXT, "ioctl"));  // dlsym's type
    gNext.store(next, std::memory_order_release);
  }
  return next;
}

bool guardedRequest(unsigned long request) {
  return request == VIDIOC_STREAMOFF || request == VIDIOC_QBUF;
}

// An unregistered V4L2 node polls as EPOLLERR|EPOLLHUP|EPOLLPRI (v4l2_poll()); a registered
// one never reports a hang-up.
bool hungUp(int fd) {
  pollfd watched{fd, 0, 0};
  return ::poll(&watched, 1, 0) == 1 && (watched.revents & POLLHUP) != 0;
}

}  // namespace

bool guardTurnsIntoSuccess(unsigned long request, int result, int error, bool nodeHungUp) {
  return guardedRequest(request) && result < 0 && error == ENODEV && nodeHungUp;
}

bool streamOffGuardActive() {
  // The address the dynamic linker gives every object's ioctl call (the global scope, the
  // executable first) must be this file's definition.
  return ::dlsym(RTLD_DEFAULT, "ioctl") == reinterpret_cast<void*>(&::ioctl);
}

std::uint64_t guardedCalls() { return gGuarded.load(std::memory_order_relaxed); }

}  // namespace vcam::source::lc

// Every ioctl of the process, libcamera's included. Defined with libc's declaration
// (<sys/ioctl.h>); default visibility so that the executable exports it.
extern "C" [[gnu::visibility("default")]] int ioctl(int fd, unsigned long request, ...) noexcept {
  va_list arguments;
  va_start(arguments, request);
  void* argument = va_arg(arguments, void*);  // as libc's own: one register, passed on as is
  va_end(arguments);
  const int errnoBefore = errno;
  const vcam::source::lc::IoctlFunction next = vcam::source::lc::nextIoctl();
  const int result = next != nullptr
                         ? next(fd, request, argument)
                         : static_cast<int>(::syscall(SYS_ioctl, fd, request, argument));
  if (result >= 0 || !vcam::source::lc::guardedRequest(request)) return result;  // the rest
  const int error = errno;
  if (vcam::source::lc::guardTurnsIntoSuccess(request, result, error,
                                              error == ENODEV && vcam::source::lc::hungUp(fd))) {
    vcam::source::lc::gGuarded.fetch_add(1, std::memory_order_relaxed);
    errno = errnoBefore;  // a success leaves errno as it was
    return 0;
  }
  errno = error;  // as the ioctl left it (poll() may have changed it)
  return result;
}
