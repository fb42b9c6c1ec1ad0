// The caller card: who is calling, their deals, their last calls and their open call-back task;
// "primary" for a first contact.
#include "crm/caller_card.hpp"

#include <gtest/gtest.h>

#include "crm_database.hpp"

namespace dzvin::crm {
namespace {

using testing::kStartMs;

class CallerCardTest : public testing::CrmDatabaseTest {
 protected:
  Result<CallerCard> card(std::string_view number, std::string_view except_call = {},
                          std::int64_t tenant = 1) {
    return caller_card(db_, contacts_, tasks_, tenant, number, except_call);
  }
  std::vector<std::string> recent_ids(const CallerCard& c) {
    std::vector<std::string> out;
    for (const CardCall& call : c.recent)
      out.push_back(call.id);
    return out;
  }

  ContactStore contacts_{db_, clock_};
  TaskStore tasks_{db_, clock_};
};

TEST_F(CallerCardTest, AnUnknownNumberIsAFirstContact) {
  auto c = card("050 111 22 33");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->number, "+380501112233");
  EXPECT_TRUE(c->primary);
  EXPECT_EQ(c->contact, std::nullopt);
  EXPECT_TRUE(c->deals.empty());
  EXPECT_TRUE(c->recent.empty());
  EXPECT_EQ(c->open_task, std::nullopt);
}

TEST_F(CallerCardTest, NotANumberIsInvalid) {
  auto c = card("call me");
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code, store::kInvalid);
  EXPECT_EQ(c.error().message.rfind("number: ", 0), 0u) << c.error().message;
}

TEST_F(CallerCardTest, AKnownClientWithDealsCallsAndATask) {
  ContactDraft d;
  d.name = "Olena Koval";
  d.owner = "1002";
  d.phones = {{"+380501112233", "mobile"}};
  auto contact = contacts_.create(1, d);
  ASSERT_TRUE(contact) << contact.error().message;
  auto closed = contacts_.create_deal(1, DealDraft{contact->id, "Old", "won", "1003", false, {}});
  ASSERT_TRUE(closed);
  auto open = contacts_.create_deal(1, DealDraft{contact->id, "Sweets", "new", "1002", true, {}});
  ASSERT_TRUE(open);
  // Seven calls with the number (c6 outgoing: we called her), one of another company and one
  // of another number; c7 is ringing now.
  ASSERT_TRUE(db_.execute(
      "INSERT INTO calls (id, tenant_id, caller, called, started_at, answered_by, outcome) VALUES "
      "('c1', 1, '+380501112233', '500', 1000, NULL, 'missed: no answer'),"
      "('c2', 1, '+380501112233', '500', 2000, '1002', 'answered: caller hung up'),"
      "('c3', 1, '+380501112233', '500', 3000, NULL, 'voicemail: 1002'),"
      "('c4', 1, '+380501112233', '500', 4000, NULL, 'abandoned: caller hung up while ringing'),"
      "('c5', 1, '+380501112233', '500', 5000, NULL, NULL),"
      "('c6', 1, '1002', '+380501112233', 6000, '+380501112233', 'answered: callee hung up'),"
      "('c7', 1, '+380501112233', '500', 7000, NULL, NULL),"
      "('x1', 2, '+380501112233', '700', 6500, NULL, 'missed: no answer'),"
      "('x2', 1, '+380501112234', '500', 6600, NULL, 'missed: no answer');"));
  MissedCall m;
  m.number = "+380501112233";
  m.contact_id = contact->id;
  m.assignee = "1002";
  m.assigned_by = "deal_owner";
  m.title = "Call back Olena Koval (+380501112233)";
  m.due_at_ms = kStartMs;
  m.call_id = "c4";
  auto task = tasks_.record_missed_call(1, m);
  ASSERT_TRUE(task) << task.error().message;

  auto c = card("+380501112233", "c7");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_FALSE(c->primary);
  ASSERT_TRUE(c->contact);
  EXPECT_EQ(c->contact->id, contact->id);
  EXPECT_EQ(c->contact->name, "Olena Koval");
  ASSERT_EQ(c->deals.size(), 2u);
  EXPECT_EQ(c->deals[0].id, open->id) << "open first";
  EXPECT_EQ(c->deals[1].id, closed->id);
  EXPECT_EQ(recent_ids(*c), (std::vector<std::string>{"c6", "c5", "c4", "c3", "c2"}));
  const CardCall& outgoing = c->recent[0];
  EXPECT_EQ(outgoing.started_at_ms, 6000);
  EXPECT_EQ(outgoing.caller, "1002");
  EXPECT_EQ(outgoing.called, "+380501112233");
  EXPECT_EQ(outgoing.outcome, "answered: callee hung up");
  EXPECT_EQ(c->recent[1].outcome, "") << "a call still going has no outcome";
  EXPECT_EQ(c->recent[4].answered_by, "1002");
  ASSERT_TRUE(c->open_task);
  EXPECT_EQ(c->open_task->id, task->task.id);

  // Without a call to leave out, the newest five.
  EXPECT_EQ(recent_ids(*card("+380501112233")),
            (std::vector<std::string>{"c7", "c6", "c5", "c4", "c3"}));
  // Tenant 2 knows nothing of her but its own call.
  auto other = card("+380501112233", "", 2);
  ASSERT_TRUE(other);
  EXPECT_EQ(other->contact, std::nullopt);
  EXPECT_EQ(recent_ids(*other), std::vector<std::string>{"x1"});
  EXPECT_FALSE(other->primary) << "she called before";
  EXPECT_EQ(other->open_task, std::nullopt);
}

TEST_F(CallerCardTest, AKnownContactIsNotAFirstContactEvenWithoutCalls) {
  ContactDraft d;
  d.name = "Petro Bondar";
  d.phones = {{"0671234567", ""}};
  ASSERT_TRUE(contacts_.create(1, d));
  auto c = card("+380671234567");
  ASSERT_TRUE(c);
  EXPECT_FALSE(c->primary);
  EXPECT_TRUE(c->recent.empty());
}

TEST_F(CallerCardTest, TheCallRingingNowDoesNotMakeTheCallerKnown) {
  ASSERT_TRUE(
      db_.execute("INSERT INTO calls (id, tenant_id, caller, called, started_at) VALUES "
                  "('now', 1, '+380931234567', '500', 1000);"));
  auto c = card("+380931234567", "now");
  ASSERT_TRUE(c);
  EXPECT_TRUE(c->primary);
  EXPECT_TRUE(c->recent.empty());
}

}  // namespace
}  // namespace dzvin::crm
