#include "http/audit_routes.hpp"

#include <nlohmann/json.hpp>

#include <memory>

#include "base/log.hpp"
#include "http/decimal.hpp"
#include "http/lazy_database.hpp"
#include "http/user_json.hpp"

namespace dzvin::http {

namespace {

constexpr std::int64_t kDefaultPage = 50;
constexpr std::int64_t kMaxPage = 200;

HttpResponse unavailable(const Error& error) {
  log(LogLevel::error, "http.audit_read_failed", {{"error", error.message}});
  return json_error(503, "unavailable", "the audit log cannot be read now");
}

}  // namespace

void add_audit_routes(const AuthedRouteAdder& add, std::string database_path) {
  auto db = std::make_shared<LazyDatabase>(std::move(database_path), true);
  add("GET", "/api/v1/audit", Role::admin,
      [db](const HttpRequest& request, const RouteParams&, const AuthContext& auth) {
        std::int64_t limit = kDefaultPage;
        if (const auto text = request.query_parameter("limit")) {
          const auto n = parse_decimal(*text);
          if (!n || *n < 1 || *n > kMaxPage) {
            return json_error(400, "invalid_field",
                              "limit: expected 1 to " + std::to_string(kMaxPage), "limit");
          }
          limit = *n;
        }
        std::int64_t before = 0;
        if (const auto text = request.query_parameter("before")) {
          const auto n = parse_id(*text);
          if (!n) return json_error(400, "invalid_field", "before: expected an entry id", "before");
          before = *n;
        }
        auto connection = db->get();
        if (!connection) return unavailable(connection.error());
        auto page =
            (*connection)
                ->cached(
                    "SELECT a.id, a.at, u.username, a.action, a.resource, a.detail FROM audit_log "
                    "a "
                    "LEFT JOIN users u ON u.id = a.user_id AND u.tenant_id = a.tenant_id "
                    "WHERE a.tenant_id = ?1 AND (?2 = 0 OR a.id < ?2) ORDER BY a.id DESC LIMIT ?3");
        if (!page) return unavailable(page.error());
        page->bind(1, auth.tenant_id).bind(2, before).bind(3, limit + 1);
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
          items.push_back({{"id", page->column_int(0)},
                           {"at", format_instant(page->column_int(1))},
                           {"user", page->column_is_null(2) ? nlohmann::json(nullptr)
                                                            : nlohmann::json(page->column_text(2))},
                           {"action", page->column_text(3)},
                           {"resource", page->column_text(4)},
                           {"detail", page->column_text(5)}});
        }
        return json(200, dump_json({{"items", std::move(items)}, {"next_before", next_before}}));
      });
}

}  // namespace dzvin::http
