#pragma once
// For fuzz targets: a broken invariant aborts with its name, which libFuzzer reports as a
// crash with the input that caused it.
#include <cstdio>
#include <cstdlib>

namespace dzvin::fuzz {

[[noreturn]] inline void fail(const char* what) {
  std::fprintf(stderr, "invariant broken: %s\n", what);
  std::abort();
}

}  // namespace dzvin::fuzz
