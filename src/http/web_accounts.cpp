#include "http/web_accounts.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <functional>

#include "http/password_hasher.hpp"
#include "store/user_repository.hpp"

namespace dzvin::http {

namespace {

// The columns read_user() expects, for a query joining users u and tenants t.
constexpr std::string_view kUserColumns =
    "u.id, u.tenant_id, u.username, u.display_name, COALESCE(u.email, ''), u.role, u.mobile, "
    "COALESCE(u.password_hash, ''), t.sip_domain, u.created_at";
constexpr int kUserColumnCount = 10;
constexpr std::string_view kUsersWithTenant = " FROM users u JOIN tenants t ON t.id = u.tenant_id ";

constexpr std::size_t kSessionBytes = 32;
constexpr std::size_t kTokenBytes = 20;

WebUser read_user(const store::Statement& s) {
  WebUser user;
  user.id = s.column_int(0);
  user.tenant_id = s.column_int(1);
  user.username = s.column_text(2);
  user.display_name = s.column_text(3);
  user.email = s.column_text(4);
  // An unknown word in the column (edited by hand) gives the least power, not the most.
  user.role = parse_role(s.column_text(5)).value_or(Role::operator_);
  user.mobile = s.column_text(6);
  user.password_hash = s.column_text(7);
  user.realm = s.column_text(8);
  user.created_at = s.column_int(9);
  return user;
}

ApiToken read_token(const store::Statement& s, int first) {
  ApiToken token;
  token.id = s.column_int(first);
  token.user_id = s.column_int(first + 1);
  token.name = s.column_text(first + 2);
  token.created_at = s.column_int(first + 3);
  if (!s.column_is_null(first + 4)) token.last_used_at = s.column_int(first + 4);
  return token;
}

std::string to_hex(const unsigned char* data, std::size_t size) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(size * 2, '0');
  for (std::size_t i = 0; i < size; ++i) {
    out[2 * i] = kDigits[data[i] >> 4];
    out[2 * i + 1] = kDigits[data[i] & 0x0f];
  }
  return out;
}

Result<std::string> random_hex(std::size_t bytes) {
  std::array<unsigned char, 32> buffer{};
  if (bytes > buffer.size() || RAND_bytes(buffer.data(), static_cast<int>(bytes)) != 1)
    return make_error(store::kDatabaseError, "no random numbers available (RAND_bytes failed)");
  return to_hex(buffer.data(), bytes);
}

// SHA-256 of a session cookie value or an API token, as stored.
std::string sha256_hex(std::string_view text) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int size = 0;
  if (EVP_Digest(text.data(), text.size(), digest.data(), &size, EVP_sha256(), nullptr) != 1)
    std::abort();  // SHA-256 cannot fail short of a broken OpenSSL: an invariant
  return to_hex(digest.data(), size);
}

bool is_lower_hex(std::string_view text, std::size_t size) {
  return text.size() == size && std::all_of(text.begin(), text.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

// A UNIQUE failure on the web fields can only be the e-mail (users_email).
Error email_conflict_or(Error error) {
  if (error.code == store::kConflict)
    return make_error(store::kConflict, "email: already used by another account");
  return error;
}

bool is_atext(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
         std::string_view("!#$%&'*+-/=?^_`{|}~").find(c) != std::string_view::npos;
}

bool is_dns_name(std::string_view domain) {
  if (domain.empty() || domain.size() > 253 || domain.find('.') == std::string_view::npos)
    return false;
  for (;;) {
    const auto dot = domain.find('.');
    const std::string_view label = domain.substr(0, dot);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-')
      return false;
    for (char c : label) {
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
    }
    if (dot == std::string_view::npos) return true;
    domain.remove_prefix(dot + 1);
  }
}

Result<void> run_statement(store::Database& db, std::string_view sql,
                           const std::function<void(store::Statement&)>& bind) {
  auto stmt = db.cached(sql);
  if (!stmt) return stmt.error();
  bind(stmt->statement());
  return stmt->run();
}

}  // namespace

AuthContext WebUser::auth_context(bool via_token) const {
  AuthContext context;
  context.tenant_id = tenant_id;
  context.user_id = id;
  context.username = username;
  context.realm = realm;
  context.role = role;
  context.via_token = via_token;
  return context;
}

std::string fold_email(std::string_view email) {
  while (!email.empty() && (email.front() == ' ' || email.front() == '\t'))
    email.remove_prefix(1);
  while (!email.empty() && (email.back() == ' ' || email.back() == '\t'))
    email.remove_suffix(1);
  std::string folded(email);
  for (char& c : folded) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return folded;
}

Result<std::string> normalize_email(std::string_view email) {
  std::string folded = fold_email(email);
  const Error invalid = make_error(store::kInvalid, "email: not a valid e-mail address");
  const auto at = folded.find('@');
  if (folded.size() > 254 || at == std::string::npos || at == 0 || at > 64) return invalid;
  const std::string_view local = std::string_view(folded).substr(0, at);
  const std::string_view domain = std::string_view(folded).substr(at + 1);
  if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos)
    return invalid;
  for (char c : local) {
    if (c != '.' && !is_atext(c)) return invalid;
  }
  if (!is_dns_name(domain)) return invalid;
  return folded;
}

