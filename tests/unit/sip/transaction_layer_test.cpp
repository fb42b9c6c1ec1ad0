// RFC 3261 §17 state machines, driven like a script: inject a message as if it came off the
// wire, see what the fake transport sent and what the TU was told, advance the fake clock.
#include "sip/transaction_layer.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "base/clock.hpp"
#include "base/timer_queue.hpp"
#include "sip/sip_message.hpp"

namespace dzvin::sip {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

IpEndpoint ep(std::string_view text) {
  return IpEndpoint::parse(text, 5060).value();
}

const Peer kUdpPeer{TransportKind::udp, ep("192.0.2.10:5070"), ep("192.0.2.1:5060"), 0};
const Peer kTcpPeer{TransportKind::tcp, ep("192.0.2.10:40001"), ep("192.0.2.1:5060"), 7};

struct Sent {
  Peer to;
  std::string bytes;
  long long at_ms = 0;  // fake time since the test started
};

class FakeTransport final : public TransportSender {
 public:
  explicit FakeTransport(const FakeClock& clock) : clock_(clock), start_(clock.now()) {}
  bool send(const Peer& to, std::string_view bytes) override {
    sent.push_back({to, std::string(bytes),
                    std::chrono::duration_cast<milliseconds>(clock_.now() - start_).count()});
    return !fail;
  }
  std::vector<Sent> sent;
  bool fail = false;

 private:
  const FakeClock& clock_;
  SteadyTime start_;
};

struct SeenRequest {
  TransactionId tx = 0;
  Method method = Method::unknown;
  std::string raw;
  Peer from;
};

class RecordingUser final : public TransactionUser {
 public:
  void on_request(TransactionId tx, const SipMessage& request, const Peer& from) override {
    requests.push_back({tx, request.method(), std::string(request.raw()), from});
    if (answer) answer(tx, request);
  }
  void on_response(TransactionId tx, const SipMessage& response) override {
    responses.emplace_back(tx, response.status());
  }
  void on_client_failure(TransactionId tx, ClientOutcome outcome) override {
    failures.emplace_back(tx, outcome);
  }
  void on_server_transport_error(TransactionId tx) override { server_errors.push_back(tx); }

  std::function<void(TransactionId, const SipMessage&)> answer;  // synchronous TU behaviour
  std::vector<SeenRequest> requests;
  std::vector<std::pair<TransactionId, int>> responses;
  std::vector<std::pair<TransactionId, ClientOutcome>> failures;
  std::vector<TransactionId> server_errors;
};

struct RequestSpec {
  std::string method = "INVITE";
  std::string branch = "z9hG4bKbranch1";
  std::string via_host = "192.0.2.10:5070";
  std::string transport = "UDP";
  std::string via_params = ";rport";
  std::string cseq_method;  // defaults to method
  std::uint32_t cseq = 1;
  std::string to_tag;
  std::string request_uri = "sip:bob@example.com";
  std::string extra_headers;

  RequestSpec& sent_by(std::string v) {
    via_host = std::move(v);
    return *this;
  }
  RequestSpec& over(std::string v) {
    transport = std::move(v);
    return *this;
  }
  RequestSpec& via_params_are(std::string v) {
    via_params = std::move(v);
    return *this;
  }
  RequestSpec& to_tagged(std::string v) {
    to_tag = std::move(v);
    return *this;
  }
};

RequestSpec spec(std::string method, std::string branch) {
  RequestSpec s;
  s.method = std::move(method);
  s.branch = std::move(branch);
  return s;
}

std::string request_text(const RequestSpec& s) {
  std::string branch = s.branch.empty() ? "" : ";branch=" + s.branch;
  std::string text = s.method + " " + s.request_uri + " SIP/2.0\r\n";
  text += "Via: SIP/2.0/" + s.transport + " " + s.via_host + branch + s.via_params + "\r\n";
  text += "Max-Forwards: 70\r\n";
  text += "From: \"Alice\" <sip:alice@example.com>;tag=fromtag1\r\n";
  text += "To: <sip:bob@example.com>" + (s.to_tag.empty() ? "" : ";tag=" + s.to_tag) + "\r\n";
  text += "Call-ID: call-1@192.0.2.10\r\n";
  text += "CSeq: " + std::to_string(s.cseq) + " " +
          (s.cseq_method.empty() ? s.method : s.cseq_method) + "\r\n";
  text += s.extra_headers;
  text += "Content-Length: 0\r\n\r\n";
  return text;
}

std::string response_text(int status, std::string_view branch, std::string_view cseq_method,
                          std::string_view to_tag = "totag9") {
  std::string text = "SIP/2.0 " + std::to_string(status) + " Whatever\r\n";
  text += "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=" + std::string(branch) + "\r\n";
  text += "From: <sip:pbx@example.com>;tag=ourtag\r\n";
  text += "To: <sip:carol@example.net>" +
          (to_tag.empty() ? std::string() : ";tag=" + std::string(to_tag)) + "\r\n";
  text += "Call-ID: out-1@192.0.2.1\r\n";
  text += "CSeq: 5 " + std::string(cseq_method) + "\r\n";
  text += "Content-Length: 0\r\n\r\n";
  return text;
}

std::string outgoing_request(std::string_view method, std::string_view branch,
                             std::string_view transport = "UDP") {
  std::string text = std::string(method) + " sip:carol@example.net SIP/2.0\r\n";
  text += "Via: SIP/2.0/" + std::string(transport) +
          " 192.0.2.1:5060;branch=" + std::string(branch) + ";rport\r\n";
  text += "Max-Forwards: 70\r\n";
  text += "Route: <sip:proxy.example.net;lr>\r\n";
  text += "From: <sip:pbx@example.com>;tag=ourtag\r\n";
  text += "To: <sip:carol@example.net>\r\n";
  text += "Call-ID: out-1@192.0.2.1\r\n";
  text += "CSeq: 5 " + std::string(method) + "\r\n";
  text += "Content-Length: 0\r\n\r\n";
  return text;
}

SipMessage parse(std::string text) {
  auto r = parse_message(std::move(text));
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  if (!r.ok()) return SipMessage{};
  return std::move(r).value();
}

class TransactionLayerTest : public ::testing::Test {
 protected:
  TransactionLayerTest() { layer_.set_user(&tu_); }

