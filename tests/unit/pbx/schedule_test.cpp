#include "pbx/schedule.hpp"

#include <gtest/gtest.h>

#include <string>

namespace dzvin::pbx {
namespace {

using namespace std::chrono_literals;
using std::chrono::year;

// An instant given in UTC.
WallTime utc(int y, unsigned m, unsigned d, int h, int min = 0) {
  return std::chrono::sys_days{year{y} / std::chrono::month{m} / std::chrono::day{d}} +
         std::chrono::hours{h} + std::chrono::minutes{min};
}

// Kyiv is UTC+2 in winter (EET) and UTC+3 in summer (EEST); the tests write local times as
// UTC plus the offset so each expectation shows which offset applies.
WallTime kyiv_winter(int y, unsigned m, unsigned d, int h, int min = 0) {
  return utc(y, m, d, h, min) - 2h;
}
WallTime kyiv_summer(int y, unsigned m, unsigned d, int h, int min = 0) {
  return utc(y, m, d, h, min) - 3h;
}

Schedule make(std::string_view json) {
  auto r = parse_schedule(json, "office", "schedules.office");
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  if (!r.ok()) return parse_schedule(R"({"time_zone": "UTC"})", "empty").value();
  return *std::move(r);
}

std::string error_of(std::string_view json) {
  auto r = parse_schedule(json, "office", "schedules.office");
  EXPECT_FALSE(r.ok()) << json;
  if (r.ok()) return {};
  EXPECT_EQ(r.error().code, 400);
  return r.error().message;
}

constexpr std::string_view kOffice = R"({
  "time_zone": "Europe/Kyiv",
  "weekly": {
    "mon": ["09:00-18:00"], "tue": ["09:00-18:00"], "wed": ["09:00-18:00"],
    "thu": ["09:00-18:00"], "fri": ["09:00-18:00"], "sat": ["10:00-14:00"]
  }
})";

// 2027-01-18 is a Monday; 2027-01-22 a Friday.

TEST(TimeRange, ParsesAndPrints) {
  auto r = parse_time_range("09:00-18:00");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->start, 9h);
  EXPECT_EQ(r->end, 18h);
  EXPECT_FALSE(r->crosses_midnight());
  EXPECT_EQ(to_string(*r), "09:00-18:00");
  EXPECT_TRUE(parse_time_range("22:00-06:00")->crosses_midnight());
  EXPECT_TRUE(parse_time_range("18:00-00:00")->crosses_midnight());
  EXPECT_FALSE(parse_time_range("00:00-24:00")->crosses_midnight());
  EXPECT_EQ(to_string(*parse_time_range("00:00-24:00")), "00:00-24:00");
}

TEST(TimeRange, RefusesMalformedRanges) {
  EXPECT_EQ(parse_time_range("9:00-18:00").error().message, "\"9:00-18:00\" is not HH:MM-HH:MM");
  EXPECT_EQ(parse_time_range("09:00 - 18:00").error().message,
            "\"09:00 - 18:00\" is not HH:MM-HH:MM");
  EXPECT_EQ(parse_time_range("24:00-06:00").error().message,
            "\"24:00-06:00\": the start is not a time of day (00:00 to 23:59)");
  EXPECT_EQ(parse_time_range("09:00-24:30").error().message,
            "\"09:00-24:30\": the end is not a time of day (00:00 to 24:00)");
  EXPECT_EQ(parse_time_range("09:60-10:00").error().message,
            "\"09:60-10:00\": the start is not a time of day (00:00 to 23:59)");
  EXPECT_EQ(parse_time_range("10:00-10:00").error().message,
            "\"10:00-10:00\" is empty (a whole day is 00:00-24:00)");
}

