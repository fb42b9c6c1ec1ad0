#pragma once
#include "../temp_dir.hpp"

namespace dzvin::notify::testing {
using dzvin::test_files::TempDir;
}  // namespace dzvin::notify::testing
