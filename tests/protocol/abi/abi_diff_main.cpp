// SPDX-License-Identifier: MIT
// abi_diff: prints every difference between Xen's cameraif ABI and the header it was built
// against; exit status 1 when there is any. The mutation tests build it on a broken copy.
#include <cstdio>

#include "abi_compare.h"

int main() {
  const auto problems = vcam::test::compareAbiTables(vcam_abi_table_xen(), "xen",
                                                     vcam_abi_table_ours_c(), "ours");
  for (const auto& p : problems) std::printf("%s\n", p.c_str());
  std::printf("%zu difference(s)\n", problems.size());
  return problems.empty() ? 0 : 1;
}
