// Tasks in SQLite: one open call-back task per number that later missed calls add to, closed
// by an answered call or by hand; intake tasks; the list's filters and pages; overdue news.
#include "crm/task_store.hpp"

#include <gtest/gtest.h>

#include "crm_database.hpp"

namespace dzvin::crm {
namespace {

using namespace std::chrono_literals;
using testing::kStartMs;

MissedCall missed(std::string number, std::string call_id, std::string assignee = "1002",
                  std::int64_t due = kStartMs + 30 * 60'000) {
  MissedCall m;
  m.number = std::move(number);
  m.assignee = std::move(assignee);
  m.assigned_by = "head";
  m.title = "Call back " + m.number;
  m.detail = "Missed call to 500 (missed: no answer)";
  m.due_at_ms = due;
  m.call_id = std::move(call_id);
  return m;
}

NewTask intake(std::string title, std::string assignee, std::int64_t due) {
  NewTask t;
  t.title = std::move(title);
  t.assignee = std::move(assignee);
  t.due_at_ms = due;
  return t;
}

class TaskStoreTest : public testing::CrmDatabaseTest {
 protected:
  Task record(std::int64_t tenant, const MissedCall& m) {
    auto r = tasks_.record_missed_call(tenant, m);
    EXPECT_TRUE(r) << (r ? "" : r.error().message);
    return r ? r->task : Task{};
  }
  std::vector<std::int64_t> ids(const TaskFilter& filter, std::int64_t tenant = 1) {
    std::vector<std::int64_t> out;
    auto page = tasks_.list(tenant, filter);
    EXPECT_TRUE(page) << (page ? "" : page.error().message);
    if (!page) return out;
    for (const Task& t : page->items)
      out.push_back(t.id);
    return out;
  }