  void inject(const std::string& text, const Peer& from = kUdpPeer) {
    auto r = parse_message(text);
    ASSERT_TRUE(r.ok()) << r.error().message << "\n" << text;
    layer_.on_message(std::move(r).value(), from);
  }
  void inject(const RequestSpec& spec, const Peer& from = kUdpPeer) {
    inject(request_text(spec), from);
  }

  // Moves the clock to every timer deadline on the way, so each timer fires at its own time.
  void advance(Duration d) {
    const SteadyTime end = clock_.now() + d;
    for (auto next = timers_.next_deadline(); next && *next <= end;
         next = timers_.next_deadline()) {
      if (*next > clock_.now()) clock_.advance(*next - clock_.now());
      timers_.run_due(clock_.now());
    }
    if (end > clock_.now()) clock_.advance(end - clock_.now());
  }

  TransactionId send(std::string text, const Peer& to = kUdpPeer) {
    auto r = layer_.send_request(parse(std::move(text)), to);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return r.ok() ? *r : 0;
  }

  std::size_t sent_count() const { return transport_.sent.size(); }
  const Sent& last_sent() const { return transport_.sent.back(); }
  SipMessage last_sent_message() const { return parse(last_sent().bytes); }
  std::vector<long long> send_times() const {
    std::vector<long long> out;
    for (const auto& s : transport_.sent)
      out.push_back(s.at_ms);
    return out;
  }

  FakeClock clock_;
  TimerQueue timers_;
  FakeTransport transport_{clock_};
  RecordingUser tu_;
  TransactionLayer layer_{transport_, timers_, clock_};
};

// ---- retransmission schedules, as data ------------------------------------------------------

struct ClientScheduleCase {
  const char* name;
  const char* method;
  TransportKind transport;
  std::vector<long long> send_ms;  // when the request goes out
  long long timeout_ms;            // Timer B / F
};

class ClientScheduleTest : public TransactionLayerTest,
                           public ::testing::WithParamInterface<ClientScheduleCase> {};

TEST_P(ClientScheduleTest, RetransmitsOnScheduleThenTimesOut) {
  const auto& c = GetParam();
  const Peer to = c.transport == TransportKind::udp ? kUdpPeer : kTcpPeer;
  const TransactionId tx =
      send(outgoing_request(c.method, "z9hG4bKsched", to_string(c.transport)), to);
  ASSERT_NE(tx, 0u);
  advance(milliseconds(c.timeout_ms - 1));
  EXPECT_EQ(send_times(), c.send_ms);
  EXPECT_TRUE(tu_.failures.empty());
  advance(milliseconds(1));
  ASSERT_EQ(tu_.failures.size(), 1u);
  EXPECT_EQ(tu_.failures[0], std::make_pair(tx, ClientOutcome::timeout));
  EXPECT_EQ(layer_.stats().client_timeouts, 1u);
  EXPECT_EQ(layer_.stats().active_client, 0u);
  advance(seconds(100));
  EXPECT_EQ(sent_count(), c.send_ms.size()) << "nothing is sent after the timeout";
  EXPECT_EQ(timers_.size(), 0u);
}

INSTANTIATE_TEST_SUITE_P(
    Rfc3261, ClientScheduleTest,
    ::testing::Values(
        // §17.1.1.2: Timer A doubles from T1 with no cap; Timer B = 64*T1.
        ClientScheduleCase{"InviteUdp",
                           "INVITE",
                           TransportKind::udp,
                           {0, 500, 1500, 3500, 7500, 15500, 31500},
                           32000},
        // §17.1.2.2: Timer E doubles from T1 up to T2 (4 s); Timer F = 64*T1.
        ClientScheduleCase{"OptionsUdp",
                           "OPTIONS",
                           TransportKind::udp,
                           {0, 500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500},
                           32000},
        // Reliable transports: no A, no E; B and F still apply.
        ClientScheduleCase{"InviteTcp", "INVITE", TransportKind::tcp, {0}, 32000},
        ClientScheduleCase{"RegisterTcp", "REGISTER", TransportKind::tcp, {0}, 32000}),
    [](const auto& param_info) { return std::string(param_info.param.name); });

TEST_F(TransactionLayerTest, ConfigurableT1ScalesTimerAAndB) {
  TimerQueue timers;
  FakeTransport transport{clock_};
  TransactionTimers t;
  t.t1 = milliseconds(100);
  TransactionLayer layer(transport, timers, clock_, t);
  RecordingUser tu;
  layer.set_user(&tu);
  ASSERT_TRUE(layer.send_request(parse(outgoing_request("INVITE", "z9hG4bKt1")), kUdpPeer).ok());
  for (int i = 0; i < 6400; i += 50) {
    clock_.advance(milliseconds(50));
    timers.run_due(clock_.now());
  }
  std::vector<long long> times;
  for (const auto& s : transport.sent)
    times.push_back(s.at_ms);
  EXPECT_EQ(times, (std::vector<long long>{0, 100, 300, 700, 1500, 3100, 6300}));
  ASSERT_EQ(tu.failures.size(), 1u);  // Timer B = 64*T1 = 6.4 s
}

// ---- INVITE client ---------------------------------------------------------------------------

TEST_F(TransactionLayerTest, InviteClientProvisionalStopsRetransmissionsAndTimerB) {
  const TransactionId tx = send(outgoing_request("INVITE", "z9hG4bKic1"));
  advance(milliseconds(600));
  EXPECT_EQ(sent_count(), 2u);
  inject(response_text(180, "z9hG4bKic1", "INVITE"));
  ASSERT_EQ(tu_.responses.size(), 1u);
  EXPECT_EQ(tu_.responses[0], std::make_pair(tx, 180));
  advance(seconds(120));  // Proceeding: no retransmission, Timer B does not fire
  EXPECT_EQ(sent_count(), 2u);
  EXPECT_TRUE(tu_.failures.empty());
  inject(response_text(183, "z9hG4bKic1", "INVITE"));
  EXPECT_EQ(tu_.responses.size(), 2u) << "every provisional reaches the TU";
}

TEST_F(TransactionLayerTest, InviteClientNon2xxIsAckedInsideTheTransaction) {
  const TransactionId tx = send(outgoing_request("INVITE", "z9hG4bKic2"));
  inject(response_text(486, "z9hG4bKic2", "INVITE", "busytag"));
  ASSERT_EQ(tu_.responses.size(), 1u);
  EXPECT_EQ(tu_.responses[0], std::make_pair(tx, 486));
  ASSERT_EQ(sent_count(), 2u);

  // §17.1.1.3: same Request-URI, same top Via (same branch), To from the response with its
  // tag, same From/Call-ID, CSeq number with method ACK, the Route set; to the same place.
  const Sent& sent = last_sent();
  EXPECT_EQ(sent.to.remote, kUdpPeer.remote);
  const SipMessage ack = parse(sent.bytes);
  EXPECT_EQ(ack.method(), Method::ack);
  EXPECT_EQ(ack.request_uri(), "sip:carol@example.net");
  EXPECT_EQ(ack.core().top_via.branch, "z9hG4bKic2");
  EXPECT_EQ(ack.count(HeaderId::via), 1u);
  EXPECT_EQ(ack.core().to_tag, "busytag");
  EXPECT_EQ(ack.core().from_tag, "ourtag");
  EXPECT_EQ(ack.core().call_id, "out-1@192.0.2.1");
  EXPECT_EQ(ack.core().cseq, 5u);
  EXPECT_EQ(ack.core().cseq_method, Method::ack);
  EXPECT_EQ(ack.header(HeaderId::route), "<sip:proxy.example.net;lr>");
  EXPECT_EQ(ack.header(HeaderId::max_forwards), "70");

  // A retransmitted 486: ACK again, the TU is not told twice.
  inject(response_text(486, "z9hG4bKic2", "INVITE", "busytag"));
  EXPECT_EQ(tu_.responses.size(), 1u);
  ASSERT_EQ(sent_count(), 3u);
  EXPECT_EQ(transport_.sent[2].bytes, transport_.sent[1].bytes);
  EXPECT_EQ(layer_.stats().retransmissions_absorbed, 1u);

  // No Timer A retransmission in Completed; Timer D (32 s) ends the transaction.
  advance(milliseconds(31999));
  EXPECT_EQ(sent_count(), 3u);
  EXPECT_EQ(layer_.stats().active_client, 1u);
  advance(milliseconds(1));
  EXPECT_EQ(layer_.stats().active_client, 0u);
  inject(response_text(486, "z9hG4bKic2", "INVITE", "busytag"));
  EXPECT_EQ(layer_.stats().stray_responses, 1u);
  EXPECT_EQ(sent_count(), 3u);
  EXPECT_EQ(tu_.responses.size(), 1u);
}

TEST_F(TransactionLayerTest, InviteClient2xxGoesToTuAndEndsTransaction) {
  const TransactionId tx = send(outgoing_request("INVITE", "z9hG4bKic3"));
  inject(response_text(200, "z9hG4bKic3", "INVITE"));
  ASSERT_EQ(tu_.responses.size(), 1u);
  EXPECT_EQ(tu_.responses[0], std::make_pair(tx, 200));
  EXPECT_EQ(sent_count(), 1u) << "the ACK for a 2xx is the TU's (§13.2.2.4)";
  EXPECT_EQ(layer_.stats().active_client, 0u);
  // A 2xx retransmission has no transaction left: it is stray, but the TU must see it to
  // ACK it again (§13.2.2.4, §18.1.2), so it arrives with tx 0.
  inject(response_text(200, "z9hG4bKic3", "INVITE"));
  EXPECT_EQ(layer_.stats().stray_responses, 1u);
  ASSERT_EQ(tu_.responses.size(), 2u);
  EXPECT_EQ(tu_.responses[1], std::make_pair(TransactionId{0}, 200));
  advance(seconds(60));
  EXPECT_EQ(sent_count(), 1u);
  EXPECT_EQ(timers_.size(), 0u);
}

TEST_F(TransactionLayerTest, InviteClientOverTcpAcksAndEndsAtOnce) {
  send(outgoing_request("INVITE", "z9hG4bKic4", "TCP"), kTcpPeer);
  Peer from = kTcpPeer;
  from.connection_id = 9;  // the response arrived over connection 9
  inject(response_text(404, "z9hG4bKic4", "INVITE"), from);
  ASSERT_EQ(sent_count(), 2u);
  EXPECT_EQ(last_sent_message().method(), Method::ack);
  EXPECT_EQ(last_sent().to.connection_id, 9u);
  EXPECT_EQ(layer_.stats().active_client, 0u) << "Timer D is zero on TCP";
  EXPECT_EQ(timers_.size(), 0u);
}

TEST_F(TransactionLayerTest, AckIsSentWithoutATransaction) {
  auto r = layer_.send_request(parse(outgoing_request("ACK", "z9hG4bKack2xx")), kUdpPeer);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, 0u);
  EXPECT_EQ(sent_count(), 1u);
  advance(seconds(40));
  EXPECT_EQ(sent_count(), 1u);
  EXPECT_EQ(layer_.stats().client_created, 0u);
}

