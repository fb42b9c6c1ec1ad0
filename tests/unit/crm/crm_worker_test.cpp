// The CRM worker in process: call events in, call-back tasks in the database and task notices
// out. Calls nobody answered make or add to a number's task (due by the routing schedule),
// voicemail is linked to it, an answered call with the number closes it.
#include "crm/crm_worker.hpp"

#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>

#include "crm/contact_store.hpp"
#include "crm/task_store.hpp"
#include "crm_database.hpp"
#include "store/routing_store.hpp"

namespace dzvin::crm {
namespace {

using namespace std::chrono_literals;
using testing::kStartMs;

WallTime utc(int y, unsigned m, unsigned d, int h, int min = 0) {
  return std::chrono::sys_days{std::chrono::year{y} / std::chrono::month{m} / std::chrono::day{d}} +
         std::chrono::hours{h} + std::chrono::minutes{min};
}
// Kyiv local time in winter (UTC+2).
WallTime kyiv(int y, unsigned m, unsigned d, int h, int min = 0) {
  return utc(y, m, d, h, min) - 2h;
}
std::int64_t ms(WallTime t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

// Tuesday 2027-01-19, in working hours (the fixture's clock says Friday 2027-01-15 10:00).
const WallTime kTuesday11 = kyiv(2027, 1, 19, 11, 0);

pbx::CallEvent ended(std::string uid, std::string caller, std::string called, std::string detail,
                     WallTime at = kTuesday11, std::int64_t tenant = 1) {
  pbx::CallEvent e;
  e.kind = pbx::CallEventKind::ended;
  e.call_uid = std::move(uid);
  e.tenant_id = tenant;
  e.at = at;
  e.caller = std::move(caller);
  e.called = std::move(called);
  e.detail = std::move(detail);
  return e;
}

pbx::CallEvent voicemail(std::string uid, std::int64_t media_id, std::int64_t tenant = 1) {
  pbx::CallEvent e;
  e.kind = pbx::CallEventKind::voicemail_recorded;
  e.call_uid = std::move(uid);
  e.tenant_id = tenant;
  e.at = kTuesday11 + 1min;
  e.caller = "+380501112233";
  e.called = "500";
  e.target = "1002";
  e.media_id = media_id;
  return e;
}

constexpr const char* kRouting = R"({"schedules": {
  "night": {"time_zone": "Europe/Kyiv", "weekly": {"sat": ["00:00-24:00"]}},
  "office": {"time_zone": "Europe/Kyiv", "weekly": {
    "mon": ["09:00-18:00"], "tue": ["09:00-18:00"], "wed": ["09:00-18:00"],
    "thu": ["09:00-18:00"], "fri": ["09:00-18:00"]}}}})";

class CrmWorkerTest : public testing::CrmDatabaseTest {
 protected:
  void SetUp() override {
    CrmDatabaseTest::SetUp();
    if (HasFatalFailure()) return;
    auto saved = store::save_routing(db_, 1, store::StoredRouting{kRouting, {}, 0}, 0, std::nullopt,
                                     kStartMs);
    ASSERT_TRUE(saved) << saved.error().message;
    settings_.missed_calls.schedule = "office";
  }
  void TearDown() override { worker_.reset(); }

  void start() {
    settings_.database_path = path_;
    worker_ = std::make_unique<CrmWorker>(settings_, clock_, [this](const TaskNotice& n) {
      std::lock_guard lock(mutex_);
      notices_.push_back(n);
      told_.notify_all();
    });
  }
  void feed(const std::vector<pbx::CallEvent>& events) {
    for (const auto& e : events)
      worker_->on_call_event(e);
    worker_->flush();
  }
  std::vector<TaskNotice> notices() {
    std::lock_guard lock(mutex_);
    return notices_;
  }
  std::vector<std::string> kinds() {
    std::vector<std::string> out;
    for (const auto& n : notices())
      out.emplace_back(to_string(n.kind));
    return out;
  }
  std::vector<Task> all_tasks(std::int64_t tenant = 1) {
    TaskStore tasks(db_, clock_);
    auto page = tasks.list(tenant, TaskFilter{});
    EXPECT_TRUE(page) << (page ? "" : page.error().message);
    return page ? page->items : std::vector<Task>{};
  }
  Contact add_contact(std::string name, std::string number, std::string owner) {
    ContactStore contacts(db_, clock_);
    ContactDraft d;
    d.name = std::move(name);
    d.owner = std::move(owner);
    d.phones = {{std::move(number), ""}};
    auto c = contacts.create(1, d);
    EXPECT_TRUE(c) << (c ? "" : c.error().message);
    return c ? *c : Contact{};
  }

