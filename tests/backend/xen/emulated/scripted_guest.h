// SPDX-License-Identifier: MIT
// A guest process driven over a pipe (share, peek, unshare, map, exit) and the fixture the
// grant and dma-buf tests use: this test process is the backend, dom0.
#pragma once

#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "emulated_test_support.h"

namespace vcam::xen::emu::testing {

inline constexpr DomId kGuest = 1;
inline constexpr std::size_t kMaxPatternPages = 64;

/// Page `page` of the guest's share number `share` is filled with this byte.
inline constexpr std::uint8_t patternByte(std::size_t share, std::size_t page) {
  return static_cast<std::uint8_t>(0x40 + 16 * share + page);
}

/// Commands, one per message; each is answered:
///   share <pages> <rw|ro> <grantee>   -> numbers: 0 then the refs, or the errno alone; the
///                                        pages get patternByte (up to kMaxPatternPages)
///   peek <share> <page> <offset>      -> the byte there, in decimal
///   unshare <share>                   -> "ok"
///   map <granter> <ref...>            -> "ok" or "error <errno>" (maps read-write, keeps it)
///   mapped-byte <page> <offset>       -> the byte in the last mapping, in decimal
///   poke <page> <offset> <value>      -> "ok" after writing the byte into the last mapping
///   unmap                             -> "ok"
///   exit                              -> leaves with 0 (its shares end on the way out)
///   vanish                            -> _exit(0) at once, as if the domain were destroyed
inline int scriptedGuest(XenTransport& xen, const MessagePipe::End& pipe) {
  std::vector<SharedPages> shares;
  GrantMapping mapping;
  for (;;) {
    Result<std::string> message = pipe.receive();
    CHILD_REQUIRE(message.ok());
    std::istringstream command(*message);
    std::string verb;
    command >> verb;
    std::string answer = "ok";
    if (verb == "share") {
      std::size_t pages = 0;
      std::string access;
      unsigned grantee = 0;
      command >> pages >> access >> grantee;
      Result<SharedPages> shared =
          xen.sharer->share(static_cast<DomId>(grantee), pages,
                            access == "ro" ? GrantAccess::ReadOnly : GrantAccess::ReadWrite);
      std::vector<std::uint32_t> reply{shared ? 0U
                                              : static_cast<std::uint32_t>(shared.error().code)};
      if (shared) {
        // Small shares get their pattern; big ones (table-filling tests) stay untouched.
        for (std::size_t page = 0; page < pages && pages <= kMaxPatternPages; ++page) {
          std::memset(shared->data() + page * kPageSize, patternByte(shares.size(), page),
                      kPageSize);
        }
        reply.insert(reply.end(), shared->refs().begin(), shared->refs().end());
        shares.push_back(std::move(*shared));
      }
      CHILD_REQUIRE(pipe.sendNumbers(reply).ok());
      continue;
    }
    if (verb == "peek") {
      std::size_t share = 0, page = 0, offset = 0;
      command >> share >> page >> offset;
      CHILD_REQUIRE(share < shares.size() && shares[share].shared());
      answer =
          std::to_string(std::to_integer<int>(shares[share].data()[page * kPageSize + offset]));
    } else if (verb == "unshare") {
      std::size_t share = 0;
      command >> share;
      CHILD_REQUIRE(share < shares.size());
      shares[share].reset();
    } else if (verb == "map") {
      unsigned granter = 0;
      std::vector<GrantRef> refs;
      command >> granter;
      for (GrantRef ref = 0; command >> ref;) refs.push_back(ref);
      Result<GrantMapping> mapped =
          xen.grants->map(static_cast<DomId>(granter), refs, GrantAccess::ReadWrite);
      if (mapped) {
        mapping = std::move(*mapped);
      } else {
        answer = "error " + std::to_string(mapped.error().code);
      }
    } else if (verb == "mapped-byte") {
      std::size_t page = 0, offset = 0;
      command >> page >> offset;
      CHILD_REQUIRE(mapping.mapped());
      answer = std::to_string(std::to_integer<int>(mapping.data()[page * kPageSize + offset]));
    } else if (verb == "poke") {
      std::size_t page = 0, offset = 0;
      int value = 0;
      command >> page >> offset >> value;
      CHILD_REQUIRE(mapping.mapped());
      mapping.data()[page * kPageSize + offset] = static_cast<std::byte>(value);
    } else if (verb == "unmap") {
      mapping.reset();
    } else if (verb == "exit") {
      return 0;
    } else if (verb == "vanish") {
      ::_exit(0);  // like a domain destroyed: nothing is released politely
    }
    CHILD_REQUIRE(pipe.send(answer).ok());
  }
}

/// A guest process (kGuest) running a script that answers commands over a pipe, plus this
/// process as the backend (dom0). Fixtures pick the script.
class ScriptedGuestFixture : public EmulatedXenTest {
 protected:
  using Script = int (*)(XenTransport& xen, const MessagePipe::End& pipe);

