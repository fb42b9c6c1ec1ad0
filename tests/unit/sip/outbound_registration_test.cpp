// Outbound registration to a trunk provider, driven like a script: our REGISTER leaves through a
// fake transport, the test answers it (challenges made by Dzvin's own DigestAuthenticator,
// whose verifier then checks our credentials), the fake clock moves the refreshes and retries.
#include "sip/outbound_registration.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "base/clock.hpp"
#include "base/log.hpp"
#include "base/timer_queue.hpp"
#include "registrar_fixture.hpp"
#include "sip/digest_authenticator.hpp"
#include "sip/location_service.hpp"
#include "sip/message_writer.hpp"
#include "sip/registrar.hpp"
#include "sip/request_dispatcher.hpp"
#include "sip/response_headers.hpp"
#include "sip/sip_message.hpp"

namespace dzvin::sip {
namespace {

using std::chrono::seconds;
using testing::CapturingTransport;
using testing::FakeAccounts;
using testing::RecordingStore;

IpEndpoint ep(std::string_view text) {
  return IpEndpoint::parse(text, 5060).value();
}

constexpr std::string_view kRealm = "sip.provider.test";
constexpr std::string_view kPassword = "trunk-secret-42";
const Peer kRegistrar{TransportKind::udp, ep("198.51.100.7:5060"), ep("203.0.113.5:5060"), 0};
// How the registrar's responses arrive at us.
const Peer kFromRegistrar{TransportKind::udp, ep("198.51.100.7:5060"), ep("203.0.113.5:5060"), 0};

OutboundRegistrationConfig trunk_config() {
  OutboundRegistrationConfig c;
  c.name = "provider";
  c.registrar = kRegistrar;
  c.registrar_uri = "sip:sip.provider.test";
  c.aor = "sip:380441234567@sip.provider.test";
  c.auth_username = "380441234567";
  c.password = std::string(kPassword);
  c.contact = "sip:380441234567@203.0.113.5:5060";
  c.expires = seconds(300);
  return c;
}

// What SipService does for client transactions.
class RegistrationsUser final : public TransactionUser {
 public:
  explicit RegistrationsUser(OutboundRegistrations& r) : registrations(r) {}
  void on_request(TransactionId, const SipMessage&, const Peer&) override {}
  void on_response(TransactionId tx, const SipMessage& response) override {
    registrations.on_response(tx, response);
  }
  void on_client_failure(TransactionId tx, ClientOutcome outcome) override {
    registrations.on_client_failure(tx, outcome);
  }
  OutboundRegistrations& registrations;
};

std::vector<std::string>* g_log_lines = nullptr;
void capture_log(std::string_view line) {
  if (g_log_lines != nullptr) g_log_lines->emplace_back(line);
}

OutboundRegistrationTiming test_timing() {
  OutboundRegistrationTiming t;
  t.retry_initial = seconds(5);
  t.retry_max = seconds(20);
  t.min_refresh = seconds(5);
  return t;
}

class OutboundRegistrationTest : public ::testing::Test {
 protected:
  OutboundRegistrationTest() {
    accounts.add("380441234567", std::string(kRealm), kPassword);
    transactions.set_user(&user);
    g_log_lines = &log_lines;
    set_log_sink(&capture_log);
    set_log_level(LogLevel::debug);
  }
  ~OutboundRegistrationTest() override {
    set_log_sink(nullptr);
    set_log_level(LogLevel::info);
    g_log_lines = nullptr;
    transactions.set_user(nullptr);
  }

  std::size_t sent_count() const { return transport.sent.size(); }
  SipMessage request(std::size_t i) {
    auto m = parse_message(transport.sent.at(i));
    EXPECT_TRUE(m) << transport.sent.at(i);
    return m ? std::move(*m) : SipMessage{};
  }
  SipMessage last_request() { return request(transport.sent.size() - 1); }