// ---- non-INVITE client -----------------------------------------------------------------------

TEST_F(TransactionLayerTest, NonInviteClientProceedingRetransmitsAtT2) {
  const TransactionId tx = send(outgoing_request("OPTIONS", "z9hG4bKnc1"));
  advance(milliseconds(100));
  inject(response_text(100, "z9hG4bKnc1", "OPTIONS"));
  ASSERT_EQ(tu_.responses.size(), 1u);
  // §17.1.2.2: Timer E keeps running in Proceeding; once it fires there it is reset to T2.
  advance(milliseconds(9000));
  EXPECT_EQ(send_times(), (std::vector<long long>{0, 500, 4500, 8500}));
  inject(response_text(200, "z9hG4bKnc1", "OPTIONS"));
  ASSERT_EQ(tu_.responses.size(), 2u);
  EXPECT_EQ(tu_.responses[1], std::make_pair(tx, 200));
  // Completed: retransmitted finals absorbed; no more requests; Timer K = T4.
  inject(response_text(200, "z9hG4bKnc1", "OPTIONS"));
  EXPECT_EQ(tu_.responses.size(), 2u);
  EXPECT_EQ(layer_.stats().retransmissions_absorbed, 1u);
  advance(milliseconds(4999));
  EXPECT_EQ(layer_.stats().active_client, 1u);
  advance(milliseconds(1));
  EXPECT_EQ(layer_.stats().active_client, 0u);
  EXPECT_EQ(send_times().size(), 4u);
}

