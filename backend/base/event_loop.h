// SPDX-License-Identifier: MIT
// EventLoop: the one thread that owns the backend's state - epoll over fds, timers, and work
// posted from other threads (libcamera's callbacks).
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <utility>

#include <vcamera/common/result.h>

#include "backend/base/unique_fd.h"

namespace vcam::base {

class EventLoop;

/// A registration with the loop (an fd watch or a timer); removes itself when destroyed.
/// Destroying it from inside any callback - its own included - is allowed.
class LoopHandle {
 public:
  LoopHandle() = default;
  LoopHandle(EventLoop* loop, std::uint64_t id) : loop_(loop), id_(id) {}
  LoopHandle(LoopHandle&& other) noexcept
      : loop_(std::exchange(other.loop_, nullptr)), id_(other.id_) {}
  LoopHandle& operator=(LoopHandle&& other) noexcept;
  LoopHandle(const LoopHandle&) = delete;
  LoopHandle& operator=(const LoopHandle&) = delete;
  ~LoopHandle() { reset(); }

  [[nodiscard]] bool active() const { return loop_ != nullptr; }
  void reset() noexcept;

 private:
  EventLoop* loop_ = nullptr;
  std::uint64_t id_ = 0;
};

/// Single-threaded dispatch: run() calls every callback on the thread that called it. Only
/// post() and stop() may be called from other threads.
class EventLoop {
 public:
  using Callback = std::function<void()>;

  [[nodiscard]] static Result<std::unique_ptr<EventLoop>> create();
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  /// Calls `onReadable` whenever `fd` is readable (level-triggered: the callback should read
  /// what is there). The fd stays the caller's and must outlive the handle.
  [[nodiscard]] Result<LoopHandle> watchReadable(int fd, Callback onReadable);
  /// Calls `onExpiry` once after `delay`, or every `delay` when `repeat`.
  [[nodiscard]] Result<LoopHandle> addTimer(std::chrono::nanoseconds delay, bool repeat,
                                            Callback onExpiry);
  /// Queues `work` to run on the loop thread (thread-safe). Work posted before stop() runs
  /// before run() returns.
  void post(Callback work);

  /// Dispatches until stop(); EINTR is retried. An epoll failure ends the loop with its error.
  [[nodiscard]] Status run();
  /// Runs what is ready now (fds, timers, posted work) without blocking; for tests and for
  /// draining before teardown.
  [[nodiscard]] Status runOnce(std::chrono::milliseconds timeout = std::chrono::milliseconds(0));
  /// Makes run() return after the current callback (thread-safe).
  void stop();

 private:
  friend class LoopHandle;
  struct Registration {
    int fd = -1;
    UniqueFd ownedFd;  ///< timers own their timerfd
    bool repeat = true;
    Callback callback;
  };

  EventLoop(UniqueFd epoll, UniqueFd wakeup);
  [[nodiscard]] Result<LoopHandle> add(int fd, UniqueFd owned, bool repeat, Callback callback);
  void remove(std::uint64_t id) noexcept;
  void dispatch(std::uint64_t id);
  void runPosted();

  UniqueFd epoll_;
  UniqueFd wakeup_;  ///< eventfd: post() and stop() wake epoll_wait through it
  std::map<std::uint64_t, Registration> registrations_;
  std::uint64_t nextId_ = 1;
  std::mutex postedMutex_;
  std::deque<Callback> posted_;
  bool stopRequested_ = false;  ///< guarded by postedMutex_
};

inline LoopHandle& LoopHandle::operator=(LoopHandle&& other) noexcept {
  if (this != &other) {
    reset();
    loop_ = std::exchange(other.loop_, nullptr);
    id_ = other.id_;
  }
  return *this;
}

inline void LoopHandle::reset() noexcept {
  if (loop_ != nullptr) std::exchange(loop_, nullptr)->remove(id_);
}

}  // namespace vcam::base
