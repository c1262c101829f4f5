// SPDX-License-Identifier: MIT
// (being written)
#pragma once
