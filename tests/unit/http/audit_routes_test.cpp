// Configuration changes in the audit log (audited_adder) and reading it back (GET /api/v1/audit).
#include "http/audit_routes.hpp"

#include <gtest/gtest.h>

#include "auth_fixture.hpp"

namespace dzvin::http::testing {
namespace {

class AuditRoutesTest : public AuthFixture {
 protected:
  void SetUp() override {
    AuthFixture::SetUp();
    auto audited = auth_->audited_adder(router_);
    audited("PUT", "/api/v1/things/{name}", Role::admin,
            [](const HttpRequest&, const RouteParams& params, const AuthContext&) {
              if (params.get("name") == "bad") return json_error(400, "invalid", "name: bad");
              return json(200, "{}");
            });
    audited("DELETE", "/api/v1/things/{name}", Role::admin,
            [](const HttpRequest&, const RouteParams&, const AuthContext&) {
              HttpResponse r;
              r.status = 204;
              return r;
            });
    audited(
        "GET", "/api/v1/things", Role::head,
        [](const HttpRequest&, const RouteParams&, const AuthContext&) { return json(200, "{}"); });
    add_audit_routes(
        [this](std::string_view method, std::string_view pattern, Role minimum,
               AuthedHandler handler) {
          auth_->add_authed(router_, method, pattern, minimum, std::move(handler));
        },
        path_);
  }
};

TEST_F(AuditRoutesTest, SuccessfulChangesAreLoggedWithWhoAndWhat) {
  const auto admin = session_for("admin@a.example.com");
  EXPECT_EQ(call_as(admin, "PUT", "/api/v1/things/sales", "{}").status, 200);
  EXPECT_EQ(call_as(admin, "PUT", "/api/v1/things/bad", "{}").status, 400);
  EXPECT_EQ(call_as(admin, "GET", "/api/v1/things").status, 200);
  EXPECT_EQ(
      call_with_token(token_for("admin@a.example.com"), "DELETE", "/api/v1/things/sales").status,
      204);
  // A refused change (role) and a read are not changes.
  EXPECT_EQ(call_as(session_for("head@a.example.com"), "PUT", "/api/v1/things/x", "{}").status,
            403);

  const auto listed = call_as(admin, "GET", "/api/v1/audit?limit=10");
  ASSERT_EQ(listed.status, 200) << listed.body;
  const auto items = body_of(listed)["items"];
  std::vector<std::string> seen;
  for (const auto& item : items) {
    if (item["resource"].get<std::string>().starts_with("things")) {
      seen.push_back(item["action"].get<std::string>() + " " + item["resource"].get<std::string>() +
                     " by " + item["user"].get<std::string>() + " " +
                     item["detail"].get<std::string>());
    }
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"delete things/sales by 100 via API token",
                                            "update things/sales by 100 "}));
}

TEST_F(AuditRoutesTest, OnlyAdminsReadTheirOwnCompanysLog) {
  const auto admin = session_for("admin@a.example.com");
  ASSERT_EQ(call_as(admin, "PUT", "/api/v1/things/sales", "{}").status, 200);
  EXPECT_EQ(call_as(session_for("head@a.example.com"), "GET", "/api/v1/audit").status, 403);
  const auto other = call_as(session_for("admin@b.example.com"), "GET", "/api/v1/audit");
  ASSERT_EQ(other.status, 200);
  const auto other_log = body_of(other);
  for (const auto& item : other_log["items"])
    EXPECT_FALSE(item["resource"].get<std::string>().starts_with("things")) << item;
}

TEST_F(AuditRoutesTest, PagesNewestFirst) {
  const auto admin = session_for("admin@a.example.com");
  for (const char* name : {"a", "b", "c"})
    ASSERT_EQ(call_as(admin, "PUT", std::string("/api/v1/things/") + name, "{}").status, 200);
  const auto first = body_of(call_as(admin, "GET", "/api/v1/audit?limit=2"));
  ASSERT_EQ(first["items"].size(), 2u);
  EXPECT_EQ(first["items"][0]["resource"], "things/c");
  EXPECT_EQ(first["items"][1]["resource"], "things/b");
  const auto next =
      body_of(call_as(admin, "GET", "/api/v1/audit?limit=2&before=" + first["next_before"].dump()));
  ASSERT_FALSE(next["items"].empty());
  EXPECT_EQ(next["items"][0]["resource"], "things/a");
  EXPECT_EQ(call_as(admin, "GET", "/api/v1/audit?limit=0").status, 400);
  EXPECT_EQ(call_as(admin, "GET", "/api/v1/audit?before=x").status, 400);
}

}  // namespace
}  // namespace dzvin::http::testing
