#include "http/webhook_routes.hpp"

#include <nlohmann/json.hpp>

#include <memory>

#include "base/log.hpp"
#include "http/decimal.hpp"
#include "http/lazy_database.hpp"
#include "http/user_json.hpp"

namespace dzvin::http {

void add_webhook_routes(const AuthedRouteAdder& add, std::string database_path) {
  auto db = std::make_shared<LazyDatabase>(std::move(database_path), true);
  add("GET", "/api/v1/webhooks/deliveries", Role::admin,
      [db](const HttpRequest& request, const RouteParams&, const AuthContext& who) {
        std::string state;
        if (const auto text = request.query_parameter("state")) {
          if (*text != "pending" && *text != "delivered" && *text != "failed") {
            return json_error(400, "invalid", "state: pending, delivered or failed", "state");
          }
          state = std::string(*text);
        }
        std::int64_t limit = 50;
        if (const auto text = request.query_parameter("limit")) {
          const auto n = parse_decimal(*text);
          if (!n || *n < 1 || *n > 200)
            return json_error(400, "invalid", "limit: 1 to 200", "limit");
          limit = *n;
        }
        std::int64_t before = 0;
        if (const auto text = request.query_parameter("before")) {
          const auto n = parse_id(*text);
          if (!n) return json_error(400, "invalid", "before: a delivery id", "before");
          before = *n;
        }
        const auto unavailable = [](const Error& e) {
          log(LogLevel::error, "http.webhook_log_failed", {{"error", e.message}});
          return json_error(503, "unavailable", "the delivery log cannot be read now");
        };
        auto connection = db->get();
        if (!connection) return unavailable(connection.error());
        auto page =
            (*connection)
                ->cached(
                    "SELECT id, endpoint, event_type, event_id, state, attempts, last_status, "
                    "last_error, created_at, delivered_at, next_attempt_at FROM webhook_deliveries "
                    "WHERE tenant_id = ?1 AND (?2 = '' OR state = ?2) AND (?3 = 0 OR id < ?3) "
                    "ORDER BY id DESC LIMIT ?4");
        if (!page) return unavailable(page.error());
        page->bind(1, who.tenant_id).bind(2, state).bind(3, before).bind(4, limit + 1);
        nlohmann::json items = nlohmann::json::array();
        nlohmann::json next_before = nullptr;
        for (;;) {
          auto row = page->step();
          if (!row) return unavailable(row.error());
          if (!*row) break;
          if (static_cast<std::int64_t>(items.size()) == limit) {
            next_before = items.back()["id"];
            break;
          }
          const bool pending = page->column_text(4) == "pending";
          items.push_back(
              {{"id", page->column_int(0)},
               {"endpoint", page->column_text(1)},
               {"event_type", page->column_text(2)},
               {"event_id", page->column_text(3)},
               {"state", page->column_text(4)},
               {"attempts", page->column_int(5)},
               {"last_status", page->column_int(6)},
               {"last_error", page->column_text(7)},
               {"created_at", format_instant(page->column_int(8))},
               {"delivered_at", page->column_is_null(9)
                                    ? nlohmann::json(nullptr)
                                    : nlohmann::json(format_instant(page->column_int(9)))},
               {"next_attempt_at", pending ? nlohmann::json(format_instant(page->column_int(10)))
                                           : nlohmann::json(nullptr)}});
        }
        return json(200, dump_json({{"items", std::move(items)}, {"next_before", next_before}}));
      });
}

}  // namespace dzvin::http
