// SPDX-License-Identifier: MIT
// The ABI manifest compiled as C++20 against our header: C and C++ must see one layout.
#include "abi_table.c"
