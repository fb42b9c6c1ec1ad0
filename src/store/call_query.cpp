#include "store/call_query.hpp"

#include <date/tz.h>

#include <chrono>
#include <exception>
#include <utility>

namespace dzvin::store {

namespace {

// Values bound to "?N" in the order they were added: the SQL of a list query depends on the
// filters, and only the parameters it uses are bound.
class SqlParameters {
 public:
  std::string add(std::int64_t value) { return push(Value{false, value, {}}); }
  std::string add(std::string value) { return push(Value{true, 0, std::move(value)}); }

  void bind(Statement& statement) const {
    for (std::size_t i = 0; i < values_.size(); ++i) {
      const int index = static_cast<int>(i + 1);
      if (values_[i].is_text) {
        statement.bind(index, values_[i].text);
      } else {
        statement.bind(index, values_[i].number);
      }
    }
  }

 private:
  // Not a std::variant: GCC 12 at -O3 sees a maybe-uninitialized string in its move.
  struct Value {
    bool is_text;
    std::int64_t number;
    std::string text;
  };
  std::string push(Value value) {
    values_.push_back(std::move(value));
    return "?" + std::to_string(values_.size());
  }
  std::vector<Value> values_;
};

// The user part of an AoR: "1002@pbx.acme.test" -> "1002", how `calls.caller` names a user.
std::string user_part(const std::string& aor) {
  return aor.substr(0, aor.find('@'));
}

constexpr std::string_view kCallColumns =
    "id, caller, called, started_at, answered_at, answered_by, ended_at, outcome, sip_status, "
    "talk_ms, caller_kind";

// The media of a call `c`, as two more columns. A complete recording is found through
// recordings_call. Voicemails have no index on call_id: the message is found through the
// call's `voicemail_recorded` event (call_events' key), which names the box, and
// voicemails_tenant_box, whose recorded_at (the event's time minus the message's length, as
// the writer stores it) lies between the call's start and that event.
std::string media_columns(const std::string& tenant) {
  return "(SELECT r.id FROM recordings r WHERE r.call_id = c.id AND r.state = 'complete' "
         "ORDER BY r.started_at LIMIT 1), "
         "(SELECT v.id FROM call_events e JOIN voicemails v ON v.tenant_id = " +
         tenant +
         " AND v.box = e.target AND v.recorded_at BETWEEN c.started_at - 60000 AND e.at "
         "AND v.call_id = c.id AND v.deleted_at IS NULL "
         "WHERE e.call_id = c.id AND e.kind = 'voicemail_recorded' LIMIT 1)";
}

std::string user_condition(const std::string& aor, const std::string& user) {
  return "(answered_by = " + aor + " OR caller = " + user + ")";
}

// The SELECT behind list_calls. Each branch reads one index in started_at order, newest
// first, and stops after limit + 1 rows: (tenant_id, caller|called, started_at) when a number
// is asked for, (tenant_id, answered_by|caller, started_at) for a user's calls, else
// (tenant_id, started_at). Two branches (an OR of two indexed columns) are merged with UNION,
// which also drops a call found by both; the other filters are checked on the rows read.
std::string list_sql(const CallFilter& filter, SqlParameters& params) {
  const std::string tenant = params.add(filter.tenant_id);
  const std::string limit = params.add(static_cast<std::int64_t>(filter.limit) + 1);
  std::string number;
  std::string aor;
  std::string user;
  if (!filter.number.empty()) number = params.add(filter.number);
  if (!filter.user_aor.empty()) {
    aor = params.add(filter.user_aor);
    user = params.add(user_part(filter.user_aor));
  }

  std::string residual;
  if (filter.from_ms) residual += " AND started_at >= " + params.add(*filter.from_ms);
  if (filter.to_ms) residual += " AND started_at < " + params.add(*filter.to_ms);
  if (filter.after) {
    const std::string at = params.add(filter.after->started_at_ms);
    const std::string id = params.add(filter.after->id);
    // The first term bounds the index range; the second breaks ties within a millisecond.
    residual += " AND started_at <= " + at + " AND (started_at < " + at + " OR id < " + id + ")";
  }
  if (!filter.outcome_prefix.empty()) {
    const std::string word = params.add(filter.outcome_prefix);
    const std::string with_reason = params.add(filter.outcome_prefix + ":");
    residual += " AND (outcome = " + word + " OR substr(outcome, 1, length(" + with_reason +
                ")) = " + with_reason + ")";
  }

  std::vector<std::string> branches;
  if (!number.empty()) {
    if (!aor.empty()) residual += " AND " + user_condition(aor, user);
    branches = {"caller = " + number, "called = " + number};
  } else if (!aor.empty()) {
    branches = {"answered_by = " + aor, "caller = " + user};
  } else {
    branches = {""};
  }

  std::string from;
  for (const std::string& branch : branches) {
    if (!from.empty()) from += " UNION ";
    from += "SELECT * FROM (SELECT " + std::string(kCallColumns) +
            " FROM calls WHERE tenant_id = " + tenant + (branch.empty() ? "" : " AND " + branch) +
            residual + " ORDER BY started_at DESC, id DESC LIMIT " + limit + ")";
  }
  return "SELECT c.id, c.caller, c.called, c.started_at, c.answered_at, c.answered_by, "
         "c.ended_at, c.outcome, c.sip_status, c.talk_ms, " +
         media_columns(tenant) + ", c.caller_kind FROM (" + from +
         ") AS c ORDER BY c.started_at DESC, c.id DESC LIMIT " + limit;
}

// Reads the columns of list_sql/get_call's SELECT.
CallItem read_item(const Statement& row) {
  CallItem c;
  c.id = row.column_text(0);
  c.caller = row.column_text(1);
  c.called = row.column_text(2);
  c.started_at_ms = row.column_int(3);
  if (!row.column_is_null(4)) c.answered_at_ms = row.column_int(4);
  c.answered_by = row.column_text(5);
  if (!row.column_is_null(6)) c.ended_at_ms = row.column_int(6);
  c.outcome = row.column_text(7);
  c.sip_status = static_cast<int>(row.column_int(8));
  c.talk_ms = row.column_int(9);
  if (!row.column_is_null(10)) c.recording_id = row.column_int(10);
  if (!row.column_is_null(11)) c.voicemail_id = row.column_int(11);
  if (!row.column_is_null(12)) c.caller_kind = row.column_text(12);
  return c;
}

Result<void> check(const CallFilter& filter) {
  if (filter.tenant_id == 0) return make_error(kInvalid, "no tenant");
  if (filter.limit < 1 || filter.limit > kMaxCallPageSize) {
    return make_error(kInvalid, "limit must be 1 to " + std::to_string(kMaxCallPageSize));
  }
  return {};
}

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0);
}

