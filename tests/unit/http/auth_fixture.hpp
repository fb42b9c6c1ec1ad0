#pragma once
// A migrated database with two tenants and users of every role, an ApiAuth on a fake clock
// and a Router with the auth and user routes, for the authentication tests. Requests go
// through Router::handle in-process; sessions and tokens for most tests are made directly in
// the store (one argon2id hash per process, not one per login).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/api_auth.hpp"
#include "http/auth_routes.hpp"
#include "http/password_hasher.hpp"
#include "http/user_routes.hpp"
#include "store/database.hpp"
#include "store/migrations.hpp"
#include "store/user_repository.hpp"
#include "temp_dir.hpp"

namespace dzvin::http::testing {

inline constexpr std::string_view kPassword = "correct horse battery";
inline constexpr std::string_view kSipPassword = "sip-secret-1";

// The web password hash every fixture user shares, computed once per test process.
inline const std::string& shared_password_hash() {
  static const std::string hash = [] {
    auto h = hash_password(kPassword);
    if (!h) std::abort();
    return std::move(*h);
  }();
  return hash;
}

struct Credentials {
  std::string cookie;  // the session cookie value
  std::string csrf;
};

class AuthFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = dir_.file("dzvin.db");
    auto opened = store::Database::open(path_);
    ASSERT_TRUE(opened) << opened.error().message;
    db_ = std::move(*opened);
    auto migrated = store::migrate(db_);
    ASSERT_TRUE(migrated) << migrated.error().message;
    ASSERT_TRUE(db_.execute("INSERT INTO tenants (id, name, sip_domain, created_at) VALUES "
                            "(1, 'Alpha', 'a.example.com', 1), (2, 'Beta', 'b.example.com', 1)")
                    .ok());
    // Tenant A: one user of each role. Tenant B: an admin, and a "102" like A's.
    add_user(1, "100", "admin", "admin@a.example.com");
    add_user(1, "101", "head", "head@a.example.com");
    add_user(1, "102", "manager", "manager@a.example.com");
    add_user(1, "103", "operator", "operator@a.example.com");
    add_user(2, "200", "admin", "admin@b.example.com");
    add_user(2, "102", "manager", "manager@b.example.com");
    auth_ = std::make_unique<ApiAuth>(path_, clock_, settings_);
    add_auth_routes(router_, *auth_);
    add_user_routes(router_, *auth_);
  }

  void add_user(std::int64_t tenant, const std::string& username, const std::string& role,
                const std::string& email) {
    store::SqliteUserRepository users(db_);
    auto created = users.create(tenant, username, "User " + username, kSipPassword);
    ASSERT_TRUE(created) << created.error().message;
    auto stmt =
        db_.prepare("UPDATE users SET role = ?1, email = ?2, password_hash = ?3 WHERE id = ?4");
    ASSERT_TRUE(stmt);
    stmt->bind(1, role).bind(2, email).bind(3, shared_password_hash()).bind(4, created->id);
    ASSERT_TRUE(stmt->run());
  }

  // A session made in the store, as a login would.
  Credentials session_for(std::string_view email) {
    auto user = auth_->accounts().find_by_email(email);
    EXPECT_TRUE(user && *user) << email;
    if (!user || !*user) return {};
    auto session = auth_->accounts().create_session(**user);
    EXPECT_TRUE(session);
    return {session->cookie_value, session->csrf_token};
  }

  std::string token_for(std::string_view email) {
    auto user = auth_->accounts().find_by_email(email);
    EXPECT_TRUE(user && *user) << email;
    if (!user || !*user) return {};
    auto token = auth_->accounts().create_token((*user)->tenant_id, (*user)->id, "test");
    EXPECT_TRUE(token);
    return token->secret;
  }

  HttpResponse call(std::string method, std::string target, std::string body = {},
                    std::vector<HttpHeader> headers = {}) {
    HttpRequest request;
    request.method = std::move(method);
    request.target = std::move(target);
    request.remote_address = remote_address_;
    request.headers = std::move(headers);
    if (!body.empty()) request.headers.emplace_back("Content-Type", "application/json");
    request.body = std::move(body);
    return router_.handle(std::move(request));
  }

  // A request with a session: the cookie, and the CSRF header unless `csrf` says otherwise.
  HttpResponse call_as(const Credentials& who, std::string method, std::string target,
                       std::string body = {}) {
    return call(
        std::move(method), std::move(target), std::move(body),
        {{"Cookie", "theme=dark; dzvin_session=" + who.cookie}, {"X-CSRF-Token", who.csrf}});
  }

  HttpResponse call_with_token(const std::string& token, std::string method, std::string target,
                               std::string body = {}) {
    return call(std::move(method), std::move(target), std::move(body),
                {{"Authorization", "Bearer " + token}});
  }

  HttpResponse login(std::string_view email, std::string_view password) {
    const nlohmann::json body = {{"email", email}, {"password", password}};
    return call("POST", "/api/v1/auth/login", body.dump());
  }

  // One value of one row: "SELECT display_name FROM users WHERE ...".
  std::string scalar(const std::string& sql) {
    auto stmt = db_.prepare(sql);
    EXPECT_TRUE(stmt) << sql;
    if (!stmt) return {};
    auto row = stmt->step();
    EXPECT_TRUE(row) << sql;
    if (!row || !*row) return "<no row>";
    return stmt->column_is_null(0) ? "<null>" : stmt->column_text(0);
  }
  std::int64_t count(const std::string& sql) { return std::stoll(scalar(sql)); }

  static nlohmann::json body_of(const HttpResponse& response) {
    return nlohmann::json::parse(response.body, nullptr, false);
  }
  static std::string error_code(const HttpResponse& response) {
    const auto body = body_of(response);
    return body.is_object() && body.contains("error") ? body["error"].value("code", "") : "";
  }
  static std::string error_field(const HttpResponse& response) {
    const auto body = body_of(response);
    return body.is_object() && body.contains("error") ? body["error"].value("field", "") : "";
  }

  TempDir dir_;
  std::string path_;
  store::Database db_;
  FakeClock clock_;
  ApiAuthSettings settings_;
  std::unique_ptr<ApiAuth> auth_;
  Router router_;
  std::string remote_address_ = "192.0.2.10";
};

}  // namespace dzvin::http::testing
