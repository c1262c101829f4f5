// SPDX-License-Identifier: MIT
// vcamera-xen-broker: the emulated Xen broker as a program, for the demo and manual runs.
#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <charconv>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "backend/xen/emulated/broker.h"

namespace {

constexpr const char* kUsage =
    "usage: vcamera-xen-broker --socket PATH [--ready-fd N] [--log-violations] [--domain ID]...\n"
    "  Serves the emulated Xen (XenStore, event channels, grants) on PATH until SIGTERM or\n"
    "  SIGINT. Says it is ready by printing a line, or by writing one byte to fd N and\n"
    "  closing it. Prints the violations it caught when it stops. Each --domain ID creates a\n"
    "  domain up front (as xl create would), so a toolstack can attach devices to it.\n";

struct Options {
  std::string socketPath;
  int readyFd = -1;
  bool logViolations = false;
  std::vector<vcam::xen::DomId> domains;
};

bool parse(int argc, char** argv, Options& options) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    const bool hasValue = i + 1 < argc;
    if (arg == "--socket" && hasValue) {
      options.socketPath = argv[++i];
    } else if (arg == "--ready-fd" && hasValue) {
      const std::string_view value = argv[++i];
      auto [end, error] =
          std::from_chars(value.data(), value.data() + value.size(), options.readyFd);
      if (error != std::errc() || end != value.data() + value.size() || options.readyFd < 0) {
        return false;
      }
    } else if (arg == "--domain" && hasValue) {
      const std::string_view value = argv[++i];
      unsigned domid = 0;
      auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), domid);
      if (error != std::errc() || end != value.data() + value.size() || domid == 0 ||
          domid >= vcam::xen::emu::kDomidFirstReserved) {
        return false;
      }
      options.domains.push_back(static_cast<vcam::xen::DomId>(domid));
    } else if (arg == "--log-violations") {
      options.logViolations = true;
    } else {
      return false;
    }
  }
  return !options.socketPath.empty();
}

void printViolations(const vcam::xen::emu::BrokerReport& report) {
  if (report.violations.empty()) {
    std::fprintf(stderr, "vcamera-xen-broker: stopped; no violations caught\n");
    return;
  }
  for (const vcam::xen::emu::Violation& violation : report.violations) {
    const std::string_view kind = vcam::xen::emu::toString(violation.kind);
    std::fprintf(stderr, "vcamera-xen-broker: violation %.*s: %s\n", static_cast<int>(kind.size()),
                 kind.data(), violation.message.c_str());
  }
  if (report.violationsDropped > 0) {
    std::fprintf(stderr, "vcamera-xen-broker: and %zu more violations\n", report.violationsDropped);
  }
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  if (!parse(argc, argv, options)) {
    std::fputs(kUsage, stderr);
    return 2;
  }
  sigset_t stopSignals;
  sigemptyset(&stopSignals);
  sigaddset(&stopSignals, SIGTERM);
  sigaddset(&stopSignals, SIGINT);
  ::sigprocmask(SIG_BLOCK, &stopSignals, nullptr);
  ::signal(SIGPIPE, SIG_IGN);
  const int stop = ::signalfd(-1, &stopSignals, SFD_CLOEXEC);
  if (stop < 0) {
    std::perror("vcamera-xen-broker: signalfd");
    return 1;
  }

  vcam::xen::emu::BrokerOptions brokerOptions;
  brokerOptions.logViolations = options.logViolations;
  brokerOptions.domains = options.domains;
  auto broker = vcam::xen::emu::Broker::create(options.socketPath, brokerOptions);
  if (!broker) {
    std::fprintf(stderr, "vcamera-xen-broker: %s\n", broker.error().message.c_str());
    ::close(stop);
    return 1;
  }
  if (options.readyFd >= 0) {
    const char ready = 1;
    const bool told = ::write(options.readyFd, &ready, 1) == 1;
    ::close(options.readyFd);
    if (!told) std::perror("vcamera-xen-broker: --ready-fd");
  } else {
    std::printf("vcamera-xen-broker: ready on %s\n", options.socketPath.c_str());
    std::fflush(stdout);
  }

  vcam::Status served = (*broker)->run(stop);
  ::close(stop);
  printViolations((*broker)->report());
  if (!served) {
    std::fprintf(stderr, "vcamera-xen-broker: %s\n", served.error().message.c_str());
    return 1;
  }
  return 0;
}
