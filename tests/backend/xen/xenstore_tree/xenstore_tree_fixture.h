// SPDX-License-Identifier: MIT
// Shared helpers for the XenStoreTree tests: callers, result checks, a guest's home node.
#pragma once

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "backend/xen/emulated/xenstore_tree.h"

namespace vcam::xen::emu::test {

inline constexpr Caller kDom0{1, 0};
inline constexpr Caller kGuest{2, 5};       ///< domain 5
inline constexpr Caller kGuestAgain{3, 5};  ///< a second connection of domain 5
inline constexpr Caller kOtherGuest{4, 7};  ///< domain 7
inline constexpr XsTransactionId kNoTx = kNoTransaction;

inline constexpr const char* kHome = "/local/domain/5";       ///< kGuest's home
inline constexpr const char* kOtherHome = "/local/domain/7";  ///< kOtherGuest's home

template <typename T>
::testing::AssertionResult succeeded(const Result<T>& result) {
  if (result.ok()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "errno " << result.error().code << ": " << result.error().message;
}

/// The errno of a failed result, 0 on success.
template <typename T>
int errnoOf(const Result<T>& result) {
  return result.ok() ? 0 : result.error().code;
}

/// What a toolstack does for a new guest: /local/domain/<id>, owned by the guest, private.
inline ::testing::AssertionResult giveHome(XenStoreTree& tree, DomId domid) {
  const std::string home = "/local/domain/" + std::to_string(domid);
  if (auto made = succeeded(tree.mkdir(kDom0, kNoTx, home)); !made) return made;
  const XsPermission owner[] = {{domid, XsAccess::None}};
  return succeeded(tree.setPermissions(kDom0, kNoTx, home, owner));
}

/// The fired watches as "client path token", in order; the queue is emptied.
inline std::vector<std::string> takeEvents(XenStoreTree& tree) {
  std::vector<std::string> out;
  for (const FiredWatch& fired : tree.takeFiredWatches()) {
    out.push_back(std::to_string(fired.client) + " " + fired.event.path + " " + fired.event.token);
  }
  return out;
}

/// A tree with kGuest's and kOtherGuest's homes in place and no events queued.
class XenStoreTreeTest : public ::testing::Test {
 protected:
  explicit XenStoreTreeTest(XenStoreQuota quota = {}) : tree_(quota) {}
  void SetUp() override {
    ASSERT_TRUE(giveHome(tree_, kGuest.domid));
    ASSERT_TRUE(giveHome(tree_, kOtherGuest.domid));
  }

  /// The value at `path` as dom0 sees it, or "<errno N>".
  std::string valueAt(const std::string& path) {
    Result<std::string> value = tree_.read(kDom0, kNoTx, path);
    return value ? *value : "<errno " + std::to_string(value.error().code) + ">";
  }

  XenStoreTree tree_;
};

}  // namespace vcam::xen::emu::test
