#include "http/user_routes.hpp"

#include <gtest/gtest.h>

#include "auth_fixture.hpp"
#include "http/password_hasher.hpp"
#include "sip/digest_hasher.hpp"

namespace dzvin::http {
namespace {

class UserRoutesTest : public testing::AuthFixture {
 protected:
  void SetUp() override {
    AuthFixture::SetUp();
    admin_a_ = session_for("admin@a.example.com");
    head_a_ = session_for("head@a.example.com");
    manager_a_ = session_for("manager@a.example.com");
    operator_a_ = session_for("operator@a.example.com");
    admin_b_ = session_for("admin@b.example.com");
  }

  // Everything a request could have changed: users (all columns), sessions, tokens, audit.
  std::string snapshot() {
    std::string all;
    auto stmt = db_.prepare(
        "SELECT tenant_id, username, display_name, ha1_md5, ha1_sha256, COALESCE(email, ''), "
        "role, COALESCE(password_hash, ''), mobile FROM users ORDER BY id");
    EXPECT_TRUE(stmt);
    while (*stmt->step()) {
      for (int i = 0; i < 9; ++i)
        all += stmt->column_text(i) + "|";
      all += "\n";
    }
    all += std::to_string(count("SELECT COUNT(*) FROM sessions")) + " " +
           std::to_string(count("SELECT COUNT(*) FROM api_tokens")) + " " +
           std::to_string(count("SELECT COUNT(*) FROM audit_log"));
    return all;
  }

