// SPDX-License-Identifier: MIT
// Shared helpers for the emulated Xen tests: a fixture with a broker, waits on fds, and
// checks for child-process bodies (which must return a code instead of using gtest).
#pragma once

#include <poll.h>

#include <cstdio>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "backend/xen/emulated/emulated_xen.h"
#include "backend/xen/emulated/process.h"
#include "backend/xen/transport.h"

namespace vcam::xen::emu::testing {

/// In a child body: on failure, say where and leave with exit code 1.
#define CHILD_REQUIRE(condition)                                                                 \
  do {                                                                                           \
    if (!(condition)) {                                                                          \
      std::fprintf(stderr, "child check failed at %s:%d: %s\n", __FILE__, __LINE__, #condition); \
      return 1;                                                                                  \
    }                                                                                            \
  } while (false)

/// True when `fd` becomes readable within `timeoutMs`.
inline bool readable(int fd, int timeoutMs = kDefaultWaitMs) {
  pollfd entry{fd, POLLIN, 0};
  return ::poll(&entry, 1, timeoutMs) == 1 && (entry.revents & POLLIN) != 0;
}

/// True when `fd` has nothing to read right now.
inline bool quiet(int fd) {
  pollfd entry{fd, POLLIN, 0};
  return ::poll(&entry, 1, 0) == 0;
}

/// Every test gets its own broker process.
class EmulatedXenTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<BrokerProcess> broker = BrokerProcess::start();
    ASSERT_TRUE(broker.ok()) << broker.error().message;
    broker_ = std::move(*broker);
  }

  /// Stops the broker and checks it exits cleanly (in ASan builds: without leaks).
  void TearDown() override {
    if (broker_.pid() <= 0) return;
    Status stopped = broker_.stop();
    EXPECT_TRUE(stopped.ok()) << stopped.error().message;
  }

  [[nodiscard]] const std::string& socket() const { return broker_.socketPath(); }

  /// This test process as domain `domid`.
  XenTransport connect(DomId domid) {
    Result<XenTransport> transport = connectEmulatedXen(socket(), domid);
    EXPECT_TRUE(transport.ok()) << transport.error().message;
    return transport ? std::move(*transport) : XenTransport{};
  }

  BrokerReport report() {
    Result<BrokerReport> got = queryBroker(socket());
    EXPECT_TRUE(got.ok()) << got.error().message;
    return got ? std::move(*got) : BrokerReport{};
  }

  /// Waits for a domain process and expects it to have exited with 0.
  static void expectCleanExit(DomainProcess& domain) {
    Result<int> code = domain.wait();
    ASSERT_TRUE(code.ok()) << code.error().message;
    EXPECT_EQ(*code, 0);
  }

  BrokerProcess broker_;
};

}  // namespace vcam::xen::emu::testing
