#pragma once
// SIP users of a tenant. A password is turned into the two digest HA1 values (MD5 and
// SHA-256 over username:realm:password, the realm being the tenant's SIP domain) as it
// arrives; only those are stored, and nothing here logs either.
// Changing a tenant's domain invalidates its users' HA1s (the realm is inside the hash):
// passwords must then be set again.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "store/database.hpp"

namespace dzvin::store {

struct User {
  std::int64_t id = 0;
  std::int64_t tenant_id = 0;
  std::string username;
  std::string display_name;
  std::string ha1_md5;
  std::string ha1_sha256;
  std::int64_t created_at = 0;
};

class UserRepository {
 public:
  virtual ~UserRepository() = default;
  // Errors: kNotFound (tenant), kInvalid (username/password), kConflict (username taken).
  virtual Result<User> create(std::int64_t tenant_id, std::string_view username,
                              std::string_view display_name, std::string_view password) = 0;
  virtual Result<void> set_password(std::int64_t tenant_id, std::string_view username,
                                    std::string_view password) = 0;
  virtual Result<std::optional<User>> find(std::int64_t tenant_id, std::string_view username) = 0;
  // One tenant's users ordered by username.
  virtual Result<std::vector<User>> list(std::int64_t tenant_id) = 0;
  // Every tenant's users (start-up load of the account directory).
  virtual Result<std::vector<User>> list_all() = 0;
};

class SqliteUserRepository final : public UserRepository {
 public:
  explicit SqliteUserRepository(Database& db) : db_(db) {}
  Result<User> create(std::int64_t tenant_id, std::string_view username,
                      std::string_view display_name, std::string_view password) override;
  Result<void> set_password(std::int64_t tenant_id, std::string_view username,
                            std::string_view password) override;
  Result<std::optional<User>> find(std::int64_t tenant_id, std::string_view username) override;
  Result<std::vector<User>> list(std::int64_t tenant_id) override;
  Result<std::vector<User>> list_all() override;

 private:
  Result<std::string> realm_of(std::int64_t tenant_id);
  Database& db_;
};

// Usernames are the digest username and the user part of the AoR: 1..64 characters of
// [A-Za-z0-9._+-] (no escaping needed anywhere). kInvalid otherwise.
Result<void> validate_username(std::string_view username);

}  // namespace dzvin::store
