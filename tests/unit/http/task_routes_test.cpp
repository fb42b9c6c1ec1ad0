// Tasks over HTTP, in process: below head a user sees and closes only their own tasks; the
// head sees the company's; intake tasks need a known assignee.
#include "http/task_routes.hpp"

#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "captured_routes.hpp"
#include "crm/task_store.hpp"
#include "http/task_events.hpp"
#include "route_database.hpp"
#include "store/database.hpp"

namespace dzvin::http {
namespace {

using Json = nlohmann::json;

// FakeClock's wall time: 2027-01-15T09:00:00Z.
constexpr std::int64_t kNowMs = 1'800'003'600'000;

class TaskRoutesTest : public testing::RouteDatabaseTest {
 protected:
  void SetUp() override {
    RouteDatabaseTest::SetUp();
    if (HasFatalFailure()) return;
    ASSERT_TRUE(db_.execute(
        "INSERT INTO tenants (id, name, sip_domain, created_at) VALUES (1, 'A', 'pbx.test', 1), "
        "(2, 'B', 'other.test', 1);"
        "INSERT INTO users (id, tenant_id, username, display_name, ha1_md5, ha1_sha256, "
        "created_at, role) VALUES (1, 1, '1001', 'Head', 'x', 'y', 1, 'head'), "
        "(2, 1, '1002', 'Anna', 'x', 'y', 1, 'manager'), "
        "(3, 1, '1003', 'Olena', 'x', 'y', 1, 'manager'), "
        "(4, 2, '2001', 'B', 'x', 'y', 1, 'admin');"));
    ASSERT_EQ(clock_.wall_now(), WallTime{std::chrono::milliseconds{kNowMs}});
    add_task_routes(routes_.adder(), std::make_shared<CrmStores>(path_, clock_),
                    [this](const crm::TaskNotice& n) { notices_.push_back(n); });

    // 1: 1002's call-back, overdue; 2: 1003's call-back, due later; 3: 1002's intake, done;
    // 4: tenant 2's.
    crm::TaskStore tasks(db_, clock_);
    anna_ = missed(tasks, 1, "+380501110001", "1002", kNowMs - 60'000);
    olena_ = missed(tasks, 1, "+380501110002", "1003", kNowMs + 3'600'000);
    crm::NewTask n;
    n.title = "Send prices";
    n.assignee = "1002";
    n.due_at_ms = kNowMs - 1;
    auto intake = tasks.create(1, n);
    ASSERT_TRUE(intake);
    done_ = intake->id;
    ASSERT_TRUE(tasks.close(1, done_, crm::TaskState::done, "1002"));
    other_ = missed(tasks, 2, "+380501110001", "2001", kNowMs - 60'000);
  }

  static std::int64_t missed(crm::TaskStore& tasks, std::int64_t tenant, std::string number,
                             std::string assignee, std::int64_t due) {
    crm::MissedCall m;
    m.number = std::move(number);
    m.assignee = std::move(assignee);
    m.assigned_by = "head";
    m.title = "Call back " + m.number;
    m.due_at_ms = due;
    m.call_id = "call-" + m.number;
    auto r = tasks.record_missed_call(tenant, m);
    EXPECT_TRUE(r) << (r ? "" : r.error().message);
    return r ? r->task.id : 0;
  }

  HttpResponse call(const std::string& route, const AuthContext& who, std::string query = {},
                    std::string body = {}, std::string id = {}) {
    if (id.empty()) return routes_.call(route, who, query, std::move(body));
    return routes_.call(route, who, query, std::move(body), {{"id", std::move(id)}});
  }

  HttpResponse patch(const AuthContext& who, std::int64_t id, std::string body) {
    return call(kPatch, who, {}, std::move(body), std::to_string(id));
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
    EXPECT_EQ(r.status, 200) << r.body;
    std::vector<std::int64_t> out;
    if (r.status != 200) return out;
    const Json body = Json::parse(r.body);
    for (const auto& item : body["items"])
      out.push_back(item["id"].get<std::int64_t>());
    return out;
  }
  static std::string field_of(const HttpResponse& r, int status) {
    EXPECT_EQ(r.status, status) << r.body;
    const Json body = Json::parse(r.body, nullptr, false);
    if (!body.is_object() || !body.contains("error")) return "<no error>";
    return body["error"].value("field", "");
  }

  static constexpr const char* kList = "GET /api/v1/tasks";
  static constexpr const char* kGet = "GET /api/v1/tasks/{id}";
  static constexpr const char* kCreate = "POST /api/v1/tasks";
  static constexpr const char* kPatch = "PATCH /api/v1/tasks/{id}";

  FakeClock clock_;
  testing::CapturedRoutes routes_;
  std::vector<crm::TaskNotice> notices_;
  std::int64_t anna_ = 0, olena_ = 0, done_ = 0, other_ = 0;
  const AuthContext head_ = user(1, "1001", Role::head);
  const AuthContext anna_manager_ = user(1, "1002", Role::manager);
  const AuthContext olena_manager_ = user(1, "1003", Role::manager);
};

TEST_F(TaskRoutesTest, EveryRoleReachesTheRoutes) {
  for (const char* route : {kList, kGet, kCreate, kPatch}) {
    EXPECT_EQ(routes_.minimum(route), Role::operator_) << route;
  }
}

TEST_F(TaskRoutesTest, TheHeadSeesTheCompanysTasksNewestFirst) {
  EXPECT_EQ(ids(call(kList, head_)), (std::vector<std::int64_t>{done_, olena_, anna_}));
  EXPECT_EQ(ids(call(kList, head_, "assignee=1003")), std::vector<std::int64_t>{olena_});
  EXPECT_EQ(ids(call(kList, head_, "state=open")), (std::vector<std::int64_t>{olena_, anna_}));
  EXPECT_EQ(ids(call(kList, head_, "state=done")), std::vector<std::int64_t>{done_});
  EXPECT_EQ(ids(call(kList, head_, "overdue=true")), std::vector<std::int64_t>{anna_});
  EXPECT_EQ(ids(call(kList, head_, "overdue=false")).size(), 3u);
  const auto page = call(kList, head_, "limit=2");
  EXPECT_EQ(ids(page), (std::vector<std::int64_t>{done_, olena_}));
  EXPECT_EQ(Json::parse(page.body)["next_before"], olena_);
  const auto rest = call(kList, head_, "limit=2&before=" + std::to_string(olena_));
  EXPECT_EQ(ids(rest), std::vector<std::int64_t>{anna_});
  EXPECT_TRUE(Json::parse(rest.body)["next_before"].is_null());
  const Json first = Json::parse(call(kList, head_, "assignee=1002&state=open").body)["items"][0];
  EXPECT_EQ(first["kind"], "call_back");
  EXPECT_EQ(first["number"], "+380501110001");
  EXPECT_EQ(first["state"], "open");
  EXPECT_EQ(first["calls"], 1);
  EXPECT_EQ(first["due_at"], "2027-01-15T08:59:00.000Z");
  EXPECT_TRUE(first["closed_at"].is_null());
  EXPECT_TRUE(first["voicemail_id"].is_null());
  EXPECT_EQ(ids(call(kList, user(2, "2001", Role::admin))), std::vector<std::int64_t>{other_});
}

TEST_F(TaskRoutesTest, AManagerSeesOnlyTheirOwnTasks) {
  EXPECT_EQ(ids(call(kList, anna_manager_)), (std::vector<std::int64_t>{done_, anna_}));
  EXPECT_EQ(ids(call(kList, anna_manager_, "assignee=1002")),
            (std::vector<std::int64_t>{done_, anna_}));
  EXPECT_EQ(field_of(call(kList, anna_manager_, "assignee=1003"), 403), "assignee");
  EXPECT_EQ(ids(call(kList, user(1, "1003", Role::operator_))), std::vector<std::int64_t>{olena_});
  EXPECT_EQ(call(kGet, anna_manager_, {}, {}, std::to_string(anna_)).status, 200);
  EXPECT_EQ(call(kGet, anna_manager_, {}, {}, std::to_string(olena_)).status, 404);
  EXPECT_EQ(call(kGet, head_, {}, {}, std::to_string(olena_)).status, 200);
  EXPECT_EQ(call(kGet, head_, {}, {}, std::to_string(other_)).status, 404) << "another company";
  EXPECT_EQ(call(kGet, head_, {}, {}, "x").status, 404);
}

TEST_F(TaskRoutesTest, BadQueriesNameTheParameter) {
  EXPECT_EQ(field_of(call(kList, head_, "state=closed"), 400), "state");
  EXPECT_EQ(field_of(call(kList, head_, "overdue=yes"), 400), "overdue");
  EXPECT_EQ(field_of(call(kList, head_, "limit=0"), 400), "limit");
  EXPECT_EQ(field_of(call(kList, head_, "limit=201"), 400), "limit");
  EXPECT_EQ(field_of(call(kList, head_, "before=x"), 400), "before");
  EXPECT_EQ(field_of(call(kList, head_, "before=0"), 400), "before");
}

TEST_F(TaskRoutesTest, ClosingIsForTheAssigneeOrTheHead) {
  // Another manager: as if the task did not exist, and it stays open.
  EXPECT_EQ(patch(olena_manager_, anna_, R"({"state": "done"})").status, 404);
  EXPECT_EQ(Json::parse(call(kGet, head_, {}, {}, std::to_string(anna_)).body)["state"], "open");

  const auto by_owner = patch(anna_manager_, anna_, R"({"state": "done"})");
  ASSERT_EQ(by_owner.status, 200) << by_owner.body;
  const Json t = Json::parse(by_owner.body);
  EXPECT_EQ(t["state"], "done");
  EXPECT_EQ(t["closed_by"], "1002");
  EXPECT_EQ(t["closed_at"], "2027-01-15T09:00:00.000Z");
  EXPECT_TRUE(t["closed_by_call"].is_null());
  EXPECT_EQ(field_of(patch(anna_manager_, anna_, R"({"state": "cancelled"})"), 409), "state");

  const auto by_head = patch(head_, olena_, R"({"state": "cancelled"})");
  ASSERT_EQ(by_head.status, 200) << by_head.body;
  EXPECT_EQ(Json::parse(by_head.body)["state"], "cancelled");
  EXPECT_EQ(Json::parse(by_head.body)["closed_by"], "1001");

  EXPECT_EQ(patch(user(2, "2001", Role::admin), anna_, R"({"state": "done"})").status, 404);
  EXPECT_EQ(patch(head_, 999, R"({"state": "done"})").status, 404);
}

TEST_F(TaskRoutesTest, CreatedAndClosedTasksAreTold) {
  ASSERT_EQ(patch(olena_manager_, anna_, R"({"state": "done"})").status, 404);
  ASSERT_EQ(patch(head_, anna_, R"({"state": "open"})").status, 400);
  EXPECT_TRUE(notices_.empty()) << "nothing changed";
  ASSERT_EQ(patch(anna_manager_, anna_, R"({"state": "done"})").status, 200);
  ASSERT_EQ(notices_.size(), 1u);
  EXPECT_EQ(notices_[0].kind, crm::TaskNoticeKind::closed);
  EXPECT_EQ(notices_[0].task.id, anna_);
  EXPECT_EQ(notices_[0].task.state, crm::TaskState::done);
  ASSERT_EQ(patch(anna_manager_, anna_, R"({"state": "done"})").status, 409);
  EXPECT_EQ(notices_.size(), 1u);

  ASSERT_EQ(call(kCreate, head_, {}, R"({"title": "x", "assignee": "9999"})").status, 400);
  EXPECT_EQ(notices_.size(), 1u);
  const auto created = call(kCreate, head_, {}, R"({"title": "Question", "assignee": "1003"})");
  ASSERT_EQ(created.status, 201) << created.body;
  ASSERT_EQ(notices_.size(), 2u);
  EXPECT_EQ(notices_[1].kind, crm::TaskNoticeKind::created);
  EXPECT_EQ(notices_[1].task.id, Json::parse(created.body)["id"]);
  EXPECT_EQ(notices_[1].task.assignee, "1003");
}

TEST_F(TaskRoutesTest, ABadStateIsRefused) {
  EXPECT_EQ(field_of(patch(head_, anna_, R"({"state": "open"})"), 400), "state");
  EXPECT_EQ(field_of(patch(head_, anna_, R"({"state": "finished"})"), 400), "state");
  EXPECT_EQ(field_of(patch(head_, anna_, R"({"state": 1})"), 400), "state");
  EXPECT_EQ(field_of(patch(head_, anna_, R"({})"), 400), "state");
  EXPECT_EQ(field_of(patch(head_, anna_, R"({"state": "done", "assignee": "1003"})"), 400),
            "assignee");
  EXPECT_EQ(Json::parse(call(kGet, head_, {}, {}, std::to_string(anna_)).body)["state"], "open");
}

TEST_F(TaskRoutesTest, AnIntakeTask) {
  const auto created = call(kCreate, user(1, "1003", Role::operator_), {},
                            R"({"title": "Send the price list", "assignee": "1002",
                                "detail": "Wholesale", "number": "050 111 22 33",
                                "call_id": "c9", "due_at": "2027-01-16T10:00:00+02:00"})");
  ASSERT_EQ(created.status, 201) << created.body;
  const Json t = Json::parse(created.body);
  EXPECT_EQ(t["kind"], "intake");
  EXPECT_EQ(t["assignee"], "1002");
  EXPECT_EQ(t["assigned_by"], "form");
  EXPECT_EQ(t["number"], "+380501112233");
  EXPECT_EQ(t["first_call_id"], "c9");
  EXPECT_EQ(t["due_at"], "2027-01-16T08:00:00.000Z");
  EXPECT_EQ(t["state"], "open");
  // The question is text in several lines.
  const auto lines = call(kCreate, head_, {},
                          R"({"title": "Question", "assignee": "1002",
                              "detail": "Which sizes?\r\n\t- 10 kg\n\t- 25 kg"})");
  ASSERT_EQ(lines.status, 201) << lines.body;
  EXPECT_EQ(Json::parse(lines.body)["detail"], "Which sizes?\r\n\t- 10 kg\n\t- 25 kg");
  // Without due_at: a day from now.
  const auto later = call(kCreate, head_, {}, R"({"title": "Later", "assignee": "1003"})");
  ASSERT_EQ(later.status, 201) << later.body;
  EXPECT_EQ(Json::parse(later.body)["due_at"], "2027-01-16T09:00:00.000Z");
  EXPECT_EQ(ids(call(kList, olena_manager_, "state=open")).size(), 2u);
  EXPECT_EQ(ids(call(kList, anna_manager_, "state=open")).size(), 3u);
}

TEST_F(TaskRoutesTest, AnIntakeTaskNeedsAKnownAssigneeAndGoodFields) {
  const auto unknown = call(kCreate, head_, {}, R"({"title": "x", "assignee": "9999"})");
  EXPECT_EQ(field_of(unknown, 400), "assignee");
  EXPECT_EQ(Json::parse(unknown.body)["error"]["message"], "assignee: unknown user");
  EXPECT_EQ(field_of(call(kCreate, head_, {}, R"({"title": "x", "assignee": "2001"})"), 400),
            "assignee")
      << "a user of another company";
  EXPECT_EQ(field_of(call(kCreate, head_, {}, R"({"title": "x"})"), 400), "assignee");
  EXPECT_EQ(field_of(call(kCreate, head_, {}, R"({"assignee": "1002"})"), 400), "title");
  EXPECT_EQ(field_of(call(kCreate, head_, {},
                          R"({"title": "x", "assignee": "1002", "number": "call me"})"),
                     400),
            "number");
  EXPECT_EQ(field_of(call(kCreate, head_, {},
                          R"({"title": "x", "assignee": "1002", "due_at": "tomorrow"})"),
                     400),
            "due_at");
  EXPECT_EQ(
      field_of(call(kCreate, head_, {}, R"({"title": "x", "assignee": "1002", "contact_id": 99})"),
               400),
      "contact_id");
  EXPECT_EQ(field_of(call(kCreate, head_, {},
                          R"({"title": "x", "assignee": "1002", "kind": "call_back"})"),
                     400),
            "kind");
  EXPECT_EQ(field_of(call(kCreate, head_, {},
                          R"({"title": "x", "assignee": "1002", "detail": "a\u0001"})"),
                     400),
            "detail");
  EXPECT_EQ(
      field_of(call(kCreate, head_, {}, R"({"title": "x", "assignee": "1002", "detail": 5})"), 400),
      "detail");
  EXPECT_EQ(field_of(call(kCreate, head_, {},
                          R"({"title": "x", "assignee": "1002", "detail": ")" +
                              std::string(10'001, 'd') + R"("})"),
                     400),
            "detail");
  EXPECT_EQ(ids(call(kList, head_)).size(), 3u) << "nothing was created";
}

TEST(TaskEvents, ANoticeIsALiveEventForTheAssigneeAndTheHeads) {
  EventHub hub(EventHubSettings{100, 100});
  const std::uint64_t cursor = hub.last_id();
  crm::Task task;
  task.id = 7;
  task.tenant_id = 1;
  task.kind = "call_back";
  task.number = "+380501112233";
  task.assignee = "1002";
  task.last_call_id = "call-9";
  task.due_at_ms = kNowMs;
  publish_task_notice(hub, crm::TaskNotice{crm::TaskNoticeKind::created, task});
  const auto seen = [&](std::int64_t tenant, std::string name, Role role) {
    AuthContext who;
    who.tenant_id = tenant;
    who.username = std::move(name);
    who.role = role;
    return hub.since(cursor, EventFilter::visible_to(who));
  };
  const auto mine = seen(1, "1002", Role::manager);
  ASSERT_EQ(mine.size(), 1u);
  EXPECT_EQ(mine[0].type, "task.created");
  EXPECT_EQ(mine[0].call_id, "call-9");
  const Json frame = Json::parse(event_frame(mine[0]));
  EXPECT_EQ(frame["type"], "task.created");
  EXPECT_EQ(frame["task"]["id"], 7);
  EXPECT_EQ(frame["task"]["number"], "+380501112233");
  EXPECT_EQ(frame["task"]["due_at"], "2027-01-15T09:00:00.000Z");
  EXPECT_TRUE(seen(1, "1003", Role::manager).empty());
  EXPECT_EQ(seen(1, "1001", Role::head).size(), 1u);
  EXPECT_TRUE(seen(2, "2001", Role::admin).empty());
}

}  // namespace
}  // namespace dzvin::http
