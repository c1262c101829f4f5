// SPDX-License-Identifier: MIT
// The broker as a process: start and stop, domain introduction and release, the executable,
// and survival of garbage from clients.
#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "backend/xen/emulated/broker.h"
#include "backend/xen/emulated/wire.h"
#include "emulated_test_support.h"

namespace vcam::xen::emu::testing {
namespace {

using wire::ConnectionKind;
using wire::Op;

bool isSocket(const std::string& path) {
  struct stat info {};
  return ::stat(path.c_str(), &info) == 0 && S_ISSOCK(info.st_mode);
}

base::UniqueFd rawConnect(const std::string& path) {
  base::UniqueFd fd(::socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0));
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
  if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    return {};
  }
  return fd;
}

// Sends raw bytes and returns the reply's status (0 or an errno), -1 if the broker hung up.
int rawCall(int fd, const std::vector<unsigned char>& bytes, std::span<const int> fds = {}) {
  wire::Writer writer;
  for (unsigned char byte : bytes) writer.u8(byte);
  if (!wire::sendMessage(fd, writer, fds)) return -1;
  if (!readable(fd)) return -1;
  Result<wire::Message> reply = wire::receiveMessage(fd, false);
  if (!reply) return -1;
  wire::Reader in(reply->bytes);
  return in.i32();
}

std::vector<unsigned char> helloBytes(DomId domid, ConnectionKind kind) {
  wire::Writer hello(Op::Hello);
  hello.u16(domid).u8(static_cast<std::uint8_t>(kind));
  return {hello.bytes().begin(), hello.bytes().end()};
}

std::vector<unsigned char> bytesOf(const wire::Writer& writer) {
  return {writer.bytes().begin(), writer.bytes().end()};
}

TEST(BrokerProcessTest, ListensUntilStoppedAndRemovesItsSocket) {
  Result<BrokerProcess> broker = BrokerProcess::start();
  ASSERT_TRUE(broker.ok()) << broker.error().message;
  const std::string path = broker->socketPath();
  EXPECT_TRUE(isSocket(path));
  Result<BrokerReport> report = queryBroker(path);
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_EQ(report->domains, std::vector<DomId>{0});

  Status stopped = broker->stop();
  EXPECT_TRUE(stopped.ok()) << stopped.error().message;
  EXPECT_FALSE(isSocket(path));
  EXPECT_FALSE(queryBroker(path).ok());
}

TEST(BrokerProcessTest, SecondBrokerOnALiveSocketIsRefused) {
  Result<BrokerProcess> broker = BrokerProcess::start();
  ASSERT_TRUE(broker.ok()) << broker.error().message;
  Result<std::unique_ptr<Broker>> second = Broker::create(broker->socketPath());
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code, EADDRINUSE);
  EXPECT_TRUE(queryBroker(broker->socketPath()).ok());
}

TEST(BrokerProcessTest, StaleSocketFileIsReplaced) {
  char directory[] = "/tmp/vcam-stale-XXXXXX";
  ASSERT_NE(::mkdtemp(directory), nullptr);
  const std::string path = std::string(directory) + "/broker.sock";
  {
    // Bound and closed without listening: the file stays, nobody answers.
    base::UniqueFd stale(::socket(AF_UNIX, SOCK_SEQPACKET, 0));
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
    ASSERT_EQ(::bind(stale.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address), 0);
  }
  {
    Result<std::unique_ptr<Broker>> broker = Broker::create(path);
    EXPECT_TRUE(broker.ok()) << broker.error().message;
  }
  EXPECT_FALSE(isSocket(path));
  ::rmdir(directory);
}

