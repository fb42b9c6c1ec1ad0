#pragma once
// Authed routes captured in-process: registered through an AuthedRouteAdder and called directly
// with an AuthContext (authentication itself is api_auth_test's), for the route tests.
#include <map>
#include <string>
#include <string_view>

#include "http/call_routes.hpp"

namespace dzvin::http::testing {

class CapturedRoutes {
 public:
  AuthedRouteAdder adder() {
    return [this](std::string_view method, std::string_view pattern, Role minimum,
                  AuthedHandler handler) {
      const std::string key = std::string(method) + " " + std::string(pattern);
      minimum_[key] = minimum;
      handlers_[key] = std::move(handler);
    };
  }

  Role minimum(const std::string& route) const { return minimum_.at(route); }

  // `route` is "METHOD /pattern"; `query` "a=1&b=2" as decoded; a body is sent as JSON unless
  // `content_type` says otherwise.
  HttpResponse call(const std::string& route, const AuthContext& who, std::string_view query = {},
                    std::string body = {}, const std::map<std::string, std::string>& params = {},
                    std::string_view content_type = "application/json") const {
    HttpRequest request;
    request.method = route.substr(0, route.find(' '));
    if (!body.empty()) {
      request.body = std::move(body);
      request.headers.emplace_back("Content-Type", std::string(content_type));
    }
    for (std::string_view rest = query; !rest.empty();) {
      const auto amp = rest.find('&');
      const std::string_view pair = rest.substr(0, amp);
      const auto eq = pair.find('=');
      request.query.push_back({std::string(pair.substr(0, eq)), std::string(pair.substr(eq + 1))});
      rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
    }
    RouteParams route_params;
    for (const auto& [key, value] : params)
      route_params.add(key, value);
    return handlers_.at(route)(request, route_params, who);
  }

 private:
  std::map<std::string, Role> minimum_;
  std::map<std::string, AuthedHandler> handlers_;
};

}  // namespace dzvin::http::testing
