#include "pbx/schedule.hpp"

#include <date/tz.h>

#include <algorithm>
#include <cstdio>
#include <exception>

#include "pbx/field_path.hpp"

namespace dzvin::pbx {

namespace {

using std::chrono::days;
using std::chrono::minutes;
using std::chrono::sys_days;

constexpr minutes kDay{24 * 60};
constexpr std::size_t kMaxRangesPerDay = 16;
constexpr std::size_t kMaxDates = 1000;  // holidays, and exceptions, each
constexpr days kMaxHorizon{400};

bool two_digits(std::string_view s, std::size_t at, int& out) {
  const char a = s[at];
  const char b = s[at + 1];
  if (a < '0' || a > '9' || b < '0' || b > '9') return false;
  out = (a - '0') * 10 + (b - '0');
  return true;
}

// Validates one day's ranges: bounds, count, no overlaps (in the order written, so the error
// names the later of two overlapping ranges).
Result<void> check_day(const std::vector<TimeRange>& ranges, std::string_view path) {
  if (ranges.size() > kMaxRangesPerDay) {
    return field_error(path, "at most " + std::to_string(kMaxRangesPerDay) + " ranges per day");
  }
  for (std::size_t i = 0; i < ranges.size(); ++i) {
    const TimeRange& r = ranges[i];
    if (r.start < minutes{0} || r.start >= kDay || r.end < minutes{0} || r.end > kDay ||
        r.start == r.end) {
      return field_error(field_path(path, i), "range out of bounds");
    }
    const minutes end_i = r.end + (r.crosses_midnight() ? kDay : minutes{0});
    for (std::size_t k = 0; k < i; ++k) {
      const TimeRange& o = ranges[k];
      const minutes end_k = o.end + (o.crosses_midnight() ? kDay : minutes{0});
      if (r.start < end_k && o.start < end_i) {
        return field_error(field_path(path, i),
                           in_quotes(to_string(r)) + " overlaps " + in_quotes(to_string(o)));
      }
    }
  }
  return {};
}

const std::vector<TimeRange>& ranges_of(const ScheduleSpec& spec, sys_days day) {
  static const std::vector<TimeRange> kClosed;
  const std::chrono::year_month_day ymd{day};
  if (std::binary_search(spec.holidays.begin(), spec.holidays.end(), ymd)) return kClosed;
  if (auto it = spec.exceptions.find(ymd); it != spec.exceptions.end()) return it->second;
  return spec.weekly[std::chrono::weekday{day}.iso_encoding() - 1];
}

// The instant a local wall-clock time stands for. Where the clocks jump forward the time does
// not exist: it stands for the jump itself (the first instant after the gap). Where they fall
// back it occurs twice: a range starts at the first occurrence and ends at the second, so that
// it covers every instant whose wall-clock reading lies inside it, in one piece.
WallTime to_instant(const date::time_zone& zone, date::local_seconds local, bool range_end) {
  const date::local_info info = zone.get_info(local);
  switch (info.result) {
    case date::local_info::nonexistent:
      return info.first.end;
    case date::local_info::ambiguous:
      return date::sys_seconds{local.time_since_epoch() -
                               (range_end ? info.second.offset : info.first.offset)};
    default:
      return date::sys_seconds{local.time_since_epoch() - info.first.offset};
  }
}

// The local calendar date at `t`, as a day count (sys_days is only the day-number type here).
sys_days local_date(const date::time_zone& zone, WallTime t) {
  const auto seconds = std::chrono::floor<std::chrono::seconds>(t);
  const date::sys_info info = zone.get_info(date::sys_seconds{seconds});
  return std::chrono::floor<days>(sys_days{} + (seconds + info.offset).time_since_epoch());
}

// Open intervals of the ranges that start on local days [first, last], sorted and merged.
std::vector<OpenInterval> intervals_of_days(const ScheduleSpec& spec, const date::time_zone& zone,
                                            sys_days first, sys_days last) {
  std::vector<OpenInterval> out;
  for (sys_days day = first; day <= last; day += days{1}) {
    for (const TimeRange& r : ranges_of(spec, day)) {
      const std::chrono::seconds midnight = day.time_since_epoch();
      const minutes end = r.end + (r.crosses_midnight() ? kDay : minutes{0});
      const WallTime begin_at = to_instant(zone, date::local_seconds{midnight + r.start}, false);
      const WallTime end_at = to_instant(zone, date::local_seconds{midnight + end}, true);
      // A range entirely inside a skipped hour (spring forward) is empty that day.
      if (end_at > begin_at) out.push_back({begin_at, end_at});
    }
  }
  std::sort(out.begin(), out.end(),
            [](const OpenInterval& a, const OpenInterval& b) { return a.begin < b.begin; });
  std::vector<OpenInterval> merged;
  for (const OpenInterval& i : out) {
    if (!merged.empty() && i.begin <= merged.back().end) {
      merged.back().end = std::max(merged.back().end, i.end);
    } else {
      merged.push_back(i);
    }
  }
  return merged;
}

}  // namespace

Result<TimeRange> parse_time_range(std::string_view text) {
  int h1 = 0;
  int m1 = 0;
  int h2 = 0;
  int m2 = 0;
  if (text.size() != 11 || text[2] != ':' || text[5] != '-' || text[8] != ':' ||
      !two_digits(text, 0, h1) || !two_digits(text, 3, m1) || !two_digits(text, 6, h2) ||
      !two_digits(text, 9, m2)) {
    return make_error(400, in_quotes(text) + " is not HH:MM-HH:MM");
  }
  if (h1 > 23 || m1 > 59) {
    return make_error(400, in_quotes(text) + ": the start is not a time of day (00:00 to 23:59)");
  }
  if (h2 > 24 || m2 > 59 || (h2 == 24 && m2 != 0)) {
    return make_error(400, in_quotes(text) + ": the end is not a time of day (00:00 to 24:00)");
  }
  const TimeRange range{minutes{h1 * 60 + m1}, minutes{h2 * 60 + m2}};
  if (range.start == range.end) {
    return make_error(400, in_quotes(text) + " is empty (a whole day is 00:00-24:00)");
  }
  return range;
}

std::string to_string(const TimeRange& range) {
  char buffer[16];
  const auto s = range.start.count();
  const auto e = range.end.count();
  std::snprintf(buffer, sizeof buffer, "%02d:%02d-%02d:%02d", static_cast<int>(s / 60),
                static_cast<int>(s % 60), static_cast<int>(e / 60), static_cast<int>(e % 60));
  return buffer;
}

Result<std::chrono::year_month_day> parse_date(std::string_view text) {
  int y1 = 0;
  int y2 = 0;
  int month = 0;
  int day = 0;
  if (text.size() != 10 || text[4] != '-' || text[7] != '-' || !two_digits(text, 0, y1) ||
      !two_digits(text, 2, y2) || !two_digits(text, 5, month) || !two_digits(text, 8, day)) {
    return make_error(400, in_quotes(text) + " is not a date (YYYY-MM-DD)");
  }
  const std::chrono::year_month_day ymd{std::chrono::year{y1 * 100 + y2},
                                        std::chrono::month{static_cast<unsigned>(month)},
                                        std::chrono::day{static_cast<unsigned>(day)}};
  if (!ymd.ok()) return make_error(400, in_quotes(text) + " is not a valid date");
  return ymd;
}

std::string to_string(const std::chrono::year_month_day& date) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02u", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
  return buffer;
}

