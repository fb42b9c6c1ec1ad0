#include "http/call_routes.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <memory>
#include <mutex>
#include <optional>
#include <utility>
#include <vector>

#include "base/log.hpp"
#include "http/decimal.hpp"
#include "http/instant_text.hpp"
#include "http/lazy_database.hpp"
#include "notify/base64.hpp"
#include "store/call_query.hpp"
#include "store/database.hpp"

namespace dzvin::http {

namespace {

using Json = nlohmann::json;

constexpr std::string_view kOutcomes[] = {"answered", "missed", "abandoned", "voicemail", "failed"};

std::string to_json_text(const Json& document) {
  // Stored values came from the network (SIP): replace bad UTF-8 instead of throwing.
  return document.dump(-1, ' ', false, Json::error_handler_t::replace);
}

// ---- values in query strings and responses ----

bool is_word_char(char ch) {
  return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
         ch == '.' || ch == '_' || ch == '+' || ch == '-';
}

// A username (user_repository's rule): 1..64 of A-Z a-z 0-9 . _ + -
bool is_username(std::string_view text) {
  if (text.empty() || text.size() > 64) return false;
  for (const char ch : text) {
    if (!is_word_char(ch)) return false;
  }
  return true;
}

// A number as calls name it: a username, an extension, E.164 "+380441234567", or a service
// code with * and #.
bool is_number(std::string_view text) {
  if (text.empty() || text.size() > 64) return false;
  for (const char ch : text) {
    if (!is_word_char(ch) && ch != '*' && ch != '#') return false;
  }
  return true;
}

// The cursor is opaque to clients: base64url (RFC 4648 §5, no padding) of "<started_at>.<id>".
std::string encode_cursor(const store::CallCursor& cursor) {
  std::string text = notify::base64_encode(std::to_string(cursor.started_at_ms) + "." + cursor.id);
  for (char& ch : text) {
    if (ch == '+') ch = '-';
    if (ch == '/') ch = '_';
  }
  while (!text.empty() && text.back() == '=')
    text.pop_back();
  return text;
}

std::optional<store::CallCursor> decode_cursor(std::string_view text) {
  if (text.empty() || text.size() > 400) return std::nullopt;
  std::string standard;
  for (const char ch : text) {
    if (ch == '-') {
      standard += '+';
    } else if (ch == '_') {
      standard += '/';
    } else if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9')) {
      standard += ch;
    } else {
      return std::nullopt;
    }
  }
  while (standard.size() % 4 != 0)
    standard += '=';
  const auto decoded = notify::base64_decode(standard);
  if (!decoded) return std::nullopt;
  const auto dot = decoded->find('.');
  if (dot == std::string::npos || dot + 1 == decoded->size()) return std::nullopt;
  const auto at = parse_decimal(std::string_view(*decoded).substr(0, dot));
  if (!at) return std::nullopt;
  return store::CallCursor{*at, decoded->substr(dot + 1)};
}

// ---- the request's query, read with field-named errors ----

// Reads query parameters; the first bad one is kept and answered as a 400 naming it.
class QueryReader {
 public:
  explicit QueryReader(const HttpRequest& request) : request_(request) {}

  bool failed() const { return error_.has_value(); }
  HttpResponse error_response() const {
    return json_error(error_->status, error_->code, error_->message, error_->field);
  }
  void fail(std::string_view field, std::string message, int status = 400,
            std::string_view code = "invalid") {
    if (!error_)
      error_ = Failure{status, std::string(code), std::move(message), std::string(field)};
  }

  std::optional<std::string_view> text(std::string_view key) const {
    return request_.query_parameter(key);
  }

  std::optional<std::int64_t> instant(std::string_view key) {
    const auto value = text(key);
    if (!value) return std::nullopt;
    const auto ms = parse_instant_ms(*value);
    if (!ms) {
      fail(key, std::string(key) +
                    ": expected ISO 8601 with Z or an offset (2027-03-28T09:30:00Z), a date "
                    "(2027-03-28) or unix milliseconds");
    }
    return ms;
  }

  std::int64_t required_instant(std::string_view key) {
    if (!text(key)) {
      fail(key, std::string(key) + ": required");
      return 0;
    }
    return instant(key).value_or(0);
  }

  // from < to when both are given.
  void check_range(const std::optional<std::int64_t>& from, const std::optional<std::int64_t>& to) {
    if (from && to && *to <= *from) fail("to", "to: must be after from");
  }

