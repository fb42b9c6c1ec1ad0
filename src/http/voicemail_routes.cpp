#include "http/voicemail_routes.hpp"

#include <nlohmann/json.hpp>

#include <memory>

#include "base/log.hpp"
#include "http/api_error.hpp"
#include "http/decimal.hpp"
#include "http/json_body.hpp"
#include "http/lazy_database.hpp"
#include "http/user_json.hpp"

namespace dzvin::http {

namespace {

constexpr std::int64_t kDefaultPage = 50;
constexpr std::int64_t kMaxPage = 200;

constexpr std::string_view kColumns =
    "SELECT id, box, call_id, caller, called, recorded_at, duration_ms, heard FROM voicemails ";

nlohmann::json row_json(const store::Statement& s) {
  return nlohmann::json{
      {"id", s.column_int(0)},          {"box", s.column_text(1)},
      {"call_id", s.column_text(2)},    {"caller", s.column_text(3)},
      {"called", s.column_text(4)},     {"recorded_at", format_instant(s.column_int(5))},
      {"duration_ms", s.column_int(6)}, {"heard", s.column_int(7) != 0}};
}

HttpResponse unavailable(const Error& error) {
  log(LogLevel::error, "http.voicemails_failed", {{"error", error.message}});
  return json_error(503, "unavailable", "the voicemails cannot be read now");
}

// The box a request is confined to: "" for every box (head and admin without ?box=).
Result<std::string> box_scope(const HttpRequest& request, const AuthContext& auth) {
  const auto box = request.query_parameter("box");
  if (box && (box->empty() || box->size() > 64)) {
    return make_error(400, "box: expected a voicemail box name");
  }
  if (auth.sees_all_calls()) return box ? std::string(*box) : std::string();
  if (box && *box != auth.username) {
    return make_error(403, "box: only your own voicemail box is visible to you");
  }
  return auth.username;
}

class VoicemailInbox {
 public:
  explicit VoicemailInbox(std::string database_path) : db_(std::move(database_path), false) {}

  HttpResponse list(const HttpRequest& request, const AuthContext& auth) {
    auto box = box_scope(request, auth);
    if (!box) return api_error_response(box.error());
    std::int64_t heard = -1;  // either
    if (const auto text = request.query_parameter("heard")) {
      if (*text != "true" && *text != "false") {
        return json_error(400, "invalid_field", "heard: expected true or false", "heard");
      }
      heard = *text == "true" ? 1 : 0;
    }
    std::int64_t limit = kDefaultPage;
    if (const auto text = request.query_parameter("limit")) {
      const auto n = parse_decimal(*text);
      if (!n || *n < 1 || *n > kMaxPage) {
        return json_error(400, "invalid_field", "limit: expected 1 to " + std::to_string(kMaxPage),
                          "limit");
      }
      limit = *n;
    }
    std::int64_t before = 0;  // none
    if (const auto text = request.query_parameter("before")) {
      const auto n = parse_id(*text);
      if (!n) return json_error(400, "invalid_field", "before: expected a message id", "before");
      before = *n;
    }
    auto db = db_.get();
    if (!db) return unavailable(db.error());
    auto page = (*db)->cached(std::string(kColumns) +
                              "WHERE tenant_id = ?1 AND deleted_at IS NULL AND "
                              "(?2 = '' OR box = ?2) AND (?3 < 0 OR heard = ?3) AND "
                              "(?4 = 0 OR id < ?4) ORDER BY id DESC LIMIT ?5");
    if (!page) return unavailable(page.error());
    page->bind(1, auth.tenant_id).bind(2, *box).bind(3, heard).bind(4, before).bind(5, limit + 1);
    nlohmann::json items = nlohmann::json::array();
    nlohmann::json next_before = nullptr;
    while (true) {
      auto row = page->step();
      if (!row) return unavailable(row.error());
      if (!*row) break;
      if (static_cast<std::int64_t>(items.size()) == limit) {
        next_before = items.back()["id"];
        break;
      }
      items.push_back(row_json(page->statement()));
    }
    auto unheard = (*db)->cached(
        "SELECT count(*) FROM voicemails WHERE tenant_id = ?1 AND deleted_at IS NULL AND "
        "heard = 0 AND (?2 = '' OR box = ?2)");
    if (!unheard) return unavailable(unheard.error());
    unheard->bind(1, auth.tenant_id).bind(2, *box);
    auto counted = unheard->step();
    if (!counted) return unavailable(counted.error());
    return json(200, dump_json({{"items", std::move(items)},
                                {"next_before", std::move(next_before)},
                                {"unheard", unheard->column_int(0)}}));
  }

  HttpResponse mark(const HttpRequest& request, const RouteParams& params,
                    const AuthContext& auth) {
    const auto id = parse_id(params.get("id"));
    if (!id) return json_error(404, "not_found", "no such voicemail", "id");
    auto body = parse_json_object(request, {"heard"});
    if (!body) return api_error_response(body.error());
    if (!body->contains("heard") || !(*body)["heard"].is_boolean()) {
      return json_error(400, "invalid_field", "heard: must be true or false", "heard");
    }
    const bool heard = (*body)["heard"].get<bool>();
    auto db = db_.get();
    if (!db) return unavailable(db.error());
    // Managers mark only their own box: another box's message is as if it did not exist.
    const std::string box = auth.sees_all_calls() ? std::string() : auth.username;
    auto update = (*db)->cached(
        "UPDATE voicemails SET heard = ?1 WHERE id = ?2 AND tenant_id = ?3 AND "
        "deleted_at IS NULL AND (?4 = '' OR box = ?4)");
    if (!update) return unavailable(update.error());
    update->bind(1, std::int64_t{heard ? 1 : 0}).bind(2, *id).bind(3, auth.tenant_id).bind(4, box);
    if (auto done = update->step(); !done) return unavailable(done.error());
    if ((*db)->changes() == 0) return json_error(404, "not_found", "no such voicemail", "id");
    auto read = (*db)->cached(std::string(kColumns) + "WHERE id = ?1");
    if (!read) return unavailable(read.error());
    read->bind(1, *id);
    auto row = read->step();
    if (!row || !*row)
      return unavailable(row ? make_error(500, "the message vanished") : row.error());
    return json(200, dump_json(row_json(read->statement())));
  }

 private:
  LazyDatabase db_;
};

}  // namespace

void add_voicemail_routes(const AuthedRouteAdder& add, std::string database_path) {
  auto inbox = std::make_shared<VoicemailInbox>(std::move(database_path));
  add("GET", "/api/v1/voicemails", Role::operator_,
      [inbox](const HttpRequest& request, const RouteParams&, const AuthContext& auth) {
        return inbox->list(request, auth);
      });
  add("PATCH", "/api/v1/voicemails/{id}", Role::operator_,
      [inbox](const HttpRequest& request, const RouteParams& params, const AuthContext& auth) {
        return inbox->mark(request, params, auth);
      });
}

}  // namespace dzvin::http