std::int64_t ceil_div(std::int64_t a, std::int64_t b) {
  return -floor_div(-a, b);
}

bool plausible_zone_name(const std::string& name) {
  if (name.empty() || name.size() > 64 || name.find("..") != std::string::npos) return false;
  for (const char ch : name) {
    const bool ok = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
                    (ch >= '0' && ch <= '9') || ch == '/' || ch == '_' || ch == '-' || ch == '+';
    if (!ok) return false;
  }
  return name.front() != '/';
}

// A zone's UTC offset at an instant, remembering the period around the last one asked for:
// the rows of call_hours come in hour order (per number), so most lookups hit it.
class OffsetCache {
 public:
  explicit OffsetCache(const date::time_zone& zone) : zone_(zone) {}

  std::int64_t offset_seconds(std::int64_t unix_seconds) {
    if (unix_seconds < begin_ || unix_seconds >= end_) {
      const date::sys_info info =
          zone_.get_info(date::sys_seconds{std::chrono::seconds{unix_seconds}});
      begin_ = info.begin.time_since_epoch().count();
      end_ = info.end.time_since_epoch().count();
      offset_ = info.offset.count();
    }
    return offset_;
  }

 private:
  const date::time_zone& zone_;
  std::int64_t begin_ = 0;
  std::int64_t end_ = 0;  // empty until the first lookup
  std::int64_t offset_ = 0;
};

}  // namespace

Result<CallPage> list_calls(Database& db, const CallFilter& filter) {
  if (auto r = check(filter); !r) return r.error();
  SqlParameters params;
  auto select = db.cached(list_sql(filter, params));
  if (!select) return select.error();
  params.bind(select->statement());
  CallPage page;
  page.items.reserve(filter.limit + 1);
  for (;;) {
    auto row = select->step();
    if (!row) return row.error();
    if (!*row) break;
    page.items.push_back(read_item(select->statement()));
  }
  if (page.items.size() > filter.limit) {
    page.items.resize(filter.limit);
    page.next = CallCursor{page.items.back().started_at_ms, page.items.back().id};
  }
  return page;
}

Result<std::vector<std::string>> explain_list_calls(Database& db, const CallFilter& filter) {
  if (auto r = check(filter); !r) return r.error();
  SqlParameters params;
  auto explain = db.prepare("EXPLAIN QUERY PLAN " + list_sql(filter, params));
  if (!explain) return explain.error();
  params.bind(*explain);
  std::vector<std::string> lines;
  for (;;) {
    auto row = explain->step();
    if (!row) return row.error();
    if (!*row) break;
    lines.push_back(explain->column_text(3));
  }
  return lines;
}

