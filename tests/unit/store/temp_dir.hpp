#pragma once
#include "../temp_dir.hpp"

namespace dzvin::store::testing {
using dzvin::test_files::TempDir;
}  // namespace dzvin::store::testing
