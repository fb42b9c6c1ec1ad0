#include "http/api_auth.hpp"

#include <gtest/gtest.h>

#include "auth_fixture.hpp"

namespace dzvin::http {
namespace {

class ApiAuthTest : public testing::AuthFixture {};

TEST_F(ApiAuthTest, ACookieSessionReadsWithoutACsrfToken) {
  const auto who = session_for("head@a.example.com");
  const HttpResponse me =
      call("GET", "/api/v1/auth/me", {}, {{"Cookie", "dzvin_session=" + who.cookie}});
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(body_of(me)["user"]["username"], "101");
  EXPECT_EQ(body_of(me)["csrf_token"], who.csrf);
  EXPECT_EQ(me.header("Cache-Control"), "no-store");
}

TEST_F(ApiAuthTest, AStateChangingRequestWithACookieNeedsTheSessionsCsrfToken) {
  const auto who = session_for("admin@a.example.com");
  const std::string patch = R"({"display_name": "Changed"})";
  const std::vector<std::vector<HttpHeader>> refused = {
      {{"Cookie", "dzvin_session=" + who.cookie}},
      {{"Cookie", "dzvin_session=" + who.cookie}, {"X-CSRF-Token", ""}},
      {{"Cookie", "dzvin_session=" + who.cookie}, {"X-CSRF-Token", std::string(64, '0')}},
      {{"Cookie", "dzvin_session=" + who.cookie}, {"X-CSRF-Token", who.cookie}},
      {{"Cookie", "dzvin_session=" + who.cookie}, {"X-CSRF-Token", who.csrf.substr(1)}},
  };
  for (const auto& headers : refused) {
    const HttpResponse r = call("PATCH", "/api/v1/users/102", patch, headers);
    EXPECT_EQ(r.status, 403) << r.body;
    EXPECT_EQ(error_code(r), "csrf");
    EXPECT_EQ(error_field(r), "X-CSRF-Token");
  }
  const HttpResponse token = call("POST", "/api/v1/tokens", R"({"name": "x"})",
                                  {{"Cookie", "dzvin_session=" + who.cookie}});
  EXPECT_EQ(token.status, 403);
  EXPECT_EQ(scalar("SELECT display_name FROM users WHERE tenant_id = 1 AND username = '102'"),
            "User 102");
  EXPECT_EQ(count("SELECT COUNT(*) FROM api_tokens"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log"), 0);

  const HttpResponse ok = call_as(who, "PATCH", "/api/v1/users/102", patch);
  EXPECT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(scalar("SELECT display_name FROM users WHERE tenant_id = 1 AND username = '102'"),
            "Changed");
}

TEST_F(ApiAuthTest, ABearerTokenWorksWithoutCsrf) {
  const std::string token = token_for("admin@a.example.com");
  const HttpResponse r =
      call_with_token(token, "PATCH", "/api/v1/users/103", R"({"display_name": "Via token"})");
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(scalar("SELECT display_name FROM users WHERE tenant_id = 1 AND username = '103'"),
            "Via token");
  const HttpResponse me = call_with_token(token, "GET", "/api/v1/auth/me");
  ASSERT_EQ(me.status, 200);
  EXPECT_TRUE(body_of(me)["via_token"].get<bool>());
  EXPECT_FALSE(body_of(me).contains("csrf_token"));
  // The scheme is case-insensitive (RFC 9110 §11.1).
  EXPECT_EQ(call("GET", "/api/v1/auth/me", {}, {{"Authorization", "bearer " + token}}).status, 200);
}

TEST_F(ApiAuthTest, ARevokedTokenIsRefused) {
  const std::string token = token_for("manager@a.example.com");
  const auto listed = body_of(call_with_token(token, "GET", "/api/v1/tokens"));
  ASSERT_EQ(listed["total"], 1);
  const std::int64_t id = listed["items"][0]["id"];
  EXPECT_EQ(call_with_token(token, "DELETE", "/api/v1/tokens/" + std::to_string(id)).status, 204);
  const HttpResponse r = call_with_token(token, "GET", "/api/v1/auth/me");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(error_code(r), "unauthorized");
  EXPECT_EQ(r.header("WWW-Authenticate"), "Bearer realm=\"dzvin\"");
}

TEST_F(ApiAuthTest, MissingOrBadCredentialsAre401) {
  const auto who = session_for("admin@a.example.com");
  const std::vector<std::vector<HttpHeader>> cases = {
      {},
      {{"Cookie", "theme=dark"}},
      {{"Cookie", "dzvin_session=" + std::string(64, 'a')}},
      {{"Cookie", "dzvin_session=' OR 1=1 --"}},
      {{"Authorization", "Basic YWRtaW46YWRtaW4="}},
      {{"Authorization", "Bearer dzv_" + std::string(40, '0')}},
      {{"Authorization", "Bearer"}},
      // A bad token is not rescued by a good cookie.
      {{"Authorization", "Bearer nope"}, {"Cookie", "dzvin_session=" + who.cookie}},
  };
  for (const auto& headers : cases) {
    const HttpResponse r = call("GET", "/api/v1/auth/me", {}, headers);
    EXPECT_EQ(r.status, 401) << (headers.empty() ? "" : headers[0].second);
    EXPECT_EQ(error_code(r), "unauthorized");
  }
}

TEST_F(ApiAuthTest, AnExpiredSessionIs401) {
  const auto who = session_for("admin@a.example.com");
  clock_.advance(std::chrono::hours(12));
  EXPECT_EQ(call_as(who, "GET", "/api/v1/auth/me").status, 401);
}

TEST_F(ApiAuthTest, ReadsTheSessionCookieAmongOthers) {
  HttpRequest request;
  request.headers.emplace_back("cookie", "a=1;dzvin_session_old=x; dzvin_session = \"abc\" ; b=2");
  EXPECT_EQ(request_cookie(request, "dzvin_session"), "abc");
  EXPECT_EQ(request_cookie(request, "b"), "2");
  EXPECT_FALSE(request_cookie(request, "c"));
  EXPECT_FALSE(request_cookie(HttpRequest{}, "dzvin_session"));
}

}  // namespace
}  // namespace dzvin::http
