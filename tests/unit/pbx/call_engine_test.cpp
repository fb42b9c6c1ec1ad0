// The B2BUA call engine with the real transaction layer and SipService over a fake transport
// and a fake clock: inject the caller's and callees' messages, look at what went out.
#include "pbx/call_engine.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "../sip/registrar_fixture.hpp"
#include "base/timer_queue.hpp"
#include "pbx/memory_directory.hpp"
#include "pbx/routing_scheme.hpp"
#include "pbx/trunk_table.hpp"
#include "sip/registrar.hpp"
#include "sip/request_dispatcher.hpp"
#include "sip/transaction_layer.hpp"

namespace dzvin::pbx {
namespace {

using namespace std::chrono_literals;
using sip::Peer;
using sip::SipMessage;
using sip::TransportKind;

IpEndpoint ep(std::string_view text) {
  return IpEndpoint::parse(text, 5060).value();
}

const IpEndpoint kPbx = ep("192.0.2.1:5060");
const Peer kCaller{TransportKind::udp, ep("192.0.2.10:5070"), kPbx, 0};
const Peer kCalleeA{TransportKind::udp, ep("192.0.2.20:5060"), kPbx, 0};
const Peer kCalleeB{TransportKind::udp, ep("192.0.2.21:5060"), kPbx, 0};
const Peer kProvider{TransportKind::udp, ep("198.51.100.7:5060"), kPbx, 0};
constexpr std::string_view kSdp = "v=0\r\no=- 1 1 IN IP4 192.0.2.10\r\ns=-\r\n";

struct Sent {
  Peer to;
  std::string bytes;
};

class FakeTransport final : public sip::TransportSender {
 public:
  bool send(const Peer& to, std::string_view bytes) override {
    sent.push_back({to, std::string(bytes)});
    return true;
  }
  std::vector<Sent> sent;
};

class RecordingEvents final : public CallEventSink {
 public:
  void on_call_event(const CallEvent& e) override { events.push_back(e); }
  std::vector<CallEvent> events;
  std::string outcome() const {
    for (const CallEvent& e : events)
      if (e.kind == CallEventKind::ended) return e.detail;
    return {};
  }
};

SipMessage parse(std::string text) {
  auto m = sip::parse_message(std::move(text));
  EXPECT_TRUE(m.ok()) << (m.ok() ? "" : m.error().message);
  return m.ok() ? std::move(m).value() : SipMessage{};
}

class CallEngineTest : public ::testing::Test {
 protected:
  CallEngineTest() {
    for (const char* user : {"1001", "1002", "1003"}) {
      accounts_.add(user, "pbx.test", std::string("pw") + user);
      directory_.add_user(DirectoryUser{user, user, std::string("User ") + user});
    }
    register_contact("1002", "sip:1002@192.0.2.20:5060", kCalleeA);
    Trunk trunk;
    trunk.name = "provider";
    trunk.tenant_id = 1;
    trunk.realm = "pbx.test";
    trunk.peer = sip::Peer{TransportKind::udp, kProvider.remote, {}, 0};
    trunk.domain = "provider.test";
    trunk.username = "acme";
    trunk.password = "trunk-secret";
    trunk.caller_id = "+380441234567";
    trunk.sources.push_back(parse_trunk_source("198.51.100.7").value());
    trunk.dids = {"+380441234567"};
    trunks_.add(std::move(trunk));
  }

  void register_contact(const std::string& user, const std::string& contact, const Peer& at) {
    const sip::ContactUpdate c{contact, 3600, 1000};
    sip::RegisterUpdate u;
    u.tenant_id = 1;
    const std::string aor = user + "@pbx.test";
    u.aor = aor;
    const std::string call_id = "reg-" + contact;
    u.call_id = call_id;
    u.cseq = 1;
    u.source = &at;
    u.contacts = std::span<const sip::ContactUpdate>(&c, 1);
    ASSERT_EQ(locations_.apply(u), sip::UpdateError::none);
  }

  void inject(const std::string& text, const Peer& from) {
    auto m = sip::parse_message(text);
    ASSERT_TRUE(m.ok()) << m.error().message << "\n" << text;
    transactions_.on_message(std::move(m).value(), from);
    io_.poll();  // the call's scheme runs as a coroutine on the loop
    io_.restart();
  }

  std::string invite_text(const std::string& to_user, int cseq, const std::string& auth = {}) {
    std::string t = "INVITE sip:" + to_user + "@pbx.test SIP/2.0\r\n";
    t += "Via: SIP/2.0/UDP 192.0.2.10:5070;branch=z9hG4bKcaller" + std::to_string(call_no_) + "x" +
         std::to_string(cseq) + ";rport\r\n";
    t += "Max-Forwards: 70\r\n";
    t += "From: \"Olena\" <sip:1001@pbx.test>;tag=callertag\r\n";
    t += "To: <sip:" + to_user + "@pbx.test>\r\n";
    t += "Call-ID: " + call_id() + "\r\n";
    t += "CSeq: " + std::to_string(cseq) + " INVITE\r\n";
    t += "Contact: <sip:1001@192.0.2.10:5070>\r\n";
    if (!auth.empty()) t += "Authorization: " + auth + "\r\n";
    t += "Content-Type: application/sdp\r\n";
    t += "Content-Length: " + std::to_string(kSdp.size()) + "\r\n\r\n";
    t += kSdp;
    return t;
  }