TEST(Schedule, WeeklyHours) {
  const Schedule s = make(kOffice);
  EXPECT_FALSE(s.is_open(kyiv_winter(2027, 1, 18, 8, 59)));
  EXPECT_TRUE(s.is_open(kyiv_winter(2027, 1, 18, 9, 0)));  // opening instant is open
  EXPECT_TRUE(s.is_open(kyiv_winter(2027, 1, 18, 17, 59)));
  EXPECT_FALSE(s.is_open(kyiv_winter(2027, 1, 18, 18, 0)));  // closing instant is closed
  EXPECT_TRUE(s.is_open(kyiv_winter(2027, 1, 23, 12, 0)));   // Saturday
  EXPECT_FALSE(s.is_open(kyiv_winter(2027, 1, 23, 14, 0)));
  EXPECT_FALSE(s.is_open(kyiv_winter(2027, 1, 24, 12, 0)));  // Sunday
  // The zone matters: 09:30 UTC is 11:30 in Kyiv, 07:30 UTC is 09:30.
  EXPECT_TRUE(s.is_open(utc(2027, 1, 18, 7, 30)));
  EXPECT_FALSE(s.is_open(utc(2027, 1, 18, 6, 30)));
}

TEST(Schedule, NextChange) {
  const Schedule s = make(kOffice);
  EXPECT_EQ(s.next_change(kyiv_winter(2027, 1, 22, 17, 0)), kyiv_winter(2027, 1, 22, 18, 0));
  EXPECT_EQ(s.next_change(kyiv_winter(2027, 1, 22, 18, 0)), kyiv_winter(2027, 1, 23, 10, 0));
  EXPECT_EQ(s.next_change(kyiv_winter(2027, 1, 23, 15, 0)), kyiv_winter(2027, 1, 25, 9, 0));
  // Strictly after t: at the opening instant the next change is the closing.
  EXPECT_EQ(s.next_change(kyiv_winter(2027, 1, 25, 9, 0)), kyiv_winter(2027, 1, 25, 18, 0));
  // Beyond the horizon: nothing.
  EXPECT_EQ(s.next_change(kyiv_winter(2027, 1, 23, 15, 0), std::chrono::days{1}), std::nullopt);
}

TEST(Schedule, NeverOrAlwaysOpenHasNoChange) {
  const Schedule closed = make(R"({"time_zone": "Europe/Kyiv"})");
  EXPECT_FALSE(closed.is_open(utc(2027, 1, 18, 12)));
  EXPECT_EQ(closed.next_change(utc(2027, 1, 18, 12)), std::nullopt);
  const Schedule always = make(R"({"time_zone": "Europe/Kyiv", "weekly": {
    "mon": ["00:00-24:00"], "tue": ["00:00-24:00"], "wed": ["00:00-24:00"], "thu": ["00:00-24:00"],
    "fri": ["00:00-24:00"], "sat": ["00:00-24:00"], "sun": ["00:00-24:00"]}})");
  EXPECT_TRUE(always.is_open(utc(2027, 3, 28, 1)));  // across the spring-forward night too
  EXPECT_EQ(always.next_change(utc(2027, 3, 20, 12)), std::nullopt);
}

TEST(Schedule, RangeCrossingMidnightBelongsToTheDayItStarts) {
  const Schedule s = make(R"({"time_zone": "Europe/Kyiv", "weekly": {"fri": ["22:00-06:00"]}})");
  EXPECT_FALSE(s.is_open(kyiv_winter(2027, 1, 22, 21, 59)));
  EXPECT_TRUE(s.is_open(kyiv_winter(2027, 1, 22, 22, 0)));
  EXPECT_TRUE(s.is_open(kyiv_winter(2027, 1, 23, 3, 0)));  // Saturday 03:00
  EXPECT_FALSE(s.is_open(kyiv_winter(2027, 1, 23, 6, 0)));
  EXPECT_FALSE(s.is_open(kyiv_winter(2027, 1, 23, 23, 0)));  // Saturday's own night: closed
  EXPECT_FALSE(s.is_open(kyiv_winter(2027, 1, 22, 3, 0)));   // Friday 03:00 is Thursday's night
  EXPECT_EQ(s.next_change(kyiv_winter(2027, 1, 22, 23, 0)), kyiv_winter(2027, 1, 23, 6, 0));
}

