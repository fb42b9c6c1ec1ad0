// GET /api/v1/events as a WebSocket over real sockets: the server on 127.0.0.1 with an
// ephemeral port, the users and sessions of AuthFixture, and a deliberately small RFC 6455
// client on POSIX sockets below (no Beast on the client side: the tests must not share the
// server's implementation).
#include "http/event_routes.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <array>
#include <atomic>
#include <chrono>
#include <cstring>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "auth_fixture.hpp"
#include "http/http_server.hpp"
#include "http_test_client.hpp"

namespace dzvin::http {
namespace {

using nlohmann::json;
using testing::ClientResponse;

std::string base64(const unsigned char* data, std::size_t size) {
  std::string out(4 * ((size + 2) / 3) + 1, '\0');
  const int n =
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(size));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

// RFC 6455 §4.2.2: base64(SHA-1(key + GUID)).
std::string expected_accept(const std::string& key) {
  const std::string text = key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(text.data(), text.size(), digest, &length, EVP_sha1(), nullptr);
  return base64(digest, length);
}

struct Frame {
  int opcode = 0;  // 1 text, 8 close, 9 ping, 10 pong
  std::string payload;
  std::uint16_t close_code() const {
    if (opcode != 8 || payload.size() < 2) return 0;
    return static_cast<std::uint16_t>((static_cast<unsigned char>(payload[0]) << 8) |
                                      static_cast<unsigned char>(payload[1]));
  }
};

class WebSocketClient {
 public:
  explicit WebSocketClient(std::uint16_t port, int receive_buffer = 0) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (receive_buffer > 0)  // before connect: it bounds the TCP window
      ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
    set_timeout(5);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0;
  }
  ~WebSocketClient() {
    if (fd_ >= 0) ::close(fd_);
  }
  WebSocketClient(const WebSocketClient&) = delete;
  WebSocketClient& operator=(const WebSocketClient&) = delete;

  void set_timeout(int seconds) {
    timeval tv{};
    tv.tv_sec = seconds;
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  }

  // Sends the upgrade request and reads the answer: 101 (checked: Upgrade, Connection and
  // Sec-WebSocket-Accept), or a refusal with its body.
  ClientResponse open(const std::string& target, const std::string& extra_headers = {},
                      bool upgrade = true) {
    std::array<unsigned char, 16> nonce;
    std::random_device random;
    for (auto& byte : nonce)
      byte = static_cast<unsigned char>(random());
    const std::string key = base64(nonce.data(), nonce.size());
    std::string request = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    if (upgrade) {
      request += "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n";
      request += "Sec-WebSocket-Key: " + key + "\r\n";
    }
    request += extra_headers + "\r\n";
    ClientResponse response;
    if (!send(request)) return response;
    std::size_t end = 0;
    while ((end = buffer_.find("\r\n\r\n")) == std::string::npos) {
      if (!fill()) return response;
    }
    const std::string head = buffer_.substr(0, end);
    buffer_.erase(0, end + 4);
    if (!head.starts_with("HTTP/1.1 ")) return response;
    response.status = std::stoi(head.substr(9, 3));
    std::size_t line_end = head.find("\r\n");
    while (line_end != std::string::npos) {
      const std::size_t start = line_end + 2;
      line_end = head.find("\r\n", start);
      const std::string line = head.substr(start, line_end - start);
      const auto colon = line.find(':');
      if (colon == std::string::npos) continue;
      std::string value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ')
        value.erase(0, 1);
      response.headers.emplace_back(line.substr(0, colon), value);
    }
    if (response.status == 101) {
      EXPECT_EQ(response.header("Sec-WebSocket-Accept"), expected_accept(key));
      EXPECT_TRUE(response.header("Upgrade") &&
                  equals_ignoring_case(*response.header("Upgrade"), "websocket"));
      return response;
    }
    if (const auto length = response.header("Content-Length")) {
      const auto size = static_cast<std::size_t>(std::stoull(*length));
      while (buffer_.size() < size) {
        if (!fill()) break;
      }
      response.body = buffer_.substr(0, std::min(size, buffer_.size()));
    }
    return response;
  }

