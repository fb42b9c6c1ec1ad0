// The voicemail inbox (list, mark heard) and who is online (registrations): confined to the
// caller's company, and to their own box / limited fields below head.
#include "http/voicemail_routes.hpp"

#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "captured_routes.hpp"
#include "http/registration_routes.hpp"
#include "route_database.hpp"
#include "store/database.hpp"

namespace dzvin::http {
namespace {

using Json = nlohmann::json;

class InboxRoutesTest : public testing::RouteDatabaseTest {
 protected:
  void SetUp() override {
    RouteDatabaseTest::SetUp();
    if (HasFatalFailure()) return;
    const AuthedRouteAdder add = routes_.adder();
    add_voicemail_routes(add, path_);
    add_registration_routes(add, RegistrationRouteDeps{path_, [] { return 1'800'000'000'000; }});
    // Tenant 1: three messages for 1003 (one heard, one deleted), one for "accounting";
    // tenant 2: one for its 1003.
    ASSERT_TRUE(db_.execute(
        "INSERT INTO voicemails (id, tenant_id, box, call_id, caller, called, recorded_at, "
        "duration_ms, path, heard, deleted_at) VALUES "
        "(1, 1, '1003', 'c1', '+380501234567', '1003', 1000, 4000, 'v/1.wav', 0, NULL),"
        "(2, 1, '1003', 'c2', '+380501234568', '1003', 2000, 5000, 'v/2.wav', 1, NULL),"
        "(3, 1, '1003', 'c3', '+380501234569', '1003', 3000, 6000, 'v/3.wav', 0, 5),"
        "(4, 1, 'accounting', 'c4', '+380441234567', '500', 4000, 7000, 'v/4.wav', 0, NULL),"
        "(5, 2, '1003', 'c5', '+380671234567', '1003', 5000, 8000, 'v/5.wav', 0, NULL);"
        "INSERT INTO tenants (id, name, sip_domain, created_at) VALUES (1, 'A', 'pbx.test', 1), "
        "(2, 'B', 'other.test', 1);"
        "INSERT INTO users (id, tenant_id, username, display_name, ha1_md5, ha1_sha256, "
        "created_at) VALUES (1, 1, '1002', 'Anna', 'x', 'y', 1), (2, 1, '1003', 'Olena', 'x', "
        "'y', 1);"
        "INSERT INTO registrations (tenant_id, aor, contact, call_id, cseq, expires_at, source, "
        "user_agent) VALUES "
        "(1, '1002@pbx.test', 'sip:1002@192.0.2.7:5062', 'a', 1, 1800000600, "
        "'udp:192.0.2.7:5062#0', 'baresip'),"
        "(1, '1003@pbx.test', 'sip:1003@192.0.2.8:5062', 'b', 1, 1799999000, "
        "'udp:192.0.2.8:5062#0', 'old'),"
        "(2, '1009@other.test', 'sip:1009@192.0.2.9:5062', 'c', 1, 1800000600, "
        "'udp:192.0.2.9:5062#0', 'x');"));
  }

  HttpResponse call(const std::string& route, const AuthContext& who, std::string query = {},
                    std::string body = {}, std::string id = {}) {
    if (id.empty()) return routes_.call(route, who, query, std::move(body));
    return routes_.call(route, who, query, std::move(body), {{"id", std::move(id)}});
  }

  static AuthContext user(std::int64_t tenant, std::string name, Role role) {
    AuthContext a;
    a.tenant_id = tenant;
    a.username = std::move(name);
    a.realm = "pbx.test";
    a.role = role;
    return a;
  }

  static std::vector<std::int64_t> ids(const HttpResponse& r) {
    std::vector<std::int64_t> out;
    const Json body = Json::parse(r.body);
    for (const auto& item : body["items"])
      out.push_back(item["id"].get<std::int64_t>());
    return out;
  }

