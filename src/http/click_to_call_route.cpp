#include "http/click_to_call_route.hpp"

#include "base/log.hpp"
#include "http/api_error.hpp"
#include "http/json_body.hpp"
#include "http/user_json.hpp"

namespace dzvin::http {

namespace {

using Json = nlohmann::json;

// How long the user's phones may ring before the attempt is given up.
constexpr int kDefaultRingSeconds = 30;
constexpr int kMaxRingSeconds = 120;

}  // namespace

void add_click_to_call_route(const AuthedRouteAdder& add, std::shared_ptr<CrmStores> stores,
                             Originate originate) {
  add("POST", "/api/v1/click-to-call", Role::operator_,
      [stores, originate](const HttpRequest& request, const RouteParams&, const AuthContext& who) {
        auto body = parse_json_object(request, {"number", "user", "ring_seconds"});
        if (!body) return api_error_response(body.error());
        auto number = required_string(*body, "number", 64);
        if (!number) return api_error_response(number.error());
        if (number->empty())
          return json_error(422, "invalid", "number: must not be empty", "number");
        auto user = optional_string(*body, "user", 64);
        if (!user) return api_error_response(user.error());
        pbx::Origination call;
        call.tenant_id = who.tenant_id;
        call.realm = who.realm;
        call.user = user->value_or(who.username);
        if (call.user != who.username && !who.at_least(Role::head)) {
          return json_error(403, "forbidden",
                            "user: only heads and admins ring another user's phone", "user");
        }
        call.number = std::move(*number);
        int ring_seconds = kDefaultRingSeconds;
        if (body->contains("ring_seconds")) {
          const Json& value = (*body)["ring_seconds"];
          if (!value.is_number_integer() || value.get<std::int64_t>() < 5 ||
              value.get<std::int64_t>() > kMaxRingSeconds) {
            return json_error(400, "invalid", "ring_seconds: a whole number from 5 to 120",
                              "ring_seconds");
          }
          ring_seconds = value.get<int>();
        }
        call.ring_user_for = std::chrono::seconds(ring_seconds);
        // The user's phone shows whom it is about to call, when the CRM knows the number.
        if (auto open = stores->open(); open) {
          if (auto stored = crm::contact_number(call.number, "number"); stored) {
            if (auto contact = stores->contacts().find_by_number(who.tenant_id, *stored);
                contact && *contact) {
              call.display = (*contact)->name;
            }
          }
        }
        auto started = originate(call);
        if (!started) {
          if (started.error().code == 409) {
            return json_error(409, "offline", started.error().message, "user");
          }
          if (started.error().code == 422) {
            return json_error(422, "invalid", started.error().message, "number");
          }
          // Expected refusals (no trunk, no media relay, the PBX starting): said as they are.
          if (started.error().code == 503) {
            return json_error(503, "unavailable", started.error().message);
          }
          return api_error_response(started.error());
        }
        log(LogLevel::info, "http.click_to_call",
            {{"by", who.username}, {"user", call.user}, {"call", *started}});
        return json(
            202, dump_json({{"call_id", *started}, {"user", call.user}, {"number", call.number}}));
      });
}

}  // namespace dzvin::http
