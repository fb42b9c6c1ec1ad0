#include "sip/registrar.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "base/clock.hpp"
#include "base/timer_queue.hpp"
#include "registrar_fixture.hpp"
#include "sip/sip_message.hpp"

namespace dzvin::sip {
namespace {

using testing::authorization;
using testing::challenge_param;
using testing::FakeAccounts;
using testing::RecordingStore;

struct Register {
  std::string request_uri = "sip:pbx.test";
  std::string from_user = "1001";
  std::string to_user = "1001";
  std::string call_id = "call-1@192.0.2.10";
  std::uint32_t cseq = 1;
  std::vector<std::string> contact_headers = {"<sip:1001@192.0.2.10:5060>"};
  std::optional<std::string> expires;
  std::string authorization;

  std::string text() const {
    std::string m = "REGISTER " + request_uri + " SIP/2.0\r\n";
    m += "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-" + std::to_string(cseq) + "-" +
         std::to_string(std::hash<std::string>{}(call_id + authorization)) + ";rport\r\n";
    m += "Max-Forwards: 70\r\n";
    m += "From: <sip:" + from_user + "@pbx.test>;tag=f1\r\n";
    m += "To: <sip:" + to_user + "@pbx.test>\r\n";
    m += "Call-ID: " + call_id + "\r\n";
    m += "CSeq: " + std::to_string(cseq) + " REGISTER\r\n";
    for (const auto& c : contact_headers)
      m += "Contact: " + c + "\r\n";
    if (expires) m += "Expires: " + *expires + "\r\n";
    if (!authorization.empty()) m += "Authorization: " + authorization + "\r\n";
    m += "User-Agent: unit-test\r\nContent-Length: 0\r\n\r\n";
    return m;
  }
};

// A copy of a reply that outlives the next request.
struct Reply {
  int status = 0;
  std::string reason;
  std::vector<std::pair<std::string, std::string>> headers;
  std::vector<std::string> all(std::string_view name) const {
    std::vector<std::string> out;
    for (const auto& [n, v] : headers) {
      if (n == name) out.push_back(v);
    }
    return out;
  }
  std::string one(std::string_view name) const {
    auto v = all(name);
    return v.empty() ? std::string{} : v.front();
  }
};

class RegistrarTest : public ::testing::Test {
 protected:
  RegistrarTest() {
    accounts.add("1001", "pbx.test", "pw-1001");
    accounts.add("1002", "pbx.test", "pw-1002");
  }

  Reply send(const Register& r) {
    auto msg = parse_message(r.text());
    EXPECT_TRUE(msg) << (msg ? "" : msg.error().message);
    if (!msg) return {};
    const RegisterReply& reply = registrar.handle_register(*msg, peer);
    Reply out{reply.status, std::string(reply.reason), {}};
    for (std::size_t i = 0; i < reply.headers.size(); ++i) {
      out.headers.emplace_back(reply.headers.name(i), reply.headers.value(i));
    }
    return out;
  }

  // Answers the challenge of an unauthenticated copy of r (what a phone does).
  Reply send_authenticated(Register r, std::string_view password = "pw-1001",
                           DigestAlgorithm algorithm = DigestAlgorithm::md5,
                           std::string_view user = "1001") {
    Register probe = r;
    probe.authorization.clear();
    const Reply challenge = send(probe);
    EXPECT_EQ(challenge.status, 401);
    const auto challenges = challenge.all("WWW-Authenticate");
    EXPECT_EQ(challenges.size(), 2u);
    if (challenges.empty()) return challenge;
    r.authorization =
        authorization(user, "pbx.test", password, challenge_param(challenges[0], "nonce"),
                      r.request_uri, algorithm);
    return send(r);
  }