TEST(Schedule, AdjacentRangesAcrossMidnightMakeNoChange) {
  const Schedule s = make(
      R"({"time_zone": "Europe/Kyiv", "weekly": {"fri": ["20:00-24:00"], "sat": ["00:00-02:00"]}})");
  EXPECT_EQ(s.next_change(kyiv_winter(2027, 1, 22, 21, 0)), kyiv_winter(2027, 1, 23, 2, 0));
  const auto intervals = s.open_intervals(kyiv_winter(2027, 1, 22, 0), kyiv_winter(2027, 1, 24, 0));
  ASSERT_EQ(intervals.size(), 1U);
  EXPECT_EQ(intervals[0].begin, kyiv_winter(2027, 1, 22, 20, 0));
  EXPECT_EQ(intervals[0].end, kyiv_winter(2027, 1, 23, 2, 0));
}

TEST(Schedule, HolidaysCloseTheDay) {
  const Schedule s = make(R"({"time_zone": "Europe/Kyiv",
    "weekly": {"mon": ["09:00-18:00"], "sun": ["20:00-02:00"]},
    "holidays": ["2027-01-18"]})");
  EXPECT_FALSE(s.is_open(kyiv_winter(2027, 1, 18, 12, 0)));  // the holiday Monday
  EXPECT_TRUE(s.is_open(kyiv_winter(2027, 1, 25, 12, 0)));   // next Monday
  // Sunday's range started before the holiday, so it runs into it until 02:00.
  EXPECT_TRUE(s.is_open(kyiv_winter(2027, 1, 18, 1, 0)));
  EXPECT_EQ(s.next_change(kyiv_winter(2027, 1, 18, 1, 0)), kyiv_winter(2027, 1, 18, 2, 0));
  EXPECT_EQ(s.next_change(kyiv_winter(2027, 1, 18, 2, 0)), kyiv_winter(2027, 1, 24, 20, 0));
}

TEST(Schedule, ExceptionsReplaceTheWeekday) {
  const Schedule s = make(R"({"time_zone": "Europe/Kyiv",
    "weekly": {"fri": ["09:00-18:00"]},
    "exceptions": {"2027-12-31": ["09:00-15:00"], "2027-01-22": [], "2027-01-24": ["10:00-12:00"]}})");
  EXPECT_TRUE(s.is_open(kyiv_winter(2027, 12, 31, 14, 0)));
  EXPECT_FALSE(s.is_open(kyiv_winter(2027, 12, 31, 16, 0)));  // a short Friday
  EXPECT_FALSE(s.is_open(kyiv_winter(2027, 1, 22, 12, 0)));   // an empty exception is closed
  EXPECT_TRUE(s.is_open(kyiv_winter(2027, 1, 24, 11, 0)));    // a Sunday that opens
  EXPECT_TRUE(s.is_open(kyiv_winter(2027, 1, 29, 12, 0)));    // the weekday rule elsewhere
}

// Europe/Kyiv in 2027: on Sunday 28 March the clocks go 03:00 EET -> 04:00 EEST (01:00 UTC), so
// 03:00-03:59 does not exist; on Sunday 31 October they go 04:00 EEST -> 03:00 EET (01:00 UTC),
// so 03:00-03:59 happens twice. A range covers every instant whose wall-clock reading lies
// inside it, as one continuous interval: a start or end that does not exist means the instant
// of the jump; a start that happens twice means the first time, an end the second time.
constexpr std::string_view kSundayNight =
    R"({"time_zone": "Europe/Kyiv", "weekly": {"sun": ["02:00-05:00"]}})";

