#include "http/event_routes.hpp"

#include <charconv>
#include <memory>
#include <optional>
#include <utility>

#include "base/log.hpp"

namespace dzvin::http {

namespace {

constexpr std::string_view kTokenPrefix = "dzv_";

// A decimal event id, nothing else.
std::optional<std::uint64_t> parse_event_id(std::string_view text) {
  text = trim_ows(text);
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// The request as authenticate() needs it: the session cookie or the bearer token, with
// ?token= turned into the Authorization header when no header came.
HttpRequest credentials_of(const HttpRequest& request) {
  HttpRequest credentials;
  credentials.method = "GET";
  credentials.path = request.path;
  credentials.remote_address = request.remote_address;
  credentials.remote_port = request.remote_port;
  if (const auto authorization = request.header("Authorization")) {
    credentials.headers.emplace_back("Authorization", std::string(*authorization));
  } else if (const auto token = request.query_parameter("token")) {
    credentials.headers.emplace_back("Authorization", "Bearer " + std::string(*token));
  }
  if (const auto cookie = request.header("Cookie"))
    credentials.headers.emplace_back("Cookie", std::string(*cookie));
  return credentials;
}

class EventStreamSession final : public WebSocketSession {
 public:
  EventStreamSession(EventHub& hub, ApiAuth& auth,
                     std::shared_ptr<const EventStreamSettings> settings, HttpRequest credentials,
                     const AuthContext& who, std::uint64_t cursor, WebSocketWaker wake)
      : hub_(hub),
        auth_(auth),
        settings_(std::move(settings)),
        credentials_(std::move(credentials)),
        filter_(EventFilter::visible_to(who)),
        cursor_(cursor),
        checked_at_(auth.clock().now()),
        subscription_(hub.subscribe(std::move(wake))) {}

  WebSocketPoll poll() override {
    WebSocketPoll out;
    if (auth_.clock().now() - checked_at_ >= settings_->recheck_credentials) {
      auto who = auth_.authenticate(credentials_);
      if (!who && who.error().code == 401) {
        out.close = WebSocketClose{kClosePolicyViolation, "credentials no longer valid"};
        return out;
      }
      if (who) filter_ = EventFilter::visible_to(*who);  // a store failure keeps the last
      checked_at_ = auth_.clock().now();
    }
    EventPage page = hub_.read(cursor_, filter_, settings_->max_backlog);
    if (page.resync && !first_) {
      // Behind by more than the bound (or out of the ring): the client catches up by
      // reconnecting, which costs us nothing while it was not reading.
      out.close = WebSocketClose{kClosePolicyViolation, "too far behind; reconnect"};
      return out;
    }
    first_ = false;
    cursor_ = page.cursor;
    out.messages.reserve(page.events.size());
    for (const LiveEvent& event : page.events)
      out.messages.push_back(event_frame(event));
    return out;
  }

 private:
  EventHub& hub_;
  ApiAuth& auth_;
  std::shared_ptr<const EventStreamSettings> settings_;
  HttpRequest credentials_;
  EventFilter filter_;
  std::uint64_t cursor_;
  SteadyTime checked_at_;
  bool first_ = true;
  EventHub::Subscription subscription_;  // last: unsubscribed before the rest goes
};

}  // namespace

WebSocketHandler event_stream_handler(EventHub& hub, ApiAuth& auth, EventStreamSettings settings) {
  auto shared = std::make_shared<const EventStreamSettings>(std::move(settings));
  return [&hub, &auth, shared](const HttpRequest& request, WebSocketWaker wake) {
    WebSocketOpening opening;
    if (!same_origin(request)) {
      log(LogLevel::info, "http.events_refused",
          {{"reason", "foreign origin"}, {"remote", request.remote_address}});
      opening.refusal = json_error(403, "forbidden",
                                   "Origin: not this server's (cross-site WebSocket)", "Origin");
      return opening;
    }
    const auto token = request.query_parameter("token");
    if (token && !token->starts_with(kTokenPrefix)) {
      opening.refusal = json_error(401, "unauthorized", "token: not an API token", "token");
      opening.refusal.set_header("WWW-Authenticate", "Bearer realm=\"dzvin\"");
      return opening;
    }
    HttpRequest credentials = credentials_of(request);
    auto who = auth.authenticate(credentials);
    if (!who) {
      opening.refusal = auth_error_response(who.error());
      return opening;
    }
    // The query wins over the header (EventSource-style clients send the header).
    std::optional<std::string_view> resume = request.query_parameter("last_event_id");
    std::string_view resume_field = "last_event_id";
    if (!resume) {
      resume = request.header("Last-Event-ID");
      resume_field = "Last-Event-ID";
    }
    std::uint64_t cursor = hub.last_id();
    if (resume) {
      const auto id = parse_event_id(*resume);
      if (!id) {
        opening.refusal = json_error(400, "invalid",
                                     std::string(resume_field) + ": not an event id", resume_field);
        return opening;
      }
      cursor = *id;
    }
    log(LogLevel::debug, "http.events_opened",
        {{"user", who->username},
         {"tenant", who->tenant_id},
         {"resume", resume ? "yes" : "no"},
         {"remote", request.remote_address}});
    opening.session = std::make_unique<EventStreamSession>(
        hub, auth, shared, std::move(credentials), *who, cursor, std::move(wake));
    return opening;
  };
}

void add_event_stream(HttpServer& server, EventHub& hub, ApiAuth& auth,
                      EventStreamSettings settings) {
  std::string path = settings.path;
  server.add_websocket_route(std::move(path), event_stream_handler(hub, auth, std::move(settings)));
}

}  // namespace dzvin::http