  // The next message or control frame from the server, its fragments joined (RFC 6455 §5.4:
  // control frames may come between them), or nullopt on a timeout or the connection's end.
  std::optional<Frame> read_frame() {
    std::optional<Frame> message;
    for (;;) {
      bool fin = false;
      auto frame = read_one_frame(fin);
      if (!frame) return std::nullopt;
      if (frame->opcode >= 8) return frame;  // control frames are never fragmented
      if (!message) {
        message = std::move(frame);
      } else {
        EXPECT_EQ(frame->opcode, 0) << "a new message inside a fragmented one";
        message->payload += frame->payload;
      }
      if (fin) return message;
    }
  }

  // Ends our side of the TCP connection (after the close handshake, §7.1.1).
  void close_socket() {
    ::close(fd_);
    fd_ = -1;
  }

  // One frame as it came; server frames must not be masked (§5.1).
  std::optional<Frame> read_one_frame(bool& fin) {
    if (!want(2)) return std::nullopt;
    const auto b0 = static_cast<unsigned char>(buffer_[0]);
    const auto b1 = static_cast<unsigned char>(buffer_[1]);
    fin = (b0 & 0x80) != 0;
    EXPECT_FALSE(b1 & 0x80) << "a server frame is masked";
    std::size_t header = 2;
    std::uint64_t length = b1 & 0x7f;
    if (length == 126 || length == 127) {
      const std::size_t bytes = length == 126 ? 2 : 8;
      if (!want(2 + bytes)) return std::nullopt;
      length = 0;
      for (std::size_t i = 0; i < bytes; ++i)
        length = (length << 8) | static_cast<unsigned char>(buffer_[2 + i]);
      header += bytes;
    }
    if (!want(header + length)) return std::nullopt;
    Frame frame;
    frame.opcode = b0 & 0x0f;
    frame.payload = buffer_.substr(header, length);
    buffer_.erase(0, header + length);
    return frame;
  }

  // The next text message as JSON, skipping pings; null on a close, timeout or end.
  json next_event() {
    for (;;) {
      const auto frame = read_frame();
      if (!frame) return json();
      if (frame->opcode == 9) continue;
      if (frame->opcode != 1) {
        last_close_ = frame->close_code();
        return json();
      }
      return json::parse(frame->payload, nullptr, false);
    }
  }

  // Whether no frame arrives within `ms` (nothing was sent that the client may not see).
  bool silent_for(int ms) {
    if (!buffer_.empty()) return false;
    pollfd p{fd_, POLLIN, 0};
    return ::poll(&p, 1, ms) == 0;
  }

  // A masked client frame (§5.3).
  bool send_frame(int opcode, const std::string& payload) {
    std::string frame;
    frame += static_cast<char>(0x80 | opcode);
    frame += static_cast<char>(0x80 | payload.size());  // short payloads only
    const std::array<unsigned char, 4> mask = {0x12, 0x34, 0x56, 0x78};
    for (unsigned char m : mask)
      frame += static_cast<char>(m);
    for (std::size_t i = 0; i < payload.size(); ++i)
      frame += static_cast<char>(payload[i] ^ static_cast<char>(mask[i % 4]));
    return send(frame);
  }
  bool send_close(std::uint16_t code = 1000) {
    std::string payload;
    payload += static_cast<char>(code >> 8);
    payload += static_cast<char>(code & 0xff);
    return send_frame(8, payload);
  }

  bool connected() const { return connected_; }
  std::uint16_t last_close() const { return last_close_; }

 private:
  bool send(std::string_view bytes) {
    while (!bytes.empty()) {
      const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }
  bool want(std::size_t bytes) {
    while (buffer_.size() < bytes) {
      if (!fill()) return false;
    }
    return true;
  }
  bool fill() {
    char chunk[65536];
    for (;;) {
      const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      buffer_.append(chunk, static_cast<std::size_t>(n));
      return true;
    }
  }

  int fd_ = -1;
  bool connected_ = false;
  std::string buffer_;
  std::uint16_t last_close_ = 0;
};

LiveEvent live(std::int64_t tenant, std::string type, std::vector<std::string> users = {},
               std::string payload = "{}") {
  LiveEvent e;
  e.tenant_id = tenant;
  e.type = std::move(type);
  e.users = std::move(users);
  e.json = std::move(payload);
  return e;
}

class EventStreamTest : public testing::AuthFixture {
 protected:
  void TearDown() override {
    if (server_) server_->stop();
  }