 private:
  struct Failure {
    int status;
    std::string code;
    std::string message;
    std::string field;
  };
  const HttpRequest& request_;
  std::optional<Failure> error_;
};

// ---- JSON of calls ----

Json optional_instant(const std::optional<std::int64_t>& ms) {
  return ms ? Json(format_instant(*ms)) : Json(nullptr);
}

Json optional_text(const std::string& text) {
  return text.empty() ? Json(nullptr) : Json(text);
}

Json optional_id(const std::optional<std::int64_t>& id) {
  return id ? Json(*id) : Json(nullptr);
}

Json call_json(const store::CallItem& c) {
  return Json{{"id", c.id},
              {"caller", c.caller},
              {"called", c.called},
              {"started_at", format_instant(c.started_at_ms)},
              {"answered_at", optional_instant(c.answered_at_ms)},
              {"answered_by", optional_text(c.answered_by)},
              {"ended_at", optional_instant(c.ended_at_ms)},
              {"outcome", optional_text(c.outcome)},
              {"sip_status", c.sip_status == 0 ? Json(nullptr) : Json(c.sip_status)},
              {"talk_ms", c.talk_ms},
              {"has_recording", c.has_recording()},
              {"recording_id", optional_id(c.recording_id)},
              {"voicemail_id", optional_id(c.voicemail_id)},
              {"caller_kind", optional_text(c.caller_kind)}};
}

// ---- the routes ----

// The routes' own read-only connection, opened on first use. The mutex keeps copies of the
// handlers honest; the HTTP thread runs one handler at a time anyway.
class CallRoutes {
 public:
  explicit CallRoutes(CallRouteDeps deps)
      : deps_(std::move(deps)), db_(deps_.database_path, /*read_only=*/true) {}

  HttpResponse list(const HttpRequest& request, const AuthContext& auth);
  HttpResponse get(const RouteParams& params, const AuthContext& auth);
  HttpResponse heatmap(const HttpRequest& request, const AuthContext& auth);

 private:
  Result<store::Database*> connection() { return db_.get(); }

  static HttpResponse store_failure(std::string_view route, const Error& error) {
    log(LogLevel::error, "http.calls_query_failed", {{"route", route}, {"error", error.message}});
    return json_error(500, "internal_error", "the call records could not be read");
  }

