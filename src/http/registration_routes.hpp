#pragma once
// Who is online: the phones registered for the company's users.
//   GET /api/v1/registrations   any role: {"items": [{"user", "display_name", "expires_at",
//                               and for head and admin also "contact", "source",
//                               "user_agent"}]}, by user, one item per registered phone
// Read from the registrations table (the registrar writes it within ~50 ms of a change); the
// live event `registration.changed` tells the web app when to read it again.
#include <string>

#include "http/call_routes.hpp"

namespace dzvin::http {

struct RegistrationRouteDeps {
  std::string database_path;
  // Unix milliseconds now (tests pass a fixed clock).
  std::function<std::int64_t()> now_ms;
};

void add_registration_routes(const AuthedRouteAdder& add, RegistrationRouteDeps deps);

}  // namespace dzvin::http
