#pragma once
// The users of the caller's tenant (SIP extensions with their web accounts):
//   GET    /api/v1/users?limit=&offset=  head+ → {items, total, limit, offset}
//   GET    /api/v1/users/{username}      head+ any; manager/operator themselves only
//   POST   /api/v1/users                 admin → 201 {username, display_name, email, role,
//                                        password (web), sip_password, mobile}
//   PATCH  /api/v1/users/{username}      admin any; others themselves (display_name,
//                                        password, sip_password, mobile only)
//   DELETE /api/v1/users/{username}      admin, not themselves → 204
//   GET    /api/v1/directory             any role → {items: [{username, display_name}]}: who
//                                        can be picked (a task's assignee, a contact's owner)
// A user of another tenant is a 404 for every one of them. Every change is in the audit log
// (never a password). After each successful change `users_changed` is called (on the HTTP
// thread): the app reloads the phones' accounts so that new SIP users can register at once.
// After a deletion `user_deleted` is called first (tenant, the user, the admin who deleted
// them): the app hands the user's open tasks and customers over (crm/user_hand_over.hpp).
#include <cstdint>
#include <functional>
#include <string_view>

#include "http/api_auth.hpp"
#include "http/router.hpp"

namespace dzvin::http {

using UsersChanged = std::function<void()>;
using UserDeleted =
    std::function<void(std::int64_t tenant_id, std::string_view username, std::string_view by)>;

// `auth` must outlive the router.
void add_user_routes(Router& router, ApiAuth& auth, UsersChanged users_changed = {},
                     UserDeleted user_deleted = {});

}  // namespace dzvin::http
