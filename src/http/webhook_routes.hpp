#pragma once
// The webhook delivery log (notify/webhook_outbox.hpp), newest first:
//   GET /api/v1/webhooks/deliveries?state=pending|delivered|failed&limit=&before=   admin
//   {"items": [{"id", "endpoint", "event_type", "event_id", "state", "attempts",
//   "last_status", "last_error", "created_at", "delivered_at", "next_attempt_at"}],
//   "next_before"}
#include <string>

#include "http/call_routes.hpp"

namespace dzvin::http {

void add_webhook_routes(const AuthedRouteAdder& add, std::string database_path);

}  // namespace dzvin::http
