#pragma once
// The company's routing as stored (table `routing`, migration 4): the routing document's JSON
// and the numbers that run its schemes, with a version for optimistic concurrency (an editor
// that read version 7 cannot overwrite version 8 unknowingly).
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/result.hpp"
#include "store/database.hpp"

namespace dzvin::store {

struct StoredRouting {
  std::string document;                                      // JSON object
  std::vector<std::pair<std::string, std::string>> numbers;  // number -> scheme, sorted
  std::int64_t version = 0;
};

Result<std::optional<StoredRouting>> load_routing(Database& db, std::int64_t tenant_id);

// Stores `routing` as the tenant's, returning the new version. expected_version nullopt:
// whatever is stored (the config file at start); otherwise kConflict unless the stored version
// is that (0: nothing stored yet).
Result<std::int64_t> save_routing(Database& db, std::int64_t tenant_id,
                                  const StoredRouting& routing,
                                  std::optional<std::int64_t> expected_version,
                                  std::optional<std::int64_t> user_id, std::int64_t now_ms);

}  // namespace dzvin::store
