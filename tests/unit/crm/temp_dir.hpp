#pragma once
#include "../temp_dir.hpp"

namespace dzvin::crm::testing {
using dzvin::test_files::TempDir;
}  // namespace dzvin::crm::testing