WebAccounts::WebAccounts(std::string database_path, const Clock& clock)
    : database_path_(std::move(database_path)), clock_(clock) {}

Result<store::Database*> WebAccounts::database() {
  if (!db_.is_open()) {
    auto opened = store::Database::open(database_path_);
    if (!opened) return opened.error();
    db_ = std::move(*opened);
  }
  return &db_;
}

std::int64_t WebAccounts::now_seconds() const {
  return unix_seconds(clock_.wall_now());
}

Result<std::optional<WebUser>> WebAccounts::find_one(
    std::string_view where, const std::function<void(store::Statement&)>& bind) {
  auto db = database();
  if (!db) return db.error();
  auto stmt = (*db)->cached("SELECT " + std::string(kUserColumns) + std::string(kUsersWithTenant) +
                            std::string(where));
  if (!stmt) return stmt.error();
  bind(stmt->statement());
  auto row = stmt->step();
  if (!row) return row.error();
  if (!*row) return std::optional<WebUser>{};
  return std::optional<WebUser>{read_user(stmt->statement())};
}

Result<std::optional<WebUser>> WebAccounts::find_by_id(std::int64_t tenant_id,
                                                       std::int64_t user_id) {
  return find_one("WHERE u.tenant_id = ?1 AND u.id = ?2",
                  [&](store::Statement& s) { s.bind(1, tenant_id).bind(2, user_id); });
}

Result<std::optional<WebUser>> WebAccounts::find_by_email(std::string_view email) {
  std::lock_guard lock(mutex_);
  const std::string folded = fold_email(email);
  return find_one("WHERE u.email = ?1", [&](store::Statement& s) { s.bind(1, folded); });
}

Result<std::optional<WebUser>> WebAccounts::find_user(std::int64_t tenant_id,
                                                      std::string_view username) {
  std::lock_guard lock(mutex_);
  return find_one("WHERE u.tenant_id = ?1 AND u.username = ?2",
                  [&](store::Statement& s) { s.bind(1, tenant_id).bind(2, username); });
}

Result<std::optional<WebUser>> WebAccounts::find_user_by_id(std::int64_t tenant_id,
                                                            std::int64_t user_id) {
  std::lock_guard lock(mutex_);
  return find_by_id(tenant_id, user_id);
}

Result<UserPage> WebAccounts::list_users(std::int64_t tenant_id, std::int64_t limit,
                                         std::int64_t offset) {
  std::lock_guard lock(mutex_);
  auto db = database();
  if (!db) return db.error();
  UserPage page;
  auto count = (*db)->prepare("SELECT COUNT(*) FROM users WHERE tenant_id = ?1");
  if (!count) return count.error();
  count->bind(1, tenant_id);
  auto counted = count->step();
  if (!counted) return counted.error();
  page.total = count->column_int(0);
  auto stmt = (*db)->prepare("SELECT " + std::string(kUserColumns) + std::string(kUsersWithTenant) +
                             "WHERE u.tenant_id = ?1 ORDER BY u.username LIMIT ?2 OFFSET ?3");
  if (!stmt) return stmt.error();
  stmt->bind(1, tenant_id).bind(2, limit).bind(3, offset);
  for (;;) {
    auto row = stmt->step();
    if (!row) return row.error();
    if (!*row) break;
    page.items.push_back(read_user(*stmt));
  }
  return page;
}

