#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds a throwaway module including vcamera/cameraif.h against the installed kernel headers
# with W=1; fails on any warning. Exit 77 (skipped) only when no kernel headers are installed.
set -euo pipefail
include_dir=$1 out=$2
kdir=/lib/modules/$(uname -r)/build
if [[ ! -d $kdir ]]; then
  kdir=$(ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | sort -V | tail -n 1 || true)
fi
if [[ -z $kdir || ! -d $kdir ]]; then
  echo "no kernel headers installed (linux-headers-amd64): skipped"
  exit 77
fi
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$out" && mkdir -p "$out"
cp "$here/Kbuild" "$here/cameraif_kcheck.c" "$out/"
log=$out/build.log
if ! make -C "$kdir" M="$out" W=1 ccflags-y="-I$include_dir" modules >"$log" 2>&1; then
  cat "$log"; echo "kernel build of cameraif.h failed against $kdir"; exit 1
fi
if grep -E 'warning:|error:' "$log"; then
  echo "kernel build of cameraif.h warned against $kdir"; exit 1
fi
echo "cameraif.h builds as kernel C against $kdir (W=1, no warnings)"
