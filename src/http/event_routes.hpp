#pragma once
// GET /api/v1/events with `Upgrade: websocket`: the live events a user may see (event_hub.hpp)
// as WebSocket text frames {"id":..,"type":..,...}, resumable with ?last_event_id= or the
// Last-Event-ID header. The session cookie (no CSRF: a GET), `Authorization: Bearer dzv_...`,
// or ?token=dzv_... (browsers cannot set headers on a WebSocket) authenticates; a browser's
// Origin must be this server's.
#include <chrono>
#include <cstddef>
#include <string>

#include "http/api_auth.hpp"
#include "http/event_hub.hpp"
#include "http/http_server.hpp"
#include "http/websocket_route.hpp"

namespace dzvin::http {

struct EventStreamSettings {
  std::string path = "/api/v1/events";
  // Events a client may be behind: more waiting on a live connection closes it with 1008
  // (policy violation; it reconnects with its last id and is told to resync), and a resume
  // that would replay more sends the resync marker instead.
  std::size_t max_backlog = 1000;
  // Credentials are checked again at most this often, when there is something to send: a
  // revoked token, an ended session or a deleted user is cut off with 1008, and a new role
  // applies.
  std::chrono::seconds recheck_credentials{60};
};

// The handler behind the route (in-process tests call it directly). `hub` and `auth` must
// outlive the server; it runs on the HTTP thread.
WebSocketHandler event_stream_handler(EventHub& hub, ApiAuth& auth,
                                      EventStreamSettings settings = {});

// Registers the route on `server` (before start()).
void add_event_stream(HttpServer& server, EventHub& hub, ApiAuth& auth,
                      EventStreamSettings settings = {});

}  // namespace dzvin::http