TEST_F(TransactionLayerTest, NonInviteClientOverTcpEndsOnFinal) {
  const TransactionId tx = send(outgoing_request("REGISTER", "z9hG4bKnc2", "TCP"), kTcpPeer);
  inject(response_text(200, "z9hG4bKnc2", "REGISTER"), kTcpPeer);
  ASSERT_EQ(tu_.responses.size(), 1u);
  EXPECT_EQ(tu_.responses[0].first, tx);
  EXPECT_EQ(layer_.stats().active_client, 0u) << "Timer K is zero on TCP";
  EXPECT_EQ(timers_.size(), 0u);
}

TEST_F(TransactionLayerTest, ResponseMatchesOnBranchAndCSeqMethod) {
  const TransactionId invite = send(outgoing_request("INVITE", "z9hG4bKsame"));
  const TransactionId cancel = send(outgoing_request("CANCEL", "z9hG4bKsame"));
  ASSERT_NE(invite, cancel);
  inject(response_text(200, "z9hG4bKsame", "CANCEL"));
  ASSERT_EQ(tu_.responses.size(), 1u);
  EXPECT_EQ(tu_.responses[0], std::make_pair(cancel, 200));
  inject(response_text(487, "z9hG4bKsame", "INVITE"));
  ASSERT_EQ(tu_.responses.size(), 2u);
  EXPECT_EQ(tu_.responses[1], std::make_pair(invite, 487));
  inject(response_text(200, "z9hG4bKother", "OPTIONS"));
  EXPECT_EQ(tu_.responses.size(), 2u) << "a stray non-INVITE response reaches no one";
  EXPECT_EQ(layer_.stats().stray_responses, 1u);
}

TEST_F(TransactionLayerTest, SendRequestRejectsBadBranchesAndDuplicates) {
  EXPECT_FALSE(layer_.send_request(parse(outgoing_request("OPTIONS", "1234")), kUdpPeer).ok());
  send(outgoing_request("OPTIONS", "z9hG4bKdup"));
  auto dup = layer_.send_request(parse(outgoing_request("OPTIONS", "z9hG4bKdup")), kUdpPeer);
  ASSERT_FALSE(dup.ok());
  EXPECT_NE(dup.error().message.find("z9hG4bKdup"), std::string::npos);
  EXPECT_EQ(layer_.stats().client_created, 1u);
}

TEST_F(TransactionLayerTest, ClientTransportErrors) {
  transport_.fail = true;
  auto first = layer_.send_request(parse(outgoing_request("OPTIONS", "z9hG4bKte1")), kUdpPeer);
  ASSERT_FALSE(first.ok()) << "the first send failing is reported at once";
  EXPECT_EQ(layer_.stats().active_client, 0u);
  EXPECT_TRUE(tu_.failures.empty());

  transport_.fail = false;
  const TransactionId tx = send(outgoing_request("INVITE", "z9hG4bKte2"));
  transport_.fail = true;
  advance(milliseconds(500));  // Timer A retransmission fails
  ASSERT_EQ(tu_.failures.size(), 1u);
  EXPECT_EQ(tu_.failures[0], std::make_pair(tx, ClientOutcome::transport_error));
  EXPECT_EQ(layer_.stats().active_client, 0u);
  EXPECT_GE(layer_.stats().transport_errors, 2u);
  EXPECT_EQ(timers_.size(), 0u);
}

// ---- non-INVITE server -----------------------------------------------------------------------

TEST_F(TransactionLayerTest, NonInviteServerAbsorbsRetransmissionsWithTheLastResponse) {
  tu_.answer = [&](TransactionId tx, const SipMessage&) { layer_.respond(tx, 200, "OK", "uas1"); };
  RequestSpec reg = spec("REGISTER", "z9hG4bKreg1");
  inject(reg);
  ASSERT_EQ(tu_.requests.size(), 1u);
  EXPECT_NE(tu_.requests[0].tx, 0u);
  ASSERT_EQ(sent_count(), 1u);
  const SipMessage ok = last_sent_message();
  EXPECT_EQ(ok.status(), 200);
  EXPECT_EQ(ok.core().to_tag, "uas1");
  EXPECT_EQ(ok.core().top_via.branch, "z9hG4bKreg1");

  inject(reg);  // retransmission
  EXPECT_EQ(tu_.requests.size(), 1u) << "the TU sees a request once";
  ASSERT_EQ(sent_count(), 2u);
  EXPECT_EQ(transport_.sent[1].bytes, transport_.sent[0].bytes);
  EXPECT_EQ(layer_.stats().retransmissions_absorbed, 1u);

  // Timer J = 64*T1 on UDP; after it the same bytes are a new request.
  advance(milliseconds(31999));
  EXPECT_EQ(layer_.stats().active_server, 1u);
  advance(milliseconds(1));
  EXPECT_EQ(layer_.stats().active_server, 0u);
  inject(reg);
  EXPECT_EQ(tu_.requests.size(), 2u);
}

TEST_F(TransactionLayerTest, PoolGivesSlotsBackAfterABurst) {
  // 20,000 REGISTERs at once: every one waits 32 s (Timer J) in Completed; once they are gone
  // the pool must not keep its peak size for the life of the process.
  tu_.answer = [&](TransactionId tx, const SipMessage&) { layer_.respond(tx, 200, "OK", "t"); };
  constexpr int kBurst = 20000;
  for (int i = 0; i < kBurst; ++i) inject(spec("REGISTER", "z9hG4bKburst" + std::to_string(i)));
  EXPECT_EQ(layer_.stats().active_server, static_cast<std::size_t>(kBurst));
  EXPECT_GE(layer_.stats().pool_slots, static_cast<std::size_t>(kBurst));

  // Transactions that start while the burst fills the pool sit at its tail and pin it until
  // they end; those that start later take the lowest free slots, so the tail empties.
  advance(seconds(20));
  for (int i = 0; i < 3; ++i) inject(spec("REGISTER", "z9hG4bKlate" + std::to_string(i)));
  advance(seconds(25));  // t=45 s: the burst is gone, the late ones are still Completed
  EXPECT_EQ(layer_.stats().active_server, 3u);
  EXPECT_GT(layer_.stats().pool_slots, static_cast<std::size_t>(kBurst));
  for (int i = 0; i < 3; ++i) inject(spec("REGISTER", "z9hG4bKnew" + std::to_string(i)));
  advance(seconds(15));  // t=60 s: the late ones ended at 52 s, a trim ran since
  EXPECT_EQ(layer_.stats().active_server, 3u);
  EXPECT_LE(layer_.stats().pool_slots, 16u);

  // The ones left are matched as before (a retransmission is absorbed).
  const std::size_t absorbed = layer_.stats().retransmissions_absorbed;
  inject(spec("REGISTER", "z9hG4bKnew1"));
  EXPECT_EQ(layer_.stats().retransmissions_absorbed, absorbed + 1);
  advance(seconds(40));
  EXPECT_EQ(layer_.stats().active_server, 0u);
}

