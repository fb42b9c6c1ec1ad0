#pragma once
// The call log and the call-load report of the REST API:
//   GET /api/v1/calls               the calls, newest first, filtered, in pages (any role)
//   GET /api/v1/calls/{id}          one call with its timeline (any role)
//   GET /api/v1/reports/heatmap     calls per local weekday and hour (head and admin)
// Everything is read within AuthContext::tenant_id; managers and operators see only their own
// calls (answered by them, or made from their extension). The handlers take an AuthContext
// and are registered through a callback, so that the authentication wrapper (api_auth.hpp's
// add_authed) decides who reaches them: see README.md "Calls and reports".
#include <functional>
#include <string>
#include <string_view>

#include "http/auth_context.hpp"
#include "http/http_request.hpp"
#include "http/http_response.hpp"
#include "http/router.hpp"

namespace dzvin::http {

// A handler behind authentication (the same alias as api_auth.hpp's: a repeated alias
// declaration of the same type is allowed).
using AuthedHandler =
    std::function<HttpResponse(const HttpRequest&, const RouteParams&, const AuthContext&)>;

// Registers one authenticated route: the caller's role must be at least `minimum`.
using AuthedRouteAdder = std::function<void(std::string_view method, std::string_view pattern,
                                            Role minimum, AuthedHandler handler)>;

struct CallRouteDeps {
  // The migrated database. The routes open their own read-only connection on first use, on
  // the HTTP thread (one query at a time).
  std::string database_path;
  // The heatmap's zone when the request gives no `tz`.
  std::string default_time_zone = "UTC";
};

// Registers the three routes through `add`:
//   add_call_routes([&](auto method, auto pattern, Role minimum, AuthedHandler handler) {
//     add_authed(router, method, pattern, minimum, std::move(handler));
//   }, {.database_path = db_path});
void add_call_routes(const AuthedRouteAdder& add, CallRouteDeps deps);

}  // namespace dzvin::http