Result<WebUser> WebAccounts::create_user(std::int64_t tenant_id, const NewWebUser& user) {
  std::lock_guard lock(mutex_);
  auto db = database();
  if (!db) return db.error();
  auto tx = store::Transaction::begin(**db);
  if (!tx) return tx.error();
  store::SqliteUserRepository users(**db);
  auto created = users.create(tenant_id, user.username, user.display_name, user.sip_password);
  if (!created) return created.error();
  auto web = run_statement(
      **db, "UPDATE users SET email = ?1, role = ?2, mobile = ?3, password_hash = ?4 WHERE id = ?5",
      [&](store::Statement& s) {
        if (user.email.empty()) {
          s.bind_null(1);
        } else {
          s.bind(1, user.email);
        }
        s.bind(2, to_string(user.role)).bind(3, user.mobile);
        if (user.password_hash.empty()) {
          s.bind_null(4);
        } else {
          s.bind(4, user.password_hash);
        }
        s.bind(5, created->id);
      });
  if (!web) return email_conflict_or(web.error());
  if (auto committed = tx->commit(); !committed) return committed.error();
  auto found = find_by_id(tenant_id, created->id);
  if (!found) return found.error();
  if (!*found) return make_error(store::kDatabaseError, "the new user vanished");
  return std::move(**found);
}

Result<WebUser> WebAccounts::update_user(std::int64_t tenant_id, std::string_view username,
                                         const WebUserChanges& changes) {
  std::lock_guard lock(mutex_);
  auto db = database();
  if (!db) return db.error();
  auto tx = store::Transaction::begin(**db);
  if (!tx) return tx.error();
  auto existing = find_one("WHERE u.tenant_id = ?1 AND u.username = ?2",
                           [&](store::Statement& s) { s.bind(1, tenant_id).bind(2, username); });
  if (!existing) return existing.error();
  if (!*existing)
    return make_error(store::kNotFound, "username: '" + std::string(username) + "' does not exist");
  if (changes.sip_password) {
    store::SqliteUserRepository users(**db);
    if (auto set = users.set_password(tenant_id, username, *changes.sip_password); !set)
      return set.error();
  }
  // Column names come from this list only; values are bound.
  std::string sql = "UPDATE users SET id = id";
  int index = 2;  // ?1 tenant, ?2 id
  const auto column = [&](std::string_view name, bool present) {
    if (present) sql += ", " + std::string(name) + " = ?" + std::to_string(++index);
  };
  column("display_name", changes.display_name.has_value());
  column("email", changes.email.has_value());
  column("role", changes.role.has_value());
  column("mobile", changes.mobile.has_value());
  column("password_hash", changes.password_hash.has_value());
  sql += " WHERE tenant_id = ?1 AND id = ?2";
  auto updated = run_statement(**db, sql, [&](store::Statement& s) {
    s.bind(1, tenant_id).bind(2, (*existing)->id);
    int i = 2;
    if (changes.display_name) s.bind(++i, *changes.display_name);
    if (changes.email) {
      if (changes.email->empty()) {
        s.bind_null(++i);
      } else {
        s.bind(++i, *changes.email);
      }
    }
    if (changes.role) s.bind(++i, to_string(*changes.role));
    if (changes.mobile) s.bind(++i, *changes.mobile);
    if (changes.password_hash) s.bind(++i, *changes.password_hash);
  });
  if (!updated) return email_conflict_or(updated.error());
  if (auto committed = tx->commit(); !committed) return committed.error();
  auto found = find_by_id(tenant_id, (*existing)->id);
  if (!found) return found.error();
  if (!*found) return make_error(store::kDatabaseError, "the updated user vanished");
  return std::move(**found);
}

Result<void> WebAccounts::delete_user(std::int64_t tenant_id, std::string_view username) {
  std::lock_guard lock(mutex_);
  auto db = database();
  if (!db) return db.error();
  auto deleted =
      run_statement(**db, "DELETE FROM users WHERE tenant_id = ?1 AND username = ?2",
                    [&](store::Statement& s) { s.bind(1, tenant_id).bind(2, username); });
  if (!deleted) return deleted;
  if ((*db)->changes() == 0)
    return make_error(store::kNotFound, "username: '" + std::string(username) + "' does not exist");
  return {};
}

