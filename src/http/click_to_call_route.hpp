#pragma once
// POST /api/v1/click-to-call   operator+: {"number", "user"?, "ring_seconds"?}. Rings the
// user's phones first (by default the caller's own; another user's needs head), showing the
// number and, when the CRM knows it, the contact's name; when the user answers, Dzvin dials the
// number as if the user had dialled it (through a trunk for outside numbers). 202 {"call_id",
// "user", "number"}: the call is under way; its progress comes as live events and in the call
// log. 404 no such user, 409 the user has no phone registered, 422 a number that cannot be
// dialled, 503 no media relay or trunk.
#include <functional>
#include <memory>

#include "base/result.hpp"
#include "http/call_routes.hpp"
#include "http/crm_stores.hpp"
#include "pbx/call_engine.hpp"

namespace dzvin::http {

// Starts the call on the signalling thread and returns its uid (pbx::CallEngine::originate).
using Originate = std::function<Result<std::string>(const pbx::Origination&)>;

void add_click_to_call_route(const AuthedRouteAdder& add, std::shared_ptr<CrmStores> stores,
                             Originate originate);

}  // namespace dzvin::http