TEST(BrokerExecutableTest, SaysReadyServesAndExitsCleanlyOnSigterm) {
  char directory[] = "/tmp/vcam-exe-XXXXXX";
  ASSERT_NE(::mkdtemp(directory), nullptr);
  const std::string path = std::string(directory) + "/broker.sock";
  int ends[2];
  ASSERT_EQ(::pipe2(ends, O_CLOEXEC), 0);
  base::UniqueFd readyRead(ends[0]);
  base::UniqueFd readyWrite(ends[1]);
  Result<ChildProcess> program = ChildProcess::start([&] {
    const int ready = ::dup(readyWrite.get());  // the dup survives exec
    const std::string readyArg = std::to_string(ready);
    ::execl(VCAM_XEN_BROKER_PATH, "vcamera-xen-broker", "--socket", path.c_str(), "--ready-fd",
            readyArg.c_str(), static_cast<char*>(nullptr));
    return 127;
  });
  ASSERT_TRUE(program.ok()) << program.error().message;
  readyWrite.reset();
  ASSERT_TRUE(readable(readyRead.get()));
  char ready = 0;
  ASSERT_EQ(::read(readyRead.get(), &ready, 1), 1);

  Result<BrokerReport> report = queryBroker(path);
  EXPECT_TRUE(report.ok()) << report.error().message;
  ASSERT_TRUE(program->signal(SIGTERM).ok());
  Result<int> code = program->wait();
  ASSERT_TRUE(code.ok()) << code.error().message;
  EXPECT_EQ(*code, 0);
  EXPECT_FALSE(isSocket(path));
  ::rmdir(directory);
}

TEST(BrokerExecutableTest, WithoutASocketPrintsUsageAndFails) {
  Result<ChildProcess> program = ChildProcess::start([] {
    const int null = ::open("/dev/null", O_WRONLY);
    ::dup2(null, STDERR_FILENO);
    ::execl(VCAM_XEN_BROKER_PATH, "vcamera-xen-broker", static_cast<char*>(nullptr));
    return 127;
  });
  ASSERT_TRUE(program.ok());
  Result<int> code = program->wait();
  ASSERT_TRUE(code.ok());
  EXPECT_EQ(*code, 2);
}

using DomainLifecycleTest = EmulatedXenTest;

TEST_F(DomainLifecycleTest, FirstConnectionIntroducesTheDomainAndLastReleasesIt) {
  XenTransport dom0 = connect(0);
  Result<XsWatch> introduced = dom0.store->watch("@introduceDomain", "intro");
  Result<XsWatch> released = dom0.store->watch("@releaseDomain", "release");
  ASSERT_TRUE(introduced.ok() && released.ok());
  while (dom0.store->readWatch().value().has_value()) {
  }  // the initial events

  Result<MessagePipe> pipe = MessagePipe::create();
  ASSERT_TRUE(pipe.ok());
  Result<DomainProcess> guest = DomainProcess::start(socket(), 5, [&](XenTransport&) {
    CHILD_REQUIRE(pipe->child().send("up").ok());
    CHILD_REQUIRE(pipe->child().receive().ok());  // wait for "exit"
    return 0;
  });
  ASSERT_TRUE(guest.ok());
  ASSERT_TRUE(pipe->parent().receive().ok());

  ASSERT_TRUE(readable(dom0.store->watchFd()));
  Result<std::optional<XsWatchEvent>> event = dom0.store->readWatch();
  ASSERT_TRUE(event.ok() && event->has_value());
  EXPECT_EQ((*event)->token, "intro");
  EXPECT_EQ(dom0.store->read(kNoTransaction, "/local/domain/5/domid").value(), "5");
  const std::vector<XsPermission> owned{{5, XsAccess::None}};
  EXPECT_EQ(dom0.store->permissions(kNoTransaction, "/local/domain/5").value(), owned);
  EXPECT_EQ(report().domains, (std::vector<DomId>{0, 5}));

  ASSERT_TRUE(pipe->parent().send("exit").ok());
  expectCleanExit(*guest);
  ASSERT_TRUE(readable(dom0.store->watchFd()));
  event = dom0.store->readWatch();
  ASSERT_TRUE(event.ok() && event->has_value());
  EXPECT_EQ((*event)->token, "release");
  Result<std::string> gone = dom0.store->read(kNoTransaction, "/local/domain/5/domid");
  ASSERT_FALSE(gone.ok());
  EXPECT_EQ(gone.error().code, ENOENT);
  EXPECT_EQ(report().domains, std::vector<DomId>{0});
}

using BrokerRobustnessTest = EmulatedXenTest;

TEST_F(BrokerRobustnessTest, ConnectionThatDoesNotStartWithHelloIsDropped) {
  base::UniqueFd raw = rawConnect(socket());
  ASSERT_TRUE(raw);
  EXPECT_EQ(rawCall(raw.get(), {0xde, 0xad, 0xbe, 0xef}), EPROTO);
  Result<wire::Message> after = wire::receiveMessage(raw.get(), false);
  ASSERT_FALSE(after.ok());
  EXPECT_EQ(after.error().code, EPIPE);
  EXPECT_TRUE(queryBroker(socket()).ok());
}

