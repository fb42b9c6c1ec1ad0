#include "crm/callback_deadline.hpp"

#include <date/tz.h>

#include "pbx/schedule.hpp"

namespace dzvin::crm {

namespace {

constexpr std::chrono::days kHorizon{30};

// `amount` of open time counted from `from` (which need not be open).
std::optional<WallTime> after_open_time(const pbx::Schedule& schedule, WallTime from,
                                        WallTime::duration amount) {
  for (const pbx::OpenInterval& open : schedule.open_intervals(from, from + kHorizon)) {
    const auto length = open.end - open.begin;
    if (amount <= length) return open.begin + amount;
    amount -= length;
  }
  return std::nullopt;
}

}  // namespace

WallTime callback_deadline(WallTime at, const pbx::Schedule* schedule,
                           const CallbackDeadlineRule& rule) {
  const auto within = std::chrono::duration_cast<WallTime::duration>(rule.within_working);
  if (schedule == nullptr) return at + within;
  if (schedule->is_open(at)) return after_open_time(*schedule, at, within).value_or(at + within);

  const auto opens = schedule->open_intervals(at, at + kHorizon);
  if (opens.empty()) return at + within;
  const WallTime opening = opens.front().begin;
  const date::time_zone* zone = date::locate_zone(schedule->spec().time_zone);
  const auto local_opening =
      zone->to_local(std::chrono::time_point_cast<std::chrono::seconds>(opening));
  const auto local_deadline = date::floor<date::days>(local_opening) + rule.next_day_by;
  const WallTime deadline = zone->to_sys(local_deadline, date::choose::earliest);
  if (deadline > opening) return deadline;
  return after_open_time(*schedule, opening, within).value_or(opening + within);
}

}  // namespace dzvin::crm
