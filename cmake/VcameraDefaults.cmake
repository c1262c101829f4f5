# SPDX-License-Identifier: MIT
# Compiler flags every vcamera target gets: warnings, -Werror in CI, and the sanitizer build.

set(VCAMERA_WARNINGS -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion
    -Wnon-virtual-dtor -Wold-style-cast -Wcast-align -Woverloaded-virtual -Wnull-dereference
    -Wdouble-promotion -Wformat=2 -Wimplicit-fallthrough)
set(VCAMERA_C_WARNINGS -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wformat=2)

if(VCAMERA_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=all
                      -fno-omit-frame-pointer -g)
  add_link_options(-fsanitize=address,undefined)
endif()

# vcam_defaults(<target>): the project's warning set on a target we own.
function(vcam_defaults target)
  target_compile_options(${target} PRIVATE
    $<$<COMPILE_LANGUAGE:CXX>:${VCAMERA_WARNINGS}>
    $<$<COMPILE_LANGUAGE:C>:${VCAMERA_C_WARNINGS}>
    $<$<BOOL:${VCAMERA_WERROR}>:-Werror>)
endfunction()