Result<Schedule> Schedule::create(ScheduleSpec spec, std::string_view path) {
  const std::string zone_path = field_path(path, "time_zone");
  if (spec.time_zone.empty()) return field_error(zone_path, "missing");
  const date::time_zone* zone = nullptr;
  try {
    // Reads the system tzdata (USE_OS_TZDB); throws std::runtime_error for an unknown name.
    zone = date::locate_zone(spec.time_zone);
  } catch (const std::exception&) {
    return field_error(zone_path, "unknown time zone " + in_quotes(spec.time_zone));
  }
  for (std::size_t d = 0; d < spec.weekly.size(); ++d) {
    if (auto ok =
            check_day(spec.weekly[d], field_path(field_path(path, "weekly"), kWeekdayKeys[d]));
        !ok) {
      return ok.error();
    }
  }
  if (spec.holidays.size() > kMaxDates) {
    return field_error(field_path(path, "holidays"),
                       "at most " + std::to_string(kMaxDates) + " dates");
  }
  if (spec.exceptions.size() > kMaxDates) {
    return field_error(field_path(path, "exceptions"),
                       "at most " + std::to_string(kMaxDates) + " dates");
  }
  for (std::size_t i = 0; i < spec.holidays.size(); ++i) {
    const auto& date = spec.holidays[i];
    const std::string at = field_path(field_path(path, "holidays"), i);
    if (!date.ok()) return field_error(at, "not a valid date");
    for (std::size_t k = 0; k < i; ++k) {
      if (spec.holidays[k] == date) {
        return field_error(at, in_quotes(to_string(date)) + " is listed twice");
      }
    }
  }
  for (const auto& [date, ranges] : spec.exceptions) {
    const std::string at = field_path(field_path(path, "exceptions"), to_string(date));
    if (!date.ok()) return field_error(at, "not a valid date");
    if (std::find(spec.holidays.begin(), spec.holidays.end(), date) != spec.holidays.end()) {
      return field_error(at, "the date is also a holiday");
    }
    if (auto ok = check_day(ranges, at); !ok) return ok.error();
  }
  std::sort(spec.holidays.begin(), spec.holidays.end());
  return Schedule(std::move(spec), zone);
}

bool Schedule::is_open(WallTime t) const {
  const sys_days today = local_date(*zone_, t);
  // A range that crossed midnight yesterday may still be open; a wider window keeps this
  // right where an offset change moves a day's edge by an hour.
  for (const OpenInterval& i : intervals_of_days(spec_, *zone_, today - days{2}, today + days{1})) {
    if (i.begin <= t && t < i.end) return true;
  }
  return false;
}

std::optional<WallTime> Schedule::next_change(WallTime t, days horizon) const {
  if (horizon <= days{0}) return std::nullopt;
  horizon = std::min(horizon, kMaxHorizon);
  const sys_days today = local_date(*zone_, t);
  // Two extra days after the horizon: an interval that ends before t + horizon cannot merge
  // with one that starts on a day not generated.
  const auto merged = intervals_of_days(spec_, *zone_, today - days{2}, today + horizon + days{2});
  for (const OpenInterval& i : merged) {
    std::optional<WallTime> change;
    if (i.begin > t) {
      change = i.begin;
    } else if (t < i.end) {
      change = i.end;
    } else {
      continue;
    }
    if (*change > t + horizon) return std::nullopt;
    return change;
  }
  return std::nullopt;
}

std::vector<OpenInterval> Schedule::open_intervals(WallTime from, WallTime to) const {
  std::vector<OpenInterval> out;
  if (to <= from) return out;
  to = std::min(to, from + kMaxHorizon);
  const sys_days first = local_date(*zone_, from) - days{2};
  const sys_days last = local_date(*zone_, to) + days{1};
  for (OpenInterval i : intervals_of_days(spec_, *zone_, first, last)) {
    if (i.end <= from || i.begin >= to) continue;
    i.begin = std::max(i.begin, from);
    i.end = std::min(i.end, to);
    out.push_back(i);
  }
  return out;
}

}  // namespace dzvin::pbx
