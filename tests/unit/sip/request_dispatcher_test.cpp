#include "sip/request_dispatcher.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "base/clock.hpp"
#include "base/timer_queue.hpp"
#include "registrar_fixture.hpp"
#include "sip/outbound_registration.hpp"
#include "sip/sip_message.hpp"

namespace dzvin::sip {
namespace {

using testing::authorization;
using testing::CapturingTransport;
using testing::challenge_param;
using testing::FakeAccounts;
using testing::RecordingStore;

std::string request(std::string_view method, std::string_view extra_headers = {},
                    std::string_view uri = "sip:pbx.test", std::string_view branch = "z9hG4bK-d1") {
  std::string m = std::string(method) + " " + std::string(uri) + " SIP/2.0\r\n";
  m += "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=" + std::string(branch) + "\r\n";
  m += "Max-Forwards: 70\r\nFrom: <sip:1001@pbx.test>;tag=f1\r\nTo: <sip:1001@pbx.test>\r\n";
  m += "Call-ID: d-" + std::string(branch) + "\r\nCSeq: 1 " + std::string(method) + "\r\n";
  m += std::string(extra_headers);
  m += "Content-Length: 0\r\n\r\n";
  return m;
}

class DispatcherTest : public ::testing::Test {
 protected:
  DispatcherTest() { accounts.add("1001", "pbx.test", "pw-1001"); }

  // Injects a request as the transport would and returns the parsed response sent back.
  SipMessage exchange(const std::string& text) {
    const std::size_t before = transport.sent.size();
    auto msg = parse_message(text);
    EXPECT_TRUE(msg) << (msg ? "" : msg.error().message);
    if (!msg) return {};
    transactions.on_message(std::move(*msg), peer);
    EXPECT_EQ(transport.sent.size(), before + 1);
    if (transport.sent.size() != before + 1) return {};
    auto response = parse_message(transport.sent.back());
    EXPECT_TRUE(response) << transport.sent.back();
    return response ? std::move(*response) : SipMessage{};
  }

  FakeClock clock;
  TimerQueue timers;
  CapturingTransport transport;
  TransactionLayer transactions{transport, timers, clock};
  FakeAccounts accounts;
  RecordingStore store;
  LocationService locations{timers, clock, store};
  DigestAuthenticator authenticator{accounts, clock};
  Registrar registrar{accounts, authenticator, locations, clock};
  SipService service{transactions, registrar};
  Peer peer{TransportKind::udp, IpEndpoint{IpAddress::v4_loopback(), 5060}, {}, 0};
};

TEST_F(DispatcherTest, OptionsAnsweredWithoutAuthentication) {
  const SipMessage r = exchange(request("OPTIONS"));
  ASSERT_TRUE(r.is_response());
  EXPECT_EQ(r.status(), 200);
  EXPECT_EQ(r.header(HeaderId::allow), kAllowedMethods);
  EXPECT_EQ(r.header(HeaderId::accept), "application/sdp");
  ASSERT_NE(r.find("Accept-Language"), nullptr);
  EXPECT_FALSE(r.core().to_tag.empty());  // §8.2.6.2
  EXPECT_EQ(r.core().call_id, "d-z9hG4bK-d1");
  EXPECT_EQ(service.stats().options, 1u);
}

TEST_F(DispatcherTest, KnownButUnhandledMethodIs405WithAllow) {
  const SipMessage r = exchange(request("PUBLISH"));
  EXPECT_EQ(r.status(), 405);
  EXPECT_EQ(r.header(HeaderId::allow), kAllowedMethods);
  // A method nobody knows is the message layer's 501 (RFC 3261 §21.5.2).
  const SipMessage ext = exchange(request("FOOBAR", {}, "sip:pbx.test", "z9hG4bK-d2"));
  EXPECT_EQ(ext.status(), 501);
}

TEST_F(DispatcherTest, UnsupportedRequireIs420WithUnsupported) {
  const SipMessage r = exchange(request("OPTIONS", "Require: 100rel, foo\r\n"));
  EXPECT_EQ(r.status(), 420);
  EXPECT_NE(r.header(HeaderId::unsupported).find("foo"), std::string_view::npos);
}

TEST_F(DispatcherTest, InviteNotEnabledYet) {
  const SipMessage r = exchange(request("INVITE"));
  EXPECT_EQ(r.status(), 501);
  EXPECT_EQ(r.reason(), "Calls not enabled in this version");
}

TEST_F(DispatcherTest, ByeOutsideADialogIs481) {
  EXPECT_EQ(exchange(request("BYE")).status(), 481);
}

TEST_F(DispatcherTest, InvalidRequestGetsValidationStatus) {
  const SipMessage r = exchange(request("OPTIONS", "Date: yesterday\r\n"));
  EXPECT_EQ(r.status(), 400);
  EXPECT_NE(r.reason().find("Date"), std::string_view::npos);  // the reason says what was wrong
  const SipMessage scheme = exchange(request("OPTIONS", {}, "http://pbx.test/", "z9hG4bK-d9"));
  EXPECT_EQ(scheme.status(), 416);
}

TEST_F(DispatcherTest, RegisterChallengeThenSuccess) {
  const SipMessage challenge = exchange(request("REGISTER", "Contact: <sip:1001@192.0.2.10>\r\n"));
  ASSERT_EQ(challenge.status(), 401);
  EXPECT_EQ(challenge.count(HeaderId::www_authenticate), 2u);
  const std::string nonce = challenge_param(challenge.header(HeaderId::www_authenticate), "nonce");
  const std::string auth =
      authorization("1001", "pbx.test", "pw-1001", nonce, "sip:pbx.test", DigestAlgorithm::sha256);
  const SipMessage ok = exchange(
      request("REGISTER", "Contact: <sip:1001@192.0.2.10>\r\nAuthorization: " + auth + "\r\n",
              "sip:pbx.test", "z9hG4bK-d3"));
  ASSERT_EQ(ok.status(), 200) << ok.reason();
  EXPECT_EQ(ok.header(HeaderId::contact), "<sip:1001@192.0.2.10>;expires=3600");
  EXPECT_FALSE(ok.core().to_tag.empty());
  EXPECT_EQ(locations.binding_count(), 1u);
  EXPECT_EQ(service.stats().registers, 2u);
}

TEST_F(DispatcherTest, AckIsNotAnswered) {
  auto msg = parse_message(request("ACK"));
  ASSERT_TRUE(msg);
  transactions.on_message(std::move(*msg), peer);
  EXPECT_TRUE(transport.sent.empty());
}

// --- Client transactions: outbound registrations and the call engine ---------------------------

class RecordingCalls final : public TransactionUser {
 public:
  void on_request(TransactionId, const SipMessage&, const Peer&) override {}
  void on_response(TransactionId tx, const SipMessage& response) override {
    responses.emplace_back(tx, response.status());
  }
  void on_client_failure(TransactionId tx, ClientOutcome) override { failures.push_back(tx); }
  std::vector<std::pair<TransactionId, int>> responses;
  std::vector<TransactionId> failures;
};

class DispatcherClientTest : public DispatcherTest {
 protected:
  // Answers the request that was sent last with `status`, as its peer would.
  void answer_last(int status) {
    auto request = parse_message(transport.sent.back());
    ASSERT_TRUE(request);
    std::string out;
    build_response(out, *request, ResponseContext{}, status, default_reason(status), "peer-tag");
    auto response = parse_message(out);
    ASSERT_TRUE(response);
    transactions.on_message(std::move(*response), peer);
  }
  TransactionId send_options() {
    std::string text = request("OPTIONS", {}, "sip:far.test", transactions.new_branch());
    auto msg = parse_message(text);
    EXPECT_TRUE(msg);
    auto tx = transactions.send_request(std::move(*msg), peer);
    EXPECT_TRUE(tx);
    return tx ? *tx : 0;
  }
  void wait_for_timeouts() {  // Timer F (32 s), not yet the registration's retry (5 s later)
    for (int i = 0; i < 33; ++i) {
      clock.advance(std::chrono::seconds(1));
      timers.run_due(clock.now());
    }
  }

