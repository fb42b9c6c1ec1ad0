#pragma once
// Who changed what: the company's audit log (logins, users, tokens, routing), newest first.
//   GET /api/v1/audit?limit=1..200&before=ID   admin: {"items": [{"id", "at", "user" (the
//                                              username or null), "action", "resource",
//                                              "detail"}], "next_before": ID|null}
#include <string>

#include "http/call_routes.hpp"

namespace dzvin::http {

void add_audit_routes(const AuthedRouteAdder& add, std::string database_path);

}  // namespace dzvin::http