  // INVITE from 1001 answered with 401, then again with credentials (CSeq 2).
  std::string call_id() const { return "call-" + std::to_string(call_no_) + "@192.0.2.10"; }

  void call(const std::string& to_user) {
    ++call_no_;
    inject(invite_text(to_user, 1), kCaller);
    const SipMessage challenge = last_to(kCaller);
    ASSERT_EQ(challenge.status(), 401);
    const std::string nonce =
        sip::testing::challenge_param(challenge.header(sip::HeaderId::www_authenticate), "nonce");
    inject("ACK sip:" + to_user +
               "@pbx.test SIP/2.0\r\n"
               "Via: SIP/2.0/UDP 192.0.2.10:5070;branch=z9hG4bKcaller" +
               std::to_string(call_no_) +
               "x1;rport\r\n"
               "Max-Forwards: 70\r\nFrom: <sip:1001@pbx.test>;tag=callertag\r\n"
               "To: <sip:" +
               to_user + "@pbx.test>;tag=" + std::string(challenge.core().to_tag) +
               "\r\nCall-ID: " + call_id() + "\r\nCSeq: 1 ACK\r\nContent-Length: 0\r\n\r\n",
           kCaller);
    const std::string auth = sip::testing::authorization(
        "1001", "pbx.test", "pw1001", nonce, "sip:" + to_user + "@pbx.test",
        sip::DigestAlgorithm::md5, "00000001", "INVITE");
    inject(invite_text(to_user, 2, auth), kCaller);
  }

  std::vector<SipMessage> sent_to(const Peer& peer) const {
    std::vector<SipMessage> out;
    for (const Sent& s : transport_.sent)
      if (s.to.remote == peer.remote) out.push_back(parse(s.bytes));
    return out;
  }
  SipMessage last_to(const Peer& peer) const {
    auto all = sent_to(peer);
    EXPECT_FALSE(all.empty());
    return all.empty() ? SipMessage{} : std::move(all.back());
  }
  std::vector<int> statuses_to(const Peer& peer) const {
    std::vector<int> out;
    for (const SipMessage& m : sent_to(peer))
      if (m.is_response()) out.push_back(m.status());
    return out;
  }
  std::vector<std::string> methods_to(const Peer& peer) const {
    std::vector<std::string> out;
    for (const SipMessage& m : sent_to(peer))
      if (m.is_request()) out.emplace_back(m.method_text());
    return out;
  }
  // The INVITE the engine sent to a callee.
  SipMessage invite_to(const Peer& peer) const {
    for (SipMessage& m : sent_to(peer))
      if (m.is_request() && m.method() == sip::Method::invite) return std::move(m);
    ADD_FAILURE() << "no INVITE to " << peer.remote.to_string();
    return SipMessage{};
  }

  // A callee's response to the INVITE (or CANCEL/BYE) it got.
  std::string response_to(const SipMessage& request, int status, std::string_view to_tag,
                          std::string_view body = {}, const Peer& from = kCalleeA) {
    std::string t = "SIP/2.0 " + std::to_string(status) + " X\r\n";
    for (const sip::Header& h : request.headers())
      if (h.id == sip::HeaderId::via) t += "Via: " + std::string(h.value) + "\r\n";
    t += "From: " + std::string(request.header(sip::HeaderId::from)) + "\r\n";
    std::string to(request.header(sip::HeaderId::to));
    if (request.core().to_tag.empty() && !to_tag.empty()) to += ";tag=" + std::string(to_tag);
    t += "To: " + to + "\r\n";
    t += "Call-ID: " + std::string(request.core().call_id) + "\r\n";
    t += "CSeq: " + std::string(request.header(sip::HeaderId::cseq)) + "\r\n";
    t += "Contact: <sip:callee@" + from.remote.to_string() + ">\r\n";
    if (!body.empty()) t += "Content-Type: application/sdp\r\n";
    t += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n";
    t += body;
    return t;
  }

  void advance(Duration d) {
    const SteadyTime end = clock_.now() + d;
    for (auto next = timers_.next_deadline(); next && *next <= end;
         next = timers_.next_deadline()) {
      if (*next > clock_.now()) clock_.advance(*next - clock_.now());
      timers_.run_due(clock_.now());
      io_.poll();
      io_.restart();
    }
    if (end > clock_.now()) clock_.advance(end - clock_.now());
  }