  // Answers the last request sent, as the registrar would.
  void answer(int status, std::span<const ExtraHeader> extra = {}) {
    const SipMessage req = last_request();
    std::string out;
    build_response(out, req, ResponseContext{}, status, default_reason(status), "reg-tag", extra);
    auto msg = parse_message(out);
    ASSERT_TRUE(msg) << out;
    transactions.on_message(std::move(*msg), kFromRegistrar);
  }
  void challenge(bool stale = false) {
    ResponseHeaders h;
    provider.add_challenges(h, kRealm, stale);
    answer(401, h.extra());
  }
  void ok(std::string_view contact_value, std::string_view expires_header = {}) {
    std::vector<ExtraHeader> extra;
    if (!contact_value.empty()) extra.push_back({"Contact", contact_value});
    if (!expires_header.empty()) extra.push_back({"Expires", expires_header});
    answer(200, extra);
  }
  // The provider's verdict on the credentials of the last request.
  AuthOutcome verify_last() {
    const SipMessage req = last_request();
    return provider.authenticate(req, kRealm).outcome;
  }
  // Moves time on one second at a time (timers run when they are due, as on the loop).
  void wait(Duration d) {
    for (Duration step = seconds(1); d > Duration::zero(); d -= step) {
      if (d < step) step = d;
      clock.advance(step);
      timers.run_due(clock.now());
    }
  }
  OutboundRegistrationStatus state() const { return registrations.status().at(0); }
  // Registers the trunk through 401 -> credentials -> 200 granting `granted` seconds.
  void register_trunk(std::string_view granted = "300") {
    registrations.add(trunk_config());
    challenge();
    ok("<sip:380441234567@203.0.113.5:5060>;expires=" + std::string(granted));
    ASSERT_EQ(state().state, RegistrationState::registered);
  }

