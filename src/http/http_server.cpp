// The only translation unit of the tree that includes Boost.Beast (about 70 s and 2 GB to
// compile): everything else talks to it through http_server.hpp.
#include <utility>  // before Asio: g++ 12 needs std::exchange declared first

#include "http/http_server.hpp"

// clang-format off
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <boost/beast/websocket/stream.hpp>
// clang-format on

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <exception>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "base/clock.hpp"
#include "base/log.hpp"

namespace dzvin::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace websocket = boost::beast::websocket;
using asio::ip::tcp;
using boost::system::error_code;

namespace {

constexpr std::size_t kFileChunkBytes = 64 * 1024;
// After an error answer the connection is closed; the unread rest of the request is read and
// thrown away first (for at most this long and this much), or the kernel would answer it
// with a RST that can destroy our answer before the client reads it.
constexpr auto kLingerTime = std::chrono::seconds(2);
constexpr std::size_t kLingerBytes = 4 * 1024 * 1024;
constexpr auto kAcceptRetryDelay = std::chrono::milliseconds(100);
// WebSocket clients have nothing to say but pongs and close: a larger message ends the
// connection (Beast answers it with 1009).
constexpr std::size_t kWebSocketReadMax = 4096;
// How long a stop() waits for WebSocket clients to answer the close frame.
constexpr auto kWebSocketCloseWait = std::chrono::seconds(1);

auto redirect(error_code& ec) {
  return asio::redirect_error(asio::use_awaitable, ec);
}

std::string endpoint_text(const std::string& address, std::uint16_t port) {
  const bool v6 = address.find(':') != std::string::npos;
  return (v6 ? "[" + address + "]" : address) + ":" + std::to_string(port);
}

std::string address_text(const asio::ip::address& address) {
  if (address.is_v6() && address.to_v6().is_v4_mapped())
    return asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6()).to_string();
  return address.to_string();
}

// RFC 9110 §5.6.2 token characters, for header names a handler sets.
bool is_token(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
    if (!ok) return false;
  }
  return true;
}

// A CR or LF in a value would let request input split the response.
bool is_field_value(std::string_view text) {
  return text.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

// Header names the server writes itself.
bool is_connection_field(std::string_view name) {
  for (std::string_view reserved :
       {"Content-Length", "Transfer-Encoding", "Connection", "Date", "Server", "Keep-Alive"}) {
    if (equals_ignoring_case(name, reserved)) return true;
  }
  return false;
}

// RFC 9110 §6.4.1: these statuses never have content.
bool status_without_content(int status) {
  return status / 100 == 1 || status == 204 || status == 304;
}

// The answer to a request that failed to arrive whole, or nullopt when there is no one to
// answer (the client went away, stayed silent, or the socket failed).
std::optional<HttpResponse> refusal_for(const error_code& ec) {
  if (ec == bhttp::error::end_of_stream || ec == bhttp::error::partial_message) return std::nullopt;
  if (ec == bhttp::error::body_limit)
    return json_error(413, "body_too_large", "the request body is too large");
  if (ec == bhttp::error::header_limit || ec == bhttp::error::buffer_overflow)
    return json_error(431, "header_too_large", "the request header is too large");
  if (ec.category() == bhttp::make_error_code(bhttp::error::bad_target).category())
    return json_error(400, "bad_request", "malformed request: " + ec.message());
  return std::nullopt;
}

// A WebSocket connection's writer waits on `timer` (never expiring) and is woken by cancelling
// it: from a WebSocketWaker (posted), when the reader ends, and when the server stops.
struct WakeSignal {
  explicit WakeSignal(asio::io_context& io) : timer(io, asio::steady_timer::time_point::max()) {}
  asio::steady_timer timer;
  bool reader_done = false;
};

using WebSocketStream = websocket::stream<beast::tcp_stream&>;

// Reads and drops what the client sends; Beast answers pings and a close frame meanwhile, and
// its idle timeout (with keep-alive pings) needs a read in progress.
asio::awaitable<void> read_websocket(WebSocketStream& ws) {
  beast::flat_buffer buffer;
  for (;;) {
    error_code ec;
    co_await ws.async_read(buffer, redirect(ec));
    if (ec) co_return;
    buffer.consume(buffer.size());
  }
}

class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

}  // namespace

