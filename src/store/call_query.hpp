#pragma once
// Reading call records back for the web API: the call list with filters and keyset
// pagination, one call with its timeline, and the call-load heatmap from `call_hours`.
// Everything is confined to one tenant, and optionally to one user's own calls.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "store/call_record_writer.hpp"
#include "store/database.hpp"

namespace dzvin::store {

// A position in the call list, newest first: the last item of a page. The next page holds
// the calls strictly before it in (started_at, id) order, so pages neither repeat nor skip
// a call even when many start in the same millisecond.
struct CallCursor {
  std::int64_t started_at_ms = 0;
  std::string id;
};

// A user whose own calls are the only ones visible (managers and operators), or whose calls a
// head asks for: calls answered by `aor` ("1002@pbx.acme.test") or made by its user part
// ("1002", how `calls.caller` names a user).
struct CallFilter {
  std::int64_t tenant_id = 0;
  std::optional<std::int64_t> from_ms;  // started_at >= from_ms
  std::optional<std::int64_t> to_ms;    // started_at < to_ms
  std::string number;  // caller or called equals this (E.164 or extension); empty: any
  std::string user_aor;
  // The outcome's first word: "answered", "missed", "abandoned", "voicemail", "failed"
  // (matches "missed" and "missed: busy"); empty: any, calls still up included.
  std::string outcome_prefix;
  std::size_t limit = 50;  // 1..kMaxCallPageSize
  std::optional<CallCursor> after;
};

inline constexpr std::size_t kMaxCallPageSize = 500;

// One call as listed; `timeline` is filled by get_call() only.
struct CallItem {
  std::string id;
  std::string caller;
  std::string called;
  std::int64_t started_at_ms = 0;
  std::optional<std::int64_t> answered_at_ms;
  std::string answered_by;  // "" when nobody answered
  std::optional<std::int64_t> ended_at_ms;
  std::string outcome;  // "" while the call is up
  int sip_status = 0;
  std::int64_t talk_ms = 0;
  std::optional<std::int64_t> recording_id;  // a complete recording (recordings.id)
  std::optional<std::int64_t> voicemail_id;  // a message left (voicemails.id), not deleted
  std::string caller_kind;  // primary, secondary, or "" (a call from the company's own phone)
  std::vector<CallRecordEvent> timeline;

  bool has_recording() const { return recording_id.has_value(); }
};

struct CallPage {
  std::vector<CallItem> items;
  std::optional<CallCursor> next;  // set when there may be more (the page is full)
};

// The calls matching `filter`, newest first. kInvalid for a limit outside 1..500 or a
// tenant_id of 0. Each query reads an index of `calls` (migrations 2 and 4): by number
// (caller, called), by user (answered_by, caller) or by start time.
Result<CallPage> list_calls(Database& db, const CallFilter& filter);

// The query plan SQLite chooses for list_calls(filter), one line per step (EXPLAIN QUERY
// PLAN's detail column): for tests and the load tool, to see that no filter scans `calls`.
Result<std::vector<std::string>> explain_list_calls(Database& db, const CallFilter& filter);

// One call with its timeline. kNotFound when there is no such call in `tenant_id`, or when
// `user_aor` is not empty and the call is not that user's (the same rule as CallFilter).
Result<CallItem> get_call(Database& db, std::int64_t tenant_id, const std::string& id,
                          const std::string& user_aor = {});

// The call-load heatmap: calls per local weekday and hour, from `call_hours`: the rows of the
// numbers asked for, or for all numbers the writer's row per hour with called = ''.
struct HeatmapQuery {
  std::int64_t tenant_id = 0;
  std::int64_t from_ms = 0;  // the UTC hours that start in [from_ms, to_ms) are counted
  std::int64_t to_ms = 0;
  std::vector<std::string> numbers;  // the numbers dialled (not ""); empty: all
  std::string time_zone = "UTC";     // IANA name: "Europe/Kyiv"
};

struct HeatmapCell {
  std::int64_t total = 0;
  std::int64_t missed = 0;  // nobody answered: missed, abandoned, voicemail, failed
};

struct Heatmap {
  // cells[weekday][hour]: weekday 0 is Monday, hour 0..23 local time.
  std::array<std::array<HeatmapCell, 24>, 7> cells{};
  std::int64_t total = 0;
  std::int64_t missed = 0;
};

inline constexpr std::int64_t kMaxHeatmapRangeMs = 400LL * 24 * 3600 * 1000;
inline constexpr std::size_t kMaxHeatmapNumbers = 100;

// Each UTC hour of `call_hours` is placed at the local weekday and hour in which it starts
// (in `time_zone`, daylight saving included), so a day with a DST change has 23 or 25 hours.
// Zones whose offset is not a whole number of hours (Asia/Kolkata, +05:30) are approximated:
// the UTC hour 04:00-05:00 counts entirely as local 09:00-10:00, where its start falls.
// kInvalid for an unknown zone (the message names it), to_ms <= from_ms, a range longer
// than kMaxHeatmapRangeMs, more than kMaxHeatmapNumbers numbers, or an empty one.
Result<Heatmap> call_heatmap(Database& db, const HeatmapQuery& query);

}  // namespace dzvin::store
