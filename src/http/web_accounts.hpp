#pragma once
// The store side of web accounts, for the HTTP thread: users with their web fields (e-mail,
// role, argon2id password hash, mobile; migration 4), browser sessions, API tokens and the
// audit log. It opens its own SQLite connection by path on first use. Every query that reads
// or changes company data names the tenant.
//
// Secrets are never stored: a session's cookie value and an API token are 32 and 20 random
// bytes of which only the SHA-256 (hex) is kept; they are handed out once, at creation.
// Errors carry store::StoreError codes (kNotFound, kConflict, kInvalid with a message that
// starts with the field's name, kDatabaseError); api_error.hpp turns them into responses.
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.hpp"
#include "base/result.hpp"
#include "http/auth_context.hpp"
#include "store/database.hpp"

namespace dzvin::http {

// Sliding: each use moves the expiry to now + idle, never past created + absolute.
inline constexpr std::chrono::seconds kSessionIdle{12 * 3600};
inline constexpr std::chrono::seconds kSessionAbsolute{7 * 24 * 3600};
// last_seen_at / last_used_at are written at most this often (not on every request).
inline constexpr std::chrono::seconds kTouchInterval{60};
inline constexpr std::string_view kApiTokenPrefix = "dzv_";
inline constexpr std::size_t kMaxActiveTokensPerUser = 50;

struct WebUser {
  std::int64_t id = 0;
  std::int64_t tenant_id = 0;
  std::string username;
  std::string display_name;
  std::string email;  // "" when the user has none (no web login)
  Role role = Role::manager;
  std::string mobile;         // E.164 or ""
  std::string password_hash;  // argon2id PHC or "" (no web login); never leaves the server
  std::string realm;          // the tenant's SIP domain
  std::int64_t created_at = 0;

  AuthContext auth_context(bool via_token) const;
};

struct NewWebUser {
  std::string username;
  std::string display_name;
  std::string email;  // normalised (normalize_email) or ""
  Role role = Role::manager;
  std::string mobile;
  std::string sip_password;   // becomes the HA1s (store::SqliteUserRepository)
  std::string password_hash;  // argon2id PHC or ""
};

// Fields left nullopt stay as they are. email "" removes the e-mail.
struct WebUserChanges {
  std::optional<std::string> display_name;
  std::optional<std::string> email;
  std::optional<Role> role;
  std::optional<std::string> mobile;
  std::optional<std::string> sip_password;
  std::optional<std::string> password_hash;
};

struct UserPage {
  std::vector<WebUser> items;
  std::int64_t total = 0;
};

struct NewSession {
  std::string cookie_value;  // 64 hex characters; only its SHA-256 is stored
  std::string csrf_token;    // 64 hex characters
  std::int64_t expires_at = 0;
};

struct Session {
  AuthContext context;
  std::string csrf_token;
  std::int64_t expires_at = 0;
};

struct ApiToken {
  std::int64_t id = 0;
  std::int64_t user_id = 0;
  std::string name;
  std::int64_t created_at = 0;
  std::optional<std::int64_t> last_used_at;
};

struct NewApiToken {
  ApiToken token;
  std::string secret;  // "dzv_" + 40 hex characters: shown once
};

struct AuditEntry {
  std::int64_t tenant_id = 0;  // 0: no tenant (a failed login for an unknown e-mail)
  std::optional<std::int64_t> user_id;
  std::string_view action;    // create, update, delete, login, login_failed
  std::string_view resource;  // "users/1002", "tokens/3", "auth/login"
  std::string_view detail;    // never a secret
};

// Trimmed and ASCII lower-cased: the form e-mails are stored, looked up and throttled by.
std::string fold_email(std::string_view email);
// A plausible address (local@domain.tld, RFC 5322 atext and dots on the left, a DNS name on
// the right, at most 254 bytes), folded; kInvalid naming the field "email" otherwise.
Result<std::string> normalize_email(std::string_view email);

class WebAccounts {
 public:
  WebAccounts(std::string database_path, const Clock& clock);
  WebAccounts(const WebAccounts&) = delete;
  WebAccounts& operator=(const WebAccounts&) = delete;