TEST_F(TransactionLayerTest, NonInviteServerTryingAbsorbsThenResendsProvisional) {
  RequestSpec opt = spec("OPTIONS", "z9hG4bKopt1");
  inject(opt);
  ASSERT_EQ(tu_.requests.size(), 1u);
  const TransactionId tx = tu_.requests[0].tx;
  inject(opt);  // Trying: nothing to resend
  EXPECT_EQ(sent_count(), 0u);
  EXPECT_EQ(layer_.stats().retransmissions_absorbed, 1u);
  ASSERT_TRUE(layer_.respond(tx, 100));
  EXPECT_EQ(last_sent_message().reason(), "Trying") << "default reason phrase";
  inject(opt);  // Proceeding: the provisional again
  ASSERT_EQ(sent_count(), 2u);
  EXPECT_EQ(last_sent_message().status(), 100);
  ASSERT_TRUE(layer_.respond(tx, 404, "No Such User", "t1"));
  EXPECT_FALSE(layer_.respond(tx, 200)) << "one final response per transaction";
  inject(opt);  // Completed: the final again
  ASSERT_EQ(sent_count(), 4u);
  EXPECT_EQ(last_sent_message().status(), 404);
  EXPECT_EQ(last_sent_message().reason(), "No Such User");
  EXPECT_EQ(tu_.requests.size(), 1u);
}

TEST_F(TransactionLayerTest, UnansweredNonInviteIsDiscardedAfter64T1) {
  inject(spec("OPTIONS", "z9hG4bKnoans"));
  const TransactionId tx = tu_.requests.at(0).tx;
  advance(milliseconds(31999));
  EXPECT_EQ(layer_.stats().active_server, 1u);
  advance(milliseconds(1));
  EXPECT_EQ(layer_.stats().active_server, 0u);
  EXPECT_EQ(layer_.stats().unanswered_discarded, 1u);
  EXPECT_FALSE(layer_.respond(tx, 200));
  EXPECT_EQ(sent_count(), 0u);
}

TEST_F(TransactionLayerTest, NonInviteServerOverTcpEndsOnFinalResponse) {
  tu_.answer = [&](TransactionId tx, const SipMessage&) { layer_.respond(tx, 200); };
  RequestSpec reg = spec("REGISTER", "z9hG4bKtcp1").over("TCP");
  inject(reg, kTcpPeer);
  ASSERT_EQ(sent_count(), 1u);
  EXPECT_EQ(last_sent().to.connection_id, kTcpPeer.connection_id) << "§18.2.2 same connection";
  EXPECT_EQ(layer_.stats().active_server, 0u) << "Timer J is zero on TCP";
  EXPECT_EQ(timers_.size(), 0u);
  inject(reg, kTcpPeer);
  EXPECT_EQ(tu_.requests.size(), 2u);
}

TEST_F(TransactionLayerTest, TuMayRespondInsideOnRequestAndStillReadTheRequest) {
  std::string call_id_after_final;
  tu_.answer = [&](TransactionId tx, const SipMessage& request) {
    layer_.respond(tx, 200);
    // The transaction is complete (and on TCP ended); the request must still be readable.
    call_id_after_final = std::string(request.core().call_id);
  };
  inject(spec("OPTIONS", "z9hG4bKsync").over("TCP"), kTcpPeer);
  inject(spec("OPTIONS", "z9hG4bKsync2"));
  EXPECT_EQ(call_id_after_final, "call-1@192.0.2.10");
  EXPECT_EQ(sent_count(), 2u);
}

TEST_F(TransactionLayerTest, ResponsesGoWhereRfc3581AndSection18Say) {
  tu_.answer = [&](TransactionId tx, const SipMessage&) { layer_.respond(tx, 200); };
  // rport: back to the source port; received/rport filled in.
  inject(spec("OPTIONS", "z9hG4bKdst1").sent_by("10.0.0.5:5062"));
  EXPECT_EQ(last_sent().to.remote, kUdpPeer.remote);
  const SipMessage r1 = last_sent_message();
  EXPECT_EQ(r1.core().top_via.received, "192.0.2.10");
  EXPECT_EQ(r1.core().top_via.rport_value, 5070);
  // No rport: the sent-by port.
  inject(spec("OPTIONS", "z9hG4bKdst2").sent_by("192.0.2.10:5062").via_params_are(""));
  EXPECT_EQ(last_sent().to.remote, ep("192.0.2.10:5062"));
  // No rport, no port: 5060.
  inject(spec("OPTIONS", "z9hG4bKdst3").sent_by("192.0.2.10").via_params_are(""));
  EXPECT_EQ(last_sent().to.remote, ep("192.0.2.10:5060"));
}

TEST_F(TransactionLayerTest, ServerTransportErrorEndsTransactionAndTellsTu) {
  inject(spec("OPTIONS", "z9hG4bKste"));
  const TransactionId tx = tu_.requests.at(0).tx;
  transport_.fail = true;
  EXPECT_FALSE(layer_.respond(tx, 200));
  ASSERT_EQ(tu_.server_errors.size(), 1u);
  EXPECT_EQ(tu_.server_errors[0], tx);
  EXPECT_EQ(layer_.stats().active_server, 0u);
  EXPECT_FALSE(layer_.respond(tx, 500));
}

TEST_F(TransactionLayerTest, RespondRejectsBadStatusAndUnknownIds) {
  inject(spec("OPTIONS", "z9hG4bKbad"));
  const TransactionId tx = tu_.requests.at(0).tx;
  EXPECT_FALSE(layer_.respond(tx, 99));
  EXPECT_FALSE(layer_.respond(tx, 700));
  EXPECT_FALSE(layer_.respond(0, 200));
  EXPECT_FALSE(layer_.respond(tx + (std::uint64_t{1} << 32), 200)) << "stale generation";
  EXPECT_EQ(sent_count(), 0u);
  EXPECT_TRUE(layer_.respond(tx, 200));
}

// ---- INVITE server ---------------------------------------------------------------------------

