#pragma once
// The voicemail inbox:
//   GET   /api/v1/voicemails          any role; ?box=NAME&heard=true|false&limit=1..200
//                                     &before=ID: {"items": [{"id", "box", "call_id", "caller",
//                                     "called", "recorded_at", "duration_ms", "heard"}],
//                                     "next_before": ID|null, "unheard": N}, newest first
//   PATCH /api/v1/voicemails/{id}     any role; {"heard": true|false}: the message as above
// Managers and operators see and mark only their own box (the one named after them); heads and
// admins every box of the company. Another company's message is a 404. The audio is
// GET /api/v1/voicemails/{id}/audio (media_routes.hpp).
#include <string>

#include "http/call_routes.hpp"

namespace dzvin::http {

void add_voicemail_routes(const AuthedRouteAdder& add, std::string database_path);

}  // namespace dzvin::http