  CrmWorkerSettings settings_;
  std::unique_ptr<CrmWorker> worker_;
  std::mutex mutex_;
  std::condition_variable told_;
  std::vector<TaskNotice> notices_;
};

TEST_F(CrmWorkerTest, AMissedCallMakesATaskThatVoicemailAndLaterCallsUpdateAndAnAnswerCloses) {
  start();
  feed({ended("c1", "+380501112233", "500", "missed: no answer")});
  ASSERT_EQ(kinds(), std::vector<std::string>{"task.created"});
  const Task created = notices()[0].task;
  EXPECT_EQ(created.tenant_id, 1);
  EXPECT_EQ(created.kind, "call_back");
  EXPECT_EQ(created.number, "+380501112233");
  EXPECT_EQ(created.contact_id, std::nullopt);
  EXPECT_EQ(created.assignee, "1001") << "no head set: the company's first admin";
  EXPECT_EQ(created.assigned_by, "head");
  EXPECT_EQ(created.title, "Call back +380501112233");
  EXPECT_EQ(created.detail, "Missed call to 500 (missed: no answer)");
  EXPECT_EQ(created.due_at_ms, ms(kyiv(2027, 1, 19, 11, 30)));
  EXPECT_EQ(created.first_call_id, "c1");
  EXPECT_EQ(created.state, TaskState::open);

  feed({voicemail("c1", 77)});
  ASSERT_EQ(notices().size(), 2u);
  EXPECT_EQ(notices()[1].kind, TaskNoticeKind::updated);
  EXPECT_EQ(notices()[1].task.id, created.id);
  EXPECT_EQ(notices()[1].task.voicemail_id, 77);

  feed({ended("c2", "+380501112233", "500", "abandoned: caller hung up while ringing",
              kTuesday11 + 20min)});
  ASSERT_EQ(notices().size(), 3u);
  EXPECT_EQ(notices()[2].kind, TaskNoticeKind::updated);
  EXPECT_EQ(notices()[2].task.calls, 2);
  EXPECT_EQ(notices()[2].task.last_call_id, "c2");
  EXPECT_EQ(notices()[2].task.due_at_ms, created.due_at_ms);

  feed({ended("c3", "+380501112233", "500", "answered: caller hung up", kTuesday11 + 25min)});
  ASSERT_EQ(kinds(), (std::vector<std::string>{"task.created", "task.updated", "task.updated",
                                               "task.closed"}));
  EXPECT_EQ(notices()[3].task.state, TaskState::done);
  EXPECT_EQ(notices()[3].task.closed_by_call, "c3");

  const auto stored = all_tasks();
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0].id, created.id);
  EXPECT_EQ(stored[0].state, TaskState::done);
  EXPECT_EQ(stored[0].calls, 2);
  EXPECT_EQ(stored[0].voicemail_id, 77);
  EXPECT_EQ(stored[0].closed_by_call, "c3");

  // A later miss starts a new task.
  feed({ended("c4", "0501112233", "500", "voicemail: 1002", kTuesday11 + 1h)});
  ASSERT_EQ(notices().size(), 5u);
  EXPECT_EQ(notices()[4].kind, TaskNoticeKind::created);
  EXPECT_NE(notices()[4].task.id, created.id);
  EXPECT_EQ(all_tasks().size(), 2u);
}

TEST_F(CrmWorkerTest, CallingTheNumberBackAndTalkingClosesTheTask) {
  start();
  feed({ended("c1", "+380501112233", "500", "missed: busy"),
        // We call back and she does not answer: no task for our own extension.
        ended("c2", "1002", "0501112233", "missed: no answer", kTuesday11 + 5min),
        ended("c3", "1002", "050 111 22 33", "answered: callee hung up", kTuesday11 + 10min)});
  ASSERT_EQ(kinds(), (std::vector<std::string>{"task.created", "task.closed"}));
  EXPECT_EQ(notices()[1].task.closed_by_call, "c3");
  EXPECT_EQ(all_tasks().size(), 1u);
}

