// The weekly first-contact report: calls by kind per person who answered and per local week,
// contacts captured by their creators.
#include "crm/first_contact_report.hpp"

#include <gtest/gtest.h>

#include "store/migrations.hpp"
#include "temp_dir.hpp"

namespace dzvin::crm {
namespace {

class FirstContactReportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = store::Database::open(dir_.file("r.db"));
    ASSERT_TRUE(opened);
    db_ = std::move(*opened);
    ASSERT_TRUE(store::migrate(db_));
    // 2027-03-01 is a Monday. Kyiv is UTC+2 then: Sunday 2027-03-07 23:30 local is 21:30 UTC.
    ASSERT_TRUE(db_.execute(
        "INSERT INTO calls (id, tenant_id, caller, called, started_at, answered_by, caller_kind) "
        "VALUES "
        "('a', 1, '+380501', '500', 1803974400000, '1003@x', 'primary'),"  // Tue 02 Mar 10:00 local
        "('b', 1, '+380502', '500', 1803978000000, '1003@x', 'secondary'),"  // Tue 02 Mar 11:00
        "('c', 1, '+380503', '500', 1804455000000, NULL, 'primary'),"        // Sun 07 Mar 23:30
        "('d', 1, '+380504', '500', 1804462200000, '1002@x', 'primary'),"    // Mon 08 Mar 01:30
        "('e', 1, '1001', '500', 1803978000000, '1003@x', NULL),"            // from inside
        "('f', 2, '+380505', '500', 1803978000000, '1003@x', 'primary');"    // another company
        "INSERT INTO contacts (tenant_id, name, created_at, updated_at, created_by) VALUES "
        "(1, 'x', 1803974400000, 1, '1003'), (1, 'y', 1803974400000, 1, '1003'),"
        "(1, 'z', 1804462200000, 1, '1002'), (2, 'w', 1803974400000, 1, '1003'),"
        "(1, 'imported', 1803974400000, 1, '');"));  // a CSV import: nobody's capture
  }

  testing::TempDir dir_;
  store::Database db_;
};

TEST_F(FirstContactReportTest, CountsPerLocalWeekAndPerson) {
  auto report = first_contact_report(db_, 1, 1803254400000, 1805068800000, "Europe/Kyiv");
  ASSERT_TRUE(report) << report.error().message;
  ASSERT_EQ(report->size(), 2u);
  const ReportWeek& first = (*report)[0];
  EXPECT_EQ(first.monday, std::chrono::year_month_day(std::chrono::year{2027}, std::chrono::March,
                                                      std::chrono::day{1}));
  EXPECT_EQ(first.total.primary, 2);    // a, and c (Sunday late evening, local)
  EXPECT_EQ(first.total.secondary, 1);  // b; e is from inside: not counted
  EXPECT_EQ(first.total.contacts_captured, 2) << "the imported contact is not counted";
  ASSERT_EQ(first.operators.size(), 2u);
  EXPECT_EQ(first.operators[0].user, "");  // nobody answered c
  EXPECT_EQ(first.operators[0].primary, 1);
  EXPECT_EQ(first.operators[1].user, "1003");
  EXPECT_EQ(first.operators[1].primary, 1);
  EXPECT_EQ(first.operators[1].secondary, 1);
  EXPECT_EQ(first.operators[1].contacts_captured, 2);
  const ReportWeek& second = (*report)[1];
  EXPECT_EQ(second.monday, std::chrono::year_month_day(std::chrono::year{2027}, std::chrono::March,
                                                       std::chrono::day{8}));
  ASSERT_EQ(second.operators.size(), 1u);
  EXPECT_EQ(second.operators[0].user, "1002");
  EXPECT_EQ(second.operators[0].primary, 1);
  EXPECT_EQ(second.operators[0].contacts_captured, 1);
}

TEST_F(FirstContactReportTest, TheWeekIsTheZonesWeek) {
  // In UTC, d (Monday 01:30 in Kyiv) is still Sunday: everything is in the first week.
  auto report = first_contact_report(db_, 1, 1803254400000, 1805068800000, "UTC");
  ASSERT_TRUE(report);
  ASSERT_EQ(report->size(), 1u);
  EXPECT_EQ((*report)[0].total.primary, 3);
  EXPECT_EQ((*report)[0].total.contacts_captured, 3);
}

TEST_F(FirstContactReportTest, BadInputIsRefused) {
  EXPECT_FALSE(first_contact_report(db_, 1, 10, 5, "UTC"));
  EXPECT_FALSE(first_contact_report(db_, 1, 0, 400LL * 24 * 3600 * 1000, "UTC"));
  auto zone = first_contact_report(db_, 1, 0, 1000, "Mars/Olympus");
  ASSERT_FALSE(zone);
  EXPECT_EQ(zone.error().message, "tz: unknown time zone \"Mars/Olympus\"");
}

}  // namespace
}  // namespace dzvin::crm
