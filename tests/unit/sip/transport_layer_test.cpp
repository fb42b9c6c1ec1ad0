// Real loopback sockets (127.0.0.1 and ::1), ports picked by the kernel, the io_context run by
// the test with deadlines: no sleeps, no fixed ports.
#include <utility>  // before Asio (g++ 12)

#include "sip/transport_layer.hpp"

#include <gtest/gtest.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.hpp"
#include "base/log.hpp"
#include "base/timer_queue.hpp"
#include "sip/error_response.hpp"
#include "sip/sip_message.hpp"

namespace dzvin::sip {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using asio::ip::udp;
using boost::system::error_code;
using namespace std::chrono_literals;

std::string options_request(std::string_view branch, std::string_view transport = "UDP") {
  std::string text = "OPTIONS sip:pbx@example.com SIP/2.0\r\n";
  text += "Via: SIP/2.0/" + std::string(transport) +
          " 192.0.2.10:5070;branch=" + std::string(branch) + ";rport\r\n";
  text += "Max-Forwards: 70\r\n";
  text += "From: <sip:alice@example.com>;tag=a1\r\n";
  text += "To: <sip:pbx@example.com>\r\n";
  text += "Call-ID: " + std::string(branch) + "@192.0.2.10\r\n";
  text += "CSeq: 1 OPTIONS\r\n";
  text += "Content-Length: 0\r\n\r\n";
  return text;
}

const std::string kResponse =
    "SIP/2.0 200 OK\r\n"
    "Via: SIP/2.0/UDP 192.0.2.10:5070;branch=z9hG4bKresp;rport=5070\r\n"
    "From: <sip:alice@example.com>;tag=a1\r\n"
    "To: <sip:pbx@example.com>;tag=b2\r\n"
    "Call-ID: resp@192.0.2.10\r\n"
    "CSeq: 1 OPTIONS\r\n"
    "Content-Length: 0\r\n\r\n";

class RecordingSink final : public MessageSink {
 public:
  void on_message(SipMessage&& message, const Peer& from) override {
    messages.push_back(std::move(message));
    peers.push_back(from);
  }
  std::vector<SipMessage> messages;
  std::vector<Peer> peers;
};

bool ipv6_loopback_available() {
  asio::io_context io;
  udp::socket s(io);
  error_code ec;
  s.open(udp::v6(), ec);
  if (!ec) s.bind(udp::endpoint(asio::ip::address_v6::loopback(), 0), ec);
  return !ec;
}

IpEndpoint loopback(bool v6, std::uint16_t port = 0) {
  return IpEndpoint::parse(v6 ? "[::1]" : "127.0.0.1", port).value();
}

class TransportLayerTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    saved_level_ = log_level();
    set_log_level(LogLevel::error);  // the transports log every listener and bad packet
    if (v6() && !ipv6_loopback_available()) GTEST_SKIP() << "::1 is not available here";
  }
  void TearDown() override { set_log_level(saved_level_); }
  bool v6() const { return GetParam(); }
  asio::ip::address address() const {
    return v6() ? asio::ip::address(asio::ip::address_v6::loopback())
                : asio::ip::address(asio::ip::address_v4::loopback());
  }

  // Runs the loop until `done` or the deadline; returns whether `done` happened. `done` is
  // called once per loop slice (it may consume what it waits for).
  bool run_until(const std::function<bool()>& done, std::chrono::milliseconds limit = 5000ms) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    bool ok = done();
    while (!ok && std::chrono::steady_clock::now() < deadline) {
      if (io_.stopped()) io_.restart();
      io_.run_for(5ms);
      ok = done();
    }
    return ok;
  }

  udp::socket udp_client() {
    udp::socket s(io_, udp::endpoint(address(), 0));
    s.non_blocking(true);
    return s;
  }
  std::optional<std::string> try_receive(udp::socket& s) {
    std::array<char, 65536> buf;
    udp::endpoint from;
    error_code ec;
    const std::size_t n = s.receive_from(asio::buffer(buf), from, 0, ec);
    if (ec) return std::nullopt;
    return std::string(buf.data(), n);
  }
  std::optional<std::string> receive(udp::socket& s) {
    std::optional<std::string> got;
    run_until([&] { return (got = try_receive(s)).has_value(); });
    return got;
  }

  tcp::socket tcp_client(const IpEndpoint& server) {
    tcp::socket s(io_);
    s.connect(tcp::endpoint(address(), server.port));  // the kernel completes the handshake
    s.non_blocking(true);
    return s;
  }
  void write_all(tcp::socket& s, std::string_view bytes) {
    while (!bytes.empty()) {
      error_code ec;
      const std::size_t n = s.write_some(asio::buffer(bytes.data(), bytes.size()), ec);
      if (ec == asio::error::would_block) {
        io_.run_for(1ms);
        continue;
      }
      ASSERT_FALSE(ec) << ec.message();
      bytes.remove_prefix(n);
    }
  }
  // Reads what is available into `into`; returns false once the peer closed.
  bool read_available(tcp::socket& s, std::string& into) {
    std::array<char, 8192> buf;
    for (;;) {
      error_code ec;
      const std::size_t n = s.read_some(asio::buffer(buf), ec);
      if (ec == asio::error::would_block) return true;
      if (ec) return false;
      into.append(buf.data(), n);
    }
  }
  // Waits until `into` holds at least `size` bytes.
  bool read_at_least(tcp::socket& s, std::string& into, std::size_t size) {
    return run_until([&] {
      read_available(s, into);
      return into.size() >= size;
    });
  }
  bool wait_closed(tcp::socket& s) {
    std::string ignored;
    return run_until([&] { return !read_available(s, ignored); });
  }

  TransportLayer make_layer(TransportOptions options = {}) {
    return TransportLayer(io_, sink_, MessageLimits{}, options);
  }

  asio::io_context io_;
  RecordingSink sink_;
  LogLevel saved_level_ = LogLevel::info;
};