struct HttpServer::Impl {
  Impl(HttpSettings s, Router r)
      : settings(std::move(s)), router(std::move(r)), largest_body(settings.max_body) {
    for (const LargeBodyRoute& route : settings.large_bodies)
      largest_body = std::max(largest_body, route.max_body);
  }

  // The body limit of a request: its route's among large_bodies, else max_body.
  std::size_t body_limit_of(const bhttp::request_header<>& header) const {
    const std::string_view target(header.target().data(), header.target().size());
    const std::string_view path = target.substr(0, target.find('?'));
    const std::string_view method(header.method_string().data(), header.method_string().size());
    for (const LargeBodyRoute& route : settings.large_bodies) {
      if (route.method == method && route.path == path) return route.max_body;
    }
    return settings.max_body;
  }

  asio::awaitable<void> accept_loop();
  asio::awaitable<void> serve_connection(tcp::socket socket);
  asio::awaitable<error_code> write_response(beast::tcp_stream& stream, HttpResponse& response,
                                             unsigned version, bool keep_alive);
  asio::awaitable<error_code> write_file(beast::tcp_stream& stream, HttpResponse& response,
                                         unsigned version, bool keep_alive);
  asio::awaitable<void> linger_close(beast::tcp_stream& stream);
  HttpResponse answer(HttpRequest request);
  void close_all();
  const WebSocketHandler* websocket_handler(const HttpRequest& request) const;
  asio::awaitable<void> serve_websocket(beast::tcp_stream& stream,
                                        bhttp::request<bhttp::string_body> message,
                                        HttpRequest request, const WebSocketHandler& handler,
                                        SteadyTime started_at);

  template <class Body>
  void fill_header(bhttp::response<Body>& out, const HttpResponse& response, unsigned version,
                   bool keep_alive);

  HttpSettings settings;
  Router router;
  std::size_t largest_body = 0;  // of max_body and large_bodies
  asio::io_context io;           // declared before everything that uses it: destroyed last
  tcp::acceptor acceptor{io};
  asio::steady_timer accept_retry{io};
  std::unordered_set<beast::tcp_stream*> connections;  // HTTP thread only
  bool stopping = false;                               // HTTP thread only
  SteadyTime last_refusal_log{};
  std::uint16_t port = 0;
  std::thread thread;
  bool started = false;
  // WebSocket routes by path (fixed once started), and the open WebSockets among
  // `connections` with their wake-ups: stop() closes them gracefully. HTTP thread only.
  std::map<std::string, WebSocketHandler, std::less<>> websocket_routes;
  std::unordered_map<beast::tcp_stream*, WakeSignal*> websockets;
  asio::steady_timer websocket_deadline{io};
};

template <class Body>
void HttpServer::Impl::fill_header(bhttp::response<Body>& out, const HttpResponse& response,
                                   unsigned version, bool keep_alive) {
  out.version(version);
  out.result(static_cast<unsigned>(response.status));
  for (const auto& [name, value] : response.headers) {
    if (is_connection_field(name)) continue;
    if (!is_token(name) || !is_field_value(value)) {
      log(LogLevel::error, "http.bad_response_header", {{"name", name}});
      continue;
    }
    out.insert(name, value);
  }
  out.set(bhttp::field::server, "Dzvin");
  out.set(bhttp::field::date, format_http_date(unix_seconds(std::chrono::system_clock::now())));
  out.keep_alive(keep_alive);
}