Result<CallItem> get_call(Database& db, std::int64_t tenant_id, const std::string& id,
                          const std::string& user_aor) {
  SqlParameters params;
  const std::string call = params.add(id);
  const std::string tenant = params.add(tenant_id);
  std::string sql =
      "SELECT c.id, c.caller, c.called, c.started_at, c.answered_at, "
      "c.answered_by, c.ended_at, c.outcome, c.sip_status, c.talk_ms, " +
      media_columns(tenant) + ", c.caller_kind FROM calls c WHERE c.id = " + call +
      " AND c.tenant_id = " + tenant;
  if (!user_aor.empty()) {
    sql += " AND " + user_condition(params.add(user_aor), params.add(user_part(user_aor)));
  }
  auto select = db.cached(sql);
  if (!select) return select.error();
  params.bind(select->statement());
  auto row = select->step();
  if (!row) return row.error();
  if (!*row) return make_error(kNotFound, "no call " + id);
  CallItem item = read_item(select->statement());

  auto events = db.cached(
      "SELECT at, kind, target, detail, sip_status FROM call_events WHERE call_id = ?1 "
      "ORDER BY seq");
  if (!events) return events.error();
  events->bind(1, id);
  for (;;) {
    auto next = events->step();
    if (!next) return next.error();
    if (!*next) break;
    item.timeline.push_back(CallRecordEvent{events->column_int(0), events->column_text(1),
                                            events->column_text(2), events->column_text(3),
                                            static_cast<int>(events->column_int(4))});
  }
  return item;
}

Result<Heatmap> call_heatmap(Database& db, const HeatmapQuery& query) {
  if (query.to_ms <= query.from_ms) return make_error(kInvalid, "the range ends before it starts");
  if (query.to_ms - query.from_ms > kMaxHeatmapRangeMs) {
    return make_error(kInvalid, "the range is longer than " +
                                    std::to_string(kMaxHeatmapRangeMs / (24 * 3600 * 1000)) +
                                    " days");
  }
  if (query.numbers.size() > kMaxHeatmapNumbers) {
    return make_error(kInvalid,
                      "at most " + std::to_string(kMaxHeatmapNumbers) + " numbers at a time");
  }
  for (const std::string& number : query.numbers) {
    if (number.empty()) return make_error(kInvalid, "an empty number");
  }
  const date::time_zone* zone = nullptr;
  if (plausible_zone_name(query.time_zone)) {
    try {
      // Reads the system tzdata (USE_OS_TZDB); throws std::runtime_error for an unknown name.
      zone = date::locate_zone(query.time_zone);
    } catch (const std::exception&) {
      zone = nullptr;
    }
  }
  if (zone == nullptr) {
    return make_error(kInvalid, "unknown time zone \"" + query.time_zone + "\"");
  }

  SqlParameters params;
  std::string sql = "SELECT hour_start, total, missed FROM call_hours WHERE tenant_id = " +
                    params.add(query.tenant_id);
  if (query.numbers.empty()) {
    sql += " AND called = ''";  // the writer's row for all numbers together
  } else {
    sql += " AND called IN (";
    for (std::size_t i = 0; i < query.numbers.size(); ++i) {
      sql += (i == 0 ? "" : ", ") + params.add(query.numbers[i]);
    }
    sql += ")";
  }
  sql += " AND hour_start >= " + params.add(ceil_div(query.from_ms, 1000)) + " AND hour_start < " +
         params.add(ceil_div(query.to_ms, 1000));
  auto select = db.cached(sql);
  if (!select) return select.error();
  params.bind(select->statement());

  Heatmap map;
  OffsetCache offsets(*zone);
  constexpr std::int64_t kDay = 24 * 3600;
  for (;;) {
    auto row = select->step();
    if (!row) return row.error();
    if (!*row) break;
    const std::int64_t hour_start = select->column_int(0);
    const std::int64_t local = hour_start + offsets.offset_seconds(hour_start);
    const std::int64_t days = floor_div(local, kDay);
    // 1970-01-01 was a Thursday: index 3 when Monday is 0.
    const auto weekday = static_cast<std::size_t>(((days + 3) % 7 + 7) % 7);
    const auto hour = static_cast<std::size_t>((local - days * kDay) / 3600);
    HeatmapCell& cell = map.cells[weekday][hour];
    const std::int64_t total = select->column_int(1);
    const std::int64_t missed = select->column_int(2);
    cell.total += total;
    cell.missed += missed;
    map.total += total;
    map.missed += missed;
  }
  return map;
}

}  // namespace dzvin::store