  FakeClock clock;
  TimerQueue timers;
  CapturingTransport transport;
  TransactionLayer transactions{transport, timers, clock};
  FakeAccounts accounts;
  DigestAuthenticator provider{accounts, clock};
  OutboundRegistrations registrations{transactions, timers, clock, test_timing()};
  RegistrationsUser user{registrations};
  std::vector<std::string> log_lines;
};

TEST_F(OutboundRegistrationTest, ChallengeCredentialsThenRegisteredAndRefreshedHalfWay) {
  std::vector<OutboundRegistrationStatus> changes;
  registrations.on_change = [&](const OutboundRegistrationStatus& s) { changes.push_back(s); };
  registrations.add(trunk_config());

  ASSERT_EQ(sent_count(), 1u);
  EXPECT_EQ(transport.destinations.at(0).remote, kRegistrar.remote);
  const SipMessage first = request(0);
  EXPECT_EQ(first.method(), Method::register_);
  EXPECT_EQ(first.request_uri(), "sip:sip.provider.test");
  EXPECT_EQ(first.header(HeaderId::to), "<sip:380441234567@sip.provider.test>");
  EXPECT_EQ(first.header(HeaderId::contact), "<sip:380441234567@203.0.113.5:5060>");
  EXPECT_EQ(first.header(HeaderId::expires), "300");
  EXPECT_EQ(first.core().cseq, 1u);
  EXPECT_EQ(first.core().top_via.host, "203.0.113.5");
  EXPECT_EQ(first.find(HeaderId::authorization), nullptr);
  EXPECT_EQ(state().state, RegistrationState::registering);
  EXPECT_EQ(state().attempts, 1u);

  challenge();
  ASSERT_EQ(sent_count(), 2u);
  const SipMessage second = request(1);
  // RFC 3261 §10.2: same Call-ID (and From tag here), CSeq + 1, a new transaction.
  EXPECT_EQ(second.core().call_id, first.core().call_id);
  EXPECT_EQ(second.core().from_tag, first.core().from_tag);
  EXPECT_EQ(second.core().cseq, 2u);
  EXPECT_NE(second.core().top_via.branch, first.core().top_via.branch);
  EXPECT_EQ(verify_last(), AuthOutcome::authenticated);

  // The 200 lists our Contact with what the registrar granted; the Expires header is not ours.
  ok("<sip:other@192.0.2.9>;expires=30, <sip:380441234567@203.0.113.5:5060>;expires=120", "3600");
  OutboundRegistrationStatus s = state();
  EXPECT_EQ(s.state, RegistrationState::registered);
  EXPECT_EQ(s.last_status, 200);
  EXPECT_EQ(s.attempts, 0u);
  EXPECT_EQ(s.expires_at, clock.wall_now() + seconds(120));
  ASSERT_FALSE(changes.empty());
  EXPECT_EQ(changes.back().state, RegistrationState::registered);

  wait(seconds(59));
  EXPECT_EQ(sent_count(), 2u);
  wait(seconds(1));  // half of 120 s
  ASSERT_EQ(sent_count(), 3u);
  const SipMessage refresh = last_request();
  EXPECT_EQ(refresh.core().call_id, first.core().call_id);
  EXPECT_EQ(refresh.core().cseq, 3u);
  EXPECT_EQ(refresh.header(HeaderId::expires), "300");
  EXPECT_EQ(state().state, RegistrationState::registered);  // still bound while refreshing

  challenge();
  EXPECT_EQ(verify_last(), AuthOutcome::authenticated);
  ok({}, "200");  // no Contact listed: the Expires header
  EXPECT_EQ(state().expires_at, clock.wall_now() + seconds(200));
  wait(seconds(99));
  EXPECT_EQ(sent_count(), 4u);
  wait(seconds(1));
  EXPECT_EQ(sent_count(), 5u);
  ok({});  // neither: what we asked for
  EXPECT_EQ(state().expires_at, clock.wall_now() + seconds(300));

  for (const std::string& line : log_lines)
    EXPECT_EQ(line.find(kPassword), std::string::npos) << line;
  bool logged_registered = false;
  for (const std::string& line : log_lines)
    logged_registered |= line.find("sip.trunk.registered") != std::string::npos;
  EXPECT_TRUE(logged_registered);
}

TEST_F(OutboundRegistrationTest, ShortGrantRefreshesBeforeExpiry) {
  register_trunk("8");
  // Half of 8 s is below min_refresh: 5 s.
  wait(seconds(4));
  EXPECT_EQ(sent_count(), 2u);
  wait(seconds(1));
  EXPECT_EQ(sent_count(), 3u);
  // A grant shorter than min_refresh: at 90 % of it (3.6 s of 4 s), before it ends.
  ok("<sip:380441234567@203.0.113.5:5060>;expires=4");
  wait(seconds(3));
  EXPECT_EQ(sent_count(), 3u);
  wait(seconds(1));
  EXPECT_EQ(sent_count(), 4u);
}

TEST_F(OutboundRegistrationTest, StaleChallengeIsAnsweredAgain) {
  registrations.add(trunk_config());
  challenge();
  challenge(/*stale=*/true);
  ASSERT_EQ(sent_count(), 3u);
  EXPECT_EQ(verify_last(), AuthOutcome::authenticated);
  ok("<sip:380441234567@203.0.113.5:5060>;expires=300");
  EXPECT_EQ(state().state, RegistrationState::registered);
}

TEST_F(OutboundRegistrationTest, SecondChallengeMeansBadCredentialsAndBacksOff) {
  registrations.add(trunk_config());
  challenge();
  challenge();  // the same attempt, not stale: our credentials were refused
  EXPECT_EQ(sent_count(), 2u);
  OutboundRegistrationStatus s = state();
  EXPECT_EQ(s.state, RegistrationState::failed);
  EXPECT_EQ(s.last_status, 401);
  EXPECT_NE(s.last_reason.find("credentials refused"), std::string::npos) << s.last_reason;

  wait(seconds(4));
  EXPECT_EQ(sent_count(), 2u);
  wait(seconds(1));  // retry_initial
  ASSERT_EQ(sent_count(), 3u);
  EXPECT_EQ(last_request().find(HeaderId::authorization), nullptr);  // a new attempt
  EXPECT_EQ(last_request().core().cseq, 3u);
  EXPECT_EQ(state().state, RegistrationState::registering);
  EXPECT_EQ(state().attempts, 2u);

  for (const std::string& line : log_lines)
    EXPECT_EQ(line.find(kPassword), std::string::npos) << line;
}

TEST_F(OutboundRegistrationTest, ForbiddenFailsAndRetriesWithDoublingBackOff) {
  registrations.add(trunk_config());
  answer(403);
  EXPECT_EQ(state().state, RegistrationState::failed);
  EXPECT_EQ(state().last_status, 403);
  EXPECT_EQ(state().last_reason, "Forbidden");
  EXPECT_EQ(state().expires_at, WallTime{});

  // 5 s, then 10 s, then 20 s (retry_max), then 20 s again.
  const int expected_gaps[] = {5, 10, 20, 20};
  for (int gap : expected_gaps) {
    const std::size_t before = sent_count();
    wait(seconds(gap - 1));
    EXPECT_EQ(sent_count(), before) << gap;
    wait(seconds(1));
    ASSERT_EQ(sent_count(), before + 1) << gap;
    answer(403);
  }
  EXPECT_EQ(state().attempts, 5u);

  // A success resets the back-off.
  wait(seconds(20));
  challenge();
  ok("<sip:380441234567@203.0.113.5:5060>;expires=300");
  EXPECT_EQ(state().state, RegistrationState::registered);
  EXPECT_EQ(state().attempts, 0u);
}

TEST_F(OutboundRegistrationTest, IntervalTooBriefRaisesExpiresToMinExpires) {
  registrations.add(trunk_config());
  challenge();
  const ExtraHeader min_expires[] = {{"Min-Expires", "600"}};
  answer(423, min_expires);
  ASSERT_EQ(sent_count(), 3u);
  const SipMessage retry = last_request();
  EXPECT_EQ(retry.header(HeaderId::expires), "600");
  EXPECT_EQ(retry.core().cseq, 3u);
  EXPECT_EQ(retry.find(HeaderId::authorization), nullptr);
  challenge();  // a first challenge for the new request: answered
  EXPECT_EQ(verify_last(), AuthOutcome::authenticated);
  ok("<sip:380441234567@203.0.113.5:5060>;expires=600");
  EXPECT_EQ(state().state, RegistrationState::registered);
  wait(seconds(300));
  EXPECT_EQ(last_request().header(HeaderId::expires), "600");  // kept for refreshes
}

TEST_F(OutboundRegistrationTest, IntervalTooBriefWithoutUsableMinExpiresFails) {
  registrations.add(trunk_config());
  answer(423);
  EXPECT_EQ(state().state, RegistrationState::failed);
  EXPECT_EQ(state().last_status, 423);
  const ExtraHeader lower[] = {{"Min-Expires", "60"}};
  wait(seconds(5));
  answer(423, lower);  // not above what we asked: no progress possible
  EXPECT_EQ(state().state, RegistrationState::failed);
}

TEST_F(OutboundRegistrationTest, TimeoutIsA408FailureThenRetried) {
  registrations.add(trunk_config());
  wait(seconds(32));  // Timer F = 64*T1
  OutboundRegistrationStatus s = state();
  EXPECT_EQ(s.state, RegistrationState::failed);
  EXPECT_EQ(s.last_status, 408);
  const std::size_t before = sent_count();  // the REGISTER and its retransmissions
  EXPECT_GT(before, 1u);
  wait(seconds(5));
  ASSERT_EQ(sent_count(), before + 1);
  EXPECT_EQ(last_request().core().cseq, 2u);
}

TEST_F(OutboundRegistrationTest, TransportErrorIsA503FailureThenRetried) {
  transport.fail = true;
  registrations.add(trunk_config());
  EXPECT_EQ(state().state, RegistrationState::failed);
  EXPECT_EQ(state().last_status, 503);
  transport.fail = false;
  wait(seconds(5));
  ASSERT_EQ(sent_count(), 1u);
  challenge();
  ok("<sip:380441234567@203.0.113.5:5060>;expires=300");
  EXPECT_EQ(state().state, RegistrationState::registered);
}

TEST_F(OutboundRegistrationTest, GrantOfZeroIsAFailure) {
  registrations.add(trunk_config());
  ok("<sip:380441234567@203.0.113.5:5060>;expires=0");
  EXPECT_EQ(state().state, RegistrationState::failed);
  EXPECT_EQ(state().last_status, 200);
}

TEST_F(OutboundRegistrationTest, UnregisterAllSendsExpiresZeroAndStops) {
  register_trunk();
  OutboundRegistrationConfig other = trunk_config();
  other.name = "backup";
  transport.fail = true;
  registrations.add(other);  // fails at once: nothing to remove
  transport.fail = false;
  const std::size_t before = sent_count();

  registrations.unregister_all();
  ASSERT_EQ(sent_count(), before + 1);
  const SipMessage bye = last_request();
  EXPECT_EQ(bye.header(HeaderId::expires), "0");
  EXPECT_EQ(bye.header(HeaderId::contact), "<sip:380441234567@203.0.113.5:5060>");
  EXPECT_EQ(registrations.unregistering(), 1u);
  EXPECT_EQ(registrations.status().at(1).state, RegistrationState::unregistered);

  challenge();  // removing needs credentials too
  ASSERT_EQ(sent_count(), before + 2);
  EXPECT_EQ(last_request().header(HeaderId::expires), "0");
  EXPECT_EQ(verify_last(), AuthOutcome::authenticated);
  ok({});
  EXPECT_EQ(state().state, RegistrationState::unregistered);
  EXPECT_EQ(registrations.unregistering(), 0u);

  wait(seconds(1000));  // no refresh, no retry
  EXPECT_EQ(sent_count(), before + 2);
}

TEST_F(OutboundRegistrationTest, UnknownTransactionsAreNotOurs) {
  registrations.add(trunk_config());
  const SipMessage req = last_request();
  std::string out;
  build_response(out, req, ResponseContext{}, 200, "OK");
  auto msg = parse_message(out);
  ASSERT_TRUE(msg);
  EXPECT_FALSE(registrations.on_response(987654321, *msg));
  EXPECT_FALSE(registrations.on_client_failure(987654321, ClientOutcome::timeout));
  EXPECT_FALSE(registrations.on_response(0, *msg));
  EXPECT_EQ(state().state, RegistrationState::registering);
}

TEST_F(OutboundRegistrationTest, DuplicateNameIgnored) {
  registrations.add(trunk_config());
  registrations.add(trunk_config());
  EXPECT_EQ(registrations.status().size(), 1u);
  EXPECT_EQ(sent_count(), 1u);
}

// --- Against Dzvin's own registrar ------------------------------------------------------------

TEST(OutboundRegistrationInterop, RegistersWithDzvinsRegistrar) {
  FakeClock clock;
  TimerQueue timers;
  // Two stacks in one process: what one sends, the other receives.
  CapturingTransport to_server, to_client;
  TransactionLayer client{to_server, timers, clock};
  TransactionLayer server{to_client, timers, clock};

  FakeAccounts accounts;
  accounts.add("380441234567", std::string(kRealm), kPassword);
  RecordingStore store;
  LocationService locations{timers, clock, store};
  DigestAuthenticator authenticator{accounts, clock};
  RegistrarConfig registrar_config;
  registrar_config.min_expires = 600;  // a 423 first
  Registrar registrar{accounts, authenticator, locations, clock, registrar_config};
  SipService service{server, registrar};

  OutboundRegistrations registrations{client, timers, clock};
  RegistrationsUser user{registrations};
  client.set_user(&user);
  registrations.add(trunk_config());

  const Peer client_seen_by_server{TransportKind::udp, ep("203.0.113.5:5060"),
                                   ep("198.51.100.7:5060"), 0};
  std::size_t delivered_to_server = 0, delivered_to_client = 0;
  while (delivered_to_server < to_server.sent.size() ||
         delivered_to_client < to_client.sent.size()) {
    ASSERT_LT(delivered_to_server, 20u);
    while (delivered_to_server < to_server.sent.size()) {
      auto m = parse_message(to_server.sent[delivered_to_server++]);
      ASSERT_TRUE(m);
      server.on_message(std::move(*m), client_seen_by_server);
    }
    while (delivered_to_client < to_client.sent.size()) {
      auto m = parse_message(to_client.sent[delivered_to_client++]);
      ASSERT_TRUE(m);
      client.on_message(std::move(*m), kFromRegistrar);
    }
  }
  // REGISTER -> 401; with credentials -> 423 (the registrar's min_expires is 600); Expires 600
  // -> 401; with credentials -> 200.
  EXPECT_EQ(delivered_to_server, 4u);
  const OutboundRegistrationStatus s = registrations.status().at(0);
  EXPECT_EQ(s.state, RegistrationState::registered) << s.last_status << " " << s.last_reason;
  EXPECT_EQ(s.expires_at, clock.wall_now() + seconds(600));
  const auto bindings = locations.find("380441234567@sip.provider.test");
  ASSERT_EQ(bindings.size(), 1u);
  EXPECT_EQ(bindings[0].binding.contact, "sip:380441234567@203.0.113.5:5060");
  client.set_user(nullptr);
}

}  // namespace
}  // namespace dzvin::sip
