#pragma once
// Working hours: an IANA time zone, open ranges per weekday, holidays and per-date exceptions.
// Answers "is it open at instant t?" and "when does that change next?", correct across
// daylight-saving changes (docs/routing-schemes.md, "Daylight saving time").
#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.hpp"
#include "base/result.hpp"

namespace date {
class time_zone;  // howardhinnant date (tz.h is included only by schedule.cpp)
}

namespace dzvin::pbx {

// Local wall-clock times, in minutes after midnight. `end` is in (0, 24:00]; a range whose end
// is not after its start ("22:00-06:00", "18:00-00:00") crosses midnight and belongs to the day
// it starts on: it opens on that day and closes the next day.
struct TimeRange {
  std::chrono::minutes start{0};
  std::chrono::minutes end{0};
  bool crosses_midnight() const { return end <= start; }
  bool operator==(const TimeRange&) const = default;
};

// "09:00-18:00", "22:00-06:00", "00:00-24:00". Errors (code 400) say what is wrong.
Result<TimeRange> parse_time_range(std::string_view text);
std::string to_string(const TimeRange& range);
// "2027-01-07".
Result<std::chrono::year_month_day> parse_date(std::string_view text);
std::string to_string(const std::chrono::year_month_day& date);

// Weekday keys of the JSON form, Monday first (ISO 8601 order).
inline constexpr std::array<std::string_view, 7> kWeekdayKeys{"mon", "tue", "wed", "thu",
                                                              "fri", "sat", "sun"};

// The plain data of a schedule, as stored (JSON: docs/routing-schemes.md, "Schedules").
struct ScheduleSpec {
  std::string name;
  std::string time_zone;                              // IANA name, e.g. "Europe/Kyiv"
  std::array<std::vector<TimeRange>, 7> weekly;       // index 0 = Monday ... 6 = Sunday
  std::vector<std::chrono::year_month_day> holidays;  // closed all day; sorted
  // A date with its own ranges instead of its weekday's; an empty list is closed all day.
  std::map<std::chrono::year_month_day, std::vector<TimeRange>> exceptions;
  bool operator==(const ScheduleSpec&) const = default;
};

// An interval of real time during which a schedule is open: [begin, end).
struct OpenInterval {
  WallTime begin;
  WallTime end;
  bool operator==(const OpenInterval&) const = default;
};

inline constexpr std::chrono::days kNextChangeHorizon{14};

class Schedule {
 public:
  // Validates the spec (ranges in bounds, no overlapping ranges on one day, a date not both a
  // holiday and an exception) and resolves the zone from the system tzdata. Errors name the
  // field below `path`, e.g. `schedules.office.time_zone: unknown time zone "Europe/Kyyiv"`.
  static Result<Schedule> create(ScheduleSpec spec, std::string_view path = "");

  const ScheduleSpec& spec() const { return spec_; }
  const std::string& name() const { return spec_.name; }

  bool is_open(WallTime t) const;
  // The first instant after `t` at which the schedule opens or closes, if one comes within
  // `horizon` of `t`. Adjacent ranges (Fri 22:00-24:00, Sat 00:00-06:00) make no change.
  std::optional<WallTime> next_change(WallTime t,
                                      std::chrono::days horizon = kNextChangeHorizon) const;
  // The open intervals that overlap [from, to), merged, clipped to [from, to).
  std::vector<OpenInterval> open_intervals(WallTime from, WallTime to) const;

 private:
  Schedule(ScheduleSpec spec, const date::time_zone* zone) : spec_(std::move(spec)), zone_(zone) {}

  ScheduleSpec spec_;
  const date::time_zone* zone_;  // owned by the process-wide tz database; never null
};

// Parses one schedule object of the JSON form; `path` prefixes error messages
// (`schedules.office`).
Result<Schedule> parse_schedule(std::string_view json, std::string name,
                                std::string_view path = "");
std::string to_json(const Schedule& schedule);

}  // namespace dzvin::pbx