TEST(ScheduleDst, SpringForwardShortensTheRange) {
  const Schedule s = make(kSundayNight);
  // 02:00 EET = 00:00 UTC to 05:00 EEST = 02:00 UTC: two hours of real time.
  EXPECT_FALSE(s.is_open(utc(2027, 3, 27, 23, 59)));
  EXPECT_TRUE(s.is_open(utc(2027, 3, 28, 0, 0)));
  EXPECT_TRUE(s.is_open(utc(2027, 3, 28, 0, 59)));  // 02:59 EET
  EXPECT_TRUE(s.is_open(utc(2027, 3, 28, 1, 0)));   // 04:00 EEST, straight after the jump
  EXPECT_TRUE(s.is_open(kyiv_summer(2027, 3, 28, 4, 59)));
  EXPECT_FALSE(s.is_open(kyiv_summer(2027, 3, 28, 5, 0)));
  EXPECT_EQ(s.next_change(utc(2027, 3, 27, 20)), utc(2027, 3, 28, 0, 0));
  EXPECT_EQ(s.next_change(utc(2027, 3, 28, 0, 30)), utc(2027, 3, 28, 2, 0));
  const auto intervals = s.open_intervals(utc(2027, 3, 27, 0), utc(2027, 3, 29, 0));
  ASSERT_EQ(intervals.size(), 1U);
  EXPECT_EQ(intervals[0].end - intervals[0].begin, 2h);
}

TEST(ScheduleDst, FallBackLengthensTheRange) {
  const Schedule s = make(kSundayNight);
  // 02:00 EEST = 23:00 UTC (Saturday) to 05:00 EET = 03:00 UTC: four hours of real time.
  EXPECT_FALSE(s.is_open(utc(2027, 10, 30, 22, 59)));
  EXPECT_TRUE(s.is_open(utc(2027, 10, 30, 23, 0)));
  EXPECT_TRUE(s.is_open(utc(2027, 10, 31, 0, 30)));  // 03:30 EEST, the first 03:30
  EXPECT_TRUE(s.is_open(utc(2027, 10, 31, 1, 30)));  // 03:30 EET, the second 03:30
  EXPECT_TRUE(s.is_open(utc(2027, 10, 31, 2, 59)));  // 04:59 EET
  EXPECT_FALSE(s.is_open(utc(2027, 10, 31, 3, 0)));  // 05:00 EET
  EXPECT_EQ(s.next_change(utc(2027, 10, 30, 12)), utc(2027, 10, 30, 23, 0));
  EXPECT_EQ(s.next_change(utc(2027, 10, 30, 23, 0)), utc(2027, 10, 31, 3, 0));
  const auto intervals = s.open_intervals(utc(2027, 10, 30, 0), utc(2027, 11, 1, 0));
  ASSERT_EQ(intervals.size(), 1U);
  EXPECT_EQ(intervals[0].end - intervals[0].begin, 4h);
}

TEST(ScheduleDst, StartInTheSkippedHourOpensAtTheJump) {
  const Schedule s =
      make(R"({"time_zone": "Europe/Kyiv", "weekly": {"sun": ["03:30-04:30", "01:00-03:15"]}})");
  const auto intervals = s.open_intervals(utc(2027, 3, 27, 0), utc(2027, 3, 29, 0));
  ASSERT_EQ(intervals.size(), 1U);  // 01:00 EET .. the jump, then the jump .. 04:30 EEST: merged
  EXPECT_EQ(intervals[0].begin, utc(2027, 3, 27, 23, 0));
  EXPECT_EQ(intervals[0].end, utc(2027, 3, 28, 1, 30));
}

TEST(ScheduleDst, RangeInsideTheSkippedHourDoesNotOpen) {
  const Schedule s = make(R"({"time_zone": "Europe/Kyiv", "weekly": {"sun": ["03:10-03:50"]}})");
  EXPECT_TRUE(s.open_intervals(utc(2027, 3, 27, 0), utc(2027, 3, 29, 0)).empty());
  EXPECT_FALSE(s.is_open(utc(2027, 3, 28, 1, 0)));
  // next_change skips that Sunday and finds the one after it (03:10 EEST = 00:10 UTC).
  EXPECT_EQ(s.next_change(utc(2027, 3, 27, 12)), utc(2027, 4, 4, 0, 10));
}

