#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Runs build_check.sh against every installed kernel's headers: Debian 12's 6.1 (what guests
# run) and any newer Debian kernel scripts/install-deps set up (the compatibility guards).
# Exit 77 (skipped) only when no headers are installed at all.
set -euo pipefail
root=$1
here=$(cd "$(dirname "$0")" && pwd)
kdirs=()
for dir in /usr/src/linux-headers-*-amd64; do
  [[ -f $dir/Makefile ]] && kdirs+=("$dir")
done
if ((${#kdirs[@]} == 0)); then
  echo "SKIP: no kernel headers in /usr/src (linux-headers-amd64)"
  exit 77
fi
status=0
for kdir in "${kdirs[@]}"; do
  echo "== $kdir"
  KDIR=$kdir "$here/build_check.sh" "$root" || status=1
done
exit $status