  void startGuest(Script script) {
    Result<MessagePipe> pipe = MessagePipe::create();
    ASSERT_TRUE(pipe.ok());
    pipe_ = std::move(*pipe);
    Result<DomainProcess> guest = DomainProcess::start(
        socket(), kGuest, [this, script](XenTransport& xen) { return script(xen, pipe_.child()); });
    ASSERT_TRUE(guest.ok());
    guest_ = std::move(*guest);
    backend_ = connect(0);
  }

  void TearDown() override {
    if (guest_.pid() > 0) {
      EXPECT_TRUE(pipe_.parent().send("exit").ok());
      expectCleanExit(guest_);
    }
    EmulatedXenTest::TearDown();
  }

  std::string tell(const std::string& command) {
    EXPECT_TRUE(pipe_.parent().send(command).ok());
    Result<std::string> answer = pipe_.parent().receive();
    return answer ? *answer : "no answer";
  }

  MessagePipe pipe_;
  DomainProcess guest_;
  XenTransport backend_;
};

/// The scripted guest of scriptedGuest() (grants) plus this process as the backend.
class GuestAndBackendTest : public ScriptedGuestFixture {
 protected:
  void SetUp() override {
    EmulatedXenTest::SetUp();
    startGuest(scriptedGuest);
  }

  /// The guest shares `pages` pages with `grantee`: the refs, or the guest's errno.
  Result<std::vector<GrantRef>> tryShare(std::size_t pages, GrantAccess access, DomId grantee = 0) {
    const std::string command = "share " + std::to_string(pages) +
                                (access == GrantAccess::ReadOnly ? " ro " : " rw ") +
                                std::to_string(grantee);
    if (Status sent = pipe_.parent().send(command); !sent) return sent.error();
    Result<std::vector<std::uint32_t>> reply = pipe_.parent().receiveNumbers();
    if (!reply) return reply.error();
    if (reply->empty()) return makeError(EPROTO, "empty share reply");
    if (reply->front() != 0) {
      return makeError(static_cast<int>(reply->front()), "the guest's share failed");
    }
    return std::vector<GrantRef>(reply->begin() + 1, reply->end());
  }

  /// As tryShare(), for shares that must work.
  std::vector<GrantRef> share(std::size_t pages, GrantAccess access, DomId grantee = 0) {
    Result<std::vector<GrantRef>> refs = tryShare(pages, access, grantee);
    EXPECT_TRUE(refs.ok() && refs->size() == pages);
    return refs ? *refs : std::vector<GrantRef>{};
  }

  int peek(std::size_t share, std::size_t page, std::size_t offset) {
    return std::stoi(tell("peek " + std::to_string(share) + " " + std::to_string(page) + " " +
                          std::to_string(offset)));
  }

  void unshare(std::size_t share) { EXPECT_EQ(tell("unshare " + std::to_string(share)), "ok"); }
};

}  // namespace vcam::xen::emu::testing