  int call_no_ = 0;
  boost::asio::io_context io_;
  MemoryDirectory directory_;
  CallRoutes routes_;
  FakeClock clock_;
  TimerQueue timers_;
  FakeTransport transport_;
  sip::TransactionLayer transactions_{transport_, timers_, clock_};
  sip::testing::FakeAccounts accounts_;
  sip::testing::RecordingStore store_;
  sip::LocationService locations_{timers_, clock_, store_};
  sip::DigestAuthenticator authenticator_{accounts_, clock_};
  sip::Registrar registrar_{accounts_, authenticator_, locations_, clock_};
  RecordingEvents events_;
  TrunkTable trunks_;
  CallEngine engine_{CallEngine::Deps{io_, transactions_, transport_, timers_, clock_, locations_,
                                      accounts_, authenticator_, directory_, routes_, &events_,
                                      nullptr, &trunks_}};
  sip::SipService service_{transactions_, registrar_, &engine_};
};

TEST_F(CallEngineTest, AnsweredCallRelaysRingingAnswerAndBye) {
  call("1002");
  const SipMessage invite = invite_to(kCalleeA);
  EXPECT_EQ(invite.request_uri(), "sip:1002@192.0.2.20:5060");
  EXPECT_EQ(invite.body(), kSdp) << "the offer is passed to the callee";
  EXPECT_NE(invite.core().call_id, call_id()) << "a B2BUA leg has its own Call-ID";
  EXPECT_NE(invite.header(sip::HeaderId::from).find("Olena"), std::string_view::npos);

  inject(response_to(invite, 180, "calleetag"), kCalleeA);
  const std::string answer = "v=0\r\no=- 2 2 IN IP4 192.0.2.20\r\ns=-\r\n";
  inject(response_to(invite, 200, "calleetag", answer), kCalleeA);

  const std::vector<int> to_caller = statuses_to(kCaller);
  ASSERT_GE(to_caller.size(), 4u);  // 401, 100, 180, 200
  EXPECT_EQ(to_caller[1], 100);
  EXPECT_EQ(to_caller[2], 180);
  EXPECT_EQ(to_caller[3], 200);
  const SipMessage ok = last_to(kCaller);
  EXPECT_EQ(ok.body(), answer) << "the callee's answer goes back to the caller";
  EXPECT_FALSE(ok.core().to_tag.empty());
  EXPECT_NE(ok.header(sip::HeaderId::contact).find("192.0.2.1:5060"), std::string_view::npos);
  EXPECT_EQ(methods_to(kCalleeA), (std::vector<std::string>{"INVITE", "ACK"}));

  // The caller ACKs and hangs up: 200 to its BYE, BYE to the callee.
  const std::string tag(ok.core().to_tag);
  const std::string dialog_headers =
      "Max-Forwards: 70\r\nFrom: <sip:1001@pbx.test>;tag=callertag\r\nTo: "
      "<sip:1002@pbx.test>;tag=" +
      tag + "\r\nCall-ID: " + call_id() + "\r\n";
  inject(
      "ACK sip:dzvin@192.0.2.1:5060 SIP/2.0\r\nVia: SIP/2.0/UDP "
      "192.0.2.10:5070;branch=z9hG4bKack2\r\n" +
          dialog_headers + "CSeq: 2 ACK\r\nContent-Length: 0\r\n\r\n",
      kCaller);
  inject(
      "BYE sip:dzvin@192.0.2.1:5060 SIP/2.0\r\nVia: SIP/2.0/UDP "
      "192.0.2.10:5070;branch=z9hG4bKbye3\r\n" +
          dialog_headers + "CSeq: 3 BYE\r\nContent-Length: 0\r\n\r\n",
      kCaller);
  EXPECT_EQ(statuses_to(kCaller).back(), 200);
  const SipMessage bye = last_to(kCalleeA);
  EXPECT_EQ(bye.method(), sip::Method::bye);
  EXPECT_EQ(bye.core().call_id, invite.core().call_id);
  EXPECT_EQ(bye.core().to_tag, "calleetag");
  EXPECT_EQ(bye.request_uri(), "sip:callee@192.0.2.20:5060") << "the callee's Contact";
  EXPECT_EQ(events_.outcome(), "answered: caller hung up");
  EXPECT_EQ(engine_.stats().active_calls, 0u);

  // The ACK stopped the 2xx retransmissions.
  const std::size_t to_caller_now = statuses_to(kCaller).size();
  advance(10s);
  EXPECT_EQ(statuses_to(kCaller).size(), to_caller_now);
}

TEST_F(CallEngineTest, OkIsResentUntilTheAckThenTheCallEndsWithoutOne) {
  call("1002");
  const SipMessage invite = invite_to(kCalleeA);
  inject(response_to(invite, 200, "calleetag", "v=0\r\n"), kCalleeA);
  const auto oks = [&] {
    int n = 0;
    for (int s : statuses_to(kCaller))
      n += s == 200;
    return n;
  };
  EXPECT_EQ(oks(), 1);
  advance(500ms);
  EXPECT_EQ(oks(), 2);
  advance(1000ms);
  EXPECT_EQ(oks(), 3);
  advance(40s);  // 64*T1 without an ACK: §13.3.1.4 ends the call with BYE to both sides
  EXPECT_EQ(methods_to(kCalleeA).back(), "BYE");
  EXPECT_EQ(methods_to(kCaller).back(), "BYE");
  EXPECT_EQ(events_.outcome(), "failed: no ACK from the caller");
}

TEST_F(CallEngineTest, ForkingCancelsTheOtherContactWhenOneAnswers) {
  register_contact("1002", "sip:1002@192.0.2.21:5060", kCalleeB);
  call("1002");
  const SipMessage a = invite_to(kCalleeA);
  const SipMessage b = invite_to(kCalleeB);
  inject(response_to(a, 180, "ta"), kCalleeA);
  inject(response_to(b, 180, "tb", {}, kCalleeB), kCalleeB);
  inject(response_to(b, 200, "tb", "v=0\r\n", kCalleeB), kCalleeB);
  EXPECT_EQ(methods_to(kCalleeB), (std::vector<std::string>{"INVITE", "ACK"}));
  EXPECT_EQ(methods_to(kCalleeA), (std::vector<std::string>{"INVITE", "CANCEL"}));
  const SipMessage cancel = last_to(kCalleeA);
  EXPECT_EQ(cancel.core().top_via.branch, a.core().top_via.branch) << "§9.1: same branch";
  EXPECT_EQ(statuses_to(kCaller).back(), 200);
  // A's answer to the CANCEL and its 487 end that leg quietly.
  inject(response_to(cancel, 200, "ta"), kCalleeA);
  inject(response_to(a, 487, "ta"), kCalleeA);
  EXPECT_EQ(statuses_to(kCaller).back(), 200) << "the caller is not told about the loser";
}

TEST_F(CallEngineTest, BusyCalleeGivesTheCaller486) {
  call("1002");
  inject(response_to(invite_to(kCalleeA), 486, "tb"), kCalleeA);
  EXPECT_EQ(statuses_to(kCaller).back(), 486);
  EXPECT_EQ(events_.outcome(), "missed: busy");
}

TEST_F(CallEngineTest, NoAnswerCancelsAfterTheRingTimeoutAndGivesThe480) {
  call("1002");
  const SipMessage invite = invite_to(kCalleeA);
  inject(response_to(invite, 180, "t"), kCalleeA);
  advance(29s);
  EXPECT_EQ(statuses_to(kCaller).back(), 180);
  advance(1s);
  EXPECT_EQ(statuses_to(kCaller).back(), 480);
  EXPECT_EQ(methods_to(kCalleeA).back(), "CANCEL");
  EXPECT_EQ(events_.outcome(), "missed: no answer");
}

TEST_F(CallEngineTest, CallerCancelGets487AndTheCalleeIsCancelled) {
  call("1002");
  const SipMessage invite = invite_to(kCalleeA);
  inject(response_to(invite, 180, "t"), kCalleeA);
  inject(
      "CANCEL sip:1002@pbx.test SIP/2.0\r\n"
      "Via: SIP/2.0/UDP 192.0.2.10:5070;branch=z9hG4bKcaller1x2;rport\r\n"
      "Max-Forwards: 70\r\nFrom: \"Olena\" <sip:1001@pbx.test>;tag=callertag\r\n"
      "To: <sip:1002@pbx.test>\r\nCall-ID: call-1@192.0.2.10\r\nCSeq: 2 CANCEL\r\n"
      "Content-Length: 0\r\n\r\n",
      kCaller);
  const std::vector<int> st = statuses_to(kCaller);
  ASSERT_GE(st.size(), 2u);
  EXPECT_EQ(st[st.size() - 2], 200) << "the CANCEL itself";
  EXPECT_EQ(st.back(), 487) << "the INVITE";
  EXPECT_EQ(methods_to(kCalleeA).back(), "CANCEL");
  EXPECT_EQ(events_.outcome(), "abandoned: caller hung up while ringing");
}

TEST_F(CallEngineTest, RefusesWhatCannotBeCalled) {
  inject(invite_text("1002", 1), kCaller);
  EXPECT_EQ(statuses_to(kCaller).back(), 401) << "no credentials: challenged";
  EXPECT_TRUE(sent_to(kCalleeA).empty());

  call("9999");
  EXPECT_EQ(statuses_to(kCaller).back(), 404);
  call("1003");  // exists, not registered
  EXPECT_EQ(statuses_to(kCaller).back(), 480);
  EXPECT_EQ(events_.outcome(), "missed: unavailable");

  const std::string bad =
      sip::testing::authorization("1001", "pbx.test", "wrong", "bm9uY2U", "sip:1002@pbx.test",
                                  sip::DigestAlgorithm::md5, "00000001", "INVITE");
  inject(invite_text("1002", 7, bad), kCaller);
  const int status = statuses_to(kCaller).back();
  EXPECT_TRUE(status == 401 || status == 403) << status;
  EXPECT_TRUE(sent_to(kCalleeA).empty()) << "nothing was rung";
}

TEST_F(CallEngineTest, AttachedSchemeRingsItsStepsInOrder) {
  // "Ring 1002 for 5 s, then 1003": the number 500 runs it.
  auto scheme = parse_routing_scheme(R"({"name": "duty", "steps": [
      {"type": "ring", "targets": ["user:1002"], "timeout": 5},
      {"type": "ring", "targets": ["user:1003"], "timeout": 20}]})");
  ASSERT_TRUE(scheme.ok()) << scheme.error().message;
  routes_.attach("500", std::move(*scheme));
  register_contact("1003", "sip:1003@192.0.2.21:5060", kCalleeB);

