// SPDX-License-Identifier: MIT
// ChildProcess, DomainProcess, BrokerProcess and MessagePipe.
#include "backend/xen/emulated/process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <utility>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
#endif

#include "backend/base/system_call.h"
#include "backend/xen/emulated/client_registry.h"
#include "backend/xen/emulated/emulated_xen.h"

namespace vcam::xen::emu {
namespace {

using base::systemError;
using base::waitReadableOrFail;

// glibc 2.36's <sys/pidfd.h> lacks extern "C": call the system call directly.
int pidfdOpen(pid_t pid) { return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0U)); }

int leakCheck() {
#if defined(__SANITIZE_ADDRESS__)
  return __lsan_do_recoverable_leak_check();
#else
  return 0;
#endif
}

[[noreturn]] void runChild(const std::function<int()>& body, pid_t parent) {
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != parent) ::_exit(kChildOrphaned);
  registry::closeInheritedConnections();
  int code = kChildThrew;
  try {
    code = body();
  } catch (...) {
    std::fputs("child process: the body threw\n", stderr);
  }
  std::fflush(nullptr);
  if (leakCheck() != 0) code = kChildLeaked;
  ::_exit(code & 0xff);
}

}  // namespace

// ---- ChildProcess -------------------------------------------------------------------------------

Result<ChildProcess> ChildProcess::start(std::function<int()> body) {
  const pid_t parent = ::getpid();
  std::fflush(nullptr);  // or the child would write the parent's buffered output again
  const pid_t pid = ::fork();
  if (pid < 0) return systemError("fork");
  if (pid == 0) runChild(body, parent);
  ChildProcess child;
  child.pid_ = pid;
  child.pidfd_.reset(pidfdOpen(pid));
  if (!child.pidfd_) return systemError("pidfd_open");  // the destructor kills the child
  return child;
}

ChildProcess::ChildProcess(ChildProcess&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)),
      pidfd_(std::move(other.pidfd_)),
      exitCode_(std::exchange(other.exitCode_, std::nullopt)) {}

ChildProcess& ChildProcess::operator=(ChildProcess&& other) noexcept {
  if (this != &other) {
    killAndReap();
    pid_ = std::exchange(other.pid_, -1);
    pidfd_ = std::move(other.pidfd_);
    exitCode_ = std::exchange(other.exitCode_, std::nullopt);
  }
  return *this;
}

ChildProcess::~ChildProcess() { killAndReap(); }

void ChildProcess::killAndReap() noexcept {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  pid_ = -1;
  pidfd_.reset();
}

Result<int> ChildProcess::wait(int timeoutMs) {
  if (exitCode_) return *exitCode_;
  if (pid_ <= 0) return makeError(ECHILD, "no child process");
  if (Status ended = waitReadableOrFail(pidfd_.get(), timeoutMs, "a child process"); !ended) {
    return ended.error();
  }
  int status = 0;
  pid_t reaped = -1;
  do {
    reaped = ::waitpid(pid_, &status, 0);
  } while (reaped < 0 && errno == EINTR);
  if (reaped < 0) return systemError("waitpid");
  pid_ = -1;
  pidfd_.reset();
  exitCode_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return *exitCode_;
}

Status ChildProcess::signal(int signal) const {
  if (pid_ <= 0) return makeError(ECHILD, "no child process");
  if (::kill(pid_, signal) != 0) return systemError("kill");
  return {};
}

// ---- DomainProcess ------------------------------------------------------------------------------

Result<DomainProcess> DomainProcess::start(const std::string& socketPath, DomId domid,
                                           std::function<int(XenTransport&)> body) {
  Result<ChildProcess> child = ChildProcess::start([&socketPath, domid, &body] {
    Result<XenTransport> transport = connectEmulatedXen(socketPath, domid);
    if (!transport) {
      std::fprintf(stderr, "dom%u: %s\n", unsigned{domid}, transport.error().message.c_str());
      return kChildConnectFailed;
    }
    return body(*transport);
  });
  if (!child) return child.error();
  return DomainProcess(std::move(*child));
}

// ---- BrokerProcess ------------------------------------------------------------------------------

