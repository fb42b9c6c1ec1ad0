#include "http/first_contact_route.hpp"

#include <chrono>
#include <cstdio>

#include "crm/first_contact_report.hpp"
#include "http/api_error.hpp"
#include "http/instant_text.hpp"
#include "http/user_json.hpp"

namespace dzvin::http {

namespace {

using Json = nlohmann::json;

Json counts_json(const crm::OperatorWeek& w) {
  return {{"user", w.user.empty() ? Json(nullptr) : Json(w.user)},
          {"primary", w.primary},
          {"secondary", w.secondary},
          {"contacts_captured", w.contacts_captured}};
}

std::string date_text(const std::chrono::year_month_day& d) {
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(d.year()),
                static_cast<unsigned>(d.month()), static_cast<unsigned>(d.day()));
  return text;
}

}  // namespace

void add_first_contact_route(const AuthedRouteAdder& add, std::shared_ptr<CrmStores> stores,
                             std::string default_time_zone) {
  add("GET", "/api/v1/reports/first-contacts", Role::head,
      [stores, default_time_zone](const HttpRequest& request, const RouteParams&,
                                  const AuthContext& who) {
        auto open = stores->open();
        if (!open) return api_error_response(open.error());
        const std::int64_t now = unix_ms(stores->clock().wall_now());
        std::int64_t to = now;
        std::int64_t from = now - 28LL * 24 * 3600 * 1000;
        for (auto [key, target] : {std::pair{"from", &from}, std::pair{"to", &to}}) {
          if (const auto text = request.query_parameter(key)) {
            const auto ms = parse_instant_ms(*text);
            if (!ms) {
              return json_error(400, "invalid",
                                std::string(key) + ": ISO 8601 with Z or an offset, or unix ms",
                                key);
            }
            *target = *ms;
          }
        }
        const std::string zone(request.query_parameter("tz").value_or(default_time_zone));
        auto report = crm::first_contact_report(stores->database(), who.tenant_id, from, to, zone);
        if (!report) return api_error_response(report.error());
        Json weeks = Json::array();
        for (const crm::ReportWeek& w : *report) {
          Json operators = Json::array();
          for (const crm::OperatorWeek& o : w.operators)
            operators.push_back(counts_json(o));
          weeks.push_back({{"week", date_text(w.monday)},
                           {"total", counts_json(w.total)},
                           {"operators", std::move(operators)}});
        }
        return json(200, dump_json({{"time_zone", zone}, {"weeks", std::move(weeks)}}));
      });
}

}  // namespace dzvin::http