INSTANTIATE_TEST_SUITE_P(IpFamilies, TransportLayerTest, ::testing::Values(false, true),
                         [](const auto& param_info) { return param_info.param ? "IPv6" : "IPv4"; });

// ---- UDP -------------------------------------------------------------------------------------

TEST_P(TransportLayerTest, UdpRequestReachesSinkWithPeerAndResponseGoesBack) {
  TransportLayer layer(io_, sink_);
  auto bound = layer.listen(TransportKind::udp, loopback(v6()));
  ASSERT_TRUE(bound.ok()) << bound.error().message;
  EXPECT_NE(bound->port, 0);

  udp::socket client = udp_client();
  const std::string request = options_request("z9hG4bKudp1");
  client.send_to(asio::buffer(request), udp::endpoint(address(), bound->port));
  ASSERT_TRUE(run_until([&] { return !sink_.messages.empty(); }));

  const Peer& from = sink_.peers[0];
  EXPECT_EQ(from.kind, TransportKind::udp);
  EXPECT_EQ(from.remote.port, client.local_endpoint().port());
  EXPECT_EQ(from.remote.address, loopback(v6()).address);
  EXPECT_EQ(from.local, *bound);
  EXPECT_EQ(from.connection_id, 0u);
  EXPECT_EQ(sink_.messages[0].raw(), request);
  EXPECT_EQ(layer.stats().received, 1u);

  ASSERT_TRUE(layer.send(from, kResponse));
  const auto got = receive(client);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(*got, kResponse);
  EXPECT_EQ(layer.stats().sent, 1u);
}

