#pragma once
// The HTTP/1.1 (and 1.0) server: one thread with its own event loop, keep-alive connections,
// limits and timeouts, a Router for the answers. Boost.Beast lives only in http_server.cpp:
// this header is cheap to include.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include <vector>

#include "crm/contact_import.hpp"
#include "http/router.hpp"
#include "http/websocket_route.hpp"

namespace dzvin::http {

// A route that takes a larger body than HttpSettings::max_body: an upload.
struct LargeBodyRoute {
  std::string method;
  std::string path;  // exact, as the request target has it before any '?'
  std::size_t max_body = 0;
};

struct HttpSettings {
  std::string address = "0.0.0.0";  // IPv4 or IPv6 literal ("::" listens on both)
  std::uint16_t port = 8080;        // 0: an ephemeral port (tests); port() tells which
  std::size_t max_body = 1024 * 1024;
  // The routes allowed more than max_body, each up to its own limit (checked against
  // Content-Length before any byte of the body is read, and as a chunked body arrives).
  std::vector<LargeBodyRoute> large_bodies = {
      {"POST", "/api/v1/contacts/import", crm::kMaxImportBytes}};
  std::size_t max_header = 16 * 1024;  // request line and header fields together
  // The longest wait for one request (line, headers and body) and for an idle keep-alive
  // connection; also the longest a response write may make no progress. Then the connection
  // is closed without an answer.
  std::chrono::seconds read_timeout{15};
  std::size_t max_connections = 1024;  // a connection past it is closed at once
  // Called on the server's thread after each answered request (metrics): method, status and
  // the time from the request's first byte to the answer's last, in seconds.
  std::function<void(std::string_view method, int status, double seconds)> on_request;
  // WebSocket connections: a ping after this long without a frame from the client; one silent
  // for twice as long is cut off.
  std::chrono::seconds websocket_ping_interval{20};
};

class HttpServer {
 public:
  HttpServer(HttpSettings settings, Router router);
  ~HttpServer();  // stop()s
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Serves WebSocket upgrades (RFC 6455) of GET requests to `path` (exact, as decoded) with
  // `handler` (websocket_route.hpp); a GET there without `Upgrade: websocket` gets 426. Before
  // start(); a path given twice is std::invalid_argument. A stop() closes open WebSockets
  // with 1001 (going away), cutting those that do not answer within a second.
  void add_websocket_route(std::string path, WebSocketHandler handler);

  // Binds and listens, then serves on a thread of its own. Throws std::runtime_error naming
  // address:port when the address is bad or cannot be bound (a start-up failure). Once only.
  void start();
  // Closes the listener and every connection (responses in flight are cut), ends the thread.
  // Idempotent.
  void stop();
  // The bound port (the real one when settings asked for 0); 0 before start().
  std::uint16_t port() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace dzvin::http