  std::uint16_t start(EventStreamSettings stream = {}, HttpSettings settings = {},
                      ApiAuth* auth = nullptr) {
    settings.address = "127.0.0.1";
    settings.port = 0;
    server_ = std::make_unique<HttpServer>(settings, Router{});
    add_event_stream(*server_, hub_, auth != nullptr ? *auth : *auth_, std::move(stream));
    server_->start();
    return server_->port();
  }

  static std::string cookie(const testing::Credentials& who) {
    return "Cookie: dzvin_session=" + who.cookie + "\r\n";
  }

  EventHub hub_{{.capacity = 10'000, .first_id = 1'000'000}};
  std::unique_ptr<HttpServer> server_;
};

TEST_F(EventStreamTest, AnAuthenticatedStreamGetsPublishedEventsInOrder) {
  const auto admin = session_for("admin@a.example.com");
  const auto port = start();
  WebSocketClient ws(port);
  ASSERT_TRUE(ws.connected());
  const auto opened = ws.open("/api/v1/events", cookie(admin));
  ASSERT_EQ(opened.status, 101) << opened.body;
  EXPECT_EQ(opened.header("Server"), "Dzvin");

  const auto first = hub_.publish(live(1, "call.started", {"100"}, R"({"call_id":"c-1"})"));
  hub_.publish(live(1, "call.ringing", {"100", "102"}, R"({"call_id":"c-1","user":"102"})"));
  hub_.publish(live(1, "call.answered", {"100", "102"}, R"({"call_id":"c-1"})"));
  json e = ws.next_event();
  EXPECT_EQ(e, json::parse(R"({"id":1000000,"type":"call.started","call_id":"c-1"})"));
  EXPECT_EQ(e["id"], first);
  e = ws.next_event();
  EXPECT_EQ(e["id"], first + 1);
  EXPECT_EQ(e["type"], "call.ringing");
  EXPECT_EQ(e["user"], "102");
  EXPECT_EQ(ws.next_event()["type"], "call.answered");
  EXPECT_TRUE(ws.send_close());
  EXPECT_EQ(ws.next_event(), json());  // the server answers the close
  EXPECT_EQ(ws.last_close(), 1000);
}

TEST_F(EventStreamTest, AnUnauthenticatedUpgradeGets401) {
  const auto port = start();
  {
    WebSocketClient ws(port);
    const auto r = ws.open("/api/v1/events");
    EXPECT_EQ(r.status, 401);
    EXPECT_EQ(r.header("WWW-Authenticate"), "Bearer realm=\"dzvin\"");
    EXPECT_EQ(json::parse(r.body)["error"]["code"], "unauthorized");
  }
  {
    WebSocketClient ws(port);
    EXPECT_EQ(
        ws.open("/api/v1/events", "Cookie: dzvin_session=" + std::string(64, 'a') + "\r\n").status,
        401);
  }
  {
    WebSocketClient ws(port);
    EXPECT_EQ(ws.open("/api/v1/events?token=dzv_" + std::string(40, '0')).status, 401);
  }
  {
    WebSocketClient ws(port);
    EXPECT_EQ(ws.open("/api/v1/events?token=not-a-token").status, 401);
  }
}

TEST_F(EventStreamTest, ATokenInTheQueryOrTheHeaderAuthenticates) {
  const std::string token = token_for("manager@a.example.com");
  const auto port = start();
  WebSocketClient by_query(port);
  ASSERT_EQ(by_query.open("/api/v1/events?token=" + token).status, 101);
  WebSocketClient by_header(port);
  ASSERT_EQ(by_header.open("/api/v1/events", "Authorization: Bearer " + token + "\r\n").status,
            101);
  hub_.publish(live(1, "call.ringing", {"102"}));
  EXPECT_EQ(by_query.next_event()["type"], "call.ringing");
  EXPECT_EQ(by_header.next_event()["type"], "call.ringing");
}

TEST_F(EventStreamTest, TenantBsEventsNeverReachTenantA) {
  const auto admin_a = session_for("admin@a.example.com");
  const auto admin_b = session_for("admin@b.example.com");
  const auto port = start();
  WebSocketClient a(port);
  ASSERT_EQ(a.open("/api/v1/events", cookie(admin_a)).status, 101);
  WebSocketClient b(port);
  ASSERT_EQ(b.open("/api/v1/events", cookie(admin_b)).status, 101);
  hub_.publish(live(2, "call.started", {"200"}, R"({"call_id":"b-secret"})"));
  hub_.publish(live(1, "call.started", {"100"}, R"({"call_id":"a-1"})"));
  hub_.publish(live(2, "call.ended", {"200"}, R"({"call_id":"b-secret"})"));
  EXPECT_EQ(a.next_event()["call_id"], "a-1");
  EXPECT_TRUE(a.silent_for(200));
  EXPECT_EQ(b.next_event()["call_id"], "b-secret");
  EXPECT_EQ(b.next_event()["type"], "call.ended");
}

TEST_F(EventStreamTest, AManagerSeesOnlyEventsNamingThem) {
  const auto manager_102 = session_for("manager@a.example.com");
  const auto head_101 = session_for("head@a.example.com");
  const auto port = start();
  WebSocketClient manager(port);
  ASSERT_EQ(manager.open("/api/v1/events", cookie(manager_102)).status, 101);
  WebSocketClient head(port);
  ASSERT_EQ(head.open("/api/v1/events", cookie(head_101)).status, 101);
  hub_.publish(live(1, "call.ringing", {"101"}, R"({"n":1})"));
  hub_.publish(live(2, "call.ringing", {"102"}, R"({"n":2})"));  // B's own 102
  hub_.publish(live(1, "call.ringing", {"100", "102"}, R"({"n":3})"));
  hub_.publish(live(1, "registration.changed", {"103"}, R"({"n":4})"));
  hub_.publish(live(1, "registration.changed", {"102"}, R"({"n":5})"));
  EXPECT_EQ(manager.next_event()["n"], 3);
  EXPECT_EQ(manager.next_event()["n"], 5);
  EXPECT_TRUE(manager.silent_for(200));
  for (int n : {1, 3, 4, 5})
    EXPECT_EQ(head.next_event()["n"], n);
}

TEST_F(EventStreamTest, AReconnectWithLastEventIdGetsExactlyTheMissedEvents) {
  const auto admin = session_for("admin@a.example.com");
  const auto port = start();
  std::uint64_t last = 0;
  {
    WebSocketClient ws(port);
    ASSERT_EQ(ws.open("/api/v1/events", cookie(admin)).status, 101);
    hub_.publish(live(1, "e1"));
    hub_.publish(live(1, "e2"));
    EXPECT_EQ(ws.next_event()["type"], "e1");
    const json e2 = ws.next_event();
    EXPECT_EQ(e2["type"], "e2");
    last = e2["id"].get<std::uint64_t>();
  }
  hub_.publish(live(1, "e3"));
  hub_.publish(live(2, "other tenant"));
  hub_.publish(live(1, "e4"));
  {
    WebSocketClient ws(port);
    ASSERT_EQ(ws.open("/api/v1/events?last_event_id=" + std::to_string(last), cookie(admin)).status,
              101);
    EXPECT_EQ(ws.next_event()["type"], "e3");
    const json e4 = ws.next_event();
    EXPECT_EQ(e4["type"], "e4");
    EXPECT_TRUE(ws.silent_for(200));
    hub_.publish(live(1, "e5"));
    EXPECT_EQ(ws.next_event()["type"], "e5");
    last = e4["id"].get<std::uint64_t>();
  }
  {
    // The header form (what EventSource-style clients send).
    WebSocketClient ws(port);
    ASSERT_EQ(
        ws.open("/api/v1/events", cookie(admin) + "Last-Event-ID: " + std::to_string(last) + "\r\n")
            .status,
        101);
    EXPECT_EQ(ws.next_event()["type"], "e5");
    EXPECT_TRUE(ws.silent_for(200));
  }
}

TEST_F(EventStreamTest, AnUnknownLastEventIdGetsTheResyncMarkerFirst) {
  const auto admin = session_for("admin@a.example.com");
  const auto port = start();
  hub_.publish(live(1, "before"));
  WebSocketClient ws(port);
  // An id of an earlier run: smaller than this run's first.
  ASSERT_EQ(ws.open("/api/v1/events?last_event_id=12345", cookie(admin)).status, 101);
  const json marker = ws.next_event();
  EXPECT_EQ(marker["type"], "resync");
  EXPECT_EQ(marker["id"], hub_.last_id());
  hub_.publish(live(1, "after"));
  EXPECT_EQ(ws.next_event()["type"], "after");

  WebSocketClient bad(port);
  const auto r = bad.open("/api/v1/events?last_event_id=12x", cookie(admin));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(json::parse(r.body)["error"]["field"], "last_event_id");
}

TEST_F(EventStreamTest, AForeignOriginGets403) {
  const auto admin = session_for("admin@a.example.com");
  const auto port = start();
  for (const std::string origin :
       {"http://evil.example", "null", "http://127.0.0.1:1", "https://127.0.0.1.evil.example"}) {
    WebSocketClient ws(port);
    const auto r = ws.open("/api/v1/events", cookie(admin) + "Origin: " + origin + "\r\n");
    EXPECT_EQ(r.status, 403) << origin;
    EXPECT_EQ(json::parse(r.body, nullptr, false)["error"]["field"], "Origin") << origin;
  }
  WebSocketClient ws(port);
  EXPECT_EQ(ws.open("/api/v1/events", cookie(admin) + "Origin: http://127.0.0.1\r\n").status, 101);
}

TEST_F(EventStreamTest, APlainGetGets426AndOtherPathsAreTheRoutersAffair) {
  const auto admin = session_for("admin@a.example.com");
  const auto port = start();
  WebSocketClient plain(port);
  const auto r = plain.open("/api/v1/events", {}, false);
  EXPECT_EQ(r.status, 426);
  EXPECT_EQ(r.header("Upgrade"), "websocket");
  WebSocketClient elsewhere(port);
  EXPECT_EQ(elsewhere.open("/api/v1/other", cookie(admin)).status, 404);
}

TEST_F(EventStreamTest, ASlowClientIsClosedWithPolicyViolation) {
  const auto admin = session_for("admin@a.example.com");
  const auto port = start({.max_backlog = 10});
  // A small receive window and large events: the server's writes stall while events pile up.
  WebSocketClient ws(port, 4096);
  ASSERT_EQ(ws.open("/api/v1/events", cookie(admin)).status, 101);
  const std::string pad(256 * 1024, 'x');
  for (int i = 0; i < 100; ++i)
    hub_.publish(live(1, "big", {}, R"({"pad":")" + pad + "\"}"));
  ws.set_timeout(10);
  int received = 0;
  for (;;) {
    const auto frame = ws.read_frame();
    ASSERT_TRUE(frame) << "no close frame after " << received << " events";
    if (frame->opcode == 1) {
      ++received;
      continue;
    }
    ASSERT_EQ(frame->opcode, 8);
    EXPECT_EQ(frame->close_code(), kClosePolicyViolation);
    break;
  }
  EXPECT_LT(received, 100);
}

TEST_F(EventStreamTest, StoppingTheServerClosesWithGoingAway) {
  const auto admin = session_for("admin@a.example.com");
  const auto port = start();
  WebSocketClient ws(port);
  ASSERT_EQ(ws.open("/api/v1/events", cookie(admin)).status, 101);
  const auto began = std::chrono::steady_clock::now();
  std::thread stopper([&] { server_->stop(); });
  const auto frame = ws.read_frame();
  ASSERT_TRUE(frame);
  EXPECT_EQ(frame->opcode, 8);
  EXPECT_EQ(frame->close_code(), kCloseGoingAway);
  ws.send_close(kCloseGoingAway);
  EXPECT_FALSE(ws.read_frame());  // the server ends the TCP connection first (§7.1.1)
  ws.close_socket();
  stopper.join();
  // The answered close lets stop() return without waiting for the cut-off.
  EXPECT_LT(std::chrono::steady_clock::now() - began, std::chrono::milliseconds(900));
}

TEST_F(EventStreamTest, AStoppedServerCutsAClientThatDoesNotAnswer) {
  const auto admin = session_for("admin@a.example.com");
  const auto port = start();
  WebSocketClient ws(port);
  ASSERT_EQ(ws.open("/api/v1/events", cookie(admin)).status, 101);
  server_->stop();  // the close frame goes unanswered: cut after a second
  const auto frame = ws.read_frame();
  ASSERT_TRUE(frame);
  EXPECT_EQ(frame->close_code(), kCloseGoingAway);
  EXPECT_FALSE(ws.read_frame());  // then the connection ends
}

TEST_F(EventStreamTest, AQuietConnectionIsPinged) {
  HttpSettings settings;
  settings.websocket_ping_interval = std::chrono::seconds(1);
  const auto admin = session_for("admin@a.example.com");
  const auto port = start({}, settings);
  WebSocketClient ws(port);
  ASSERT_EQ(ws.open("/api/v1/events", cookie(admin)).status, 101);
  const auto frame = ws.read_frame();
  ASSERT_TRUE(frame);
  EXPECT_EQ(frame->opcode, 9);
}

// FakeClock, but safe to move while the HTTP thread reads it.
class SteppingClock final : public Clock {
 public:
  SteadyTime now() const override { return start_.now() + Duration(offset_.load()); }
  WallTime wall_now() const override {
    return start_.wall_now() +
           std::chrono::duration_cast<WallTime::duration>(Duration(offset_.load()));
  }
  void advance(Duration d) { offset_ += d.count(); }