TEST_P(TransportLayerTest, MalformedUdpRequestGetsAnErrorResponseWithTheReason) {
  TransportLayer layer(io_, sink_);
  auto bound = layer.listen(TransportKind::udp, loopback(v6()));
  ASSERT_TRUE(bound.ok());
  std::string bad = options_request("z9hG4bKbad");
  bad.replace(bad.find("Max-Forwards: 70"), 16, "Max-Forwards: 7x");
  const auto expected = parse_message(bad);
  ASSERT_FALSE(expected.ok());

  udp::socket client = udp_client();
  client.send_to(asio::buffer(bad), udp::endpoint(address(), bound->port));
  const auto got = receive(client);
  ASSERT_TRUE(got.has_value());
  auto answer = parse_message(*got);
  ASSERT_TRUE(answer.ok()) << answer.error().message;
  EXPECT_EQ(answer->status(), expected.error().code);
  EXPECT_EQ(answer->reason(), sanitize_reason(expected.error().message));
  EXPECT_EQ(answer->core().top_via.branch, "z9hG4bKbad");
  EXPECT_EQ(answer->core().top_via.rport_value, client.local_endpoint().port());
  EXPECT_TRUE(sink_.messages.empty());
  EXPECT_EQ(layer.stats().parse_errors, 1u);
  EXPECT_EQ(layer.stats().error_responses, 1u);
}

TEST_P(TransportLayerTest, GarbageIsDroppedAndTheSocketKeepsWorking) {
  TransportLayer layer(io_, sink_);
  auto bound = layer.listen(TransportKind::udp, loopback(v6()));
  ASSERT_TRUE(bound.ok());
  udp::socket client = udp_client();
  const udp::endpoint server(address(), bound->port);
  client.send_to(asio::buffer(std::string("\x01\x02\xff garbage\r\n\r\n", 15)), server);
  client.send_to(asio::buffer(std::string("\r\n\r\n")), server);  // a keep-alive
  std::string no_via = kResponse;  // §18.1.2: a response without Via is not ours
  no_via.erase(no_via.find("Via:"), no_via.find("From:") - no_via.find("Via:"));
  client.send_to(asio::buffer(no_via), server);
  client.send_to(asio::buffer(options_request("z9hG4bKafter")), server);
  ASSERT_TRUE(run_until([&] { return !sink_.messages.empty(); }));
  EXPECT_EQ(sink_.messages.size(), 1u);
  EXPECT_EQ(sink_.messages[0].core().top_via.branch, "z9hG4bKafter");
  EXPECT_FALSE(try_receive(client).has_value()) << "garbage gets no answer";
  EXPECT_EQ(layer.stats().keepalives, 1u);
  EXPECT_EQ(layer.stats().dropped, 2u);
  EXPECT_GE(layer.stats().parse_errors, 1u);
  EXPECT_EQ(layer.stats().error_responses, 0u);
}

TEST_P(TransportLayerTest, PortInUseGivesAnErrorNamingTheAddress) {
  TransportLayer layer(io_, sink_);
  for (TransportKind kind : {TransportKind::udp, TransportKind::tcp}) {
    auto first = layer.listen(kind, loopback(v6()));
    ASSERT_TRUE(first.ok());
    auto second = layer.listen(kind, *first);
    ASSERT_FALSE(second.ok());
    const std::string expected =
        "cannot listen on " + std::string(to_string(kind)) + " " + first->to_string() + ": ";
    EXPECT_TRUE(second.error().message.starts_with(expected)) << second.error().message;
    EXPECT_NE(second.error().message.find("in use"), std::string::npos) << second.error().message;
  }
  EXPECT_EQ(layer.listening_points().size(), 2u);
}

TEST_P(TransportLayerTest, ListeningPointsReportBoundPorts) {
  TransportLayer layer(io_, sink_);
  auto u = layer.listen(TransportKind::udp, loopback(v6()));
  auto t = layer.listen(TransportKind::tcp, loopback(v6()));
  ASSERT_TRUE(u.ok() && t.ok());
  const auto points = layer.listening_points();
  ASSERT_EQ(points.size(), 2u);
  EXPECT_EQ(points[0].kind, TransportKind::udp);
  EXPECT_EQ(points[0].local, *u);
  EXPECT_EQ(points[1].kind, TransportKind::tcp);
  EXPECT_EQ(points[1].local, *t);
  EXPECT_NE(points[1].local.port, 0);
}