  testing::CapturedRoutes routes_;
};

constexpr const char* kList = "GET /api/v1/voicemails";
constexpr const char* kMark = "PATCH /api/v1/voicemails/{id}";

TEST_F(InboxRoutesTest, TheHeadSeesEveryBoxOfTheCompanyNewestFirst) {
  const auto r = call(kList, user(1, "1001", Role::head));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(ids(r), (std::vector<std::int64_t>{4, 2, 1}));
  const Json body = Json::parse(r.body);
  EXPECT_EQ(body["unheard"], 2);
  EXPECT_TRUE(body["next_before"].is_null());
  const Json& first = body["items"][0];
  EXPECT_EQ(first["box"], "accounting");
  EXPECT_EQ(first["caller"], "+380441234567");
  EXPECT_EQ(first["duration_ms"], 7000);
  EXPECT_EQ(first["heard"], false);
  EXPECT_EQ(first["recorded_at"], "1970-01-01T00:00:04.000Z");
}

TEST_F(InboxRoutesTest, FiltersAndPages) {
  const auto head = user(1, "1001", Role::admin);
  EXPECT_EQ(ids(call(kList, head, "box=1003")), (std::vector<std::int64_t>{2, 1}));
  EXPECT_EQ(ids(call(kList, head, "heard=false")), (std::vector<std::int64_t>{4, 1}));
  EXPECT_EQ(ids(call(kList, head, "heard=true")), (std::vector<std::int64_t>{2}));
  const auto page = call(kList, head, "limit=2");
  EXPECT_EQ(ids(page), (std::vector<std::int64_t>{4, 2}));
  EXPECT_EQ(Json::parse(page.body)["next_before"], 2);
  EXPECT_EQ(ids(call(kList, head, "limit=2&before=2")), (std::vector<std::int64_t>{1}));
  for (const char* bad : {"limit=0", "limit=201", "limit=x", "before=-1", "heard=yes", "box="}) {
    EXPECT_EQ(call(kList, head, bad).status, 400) << bad;
  }
}

TEST_F(InboxRoutesTest, ManagersSeeOnlyTheirOwnBox) {
  EXPECT_EQ(ids(call(kList, user(1, "1003", Role::manager))), (std::vector<std::int64_t>{2, 1}));
  EXPECT_EQ(Json::parse(call(kList, user(1, "1003", Role::operator_)).body)["unheard"], 1);
  EXPECT_TRUE(ids(call(kList, user(1, "1002", Role::manager))).empty());
  EXPECT_EQ(call(kList, user(1, "1002", Role::manager), "box=1003").status, 403);
  EXPECT_EQ(ids(call(kList, user(2, "1003", Role::manager))), (std::vector<std::int64_t>{5}));
}

TEST_F(InboxRoutesTest, MarkingHeardChangesOnlyWhatTheUserMaySee) {
  const auto owner = user(1, "1003", Role::manager);
  const auto marked = call(kMark, owner, {}, R"({"heard": true})", "1");
  ASSERT_EQ(marked.status, 200) << marked.body;
  EXPECT_EQ(Json::parse(marked.body)["heard"], true);
  EXPECT_EQ(Json::parse(call(kList, owner).body)["unheard"], 0);
  EXPECT_EQ(call(kMark, owner, {}, R"({"heard": false})", "1").status, 200);
  EXPECT_EQ(Json::parse(call(kList, owner).body)["unheard"], 1);
  // Another box, another company, a deleted message, no such id: all 404, nothing changed.
  EXPECT_EQ(call(kMark, user(1, "1002", Role::manager), {}, R"({"heard": true})", "1").status, 404);
  EXPECT_EQ(call(kMark, user(2, "1003", Role::admin), {}, R"({"heard": true})", "1").status, 404);
  EXPECT_EQ(call(kMark, user(1, "1001", Role::admin), {}, R"({"heard": true})", "3").status, 404);
  EXPECT_EQ(call(kMark, user(1, "1001", Role::admin), {}, R"({"heard": true})", "99").status, 404);
  EXPECT_EQ(call(kMark, user(1, "1001", Role::admin), {}, R"({"heard": true})", "x").status, 404);
  EXPECT_EQ(Json::parse(call(kList, owner).body)["unheard"], 1);
  // Bad bodies.
  EXPECT_EQ(call(kMark, owner, {}, R"({"heard": "yes"})", "1").status, 400);
  EXPECT_EQ(call(kMark, owner, {}, R"({})", "1").status, 400);
  EXPECT_EQ(call(kMark, owner, {}, R"({"heard": true, "box": "1002"})", "1").status, 400);
  // The head marks any box of the company.
  EXPECT_EQ(call(kMark, user(1, "1001", Role::head), {}, R"({"heard": true})", "4").status, 200);
}

TEST_F(InboxRoutesTest, RegistrationsListTheCompanysLivePhones) {
  const auto head = call("GET /api/v1/registrations", user(1, "1001", Role::head));
  ASSERT_EQ(head.status, 200) << head.body;
  const Json items = Json::parse(head.body)["items"];
  ASSERT_EQ(items.size(), 1u);  // 1003's binding has expired; tenant 2's is not ours
  EXPECT_EQ(items[0]["user"], "1002");
  EXPECT_EQ(items[0]["display_name"], "Anna");
  EXPECT_EQ(items[0]["contact"], "sip:1002@192.0.2.7:5062");
  EXPECT_EQ(items[0]["user_agent"], "baresip");
  EXPECT_EQ(items[0]["expires_at"], "2027-01-15T08:10:00.000Z");
  // Operators see who is online, not addresses or phone models.
  const Json plain =
      Json::parse(call("GET /api/v1/registrations", user(1, "1003", Role::operator_)).body);
  ASSERT_EQ(plain["items"].size(), 1u);
  EXPECT_EQ(plain["items"][0]["user"], "1002");
  EXPECT_FALSE(plain["items"][0].contains("contact"));
  EXPECT_FALSE(plain["items"][0].contains("source"));
  const Json other =
      Json::parse(call("GET /api/v1/registrations", user(2, "1009", Role::admin)).body);
  ASSERT_EQ(other["items"].size(), 1u);
  EXPECT_EQ(other["items"][0]["user"], "1009");
}

}  // namespace
}  // namespace dzvin::http
