#pragma once
// GET /api/v1/reports/first-contacts?from=&to=&tz=   head+: per week (Monday, local) and per
// person who answered, calls from first-time callers ("primary") and existing clients
// ("secondary"), and the contacts each person captured (crm/first_contact_report.hpp).
// {"time_zone", "weeks": [{"week", "total": {...}, "operators": [{"user", "primary",
// "secondary", "contacts_captured"}]}]}; from/to as the call log's (ISO 8601 or unix ms),
// default the last 4 weeks.
#include <string>

#include "http/call_routes.hpp"
#include "http/crm_stores.hpp"

namespace dzvin::http {

void add_first_contact_route(const AuthedRouteAdder& add, std::shared_ptr<CrmStores> stores,
                             std::string default_time_zone);

}  // namespace dzvin::http
