// SPDX-License-Identifier: MIT
// The libxen* C headers for C++: Debian's xenstore.h, xenevtchn.h, xengnttab.h and
// xentoollog.h declare no extern "C" of their own.
#pragma once

// The C library headers they pull in, included first so they keep their own linkage.
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

extern "C" {
#include <xenevtchn.h>
#include <xengnttab.h>
#include <xenstore.h>
#include <xentoollog.h>
}