Result<NewSession> WebAccounts::create_session(const WebUser& user) {
  std::lock_guard lock(mutex_);
  auto db = database();
  if (!db) return db.error();
  auto cookie = random_hex(kSessionBytes);
  if (!cookie) return cookie.error();
  auto csrf = random_hex(kSessionBytes);
  if (!csrf) return csrf.error();
  const std::int64_t now = now_seconds();
  NewSession session{std::move(*cookie), std::move(*csrf),
                     now + std::min(kSessionIdle, kSessionAbsolute).count()};
  auto inserted = run_statement(
      **db,
      "INSERT INTO sessions (token_hash, user_id, tenant_id, csrf_token, created_at, expires_at, "
      "last_seen_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?5)",
      [&](store::Statement& s) {
        s.bind(1, sha256_hex(session.cookie_value))
            .bind(2, user.id)
            .bind(3, user.tenant_id)
            .bind(4, session.csrf_token)
            .bind(5, now)
            .bind(6, session.expires_at);
      });
  if (!inserted) return inserted.error();
  return session;
}

Result<std::optional<Session>> WebAccounts::find_session(std::string_view cookie_value) {
  std::lock_guard lock(mutex_);
  if (!is_lower_hex(cookie_value, kSessionBytes * 2)) return std::optional<Session>{};
  auto db = database();
  if (!db) return db.error();
  const std::string hash = sha256_hex(cookie_value);
  auto stmt =
      (*db)->cached("SELECT " + std::string(kUserColumns) +
                    ", s.csrf_token, s.created_at, s.expires_at, s.last_seen_at FROM sessions s "
                    "JOIN users u ON u.id = s.user_id AND u.tenant_id = s.tenant_id "
                    "JOIN tenants t ON t.id = u.tenant_id WHERE s.token_hash = ?1");
  if (!stmt) return stmt.error();
  stmt->bind(1, hash);
  auto row = stmt->step();
  if (!row) return row.error();
  if (!*row) return std::optional<Session>{};
  const WebUser user = read_user(stmt->statement());
  Session session{user.auth_context(false), stmt->column_text(kUserColumnCount),
                  stmt->column_int(kUserColumnCount + 2)};
  const std::int64_t created_at = stmt->column_int(kUserColumnCount + 1);
  const std::int64_t last_seen_at = stmt->column_int(kUserColumnCount + 3);
  stmt->reset();  // ends the read before the writes below

  const std::int64_t now = now_seconds();
  if (now >= session.expires_at) {
    auto removed = run_statement(**db, "DELETE FROM sessions WHERE token_hash = ?1",
                                 [&](store::Statement& s) { s.bind(1, hash); });
    if (!removed) return removed.error();
    return std::optional<Session>{};
  }
  if (now - last_seen_at >= kTouchInterval.count()) {
    session.expires_at =
        std::min(created_at + kSessionAbsolute.count(), now + kSessionIdle.count());
    auto touched = run_statement(
        **db, "UPDATE sessions SET expires_at = ?1, last_seen_at = ?2 WHERE token_hash = ?3",
        [&](store::Statement& s) { s.bind(1, session.expires_at).bind(2, now).bind(3, hash); });
    if (!touched) return touched.error();
  }
  return std::optional<Session>{std::move(session)};
}

Result<void> WebAccounts::delete_session(std::string_view cookie_value) {
  std::lock_guard lock(mutex_);
  auto db = database();
  if (!db) return db.error();
  return run_statement(**db, "DELETE FROM sessions WHERE token_hash = ?1",
                       [&](store::Statement& s) { s.bind(1, sha256_hex(cookie_value)); });
}

Result<void> WebAccounts::delete_sessions_of(std::int64_t tenant_id, std::int64_t user_id,
                                             std::string_view keep_cookie_value) {
  std::lock_guard lock(mutex_);
  auto db = database();
  if (!db) return db.error();
  const std::string keep = keep_cookie_value.empty() ? "" : sha256_hex(keep_cookie_value);
  return run_statement(
      **db, "DELETE FROM sessions WHERE tenant_id = ?1 AND user_id = ?2 AND token_hash <> ?3",
      [&](store::Statement& s) { s.bind(1, tenant_id).bind(2, user_id).bind(3, keep); });
}

Result<int> WebAccounts::purge_expired_sessions() {
  std::lock_guard lock(mutex_);
  auto db = database();
  if (!db) return db.error();
  auto purged = run_statement(**db, "DELETE FROM sessions WHERE expires_at <= ?1",
                              [&](store::Statement& s) { s.bind(1, now_seconds()); });
  if (!purged) return purged.error();
  return (*db)->changes();
}

