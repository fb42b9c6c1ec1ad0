#include "http/auth_routes.hpp"

#include <gtest/gtest.h>

#include "auth_fixture.hpp"
#include "http/http_server.hpp"
#include "http_test_client.hpp"

namespace dzvin::http {
namespace {

using testing::TestConnection;

std::string post_request(std::string_view target, std::string_view body,
                         std::string_view extra_headers = {}) {
  std::string request = "POST " + std::string(target) +
                        " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                        "Content-Length: " +
                        std::to_string(body.size()) + "\r\n";
  request += extra_headers;
  request += "\r\n";
  request += body;
  return request;
}

// "dzvin_session=abc; HttpOnly; ..." → "abc"
std::string cookie_value(std::string_view set_cookie) {
  const auto start = set_cookie.find('=') + 1;
  return std::string(set_cookie.substr(start, set_cookie.find(';') - start));
}

class AuthRoutesTest : public testing::AuthFixture {
 protected:
  std::int64_t audit_rows(const std::string& action) {
    return count("SELECT COUNT(*) FROM audit_log WHERE action = '" + action + "'");
  }
};

TEST_F(AuthRoutesTest, LoginOverHttpSetsAHardenedSessionCookie) {
  HttpSettings settings;
  settings.address = "127.0.0.1";
  settings.port = 0;
  HttpServer server(settings, std::move(router_));
  server.start();
  TestConnection c(server.port());

  ASSERT_TRUE(c.send(
      post_request("/api/v1/auth/login",
                   R"({"email": "Head@A.example.com", "password": "correct horse battery"})")));
  const auto r = c.read_response();
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  const auto set_cookie = r->header("Set-Cookie");
  ASSERT_TRUE(set_cookie);
  EXPECT_TRUE(set_cookie->starts_with("dzvin_session=")) << *set_cookie;
  for (const char* attribute : {"; HttpOnly", "; SameSite=Strict", "; Path=/", "; Max-Age=604800"})
    EXPECT_NE(set_cookie->find(attribute), std::string::npos) << attribute << " in " << *set_cookie;
  EXPECT_EQ(set_cookie->find("Secure"), std::string::npos);  // no TLS in this setting
  EXPECT_EQ(r->header("Cache-Control"), "no-store");
  const auto body = nlohmann::json::parse(r->body);
  EXPECT_EQ(body["user"]["username"], "101");
  EXPECT_EQ(body["user"]["role"], "head");
  EXPECT_EQ(body["user"]["email"], "head@a.example.com");
  EXPECT_EQ(r->body.find("argon2"), std::string::npos);
  EXPECT_EQ(r->body.find("ha1"), std::string::npos);
  const std::string csrf = body["csrf_token"];
  EXPECT_EQ(csrf.size(), 64u);

  // The cookie opens /me; the CSRF token comes back with it.
  const std::string cookie = cookie_value(*set_cookie);
  ASSERT_TRUE(
      c.send(testing::get_request("/api/v1/auth/me", "Cookie: dzvin_session=" + cookie + "\r\n")));
  const auto me = c.read_response();
  ASSERT_TRUE(me);
  ASSERT_EQ(me->status, 200) << me->body;
  EXPECT_EQ(nlohmann::json::parse(me->body)["user"]["username"], "101");
  EXPECT_EQ(nlohmann::json::parse(me->body)["csrf_token"], csrf);

  // A body past the server's limit is refused before any handler runs.
  ASSERT_TRUE(c.send(post_request("/api/v1/auth/login", std::string(2 * 1024 * 1024, ' '))));
  const auto big = c.read_response();
  ASSERT_TRUE(big);
  EXPECT_EQ(big->status, 413);
  server.stop();
}

TEST_F(AuthRoutesTest, TheCookieIsSecureWhenTheSettingsSayTls) {
  settings_.secure_cookie = true;
  ApiAuth tls(path_, clock_, settings_);
  Router router;
  add_auth_routes(router, tls);
  HttpRequest request;
  request.method = "POST";
  request.target = "/api/v1/auth/login";
  request.headers.emplace_back("Content-Type", "application/json");
  request.body = R"({"email": "admin@a.example.com", "password": "correct horse battery"})";
  const HttpResponse r = router.handle(request);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(r.header("Set-Cookie")->ends_with("; Secure")) << *r.header("Set-Cookie");
}

TEST_F(AuthRoutesTest, AWrongPasswordAndAnUnknownEmailLookAlike) {
  const HttpResponse wrong = login("admin@a.example.com", "not the password");
  const HttpResponse unknown = login("nobody@a.example.com", "not the password");
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(unknown.status, 401);
  EXPECT_EQ(wrong.body, unknown.body);
  EXPECT_FALSE(wrong.header("Set-Cookie"));
  EXPECT_EQ(count("SELECT COUNT(*) FROM sessions"), 0);
  // Both are in the audit log; the unknown one under no tenant, without the address tried.
  EXPECT_EQ(audit_rows("login_failed"), 2);
  EXPECT_EQ(scalar("SELECT resource FROM audit_log WHERE tenant_id = 1"), "users/100");
  EXPECT_EQ(scalar("SELECT detail FROM audit_log WHERE tenant_id = 0"),
            "unknown e-mail; remote=192.0.2.10");
}

TEST_F(AuthRoutesTest, ALoginIsAudited) {
  const HttpResponse r = login("manager@b.example.com", std::string(testing::kPassword));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(scalar("SELECT tenant_id || ' ' || user_id || ' ' || action || ' ' || resource || ' ' "
                   "|| detail FROM audit_log"),
            "2 6 login users/102 remote=192.0.2.10");
}

TEST_F(AuthRoutesTest, FiveFailuresThrottleTheEmailWith429AndRetryAfter) {
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(login("manager@a.example.com", "guess number " + std::to_string(i)).status, 401);
  }
  // Even the right password waits now.
  const HttpResponse throttled = login("MANAGER@a.example.com", std::string(testing::kPassword));
  EXPECT_EQ(throttled.status, 429);
  EXPECT_EQ(error_code(throttled), "too_many_requests");
  EXPECT_EQ(throttled.header("Retry-After"), "900");
  EXPECT_EQ(count("SELECT COUNT(*) FROM sessions"), 0);
  // Another account from another address is not held up.
  remote_address_ = "198.51.100.20";
  EXPECT_EQ(login("head@a.example.com", std::string(testing::kPassword)).status, 200);
  clock_.advance(std::chrono::minutes(15));
  EXPECT_EQ(login("manager@a.example.com", std::string(testing::kPassword)).status, 200);
}

TEST_F(AuthRoutesTest, LogoutEndsTheSession) {
  const HttpResponse r = login("admin@a.example.com", std::string(testing::kPassword));
  ASSERT_EQ(r.status, 200);
  const testing::Credentials who{cookie_value(*r.header("Set-Cookie")),
                                 body_of(r)["csrf_token"].get<std::string>()};
  EXPECT_EQ(call_as(who, "GET", "/api/v1/auth/me").status, 200);
  const HttpResponse out = call_as(who, "POST", "/api/v1/auth/logout");
  EXPECT_EQ(out.status, 204);
  EXPECT_TRUE(out.header("Set-Cookie")->starts_with("dzvin_session=; "));
  EXPECT_NE(out.header("Set-Cookie")->find("Max-Age=0"), std::string::npos);
  EXPECT_EQ(call_as(who, "GET", "/api/v1/auth/me").status, 401);
  EXPECT_EQ(count("SELECT COUNT(*) FROM sessions"), 0);
}

TEST_F(AuthRoutesTest, BadLoginBodiesAre4xxAndChangeNothing) {
  struct Case {
    std::string body;
    int status;
    std::string field;
  };
  const std::vector<Case> cases = {
      {R"({"email": "admin@a.example.com", "password": )", 400, ""},
      {R"({"email": "admin@a.example.com", "password": "correct horse battery", "role": "admin"})",
       400, "role"},
      {R"({"email": 5, "password": "correct horse battery"})", 400, "email"},
      {R"({"email": "admin@a.example.com", "password": ["correct horse battery"]})", 400,
       "password"},
      {R"({"email": "admin@a.example.com"})", 400, "password"},
      {R"({"email": "' OR 1=1 --", "password": "' OR 1=1 --"})", 401, ""},
      {R"({"email": "admin@a.example.com' --", "password": "x' OR '1'='1"})", 401, ""},
  };
  for (const Case& c : cases) {
    const HttpResponse r = call("POST", "/api/v1/auth/login", c.body);
    EXPECT_EQ(r.status, c.status) << c.body << " → " << r.body;
    EXPECT_EQ(error_field(r), c.field) << c.body;
  }
  EXPECT_EQ(call("POST", "/api/v1/auth/login",
                 R"({"email": "admin@a.example.com", "password": "correct horse battery"})",
                 {{"Content-Type", "text/plain"}})
                .status,
            415);
  EXPECT_EQ(count("SELECT COUNT(*) FROM sessions"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM users"), 6);
  EXPECT_EQ(audit_rows("login"), 0);
}

TEST_F(AuthRoutesTest, TokensAreOwnedByTheirUser) {
  const auto manager = session_for("manager@a.example.com");
  const HttpResponse created = call_as(manager, "POST", "/api/v1/tokens", R"({"name": "CRM"})");
  ASSERT_EQ(created.status, 201) << created.body;
  const auto token = body_of(created);
  EXPECT_EQ(token["name"], "CRM");
  EXPECT_TRUE(token["token"].get<std::string>().starts_with("dzv_"));
  const std::string id = std::to_string(token["id"].get<std::int64_t>());
  EXPECT_EQ(created.header("Location"), "/api/v1/tokens/" + id);

  // Listed without the secret.
  const HttpResponse listed = call_as(manager, "GET", "/api/v1/tokens");
  ASSERT_EQ(listed.status, 200);
  EXPECT_EQ(body_of(listed)["total"], 1);
  EXPECT_EQ(listed.body.find(token["token"].get<std::string>()), std::string::npos);
  EXPECT_EQ(
      body_of(call_as(session_for("operator@a.example.com"), "GET", "/api/v1/tokens"))["total"], 0);

  // Another user, or another tenant's admin: no such token. The tenant's admin may revoke it.
  EXPECT_EQ(call_as(session_for("head@a.example.com"), "DELETE", "/api/v1/tokens/" + id).status,
            404);
  EXPECT_EQ(call_as(session_for("admin@b.example.com"), "DELETE", "/api/v1/tokens/" + id).status,
            404);
  EXPECT_EQ(call_as(manager, "DELETE", "/api/v1/tokens/abc").status, 404);
  EXPECT_EQ(scalar("SELECT revoked_at FROM api_tokens"), "<null>");
  EXPECT_EQ(call_as(session_for("admin@a.example.com"), "DELETE", "/api/v1/tokens/" + id).status,
            204);
  EXPECT_NE(scalar("SELECT revoked_at FROM api_tokens"), "<null>");
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE resource = 'tokens/" + id + "'"), 2);

  EXPECT_EQ(call_as(manager, "POST", "/api/v1/tokens", R"({"name": "  "})").status, 400);
  EXPECT_EQ(call_as(manager, "POST", "/api/v1/tokens", R"({"name": 7})").status, 400);
}

}  // namespace
}  // namespace dzvin::http