Result<BrokerProcess> BrokerProcess::start(BrokerOptions options) {
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern =
      std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/vcam-xen-XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) return systemError("mkdtemp " + pattern);
  BrokerProcess broker;
  broker.directory_ = pattern;
  broker.socketPath_ = pattern + "/broker.sock";

  std::array<int, 2> ends{-1, -1};
  if (::pipe2(ends.data(), O_CLOEXEC) != 0) return systemError("pipe2");
  base::UniqueFd readyRead(ends[0]);
  base::UniqueFd readyWrite(ends[1]);
  const std::string& path = broker.socketPath_;
  Result<ChildProcess> child = ChildProcess::start([&] {
    readyRead.reset();
    sigset_t stopSignals;
    sigemptyset(&stopSignals);
    sigaddset(&stopSignals, SIGTERM);
    sigaddset(&stopSignals, SIGINT);
    ::sigprocmask(SIG_BLOCK, &stopSignals, nullptr);
    base::UniqueFd stop(::signalfd(-1, &stopSignals, SFD_CLOEXEC));
    Result<std::unique_ptr<Broker>> running = Broker::create(path, options);
    if (!stop || !running) {
      std::fprintf(stderr, "broker: %s\n",
                   running ? "signalfd failed" : running.error().message.c_str());
      return 1;
    }
    const char ready = 1;
    if (::write(readyWrite.get(), &ready, 1) != 1) return 1;
    readyWrite.reset();
    Status served = (*running)->run(stop.get());
    return served ? 0 : 1;
  });
  if (!child) return child.error();
  broker.child_ = std::move(*child);
  readyWrite.reset();
  if (Status up = waitReadableOrFail(readyRead.get(), kDefaultWaitMs, "the broker"); !up) {
    return up.error();
  }
  char ready = 0;
  if (::read(readyRead.get(), &ready, 1) != 1) {
    Result<int> code = broker.child_.wait();
    return makeError(EIO, "the broker failed to start (exit code " +
                              (code ? std::to_string(*code) : code.error().message) + ")");
  }
  return broker;
}

BrokerProcess::BrokerProcess(BrokerProcess&& other) noexcept
    : child_(std::move(other.child_)),
      directory_(std::exchange(other.directory_, {})),
      socketPath_(std::exchange(other.socketPath_, {})) {}

BrokerProcess& BrokerProcess::operator=(BrokerProcess&& other) noexcept {
  if (this != &other) {
    cleanUp();
    child_ = std::move(other.child_);
    directory_ = std::exchange(other.directory_, {});
    socketPath_ = std::exchange(other.socketPath_, {});
  }
  return *this;
}

BrokerProcess::~BrokerProcess() { cleanUp(); }

Status BrokerProcess::stop(int timeoutMs) {
  if (Status signalled = child_.signal(SIGTERM); !signalled) return signalled;
  Result<int> code = child_.wait(timeoutMs);
  if (!code) return code.error();
  if (*code != 0) return makeError(EIO, "the broker exited with code " + std::to_string(*code));
  return {};
}

void BrokerProcess::cleanUp() noexcept {
  if (child_.pid() > 0) (void)stop();  // a broker that does not stop is killed by child_
  child_ = ChildProcess();
  if (!socketPath_.empty()) ::unlink(socketPath_.c_str());
  if (!directory_.empty()) ::rmdir(directory_.c_str());
  socketPath_.clear();
  directory_.clear();
}

// ---- MessagePipe --------------------------------------------------------------------------------

Result<MessagePipe> MessagePipe::create() {
  std::array<int, 2> ends{-1, -1};
  if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, ends.data()) != 0) {
    return systemError("socketpair");
  }
  MessagePipe pipe;
  pipe.parent_.fd_.reset(ends[0]);
  pipe.child_.fd_.reset(ends[1]);
  return pipe;
}

Status MessagePipe::End::send(std::string_view message) const {
  if (message.size() > kMaxBytes) return makeError(EMSGSIZE, "pipe message too long");
  ssize_t sent = -1;
  do {
    sent = ::send(fd_.get(), message.data(), message.size(), MSG_NOSIGNAL);
  } while (sent < 0 && errno == EINTR);
  if (sent < 0) return systemError("send on a message pipe");
  return {};
}

Result<std::string> MessagePipe::End::receive(int timeoutMs) const {
  if (Status ready = waitReadableOrFail(fd_.get(), timeoutMs, "a pipe message"); !ready) {
    return ready.error();
  }
  std::string buffer(kMaxBytes, '\0');
  ssize_t received = -1;
  do {
    received = ::recv(fd_.get(), buffer.data(), buffer.size(), 0);
  } while (received < 0 && errno == EINTR);
  if (received < 0) return systemError("recv on a message pipe");
  buffer.resize(static_cast<std::size_t>(received));
  return buffer;
}

Status MessagePipe::End::sendNumbers(std::span<const std::uint32_t> numbers) const {
  return send(
      std::string_view(reinterpret_cast<const char*>(numbers.data()), numbers.size_bytes()));
}

Result<std::vector<std::uint32_t>> MessagePipe::End::receiveNumbers(int timeoutMs) const {
  Result<std::string> message = receive(timeoutMs);
  if (!message) return message.error();
  if (message->size() % sizeof(std::uint32_t) != 0) {
    return makeError(EPROTO, "pipe message is not a list of numbers");
  }
  std::vector<std::uint32_t> numbers(message->size() / sizeof(std::uint32_t));
  std::memcpy(numbers.data(), message->data(), message->size());
  return numbers;
}

}  // namespace vcam::xen::emu