TEST_F(CrmWorkerTest, InternalCallersMakeNoTaskUnlessAskedTo) {
  start();
  feed({ended("c1", "1003", "1002", "missed: no answer"),
        ended("c2", "1003@pbx.test", "1002", "missed: no answer")});
  EXPECT_TRUE(notices().empty());
  EXPECT_TRUE(all_tasks().empty());

  worker_.reset();
  settings_.missed_calls.internal_callers = true;
  start();
  feed({ended("c3", "1003", "1002", "missed: no answer")});
  ASSERT_EQ(kinds(), std::vector<std::string>{"task.created"});
  EXPECT_EQ(notices()[0].task.number, "1003");
  // Such a task is closed as an outside caller's is: 1002 calls 1003 back and they talk.
  feed({ended("c4", "1002", "1003", "answered: callee hung up", kTuesday11 + 5min)});
  ASSERT_EQ(kinds(), (std::vector<std::string>{"task.created", "task.closed"}));
  EXPECT_EQ(notices()[1].task.closed_by_call, "c4");
  // An extension's own call out that the customer did not answer is nobody's missed call.
  feed({ended("c5", "1003", "+380671112244", "missed: no answer", kTuesday11 + 10min)});
  EXPECT_EQ(kinds().size(), 2u) << "no task for an unanswered outgoing call";
  EXPECT_EQ(all_tasks().size(), 1u);
}

TEST_F(CrmWorkerTest, AnInternalCallToACompanyNumberIsMissedLikeAnyOther) {
  const std::string routing = R"({"schemes": {"main": {"steps": [{"type": "hangup"}]}}})";
  auto saved =
      store::save_routing(db_, 1, store::StoredRouting{routing, {{"+380441110000", "main"}}, 0},
                          std::nullopt, std::nullopt, kStartMs);
  ASSERT_TRUE(saved) << saved.error().message;
  settings_.missed_calls.internal_callers = true;
  settings_.missed_calls.schedule = "";
  start();
  feed({ended("c1", "1003", "+380441110000", "missed: no answer"),
        ended("c2", "1004", "+380441119999", "missed: no answer")});
  ASSERT_EQ(kinds(), std::vector<std::string>{"task.created"}) << "the company's number only";
  EXPECT_EQ(notices()[0].task.number, "1003");
}

TEST_F(CrmWorkerTest, AVoicemailThatCouldNotBeTakenIsAMissedCall) {
  start();
  feed({ended("c1", "+380501112233", "500", "missed: voicemail could not be recorded")});
  ASSERT_EQ(kinds(), std::vector<std::string>{"task.created"});
  EXPECT_EQ(notices()[0].task.number, "+380501112233");
}

TEST_F(CrmWorkerTest, FailedCallsAndAnonymousCallersMakeNoTask) {
  start();
  feed({ended("c1", "+380501112233", "500", "failed: no ACK from the caller"),
        ended("c2", "anonymous", "500", "missed: no answer"),
        ended("c3", "", "500", "missed: no answer"),
        // An answered call with no open task closes nothing.
        ended("c4", "+380501112233", "500", "answered: callee hung up")});
  EXPECT_TRUE(notices().empty());
  EXPECT_TRUE(all_tasks().empty());
}

TEST_F(CrmWorkerTest, TheCallersManagerGetsTheTask) {
  const Contact olena = add_contact("Olena Koval", "+380501112233", "1003");
  ContactStore contacts(db_, clock_);
  ASSERT_TRUE(contacts.create_deal(1, DealDraft{olena.id, "Old", "won", "1004", false, {}}));
  ASSERT_TRUE(contacts.create_deal(1, DealDraft{olena.id, "Sweets", "new", "1002", true, {}}));
  add_contact("Petro Bondar", "+380671234567", "1003");
  start();
  feed({ended("c1", "sip:+380501112233@pbx.test", "500", "missed: no answer"),
        ended("c2", "+380671234567", "500", "missed: no answer")});
  const auto told = notices();
  ASSERT_EQ(told.size(), 2u);
  const Task& by_deal = told[0].task;
  EXPECT_EQ(by_deal.assignee, "1002");
  EXPECT_EQ(by_deal.assigned_by, "deal_owner");
  EXPECT_EQ(by_deal.contact_id, olena.id);
  EXPECT_EQ(by_deal.title, "Call back Olena Koval (+380501112233)");
  const Task& by_contact = told[1].task;
  EXPECT_EQ(by_contact.assignee, "1003");
  EXPECT_EQ(by_contact.assigned_by, "contact_owner");
}

TEST_F(CrmWorkerTest, TheHeadFromTheSettings) {
  settings_.missed_calls.head = "1004";
  start();
  feed({ended("c1", "+380501112233", "500", "missed: no answer")});
  ASSERT_EQ(notices().size(), 1u);
  EXPECT_EQ(notices()[0].task.assignee, "1004");
  EXPECT_EQ(notices()[0].task.assigned_by, "head");
  // The setting is the server's: in a company without that user, its first admin.
  feed({ended("c2", "+380501112233", "700", "missed: no answer", kTuesday11, 2)});
  ASSERT_EQ(notices().size(), 2u);
  EXPECT_EQ(notices()[1].task.tenant_id, 2);
  EXPECT_EQ(notices()[1].task.assignee, "2001");
}