  FakeClock clock;
  TimerQueue timers;
  FakeAccounts accounts;
  RecordingStore store;
  LocationService locations{timers, clock, store};
  DigestAuthenticator authenticator{accounts, clock};
  Registrar registrar{accounts, authenticator, locations, clock};
  Peer peer{TransportKind::udp, IpEndpoint{IpAddress::v4_loopback(), 5060}, {}, 0};
};

TEST_F(RegistrarTest, ChallengesWithBothAlgorithms) {
  const Reply r = send(Register{});
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.reason, "Unauthorized");
  const auto challenges = r.all("WWW-Authenticate");
  ASSERT_EQ(challenges.size(), 2u);
  EXPECT_NE(challenges[0].find("algorithm=MD5"), std::string::npos);  // default order
  EXPECT_NE(challenges[1].find("algorithm=SHA-256"), std::string::npos);
  EXPECT_NE(challenges[0].find("realm=\"pbx.test\""), std::string::npos);
  EXPECT_EQ(locations.binding_count(), 0u);
}

TEST_F(RegistrarTest, RegistersWithMd5) {
  const Reply r = send_authenticated(Register{});
  ASSERT_EQ(r.status, 200) << r.reason;
  EXPECT_EQ(r.all("Contact"),
            (std::vector<std::string>{"<sip:1001@192.0.2.10:5060>;expires=3600"}));
  EXPECT_TRUE(r.one("Date").ends_with(" GMT"));
  ASSERT_EQ(locations.find("1001@pbx.test").size(), 1u);
  const Binding& b = locations.find("1001@pbx.test")[0].binding;
  EXPECT_EQ(b.user_agent, "unit-test");
  EXPECT_EQ(b.call_id, "call-1@192.0.2.10");
  EXPECT_EQ(store.ops.size(), 1u);
}

TEST_F(RegistrarTest, RegistersWithSha256) {
  const Reply r = send_authenticated(Register{}, "pw-1001", DigestAlgorithm::sha256);
  ASSERT_EQ(r.status, 200) << r.reason;
  EXPECT_EQ(locations.binding_count(), 1u);
}

TEST_F(RegistrarTest, WrongPasswordAndUnknownUserAreIndistinguishable) {
  const Reply wrong = send_authenticated(Register{}, "not-the-password");
  Register unknown_user;
  unknown_user.from_user = unknown_user.to_user = "7777";
  const Reply unknown =
      send_authenticated(unknown_user, "not-the-password", DigestAlgorithm::md5, "7777");
  EXPECT_EQ(wrong.status, 403);
  EXPECT_EQ(wrong.status, unknown.status);
  EXPECT_EQ(wrong.reason, unknown.reason);
  EXPECT_EQ(wrong.headers, unknown.headers);
  EXPECT_EQ(locations.binding_count(), 0u);
}

TEST_F(RegistrarTest, StaleNonceGetsStaleChallenge) {
  Register r;
  const Reply challenge = send(r);
  const std::string nonce = challenge_param(challenge.all("WWW-Authenticate")[0], "nonce");
  clock.advance(std::chrono::seconds(301));
  r.authorization =
      authorization("1001", "pbx.test", "pw-1001", nonce, r.request_uri, DigestAlgorithm::md5);
  const Reply stale = send(r);
  EXPECT_EQ(stale.status, 401);
  EXPECT_NE(stale.one("WWW-Authenticate").find("stale=true"), std::string::npos);
}

TEST_F(RegistrarTest, MalformedAuthorizationIs400) {
  Register r;
  r.authorization = "Digest username=\"1001\", realm=\"pbx.test\"";
  EXPECT_EQ(send(r).status, 400);
}

TEST_F(RegistrarTest, CredentialsForAnotherRealmAreIgnored) {
  Register r;
  r.authorization =
      authorization("1001", "elsewhere.test", "pw-1001", "x", r.request_uri, DigestAlgorithm::md5);
  EXPECT_EQ(send(r).status, 401);
}

TEST_F(RegistrarTest, IntervalTooBrief) {
  Register r;
  r.expires = "30";
  const Reply reply = send_authenticated(r);
  EXPECT_EQ(reply.status, 423);
  EXPECT_EQ(reply.one("Min-Expires"), "60");
  EXPECT_EQ(locations.binding_count(), 0u);
}

TEST_F(RegistrarTest, LongExpiresIsCappedAndMalformedMeansDefault) {
  Register r;
  r.expires = "7200";
  EXPECT_EQ(send_authenticated(r).one("Contact"), "<sip:1001@192.0.2.10:5060>;expires=3600");
  r.cseq = 2;
  r.expires = "soon";
  EXPECT_EQ(send_authenticated(r).one("Contact"), "<sip:1001@192.0.2.10:5060>;expires=3600");
}

TEST_F(RegistrarTest, ContactParamBeatsExpiresHeader) {
  Register r;
  r.expires = "600";
  r.contact_headers = {"<sip:1001@192.0.2.10:5060>;expires=120", "<sip:1001@192.0.2.11:5060>"};
  const Reply reply = send_authenticated(r);
  ASSERT_EQ(reply.status, 200) << reply.reason;
  EXPECT_EQ(reply.all("Contact"),
            (std::vector<std::string>{"<sip:1001@192.0.2.10:5060>;expires=120",
                                      "<sip:1001@192.0.2.11:5060>;expires=600"}));
}

TEST_F(RegistrarTest, SeveralContactHeadersAndCommaLists) {
  Register r;
  r.contact_headers = {"<sip:1001@192.0.2.10:5060>;q=0.8, \"Desk, phone\" <sip:1001@192.0.2.12>",
                       "sip:1001@192.0.2.13;expires=300"};
  const Reply reply = send_authenticated(r);
  ASSERT_EQ(reply.status, 200) << reply.reason;
  EXPECT_EQ(reply.all("Contact").size(), 3u);
  ASSERT_EQ(locations.find("1001@pbx.test").size(), 3u);
  EXPECT_EQ(locations.find("1001@pbx.test")[0].binding.q_milli, 800);
  EXPECT_EQ(locations.find("1001@pbx.test")[2].binding.contact, "sip:1001@192.0.2.13");
}

TEST_F(RegistrarTest, QueryWithoutContactListsBindings) {
  ASSERT_EQ(send_authenticated(Register{}).status, 200);
  clock.advance(std::chrono::seconds(100));
  Register query;
  query.cseq = 2;
  query.contact_headers.clear();
  const Reply reply = send_authenticated(query);
  ASSERT_EQ(reply.status, 200);
  EXPECT_EQ(reply.all("Contact"),
            (std::vector<std::string>{"<sip:1001@192.0.2.10:5060>;expires=3500"}));
}

TEST_F(RegistrarTest, ExpiresZeroRemovesOneContact) {
  Register r;
  r.contact_headers = {"<sip:1001@192.0.2.10:5060>", "<sip:1001@192.0.2.11:5060>"};
  ASSERT_EQ(send_authenticated(r).status, 200);
  Register remove;
  remove.cseq = 2;
  remove.contact_headers = {"<sip:1001@192.0.2.10:5060>"};
  remove.expires = "0";
  const Reply reply = send_authenticated(remove);
  ASSERT_EQ(reply.status, 200);
  EXPECT_EQ(reply.all("Contact"),
            (std::vector<std::string>{"<sip:1001@192.0.2.11:5060>;expires=3600"}));
}

TEST_F(RegistrarTest, WildcardUnregistersAll) {
  Register r;
  r.contact_headers = {"<sip:1001@192.0.2.10:5060>", "<sip:1001@192.0.2.11:5060>"};
  ASSERT_EQ(send_authenticated(r).status, 200);

  Register bad = r;
  bad.cseq = 2;
  bad.contact_headers = {"*"};
  bad.expires = "60";
  EXPECT_EQ(send_authenticated(bad).status, 400);
  bad.expires.reset();
  EXPECT_EQ(send_authenticated(bad).status, 400);
  bad.contact_headers = {"*", "<sip:1001@192.0.2.10:5060>"};
  bad.expires = "0";
  EXPECT_EQ(send_authenticated(bad).status, 400);
  EXPECT_EQ(locations.binding_count(), 2u);

  Register all = r;
  all.cseq = 3;
  all.contact_headers = {"*"};
  all.expires = "0";
  const Reply reply = send_authenticated(all);
  ASSERT_EQ(reply.status, 200) << reply.reason;
  EXPECT_TRUE(reply.all("Contact").empty());
  EXPECT_EQ(locations.binding_count(), 0u);
}

TEST_F(RegistrarTest, CallIdCSeqOrdering) {
  Register r;
  r.cseq = 10;
  ASSERT_EQ(send_authenticated(r).status, 200);
  r.cseq = 9;
  const Reply lower = send_authenticated(r);
  EXPECT_EQ(lower.status, 500);
  EXPECT_NE(lower.reason.find("Out of order"), std::string::npos);
  r.cseq = 10;
  EXPECT_EQ(send_authenticated(r).status, 500);
  r.cseq = 11;
  EXPECT_EQ(send_authenticated(r).status, 200);
  Register rebooted;
  rebooted.call_id = "new-call-id";
  rebooted.cseq = 1;
  EXPECT_EQ(send_authenticated(rebooted).status, 200);
}

TEST_F(RegistrarTest, ToMustBeTheAuthenticatedUser) {
  Register r;
  r.to_user = "1002";
  const Reply reply = send_authenticated(r);  // authenticates as 1001
  EXPECT_EQ(reply.status, 403);
  EXPECT_EQ(locations.binding_count(), 0u);
}

TEST_F(RegistrarTest, TooManyContacts) {
  Register r;
  r.contact_headers.clear();
  for (int i = 0; i < 11; ++i)
    r.contact_headers.push_back("<sip:1001@192.0.2." + std::to_string(i + 1) + ">");
  EXPECT_EQ(send_authenticated(r).status, 403);
  EXPECT_EQ(locations.binding_count(), 0u);
}

TEST_F(RegistrarTest, BindingExpiresViaTimerQueue) {
  Register r;
  r.expires = "60";
  ASSERT_EQ(send_authenticated(r).status, 200);
  clock.advance(std::chrono::seconds(59));
  timers.run_due(clock.now());
  EXPECT_EQ(locations.binding_count(), 1u);
  clock.advance(std::chrono::seconds(2));
  timers.run_due(clock.now());
  EXPECT_EQ(locations.binding_count(), 0u);
  ASSERT_FALSE(store.ops.empty());
  EXPECT_TRUE(store.ops.back().remove);
}

TEST_F(RegistrarTest, RequestUriHostPicksTheRealm) {
  FakeAccounts two("pbx.test");
  two.add("1001", "pbx.test", "pw-1001");
  two.add("1001", "other.test", "pw-other", 2);
  DigestAuthenticator auth2(two, clock);
  Registrar reg2(two, auth2, locations, clock);
  Register r;
  r.request_uri = "sip:other.test";
  auto msg = parse_message(r.text());
  ASSERT_TRUE(msg);
  const RegisterReply& reply = reg2.handle_register(*msg, peer);
  ASSERT_EQ(reply.status, 401);
  EXPECT_NE(reply.headers.find("WWW-Authenticate").find("realm=\"other.test\""),
            std::string_view::npos);
}

}  // namespace
}  // namespace dzvin::sip
