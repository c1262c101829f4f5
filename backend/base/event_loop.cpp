// SPDX-License-Identifier: MIT
// EventLoop: epoll dispatch, timerfd timers and an eventfd for posted work.
#include "backend/base/event_loop.h"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <array>
#include <cerrno>

#include "backend/base/system_call.h"

namespace vcam::base {
namespace {

// epoll_data carries the registration id; the wakeup eventfd uses id 0.
constexpr std::uint64_t kWakeupId = 0;
constexpr int kMaxEventsPerWait = 32;

timespec toTimespec(std::chrono::nanoseconds duration) {
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(duration);
  return timespec{static_cast<time_t>(seconds.count()),
                  static_cast<long>((duration - seconds).count())};
}

}  // namespace

Result<std::unique_ptr<EventLoop>> EventLoop::create() {
  UniqueFd epoll(::epoll_create1(EPOLL_CLOEXEC));
  if (!epoll) return systemError("epoll_create1");
  UniqueFd wakeup(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  if (!wakeup) return systemError("eventfd");
  epoll_event event{};
  event.events = EPOLLIN;
  event.data.u64 = kWakeupId;
  if (::epoll_ctl(epoll.get(), EPOLL_CTL_ADD, wakeup.get(), &event) != 0) {
    return systemError("epoll_ctl(ADD eventfd)");
  }
  return std::unique_ptr<EventLoop>(new EventLoop(std::move(epoll), std::move(wakeup)));
}

EventLoop::EventLoop(UniqueFd epoll, UniqueFd wakeup)
    : epoll_(std::move(epoll)), wakeup_(std::move(wakeup)) {}

EventLoop::~EventLoop() = default;

Result<LoopHandle> EventLoop::add(int fd, UniqueFd owned, bool repeat, Callback callback) {
  const std::uint64_t id = nextId_++;
  epoll_event event{};
  event.events = EPOLLIN;
  event.data.u64 = id;
  if (::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, fd, &event) != 0) {
    return systemError("epoll_ctl(ADD " + std::to_string(fd) + ")");
  }
  registrations_.emplace(id, Registration{fd, std::move(owned), repeat, std::move(callback)});
  return LoopHandle(this, id);
}

Result<LoopHandle> EventLoop::watchReadable(int fd, Callback onReadable) {
  return add(fd, UniqueFd{}, true, std::move(onReadable));
}

Result<LoopHandle> EventLoop::addTimer(std::chrono::nanoseconds delay, bool repeat,
                                       Callback onExpiry) {
  UniqueFd timer(::timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK));
  if (!timer) return systemError("timerfd_create");
  // A zero it_value would disarm the timer: the shortest delay is 1 ns.
  const timespec first = toTimespec(delay.count() > 0 ? delay : std::chrono::nanoseconds(1));
  itimerspec spec{repeat ? first : timespec{}, first};
  if (::timerfd_settime(timer.get(), 0, &spec, nullptr) != 0) return systemError("timerfd_settime");
  const int fd = timer.get();
  return add(fd, std::move(timer), repeat, std::move(onExpiry));
}

void EventLoop::remove(std::uint64_t id) noexcept {
  auto found = registrations_.find(id);
  if (found == registrations_.end()) return;
  (void)::epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, found->second.fd, nullptr);
  registrations_.erase(found);
}

void EventLoop::post(Callback work) {
  {
    std::lock_guard<std::mutex> lock(postedMutex_);
    posted_.push_back(std::move(work));
  }
  const std::uint64_t one = 1;
  (void)!::write(wakeup_.get(), &one, sizeof one);
}

void EventLoop::stop() {
  {
    std::lock_guard<std::mutex> lock(postedMutex_);
    stopRequested_ = true;
  }
  const std::uint64_t one = 1;
  (void)!::write(wakeup_.get(), &one, sizeof one);
}

void EventLoop::runPosted() {
  std::uint64_t count = 0;
  (void)!::read(wakeup_.get(), &count, sizeof count);
  std::deque<Callback> work;
  {
    std::lock_guard<std::mutex> lock(postedMutex_);
    work.swap(posted_);
  }
  for (Callback& callback : work) callback();
}

void EventLoop::dispatch(std::uint64_t id) {
  auto found = registrations_.find(id);
  if (found == registrations_.end()) return;  // removed by an earlier callback of this round
  Registration& registration = found->second;
  if (registration.ownedFd) {
    std::uint64_t expirations = 0;
    (void)!::read(registration.ownedFd.get(), &expirations, sizeof expirations);
  }
  // The callback may remove this very registration: keep it alive for the call.
  Callback callback = registration.callback;
  if (!registration.repeat) remove(id);
  callback();
}

Status EventLoop::runOnce(std::chrono::milliseconds timeout) {
  std::array<epoll_event, kMaxEventsPerWait> events{};
  const int ready = ::epoll_wait(epoll_.get(), events.data(), kMaxEventsPerWait,
                                 static_cast<int>(timeout.count()));
  if (ready < 0) return errno == EINTR ? Status{} : Status{systemError("epoll_wait")};
  for (int i = 0; i < ready; ++i) {
    const std::uint64_t id = events[static_cast<std::size_t>(i)].data.u64;
    if (id == kWakeupId) {
      runPosted();
    } else {
      dispatch(id);
    }
  }
  return {};
}

Status EventLoop::run() {
  for (;;) {
    {
      std::lock_guard<std::mutex> lock(postedMutex_);
      if (stopRequested_) {
        stopRequested_ = false;
        break;
      }
    }
    if (Status ran = runOnce(std::chrono::milliseconds(-1)); !ran) return ran;
  }
  // Work posted before stop() still runs.
  runPosted();
  return {};
}

}  // namespace vcam::base