TEST_P(TransportLayerTest, UdpSendWithoutAListenerOfThatFamilyFails) {
  TransportLayer layer(io_, sink_);
  ASSERT_TRUE(layer.listen(TransportKind::udp, loopback(v6())).ok());
  const Peer other_family{TransportKind::udp, loopback(!v6(), 5060), {}, 0};
  EXPECT_FALSE(layer.send(other_family, kResponse));
  EXPECT_EQ(layer.stats().send_errors, 1u);
}

// ---- TCP -------------------------------------------------------------------------------------

TEST_P(TransportLayerTest, TcpTwoMessagesInOneSegmentAndResponseOnTheSameConnection) {
  TransportLayer layer(io_, sink_);
  auto bound = layer.listen(TransportKind::tcp, loopback(v6()));
  ASSERT_TRUE(bound.ok());
  tcp::socket client = tcp_client(*bound);
  write_all(client, options_request("z9hG4bKt1", "TCP") + options_request("z9hG4bKt2", "TCP"));
  ASSERT_TRUE(run_until([&] { return sink_.messages.size() == 2; }));
  EXPECT_EQ(sink_.messages[0].core().top_via.branch, "z9hG4bKt1");
  EXPECT_EQ(sink_.messages[1].core().top_via.branch, "z9hG4bKt2");
  const Peer& from = sink_.peers[0];
  EXPECT_EQ(from.kind, TransportKind::tcp);
  EXPECT_NE(from.connection_id, 0u);
  EXPECT_EQ(sink_.peers[1].connection_id, from.connection_id);
  EXPECT_EQ(from.remote.port, client.local_endpoint().port());
  EXPECT_EQ(from.local, *bound);
  EXPECT_EQ(layer.stats().tcp_accepted, 1u);
  EXPECT_EQ(layer.stats().tcp_connections, 1u);

  // §18.2.2: the response reuses the connection the request came on.
  ASSERT_TRUE(layer.send(from, kResponse));
  std::string got;
  ASSERT_TRUE(read_at_least(client, got, kResponse.size()));
  EXPECT_EQ(got, kResponse);
}

TEST_P(TransportLayerTest, TcpMessageSplitOverSegments) {
  TransportLayer layer(io_, sink_);
  auto bound = layer.listen(TransportKind::tcp, loopback(v6()));
  ASSERT_TRUE(bound.ok());
  tcp::socket client = tcp_client(*bound);
  const std::string request = options_request("z9hG4bKsplit", "TCP");
  // Pieces: mid start line, mid CRLFCRLF, the rest; the loop runs in between.
  const std::size_t cuts[] = {10, request.size() - 3, request.size()};
  std::size_t at = 0;
  for (std::size_t cut : cuts) {
    write_all(client, std::string_view(request).substr(at, cut - at));
    at = cut;
    if (cut != request.size()) {
      run_until([] { return false; }, 20ms);
      EXPECT_TRUE(sink_.messages.empty());
    }
  }
  ASSERT_TRUE(run_until([&] { return !sink_.messages.empty(); }));
  EXPECT_EQ(sink_.messages[0].raw(), request);
}

TEST_P(TransportLayerTest, TcpCrlfPingGetsAPong) {
  TransportLayer layer(io_, sink_);
  auto bound = layer.listen(TransportKind::tcp, loopback(v6()));
  ASSERT_TRUE(bound.ok());
  tcp::socket client = tcp_client(*bound);
  write_all(client, "\r\n\r\n");
  std::string got;
  ASSERT_TRUE(read_at_least(client, got, 2));
  EXPECT_EQ(got, "\r\n");  // RFC 5626 §3.5.1
  EXPECT_EQ(layer.stats().keepalives, 1u);
  // The connection still carries messages after a ping.
  write_all(client, options_request("z9hG4bKafterping", "TCP"));
  EXPECT_TRUE(run_until([&] { return sink_.messages.size() == 1; }));
}

