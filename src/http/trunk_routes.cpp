#include "http/trunk_routes.hpp"

#include <nlohmann/json.hpp>

#include "http/user_json.hpp"

namespace dzvin::http {

void add_trunk_routes(const AuthedRouteAdder& add, TrunkLister list) {
  add("GET", "/api/v1/trunks", Role::admin,
      [list = std::move(list)](const HttpRequest&, const RouteParams&, const AuthContext& auth) {
        nlohmann::json items = nlohmann::json::array();
        for (const TrunkView& t : list(auth.tenant_id)) {
          nlohmann::json registration = nullptr;
          if (t.registration) {
            registration = {{"state", t.registration->state},
                            {"status", t.registration->status},
                            {"reason", t.registration->reason},
                            {"attempts", t.registration->attempts}};
          }
          items.push_back({{"name", t.name},
                           {"address", t.address},
                           {"username", t.username},
                           {"caller_id", t.caller_id},
                           {"dids", t.dids},
                           {"register", t.register_with_provider},
                           {"registration", std::move(registration)}});
        }
        return json(200, dump_json({{"items", std::move(items)}}));
      });
}

}  // namespace dzvin::http