  TaskStore tasks_{db_, clock_};
};

TEST_F(TaskStoreTest, AMissedCallMakesOneOpenCallBackTask) {
  auto r = tasks_.record_missed_call(1, missed("+380501112233", "call-1"));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_TRUE(r->created);
  const Task& t = r->task;
  EXPECT_GT(t.id, 0);
  EXPECT_EQ(t.tenant_id, 1);
  EXPECT_EQ(t.kind, "call_back");
  EXPECT_EQ(t.number, "+380501112233");
  EXPECT_EQ(t.contact_id, std::nullopt);
  EXPECT_EQ(t.assignee, "1002");
  EXPECT_EQ(t.assigned_by, "head");
  EXPECT_EQ(t.title, "Call back +380501112233");
  EXPECT_EQ(t.state, TaskState::open);
  EXPECT_EQ(t.calls, 1);
  EXPECT_EQ(t.first_call_id, "call-1");
  EXPECT_EQ(t.last_call_id, "call-1");
  EXPECT_EQ(t.due_at_ms, kStartMs + 30 * 60'000);
  EXPECT_EQ(t.created_at_ms, kStartMs);
  EXPECT_EQ(t.closed_at_ms, std::nullopt);
  auto open = tasks_.open_call_back(1, "+380501112233");
  ASSERT_TRUE(open && open->has_value());
  EXPECT_EQ((*open)->id, t.id);
}

TEST_F(TaskStoreTest, AnotherMissedCallAddsToTheOpenTask) {
  const Task first = record(1, missed("+380501112233", "call-1"));
  clock_.advance(10min);
  MissedCall again = missed("+380501112233", "call-2", "1003", kStartMs + 99 * 60'000);
  again.contact_id = std::nullopt;
  auto r = tasks_.record_missed_call(1, again);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_FALSE(r->created);
  EXPECT_EQ(r->task.id, first.id);
  EXPECT_EQ(r->task.calls, 2);
  EXPECT_EQ(r->task.first_call_id, "call-1");
  EXPECT_EQ(r->task.last_call_id, "call-2");
  // The first promise holds: the deadline and the assignee stay.
  EXPECT_EQ(r->task.due_at_ms, first.due_at_ms);
  EXPECT_EQ(r->task.assignee, "1002");
  EXPECT_EQ(r->task.updated_at_ms, kStartMs + 10 * 60'000);
  EXPECT_EQ(column("SELECT count(*) FROM tasks"), std::vector<std::string>{"1"});
  // Another number, and the same number in another company, are tasks of their own.
  EXPECT_NE(record(1, missed("+380501112234", "call-3")).id, first.id);
  EXPECT_NE(record(2, missed("+380501112233", "call-4", "2002")).id, first.id);
  EXPECT_EQ(column("SELECT count(*) FROM tasks"), std::vector<std::string>{"3"});
}

TEST_F(TaskStoreTest, AnAnsweredCallClosesTheTaskAndALaterMissOpensANewOne) {
  const Task first = record(1, missed("+380501112233", "call-1"));
  clock_.advance(1h);
  auto closed = tasks_.close_by_call(1, "+380501112233", "call-9");
  ASSERT_TRUE(closed) << closed.error().message;
  ASSERT_TRUE(closed->has_value());
  EXPECT_EQ((*closed)->id, first.id);
  EXPECT_EQ((*closed)->state, TaskState::done);
  EXPECT_EQ((*closed)->closed_by_call, "call-9");
  EXPECT_EQ((*closed)->closed_by, std::nullopt);
  EXPECT_EQ((*closed)->closed_at_ms, kStartMs + 3'600'000);
  // Nothing more to close.
  auto again = tasks_.close_by_call(1, "+380501112233", "call-10");
  ASSERT_TRUE(again);
  EXPECT_FALSE(again->has_value());
  EXPECT_FALSE(tasks_.close_by_call(2, "+380501112234", "x")->has_value());

  auto next = tasks_.record_missed_call(1, missed("+380501112233", "call-11"));
  ASSERT_TRUE(next) << next.error().message;
  EXPECT_TRUE(next->created);
  EXPECT_NE(next->task.id, first.id);
  EXPECT_EQ(next->task.calls, 1);
  EXPECT_EQ((*tasks_.find(1, first.id))->state, TaskState::done);
}

TEST_F(TaskStoreTest, AnotherCompanysAnsweredCallClosesNothing) {
  const Task t = record(1, missed("+380501112233", "call-1"));
  EXPECT_FALSE(tasks_.close_by_call(2, "+380501112233", "call-2")->has_value());
  EXPECT_EQ((*tasks_.find(1, t.id))->state, TaskState::open);
}

TEST_F(TaskStoreTest, AVoicemailIsAttachedByTheLastCall) {
  const Task t = record(1, missed("+380501112233", "call-1"));
  record(1, missed("+380501112233", "call-2"));
  // The first call's id is no longer the task's last: nothing found by it.
  auto by_first = tasks_.attach_voicemail(1, "call-1", 41);
  ASSERT_TRUE(by_first);
  EXPECT_FALSE(by_first->has_value());
  auto attached = tasks_.attach_voicemail(1, "call-2", 42);
  ASSERT_TRUE(attached) << attached.error().message;
  ASSERT_TRUE(attached->has_value());
  EXPECT_EQ((*attached)->id, t.id);
  EXPECT_EQ((*attached)->voicemail_id, 42);
  EXPECT_FALSE(tasks_.attach_voicemail(2, "call-2", 43)->has_value()) << "another company";
  EXPECT_FALSE(tasks_.attach_voicemail(1, "unknown", 44)->has_value());
  EXPECT_FALSE(tasks_.attach_voicemail(1, "", 45)->has_value());
  EXPECT_EQ((*tasks_.find(1, t.id))->voicemail_id, 42);
}

TEST_F(TaskStoreTest, IntakeTasksAreCreatedAndClosedByHand) {
  NewTask n = intake("Send the price list", "1003", kStartMs + 86'400'000);
  n.detail = "Asked for wholesale prices";
  n.number = "+380501112233";
  n.call_id = "call-1";
  auto t = tasks_.create(1, n);
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_EQ(t->kind, "intake");
  EXPECT_EQ(t->assignee, "1003");
  EXPECT_EQ(t->assigned_by, "form");
  EXPECT_EQ(t->detail, "Asked for wholesale prices");
  EXPECT_EQ(t->state, TaskState::open);
  EXPECT_EQ(t->first_call_id, "call-1");
  // An intake task is not the number's call-back task.
  EXPECT_FALSE(tasks_.open_call_back(1, "+380501112233")->has_value());
  EXPECT_FALSE(tasks_.close_by_call(1, "+380501112233", "call-2")->has_value());

  clock_.advance(1min);
  auto done = tasks_.close(1, t->id, TaskState::done, "1003");
  ASSERT_TRUE(done) << done.error().message;
  EXPECT_EQ(done->state, TaskState::done);
  EXPECT_EQ(done->closed_by, "1003");
  EXPECT_EQ(done->closed_at_ms, kStartMs + 60'000);

  auto twice = tasks_.close(1, t->id, TaskState::cancelled, "1001");
  ASSERT_FALSE(twice);
  EXPECT_EQ(twice.error().code, store::kConflict);
  EXPECT_EQ((*tasks_.find(1, t->id))->state, TaskState::done) << "unchanged";

  auto other = tasks_.create(1, intake("Call the supplier", "1002", kStartMs));
  ASSERT_TRUE(other);
  auto reopen = tasks_.close(1, other->id, TaskState::open, "1002");
  ASSERT_FALSE(reopen);
  EXPECT_EQ(reopen.error().code, store::kInvalid);
  auto cancelled = tasks_.close(1, other->id, TaskState::cancelled, "1001");
  ASSERT_TRUE(cancelled);
  EXPECT_EQ(cancelled->state, TaskState::cancelled);
  EXPECT_EQ(tasks_.close(1, 999, TaskState::done, "1001").error().code, store::kNotFound);
  EXPECT_EQ(tasks_.close(2, other->id, TaskState::done, "2001").error().code, store::kNotFound);
}

TEST_F(TaskStoreTest, ACallBackTaskClosedByHandLetsTheNextMissOpenAnother) {
  const Task t = record(1, missed("+380501112233", "call-1"));
  ASSERT_TRUE(tasks_.close(1, t.id, TaskState::cancelled, "1001"));
  auto next = tasks_.record_missed_call(1, missed("+380501112233", "call-2"));
  ASSERT_TRUE(next) << next.error().message;
  EXPECT_TRUE(next->created);
  EXPECT_NE(next->task.id, t.id);
}

TEST_F(TaskStoreTest, CreateRefusesBadInput) {
  EXPECT_EQ(tasks_.create(1, intake("", "1002", 0)).error().code, store::kInvalid);
  EXPECT_EQ(tasks_.create(1, intake(std::string(201, 'x'), "1002", 0)).error().message,
            "title: 1 to 200 bytes");
  EXPECT_EQ(tasks_.create(1, intake("x", "", 0)).error().message, "assignee: required");
  NewTask long_detail = intake("x", "1002", 0);
  long_detail.detail = std::string(10'001, 'd');
  EXPECT_EQ(tasks_.create(1, long_detail).error().message, "detail: at most 10000 bytes");
  EXPECT_EQ(tasks_.record_missed_call(1, missed("", "call-1")).error().code, store::kInvalid);
  EXPECT_EQ(column("SELECT count(*) FROM tasks"), std::vector<std::string>{"0"});
}

TEST_F(TaskStoreTest, ListFiltersAndPagesNewestFirst) {
  // 1: 1002 open, due in 30 min; 2: 1003 open, overdue; 3: 1002 done, overdue;
  // 4: 1002 open, overdue; 5: tenant 2.
  const auto a = record(1, missed("+380501110001", "c1", "1002", kStartMs + 30 * 60'000)).id;
  const auto b = record(1, missed("+380501110002", "c2", "1003", kStartMs - 1)).id;
  const auto c = record(1, missed("+380501110003", "c3", "1002", kStartMs - 60'000)).id;
  ASSERT_TRUE(tasks_.close(1, c, TaskState::done, "1002"));
  const auto d = tasks_.create(1, intake("Intake", "1002", kStartMs - 5))->id;
  record(2, missed("+380501110001", "c5", "2002", kStartMs - 1));

  EXPECT_EQ(ids({}), (std::vector<std::int64_t>{d, c, b, a}));
  TaskFilter mine;
  mine.assignee = "1002";
  EXPECT_EQ(ids(mine), (std::vector<std::int64_t>{d, c, a}));
  TaskFilter open;
  open.state = TaskState::open;
  EXPECT_EQ(ids(open), (std::vector<std::int64_t>{d, b, a}));
  TaskFilter done;
  done.state = TaskState::done;
  EXPECT_EQ(ids(done), (std::vector<std::int64_t>{c}));
  TaskFilter overdue;
  overdue.overdue_only = true;
  overdue.now_ms = kStartMs;
  EXPECT_EQ(ids(overdue), (std::vector<std::int64_t>{d, b}));
  overdue.assignee = "1002";
  EXPECT_EQ(ids(overdue), (std::vector<std::int64_t>{d}));
  overdue.assignee.clear();
  overdue.now_ms = kStartMs + 31 * 60'000;  // later, the first one is overdue too
  EXPECT_EQ(ids(overdue), (std::vector<std::int64_t>{d, b, a}));

  // Keyset pages of two.
  TaskFilter paged;
  paged.limit = 2;
  auto page = tasks_.list(1, paged);
  ASSERT_TRUE(page);
  ASSERT_EQ(page->items.size(), 2u);
  EXPECT_EQ(page->items[0].id, d);
  EXPECT_EQ(page->items[1].id, c);
  ASSERT_EQ(page->next_before, c);
  paged.before_id = *page->next_before;
  auto rest = tasks_.list(1, paged);
  ASSERT_TRUE(rest);
  ASSERT_EQ(rest->items.size(), 2u);
  EXPECT_EQ(rest->items[0].id, b);
  EXPECT_EQ(rest->items[1].id, a);
  EXPECT_EQ(rest->next_before, std::nullopt) << "nothing after the last page";
  EXPECT_EQ(ids({}, 2).size(), 1u);
}

TEST_F(TaskStoreTest, NewlyOverdueTasksAreReportedOnce) {
  const auto a = record(1, missed("+380501110001", "c1", "1002", kStartMs + 60'000)).id;
  const auto b = record(2, missed("+380501110002", "c2", "2002", kStartMs + 120'000)).id;
  const auto closed = record(1, missed("+380501110003", "c3", "1002", kStartMs + 10)).id;
  ASSERT_TRUE(tasks_.close(1, closed, TaskState::done, "1002"));

  auto none = tasks_.take_newly_overdue(kStartMs + 60'000);  // due is not yet past
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
  auto first = tasks_.take_newly_overdue(kStartMs + 60'001);
  ASSERT_TRUE(first);
  ASSERT_EQ(first->size(), 1u);
  EXPECT_EQ((*first)[0].id, a);
  EXPECT_TRUE(tasks_.take_newly_overdue(kStartMs + 60'001)->empty()) << "told once";
  auto later = tasks_.take_newly_overdue(kStartMs + 3'600'000);
  ASSERT_TRUE(later);
  ASSERT_EQ(later->size(), 1u) << "every company's, the done one never";
  EXPECT_EQ((*later)[0].id, b);
  EXPECT_TRUE(tasks_.take_newly_overdue(kStartMs + 7'200'000)->empty());
}

}  // namespace
}  // namespace dzvin::crm
