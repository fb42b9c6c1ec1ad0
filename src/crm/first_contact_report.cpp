#include "crm/first_contact_report.hpp"

#include <date/tz.h>

#include <map>

namespace dzvin::crm {

namespace {

constexpr std::int64_t kMaxRangeMs = 366LL * 24 * 3600 * 1000;

std::chrono::year_month_day monday_of(const date::time_zone& zone, std::int64_t unix_ms) {
  const auto local =
      zone.to_local(date::sys_time<std::chrono::milliseconds>(std::chrono::milliseconds(unix_ms)));
  const auto day = date::floor<date::days>(local);
  const date::weekday wd{day};
  const auto monday = day - (wd - date::Monday);
  const date::year_month_day ymd{monday};
  return std::chrono::year_month_day{std::chrono::year{static_cast<int>(ymd.year())},
                                     std::chrono::month{static_cast<unsigned>(ymd.month())},
                                     std::chrono::day{static_cast<unsigned>(ymd.day())}};
}

// "1002@realm" → "1002".
std::string user_part(const std::string& aor) {
  return aor.substr(0, aor.find('@'));
}

}  // namespace

Result<std::vector<ReportWeek>> first_contact_report(store::Database& db, std::int64_t tenant_id,
                                                     std::int64_t from_ms, std::int64_t to_ms,
                                                     const std::string& time_zone) {
  if (to_ms <= from_ms) return make_error(store::kInvalid, "to: must be after from");
  if (to_ms - from_ms > kMaxRangeMs) return make_error(store::kInvalid, "to: at most 366 days");
  const date::time_zone* zone = nullptr;
  try {
    zone = date::locate_zone(time_zone);
  } catch (const std::exception&) {
    return make_error(store::kInvalid, "tz: unknown time zone \"" + time_zone + "\"");
  }
  // week → user → counts
  std::map<std::chrono::year_month_day, std::map<std::string, OperatorWeek>> weeks;
  {
    auto calls = db.cached(
        "SELECT started_at, caller_kind, coalesce(answered_by, '') FROM calls "
        "WHERE tenant_id = ?1 AND started_at >= ?2 AND started_at < ?3 AND "
        "caller_kind IS NOT NULL");
    if (!calls) return calls.error();
    calls->bind(1, tenant_id).bind(2, from_ms).bind(3, to_ms);
    for (;;) {
      auto row = calls->step();
      if (!row) return row.error();
      if (!*row) break;
      const std::string user = user_part(calls->column_text(2));
      OperatorWeek& w = weeks[monday_of(*zone, calls->column_int(0))][user];
      (calls->column_text(1) == "primary" ? w.primary : w.secondary) += 1;
    }
  }
  {
    auto contacts = db.cached(
        "SELECT created_at, created_by FROM contacts WHERE tenant_id = ?1 AND "
        "created_at >= ?2 AND created_at < ?3 AND created_by <> ''");
    if (!contacts) return contacts.error();
    contacts->bind(1, tenant_id).bind(2, from_ms).bind(3, to_ms);
    for (;;) {
      auto row = contacts->step();
      if (!row) return row.error();
      if (!*row) break;
      weeks[monday_of(*zone, contacts->column_int(0))][contacts->column_text(1)]
          .contacts_captured += 1;
    }
  }
  std::vector<ReportWeek> report;
  for (auto& [monday, users] : weeks) {
    ReportWeek week;
    week.monday = monday;
    for (auto& [user, counts] : users) {
      counts.user = user;
      week.total.primary += counts.primary;
      week.total.secondary += counts.secondary;
      week.total.contacts_captured += counts.contacts_captured;
      week.operators.push_back(counts);
    }
    report.push_back(std::move(week));
  }
  return report;
}

}  // namespace dzvin::crm