asio::awaitable<error_code> HttpServer::Impl::write_response(beast::tcp_stream& stream,
                                                             HttpResponse& response,
                                                             unsigned version, bool keep_alive) {
  if (response.status < 100 || response.status > 599) {
    log(LogLevel::error, "http.bad_status", {{"status", response.status}});
    response = json_error(500, "internal_error", "internal server error");
  }
  error_code ec;
  if (response.file && !response.head_content_length && !status_without_content(response.status))
    co_return co_await write_file(stream, response, version, keep_alive);

  if (response.head_content_length || status_without_content(response.status)) {
    bhttp::response<bhttp::empty_body> out;
    fill_header(out, response, version, keep_alive);
    // RFC 9110 §9.3.2: HEAD gets the Content-Length that GET would have had.
    if (!status_without_content(response.status)) out.content_length(response.content_length());
    stream.expires_after(settings.read_timeout);
    co_await bhttp::async_write(stream, out, redirect(ec));
    co_return ec;
  }

  bhttp::response<bhttp::string_body> out;
  fill_header(out, response, version, keep_alive);
  out.body() = std::move(response.body);
  out.content_length(out.body().size());
  stream.expires_after(settings.read_timeout);
  co_await bhttp::async_write(stream, out, redirect(ec));
  co_return ec;
}

// Streams the file range chunk by chunk: memory stays at one chunk whatever the file size,
// and every chunk gets its own write timeout (a slow listener is fine, a stalled one is not).
asio::awaitable<error_code> HttpServer::Impl::write_file(beast::tcp_stream& stream,
                                                         HttpResponse& response, unsigned version,
                                                         bool keep_alive) {
  const FileBody file = *response.file;
  FileDescriptor fd(::open(file.path.c_str(), O_RDONLY | O_CLOEXEC));
  struct stat info {};
  if (fd.get() < 0 || ::fstat(fd.get(), &info) != 0 ||
      static_cast<std::uint64_t>(info.st_size) < file.offset + file.length) {
    // Removed or cut since the handler looked at it.
    HttpResponse missing = json_error(404, "not_found", "no such file");
    co_return co_await write_response(stream, missing, version, keep_alive);
  }

  bhttp::response<bhttp::buffer_body> out;
  fill_header(out, response, version, keep_alive);
  out.content_length(file.length);
  out.body().data = nullptr;
  out.body().size = 0;
  out.body().more = true;
  bhttp::response_serializer<bhttp::buffer_body> serializer(out);
  error_code ec;
  stream.expires_after(settings.read_timeout);
  co_await bhttp::async_write_header(stream, serializer, redirect(ec));
  if (ec) co_return ec;

  std::vector<char> chunk(static_cast<std::size_t>(
      std::min<std::uint64_t>(std::max<std::uint64_t>(file.length, 1), kFileChunkBytes)));
  std::uint64_t offset = file.offset;
  std::uint64_t remaining = file.length;
  while (!serializer.is_done()) {
    std::size_t n = 0;
    if (remaining > 0) {
      const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(remaining, chunk.size()));
      const ssize_t got = ::pread(fd.get(), chunk.data(), want, static_cast<off_t>(offset));
      if (got < 0 && errno == EINTR) continue;
      // The header promised the length: a file that shrank leaves only closing the connection.
      if (got <= 0) co_return asio::error::make_error_code(asio::error::eof);
      n = static_cast<std::size_t>(got);
      offset += n;
      remaining -= n;
    }
    out.body().data = n > 0 ? chunk.data() : nullptr;
    out.body().size = n;
    out.body().more = remaining > 0;
    stream.expires_after(settings.read_timeout);
    co_await bhttp::async_write(stream, serializer, redirect(ec));
    if (ec == bhttp::error::need_buffer) ec = {};
    if (ec) co_return ec;
  }
  co_return ec;
}

asio::awaitable<void> HttpServer::Impl::linger_close(beast::tcp_stream& stream) {
  error_code ec;
  stream.socket().shutdown(tcp::socket::shutdown_send, ec);
  stream.expires_after(kLingerTime);
  std::array<char, 4096> sink;
  std::size_t drained = 0;
  while (!ec && drained < kLingerBytes && !stopping) {
    drained += co_await stream.async_read_some(asio::buffer(sink), redirect(ec));
  }
}

