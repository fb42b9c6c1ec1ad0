# Every target of ours links dzvin_warnings: warnings are errors.
add_library(dzvin_warnings INTERFACE)
target_compile_options(dzvin_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Werror -Wshadow -Wnon-virtual-dtor -Wold-style-cast
  -Wcast-align -Wunused -Woverloaded-virtual -Wimplicit-fallthrough
  -Wformat=2)
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  # GCC 12 raises false positives of these inside libstdc++ at -O2 (PR 105329, 106199).
  target_compile_options(dzvin_warnings INTERFACE -Wno-restrict -Wno-array-bounds -Wno-stringop-overflow)
endif()
