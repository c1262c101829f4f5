# SPDX-License-Identifier: MIT
# One precompiled header for the whole test suite: GoogleTest and GoogleMock, which ~90 test
# files parse, compiled once per build tree and reused (REUSE_FROM) by every test target.
#
# Tests only: precompiled headers are force-included ahead of a file's own includes, and that
# reordering changes GCC 12's inlining and with it its false-positive warnings (the standard
# headers precompiled for the libraries brought up -Warray-bounds in std::string's operator+ in
# backend/xen/ring), for too little gain there (~0.3 s a file, against ~1.5 s a test file).
option(VCAMERA_PCH "Precompile GoogleTest and GoogleMock for the tests (GCC builds)" ON)

# GCC only; the libFuzzer build (clang) builds no GoogleTest test.
if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "GNU" OR VCAMERA_FUZZ OR NOT VCAMERA_BUILD_TESTS)
  set(VCAMERA_PCH OFF)
endif()

if(VCAMERA_PCH)
  # The header's owner: an object library with exactly the tests' flags (vcam_defaults and
  # GoogleTest's -DGTEST_HAS_PTHREAD=1); -Winvalid-pch with -Werror rejects a mismatch.
  find_package(GTest REQUIRED)
  file(CONFIGURE OUTPUT ${CMAKE_BINARY_DIR}/pch/vcam_pch_test.cpp
       CONTENT "// Generated: owns the tests' precompiled header.\n")
  add_library(vcam_pch_test OBJECT ${CMAKE_BINARY_DIR}/pch/vcam_pch_test.cpp)
  target_link_libraries(vcam_pch_test PRIVATE GTest::gmock)
  target_precompile_headers(vcam_pch_test PRIVATE <gmock/gmock.h> <gtest/gtest.h>)
  vcam_defaults(vcam_pch_test)
endif()

# vcam_use_test_pch(<target>): <target>, built from tests, reuses the tests' precompiled header.
function(vcam_use_test_pch target)
  if(VCAMERA_PCH)
    target_precompile_headers(${target} REUSE_FROM vcam_pch_test)
  endif()
endfunction()
