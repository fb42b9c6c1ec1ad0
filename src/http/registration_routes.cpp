#include "http/registration_routes.hpp"

#include <nlohmann/json.hpp>

#include <memory>

#include "base/log.hpp"
#include "http/lazy_database.hpp"
#include "http/user_json.hpp"

namespace dzvin::http {

namespace {

// At most this many phones are listed (a company of a few hundred users).
constexpr int kMaxRegistrations = 5000;

}  // namespace

void add_registration_routes(const AuthedRouteAdder& add, RegistrationRouteDeps deps) {
  auto db = std::make_shared<LazyDatabase>(deps.database_path, true);
  auto now_ms = std::move(deps.now_ms);
  add("GET", "/api/v1/registrations", Role::operator_,
      [db, now_ms](const HttpRequest&, const RouteParams&, const AuthContext& auth) {
        auto connection = db->get();
        auto statement =
            connection ? (*connection)
                             ->cached(
                                 "SELECT substr(r.aor, 1, instr(r.aor, '@') - 1) AS name, "
                                 "coalesce(u.display_name, ''), r.expires_at, r.contact, r.source, "
                                 "r.user_agent FROM registrations r "
                                 "LEFT JOIN users u ON u.tenant_id = r.tenant_id AND "
                                 "u.username = substr(r.aor, 1, instr(r.aor, '@') - 1) "
                                 "WHERE r.tenant_id = ?1 AND r.expires_at > ?2 "
                                 "ORDER BY name, r.contact LIMIT ?3")
                       : Result<store::StatementLease>(connection.error());
        if (!statement) {
          log(LogLevel::error, "http.registrations_failed", {{"error", statement.error().message}});
          return json_error(503, "unavailable", "the registrations cannot be read now");
        }
        statement->bind(1, auth.tenant_id)
            .bind(2, now_ms() / 1000)
            .bind(3, std::int64_t{kMaxRegistrations});
        nlohmann::json items = nlohmann::json::array();
        while (true) {
          auto row = statement->step();
          if (!row) {
            log(LogLevel::error, "http.registrations_failed", {{"error", row.error().message}});
            return json_error(503, "unavailable", "the registrations cannot be read now");
          }
          if (!*row) break;
          nlohmann::json item{{"user", statement->column_text(0)},
                              {"display_name", statement->column_text(1)},
                              {"expires_at", format_instant(statement->column_int(2) * 1000)}};
          // Addresses and phone models are for those who run the company's telephony.
          if (auth.sees_all_calls()) {
            item["contact"] = statement->column_text(3);
            item["source"] = statement->column_text(4);
            item["user_agent"] = statement->column_text(5);
          }
          items.push_back(std::move(item));
        }
        return json(200, dump_json({{"items", std::move(items)}}));
      });
}

}  // namespace dzvin::http
