// When a missed caller must have been called back, over real schedules in Europe/Kyiv: working
// minutes from the call in hours, the next working day's 10:00 after hours, across weekends,
// holidays and daylight-saving changes.
#include "crm/callback_deadline.hpp"

#include <gtest/gtest.h>

#include <string_view>

#include "pbx/schedule.hpp"

namespace dzvin::crm {
namespace {

using namespace std::chrono_literals;
using std::chrono::year;

WallTime utc(int y, unsigned m, unsigned d, int h, int min = 0) {
  return std::chrono::sys_days{year{y} / std::chrono::month{m} / std::chrono::day{d}} +
         std::chrono::hours{h} + std::chrono::minutes{min};
}
// Kyiv is UTC+2 in winter (EET) and UTC+3 in summer (EEST): local times written as UTC minus
// the offset, so each expectation shows which offset applies.
WallTime kyiv_winter(int y, unsigned m, unsigned d, int h, int min = 0) {
  return utc(y, m, d, h, min) - 2h;
}
WallTime kyiv_summer(int y, unsigned m, unsigned d, int h, int min = 0) {
  return utc(y, m, d, h, min) - 3h;
}

pbx::Schedule make(std::string_view json) {
  auto r = pbx::parse_schedule(json, "office", "schedules.office");
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  if (!r.ok()) return pbx::parse_schedule(R"({"time_zone": "UTC"})", "empty").value();
  return *std::move(r);
}

// Monday to Friday 09:00-18:00; 2027-01-18 is a Monday, 2027-01-22 a Friday.
constexpr std::string_view kWeekdays = R"({
  "time_zone": "Europe/Kyiv",
  "weekly": {
    "mon": ["09:00-18:00"], "tue": ["09:00-18:00"], "wed": ["09:00-18:00"],
    "thu": ["09:00-18:00"], "fri": ["09:00-18:00"]
  }
})";

const CallbackDeadlineRule kRule{};  // 30 working minutes; next working day by 10:00

TEST(CallbackDeadline, InHoursIsThirtyWorkingMinutesLater) {
  const auto office = make(kWeekdays);
  EXPECT_EQ(callback_deadline(kyiv_winter(2027, 1, 19, 11, 0), &office, kRule),
            kyiv_winter(2027, 1, 19, 11, 30));
}

TEST(CallbackDeadline, WorkingMinutesCarryOverTheClosingToTheNextOpening) {
  const auto office = make(kWeekdays);
  // 17:50 Tuesday: 10 minutes before closing, 20 after Wednesday's opening.
  EXPECT_EQ(callback_deadline(kyiv_winter(2027, 1, 19, 17, 50), &office, kRule),
            kyiv_winter(2027, 1, 20, 9, 20));
  // Friday 17:50: the 20 minutes left are Monday's.
  EXPECT_EQ(callback_deadline(kyiv_winter(2027, 1, 22, 17, 50), &office, kRule),
            kyiv_winter(2027, 1, 25, 9, 20));
}

TEST(CallbackDeadline, WorkingMinutesSkipALunchBreak) {
  const auto office = make(R"({"time_zone": "Europe/Kyiv",
    "weekly": {"tue": ["09:00-13:00", "14:00-18:00"]}})");
  EXPECT_EQ(callback_deadline(kyiv_winter(2027, 1, 19, 12, 50), &office, kRule),
            kyiv_winter(2027, 1, 19, 14, 20));
}

TEST(CallbackDeadline, AfterHoursIsTheNextWorkingDayByTen) {
  const auto office = make(kWeekdays);
  // Friday evening, Saturday and Sunday: Monday 10:00.
  EXPECT_EQ(callback_deadline(kyiv_winter(2027, 1, 22, 19, 0), &office, kRule),
            kyiv_winter(2027, 1, 25, 10, 0));
  EXPECT_EQ(callback_deadline(kyiv_winter(2027, 1, 23, 12, 0), &office, kRule),
            kyiv_winter(2027, 1, 25, 10, 0));
  EXPECT_EQ(callback_deadline(kyiv_winter(2027, 1, 24, 23, 59), &office, kRule),
            kyiv_winter(2027, 1, 25, 10, 0));
  // Early on a working day, before the opening: that same day by 10:00.
  EXPECT_EQ(callback_deadline(kyiv_winter(2027, 1, 19, 7, 0), &office, kRule),
            kyiv_winter(2027, 1, 19, 10, 0));
  // Just after midnight, local (still the previous day in UTC).
  EXPECT_EQ(callback_deadline(kyiv_winter(2027, 1, 20, 0, 30), &office, kRule),
            kyiv_winter(2027, 1, 20, 10, 0));
}