  call("500");
  const SipMessage first = invite_to(kCalleeA);
  inject(response_to(first, 180, "a"), kCalleeA);
  EXPECT_TRUE(sent_to(kCalleeB).empty()) << "step 2 waits for step 1";
  advance(5s);
  EXPECT_EQ(methods_to(kCalleeA).back(), "CANCEL") << "step 1's timeout";
  const SipMessage second = invite_to(kCalleeB);
  EXPECT_EQ(second.request_uri(), "sip:1003@192.0.2.21:5060");
  inject(response_to(first, 487, "a"), kCalleeA);  // the cancelled leg's answer changes nothing
  inject(response_to(second, 200, "b", "v=0\r\n", kCalleeB), kCalleeB);
  EXPECT_EQ(statuses_to(kCaller).back(), 200);
  EXPECT_EQ(engine_.stats().calls_answered, 1u);
  bool answered_by_1003 = false;
  for (const CallEvent& e : events_.events)
    answered_by_1003 |= e.kind == CallEventKind::answered && e.target == "1003@pbx.test";
  EXPECT_TRUE(answered_by_1003);
}

TEST_F(CallEngineTest, AUserInACallIsSkippedAsBusyUntilItEnds) {
  auto scheme = parse_routing_scheme(R"({"name": "line", "steps": [
      {"type": "ring", "targets": ["user:1002", "user:1003"], "timeout": 5}]})");
  ASSERT_TRUE(scheme.ok()) << scheme.error().message;
  routes_.attach("600", std::move(*scheme));
  register_contact("1003", "sip:1003@192.0.2.21:5060", kCalleeB);
  const auto invites_to = [&](const Peer& peer) {
    std::size_t n = 0;
    for (const SipMessage& m : sent_to(peer))
      n += m.is_request() && m.method() == sip::Method::invite;
    return n;
  };

  call("1002");  // 1002 answers: in a call
  const SipMessage first = invite_to(kCalleeA);
  inject(response_to(first, 200, "a1", "v=0\r\n"), kCalleeA);
  ASSERT_EQ(engine_.stats().calls_answered, 1u);

  call("600");  // 1002 is busy: the sequential step goes straight to 1003
  EXPECT_EQ(invites_to(kCalleeA), 1u) << "the busy user is not rung";
  EXPECT_EQ(invites_to(kCalleeB), 1u);
  const SipMessage to_b = invite_to(kCalleeB);
  inject(response_to(to_b, 486, "b1", {}, kCalleeB), kCalleeB);

  // 1002 hangs up; now the same scheme rings 1002 first.
  std::string bye =
      "BYE sip:dzvin@192.0.2.1:5060 SIP/2.0\r\n"
      "Via: SIP/2.0/UDP 192.0.2.20:5060;branch=z9hG4bKbusybye\r\n"
      "Max-Forwards: 70\r\n";
  bye += "From: " + std::string(first.header(sip::HeaderId::to)) + ";tag=a1\r\n";
  bye += "To: " + std::string(first.header(sip::HeaderId::from)) + "\r\n";
  bye += "Call-ID: " + std::string(first.core().call_id) + "\r\nCSeq: 1 BYE\r\n";
  bye += "Content-Length: 0\r\n\r\n";
  inject(bye, kCalleeA);
  call("600");
  EXPECT_EQ(invites_to(kCalleeA), 2u) << "free again";
  EXPECT_EQ(invites_to(kCalleeB), 1u);
}