TEST(ScheduleDst, RangesAroundTheRepeatedHourAreContinuous) {
  const Schedule ends = make(R"({"time_zone": "Europe/Kyiv", "weekly": {"sun": ["01:00-03:30"]}})");
  // 01:00 EEST = 22:00 UTC to the second 03:30 (EET) = 01:30 UTC.
  auto intervals = ends.open_intervals(utc(2027, 10, 30, 0), utc(2027, 11, 1, 0));
  ASSERT_EQ(intervals.size(), 1U);
  EXPECT_EQ(intervals[0].begin, utc(2027, 10, 30, 22, 0));
  EXPECT_EQ(intervals[0].end, utc(2027, 10, 31, 1, 30));
  EXPECT_TRUE(ends.is_open(utc(2027, 10, 31, 0, 45)));  // 03:45 EEST: between the two 03:30s

  const Schedule starts =
      make(R"({"time_zone": "Europe/Kyiv", "weekly": {"sun": ["03:30-06:00"]}})");
  // The first 03:30 (EEST) = 00:30 UTC to 06:00 EET = 04:00 UTC.
  intervals = starts.open_intervals(utc(2027, 10, 30, 0), utc(2027, 11, 1, 0));
  ASSERT_EQ(intervals.size(), 1U);
  EXPECT_EQ(intervals[0].begin, utc(2027, 10, 31, 0, 30));
  EXPECT_EQ(intervals[0].end, utc(2027, 10, 31, 4, 0));
}

TEST(Schedule, OtherZones) {
  const Schedule ny =
      make(R"({"time_zone": "America/New_York", "weekly": {"mon": ["09:00-17:00"]}})");
  EXPECT_TRUE(ny.is_open(utc(2027, 1, 18, 14, 0)));  // 09:00 EST
  EXPECT_FALSE(ny.is_open(utc(2027, 1, 18, 13, 59)));
  // The old name of Kyiv's zone is a link in tzdata and works too.
  EXPECT_TRUE(parse_schedule(R"({"time_zone": "Europe/Kiev"})", "old").ok());
}