HttpResponse HttpServer::Impl::answer(HttpRequest request) {
  try {
    return router.handle(std::move(request));
  } catch (const std::exception& e) {
    log(LogLevel::error, "http.handler_failed", {{"reason", e.what()}});
  } catch (...) {
    log(LogLevel::error, "http.handler_failed", {{"reason", "unknown exception"}});
  }
  return json_error(500, "internal_error", "internal server error");
}

asio::awaitable<void> HttpServer::Impl::serve_connection(tcp::socket socket) {
  beast::tcp_stream stream(std::move(socket));
  if (stopping) co_return;
  connections.insert(&stream);
  struct Unregister {
    Impl& server;
    beast::tcp_stream* stream;
    ~Unregister() { server.connections.erase(stream); }
  } unregister{*this, &stream};

  std::string remote_address;
  std::uint16_t remote_port = 0;
  {
    error_code ec;
    const auto remote = stream.socket().remote_endpoint(ec);
    if (ec) co_return;
    remote_address = address_text(remote.address());
    remote_port = remote.port();
  }

  beast::flat_buffer buffer;
  while (!stopping) {
    error_code ec;
    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(
        std::min<std::size_t>(settings.max_header, std::numeric_limits<std::uint32_t>::max())));
    // The largest limit of any route until the header tells which route this is: a
    // Content-Length over it fails as soon as the header is read.
    parser.body_limit(largest_body);
    stream.expires_after(settings.read_timeout);  // covers the idle wait and the whole request
    co_await bhttp::async_read_header(stream, buffer, parser, redirect(ec));
    if (!ec && !parser.is_done()) {
      const std::size_t limit = body_limit_of(parser.get());
      const auto length = parser.content_length();
      if (length && *length > limit) {
        ec = bhttp::error::body_limit;
      } else {
        parser.body_limit(limit);  // no body byte parsed yet: a chunked body is held to it
      }
    }
    if (!ec && !parser.is_done()) {
      // RFC 9110 §10.1.1: a client that waits for 100 Continue gets it once the header is
      // acceptable (a body over the limit has already failed with body_limit).
      const auto expect = parser.get()[bhttp::field::expect];
      if (equals_ignoring_case(std::string_view(expect.data(), expect.size()), "100-continue") &&
          parser.get().version() >= 11) {
        bhttp::response<bhttp::empty_body> go_on(bhttp::status::continue_, 11);
        co_await bhttp::async_write(stream, go_on, redirect(ec));
      }
      if (!ec) co_await bhttp::async_read(stream, buffer, parser, redirect(ec));
    }
    if (ec) {
      if (auto refusal = refusal_for(ec)) {
        log(LogLevel::debug, "http.request_refused",
            {{"status", refusal->status}, {"reason", ec.message()}, {"remote", remote_address}});
        const error_code write_ec = co_await write_response(stream, *refusal, 11, false);
        if (!write_ec) co_await linger_close(stream);
      }
      co_return;
    }

    const auto started_at = std::chrono::steady_clock::now();
    bhttp::request<bhttp::string_body> message = parser.release();
    const unsigned version = message.version();
    bool keep_alive = message.keep_alive();
    HttpRequest request;
    request.method = std::string(message.method_string());
    request.target = std::string(message.target());
    for (const auto& field : message) {
      request.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    }
    request.body = std::move(message.body());
    request.remote_address = remote_address;
    request.remote_port = remote_port;
    // The path for the log, never the query: it may hold signed tokens.
    const std::string method = request.method;
    const std::string log_path = request.target.substr(0, request.target.find('?'));

    HttpResponse response;
    if (version >= 20) {
      response = json_error(505, "http_version_not_supported", "HTTP/1.1 or HTTP/1.0 only");
      keep_alive = false;
    } else if (version == 11 && !request.header("Host")) {
      // RFC 9112 §3.2: a server MUST answer 400 to an HTTP/1.1 request without Host.
      response = json_error(400, "bad_request", "missing Host header", "Host");
      keep_alive = false;
    } else if (const WebSocketHandler* ws_handler = websocket_handler(request)) {
      if (websocket::is_upgrade(message)) {
        co_await serve_websocket(stream, std::move(message), std::move(request), *ws_handler,
                                 started_at);
        co_return;
      }
      // RFC 9110 §15.5.22: 426 names the protocol to upgrade to.
      response = json_error(426, "upgrade_required", "a WebSocket: GET with Upgrade: websocket");
      response.set_header("Upgrade", "websocket");
    } else {
      response = answer(std::move(request));
      if (method == "HEAD") response.drop_body();
    }
    const int status = response.status;
    ec = co_await write_response(stream, response, version >= 20 ? 11 : version, keep_alive);
    const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
                            std::chrono::steady_clock::now() - started_at)
                            .count();
    if (settings.on_request) {
      settings.on_request(method, status, static_cast<double>(micros) / 1e6);
    }
    if (log_enabled(LogLevel::debug)) {
      if (ec) {
        log(LogLevel::debug, "http.request",
            {{"method", method},
             {"path", log_path},
             {"status", status},
             {"duration_us", micros},
             {"remote", remote_address},
             {"error", ec.message()}});
      } else {
        log(LogLevel::debug, "http.request",
            {{"method", method},
             {"path", log_path},
             {"status", status},
             {"duration_us", micros},
             {"remote", remote_address}});
      }
    }
    if (ec) co_return;
    if (!keep_alive) {
      // RFC 9112 §9.6: close in stages, so that a request the client already sent behind this
      // one does not turn into a RST that destroys the response.
      co_await linger_close(stream);
      co_return;
    }
  }
}