TEST_F(TransactionLayerTest, InviteServerSends100TryingAfter200ms) {
  inject(spec("INVITE", "z9hG4bKis1"));
  ASSERT_EQ(tu_.requests.size(), 1u);
  advance(milliseconds(199));
  EXPECT_EQ(sent_count(), 0u);
  advance(milliseconds(1));
  ASSERT_EQ(sent_count(), 1u);
  const SipMessage trying = last_sent_message();
  EXPECT_EQ(trying.status(), 100);
  EXPECT_EQ(trying.core().top_via.branch, "z9hG4bKis1");
  EXPECT_TRUE(trying.core().to_tag.empty());
  advance(seconds(10));
  EXPECT_EQ(sent_count(), 1u) << "provisionals are not retransmitted by the transaction";
}

TEST_F(TransactionLayerTest, InviteServerNo100WhenTuAnswersInTime) {
  tu_.answer = [&](TransactionId tx, const SipMessage&) { layer_.respond(tx, 180, {}, "tt"); };
  inject(spec("INVITE", "z9hG4bKis2"));
  ASSERT_EQ(sent_count(), 1u);
  EXPECT_EQ(last_sent_message().status(), 180);
  advance(seconds(1));
  EXPECT_EQ(sent_count(), 1u);
}

TEST_F(TransactionLayerTest, InviteServerRetransmittedInviteBefore200msGets100AtOnce) {
  inject(spec("INVITE", "z9hG4bKis3"));
  advance(milliseconds(50));
  inject(spec("INVITE", "z9hG4bKis3"));
  ASSERT_EQ(sent_count(), 1u);
  EXPECT_EQ(last_sent_message().status(), 100);
  advance(seconds(1));
  EXPECT_EQ(sent_count(), 1u);
  EXPECT_EQ(tu_.requests.size(), 1u);
}

TEST_F(TransactionLayerTest, InviteServerFullNon2xxFlow) {
  const RequestSpec invite = spec("INVITE", "z9hG4bKis4");
  inject(invite);
  const TransactionId tx = tu_.requests.at(0).tx;
  ASSERT_TRUE(layer_.respond(tx, 180, {}, "uas-tag"));
  inject(invite);  // Proceeding: the last provisional again
  ASSERT_EQ(sent_count(), 2u);
  EXPECT_EQ(last_sent_message().status(), 180);

  ASSERT_TRUE(layer_.respond(tx, 486, {}, "uas-tag"));
  ASSERT_EQ(sent_count(), 3u);
  const std::string final_bytes = last_sent().bytes;
  EXPECT_EQ(last_sent_message().reason(), "Busy Here");

  inject(invite);  // Completed: the final again, TU not involved
  ASSERT_EQ(sent_count(), 4u);
  EXPECT_EQ(last_sent().bytes, final_bytes);
  EXPECT_EQ(tu_.requests.size(), 1u);

  // Timer G: T1, then doubling (the retransmitted INVITE above did not reset it).
  advance(milliseconds(3600));
  EXPECT_EQ(send_times(), (std::vector<long long>{0, 0, 0, 0, 500, 1500, 3500}));

  // The ACK: absorbed (TU not told), Timer G stops, Timer I = T4 ends the transaction.
  RequestSpec ack = invite;
  ack.method = "ACK";
  ack.to_tag = "uas-tag";
  inject(ack);
  EXPECT_EQ(tu_.requests.size(), 1u);
  inject(ack);  // a retransmitted ACK in Confirmed
  EXPECT_EQ(tu_.requests.size(), 1u);
  advance(milliseconds(4999));
  EXPECT_EQ(sent_count(), 7u);
  EXPECT_EQ(layer_.stats().active_server, 1u);
  advance(milliseconds(1));
  EXPECT_EQ(layer_.stats().active_server, 0u);
  EXPECT_EQ(timers_.size(), 0u);
}

TEST_F(TransactionLayerTest, InviteServerTimerGCapsAtT2AndTimerHGivesUp) {
  tu_.answer = [&](TransactionId tx, const SipMessage&) { layer_.respond(tx, 603, {}, "x"); };
  inject(spec("INVITE", "z9hG4bKis5"));
  advance(milliseconds(31999));
  EXPECT_EQ(send_times(), (std::vector<long long>{0, 500, 1500, 3500, 7500, 11500, 15500, 19500,
                                                  23500, 27500, 31500}));
  EXPECT_EQ(layer_.stats().active_server, 1u);
  advance(milliseconds(1));  // Timer H = 64*T1
  EXPECT_EQ(layer_.stats().active_server, 0u);
  EXPECT_EQ(layer_.stats().ack_timeouts, 1u);
  advance(seconds(10));
  EXPECT_EQ(sent_count(), 11u);
}

TEST_F(TransactionLayerTest, InviteServer2xxEndsTransactionAndAckGoesToTu) {
  tu_.answer = [&](TransactionId tx, const SipMessage& r) {
    if (r.method() == Method::invite) layer_.respond(tx, 200, {}, "dlg");
  };
  inject(spec("INVITE", "z9hG4bKis6"));
  ASSERT_EQ(sent_count(), 1u);
  EXPECT_EQ(layer_.stats().active_server, 0u) << "§17.2.1: 2xx terminates";
  advance(seconds(5));
  EXPECT_EQ(sent_count(), 1u) << "the TU, not the transaction, retransmits a 2xx";
  // The ACK for a 2xx has its own branch and reaches the TU without a transaction.
  inject(spec("ACK", "z9hG4bKack6").to_tagged("dlg"));
  ASSERT_EQ(tu_.requests.size(), 2u);
  EXPECT_EQ(tu_.requests[1].method, Method::ack);
  EXPECT_EQ(tu_.requests[1].tx, 0u);
}

TEST_F(TransactionLayerTest, InviteServerOverTcpHasNoTimerGAndZeroTimerI) {
  tu_.answer = [&](TransactionId tx, const SipMessage& r) {
    if (r.method() == Method::invite) layer_.respond(tx, 486, {}, "t");
  };
  inject(spec("INVITE", "z9hG4bKis7").over("TCP"), kTcpPeer);
  ASSERT_EQ(sent_count(), 1u);
  advance(seconds(10));
  EXPECT_EQ(sent_count(), 1u) << "no Timer G on TCP";
  EXPECT_EQ(layer_.stats().active_server, 1u) << "Timer H still waits for the ACK";
  inject(spec("ACK", "z9hG4bKis7").over("TCP").to_tagged("t"), kTcpPeer);
  EXPECT_EQ(tu_.requests.size(), 1u);
  EXPECT_EQ(layer_.stats().active_server, 0u) << "Timer I is zero on TCP";
}