TEST(CallbackDeadline, AHolidayIsSkipped) {
  const auto office = make(R"({"time_zone": "Europe/Kyiv",
    "weekly": {"mon": ["09:00-18:00"], "tue": ["09:00-18:00"], "wed": ["09:00-18:00"],
               "thu": ["09:00-18:00"], "fri": ["09:00-18:00"]},
    "holidays": ["2027-01-25"]})");
  EXPECT_EQ(callback_deadline(kyiv_winter(2027, 1, 22, 19, 0), &office, kRule),
            kyiv_winter(2027, 1, 26, 10, 0));
}

TEST(CallbackDeadline, AnOpeningAfterTheHourGivesWorkingMinutesAfterTheOpening) {
  const auto office = make(R"({"time_zone": "Europe/Kyiv",
    "weekly": {"mon": ["11:00-18:00"], "tue": ["11:00-18:00"]}})");
  EXPECT_EQ(callback_deadline(kyiv_winter(2027, 1, 18, 8, 0), &office, kRule),
            kyiv_winter(2027, 1, 18, 11, 30));
}

TEST(CallbackDeadline, TheRuleIsConfigurable) {
  const auto office = make(kWeekdays);
  const CallbackDeadlineRule rule{std::chrono::minutes{120}, std::chrono::minutes{12 * 60}};
  EXPECT_EQ(callback_deadline(kyiv_winter(2027, 1, 19, 17, 0), &office, rule),
            kyiv_winter(2027, 1, 20, 10, 0));
  EXPECT_EQ(callback_deadline(kyiv_winter(2027, 1, 22, 19, 0), &office, rule),
            kyiv_winter(2027, 1, 25, 12, 0));
}

TEST(CallbackDeadline, TheLocalHourHoldsAcrossDaylightSavingChanges) {
  const auto office = make(kWeekdays);
  // Kyiv moves to summer time on Sunday 2027-03-28 and back on Sunday 2027-10-31.
  EXPECT_EQ(callback_deadline(kyiv_winter(2027, 3, 26, 19, 0), &office, kRule),
            kyiv_summer(2027, 3, 29, 10, 0));
  EXPECT_EQ(callback_deadline(kyiv_summer(2027, 10, 29, 19, 0), &office, kRule),
            kyiv_winter(2027, 11, 1, 10, 0));
  // Open on the change day itself: the deadline is that day's 10:00 in its new offset.
  const auto sundays = make(R"({"time_zone": "Europe/Kyiv", "weekly": {"sun": ["09:00-18:00"]}})");
  EXPECT_EQ(callback_deadline(kyiv_winter(2027, 3, 27, 22, 0), &sundays, kRule),
            kyiv_summer(2027, 3, 28, 10, 0));
  EXPECT_EQ(callback_deadline(kyiv_summer(2027, 10, 30, 22, 0), &sundays, kRule),
            kyiv_winter(2027, 10, 31, 10, 0));
}

TEST(CallbackDeadline, WithoutWorkingHoursAllTimeIsWorkingTime) {
  const auto at = kyiv_winter(2027, 1, 23, 3, 0);
  EXPECT_EQ(callback_deadline(at, nullptr, kRule), at + 30min);
  const auto never = make(R"({"time_zone": "Europe/Kyiv"})");
  EXPECT_EQ(callback_deadline(at, &never, kRule), at + 30min);
  const auto always = make(R"({"time_zone": "Europe/Kyiv", "weekly": {
    "mon": ["00:00-24:00"], "tue": ["00:00-24:00"], "wed": ["00:00-24:00"],
    "thu": ["00:00-24:00"], "fri": ["00:00-24:00"], "sat": ["00:00-24:00"],
    "sun": ["00:00-24:00"]}})");
  EXPECT_EQ(callback_deadline(at, &always, kRule), at + 30min);
}

}  // namespace
}  // namespace dzvin::crm
