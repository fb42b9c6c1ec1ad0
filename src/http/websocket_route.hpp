#pragma once
// What the HTTP server needs from a WebSocket endpoint (RFC 6455), without Beast: the server
// does the handshake, the frames, pings, timeouts and closing; a route only says whether an
// upgrade request may become a WebSocket, and then hands out the text messages to send.
//
// Pull model: the server calls WebSocketSession::poll() after the handshake and after every
// wake-up. A session (or something it subscribed to) calls the WebSocketWaker it was given
// when it has something new; the waker is safe from any thread, so a publisher on another
// thread never touches the connection. Nothing queues per connection: a session reads from
// its source when polled, so a slow client costs no memory, only a growing distance that the
// session bounds itself (it answers with a close).
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "http/http_request.hpp"
#include "http/http_response.hpp"

namespace dzvin::http {

// RFC 6455 §7.4.1 close codes the server uses.
inline constexpr std::uint16_t kCloseNormal = 1000;
inline constexpr std::uint16_t kCloseGoingAway = 1001;        // the server stops
inline constexpr std::uint16_t kClosePolicyViolation = 1008;  // e.g. a client too slow to keep up

struct WebSocketClose {
  std::uint16_t code = kCloseNormal;
  std::string reason;  // at most 123 bytes (§5.5: a control frame's payload is 125 bytes)
};

// What a connection sends next: `messages` (text frames, in order), then, when `close` is
// set, a close frame with its code, after which the connection ends.
struct WebSocketPoll {
  std::vector<std::string> messages;
  std::optional<WebSocketClose> close;
};

// Makes the server poll the session again soon. Any thread, any number of times (wake-ups
// that come while one is pending are merged); harmless once the connection has ended. Call it
// only while the HttpServer exists: a session holding it must not outlive the server.
using WebSocketWaker = std::function<void()>;

// One open WebSocket. Lives on the HTTP thread: poll() and the destructor run there.
class WebSocketSession {
 public:
  virtual ~WebSocketSession() = default;
  // Messages to send now; none when nothing is new (the server then waits for a wake-up).
  virtual WebSocketPoll poll() = 0;
};

// The answer to an upgrade request: a session, or (session null) the HTTP response that
// refuses the upgrade (401, 403, 400...), after which the connection is closed.
struct WebSocketOpening {
  std::unique_ptr<WebSocketSession> session;
  HttpResponse refusal;
};

// Decides on a GET with `Upgrade: websocket` to the route's path. Runs on the HTTP thread
// with the request decoded (path and query filled, as handlers of the Router see it); an
// exception becomes a logged 500.
using WebSocketHandler = std::function<WebSocketOpening(const HttpRequest&, WebSocketWaker)>;

// Whether a browser's request comes from a page of this server: no Origin header (not a
// browser: nothing to check), or an Origin whose host and port equal the Host header's
// (default ports 80/443 implied by the scheme). Browsers send cookies with a WebSocket
// handshake from any site and the handshake is not subject to CORS, so a route that accepts
// a cookie must refuse a foreign Origin (cross-site WebSocket hijacking). "null" is foreign.
bool same_origin(const HttpRequest& request);

}  // namespace dzvin::http