  OutboundRegistrationConfig config{.name = "provider",
                                    .registrar = peer,
                                    .registrar_uri = "sip:provider.test",
                                    .aor = "sip:100@provider.test",
                                    .auth_username = "100",
                                    .password = "pw",
                                    .contact = "sip:100@127.0.0.1:5060"};
  RecordingCalls calls;
  SipService calls_service{transactions, registrar, &calls};  // the layer's TU from here on
  OutboundRegistrations registrations{transactions, timers, clock};
};

TEST_F(DispatcherClientTest, RegisterResponsesGoToTheOutboundRegistrations) {
  calls_service.set_registrations(&registrations);
  registrations.add(config);
  answer_last(200);
  EXPECT_EQ(registrations.status().at(0).state, RegistrationState::registered);
  EXPECT_TRUE(calls.responses.empty());

  const TransactionId options = send_options();
  answer_last(200);
  ASSERT_EQ(calls.responses.size(), 1u);  // the rest still reaches the call engine
  EXPECT_EQ(calls.responses[0], std::make_pair(options, 200));
}

TEST_F(DispatcherClientTest, ClientFailuresAreOfferedToRegistrationsFirst) {
  calls_service.set_registrations(&registrations);
  registrations.add(config);  // never answered
  const TransactionId options = send_options();
  wait_for_timeouts();  // Timer F for both
  EXPECT_EQ(registrations.status().at(0).state, RegistrationState::failed);
  EXPECT_EQ(registrations.status().at(0).last_status, 408);
  EXPECT_EQ(calls.failures, std::vector<TransactionId>{options});
}

TEST_F(DispatcherClientTest, WithoutRegistrationsEverythingGoesToTheCallEngine) {
  registrations.add(config);
  answer_last(200);
  ASSERT_EQ(calls.responses.size(), 1u);
  EXPECT_EQ(calls.responses[0].second, 200);
  EXPECT_EQ(registrations.status().at(0).state, RegistrationState::registering);
}

}  // namespace
}  // namespace dzvin::sip
