#include "store/tenant_repository.hpp"

#include <chrono>

#include "base/clock.hpp"

namespace dzvin::store {

namespace {

constexpr std::string_view kColumns = "id, name, sip_domain, created_at";

Tenant read_tenant(const Statement& s) {
  return Tenant{s.column_int(0), s.column_text(1), s.column_text(2), s.column_int(3)};
}

Result<std::optional<Tenant>> query_one(Database& db, std::string_view sql, const auto& bind) {
  auto stmt = db.prepare(sql);
  if (!stmt) return stmt.error();
  bind(*stmt);
  auto row = stmt->step();
  if (!row) return row.error();
  if (!*row) return std::optional<Tenant>{};
  return std::optional<Tenant>{read_tenant(*stmt)};
}

}  // namespace

Result<std::string> normalize_sip_domain(std::string_view domain) {
  if (domain.empty() || domain.size() > 253)
    return make_error(kInvalid, "sip_domain: must be 1..253 characters");
  std::string out;
  out.reserve(domain.size());
  for (char c : domain) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
                    c == ':' || c == '[' || c == ']';
    if (!ok)
      return make_error(
          kInvalid, "sip_domain: '" + std::string(domain) + "' is not a hostname or IP address");
    out.push_back(c);
  }
  return out;
}

Result<Tenant> SqliteTenantRepository::create(std::string_view name, std::string_view sip_domain) {
  if (name.empty()) return make_error(kInvalid, "name: must not be empty");
  auto domain = normalize_sip_domain(sip_domain);
  if (!domain) return domain.error();
  auto stmt = db_.prepare("INSERT INTO tenants (name, sip_domain, created_at) VALUES (?1, ?2, ?3)");
  if (!stmt) return stmt.error();
  const std::int64_t now = unix_seconds(std::chrono::system_clock::now());
  stmt->bind(1, name).bind(2, *domain).bind(3, now);
  if (auto r = stmt->run(); !r) {
    if (r.error().code == kConflict)
      return make_error(kConflict, "sip_domain: '" + *domain + "' already belongs to a tenant");
    return r.error();
  }
  return Tenant{db_.last_insert_id(), std::string(name), std::move(*domain), now};
}

Result<std::optional<Tenant>> SqliteTenantRepository::find(std::int64_t id) {
  return query_one(db_, "SELECT " + std::string(kColumns) + " FROM tenants WHERE id = ?1",
                   [&](Statement& s) { s.bind(1, id); });
}

Result<std::optional<Tenant>> SqliteTenantRepository::find_by_domain(std::string_view sip_domain) {
  auto domain = normalize_sip_domain(sip_domain);
  if (!domain) return std::optional<Tenant>{};
  return query_one(db_, "SELECT " + std::string(kColumns) + " FROM tenants WHERE sip_domain = ?1",
                   [&](Statement& s) { s.bind(1, *domain); });
}

Result<std::vector<Tenant>> SqliteTenantRepository::list() {
  auto stmt = db_.prepare("SELECT " + std::string(kColumns) + " FROM tenants ORDER BY id");
  if (!stmt) return stmt.error();
  std::vector<Tenant> out;
  for (;;) {
    auto row = stmt->step();
    if (!row) return row.error();
    if (!*row) break;
    out.push_back(read_tenant(*stmt));
  }
  return out;
}

}  // namespace dzvin::store