  testing::Credentials admin_a_, head_a_, manager_a_, operator_a_, admin_b_;
};

TEST_F(UserRoutesTest, AManagerCannotListUsersAndAHeadCan) {
  const HttpResponse refused = call_as(manager_a_, "GET", "/api/v1/users");
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(error_code(refused), "forbidden");
  EXPECT_EQ(call_as(operator_a_, "GET", "/api/v1/users").status, 403);

  const HttpResponse listed = call_as(head_a_, "GET", "/api/v1/users");
  ASSERT_EQ(listed.status, 200) << listed.body;
  const auto body = body_of(listed);
  EXPECT_EQ(body["total"], 4);  // tenant A only
  ASSERT_EQ(body["items"].size(), 4u);
  EXPECT_EQ(body["items"][0]["username"], "100");
  EXPECT_EQ(body["items"][2]["role"], "manager");
  EXPECT_TRUE(body["items"][2]["web_login"].get<bool>());
  for (const char* secret : {"argon2", "ha1", "password_hash", "b.example.com"})
    EXPECT_EQ(listed.body.find(secret), std::string::npos) << secret;
}

TEST_F(UserRoutesTest, ListsAPage) {
  const auto page = body_of(call_as(admin_a_, "GET", "/api/v1/users?limit=2&offset=1"));
  EXPECT_EQ(page["total"], 4);
  ASSERT_EQ(page["items"].size(), 2u);
  EXPECT_EQ(page["items"][0]["username"], "101");
  EXPECT_EQ(page["items"][1]["username"], "102");
  EXPECT_EQ(body_of(call_as(admin_a_, "GET", "/api/v1/users?offset=10"))["items"].size(), 0u);
  for (const char* query : {"limit=0", "limit=201", "limit=abc", "limit=", "offset=-1",
                            "limit=1%20OR%201=1", "offset=1;DROP"}) {
    const HttpResponse r = call_as(admin_a_, "GET", std::string("/api/v1/users?") + query);
    EXPECT_EQ(r.status, 400) << query;
    EXPECT_EQ(error_field(r), std::string(query).substr(0, std::string(query).find('='))) << query;
  }
}

TEST_F(UserRoutesTest, AManagerSeesAndChangesOnlyThemselves) {
  EXPECT_EQ(call_as(manager_a_, "GET", "/api/v1/users/102").status, 200);
  EXPECT_EQ(call_as(manager_a_, "GET", "/api/v1/users/103").status, 403);
  EXPECT_EQ(call_as(head_a_, "GET", "/api/v1/users/103").status, 200);

  const std::string before = snapshot();
  const HttpResponse other =
      call_as(manager_a_, "PATCH", "/api/v1/users/103", R"({"display_name": "Hijacked"})");
  EXPECT_EQ(other.status, 403);
  EXPECT_EQ(error_code(other), "forbidden");
  const HttpResponse promote =
      call_as(manager_a_, "PATCH", "/api/v1/users/102", R"({"role": "admin"})");
  EXPECT_EQ(promote.status, 403);
  EXPECT_EQ(error_field(promote), "role");
  EXPECT_EQ(
      call_as(manager_a_, "PATCH", "/api/v1/users/102", R"({"email": "me@x.example.com"})").status,
      403);
  EXPECT_EQ(call_as(manager_a_, "DELETE", "/api/v1/users/103").status, 403);
  EXPECT_EQ(call_as(head_a_, "POST", "/api/v1/users",
                    R"({"username": "150", "sip_password": "sip-secret-9"})")
                .status,
            403);
  EXPECT_EQ(snapshot(), before);

  const HttpResponse own = call_as(manager_a_, "PATCH", "/api/v1/users/102",
                                   R"({"display_name": "Olena", "mobile": "+380501234567"})");
  ASSERT_EQ(own.status, 200) << own.body;
  EXPECT_EQ(body_of(own)["display_name"], "Olena");
  EXPECT_EQ(body_of(own)["mobile"], "+380501234567");
}

TEST_F(UserRoutesTest, AnAdminCreatesAUserWithSipAndWebPasswords) {
  const HttpResponse r = call_as(admin_a_, "POST", "/api/v1/users", R"({
      "username": "105", "display_name": "Taras", "email": "Taras@A.example.com",
      "role": "operator", "password": "taras web password", "sip_password": "taras-sip-pw",
      "mobile": "+380671112233"})");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.header("Location"), "/api/v1/users/105");
  const auto user = body_of(r);
  EXPECT_EQ(user["email"], "taras@a.example.com");
  EXPECT_EQ(user["role"], "operator");
  EXPECT_TRUE(user["web_login"].get<bool>());
  EXPECT_EQ(r.body.find("taras-sip-pw"), std::string::npos);
  EXPECT_EQ(r.body.find("taras web password"), std::string::npos);
  // SIP: the HA1 of the tenant's realm. Web: argon2id.
  EXPECT_EQ(scalar("SELECT ha1_md5 FROM users WHERE username = '105'"),
            sip::compute_ha1("105", "a.example.com", "taras-sip-pw", sip::DigestAlgorithm::md5));
  EXPECT_TRUE(
      scalar("SELECT password_hash FROM users WHERE username = '105'").starts_with("$argon2id$"));
  EXPECT_EQ(login("taras@a.example.com", "taras web password").status, 200);
  EXPECT_EQ(scalar("SELECT user_id || ' ' || action || ' ' || resource FROM audit_log WHERE "
                   "action = 'create'"),
            "1 create users/105");