TEST_F(CrmWorkerTest, AfterHoursTheTaskIsDueTheNextWorkingDayByTen) {
  start();
  feed({ended("c1", "+380501112233", "500", "rejected: Closed", kyiv(2027, 1, 22, 19, 0))});
  ASSERT_EQ(notices().size(), 1u);
  EXPECT_EQ(notices()[0].task.due_at_ms, ms(kyiv(2027, 1, 25, 10, 0)));
}

TEST_F(CrmWorkerTest, WithoutASchedulingRoutingAllTimeIsWorkingTime) {
  // Tenant 2 has no routing stored.
  start();
  const WallTime saturday_night = kyiv(2027, 1, 23, 23, 0);
  feed({ended("c1", "+380501112233", "700", "missed: no answer", saturday_night, 2)});
  ASSERT_EQ(notices().size(), 1u);
  EXPECT_EQ(notices()[0].task.tenant_id, 2);
  EXPECT_EQ(notices()[0].task.assignee, "2001");
  EXPECT_EQ(notices()[0].task.due_at_ms, ms(saturday_night + 30min));
  EXPECT_TRUE(all_tasks(1).empty());
}

TEST_F(CrmWorkerTest, TheFirstScheduleWhenNoneIsNamed) {
  settings_.missed_calls.schedule.clear();  // "night": open all Saturday only
  start();
  feed({ended("c1", "+380501112233", "500", "missed: no answer", kyiv(2027, 1, 22, 19, 0))});
  ASSERT_EQ(notices().size(), 1u);
  EXPECT_EQ(notices()[0].task.due_at_ms, ms(kyiv(2027, 1, 23, 10, 0)));
}

TEST_F(CrmWorkerTest, DisabledMakesNoTasks) {
  settings_.missed_calls.enabled = false;
  start();
  feed({ended("c1", "+380501112233", "500", "missed: no answer")});
  EXPECT_TRUE(notices().empty());
  EXPECT_TRUE(all_tasks().empty());
}

TEST_F(CrmWorkerTest, OtherEventsAreIgnored) {
  start();
  pbx::CallEvent ringing = ended("c1", "+380501112233", "500", "missed: no answer");
  ringing.kind = pbx::CallEventKind::ringing;
  feed({ringing});
  EXPECT_TRUE(notices().empty());
  EXPECT_TRUE(all_tasks().empty());
}

TEST_F(CrmWorkerTest, AnOverdueTaskIsToldOnce) {
  // Due an hour before the clock's now.
  TaskStore tasks(db_, clock_);
  MissedCall m;
  m.number = "+380501112233";
  m.assignee = "1002";
  m.assigned_by = "head";
  m.title = "Call back +380501112233";
  m.due_at_ms = kStartMs - 3'600'000;
  m.call_id = "c0";
  ASSERT_TRUE(tasks.record_missed_call(1, m));
  settings_.overdue_check = 1s;
  start();
  {
    std::unique_lock lock(mutex_);
    ASSERT_TRUE(told_.wait_for(lock, 10s, [&] { return !notices_.empty(); }));
  }
  ASSERT_EQ(kinds(), std::vector<std::string>{"task.overdue"});
  EXPECT_EQ(notices()[0].task.number, "+380501112233");
  // The assignee's e-mail comes with it (for the overdue mail); 1002 has none here.
  EXPECT_EQ(notices()[0].assignee_email, "");
  // Marked as told, so later checks pass it over.
  EXPECT_EQ(column("SELECT overdue_notified FROM tasks"), std::vector<std::string>{"1"});
}

TEST_F(CrmWorkerTest, StopHandlesWhatIsQueuedAndThenRefusesMore) {
  start();
  worker_->on_call_event(ended("c1", "+380501112233", "500", "missed: no answer"));
  worker_->stop();
  EXPECT_EQ(all_tasks().size(), 1u);
  worker_->on_call_event(ended("c2", "+380501112234", "500", "missed: no answer"));
  worker_->flush();  // returns at once: the thread is gone
  worker_->stop();   // again: nothing happens
  EXPECT_EQ(all_tasks().size(), 1u);
}

}  // namespace
}  // namespace dzvin::crm