TEST(Schedule, ErrorsNameTheField) {
  EXPECT_EQ(error_of(R"({"time_zone": "Europe/Kyiv", "weekly": {"mon": ["9:00-18:00"]}})"),
            "schedules.office.weekly.mon[0]: \"9:00-18:00\" is not HH:MM-HH:MM");
  EXPECT_EQ(error_of(R"({"time_zone": "Europe/Kyyiv"})"),
            "schedules.office.time_zone: unknown time zone \"Europe/Kyyiv\"");
  EXPECT_EQ(error_of(R"({"weekly": {}})"), "schedules.office.time_zone: missing");
  EXPECT_EQ(error_of(R"({"time_zone": 3})"), "schedules.office.time_zone: must be a string");
  EXPECT_EQ(error_of(R"({"time_zone": "UTC", "weekly": {"monday": []}})"),
            "schedules.office.weekly.monday: unknown key (mon, tue, wed, thu, fri, sat, sun)");
  EXPECT_EQ(error_of(R"({"time_zone": "UTC", "weekly": {"tue": "09:00-18:00"}})"),
            "schedules.office.weekly.tue: must be a list of \"HH:MM-HH:MM\" ranges");
  EXPECT_EQ(error_of(R"({"time_zone": "UTC", "weekly": {"wed": ["09:00-13:00", "12:00-18:00"]}})"),
            "schedules.office.weekly.wed[1]: \"12:00-18:00\" overlaps \"09:00-13:00\"");
  EXPECT_EQ(error_of(R"({"time_zone": "UTC", "weekly": {"wed": ["22:00-06:00", "23:00-23:30"]}})"),
            "schedules.office.weekly.wed[1]: \"23:00-23:30\" overlaps \"22:00-06:00\"");
  EXPECT_EQ(error_of(R"({"time_zone": "UTC", "holidays": ["2027-02-30"]})"),
            "schedules.office.holidays[0]: \"2027-02-30\" is not a valid date");
  EXPECT_EQ(error_of(R"({"time_zone": "UTC", "holidays": ["2027-1-7"]})"),
            "schedules.office.holidays[0]: \"2027-1-7\" is not a date (YYYY-MM-DD)");
  EXPECT_EQ(error_of(R"({"time_zone": "UTC", "holidays": ["2027-01-07", "2027-01-07"]})"),
            "schedules.office.holidays[1]: \"2027-01-07\" is listed twice");
  EXPECT_EQ(error_of(R"({"time_zone": "UTC", "holidays": ["2027-01-07"],
                        "exceptions": {"2027-01-07": []}})"),
            "schedules.office.exceptions.2027-01-07: the date is also a holiday");
  EXPECT_EQ(error_of(R"({"time_zone": "UTC", "exceptions": {"31.12.2027": []}})"),
            "schedules.office.exceptions.31.12.2027: \"31.12.2027\" is not a date (YYYY-MM-DD)");
  EXPECT_EQ(error_of(R"({"time_zone": "UTC", "exceptions": {"2027-12-31": ["10:00-25:00"]}})"),
            "schedules.office.exceptions.2027-12-31[0]: \"10:00-25:00\": the end is not a time of "
            "day (00:00 to 24:00)");
  EXPECT_EQ(error_of(R"({"time_zone": "UTC", "open": true})"),
            "schedules.office.open: unknown key");
  EXPECT_EQ(error_of(R"([1, 2])"), "schedules.office: must be an object");
  EXPECT_EQ(error_of(R"({"time_zone": )").substr(0, 32), "schedules.office: invalid JSON: ");
}

TEST(Schedule, CreateChecksASpecBuiltInCode) {
  ScheduleSpec spec;
  spec.name = "night";
  spec.time_zone = "Europe/Kyiv";
  spec.weekly[0] = {TimeRange{25h, 26h}};
  auto r = Schedule::create(spec, "night");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "night.weekly.mon[0]: range out of bounds");
  spec.weekly[0] = {TimeRange{22h, 6h}};
  spec.holidays = {year{2027} / 3 / 8, year{2027} / 1 / 1};
  r = Schedule::create(spec);
  ASSERT_TRUE(r.ok());
  // Holidays are kept sorted.
  EXPECT_EQ(r->spec().holidays.front(), year{2027} / 1 / 1);
}

TEST(Schedule, JsonRoundTrip) {
  const Schedule s = make(R"({"time_zone": "Europe/Kyiv",
    "weekly": {"mon": ["09:00-13:00", "14:00-18:00"], "fri": ["22:00-06:00"], "sun": ["18:00-00:00"]},
    "holidays": ["2027-03-08", "2027-01-01"],
    "exceptions": {"2027-12-31": ["09:00-15:00"], "2027-05-02": []}})");
  const std::string json = to_json(s);
  EXPECT_EQ(
      json,
      R"({"time_zone":"Europe/Kyiv","weekly":{"mon":["09:00-13:00","14:00-18:00"],)"
      R"("fri":["22:00-06:00"],"sun":["18:00-00:00"]},"holidays":["2027-01-01","2027-03-08"],)"
      R"("exceptions":{"2027-05-02":[],"2027-12-31":["09:00-15:00"]}})");
  auto again = parse_schedule(json, "office");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->spec(), s.spec());
  EXPECT_EQ(to_json(*again), json);
}

}  // namespace
}  // namespace dzvin::pbx
