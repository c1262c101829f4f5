#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Fails when a userspace C++ file differs from what clang-format makes of it (.clang-format).
# Not checked: the C ABI header and the ABI manifests compiled as C too (kernel-style C shared
# with the module, aligned by hand), and frontend-kmod/ (kernel style).
set -euo pipefail
root=$1
cd "$root"
mapfile -t files < <(find common protocol fourcc backend frontend-client tools bench tests \
  \( -name '*.cpp' -o -name '*.h' \) -not -path 'protocol/include/vcamera/cameraif.h' \
  -not -path 'tests/protocol/abi/*' -not -path 'tests/protocol/kernel/*' | sort)
bad=()
for file in "${files[@]}"; do
  clang-format --dry-run -Werror "$file" >/dev/null 2>&1 || bad+=("$file")
done
if ((${#bad[@]})); then
  echo "not clang-formatted (run: clang-format -i FILE):" >&2
  printf '  %s\n' "${bad[@]}" >&2
  exit 1
fi
echo "${#files[@]} files clang-formatted"