TEST_F(CallEngineTest, KeysAsSipInfoAreTakenAndBadOnesRefused) {
  call("1002");
  const SipMessage invite = invite_to(kCalleeA);
  inject(response_to(invite, 200, "calleetag", "v=0\r\n"), kCalleeA);
  const std::string tag(last_to(kCaller).core().to_tag);
  const auto info = [&](int cseq, std::string_view type, std::string_view body) {
    std::string t = "INFO sip:dzvin@192.0.2.1:5060 SIP/2.0\r\n";
    t += "Via: SIP/2.0/UDP 192.0.2.10:5070;branch=z9hG4bKinfo" + std::to_string(cseq) + "\r\n";
    t += "Max-Forwards: 70\r\nFrom: <sip:1001@pbx.test>;tag=callertag\r\n";
    t += "To: <sip:1002@pbx.test>;tag=" + tag + "\r\nCall-ID: " + call_id() + "\r\n";
    t += "CSeq: " + std::to_string(cseq) + " INFO\r\nContent-Type: " + std::string(type) + "\r\n";
    t += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + std::string(body);
    return t;
  };
  inject(info(10, "application/dtmf-relay", "Signal=7\r\nDuration=160\r\n"), kCaller);
  EXPECT_EQ(statuses_to(kCaller).back(), 200);
  inject(info(11, "application/dtmf-relay", "Signal=x\r\n"), kCaller);
  EXPECT_EQ(statuses_to(kCaller).back(), 400) << "not a key";
  inject(info(12, "application/dtmf", "#"), kCaller);
  EXPECT_EQ(statuses_to(kCaller).back(), 200);
  inject(info(13, "application/x-other", "whatever"), kCaller);
  EXPECT_EQ(statuses_to(kCaller).back(), 200) << "other INFO is acknowledged as before";
}

