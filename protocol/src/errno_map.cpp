// SPDX-License-Identifier: MIT
// errno <-> XEN_E* built from Xen's own errno list (xen/errno.h), not from typed numbers.
#include "vcamera/proto/errno_map.h"

#include <array>
#include <cerrno>

namespace vcam::proto {
namespace {

struct ErrnoPair {
  int host;  // this system's errno value for the name
  int xen;   // Xen's value for the same name
  std::string_view name;
};

// xen/errno.h expands XEN_ERRNO(name, value) once per errno when XEN_ERRNO is defined.
constexpr ErrnoPair kErrnos[] = {
#define XEN_ERRNO(name, value) {name, value, #name},
#include <xen/errno.h>
#undef XEN_ERRNO
};

constexpr int xenValueOf(int host) {
  for (const auto& e : kErrnos) {
    if (e.host == host) return e.xen;
  }
  return -1;
}
// Where an errno has no Xen name, the guest gets EIO, which Xen always defines.
constexpr int kXenEio = xenValueOf(EIO);
static_assert(kXenEio > 0, "xen/errno.h defines EIO");

const ErrnoPair* byHost(int errnoValue) {
  for (const auto& e : kErrnos) {
    if (e.host == errnoValue) return &e;
  }
  return nullptr;
}

const ErrnoPair* byXen(int xenValue) {
  for (const auto& e : kErrnos) {
    if (e.xen == xenValue) return &e;
  }
  return nullptr;
}

}  // namespace

std::int32_t toWireStatus(int errnoValue) {
  if (errnoValue == 0) return 0;
  if (errnoValue < 0) errnoValue = -errnoValue;  // tolerate -errno from kernel-style callers
  const ErrnoPair* pair = byHost(errnoValue);
  return -(pair != nullptr ? pair->xen : kXenEio);
}

int fromWireStatus(std::int32_t status) {
  if (status == 0) return 0;
  if (status > 0 || status == INT32_MIN) return EIO;
  const ErrnoPair* pair = byXen(-status);
  return pair != nullptr ? pair->host : EIO;
}

std::string_view xenErrnoName(int errnoValue) {
  const ErrnoPair* pair = byHost(errnoValue);
  return pair != nullptr ? pair->name : std::string_view{};
}

}  // namespace vcam::proto