 private:
  FakeClock start_;  // the fixture's clock_ as it starts: sessions made with it are valid here
  std::atomic<Duration::rep> offset_{0};
};

TEST_F(EventStreamTest, EndedCredentialsAreCutOffAtTheNextCheck) {
  const auto admin = session_for("admin@a.example.com");
  SteppingClock clock;
  ApiAuth auth(path_, clock);
  const auto port = start({.recheck_credentials = std::chrono::seconds(60)}, {}, &auth);
  WebSocketClient ws(port);
  ASSERT_EQ(ws.open("/api/v1/events", cookie(admin)).status, 101);
  hub_.publish(live(1, "e1"));
  EXPECT_EQ(ws.next_event()["type"], "e1");
  ASSERT_TRUE(db_.execute("DELETE FROM sessions").ok());  // logged out elsewhere
  hub_.publish(live(1, "e2"));                            // within the minute: still delivered
  EXPECT_EQ(ws.next_event()["type"], "e2");
  clock.advance(std::chrono::seconds(61));
  hub_.publish(live(1, "e3"));
  EXPECT_EQ(ws.next_event(), json());
  EXPECT_EQ(ws.last_close(), kClosePolicyViolation);
  server_->stop();  // before `auth` and `clock` go
}

// Without sockets: what the handler answers before any upgrade.
TEST(SameOriginTest, OriginMustNameTheHost) {
  const auto request = [](std::string host, std::optional<std::string> origin) {
    HttpRequest r;
    r.headers.emplace_back("Host", std::move(host));
    if (origin) r.headers.emplace_back("Origin", std::move(*origin));
    return r;
  };
  EXPECT_TRUE(same_origin(request("pbx.example.com", std::nullopt)));
  EXPECT_TRUE(same_origin(request("pbx.example.com", "https://pbx.example.com")));
  EXPECT_TRUE(same_origin(request("PBX.example.com:443", "https://pbx.example.com")));
  EXPECT_TRUE(same_origin(request("pbx.example.com:8080", "http://pbx.example.com:8080")));
  EXPECT_TRUE(same_origin(request("[2001:db8::1]:8080", "http://[2001:db8::1]:8080")));
  EXPECT_FALSE(same_origin(request("pbx.example.com", "https://evil.example.com")));
  EXPECT_FALSE(same_origin(request("pbx.example.com:8080", "http://pbx.example.com")));
  EXPECT_FALSE(same_origin(request("pbx.example.com", "null")));
  EXPECT_FALSE(same_origin(request("pbx.example.com", "ftp://pbx.example.com")));
  EXPECT_FALSE(same_origin(request("pbx.example.com", "https://user@pbx.example.com")));
  HttpRequest no_host;
  no_host.headers.emplace_back("Origin", "https://pbx.example.com");
  EXPECT_FALSE(same_origin(no_host));
}

}  // namespace
}  // namespace dzvin::http