TEST_F(CallEngineTest, ByeFromTheCalleeEndsTheCallerSide) {
  call("1002");
  const SipMessage invite = invite_to(kCalleeA);
  inject(response_to(invite, 200, "calleetag", "v=0\r\n"), kCalleeA);
  const SipMessage ok = last_to(kCaller);
  std::string bye =
      "BYE sip:dzvin@192.0.2.1:5060 SIP/2.0\r\n"
      "Via: SIP/2.0/UDP 192.0.2.20:5060;branch=z9hG4bKcalleebye\r\n"
      "Max-Forwards: 70\r\n";
  bye += "From: " + std::string(invite.header(sip::HeaderId::to)) + ";tag=calleetag\r\n";
  bye += "To: " + std::string(invite.header(sip::HeaderId::from)) + "\r\n";
  bye += "Call-ID: " + std::string(invite.core().call_id) + "\r\nCSeq: 1 BYE\r\n";
  bye += "Content-Length: 0\r\n\r\n";
  inject(bye, kCalleeA);
  EXPECT_EQ(statuses_to(kCalleeA).back(), 200);
  const SipMessage to_caller = last_to(kCaller);
  EXPECT_EQ(to_caller.method(), sip::Method::bye);
  EXPECT_EQ(to_caller.request_uri(), "sip:1001@192.0.2.10:5070");
  EXPECT_EQ(to_caller.core().from_tag, ok.core().to_tag);
  EXPECT_EQ(to_caller.core().to_tag, "callertag");
  EXPECT_EQ(events_.outcome(), "answered: callee hung up");
}

// ---- trunks ---------------------------------------------------------------------------------

namespace {

// An INVITE from the provider: no credentials, the DID in `ruri_user`.
std::string provider_invite(std::string_view ruri_user, std::string_view from_user,
                            std::string_view branch) {
  std::string t = "INVITE sip:" + std::string(ruri_user) + "@192.0.2.1 SIP/2.0\r\n";
  t += "Via: SIP/2.0/UDP 198.51.100.7:5060;branch=z9hG4bK" + std::string(branch) + "\r\n";
  t += "Max-Forwards: 69\r\n";
  t += "From: <sip:" + std::string(from_user) + "@provider.test>;tag=prov\r\n";
  t += "To: <sip:" + std::string(ruri_user) + "@192.0.2.1>\r\n";
  t += "Call-ID: " + std::string(branch) + "@provider.test\r\n";
  t += "CSeq: 10 INVITE\r\nContact: <sip:gw@198.51.100.7:5060>\r\n";
  t += "Content-Type: application/sdp\r\n";
  t += "Content-Length: " + std::to_string(kSdp.size()) + "\r\n\r\n";
  t += kSdp;
  return t;
}

}  // namespace

TEST_F(CallEngineTest, TrunkCallReachesItsDidWithoutAChallenge) {
  auto scheme = parse_routing_scheme(
      R"({"name": "office", "steps": [{"type": "ring", "targets": ["user:1002"]}]})");
  ASSERT_TRUE(scheme.ok());
  routes_.attach("+380441234567", std::move(*scheme));
  // The provider writes the DID nationally and the caller without the country code.
  inject(provider_invite("0441234567", "0501112233", "in1"), kProvider);
  EXPECT_EQ(statuses_to(kProvider).front(), 100) << "no 401 for the trunk's address";
  const SipMessage invite = invite_to(kCalleeA);
  EXPECT_NE(invite.header(sip::HeaderId::from).find("sip:+380501112233@pbx.test"),
            std::string_view::npos)
      << "the caller's number in E.164 for the phone";
  inject(response_to(invite, 200, "a", "v=0\r\n"), kCalleeA);
  EXPECT_EQ(statuses_to(kProvider).back(), 200);
  EXPECT_EQ(engine_.stats().from_trunks, 1u);
  ASSERT_FALSE(events_.events.empty());
  EXPECT_EQ(events_.events.front().caller, "+380501112233");
  EXPECT_EQ(events_.events.front().called, "+380441234567");
}