  // Taken names and e-mails are conflicts; nothing is half-created.
  const std::string before = snapshot();
  const HttpResponse taken = call_as(admin_a_, "POST", "/api/v1/users",
                                     R"({"username": "105", "sip_password": "another-pw-1"})");
  EXPECT_EQ(taken.status, 409);
  EXPECT_EQ(error_field(taken), "username");
  const HttpResponse email = call_as(
      admin_a_, "POST", "/api/v1/users",
      R"({"username": "106", "sip_password": "another-pw-1", "email": "HEAD@a.example.com"})");
  EXPECT_EQ(email.status, 409);
  EXPECT_EQ(error_field(email), "email");
  EXPECT_EQ(snapshot(), before);
}

TEST_F(UserRoutesTest, AnUpdateIsAuditedWithoutSecrets) {
  const HttpResponse r =
      call_as(admin_a_, "PATCH", "/api/v1/users/102",
              R"({"display_name": "Olena K", "role": "head", "password": "new web password",
                  "sip_password": "new-sip-password"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(body_of(r)["role"], "head");
  EXPECT_EQ(scalar("SELECT role FROM users WHERE tenant_id = 1 AND username = '102'"), "head");
  EXPECT_EQ(scalar("SELECT tenant_id || ' ' || user_id || ' ' || action || ' ' || resource || ' ' "
                   "|| detail FROM audit_log WHERE action = 'update'"),
            "1 1 update users/102 display_name role=head sip_password password");
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE detail LIKE '%new%'"), 0);
  // The new password ends the user's sessions; the new one works.
  EXPECT_EQ(call_as(manager_a_, "GET", "/api/v1/auth/me").status, 401);
  EXPECT_EQ(login("manager@a.example.com", "new web password").status, 200);
  EXPECT_EQ(
      scalar("SELECT ha1_md5 FROM users WHERE tenant_id = 1 AND username = '102'"),
      sip::compute_ha1("102", "a.example.com", "new-sip-password", sip::DigestAlgorithm::md5));
}

TEST_F(UserRoutesTest, AnAdminCannotDemoteOrDeleteThemselves) {
  const std::string before = snapshot();
  EXPECT_EQ(call_as(admin_a_, "PATCH", "/api/v1/users/100", R"({"role": "head"})").status, 409);
  EXPECT_EQ(call_as(admin_a_, "DELETE", "/api/v1/users/100").status, 409);
  EXPECT_EQ(snapshot(), before);
}

TEST_F(UserRoutesTest, DeletingAUserEndsTheirSessionsAndTokens) {
  const std::string token = token_for("operator@a.example.com");
  EXPECT_EQ(call_as(admin_a_, "DELETE", "/api/v1/users/103").status, 204);
  EXPECT_EQ(call_as(operator_a_, "GET", "/api/v1/auth/me").status, 401);
  EXPECT_EQ(call_with_token(token, "GET", "/api/v1/auth/me").status, 401);
  EXPECT_EQ(call_as(admin_a_, "GET", "/api/v1/users/103").status, 404);
  EXPECT_EQ(call_as(admin_a_, "DELETE", "/api/v1/users/103").status, 404);
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE action = 'delete' AND resource = "
                  "'users/103'"),
            1);
}

TEST_F(UserRoutesTest, TenantsNeverSeeOrChangeEachOthersUsers) {
  const std::string before = snapshot();
  // 200 exists only in tenant B.
  EXPECT_EQ(call_as(admin_a_, "GET", "/api/v1/users/200").status, 404);
  EXPECT_EQ(
      call_as(admin_a_, "PATCH", "/api/v1/users/200", R"({"display_name": "Mine now"})").status,
      404);
  EXPECT_EQ(
      call_as(admin_a_, "PATCH", "/api/v1/users/200", R"({"password": "taken over!"})").status,
      404);
  EXPECT_EQ(call_as(admin_a_, "DELETE", "/api/v1/users/200").status, 404);
  EXPECT_EQ(snapshot(), before);
  EXPECT_EQ(count("SELECT COUNT(*) FROM users WHERE tenant_id = 2"), 2);

  // Both tenants have a 102: each admin reaches only their own.
  ASSERT_EQ(
      call_as(admin_b_, "PATCH", "/api/v1/users/102", R"({"display_name": "Beta 102"})").status,
      200);
  EXPECT_EQ(scalar("SELECT display_name FROM users WHERE tenant_id = 1 AND username = '102'"),
            "User 102");
  EXPECT_EQ(scalar("SELECT display_name FROM users WHERE tenant_id = 2 AND username = '102'"),
            "Beta 102");
  EXPECT_EQ(body_of(call_as(admin_a_, "GET", "/api/v1/users/102"))["display_name"], "User 102");
  const auto b_users = body_of(call_as(admin_b_, "GET", "/api/v1/users"));
  EXPECT_EQ(b_users["total"], 2);
  EXPECT_EQ(b_users["items"][0]["username"], "102");
  EXPECT_EQ(b_users["items"][1]["username"], "200");
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE tenant_id = 2 AND action = 'update'"), 1);
}

