# SPDX-License-Identifier: MIT
# The libFuzzer build (-DVCAMERA_FUZZ=ON, clang only; scripts/test's third variant).
#
# Included by the top-level CMakeLists.txt in place of the normal tree: every target is
# instrumented for libFuzzer coverage, AddressSanitizer and UndefinedBehaviorSanitizer, and only
# what the fuzz targets link is built - not fourcc/, not the benchmarks, not the GoogleTest
# suite. ctest runs each target for VCAMERA_FUZZ_SECONDS on top of its checked-in seeds.
if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  message(FATAL_ERROR "VCAMERA_FUZZ needs clang, which ships libFuzzer: configure a fresh build "
                      "directory with CC=clang-14 CXX=clang++-14")
endif()
if(VCAMERA_SANITIZE)
  message(FATAL_ERROR "VCAMERA_FUZZ brings its own sanitizers; leave VCAMERA_SANITIZE off")
endif()

set(VCAMERA_FUZZ_SECONDS 20 CACHE STRING "How long ctest runs each fuzz target, in seconds")

# Libraries get coverage instrumentation without libFuzzer's main(); the fuzz targets link it.
add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all
                    -fno-omit-frame-pointer -g)
add_link_options(-fsanitize=address,undefined)

add_subdirectory(common)
add_subdirectory(protocol)
# Only the libraries the fuzz targets link are built from backend/ (EXCLUDE_FROM_ALL).
add_subdirectory(fourcc EXCLUDE_FROM_ALL)  # backend/ libraries link it
add_subdirectory(backend EXCLUDE_FROM_ALL)

enable_testing()
add_subdirectory(tests/fuzz)