TEST_P(TransportLayerTest, TcpMalformedRequestGetsAnErrorResponseAndFramingErrorCloses) {
  TransportLayer layer(io_, sink_);
  auto bound = layer.listen(TransportKind::tcp, loopback(v6()));
  ASSERT_TRUE(bound.ok());
  tcp::socket client = tcp_client(*bound);
  std::string bad = options_request("z9hG4bKtbad", "TCP");
  bad.replace(bad.find("Max-Forwards: 70"), 16, "Max-Forwards: many");
  ASSERT_FALSE(parse_message(bad).ok());
  write_all(client, bad);
  std::string got;
  ASSERT_TRUE(read_at_least(client, got, 20));
  EXPECT_TRUE(got.starts_with("SIP/2.0 400 ")) << got;
  // A message without Content-Length cannot be framed on a stream (§18.3): closed.
  std::string unframed = options_request("z9hG4bKnolen", "TCP");
  unframed.replace(unframed.find("Content-Length: 0\r\n"), 19, "");
  write_all(client, unframed);
  EXPECT_TRUE(wait_closed(client));
  EXPECT_TRUE(run_until([&] { return layer.stats().tcp_connections == 0; }));
  EXPECT_TRUE(sink_.messages.empty());
}

TEST_P(TransportLayerTest, TcpSendToStaleConnectionFails) {
  TransportLayer layer(io_, sink_);
  auto bound = layer.listen(TransportKind::tcp, loopback(v6()));
  ASSERT_TRUE(bound.ok());
  Peer from;
  {
    tcp::socket client = tcp_client(*bound);
    write_all(client, options_request("z9hG4bKstale", "TCP"));
    ASSERT_TRUE(run_until([&] { return sink_.messages.size() == 1; }));
    from = sink_.peers[0];
  }  // the client closes
  ASSERT_TRUE(run_until([&] { return layer.stats().tcp_connections == 0; }));
  EXPECT_FALSE(layer.send(from, kResponse));
  EXPECT_EQ(layer.stats().send_errors, 1u);
}

TEST_P(TransportLayerTest, TcpOutboundConnectionIsOpenedThenReused) {
  TransportLayer layer(io_, sink_);
  ASSERT_TRUE(layer.listen(TransportKind::tcp, loopback(v6())).ok());
  // The far end: a plain acceptor of the test.
  tcp::acceptor far(io_, tcp::endpoint(address(), 0));
  const IpEndpoint far_ep = loopback(v6(), far.local_endpoint().port());
  const Peer to{TransportKind::tcp, far_ep, {}, 0};
  const std::string first = options_request("z9hG4bKout1", "TCP");
  const std::string second = options_request("z9hG4bKout2", "TCP");
  ASSERT_TRUE(layer.send(to, first));
  ASSERT_TRUE(layer.send(to, second));  // queued behind the connect, same connection

  std::optional<tcp::socket> accepted;
  far.async_accept([&](const error_code& ec, tcp::socket s) {
    if (!ec) accepted.emplace(std::move(s));
  });
  ASSERT_TRUE(run_until([&] { return accepted.has_value(); }));
  accepted->non_blocking(true);
  std::string got;
  ASSERT_TRUE(read_at_least(*accepted, got, first.size() + second.size()));
  EXPECT_EQ(got, first + second);
  EXPECT_EQ(layer.stats().tcp_connected, 1u);

  // The far end answers over that connection; the sink sees its id, and sending to that id
  // (or again to the bare address) reuses it.
  write_all(*accepted, kResponse);
  ASSERT_TRUE(run_until([&] { return sink_.messages.size() == 1; }));
  const Peer& from = sink_.peers[0];
  EXPECT_EQ(from.remote, far_ep);
  EXPECT_NE(from.connection_id, 0u);
  ASSERT_TRUE(layer.send(from, first));
  ASSERT_TRUE(layer.send(to, second));
  got.clear();
  ASSERT_TRUE(read_at_least(*accepted, got, first.size() + second.size()));
  EXPECT_EQ(got, first + second);
  EXPECT_EQ(layer.stats().tcp_connections, 1u);
}