asio::awaitable<void> HttpServer::Impl::accept_loop() {
  while (!stopping) {
    error_code ec;
    tcp::socket socket = co_await acceptor.async_accept(redirect(ec));
    if (stopping) co_return;
    if (ec) {
      // Out of file descriptors and the like: wait instead of spinning on the error.
      log(LogLevel::warn, "http.accept_failed", {{"reason", ec.message()}});
      accept_retry.expires_after(kAcceptRetryDelay);
      co_await accept_retry.async_wait(redirect(ec));
      continue;
    }
    if (connections.size() >= settings.max_connections) {
      const auto now = std::chrono::steady_clock::now();
      if (now - last_refusal_log >= std::chrono::seconds(1)) {
        last_refusal_log = now;
        log(LogLevel::warn, "http.connection_refused",
            {{"reason", "max_connections"}, {"limit", settings.max_connections}});
      }
      socket.close(ec);
      continue;
    }
    asio::co_spawn(io, serve_connection(std::move(socket)), [](std::exception_ptr e) {
      if (!e) return;
      try {
        std::rethrow_exception(e);
      } catch (const std::exception& ex) {
        log(LogLevel::error, "http.connection_failed", {{"reason", ex.what()}});
      } catch (...) {
        log(LogLevel::error, "http.connection_failed", {{"reason", "unknown exception"}});
      }
    });
  }
}

const WebSocketHandler* HttpServer::Impl::websocket_handler(const HttpRequest& request) const {
  if (websocket_routes.empty() || request.method != "GET") return nullptr;
  HttpRequest probe;
  probe.target = request.target;
  if (!decode_target(probe)) return nullptr;
  const auto it = websocket_routes.find(probe.path);
  return it == websocket_routes.end() ? nullptr : &it->second;
}