Result<NewApiToken> WebAccounts::create_token(std::int64_t tenant_id, std::int64_t user_id,
                                              std::string_view name) {
  std::lock_guard lock(mutex_);
  auto db = database();
  if (!db) return db.error();
  auto tx = store::Transaction::begin(**db);
  if (!tx) return tx.error();
  auto count = (*db)->prepare(
      "SELECT COUNT(*) FROM api_tokens WHERE tenant_id = ?1 AND user_id = ?2 AND revoked_at IS "
      "NULL");
  if (!count) return count.error();
  count->bind(1, tenant_id).bind(2, user_id);
  if (auto row = count->step(); !row) return row.error();
  if (count->column_int(0) >= static_cast<std::int64_t>(kMaxActiveTokensPerUser))
    return make_error(store::kConflict, "at most " + std::to_string(kMaxActiveTokensPerUser) +
                                            " API tokens per user; revoke one first");
  count->reset();
  auto random = random_hex(kTokenBytes);
  if (!random) return random.error();
  NewApiToken created;
  created.secret = std::string(kApiTokenPrefix) + *random;
  created.token.user_id = user_id;
  created.token.name = std::string(name);
  created.token.created_at = now_seconds();
  auto inserted =
      run_statement(**db,
                    "INSERT INTO api_tokens (tenant_id, user_id, name, token_hash, created_at) "
                    "VALUES (?1, ?2, ?3, ?4, ?5)",
                    [&](store::Statement& s) {
                      s.bind(1, tenant_id)
                          .bind(2, user_id)
                          .bind(3, name)
                          .bind(4, sha256_hex(created.secret))
                          .bind(5, created.token.created_at);
                    });
  if (!inserted) return inserted.error();
  created.token.id = (*db)->last_insert_id();
  if (auto committed = tx->commit(); !committed) return committed.error();
  return created;
}

Result<std::optional<AuthContext>> WebAccounts::find_token(std::string_view secret) {
  std::lock_guard lock(mutex_);
  if (!secret.starts_with(kApiTokenPrefix) ||
      !is_lower_hex(secret.substr(kApiTokenPrefix.size()), kTokenBytes * 2))
    return std::optional<AuthContext>{};
  auto db = database();
  if (!db) return db.error();
  auto stmt = (*db)->cached("SELECT " + std::string(kUserColumns) +
                            ", k.id, k.last_used_at FROM api_tokens k "
                            "JOIN users u ON u.id = k.user_id AND u.tenant_id = k.tenant_id "
                            "JOIN tenants t ON t.id = u.tenant_id "
                            "WHERE k.token_hash = ?1 AND k.revoked_at IS NULL");
  if (!stmt) return stmt.error();
  stmt->bind(1, sha256_hex(secret));
  auto row = stmt->step();
  if (!row) return row.error();
  if (!*row) return std::optional<AuthContext>{};
  const AuthContext context = read_user(stmt->statement()).auth_context(true);
  const std::int64_t id = stmt->column_int(kUserColumnCount);
  const bool never_used = stmt->column_is_null(kUserColumnCount + 1);
  const std::int64_t last_used_at = stmt->column_int(kUserColumnCount + 1);
  stmt->reset();
  const std::int64_t now = now_seconds();
  if (never_used || now - last_used_at >= kTouchInterval.count()) {
    auto touched = run_statement(**db, "UPDATE api_tokens SET last_used_at = ?1 WHERE id = ?2",
                                 [&](store::Statement& s) { s.bind(1, now).bind(2, id); });
    if (!touched) return touched.error();
  }
  return std::optional<AuthContext>{context};
}

Result<std::vector<ApiToken>> WebAccounts::list_tokens(std::int64_t tenant_id,
                                                       std::int64_t user_id) {
  std::lock_guard lock(mutex_);
  auto db = database();
  if (!db) return db.error();
  auto stmt = (*db)->prepare(
      "SELECT id, user_id, name, created_at, last_used_at FROM api_tokens "
      "WHERE tenant_id = ?1 AND user_id = ?2 AND revoked_at IS NULL ORDER BY id");
  if (!stmt) return stmt.error();
  stmt->bind(1, tenant_id).bind(2, user_id);
  std::vector<ApiToken> tokens;
  for (;;) {
    auto row = stmt->step();
    if (!row) return row.error();
    if (!*row) break;
    tokens.push_back(read_token(*stmt, 0));
  }
  return tokens;
}