TEST_F(TransactionLayerTest, TimerGTransportErrorTellsTu) {
  tu_.answer = [&](TransactionId tx, const SipMessage&) { layer_.respond(tx, 480, {}, "t"); };
  inject(spec("INVITE", "z9hG4bKis8"));
  transport_.fail = true;
  advance(milliseconds(500));
  ASSERT_EQ(tu_.server_errors.size(), 1u);
  EXPECT_EQ(tu_.server_errors[0], tu_.requests.at(0).tx);
  EXPECT_EQ(layer_.stats().active_server, 0u);
}

// ---- matching --------------------------------------------------------------------------------

TEST_F(TransactionLayerTest, ServerMatchingUsesBranchSentByAndMethod) {
  inject(spec("OPTIONS", "z9hG4bKm1"));
  inject(spec("OPTIONS", "z9hG4bKm1").sent_by("192.0.2.99:5070"));
  inject(spec("OPTIONS", "z9hG4bKm2"));
  EXPECT_EQ(tu_.requests.size(), 3u) << "another sent-by or branch is another transaction";
  inject(spec("INVITE", "z9hG4bKm3"));
  inject(spec("CANCEL", "z9hG4bKm3"));
  ASSERT_EQ(tu_.requests.size(), 5u) << "CANCEL is its own transaction";
  EXPECT_NE(tu_.requests[4].tx, tu_.requests[3].tx);
  EXPECT_EQ(layer_.stats().server_created, 5u);
  EXPECT_EQ(layer_.stats().retransmissions_absorbed, 0u);
}

TEST_F(TransactionLayerTest, CancelTargetFindsTheInviteTransaction) {
  const RequestSpec invite = spec("INVITE", "z9hG4bKc1");
  inject(invite);
  RequestSpec cancel = invite;
  cancel.method = "CANCEL";
  const TransactionId invite_tx = tu_.requests.at(0).tx;
  EXPECT_EQ(layer_.cancel_target(parse(request_text(cancel))), invite_tx);
  cancel.branch = "z9hG4bKnot-there";
  EXPECT_EQ(layer_.cancel_target(parse(request_text(cancel))), 0u);
  // RFC 2543 CANCEL: matched on the request fields.
  const RequestSpec old_invite = spec("INVITE", "").via_params_are("");
  inject(old_invite);
  RequestSpec old_cancel = old_invite;
  old_cancel.method = "CANCEL";
  EXPECT_EQ(layer_.cancel_target(parse(request_text(old_cancel))), tu_.requests.at(1).tx);
}

TEST_F(TransactionLayerTest, Rfc2543RequestsMatchOnTheirFields) {
  tu_.answer = [&](TransactionId tx, const SipMessage& r) {
    if (r.method() != Method::ack) layer_.respond(tx, 486, {}, "old-tag");
  };
  const RequestSpec invite = spec("INVITE", "").via_params_are("");  // no branch at all
  inject(invite);
  inject(invite);  // retransmission
  ASSERT_EQ(tu_.requests.size(), 1u);
  ASSERT_EQ(sent_count(), 2u);
  EXPECT_EQ(transport_.sent[1].bytes, transport_.sent[0].bytes);

  RequestSpec other_cseq = invite;
  other_cseq.cseq = 2;
  inject(other_cseq);
  EXPECT_EQ(tu_.requests.size(), 2u) << "a new CSeq is a new transaction";

  RequestSpec other_uri = invite;
  other_uri.request_uri = "sip:carol@example.com";
  inject(other_uri);
  EXPECT_EQ(tu_.requests.size(), 3u) << "another Request-URI is a new transaction";

  // ACK with a To tag that is not the one of our response: not this transaction.
  RequestSpec wrong_ack = invite;
  wrong_ack.method = "ACK";
  wrong_ack.to_tag = "someone-else";
  inject(wrong_ack);
  ASSERT_EQ(tu_.requests.size(), 4u);
  EXPECT_EQ(tu_.requests[3].tx, 0u);

  // The right ACK is absorbed: no Timer G retransmissions after it.
  RequestSpec ack = invite;
  ack.method = "ACK";
  ack.to_tag = "old-tag";
  inject(ack);
  EXPECT_EQ(tu_.requests.size(), 4u);
  const std::size_t before = sent_count();
  advance(milliseconds(499));
  EXPECT_EQ(sent_count(), before);
  advance(milliseconds(1));
  EXPECT_EQ(sent_count(), before + 2) << "the other two INVITEs retransmit their 486";
}

TEST_F(TransactionLayerTest, BranchWithoutCookieFallsBackToRfc2543) {
  tu_.answer = [&](TransactionId tx, const SipMessage&) { layer_.respond(tx, 200); };
  RequestSpec opt = spec("OPTIONS", "abc123");  // a branch, but no magic cookie
  inject(opt);
  inject(opt);
  EXPECT_EQ(tu_.requests.size(), 1u);
  EXPECT_EQ(sent_count(), 2u);
  RequestSpec other = opt;
  other.extra_headers = "";
  other.via_host = "192.0.2.10:5080";  // the top Via differs
  inject(other);
  EXPECT_EQ(tu_.requests.size(), 2u);
}

// ---- scale -----------------------------------------------------------------------------------

TEST_F(TransactionLayerTest, ManyTransactionsAreIndexedAndCleanedUp) {
  tu_.answer = [&](TransactionId tx, const SipMessage&) { layer_.respond(tx, 200, {}, "t"); };
  constexpr int kCount = 5000;
  for (int i = 0; i < kCount; ++i) {
    inject(spec("REGISTER", "z9hG4bKmany" + std::to_string(i)));
  }
  EXPECT_EQ(layer_.stats().active_server, static_cast<std::size_t>(kCount));
  // Every retransmission finds its own transaction.
  for (int i = 0; i < kCount; i += 7) {
    inject(spec("REGISTER", "z9hG4bKmany" + std::to_string(i)));
  }
  EXPECT_EQ(tu_.requests.size(), static_cast<std::size_t>(kCount));
  EXPECT_EQ(layer_.stats().retransmissions_absorbed, static_cast<std::uint64_t>((kCount + 6) / 7));
  advance(seconds(33));
  EXPECT_EQ(layer_.stats().active_server, 0u);
  EXPECT_EQ(timers_.size(), 0u);
  // Slots are recycled: new transactions work and get fresh ids.
  std::set<TransactionId> ids;
  for (const auto& r : tu_.requests)
    ids.insert(r.tx);
  inject(spec("REGISTER", "z9hG4bKafter"));
  EXPECT_EQ(ids.count(tu_.requests.back().tx), 0u);
  // Nothing stale is left in the index: old branches start new transactions.
  for (int i = 0; i < 100; ++i)
    inject(spec("REGISTER", "z9hG4bKmany" + std::to_string(i)));
  EXPECT_EQ(tu_.requests.size(), static_cast<std::size_t>(kCount + 101));
}