TEST_F(CallEngineTest, TrunkReachesOnlyItsNumbersAndOthersAreChallenged) {
  auto scheme = parse_routing_scheme(
      R"({"name": "office", "steps": [{"type": "ring", "targets": ["user:1002"]}]})");
  ASSERT_TRUE(scheme.ok());
  routes_.attach("+380441234567", *scheme);
  routes_.attach("+380449999999", *scheme);  // a scheme, but not a DID of this trunk
  inject(provider_invite("1002", "0501112233", "in2"), kProvider);
  EXPECT_EQ(statuses_to(kProvider).back(), 404) << "an extension is not reachable from outside";
  inject(provider_invite("+380449999999", "0501112233", "in3"), kProvider);
  EXPECT_EQ(statuses_to(kProvider).back(), 404);
  inject(provider_invite("0000", "0501112233", "in4"), kProvider);
  EXPECT_EQ(statuses_to(kProvider).back(), 404);
  // The same INVITE from any other address must authenticate.
  const Peer stranger{TransportKind::udp, ep("198.51.100.8:5060"), kPbx, 0};
  inject(provider_invite("0441234567", "0501112233", "in5"), stranger);
  EXPECT_EQ(statuses_to(stranger).back(), 401);
  EXPECT_TRUE(sent_to(kCalleeA).empty()) << "nothing rang";
  EXPECT_EQ(engine_.stats().from_trunks, 0u);
}

TEST_F(CallEngineTest, ExternalNumberGoesOutThroughTheTrunkWithCredentials) {
  call("050-111-22-33");  // as typed, with visual separators
  const SipMessage first = invite_to(kProvider);
  EXPECT_EQ(first.request_uri(), "sip:+380501112233@provider.test");
  const std::string_view from = first.header(sip::HeaderId::from);
  EXPECT_NE(from.find("sip:+380441234567@provider.test"), std::string_view::npos)
      << "the trunk's caller ID: " << from;
  EXPECT_NE(from.find("\"Olena\""), std::string_view::npos) << from;

  // The provider asks for credentials (as a proxy): the INVITE comes again with them.
  std::string challenge = response_to(first, 407, "p1", {}, kProvider);
  challenge.insert(challenge.find("Content-Length"),
                   "Proxy-Authenticate: Digest realm=\"provider.test\", nonce=\"abc123\", "
                   "qop=\"auth\", algorithm=MD5\r\n");
  inject(challenge, kProvider);
  std::vector<SipMessage> invites;
  for (SipMessage& m : sent_to(kProvider))
    if (m.is_request() && m.method() == sip::Method::invite) invites.push_back(std::move(m));
  ASSERT_EQ(invites.size(), 2u);
  const SipMessage& second = invites[1];
  EXPECT_EQ(second.core().call_id, first.core().call_id) << "RFC 3261 §22.2: same Call-ID";
  EXPECT_EQ(second.core().cseq, first.core().cseq + 1);
  const std::string_view auth = second.header(sip::HeaderId::proxy_authorization);
  EXPECT_NE(auth.find("username=\"acme\""), std::string_view::npos) << auth;
  EXPECT_NE(auth.find("nonce=\"abc123\""), std::string_view::npos) << auth;
  EXPECT_NE(auth.find("uri=\"sip:+380501112233@provider.test\""), std::string_view::npos) << auth;
  EXPECT_EQ(engine_.stats().trunk_auth, 1u);

  // The provider's answer reaches the caller.
  inject(response_to(second, 200, "p2", "v=0\r\n", kProvider), kProvider);
  EXPECT_EQ(statuses_to(kCaller).back(), 200);
  bool answered_by_number = false;
  for (const CallEvent& e : events_.events)
    answered_by_number |= e.kind == CallEventKind::answered && e.target == "+380501112233";
  EXPECT_TRUE(answered_by_number);
}