Result<std::optional<ApiToken>> WebAccounts::find_token_by_id(std::int64_t tenant_id,
                                                              std::int64_t id) {
  std::lock_guard lock(mutex_);
  auto db = database();
  if (!db) return db.error();
  auto stmt = (*db)->prepare(
      "SELECT id, user_id, name, created_at, last_used_at FROM api_tokens "
      "WHERE tenant_id = ?1 AND id = ?2 AND revoked_at IS NULL");
  if (!stmt) return stmt.error();
  stmt->bind(1, tenant_id).bind(2, id);
  auto row = stmt->step();
  if (!row) return row.error();
  if (!*row) return std::optional<ApiToken>{};
  return std::optional<ApiToken>{read_token(*stmt, 0)};
}

Result<void> WebAccounts::revoke_token(std::int64_t tenant_id, std::int64_t id) {
  std::lock_guard lock(mutex_);
  auto db = database();
  if (!db) return db.error();
  auto revoked = run_statement(
      **db,
      "UPDATE api_tokens SET revoked_at = ?3 WHERE tenant_id = ?1 AND id = ?2 AND revoked_at IS "
      "NULL",
      [&](store::Statement& s) { s.bind(1, tenant_id).bind(2, id).bind(3, now_seconds()); });
  if (!revoked) return revoked;
  if ((*db)->changes() == 0)
    return make_error(store::kNotFound, "token " + std::to_string(id) + " does not exist");
  return {};
}

Result<void> WebAccounts::audit(const AuditEntry& entry) {
  std::lock_guard lock(mutex_);
  auto db = database();
  if (!db) return db.error();
  const std::int64_t at_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(clock_.wall_now().time_since_epoch())
          .count();
  return append_audit(**db, entry, at_ms);
}

Result<void> append_audit(store::Database& db, const AuditEntry& entry, std::int64_t at_ms) {
  return run_statement(
      db,
      "INSERT INTO audit_log (tenant_id, user_id, at, action, resource, detail) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
      [&](store::Statement& s) {
        s.bind(1, entry.tenant_id);
        if (entry.user_id) {
          s.bind(2, *entry.user_id);
        } else {
          s.bind_null(2);
        }
        s.bind(3, at_ms).bind(4, entry.action).bind(5, entry.resource).bind(6, entry.detail);
      });
}

Result<void> ensure_admin(store::Database& db, std::int64_t tenant_id, std::string_view username,
                          std::string_view email, std::string_view password) {
  return ensure_web_login(db, tenant_id, username, email, Role::admin, password);
}

Result<void> set_email_and_role(store::Database& db, std::int64_t tenant_id,
                                std::string_view username, std::string_view email, Role role) {
  std::string address;
  if (!email.empty()) {
    auto normalized = normalize_email(email);
    if (!normalized) return normalized.error();
    address = std::move(*normalized);
  }
  auto updated = run_statement(
      db,
      "UPDATE users SET email = nullif(?1, ''), role = ?2 WHERE tenant_id = ?3 AND username = ?4",
      [&](store::Statement& s) {
        s.bind(1, address).bind(2, to_string(role)).bind(3, tenant_id).bind(4, username);
      });
  if (!updated) return email_conflict_or(updated.error());
  if (db.changes() == 0) {
    return make_error(store::kNotFound, "username: '" + std::string(username) + "' does not exist");
  }
  return {};
}

Result<void> ensure_web_login(store::Database& db, std::int64_t tenant_id,
                              std::string_view username, std::string_view email, Role role,
                              std::string_view password) {
  auto normalized = normalize_email(email);
  if (!normalized) return normalized.error();
  if (auto valid = validate_password(password); !valid)
    return make_error(store::kInvalid, valid.error().message);
  auto hash = hash_password(password);
  if (!hash) return make_error(store::kDatabaseError, hash.error().message);
  auto updated =
      run_statement(db,
                    "UPDATE users SET email = ?1, role = ?5, password_hash = ?2 "
                    "WHERE tenant_id = ?3 AND username = ?4",
                    [&](store::Statement& s) {
                      s.bind(1, *normalized).bind(2, *hash).bind(3, tenant_id).bind(4, username);
                      s.bind(5, to_string(role));
                    });
  if (!updated) return email_conflict_or(updated.error());
  if (db.changes() == 0)
    return make_error(store::kNotFound, "username: '" + std::string(username) +
                                            "' does not exist in tenant " +
                                            std::to_string(tenant_id));
  return {};
}

}  // namespace dzvin::http
