// SPDX-License-Identifier: MIT
// Processes for tests, the demo and benchmarks: the broker, domains, any child, and a pipe
// to synchronise them. Each is RAII: destruction kills and reaps what is still running.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <vcamera/common/result.h>

#include "backend/base/unique_fd.h"
#include "backend/xen/emulated/broker.h"
#include "backend/xen/transport.h"

namespace vcam::xen::emu {

/// How long waits for processes and pipe messages last by default: generous, never a sleep.
inline constexpr int kDefaultWaitMs = 10000;

/// Exit codes a child uses for failures of the harness rather than of its body.
inline constexpr int kChildConnectFailed = 121;  ///< DomainProcess could not reach the broker
inline constexpr int kChildOrphaned = 122;       ///< the parent died before the child started
inline constexpr int kChildLeaked = 123;         ///< LeakSanitizer found leaks (ASan builds)
inline constexpr int kChildThrew = 124;          ///< the body threw

/// A forked child running `body`; its return value is the exit code. The child never returns
/// into the caller's code: it leaves with _exit() (no atexit handlers, no gtest teardown),
/// after fflush() and, in ASan builds, a leak check. It is killed if the parent dies, and it
/// closes inherited broker connections first (client_registry.h), so it never shares its
/// parent's handles. Do not use gtest assertions inside the body: return a code instead.
/// "The parent dies" is PR_SET_PDEATHSIG: the thread that called start() ending counts.
class ChildProcess {
 public:
  ChildProcess() = default;
  [[nodiscard]] static Result<ChildProcess> start(std::function<int()> body);
  ChildProcess(ChildProcess&& other) noexcept;
  ChildProcess& operator=(ChildProcess&& other) noexcept;
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  /// Kills (SIGKILL) and reaps a child still running.
  ~ChildProcess();

  [[nodiscard]] pid_t pid() const { return pid_; }
  /// Waits up to `timeoutMs` for the child to end: its exit code, or 128 + the number of the
  /// signal that killed it. ETIMEDOUT while it still runs. Repeated calls give the same code.
  [[nodiscard]] Result<int> wait(int timeoutMs = kDefaultWaitMs);
  /// Sends `signal` to a child that has not been reaped.
  [[nodiscard]] Status signal(int signal) const;

 private:
  void killAndReap() noexcept;

  pid_t pid_ = -1;
  base::UniqueFd pidfd_;
  std::optional<int> exitCode_;
};

/// A child process acting as domain `domid`: it connects to the broker (connectEmulatedXen)
/// and runs `body` with its transport, which is closed before the child exits.
class DomainProcess {
 public:
  DomainProcess() = default;
  [[nodiscard]] static Result<DomainProcess> start(const std::string& socketPath, DomId domid,
                                                   std::function<int(XenTransport&)> body);
  [[nodiscard]] Result<int> wait(int timeoutMs = kDefaultWaitMs) { return child_.wait(timeoutMs); }
  [[nodiscard]] pid_t pid() const { return child_.pid(); }

 private:
  explicit DomainProcess(ChildProcess child) : child_(std::move(child)) {}
  ChildProcess child_;
};

/// A broker in a child process, on a socket in a fresh private directory. start() returns
/// once the broker listens (it says so over a pipe); destruction stops it and removes the
/// directory.
class BrokerProcess {
 public:
  BrokerProcess() = default;
  [[nodiscard]] static Result<BrokerProcess> start(BrokerOptions options = {});
  BrokerProcess(BrokerProcess&& other) noexcept;
  BrokerProcess& operator=(BrokerProcess&& other) noexcept;
  BrokerProcess(const BrokerProcess&) = delete;
  BrokerProcess& operator=(const BrokerProcess&) = delete;
  ~BrokerProcess();

  [[nodiscard]] const std::string& socketPath() const { return socketPath_; }
  [[nodiscard]] pid_t pid() const { return child_.pid(); }
  /// SIGTERM, then waits for the broker to exit: EIO unless it exited cleanly (code 0).
  [[nodiscard]] Status stop(int timeoutMs = kDefaultWaitMs);

 private:
  void cleanUp() noexcept;

  ChildProcess child_;
  std::string directory_;
  std::string socketPath_;
};

/// A connected SOCK_SEQPACKET pair for synchronising processes: the parent uses parent(),
/// the child child(). Messages are short (at most kMaxBytes); receive waits with poll.
class MessagePipe {
 public:
  static constexpr std::size_t kMaxBytes = 128 * 1024;

  class End {
   public:
    [[nodiscard]] Status send(std::string_view message) const;
    [[nodiscard]] Result<std::string> receive(int timeoutMs = kDefaultWaitMs) const;
    /// Numbers (grant refs, ports, ...) as one message.
    [[nodiscard]] Status sendNumbers(std::span<const std::uint32_t> numbers) const;
    [[nodiscard]] Result<std::vector<std::uint32_t>> receiveNumbers(
        int timeoutMs = kDefaultWaitMs) const;
    [[nodiscard]] int fd() const { return fd_.get(); }

   private:
    friend class MessagePipe;
    base::UniqueFd fd_;
  };

  [[nodiscard]] static Result<MessagePipe> create();
  [[nodiscard]] End& parent() { return parent_; }
  [[nodiscard]] End& child() { return child_; }

 private:
  End parent_;
  End child_;
};

}  // namespace vcam::xen::emu