asio::awaitable<void> HttpServer::Impl::serve_websocket(beast::tcp_stream& stream,
                                                        bhttp::request<bhttp::string_body> message,
                                                        HttpRequest request,
                                                        const WebSocketHandler& handler,
                                                        SteadyTime started_at) {
  const auto seconds_since = [](SteadyTime from) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - from).count();
  };
  const std::string remote = request.remote_address;
  const std::string path = request.target.substr(0, request.target.find('?'));  // never the query
  (void)decode_target(request);  // websocket_handler() decoded it already
  auto signal = std::make_shared<WakeSignal>(io);
  // The flag lets wake-ups coalesce without touching `signal` off this thread.
  auto posted = std::make_shared<std::atomic<bool>>(false);
  WebSocketWaker wake = [&context = io, posted, weak = std::weak_ptr<WakeSignal>(signal)] {
    if (posted->exchange(true)) return;
    asio::post(context, [posted, weak] {
      posted->store(false);
      if (const auto s = weak.lock()) s->timer.cancel();
    });
  };
  WebSocketOpening opening;
  try {
    opening = handler(request, std::move(wake));
  } catch (const std::exception& e) {
    log(LogLevel::error, "http.handler_failed", {{"reason", e.what()}});
  } catch (...) {
    log(LogLevel::error, "http.handler_failed", {{"reason", "unknown exception"}});
  }
  if (!opening.session) {
    HttpResponse& refusal = opening.refusal;
    if (refusal.status < 400) refusal = json_error(500, "internal_error", "internal server error");
    const int status = refusal.status;
    const error_code write_ec = co_await write_response(stream, refusal, message.version(), false);
    if (settings.on_request) settings.on_request("GET", status, seconds_since(started_at));
    log(LogLevel::debug, "http.request",
        {{"method", "GET"}, {"path", path}, {"status", status}, {"remote", remote}});
    if (!write_ec) co_await linger_close(stream);
    co_return;
  }

  WebSocketStream ws(stream);
  stream.expires_never();  // the WebSocket's own timeouts take over
  auto timeouts = websocket::stream_base::timeout::suggested(beast::role_type::server);
  timeouts.handshake_timeout = settings.read_timeout;  // also bounds the closing handshake
  timeouts.idle_timeout = 2 * settings.websocket_ping_interval;  // Beast pings at half of it
  timeouts.keep_alive_pings = true;
  ws.set_option(timeouts);
  ws.set_option(websocket::stream_base::decorator(
      [](websocket::response_type& response) { response.set(bhttp::field::server, "Dzvin"); }));
  ws.read_message_max(kWebSocketReadMax);
  // Registered from the handshake on: a stop() meanwhile gets the 1001 close too.
  websockets.emplace(&stream, signal.get());
  struct Forget {
    Impl& server;
    beast::tcp_stream* stream;
    ~Forget() {
      server.websockets.erase(stream);
      if (server.stopping && server.websockets.empty()) server.websocket_deadline.cancel();
    }
  } forget{*this, &stream};
  error_code ec;
  co_await ws.async_accept(message, redirect(ec));
  if (settings.on_request) settings.on_request("GET", ec ? 400 : 101, seconds_since(started_at));
  if (ec) co_return;  // Beast answered a malformed handshake itself
  log(LogLevel::debug, "http.websocket_opened", {{"path", path}, {"remote", remote}});
  const SteadyTime opened_at = std::chrono::steady_clock::now();

  asio::co_spawn(io, read_websocket(ws), [signal](std::exception_ptr) {
    signal->reader_done = true;
    signal->timer.cancel();
  });
  std::optional<WebSocketClose> close;
  std::size_t sent = 0;
  while (!signal->reader_done) {
    if (stopping) {
      close = WebSocketClose{kCloseGoingAway, "server stopping"};
      break;
    }
    WebSocketPoll polled;
    try {
      polled = opening.session->poll();
    } catch (const std::exception& e) {
      log(LogLevel::error, "http.websocket_poll_failed", {{"reason", e.what()}});
      polled.close = WebSocketClose{1011, "internal error"};  // RFC 6455 §7.4.1
    }
    for (const std::string& text : polled.messages) {
      ws.text(true);
      co_await ws.async_write(asio::buffer(text), redirect(ec));
      if (ec) break;
      ++sent;
    }
    if (ec) break;
    if (polled.close) {
      close = std::move(polled.close);
      break;
    }
    if (!polled.messages.empty()) continue;
    co_await signal->timer.async_wait(redirect(ec));  // a wake-up, the reader's end or stop()
    ec = {};
  }
  if (close && !signal->reader_done && !ec) {
    error_code close_ec;
    websocket::close_reason reason(close->code);
    reason.reason = close->reason.substr(0, 123);  // RFC 6455 §5.5: 125 bytes with the code
    co_await ws.async_close(reason, redirect(close_ec));
  }
  stream.close();  // ends the reader if it is still waiting
  while (!signal->reader_done) {
    error_code wait_ec;
    co_await signal->timer.async_wait(redirect(wait_ec));
  }
  log(LogLevel::debug, "http.websocket_closed",
      {{"path", path},
       {"remote", remote},
       {"messages", sent},
       {"close", close ? close->code : 0},
       {"reason", close ? close->reason : ec.message()},
       {"duration_ms", std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::steady_clock::now() - opened_at)
                           .count()}});
}

