// Which ended calls become call-back tasks, and who gets them.
#include "crm/missed_call_policy.hpp"

#include <gtest/gtest.h>

namespace dzvin::crm {
namespace {

TEST(ClassifyOutcome, APersonAnsweredOrNotOrNobodyWasReachable) {
  EXPECT_EQ(classify_outcome("answered: callee hung up"), EndedAs::answered);
  EXPECT_EQ(classify_outcome("answered: caller hung up"), EndedAs::answered);
  EXPECT_EQ(classify_outcome("missed: no answer"), EndedAs::not_answered);
  EXPECT_EQ(classify_outcome("missed: busy"), EndedAs::not_answered);
  EXPECT_EQ(classify_outcome("abandoned: caller hung up while ringing"), EndedAs::not_answered);
  EXPECT_EQ(classify_outcome("voicemail: 1002"), EndedAs::not_answered);
  EXPECT_EQ(classify_outcome("rejected: Closed"), EndedAs::not_answered);
  EXPECT_EQ(classify_outcome("unanswered"), EndedAs::not_answered);
  EXPECT_EQ(classify_outcome("failed: no ACK from the caller"), EndedAs::failed);
  EXPECT_EQ(classify_outcome("failed"), EndedAs::failed);
}

TEST(ClassifyOutcome, OnlyTheWordBeforeTheColonCounts) {
  // "answered" inside the reason of a missed call is not an answer.
  EXPECT_EQ(classify_outcome("missed: answered elsewhere"), EndedAs::not_answered);
  EXPECT_EQ(classify_outcome("unanswered: timeout"), EndedAs::not_answered);
  EXPECT_EQ(classify_outcome("answered"), EndedAs::answered);
}

Deal deal(std::string owner, bool open, std::int64_t id) {
  Deal d;
  d.id = id;
  d.title = "deal " + std::to_string(id);
  d.owner = std::move(owner);
  d.open = open;
  return d;
}

Contact contact(std::string owner) {
  Contact c;
  c.id = 7;
  c.name = "Olena Koval";
  c.owner = std::move(owner);
  return c;
}

TEST(ChooseAssignee, TheOpenDealsOwnerFirst) {
  const auto who =
      choose_assignee(contact("1002"), {deal("1005", true, 2), deal("1006", true, 1)}, "1001");
  EXPECT_EQ(who.assignee, "1005");
  EXPECT_EQ(who.reason, "deal_owner");
}

TEST(ChooseAssignee, AnOpenDealWithoutOwnerOrAClosedDealIsPassedOver) {
  const auto who = choose_assignee(
      contact("1002"), {deal("", true, 3), deal("1006", true, 2), deal("1007", false, 1)}, "1001");
  EXPECT_EQ(who.assignee, "1006");
  EXPECT_EQ(who.reason, "deal_owner");
  const auto closed_only = choose_assignee(contact("1002"), {deal("1007", false, 1)}, "1001");
  EXPECT_EQ(closed_only.assignee, "1002");
  EXPECT_EQ(closed_only.reason, "contact_owner");
}

TEST(ChooseAssignee, TheHeadWhenNobodyIsResponsible) {
  const auto unknown = choose_assignee(std::nullopt, {}, "1001");
  EXPECT_EQ(unknown.assignee, "1001");
  EXPECT_EQ(unknown.reason, "head");
  const auto ownerless = choose_assignee(contact(""), {deal("1007", false, 1)}, "1001");
  EXPECT_EQ(ownerless.assignee, "1001");
  EXPECT_EQ(ownerless.reason, "head");
}

TEST(CallBackTitle, NamesTheContactWhenKnown) {
  EXPECT_EQ(call_back_title("+380501112233", std::nullopt), "Call back +380501112233");
  EXPECT_EQ(call_back_title("+380501112233", contact("")), "Call back Olena Koval (+380501112233)");
}

}  // namespace
}  // namespace dzvin::crm
