// A deleted user's open tasks go to the successor; their contacts and deals lose the owner; what
// is closed, and other users' and companies' records, stay as they were.
#include "crm/user_hand_over.hpp"

#include <gtest/gtest.h>

#include "crm/contact_store.hpp"
#include "crm/task_store.hpp"
#include "crm_database.hpp"

namespace dzvin::crm {
namespace {

using testing::kStartMs;

class UserHandOverTest : public testing::CrmDatabaseTest {
 protected:
  Task task(std::int64_t tenant, const std::string& assignee, const std::string& number) {
    NewTask n;
    n.assignee = assignee;
    n.number = number;
    n.title = "Call " + number;
    n.due_at_ms = kStartMs + 3'600'000;
    auto t = tasks_.create(tenant, n);
    EXPECT_TRUE(t) << (t ? "" : t.error().message);
    return t ? *t : Task{};
  }
  Contact contact(std::int64_t tenant, const std::string& owner, const std::string& number) {
    ContactDraft d;
    d.name = "Customer " + number;
    d.owner = owner;
    d.phones = {{number, ""}};
    auto c = contacts_.create(tenant, d);
    EXPECT_TRUE(c) << (c ? "" : c.error().message);
    return c ? *c : Contact{};
  }
  Deal deal(std::int64_t tenant, std::int64_t contact_id, const std::string& owner) {
    DealDraft d;
    d.contact_id = contact_id;
    d.title = "Laptops";
    d.owner = owner;
    auto made = contacts_.create_deal(tenant, d);
    EXPECT_TRUE(made) << (made ? "" : made.error().message);
    return made ? *made : Deal{};
  }

  ContactStore contacts_{db_, clock_};
  TaskStore tasks_{db_, clock_};
};

TEST_F(UserHandOverTest, OpenTasksGoToTheSuccessorAndCustomersLoseTheOwner) {
  const Task open = task(1, "1003", "+380501112233");
  const Task closed = task(1, "1003", "+380501112234");
  ASSERT_TRUE(tasks_.close(1, closed.id, TaskState::done, "1003"));
  const Task others = task(1, "1002", "+380501112235");
  const Contact hers = contact(1, "1003", "+380671112244");
  const Contact anna = contact(1, "1002", "+380671112245");
  const Deal her_deal = deal(1, anna.id, "1003");
  // Another company with a user of the same name (stores refuse unknown owners: set by hand).
  const Contact elsewhere = contact(2, "2002", "+380671112246");
  ASSERT_TRUE(
      db_.execute("UPDATE contacts SET owner = '1003' WHERE id = " + std::to_string(elsewhere.id)));

  auto done = hand_over_user(db_, 1, "1003", "1004", kStartMs + 1000);
  ASSERT_TRUE(done) << done.error().message;
  EXPECT_EQ(done->tasks, 1);
  EXPECT_EQ(done->contacts, 1);
  EXPECT_EQ(done->deals, 1);

  const auto now_open = tasks_.find(1, open.id);
  ASSERT_TRUE(now_open && *now_open);
  EXPECT_EQ((*now_open)->assignee, "1004");
  EXPECT_EQ((*now_open)->assigned_by, "reassigned");
  const auto still_closed = tasks_.find(1, closed.id);
  ASSERT_TRUE(still_closed && *still_closed);
  EXPECT_EQ((*still_closed)->assignee, "1003") << "a closed task keeps who did it";
  EXPECT_EQ((*tasks_.find(1, others.id))->assignee, "1002");
  EXPECT_EQ((*contacts_.find(1, hers.id))->owner, "");
  EXPECT_EQ((*contacts_.find(1, anna.id))->owner, "1002");
  const auto deals = contacts_.deals_of(1, anna.id);
  ASSERT_TRUE(deals);
  ASSERT_EQ(deals->size(), 1u);
  EXPECT_EQ((*deals)[0].id, her_deal.id);
  EXPECT_EQ((*deals)[0].owner, "");
  EXPECT_EQ((*contacts_.find(2, elsewhere.id))->owner, "1003") << "another company's 1003";
}

TEST_F(UserHandOverTest, NothingOfTheirsIsNothingChanged) {
  auto done = hand_over_user(db_, 1, "1002", "1004", kStartMs);
  ASSERT_TRUE(done) << done.error().message;
  EXPECT_EQ(done->tasks + done->contacts + done->deals, 0);
}

}  // namespace
}  // namespace dzvin::crm