void HttpServer::Impl::close_all() {
  stopping = true;
  error_code ec;
  acceptor.close(ec);
  accept_retry.cancel();
  // WebSocket writers wake up, see `stopping` and close with 1001; the rest close at once.
  for (const auto& [stream, signal] : websockets)
    signal->timer.cancel();
  for (beast::tcp_stream* stream : connections) {
    if (!websockets.contains(stream)) stream->close();
  }
  if (!websockets.empty()) {
    websocket_deadline.expires_after(kWebSocketCloseWait);
    websocket_deadline.async_wait([this](error_code wait_ec) {
      if (wait_ec) return;
      for (const auto& [stream, signal] : websockets)
        stream->close();
    });
  }
}

HttpServer::HttpServer(HttpSettings settings, Router router)
    : impl_(std::make_unique<Impl>(std::move(settings), std::move(router))) {}

HttpServer::~HttpServer() {
  stop();
}

void HttpServer::add_websocket_route(std::string path, WebSocketHandler handler) {
  if (impl_->started) throw std::logic_error("HttpServer::add_websocket_route after start");
  if (!handler) throw std::invalid_argument("WebSocket route without a handler: " + path);
  if (path.empty() || path.front() != '/')
    throw std::invalid_argument("WebSocket route path must start with '/': " + path);
  const auto [it, added] = impl_->websocket_routes.emplace(path, std::move(handler));
  if (!added) throw std::invalid_argument("WebSocket route given twice: " + path);
}

void HttpServer::start() {
  Impl& s = *impl_;
  if (s.started) throw std::logic_error("HttpServer::start called twice");
  const std::string where = endpoint_text(s.settings.address, s.settings.port);
  error_code ec;
  const auto address = asio::ip::make_address(s.settings.address, ec);
  if (ec) throw std::runtime_error("http: bad listen address " + where + ": " + ec.message());
  const tcp::endpoint endpoint(address, s.settings.port);
  s.acceptor.open(endpoint.protocol(), ec);
  if (!ec) s.acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  // "::" serves IPv4 too, as the setting's comment promises.
  if (!ec && address.is_v6() && address.is_unspecified())
    s.acceptor.set_option(asio::ip::v6_only(false), ec);
  if (!ec) s.acceptor.bind(endpoint, ec);
  if (!ec) s.acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    s.acceptor.close();
    throw std::runtime_error("http: cannot listen on " + where + ": " + ec.message());
  }
  s.port = s.acceptor.local_endpoint().port();
  s.started = true;
  asio::co_spawn(s.io, s.accept_loop(), [](std::exception_ptr e) {
    if (e) log(LogLevel::error, "http.accept_loop_failed");
  });
  s.thread = std::thread([&s] {
    for (;;) {
      try {
        s.io.run();
        return;
      } catch (const std::exception& e) {
        log(LogLevel::error, "http.loop_failed", {{"reason", e.what()}});
      }
    }
  });
  log(LogLevel::info, "http.listening", {{"address", endpoint_text(s.settings.address, s.port)}});
}

void HttpServer::stop() {
  Impl& s = *impl_;
  if (!s.thread.joinable()) return;
  // Closing everything leaves the loop without work: run() returns and the thread ends.
  asio::post(s.io, [&s] { s.close_all(); });
  s.thread.join();
}

std::uint16_t HttpServer::port() const {
  return impl_->port;
}

}  // namespace dzvin::http
