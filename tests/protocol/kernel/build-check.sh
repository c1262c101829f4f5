#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds a throwaway module including vcamera/cameraif.h against the installed kernel headers
# with W=1; fails on any warning. Exit 77 (skipped) only when no kernel headers are installed.
set -euo pipefail
include_dir=$1 out=$2
# Every installed kernel's headers: the running kernel's and Debian's (6.1, and any newer
# ones set up for the module's compatibility checks).
kdirs=()
[[ -d /lib/modules/$(uname -r)/build ]] && kdirs+=("$(readlink -f "/lib/modules/$(uname -r)/build")")
for dir in /usr/src/linux-headers-*-amd64; do
  [[ -d $dir ]] && [[ ! " ${kdirs[*]} " =~ " $dir " ]] && kdirs+=("$dir")
done
if ((${#kdirs[@]} == 0)); then
  echo "no kernel headers installed (linux-headers-amd64): skipped"
  exit 77
fi
here=$(cd "$(dirname "$0")" && pwd)
for kdir in "${kdirs[@]}"; do
  build=$out/$(basename "$kdir")
  rm -rf "$build" && mkdir -p "$build"
  cp "$here/Kbuild" "$here/cameraif_kcheck.c" "$build/"
  log=$build/build.log
  if ! make -C "$kdir" M="$build" W=1 ccflags-y="-I$include_dir" modules >"$log" 2>&1; then
    cat "$log"; echo "kernel build of cameraif.h failed against $kdir"; exit 1
  fi
  if grep -E 'warning:|error:' "$log"; then
    echo "kernel build of cameraif.h warned against $kdir"; exit 1
  fi
  echo "cameraif.h builds as kernel C against $kdir (W=1, no warnings)"
done