TEST_F(UserRoutesTest, BadInputIs4xxAndChangesNothing) {
  struct Case {
    std::string method;
    std::string target;
    std::string body;
    int status;
    std::string field;
  };
  const std::string create = "/api/v1/users";
  const std::string patch = "/api/v1/users/102";
  const std::vector<Case> cases = {
      {"POST", create, R"({"username": "150", "sip_password": "sip-secret-9")", 400, ""},
      {"POST", create, R"({"username": "150", "sip_password": "sip-secret-9", "admin": true})", 400,
       "admin"},
      {"POST", create, R"({"username": 150, "sip_password": "sip-secret-9"})", 400, "username"},
      {"POST", create, R"({"username": "150"})", 400, "sip_password"},
      {"POST", create, R"({"username": "150", "sip_password": "short"})", 400, "sip_password"},
      {"POST", create, R"({"username": "' OR 1=1 --", "sip_password": "sip-secret-9"})", 400,
       "username"},
      {"POST", create,
       R"({"username": "150", "sip_password": "sip-secret-9", "email": "' OR 1=1 --"})", 400,
       "email"},
      {"POST", create,
       R"({"username": "150", "sip_password": "sip-secret-9", "email": "x@a.example.com'; DROP TABLE users; --"})",
       400, "email"},
      {"POST", create,
       R"({"username": "150", "sip_password": "sip-secret-9", "password": "web password 1"})", 400,
       "email"},
      {"POST", create, R"({"username": "150", "sip_password": "sip-secret-9", "role": "root"})",
       400, "role"},
      {"POST", create, R"({"username": "150", "sip_password": "sip-secret-9", "mobile": "0501"})",
       400, "mobile"},
      {"POST", create, R"([{"username": "150"}])", 400, ""},
      {"PATCH", patch, R"({"display_name": "x",})", 400, ""},
      {"PATCH", patch, R"({"username": "999"})", 400, "username"},
      {"PATCH", patch, R"({"display_name": 42})", 400, "display_name"},
      {"PATCH", patch, R"({"display_name": null})", 400, "display_name"},
      {"PATCH", patch, R"({"role": ["admin"]})", 400, "role"},
      {"PATCH", patch, R"({"email": "' OR 1=1 --"})", 400, "email"},
      {"PATCH", patch, R"({"password": "short"})", 400, "password"},
      {"PATCH", patch, R"({"display_name": ")" + std::string(101, 'x') + "\"}", 400,
       "display_name"},
      {"PATCH", patch, R"({"display_name": "x", "display_name": "y"})", 400, "display_name"},
      {"PATCH", patch, "{}", 400, ""},
      {"PATCH", patch, R"({"display_name": ")" + std::string(70 * 1024, 'x') + "\"}", 413, ""},
      {"PATCH", "/api/v1/users/' OR 1=1 --", R"({"display_name": "x"})", 404, "username"},
  };
  const std::string before = snapshot();
  for (const Case& c : cases) {
    const HttpResponse r = call_as(admin_a_, c.method, c.target, c.body);
    EXPECT_EQ(r.status, c.status) << c.method << " " << c.body.substr(0, 120) << " → " << r.body;
    EXPECT_EQ(error_field(r), c.field) << c.body.substr(0, 120);
  }
  const HttpResponse form = call("POST", create, "username=150&sip_password=sip-secret-9",
                                 {{"Cookie", "dzvin_session=" + admin_a_.cookie},
                                  {"X-CSRF-Token", admin_a_.csrf},
                                  {"Content-Type", "application/x-www-form-urlencoded"}});
  EXPECT_EQ(form.status, 415);
  EXPECT_EQ(snapshot(), before);
}

}  // namespace
}  // namespace dzvin::http
