#include "http/call_routes.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "http/router.hpp"
#include "route_database.hpp"
#include "store/database.hpp"

namespace dzvin::http {
namespace {

using Json = nlohmann::json;

constexpr std::int64_t kT0 = 1'800'000'000'000;  // 2027-01-15T08:00:00Z

struct RegisteredRoute {
  Role minimum = Role::admin;
  AuthedHandler handler;
};

class CallRoutesTest : public testing::RouteDatabaseTest {
 protected:
  void SetUp() override {
    RouteDatabaseTest::SetUp();
    if (HasFatalFailure()) return;
    add_call_routes(
        [this](std::string_view method, std::string_view pattern, Role minimum,
               AuthedHandler handler) {
          routes_[std::string(method) + " " + std::string(pattern)] =
              RegisteredRoute{minimum, std::move(handler)};
        },
        CallRouteDeps{.database_path = path_, .default_time_zone = "Europe/Kyiv"});

    // Tenant 1 (pbx.test): 1002 answers c1, makes c2; 1003 answers c3; c4 is missed.
    call("c1", 1, "+380501234567", "500", kT0, "1002@pbx.test", "answered: caller hung up");
    call("c2", 1, "1002", "+380671112233", kT0 + 60'000, "", "missed: busy");
    call("c3", 1, "+380501234567", "500", kT0 + 120'000, "1003@pbx.test", "answered: x");
    call("c4", 1, "+380939998877", "501", kT0 + 180'000, "", "voicemail: sales");
    // Tenant 2 has a call with the same numbers, and the same user name.
    call("t2", 2, "+380501234567", "500", kT0 + 30'000, "1002@other.test", "answered: x");
    ASSERT_TRUE(db_.execute(
        "INSERT INTO call_events (call_id, seq, at, kind, target, detail, sip_status) VALUES "
        "('c1', 0, 1800000000000, 'started', '', 'duty', 0), "
        "('c1', 1, 1800000000100, 'ringing', '1002@pbx.test', '', 0), "
        "('c1', 2, 1800000005000, 'answered', '1002@pbx.test', '', 0), "
        "('c1', 3, 1800000060000, 'ended', '', 'answered: caller hung up', 0)"));
    ASSERT_TRUE(db_.execute(
        "INSERT INTO call_hours (tenant_id, called, hour_start, total, missed) VALUES "
        "(1, '500', 1800000000, 10, 2), (1, '501', 1800000000, 5, 5), "
        "(1, '500', 1800003600, 1, 0), (2, '500', 1800000000, 99, 99), "
        // The writer's rows for all numbers together.
        "(1, '', 1800000000, 15, 7), (1, '', 1800003600, 1, 0), (2, '', 1800000000, 99, 99)"));
  }

  void call(std::string id, std::int64_t tenant, std::string caller, std::string called,
            std::int64_t started_at, std::string answered_by, std::string outcome) {
    auto s = db_.prepare(
        "INSERT INTO calls (id, tenant_id, caller, called, started_at, answered_at, answered_by, "
        "ended_at, outcome, sip_status, talk_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 0, "
        "?10)");
    ASSERT_TRUE(s);
    s->bind(1, id).bind(2, tenant).bind(3, caller).bind(4, called).bind(5, started_at);
    if (answered_by.empty()) {
      s->bind_null(6).bind_null(7);
    } else {
      s->bind(6, started_at + 5000).bind(7, answered_by);
    }
    s->bind(8, started_at + 60'000).bind(9, outcome);
    s->bind(10, std::int64_t{answered_by.empty() ? 0 : 55'000});
    ASSERT_TRUE(s->run());
  }

  static AuthContext user(Role role, std::string username = "1002", std::int64_t tenant = 1) {
    AuthContext auth;
    auth.tenant_id = tenant;
    auth.user_id = 7;
    auth.username = std::move(username);
    auth.realm = tenant == 1 ? "pbx.test" : "other.test";
    auth.role = role;
    return auth;
  }

  HttpResponse get(const std::string& pattern, const std::string& target, const AuthContext& auth,
                   RouteParams params = {}) {
    HttpRequest request;
    request.method = "GET";
    request.target = target;
    EXPECT_TRUE(decode_target(request)) << target;
    const auto it = routes_.find("GET " + pattern);
    EXPECT_NE(it, routes_.end()) << pattern;
    if (it == routes_.end()) return {};
    return it->second.handler(request, params, auth);
  }

  HttpResponse list(const std::string& query, const AuthContext& auth) {
    return get("/api/v1/calls", "/api/v1/calls" + query, auth);
  }

  static Json body(const HttpResponse& r) {
    EXPECT_EQ(r.header("Content-Type"), "application/json");
    return Json::parse(r.body, nullptr, false);
  }

  static std::vector<std::string> ids(const HttpResponse& r) {
    EXPECT_EQ(r.status, 200) << r.body;
    std::vector<std::string> out;
    const Json doc = body(r);
    if (!doc.contains("items")) return out;
    for (const Json& item : doc["items"])
      out.push_back(item["id"].get<std::string>());
    return out;
  }

  // The 400's "field", or "" when the answer is not such an error.
  static std::string bad_field(const HttpResponse& r) {
    if (r.status != 400) return "status " + std::to_string(r.status);
    const Json doc = body(r);
    EXPECT_EQ(doc["error"]["code"], "invalid") << r.body;
    return doc["error"].value("field", "");
  }

  std::map<std::string, RegisteredRoute> routes_;
};

using Ids = std::vector<std::string>;

TEST_F(CallRoutesTest, RegistersThreeRoutesWithTheirMinimumRoles) {
  ASSERT_EQ(routes_.size(), 3u);
  EXPECT_EQ(routes_["GET /api/v1/calls"].minimum, Role::operator_);
  EXPECT_EQ(routes_["GET /api/v1/calls/{id}"].minimum, Role::operator_);
  EXPECT_EQ(routes_["GET /api/v1/reports/heatmap"].minimum, Role::head);
}

TEST_F(CallRoutesTest, AHeadSeesEveryCallOfTheTenantOnly) {
  EXPECT_EQ(ids(list("", user(Role::head))), (Ids{"c4", "c3", "c2", "c1"}));
  EXPECT_EQ(ids(list("", user(Role::admin))), (Ids{"c4", "c3", "c2", "c1"}));
  EXPECT_EQ(ids(list("", user(Role::admin, "1002", 2))), (Ids{"t2"}));
}

TEST_F(CallRoutesTest, ItemsCarryTheirFields) {
  const Json doc = body(list("?number=%2B380501234567&limit=1", user(Role::head)));
  ASSERT_EQ(doc["items"].size(), 1u);
  const Json& c = doc["items"][0];
  EXPECT_EQ(c["id"], "c3");
  EXPECT_EQ(c["caller"], "+380501234567");
  EXPECT_EQ(c["called"], "500");
  EXPECT_EQ(c["started_at"], "2027-01-15T08:02:00.000Z");
  EXPECT_EQ(c["answered_at"], "2027-01-15T08:02:05.000Z");
  EXPECT_EQ(c["answered_by"], "1003@pbx.test");
  EXPECT_EQ(c["ended_at"], "2027-01-15T08:03:00.000Z");
  EXPECT_EQ(c["outcome"], "answered: x");
  EXPECT_TRUE(c["sip_status"].is_null());
  EXPECT_EQ(c["talk_ms"], 55'000);
  EXPECT_EQ(c["has_recording"], false);
  EXPECT_TRUE(c["recording_id"].is_null());
  EXPECT_TRUE(c["voicemail_id"].is_null());
  EXPECT_TRUE(doc["next_cursor"].is_string());
}

TEST_F(CallRoutesTest, ManagersAndOperatorsSeeOnlyTheirOwnCalls) {
  for (const Role role : {Role::manager, Role::operator_}) {
    EXPECT_EQ(ids(list("", user(role))), (Ids{"c2", "c1"}));
    EXPECT_EQ(ids(list("?user=1002", user(role))), (Ids{"c2", "c1"}));
    EXPECT_EQ(ids(list("?number=500", user(role))), (Ids{"c1"}));
    const HttpResponse other = list("?user=1003", user(role));
    EXPECT_EQ(other.status, 403);
    EXPECT_EQ(body(other)["error"]["field"], "user");
  }
  EXPECT_EQ(ids(list("", user(Role::manager, "1003"))), (Ids{"c3"}));
}

TEST_F(CallRoutesTest, AHeadMayAskForOneUsersCalls) {
  EXPECT_EQ(ids(list("?user=1003", user(Role::head))), (Ids{"c3"}));
  EXPECT_EQ(ids(list("?user=1002&outcome=missed", user(Role::head))), (Ids{"c2"}));
  EXPECT_EQ(ids(list("?outcome=voicemail", user(Role::head))), (Ids{"c4"}));
}

TEST_F(CallRoutesTest, NumberAcceptsAnUnencodedPlus) {
  // '+' in a query string decodes to a space (HTML forms): "+380..." arrives as " 380...".
  EXPECT_EQ(ids(list("?number=+380501234567", user(Role::head))), (Ids{"c3", "c1"}));
  EXPECT_EQ(ids(list("?number=%2B380501234567", user(Role::head))), (Ids{"c3", "c1"}));
}

TEST_F(CallRoutesTest, FromAndToAsIso8601OrUnixMilliseconds) {
  const Ids middle{"c3", "c2"};
  EXPECT_EQ(ids(list("?from=1800000060000&to=1800000180000", user(Role::head))), middle);
  EXPECT_EQ(ids(list("?from=2027-01-15T08:01:00Z&to=2027-01-15T08:03:00.000Z", user(Role::head))),
            middle);
  EXPECT_EQ(
      ids(list("?from=2027-01-15T10:01:00%2B02:00&to=2027-01-15T10:03%2B0200", user(Role::head))),
      middle);
  EXPECT_EQ(ids(list("?from=2027-01-15T07:01:00-01:00", user(Role::head))),
            (Ids{"c4", "c3", "c2"}));
  EXPECT_EQ(ids(list("?from=2027-01-15T10:01:00+02:00", user(Role::head))),
            (Ids{"c4", "c3", "c2"}));
  EXPECT_EQ(ids(list("?to=2027-01-15", user(Role::head))), Ids{});
  EXPECT_EQ(ids(list("?from=2027-01-15&to=2027-01-16", user(Role::head))).size(), 4u);
}

TEST_F(CallRoutesTest, PagesFollowTheOpaqueCursor) {
  Ids seen;
  std::string query = "?limit=3";
  for (int i = 0; i < 5; ++i) {
    const HttpResponse r = list(query, user(Role::head));
    for (const std::string& id : ids(r))
      seen.push_back(id);
    const Json doc = body(r);
    if (doc["next_cursor"].is_null()) break;
    const std::string cursor = doc["next_cursor"];
    EXPECT_EQ(cursor.find_first_not_of(
                  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
              std::string::npos)
        << cursor;
    query = "?limit=3&cursor=" + cursor;
  }
  EXPECT_EQ(seen, (Ids{"c4", "c3", "c2", "c1"}));
}

TEST_F(CallRoutesTest, BadQueryValuesAre400sNamingTheField) {
  const AuthContext head = user(Role::head);
  EXPECT_EQ(bad_field(list("?from=yesterday", head)), "from");
  EXPECT_EQ(bad_field(list("?from=2027-02-30", head)), "from");
  EXPECT_EQ(bad_field(list("?from=2027-01-15T08:00:00", head)), "from");  // no zone
  EXPECT_EQ(bad_field(list("?from=2027-01-15T25:00:00Z", head)), "from");
  EXPECT_EQ(bad_field(list("?to=-5", head)), "to");
  EXPECT_EQ(bad_field(list("?from=2027-01-16&to=2027-01-15", head)), "to");
  EXPECT_EQ(bad_field(list("?limit=0", head)), "limit");
  EXPECT_EQ(bad_field(list("?limit=501", head)), "limit");
  EXPECT_EQ(bad_field(list("?limit=ten", head)), "limit");
  EXPECT_EQ(bad_field(list("?outcome=busy", head)), "outcome");
  EXPECT_EQ(bad_field(list("?cursor=%21%21", head)), "cursor");
  EXPECT_EQ(bad_field(list("?cursor=bm9kb3Q", head)), "cursor");  // "nodot"
  EXPECT_EQ(bad_field(list("?number=50%200", head)), "number");
  EXPECT_EQ(bad_field(list("?number=", head)), "number");
  EXPECT_EQ(bad_field(list("?user=a%40b", head)), "user");
  EXPECT_EQ(list("?limit=500", head).status, 200);
}

TEST_F(CallRoutesTest, OneCallWithItsTimeline) {
  RouteParams params;
  params.add("id", "c1");
  const HttpResponse r = get("/api/v1/calls/{id}", "/api/v1/calls/c1", user(Role::manager), params);
  ASSERT_EQ(r.status, 200) << r.body;
  const Json doc = body(r);
  EXPECT_EQ(doc["id"], "c1");
  EXPECT_EQ(doc["answered_by"], "1002@pbx.test");
  ASSERT_EQ(doc["timeline"].size(), 4u);
  EXPECT_EQ(doc["timeline"][0]["kind"], "started");
  EXPECT_EQ(doc["timeline"][0]["detail"], "duty");
  EXPECT_TRUE(doc["timeline"][0]["target"].is_null());
  EXPECT_EQ(doc["timeline"][1]["at"], "2027-01-15T08:00:00.100Z");
  EXPECT_EQ(doc["timeline"][1]["target"], "1002@pbx.test");
}

TEST_F(CallRoutesTest, OtherTenantsAndOtherPeoplesCallsAre404) {
  const auto status = [&](const std::string& id, const AuthContext& auth) {
    RouteParams params;
    params.add("id", id);
    return get("/api/v1/calls/{id}", "/api/v1/calls/" + id, auth, params).status;
  };
  EXPECT_EQ(status("t2", user(Role::admin)), 404);  // tenant 2's
  EXPECT_EQ(status("t2", user(Role::admin, "1002", 2)), 200);
  EXPECT_EQ(status("c3", user(Role::manager)), 404);  // 1003's
  EXPECT_EQ(status("c3", user(Role::head)), 200);
  EXPECT_EQ(status("nope", user(Role::head)), 404);
  EXPECT_EQ(status(std::string(300, 'x'), user(Role::head)), 404);
}

TEST_F(CallRoutesTest, TheHeatmapIsSevenDaysOfTwentyFourHours) {
  const HttpResponse r =
      get("/api/v1/reports/heatmap", "/api/v1/reports/heatmap?from=2027-01-01&to=2027-02-01",
          user(Role::head));
  ASSERT_EQ(r.status, 200) << r.body;
  const Json doc = body(r);
  EXPECT_EQ(doc["time_zone"], "Europe/Kyiv");  // the default of the deps
  ASSERT_EQ(doc["cells"].size(), 7u);
  for (const Json& day : doc["cells"])
    ASSERT_EQ(day.size(), 24u);
  // 2027-01-15 is a Friday; 08:00Z is 10:00 in Kyiv.
  EXPECT_EQ(doc["cells"][4][10]["total"], 15);
  EXPECT_EQ(doc["cells"][4][10]["missed"], 7);
  EXPECT_EQ(doc["cells"][4][11]["total"], 1);
  EXPECT_EQ(doc["total"], 16);
  EXPECT_EQ(doc["missed"], 7);

  const Json utc = body(get("/api/v1/reports/heatmap",
                            "/api/v1/reports/heatmap?from=2027-01-01&to=2027-02-01&tz=UTC&"
                            "number=501&number=500",
                            user(Role::admin)));
  EXPECT_EQ(utc["time_zone"], "UTC");
  EXPECT_EQ(utc["cells"][4][8]["total"], 15);
  const Json one = body(get("/api/v1/reports/heatmap",
                            "/api/v1/reports/heatmap?from=2027-01-01&to=2027-02-01&number=501,"
                            "502",
                            user(Role::head)));
  EXPECT_EQ(one["total"], 5);
}

TEST_F(CallRoutesTest, TheHeatmapIsForHeadsAndAdmins) {
  for (const Role role : {Role::manager, Role::operator_}) {
    const HttpResponse r = get("/api/v1/reports/heatmap",
                               "/api/v1/reports/heatmap?from=2027-01-01&to=2027-02-01", user(role));
    EXPECT_EQ(r.status, 403);
  }
}

TEST_F(CallRoutesTest, BadHeatmapQueriesAre400sNamingTheField) {
  const auto field = [&](const std::string& query) {
    return bad_field(
        get("/api/v1/reports/heatmap", "/api/v1/reports/heatmap" + query, user(Role::head)));
  };
  EXPECT_EQ(field("?to=2027-02-01"), "from");
  EXPECT_EQ(field("?from=2027-01-01"), "to");
  EXPECT_EQ(field("?from=2027-02-01&to=2027-01-01"), "to");
  EXPECT_EQ(field("?from=2025-01-01&to=2027-01-01"), "to");  // over 400 days
  EXPECT_EQ(field("?from=2027-01-01&to=2027-02-01&tz=Mars/Olympus"), "tz");
  EXPECT_EQ(field("?from=2027-01-01&to=2027-02-01&number=500,"), "number");
  EXPECT_EQ(field("?from=2027-01-01&to=2027-02-01&number=a%22b"), "number");
}

}  // namespace
}  // namespace dzvin::http
