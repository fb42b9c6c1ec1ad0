#include "store/user_repository.hpp"

#include <chrono>

#include "base/clock.hpp"

#include "sip/digest_hasher.hpp"

namespace dzvin::store {

namespace {

constexpr std::string_view kSelect =
    "SELECT id, tenant_id, username, display_name, ha1_md5, ha1_sha256, created_at FROM users ";

User read_user(const Statement& s) {
  return User{s.column_int(0),  s.column_int(1),  s.column_text(2), s.column_text(3),
              s.column_text(4), s.column_text(5), s.column_int(6)};
}

Result<std::vector<User>> collect(Statement& stmt) {
  std::vector<User> out;
  for (;;) {
    auto row = stmt.step();
    if (!row) return row.error();
    if (!*row) break;
    out.push_back(read_user(stmt));
  }
  return out;
}

Result<void> validate_password(std::string_view password) {
  if (password.empty()) return make_error(kInvalid, "password: must not be empty");
  if (password.size() > 256) return make_error(kInvalid, "password: longer than 256 characters");
  return {};
}

}  // namespace

Result<void> validate_username(std::string_view username) {
  if (username.empty() || username.size() > 64)
    return make_error(kInvalid, "username: must be 1..64 characters");
  for (char c : username) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '+' || c == '-';
    if (!ok)
      return make_error(
          kInvalid, "username: '" + std::string(username) + "' may only hold A-Z a-z 0-9 . _ + -");
  }
  return {};
}

Result<std::string> SqliteUserRepository::realm_of(std::int64_t tenant_id) {
  auto stmt = db_.prepare("SELECT sip_domain FROM tenants WHERE id = ?1");
  if (!stmt) return stmt.error();
  stmt->bind(1, tenant_id);
  auto row = stmt->step();
  if (!row) return row.error();
  if (!*row)
    return make_error(kNotFound, "tenant " + std::to_string(tenant_id) + " does not exist");
  return stmt->column_text(0);
}

Result<User> SqliteUserRepository::create(std::int64_t tenant_id, std::string_view username,
                                          std::string_view display_name,
                                          std::string_view password) {
  if (auto r = validate_username(username); !r) return r.error();
  if (auto r = validate_password(password); !r) return r.error();
  auto realm = realm_of(tenant_id);
  if (!realm) return realm.error();
  User user;
  user.tenant_id = tenant_id;
  user.username = std::string(username);
  user.display_name = std::string(display_name);
  user.ha1_md5 = sip::compute_ha1(username, *realm, password, sip::DigestAlgorithm::md5);
  user.ha1_sha256 = sip::compute_ha1(username, *realm, password, sip::DigestAlgorithm::sha256);
  user.created_at = unix_seconds(std::chrono::system_clock::now());
  auto stmt = db_.prepare(
      "INSERT INTO users (tenant_id, username, display_name, ha1_md5, ha1_sha256, created_at) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  if (!stmt) return stmt.error();
  stmt->bind(1, tenant_id)
      .bind(2, user.username)
      .bind(3, user.display_name)
      .bind(4, user.ha1_md5)
      .bind(5, user.ha1_sha256)
      .bind(6, user.created_at);
  if (auto r = stmt->run(); !r) {
    if (r.error().code == kConflict)
      return make_error(kConflict, "username: '" + user.username + "' already exists");
    return r.error();
  }
  user.id = db_.last_insert_id();
  return user;
}

Result<void> SqliteUserRepository::set_password(std::int64_t tenant_id, std::string_view username,
                                                std::string_view password) {
  if (auto r = validate_password(password); !r) return r.error();
  auto realm = realm_of(tenant_id);
  if (!realm) return realm.error();
  auto stmt = db_.prepare(
      "UPDATE users SET ha1_md5 = ?1, ha1_sha256 = ?2 WHERE tenant_id = ?3 AND username = ?4");
  if (!stmt) return stmt.error();
  stmt->bind(1, sip::compute_ha1(username, *realm, password, sip::DigestAlgorithm::md5))
      .bind(2, sip::compute_ha1(username, *realm, password, sip::DigestAlgorithm::sha256))
      .bind(3, tenant_id)
      .bind(4, username);
  if (auto r = stmt->run(); !r) return r;
  if (db_.changes() == 0)
    return make_error(kNotFound, "username: '" + std::string(username) + "' does not exist");
  return {};
}

Result<std::optional<User>> SqliteUserRepository::find(std::int64_t tenant_id,
                                                       std::string_view username) {
  auto stmt = db_.prepare(std::string(kSelect) + "WHERE tenant_id = ?1 AND username = ?2");
  if (!stmt) return stmt.error();
  stmt->bind(1, tenant_id).bind(2, username);
  auto row = stmt->step();
  if (!row) return row.error();
  if (!*row) return std::optional<User>{};
  return std::optional<User>{read_user(*stmt)};
}

Result<std::vector<User>> SqliteUserRepository::list(std::int64_t tenant_id) {
  auto stmt = db_.prepare(std::string(kSelect) + "WHERE tenant_id = ?1 ORDER BY username");
  if (!stmt) return stmt.error();
  stmt->bind(1, tenant_id);
  return collect(*stmt);
}

Result<std::vector<User>> SqliteUserRepository::list_all() {
  auto stmt = db_.prepare(std::string(kSelect) + "ORDER BY tenant_id, username");
  if (!stmt) return stmt.error();
  return collect(*stmt);
}

}  // namespace dzvin::store
