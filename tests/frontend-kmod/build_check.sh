#!/bin/sh
# SPDX-License-Identifier: MIT
# Builds xen-camera-front.ko from a packaged copy of its sources with W=1 and
# with sparse (C=1) and fails on any warning; checks the module's xenbus alias.
#
# Usage: build_check.sh [repository root]   (KDIR=... picks the kernel headers)
# Exit: 0 clean, 1 a warning/error/missing alias, 77 no kernel headers (skip).
set -eu

root=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
kdir=${KDIR:-/usr/src/linux-headers-6.1.0-56-amd64}
jobs=${JOBS:-2}

if [ ! -f "$kdir/Makefile" ]; then
	echo "SKIP: no kernel headers at $kdir (set KDIR)"
	exit 77
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM

# The dkms layout: sources plus include/vcamera/cameraif.h, nothing else.
make -s -C "$root/frontend-kmod" dkms-source DESTDIR="$work/pkg" >/dev/null
src=$(echo "$work"/pkg/usr/src/xen-camera-front-*)

# Lines that are not progress output: compiler and sparse diagnostics,
# modpost warnings, anything else a clean build does not print.
complaints() {
	grep -v -E '^make(\[[0-9]+\])?: (Entering|Leaving) directory' "$1" |
		grep -v -E '^  (CC|LD|AR|MODPOST|CHECK|BTF|BTFIDS)( \[M\])? ' |
		grep -v -E '^Skipping BTF generation for .* due to unavailability of vmlinux$' |
		grep -v -E '^[[:space:]]*$' || true
}

# One build with both: sparse (C=1) checks each file the W=1 compile compiles.
status=0
build="$work/build"
cp -r "$src" "$build"
log="$work/build.log"
if ! make -C "$kdir" M="$build" W=1 C=1 -j"$jobs" modules >"$log" 2>&1; then
	echo "FAIL: build with W=1 C=1 failed:"
	cat "$log"
	exit 1
fi
if ! grep -q -E '^  CHECK ' "$log"; then
	echo "FAIL: sparse did not run (no CHECK lines): is sparse installed?"
	status=1
fi
found=$(complaints "$log")
if [ -n "$found" ]; then
	echo "FAIL: build with W=1 C=1 is not clean:"
	echo "$found"
	status=1
else
	echo "ok: build with W=1 and sparse (C=1) has no warnings"
fi

ko="$build/xen-camera-front.ko"
if modinfo -F alias "$ko" | grep -qx 'xen:vcamera'; then
	echo "ok: $(basename "$ko") has alias xen:vcamera"
else
	echo "FAIL: $(basename "$ko") lacks the alias xen:vcamera:"
	modinfo "$ko" || true
	status=1
fi
if [ "$(modinfo -F license "$ko")" != "Dual MIT/GPL" ]; then
	echo "FAIL: license is not Dual MIT/GPL"
	status=1
fi
exit $status