  // Users. find_by_email is the only lookup across tenants (e-mails are unique overall).
  Result<std::optional<WebUser>> find_by_email(std::string_view email);
  Result<std::optional<WebUser>> find_user(std::int64_t tenant_id, std::string_view username);
  Result<std::optional<WebUser>> find_user_by_id(std::int64_t tenant_id, std::int64_t user_id);
  // Ordered by username.
  Result<UserPage> list_users(std::int64_t tenant_id, std::int64_t limit, std::int64_t offset);
  // One transaction: the SIP user (HA1s) and its web fields, or nothing. kConflict for a
  // username or e-mail already taken.
  Result<WebUser> create_user(std::int64_t tenant_id, const NewWebUser& user);
  Result<WebUser> update_user(std::int64_t tenant_id, std::string_view username,
                              const WebUserChanges& changes);
  // Its sessions and API tokens go with it (ON DELETE CASCADE).
  Result<void> delete_user(std::int64_t tenant_id, std::string_view username);

  // Sessions.
  Result<NewSession> create_session(const WebUser& user);
  // The live session behind a cookie value (its expiry slid forward), or nullopt: unknown,
  // expired (then deleted), or its user gone.
  Result<std::optional<Session>> find_session(std::string_view cookie_value);
  Result<void> delete_session(std::string_view cookie_value);
  // Every session of the user but the one behind `keep_cookie_value` (after a password change).
  Result<void> delete_sessions_of(std::int64_t tenant_id, std::int64_t user_id,
                                  std::string_view keep_cookie_value = {});
  Result<int> purge_expired_sessions();

  // API tokens.
  Result<NewApiToken> create_token(std::int64_t tenant_id, std::int64_t user_id,
                                   std::string_view name);
  // The user behind an unrevoked token (via_token set), or nullopt.
  Result<std::optional<AuthContext>> find_token(std::string_view secret);
  // Unrevoked tokens, by id.
  Result<std::vector<ApiToken>> list_tokens(std::int64_t tenant_id, std::int64_t user_id);
  Result<std::optional<ApiToken>> find_token_by_id(std::int64_t tenant_id, std::int64_t id);
  // kNotFound when there is no such unrevoked token in the tenant.
  Result<void> revoke_token(std::int64_t tenant_id, std::int64_t id);

  Result<void> audit(const AuditEntry& entry);

 private:
  Result<store::Database*> database();
  // A user joined with the tenant; `where` uses the alias u, `bind` fills its parameters.
  Result<std::optional<WebUser>> find_one(std::string_view where,
                                          const std::function<void(store::Statement&)>& bind);
  Result<std::optional<WebUser>> find_by_id(std::int64_t tenant_id, std::int64_t user_id);
  std::int64_t now_seconds() const;

  std::string database_path_;
  const Clock& clock_;
  std::mutex mutex_;  // meant for the HTTP thread alone; this keeps other callers honest
  store::Database db_;
};

// Appends `entry` to the audit log at `at_ms` (unix milliseconds) through `db`: for a handler
// that records its change on the connection it made it with (WebAccounts::audit uses its own).
Result<void> append_audit(store::Database& db, const AuditEntry& entry, std::int64_t at_ms);

// Bootstrap for the app (no web UI yet to make the first admin): gives the existing SIP user
// `username` of the tenant the e-mail, the admin role and a web password (argon2id). Always
// sets all three, so call it on first start or for an explicit reset, not on every start.
// Errors: kInvalid (e-mail or password, named), kNotFound (no such user), kConflict (the
// e-mail belongs to another user).
Result<void> ensure_admin(store::Database& db, std::int64_t tenant_id, std::string_view username,
                          std::string_view email, std::string_view password);
// The same with any role (the config file's initial users).
Result<void> ensure_web_login(store::Database& db, std::int64_t tenant_id,
                              std::string_view username, std::string_view email, Role role,
                              std::string_view password);
// A user without a web login, with an address for e-mails (voicemail, overdue tasks) and a
// role: the config file's initial users without a web_password. `email` may be "". Errors as
// ensure_web_login's but for the password.
Result<void> set_email_and_role(store::Database& db, std::int64_t tenant_id,
                                std::string_view username, std::string_view email, Role role);

}  // namespace dzvin::http