TEST_F(CallEngineTest, RepeatedChallengeFailsTheLeg) {
  call("0501112233");
  const SipMessage first = invite_to(kProvider);
  const std::string header = "Proxy-Authenticate: Digest realm=\"provider.test\", nonce=\"n1\"\r\n";
  std::string challenge = response_to(first, 407, "p1", {}, kProvider);
  challenge.insert(challenge.find("Content-Length"), header);
  inject(challenge, kProvider);
  std::vector<SipMessage> invites;
  for (SipMessage& m : sent_to(kProvider))
    if (m.is_request() && m.method() == sip::Method::invite) invites.push_back(std::move(m));
  ASSERT_EQ(invites.size(), 2u);
  challenge = response_to(invites[1], 407, "p2", {}, kProvider);
  challenge.insert(challenge.find("Content-Length"), header);
  inject(challenge, kProvider);
  std::size_t invite_count = 0;
  for (const SipMessage& m : sent_to(kProvider))
    invite_count += m.is_request() && m.method() == sip::Method::invite;
  EXPECT_EQ(invite_count, 2u) << "wrong credentials are not sent again";
  const int status = statuses_to(kCaller).back();
  EXPECT_GE(status, 400) << "the caller gets a final failure";
  EXPECT_EQ(engine_.stats().active_calls, 0u);
}

TEST_F(CallEngineTest, TwoMobilesRingAtOnceAndTheLoserIsCancelled) {
  auto scheme = parse_routing_scheme(R"({"name": "mobiles", "steps": [
      {"type": "ring", "targets": ["number:050 111 22 33", "number:067 111 22 33"],
       "strategy": "simultaneous", "timeout": 20}]})");
  ASSERT_TRUE(scheme.ok()) << scheme.error().message;
  routes_.attach("+380441234567", std::move(*scheme));
  inject(provider_invite("+380441234567", "+380631234567", "in6"), kProvider);
  std::vector<SipMessage> invites;
  for (SipMessage& m : sent_to(kProvider))
    if (m.is_request() && m.method() == sip::Method::invite) invites.push_back(std::move(m));
  ASSERT_EQ(invites.size(), 2u) << "both mobiles through the trunk at once";
  EXPECT_EQ(invites[0].request_uri(), "sip:+380501112233@provider.test");
  EXPECT_EQ(invites[1].request_uri(), "sip:+380671112233@provider.test");
  inject(response_to(invites[0], 180, "m1", {}, kProvider), kProvider);
  inject(response_to(invites[1], 180, "m2", {}, kProvider), kProvider);
  inject(response_to(invites[1], 200, "m2", "v=0\r\n", kProvider), kProvider);
  bool cancelled_first = false;
  for (const SipMessage& m : sent_to(kProvider))
    cancelled_first |= m.is_request() && m.method() == sip::Method::cancel &&
                       m.core().call_id == invites[0].core().call_id;
  EXPECT_TRUE(cancelled_first) << "the other mobile stops ringing";
  EXPECT_EQ(engine_.stats().calls_answered, 1u);
  EXPECT_EQ(engine_.stats().trunk_legs, 2u);
}

TEST(TrunkTest, NumbersAreWrittenTheWayTheProviderWants) {
  EXPECT_EQ(format_for_trunk("+380501112233", TrunkNumberFormat::e164), "+380501112233");
  EXPECT_EQ(format_for_trunk("+380501112233", TrunkNumberFormat::e164_digits), "380501112233");
  EXPECT_EQ(format_for_trunk("+380501112233", TrunkNumberFormat::national), "0501112233");
  EXPECT_EQ(format_for_trunk("+48221234567", TrunkNumberFormat::national), "0048221234567");
  EXPECT_EQ(parse_trunk_number_format("national"), TrunkNumberFormat::national);
  EXPECT_FALSE(parse_trunk_number_format("local").has_value());
}

TEST(TrunkTest, SourcesMatchAddressPortAndPrefix) {
  const auto at = [](std::string_view text) { return IpEndpoint::parse(text, 5060).value(); };
  const TrunkSource any_port = parse_trunk_source("198.51.100.7").value();
  EXPECT_TRUE(any_port.matches(at("198.51.100.7:5080")));
  EXPECT_FALSE(any_port.matches(at("198.51.100.8:5060")));
  const TrunkSource one_port = parse_trunk_source("198.51.100.7:5090").value();
  EXPECT_TRUE(one_port.matches(at("198.51.100.7:5090")));
  EXPECT_FALSE(one_port.matches(at("198.51.100.7:5060")));
  const TrunkSource net = parse_trunk_source("198.51.100.0/25").value();
  EXPECT_TRUE(net.matches(at("198.51.100.127:1")));
  EXPECT_FALSE(net.matches(at("198.51.100.128:1")));
  const TrunkSource v6 = parse_trunk_source("2001:db8::/32").value();
  EXPECT_TRUE(v6.matches(at("[2001:db8:1::5]:5060")));
  EXPECT_FALSE(v6.matches(at("198.51.100.7:5060")));
  EXPECT_FALSE(parse_trunk_source("198.51.100.0/33").ok());
  EXPECT_FALSE(parse_trunk_source("provider.example").ok());
  EXPECT_FALSE(parse_trunk_source("198.51.100.7:99999").ok());
}

}  // namespace
}  // namespace dzvin::pbx
