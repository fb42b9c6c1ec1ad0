#pragma once
#include <cstddef>
#include <string>

#include "../temp_dir.hpp"

namespace dzvin::http::testing {

using dzvin::test_files::TempDir;

// Bytes that differ at every offset within a 251-byte period, so a wrong range shows.
inline std::string pattern_bytes(std::size_t size) {
  std::string bytes(size, '\0');
  for (std::size_t i = 0; i < size; ++i)
    bytes[i] = static_cast<char>((i * 7 + i / 251) % 251);
  return bytes;
}

}  // namespace dzvin::http::testing
