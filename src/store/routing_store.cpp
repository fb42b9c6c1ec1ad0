#include "store/routing_store.hpp"

#include <nlohmann/json.hpp>

namespace dzvin::store {

Result<std::optional<StoredRouting>> load_routing(Database& db, std::int64_t tenant_id) {
  auto stmt = db.cached("SELECT document, numbers, version FROM routing WHERE tenant_id = ?1");
  if (!stmt) return stmt.error();
  stmt->bind(1, tenant_id);
  auto row = stmt->step();
  if (!row) return row.error();
  if (!*row) return std::optional<StoredRouting>{};
  StoredRouting r;
  r.document = stmt->column_text(0);
  r.version = stmt->column_int(2);
  const auto numbers = nlohmann::json::parse(stmt->column_text(1), nullptr, false);
  if (!numbers.is_object()) return make_error(kDatabaseError, "routing.numbers is not an object");
  for (const auto& [number, scheme] : numbers.items()) {
    if (scheme.is_string()) r.numbers.emplace_back(number, scheme.get<std::string>());
  }
  return std::optional<StoredRouting>(std::move(r));
}

Result<std::int64_t> save_routing(Database& db, std::int64_t tenant_id,
                                  const StoredRouting& routing,
                                  std::optional<std::int64_t> expected_version,
                                  std::optional<std::int64_t> user_id, std::int64_t now_ms) {
  auto tx = Transaction::begin(db);
  if (!tx) return tx.error();
  auto current = load_routing(db, tenant_id);
  if (!current) return current.error();
  const std::int64_t stored = *current ? (*current)->version : 0;
  if (expected_version && *expected_version != stored) {
    return make_error(kConflict, "version: the routing was changed meanwhile (version " +
                                     std::to_string(stored) + ", not " +
                                     std::to_string(*expected_version) + "); reload it");
  }
  nlohmann::json numbers = nlohmann::json::object();
  for (const auto& [number, scheme] : routing.numbers)
    numbers[number] = scheme;
  auto stmt = db.prepare(
      "INSERT INTO routing (tenant_id, document, numbers, version, updated_at, updated_by) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (tenant_id) DO UPDATE SET "
      "document = excluded.document, numbers = excluded.numbers, version = excluded.version, "
      "updated_at = excluded.updated_at, updated_by = excluded.updated_by");
  if (!stmt) return stmt.error();
  stmt->bind(1, tenant_id).bind(2, routing.document).bind(3, numbers.dump());
  stmt->bind(4, stored + 1).bind(5, now_ms);
  if (user_id) {
    stmt->bind(6, *user_id);
  } else {
    stmt->bind_null(6);
  }
  if (auto r = stmt->run(); !r) return r.error();
  if (auto r = tx->commit(); !r) return r.error();
  return stored + 1;
}

}  // namespace dzvin::store
