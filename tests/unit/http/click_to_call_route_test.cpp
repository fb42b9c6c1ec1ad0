// POST /api/v1/click-to-call in process, the call engine replaced by a recording function: who
// may ring whose phone, the fields' checks (400 naming the field), the contact's name shown on
// the user's phone, and how the engine's refusals reach the client.
#include "http/click_to_call_route.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "captured_routes.hpp"
#include "route_database.hpp"
#include "store/database.hpp"

namespace dzvin::http {
namespace {

using Json = nlohmann::json;
constexpr const char* kRoute = "POST /api/v1/click-to-call";

class ClickToCallRouteTest : public testing::RouteDatabaseTest {
 protected:
  void SetUp() override {
    RouteDatabaseTest::SetUp();
    if (HasFatalFailure()) return;
    ASSERT_TRUE(db_.execute(
        "INSERT INTO tenants (id, name, sip_domain, created_at) VALUES (1, 'A', 'pbx.test', 1), "
        "(2, 'B', 'other.test', 1);"
        "INSERT INTO users (id, tenant_id, username, display_name, ha1_md5, ha1_sha256, "
        "created_at, role) VALUES (1, 1, '1001', 'Boss', 'x', 'y', 1, 'admin'), "
        "(2, 1, '1003', 'Olena', 'x', 'y', 1, 'manager'), "
        "(3, 2, '2001', 'B', 'x', 'y', 1, 'admin');"
        "INSERT INTO contacts (id, tenant_id, name, created_at, updated_at) VALUES "
        "(1, 1, 'Taras Shevchuk', 1, 1), (2, 2, 'Somebody Else', 1, 1);"
        "INSERT INTO contact_phones (tenant_id, number, contact_id) VALUES "
        "(1, '+380671112244', 1), (2, '+380501112233', 2);"));
    add_click_to_call_route(routes_.adder(), std::make_shared<CrmStores>(path_, clock_),
                            [this](const pbx::Origination& o) -> Result<std::string> {
                              asked_ = o;
                              if (answer_) return *answer_;
                              return std::string("call-uid-1");
                            });
  }

  static AuthContext user(std::int64_t tenant, std::string name, Role role) {
    AuthContext a;
    a.tenant_id = tenant;
    a.username = std::move(name);
    a.realm = tenant == 1 ? "pbx.test" : "other.test";
    a.role = role;
    return a;
  }
  HttpResponse post(const AuthContext& who, const std::string& body) {
    return routes_.call(kRoute, who, {}, body);
  }
  static Json error_of(const HttpResponse& r) {
    const Json body = Json::parse(r.body, nullptr, false);
    return body.is_object() && body.contains("error") ? body["error"] : Json();
  }

  FakeClock clock_;
  testing::CapturedRoutes routes_;
  std::optional<pbx::Origination> asked_;
  std::optional<Result<std::string>> answer_;
};

TEST_F(ClickToCallRouteTest, RingsTheCallersOwnPhoneWithTheContactsName) {
  EXPECT_EQ(routes_.minimum(kRoute), Role::operator_);
  const auto r = post(user(1, "1003", Role::manager), R"({"number": "067 111 22 44"})");
  ASSERT_EQ(r.status, 202) << r.body;
  const Json body = Json::parse(r.body);
  EXPECT_EQ(body["call_id"], "call-uid-1");
  EXPECT_EQ(body["user"], "1003");
  ASSERT_TRUE(asked_);
  EXPECT_EQ(asked_->tenant_id, 1);
  EXPECT_EQ(asked_->realm, "pbx.test");
  EXPECT_EQ(asked_->user, "1003");
  EXPECT_EQ(asked_->number, "067 111 22 44") << "dialled as the user would have";
  EXPECT_EQ(asked_->display, "Taras Shevchuk") << "the CRM's name, found by the E.164 form";
  EXPECT_EQ(asked_->ring_user_for, std::chrono::seconds(30));
}

TEST_F(ClickToCallRouteTest, AnotherCompanysContactIsNotShown) {
  ASSERT_EQ(post(user(1, "1001", Role::admin), R"({"number": "+380501112233"})").status, 202);
  ASSERT_TRUE(asked_);
  EXPECT_EQ(asked_->display, "");
}

TEST_F(ClickToCallRouteTest, OnlyHeadsRingAnotherUsersPhone) {
  auto r = post(user(1, "1003", Role::manager), R"({"number": "+380671112244", "user": "1001"})");
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(error_of(r).value("field", ""), "user");
  EXPECT_FALSE(asked_) << "nothing was started";
  r = post(user(1, "1001", Role::admin),
           R"({"number": "+380671112244", "user": "1003", "ring_seconds": 10})");
  ASSERT_EQ(r.status, 202) << r.body;
  EXPECT_EQ(asked_->user, "1003");
  EXPECT_EQ(asked_->ring_user_for, std::chrono::seconds(10));
}

TEST_F(ClickToCallRouteTest, BadFieldsAreRefusedNamingThem) {
  const auto who = user(1, "1003", Role::manager);
  struct Case {
    const char* body;
    int status;
    const char* field;
  };
  for (const Case& c :
       {Case{R"({})", 400, "number"}, Case{R"({"number": ""})", 422, "number"},
        Case{R"({"number": 380})", 400, "number"},
        Case{R"({"number": "+380671112244", "ring_seconds": 4})", 400, "ring_seconds"},
        Case{R"({"number": "+380671112244", "ring_seconds": 121})", 400, "ring_seconds"},
        Case{R"({"number": "+380671112244", "ring_seconds": "10"})", 400, "ring_seconds"},
        Case{R"({"number": "+380671112244", "colour": "red"})", 400, ""}}) {
    const auto r = post(who, c.body);
    EXPECT_EQ(r.status, c.status) << c.body << " " << r.body;
    if (*c.field != '\0') {
      EXPECT_EQ(error_of(r).value("field", ""), c.field) << c.body;
    }
  }
  EXPECT_FALSE(asked_);
}

TEST_F(ClickToCallRouteTest, TheEnginesRefusalsReachTheClient) {
  const auto who = user(1, "1003", Role::manager);
  answer_ = make_error(409, "1003 has no phone registered: the call rings it first");
  auto r = post(who, R"({"number": "+380671112244"})");
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(error_of(r).value("code", ""), "offline");
  EXPECT_EQ(error_of(r).value("message", ""),
            "1003 has no phone registered: the call rings it first");
  answer_ = make_error(422, "\"12\" is not a user, a number of ours or a phone number");
  r = post(who, R"({"number": "12"})");
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(error_of(r).value("field", ""), "number");
  answer_ = make_error(503, "no trunk to call external numbers");
  r = post(who, R"({"number": "+380671112244"})");
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(error_of(r).value("message", ""), "no trunk to call external numbers");
  answer_ = make_error(404, "no user \"1003\"");
  EXPECT_EQ(post(who, R"({"number": "+380671112244"})").status, 404);
}

}  // namespace
}  // namespace dzvin::http
