#pragma once
// Tenants (companies). Every row of company data belongs to one; a tenant's SIP domain is
// also the digest realm of its users.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "store/database.hpp"

namespace dzvin::store {

struct Tenant {
  std::int64_t id = 0;
  std::string name;
  std::string sip_domain;  // lower-case
  std::int64_t created_at = 0;
};

class TenantRepository {
 public:
  virtual ~TenantRepository() = default;
  // Errors: kInvalid (empty name, malformed domain), kConflict (domain taken).
  virtual Result<Tenant> create(std::string_view name, std::string_view sip_domain) = 0;
  virtual Result<std::optional<Tenant>> find(std::int64_t id) = 0;
  virtual Result<std::optional<Tenant>> find_by_domain(std::string_view sip_domain) = 0;
  // Ordered by id (the first is the default tenant).
  virtual Result<std::vector<Tenant>> list() = 0;
};

class SqliteTenantRepository final : public TenantRepository {
 public:
  explicit SqliteTenantRepository(Database& db) : db_(db) {}
  Result<Tenant> create(std::string_view name, std::string_view sip_domain) override;
  Result<std::optional<Tenant>> find(std::int64_t id) override;
  Result<std::optional<Tenant>> find_by_domain(std::string_view sip_domain) override;
  Result<std::vector<Tenant>> list() override;

 private:
  Database& db_;
};

// A SIP domain as stored: lower-case hostname or IP literal; kInvalid otherwise.
Result<std::string> normalize_sip_domain(std::string_view domain);

}  // namespace dzvin::store
