#pragma once
// Logging in and out, who am I, and the caller's API tokens:
//   POST   /api/v1/auth/login   {email, password} → 200 {user, csrf_token} + the session cookie
//   POST   /api/v1/auth/logout  → 204, the session deleted and the cookie cleared
//   GET    /api/v1/auth/me      → 200 {user, csrf_token (sessions only), via_token}
//   POST   /api/v1/tokens       {name} → 201 {id, name, created_at, token} (the token shown once)
//   GET    /api/v1/tokens       → 200 {items: [{id, name, created_at, last_used_at}], total}
//   DELETE /api/v1/tokens/{id}  → 204 (one's own; an admin any of the tenant), 404 otherwise
#include "http/api_auth.hpp"
#include "http/router.hpp"

namespace dzvin::http {

// `auth` must outlive the router.
void add_auth_routes(Router& router, ApiAuth& auth);

}  // namespace dzvin::http