TEST_F(BrokerRobustnessTest, HelloWithAReservedDomidOrUnknownKindIsRefused) {
  base::UniqueFd reserved = rawConnect(socket());
  EXPECT_EQ(rawCall(reserved.get(), helloBytes(0x7ff0, ConnectionKind::Store)), EINVAL);
  base::UniqueFd unknown = rawConnect(socket());
  EXPECT_EQ(rawCall(unknown.get(), helloBytes(1, static_cast<ConnectionKind>(9))), EINVAL);
  EXPECT_EQ(report().domains, std::vector<DomId>{0});
}

TEST_F(BrokerRobustnessTest, MalformedRequestsGetErrorRepliesAndTheConnectionLives) {
  base::UniqueFd raw = rawConnect(socket());
  ASSERT_EQ(rawCall(raw.get(), helloBytes(3, ConnectionKind::Grants)), 0);
  EXPECT_EQ(rawCall(raw.get(), {0x01}), EPROTO);                             // half an op
  EXPECT_EQ(rawCall(raw.get(), {0xff, 0xff}), EINVAL);                       // unknown op
  EXPECT_EQ(rawCall(raw.get(), bytesOf(wire::Writer(Op::XsRead))), EINVAL);  // wrong kind
  wire::Writer hugeCount(Op::GntMap);
  hugeCount.u16(0).u8(0).u32(0xffffffff);
  EXPECT_EQ(rawCall(raw.get(), bytesOf(hugeCount)), EPROTO);
  wire::Writer trailing(Op::GntUnmap);
  trailing.u64(1).u8(7);
  EXPECT_EQ(rawCall(raw.get(), bytesOf(trailing)), EPROTO);
  const int stray = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  wire::Writer unmap(Op::GntUnmap);
  unmap.u64(1);
  EXPECT_EQ(rawCall(raw.get(), bytesOf(unmap), std::span<const int>(&stray, 1)), EINVAL);
  ::close(stray);
  EXPECT_EQ(rawCall(raw.get(), bytesOf(unmap)), ENOENT);  // well-formed: still served
}

TEST_F(BrokerRobustnessTest, RandomMessagesOnEveryKindOfConnectionDoNotHurtTheBroker) {
  std::mt19937 random(20240601);
  const ConnectionKind kinds[] = {ConnectionKind::Store, ConnectionKind::Events,
                                  ConnectionKind::Grants, ConnectionKind::Sharer,
                                  ConnectionKind::Control};
  for (ConnectionKind kind : kinds) {
    base::UniqueFd raw = rawConnect(socket());
    ASSERT_EQ(rawCall(raw.get(), helloBytes(7, kind)), 0);
    for (int i = 0; i < 300; ++i) {
      // A plausible op number followed by random bytes: reaches every decoder.
      std::vector<unsigned char> bytes(2 + random() % 40);
      for (unsigned char& byte : bytes) byte = static_cast<unsigned char>(random());
      const std::uint16_t op = static_cast<std::uint16_t>(random() % 64);
      std::memcpy(bytes.data(), &op, sizeof op);
      const int status = rawCall(raw.get(), bytes);
      ASSERT_GE(status, 0) << "the broker dropped a connection that only sent bad requests";
    }
  }
  Result<BrokerReport> alive = queryBroker(socket());
  ASSERT_TRUE(alive.ok()) << alive.error().message;
}

TEST_F(BrokerRobustnessTest, OversizedMessageDoesNotGetThrough) {
  base::UniqueFd raw = rawConnect(socket());
  ASSERT_EQ(rawCall(raw.get(), helloBytes(3, ConnectionKind::Store)), 0);
  // Larger than the broker accepts: either the kernel refuses it or the broker drops us.
  std::vector<unsigned char> big(wire::kMaxMessageBytes + 4096, 0x41);
  const ssize_t sent = ::send(raw.get(), big.data(), big.size(), MSG_NOSIGNAL);
  if (sent > 0) {
    Result<wire::Message> reply = wire::receiveMessage(raw.get(), false);
    EXPECT_FALSE(reply.ok());
  }
  EXPECT_TRUE(queryBroker(socket()).ok());
}

}  // namespace
}  // namespace vcam::xen::emu::testing