  CallRouteDeps deps_;
  std::mutex mutex_;
  LazyDatabase db_;
};

// The user whose calls are asked for: a manager or an operator always gets their own; a head
// or an admin may name one with `user`.
std::string user_aor(QueryReader& query, const AuthContext& auth) {
  const auto user = query.text("user");
  if (user && !is_username(*user)) {
    query.fail("user", "user: expected a username (A-Z a-z 0-9 . _ + -, at most 64)");
    return {};
  }
  if (!auth.sees_all_calls()) {
    if (user && *user != auth.username) {
      query.fail("user", "user: only your own calls are visible to you", 403, "forbidden");
    }
    return auth.username + "@" + auth.realm;
  }
  return user ? std::string(*user) + "@" + auth.realm : std::string();
}

HttpResponse CallRoutes::list(const HttpRequest& request, const AuthContext& auth) {
  QueryReader query(request);
  store::CallFilter filter;
  filter.tenant_id = auth.tenant_id;
  filter.from_ms = query.instant("from");
  filter.to_ms = query.instant("to");
  query.check_range(filter.from_ms, filter.to_ms);
  if (const auto number = query.text("number")) {
    filter.number = restore_plus(*number);
    if (!is_number(filter.number)) {
      query.fail("number", "number: expected an extension or an E.164 number (+380441234567)");
    }
  }
  filter.user_aor = user_aor(query, auth);
  if (const auto outcome = query.text("outcome")) {
    if (std::find(std::begin(kOutcomes), std::end(kOutcomes), *outcome) == std::end(kOutcomes)) {
      query.fail("outcome", "outcome: expected answered, missed, abandoned, voicemail or failed");
    }
    filter.outcome_prefix = std::string(*outcome);
  }
  if (const auto limit = query.text("limit")) {
    const auto n = parse_decimal(*limit);
    if (!n || *n < 1 || *n > static_cast<std::int64_t>(store::kMaxCallPageSize)) {
      query.fail("limit", "limit: expected 1 to " + std::to_string(store::kMaxCallPageSize));
    } else {
      filter.limit = static_cast<std::size_t>(*n);
    }
  }
  if (const auto cursor = query.text("cursor")) {
    filter.after = decode_cursor(*cursor);
    if (!filter.after) query.fail("cursor", "cursor: not a cursor this API gave out");
  }
  if (query.failed()) return query.error_response();

  std::lock_guard lock(mutex_);
  auto db = connection();
  if (!db) return store_failure("calls", db.error());
  auto page = store::list_calls(**db, filter);
  if (!page) return store_failure("calls", page.error());
  Json items = Json::array();
  for (const store::CallItem& c : page->items)
    items.push_back(call_json(c));
  const Json document = {
      {"items", std::move(items)},
      {"next_cursor", page->next ? Json(encode_cursor(*page->next)) : Json(nullptr)}};
  return http::json(200, to_json_text(document));
}

HttpResponse CallRoutes::get(const RouteParams& params, const AuthContext& auth) {
  const std::string id(params.get("id"));
  if (id.size() > 128) return json_error(404, "not_found", "no such call");
  const std::string own = auth.sees_all_calls() ? std::string() : auth.username + "@" + auth.realm;
  std::lock_guard lock(mutex_);
  auto db = connection();
  if (!db) return store_failure("call", db.error());
  auto call = store::get_call(**db, auth.tenant_id, id, own);
  if (!call) {
    // Another tenant's call, or someone else's for a manager: indistinguishable from none.
    if (call.error().code == store::kNotFound) return json_error(404, "not_found", "no such call");
    return store_failure("call", call.error());
  }
  Json document = call_json(*call);
  Json timeline = Json::array();
  for (const store::CallRecordEvent& e : call->timeline) {
    timeline.push_back({{"at", format_instant(e.at_ms)},
                        {"kind", e.kind},
                        {"target", optional_text(e.target)},
                        {"detail", optional_text(e.detail)},
                        {"sip_status", e.sip_status == 0 ? Json(nullptr) : Json(e.sip_status)}});
  }
  document["timeline"] = std::move(timeline);
  return http::json(200, to_json_text(document));
}

HttpResponse CallRoutes::heatmap(const HttpRequest& request, const AuthContext& auth) {
  // add_authed enforces the minimum role already; a report of every call stays refused even
  // if this handler were registered otherwise.
  if (!auth.sees_all_calls()) {
    return json_error(403, "forbidden", "the heatmap is for heads and admins");
  }
  QueryReader query(request);
  store::HeatmapQuery heat;
  heat.tenant_id = auth.tenant_id;
  heat.from_ms = query.required_instant("from");
  heat.to_ms = query.required_instant("to");
  if (!query.failed()) {
    query.check_range(heat.from_ms, heat.to_ms);
    if (heat.to_ms - heat.from_ms > store::kMaxHeatmapRangeMs) {
      query.fail("to", "to: at most " +
                           std::to_string(store::kMaxHeatmapRangeMs / (24 * 3600 * 1000)) +
                           " days after from");
    }
  }
  // number=500&number=501 or number=500,501
  for (const std::string_view value : request.query_parameters("number")) {
    std::size_t start = 0;
    while (start <= value.size()) {
      const std::size_t comma = std::min(value.find(',', start), value.size());
      const std::string number = restore_plus(value.substr(start, comma - start));
      if (!is_number(number)) {
        query.fail("number", "number: expected extensions or E.164 numbers, comma-separated");
        break;
      }
      heat.numbers.push_back(number);
      start = comma + 1;
    }
  }
  if (heat.numbers.size() > store::kMaxHeatmapNumbers) {
    query.fail("number",
               "number: at most " + std::to_string(store::kMaxHeatmapNumbers) + " numbers");
  }
  heat.time_zone = std::string(query.text("tz").value_or(deps_.default_time_zone));
  if (query.failed()) return query.error_response();

  std::lock_guard lock(mutex_);
  auto db = connection();
  if (!db) return store_failure("heatmap", db.error());
  auto map = store::call_heatmap(**db, heat);
  if (!map) {
    // The range and the numbers were checked above: what is left is the zone.
    if (map.error().code == store::kInvalid) {
      return json_error(400, "invalid", "tz: " + map.error().message, "tz");
    }
    return store_failure("heatmap", map.error());
  }
  Json cells = Json::array();
  for (const auto& day : map->cells) {
    Json hours = Json::array();
    for (const store::HeatmapCell& cell : day)
      hours.push_back({{"total", cell.total}, {"missed", cell.missed}});
    cells.push_back(std::move(hours));
  }
  const Json document = {{"time_zone", heat.time_zone},
                         {"from", format_instant(heat.from_ms)},
                         {"to", format_instant(heat.to_ms)},
                         {"cells", std::move(cells)},
                         {"total", map->total},
                         {"missed", map->missed}};
  return http::json(200, to_json_text(document));
}

}  // namespace

void add_call_routes(const AuthedRouteAdder& add, CallRouteDeps deps) {
  auto routes = std::make_shared<CallRoutes>(std::move(deps));
  add("GET", "/api/v1/calls", Role::operator_,
      [routes](const HttpRequest& request, const RouteParams&, const AuthContext& auth) {
        return routes->list(request, auth);
      });
  add("GET", "/api/v1/calls/{id}", Role::operator_,
      [routes](const HttpRequest&, const RouteParams& params, const AuthContext& auth) {
        return routes->get(params, auth);
      });
  add("GET", "/api/v1/reports/heatmap", Role::head,
      [routes](const HttpRequest& request, const RouteParams&, const AuthContext& auth) {
        return routes->heatmap(request, auth);
      });
}

}  // namespace dzvin::http