TEST_F(TransactionLayerTest, IndexStaysConsistentWhenTransactionsEndInAnyOrder) {
  // TCP: a final response ends the transaction at once, so ends interleave with lookups.
  constexpr int kCount = 3000;
  const auto branch = [](int i) { return "z9hG4bKmix" + std::to_string(i); };
  for (int i = 0; i < kCount; ++i)
    inject(spec("OPTIONS", branch(i)).over("TCP"), kTcpPeer);
  ASSERT_EQ(tu_.requests.size(), static_cast<std::size_t>(kCount));
  std::vector<TransactionId> ids;
  for (const auto& r : tu_.requests)
    ids.push_back(r.tx);
  // Answer every other one in a scrambled order (31 is coprime with kCount).
  std::vector<bool> answered(kCount, false);
  for (int k = 0; k < kCount; ++k) {
    const int i = (k * 31) % kCount;
    if (i % 2 == 0) {
      ASSERT_TRUE(layer_.respond(ids[static_cast<std::size_t>(i)], 200)) << i;
      answered[static_cast<std::size_t>(i)] = true;
    }
  }
  EXPECT_EQ(layer_.stats().active_server, static_cast<std::size_t>(kCount / 2));
  // Every unanswered one is still found (absorbed); every answered one is new.
  for (int i = 0; i < kCount; ++i)
    inject(spec("OPTIONS", branch(i)).over("TCP"), kTcpPeer);
  EXPECT_EQ(layer_.stats().retransmissions_absorbed, static_cast<std::uint64_t>(kCount / 2));
  EXPECT_EQ(tu_.requests.size(), static_cast<std::size_t>(kCount + kCount / 2));
  for (std::size_t j = kCount; j < tu_.requests.size(); ++j) {
    const std::string raw = tu_.requests[j].raw;
    const std::size_t at = raw.find("z9hG4bKmix") + 10;
    const int i = std::stoi(raw.substr(at));
    EXPECT_TRUE(answered[static_cast<std::size_t>(i)]) << i;
  }
}

TEST_F(TransactionLayerTest, NewBranchesCarryTheCookieAndDiffer) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    const std::string b = layer_.new_branch();
    EXPECT_TRUE(b.starts_with("z9hG4bK")) << b;
    seen.insert(b);
  }
  EXPECT_EQ(seen.size(), 1000u);
}

// Admission control (load_monitor.hpp, ARCHITECTURE.md "Overload"): while the loop is
// behind, new out-of-dialog requests get a stateless 503 + Retry-After.
TEST_F(TransactionLayerTest, OverloadedRejectsNewRequestsStatelessly) {
  LoadMonitor monitor({true, milliseconds(100), milliseconds(20), 7});
  layer_.set_load_monitor(&monitor);
  monitor.observe_queue_delay(milliseconds(150));
  ASSERT_TRUE(monitor.overloaded());
  inject(spec("REGISTER", "z9hG4bKover1"));
  EXPECT_TRUE(tu_.requests.empty()) << "the TU must not see requests refused for overload";
  ASSERT_EQ(sent_count(), 1u);
  const SipMessage r = last_sent_message();
  EXPECT_EQ(r.status(), 503);
  ASSERT_NE(r.find("Retry-After"), nullptr);
  EXPECT_EQ(r.find("Retry-After")->value, "7");
  EXPECT_EQ(r.core().top_via.branch, "z9hG4bKover1");
  EXPECT_EQ(monitor.rejected(), 1u);
  EXPECT_EQ(layer_.stats().overload_rejected, 1u);
  EXPECT_EQ(layer_.stats().active_server, 0u) << "no state is kept for a refused request";
}

TEST_F(TransactionLayerTest, OverloadedStillServesDialogsAndKnownTransactions) {
  LoadMonitor monitor;
  layer_.set_load_monitor(&monitor);
  tu_.answer = [&](TransactionId tx, const SipMessage&) { layer_.respond(tx, 200); };
  inject(spec("REGISTER", "z9hG4bKknown"));
  ASSERT_EQ(tu_.requests.size(), 1u);
  monitor.observe_queue_delay(milliseconds(200));
  ASSERT_TRUE(monitor.overloaded());

  inject(spec("REGISTER", "z9hG4bKknown"));  // a retransmission of a known transaction
  EXPECT_EQ(tu_.requests.size(), 1u);
  EXPECT_EQ(last_sent_message().status(), 200);

  inject(spec("BYE", "z9hG4bKindialog").to_tagged("abc"));  // inside a dialog: admitted
  EXPECT_EQ(tu_.requests.size(), 2u);
  inject(spec("CANCEL", "z9hG4bKcancel"));  // CANCEL ends work: admitted
  EXPECT_EQ(tu_.requests.size(), 3u);

  monitor.observe_queue_delay(milliseconds(50));  // between leave and enter: unchanged
  EXPECT_TRUE(monitor.overloaded());
  monitor.observe_queue_delay(milliseconds(5));
  EXPECT_FALSE(monitor.overloaded());
  inject(spec("OPTIONS", "z9hG4bKafter"));
  EXPECT_EQ(tu_.requests.size(), 4u);
  EXPECT_EQ(monitor.episodes(), 1u);
  EXPECT_EQ(monitor.rejected(), 0u);
}

TEST(LoadMonitorTest, DisabledNeverOverloads) {
  LoadMonitor monitor({false, milliseconds(100), milliseconds(20), 2});
  monitor.observe_queue_delay(seconds(5));
  EXPECT_FALSE(monitor.overloaded());
}

}  // namespace
}  // namespace dzvin::sip