TEST_P(TransportLayerTest, TcpConnectFailureIsCounted) {
  TransportLayer layer(io_, sink_);
  // A port nobody listens on: bind one, note it, close it.
  std::uint16_t dead_port = 0;
  {
    tcp::acceptor probe(io_, tcp::endpoint(address(), 0));
    dead_port = probe.local_endpoint().port();
  }
  const Peer to{TransportKind::tcp, loopback(v6(), dead_port), {}, 0};
  EXPECT_TRUE(layer.send(to, kResponse)) << "queued while connecting";
  EXPECT_TRUE(run_until([&] { return layer.stats().send_errors == 1; }));
  EXPECT_TRUE(run_until([&] { return layer.stats().tcp_connections == 0; }));
}

TEST_P(TransportLayerTest, IdleTcpConnectionsAreClosed) {
  TransportOptions options;
  options.tcp_idle_timeout = 50ms;
  TransportLayer layer = make_layer(options);
  auto bound = layer.listen(TransportKind::tcp, loopback(v6()));
  ASSERT_TRUE(bound.ok());
  tcp::socket client = tcp_client(*bound);
  ASSERT_TRUE(run_until([&] { return layer.stats().tcp_connections == 1; }));
  EXPECT_TRUE(wait_closed(client));
  EXPECT_EQ(layer.stats().tcp_idle_closed, 1u);
  EXPECT_EQ(layer.stats().tcp_connections, 0u);
}

TEST_P(TransportLayerTest, ConnectionsBeyondTheLimitAreRefused) {
  TransportOptions options;
  options.max_tcp_connections = 1;
  TransportLayer layer = make_layer(options);
  auto bound = layer.listen(TransportKind::tcp, loopback(v6()));
  ASSERT_TRUE(bound.ok());
  tcp::socket first = tcp_client(*bound);
  ASSERT_TRUE(run_until([&] { return layer.stats().tcp_connections == 1; }));
  tcp::socket second = tcp_client(*bound);
  EXPECT_TRUE(wait_closed(second));
  EXPECT_EQ(layer.stats().tcp_rejected, 1u);
  write_all(first, options_request("z9hG4bKfirst", "TCP"));
  EXPECT_TRUE(run_until([&] { return sink_.messages.size() == 1; }));
}

// ---- the loop's timers -----------------------------------------------------------------------

TEST_P(TransportLayerTest, DriveTimersRunsTheTimerQueueOnTheLoop) {
  TransportLayer layer(io_, sink_);
  SystemClock clock;
  TimerQueue timers;
  layer.drive_timers(timers, clock);
  bool fired = false;
  timers.schedule(clock.now() + 30ms, [&] { fired = true; });
  const auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(run_until([&] { return fired; }));
  EXPECT_GE(std::chrono::steady_clock::now() - start, 30ms);
  // A timer scheduled from inside a transport handler: an inbound datagram schedules one.
  auto bound = layer.listen(TransportKind::udp, loopback(v6()));
  ASSERT_TRUE(bound.ok());
  udp::socket client = udp_client();
  client.send_to(asio::buffer(options_request("z9hG4bKtick")),
                 udp::endpoint(address(), bound->port));
  ASSERT_TRUE(run_until([&] { return sink_.messages.size() == 1; }));
  bool second = false;
  timers.schedule(clock.now() + 1ms, [&] { second = true; });
  EXPECT_TRUE(run_until([&] { return second; }, 1000ms));
}

TEST_P(TransportLayerTest, CloseStopsEverythingQuietly) {
  auto layer = std::make_unique<TransportLayer>(io_, sink_);
  auto bound = layer->listen(TransportKind::tcp, loopback(v6()));
  ASSERT_TRUE(bound.ok());
  tcp::socket client = tcp_client(*bound);
  ASSERT_TRUE(run_until([&] { return layer->stats().tcp_connections == 1; }));
  layer.reset();  // handlers still queued in io_ must not touch freed memory
  EXPECT_TRUE(wait_closed(client));
  io_.run_for(10ms);
}

}  // namespace
}  // namespace dzvin::sip
