#include <gtest/gtest.h>

#include <cctype>
#include <string>

#include "base/clock.hpp"
#include "registrar_fixture.hpp"
#include "sip/digest_authenticator.hpp"
#include "sip/digest_credentials.hpp"
#include "sip/digest_hasher.hpp"
#include "sip/nonce_manager.hpp"
#include "sip/response_headers.hpp"

namespace dzvin::sip {
namespace {

using testing::authorization;
using testing::challenge_param;
using testing::FakeAccounts;

// RFC 2617 §3.5.
constexpr std::string_view kRfc2617Authorization =
    "Digest username=\"Mufasa\", realm=\"testrealm@host.com\", "
    "nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", "
    "uri=\"/dir/index.html\", qop=auth, nc=00000001, cnonce=\"0a4f113b\", "
    "response=\"6629fae49393a05397450978507c4ef1\", opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"";

// RFC 7616 §3.9.1 (password "Circle of Life", erratum 4495).
constexpr std::string_view kRfc7616Md5 =
    "Digest username=\"Mufasa\", realm=\"http-auth@example.org\", uri=\"/dir/index.html\", "
    "algorithm=MD5, "
    "nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", nc=00000001, "
    "cnonce=\"f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ\", qop=auth, "
    "response=\"8ca523f5e9506fed4657c9700eebdbec\", "
    "opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"";
constexpr std::string_view kRfc7616Sha256 =
    "Digest username=\"Mufasa\", realm=\"http-auth@example.org\", uri=\"/dir/index.html\", "
    "algorithm=SHA-256, "
    "nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", nc=00000001, "
    "cnonce=\"f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ\", qop=auth, "
    "response=\"753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1\", "
    "opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"";

std::string expected_response(const DigestCredentials& c, std::string_view password) {
  DigestHasher hasher;
  const std::string ha1 = compute_ha1(c.username, c.realm, password, c.algorithm);
  DigestHex out{};
  return std::string(compute_digest_response(
      hasher,
      DigestResponseInput{c.algorithm, ha1, c.nonce, c.qop == DigestQop::auth, c.nc_text, c.cnonce,
                          "GET", c.uri},
      out));
}

TEST(DigestHash, Ha1MatchesRfc2617) {
  EXPECT_EQ(compute_ha1("Mufasa", "testrealm@host.com", "Circle Of Life", DigestAlgorithm::md5),
            "939e7578ed9e3c518a452acee763bce9");
  EXPECT_EQ(
      compute_ha1("Mufasa", "testrealm@host.com", "Circle Of Life", DigestAlgorithm::sha256).size(),
      64u);
}

TEST(DigestHash, Rfc2617ExampleResponse) {
  auto c = parse_digest_credentials(kRfc2617Authorization);
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->algorithm, DigestAlgorithm::md5);  // absent -> MD5
  EXPECT_EQ(c->qop, DigestQop::auth);
  EXPECT_EQ(c->nc, 1u);
  EXPECT_EQ(c->opaque, "5ccc069c403ebaf9f0171e9517f40e41");
  EXPECT_EQ(expected_response(*c, "Circle Of Life"), c->response);
  EXPECT_NE(expected_response(*c, "Circle of Life"), c->response);
}

TEST(DigestHash, Rfc7616ExamplesMd5AndSha256) {
  auto md5 = parse_digest_credentials(kRfc7616Md5);
  ASSERT_TRUE(md5) << md5.error().message;
  EXPECT_EQ(md5->algorithm, DigestAlgorithm::md5);
  EXPECT_EQ(expected_response(*md5, "Circle of Life"), "8ca523f5e9506fed4657c9700eebdbec");
  auto sha = parse_digest_credentials(kRfc7616Sha256);
  ASSERT_TRUE(sha) << sha.error().message;
  EXPECT_EQ(sha->algorithm, DigestAlgorithm::sha256);
  EXPECT_EQ(expected_response(*sha, "Circle of Life"),
            "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1");
}

TEST(DigestHash, HmacSha256Rfc4231Case2) {
  HmacSha256 mac("Jefe");
  const std::string msg = "what do ya want for nothing?";
  const auto out = mac.mac(
      std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(msg.data()), msg.size()));
  std::string hex;
  for (auto b : out) {
    static constexpr char kHex[] = "0123456789abcdef";
    hex += kHex[b >> 4];
    hex += kHex[b & 15];
  }
  EXPECT_EQ(hex, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

// --- Credentials parser ------------------------------------------------------------------

TEST(DigestCredentialsParser, AnyOrderAndCaseInsensitiveNames) {
  auto c = parse_digest_credentials(
      "digest RESPONSE=\"abc\",URI=\"sip:pbx.test\" , "
      "Nonce=\"n1\",\tRealm=\"pbx.test\",UserName=\"1001\"");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->username, "1001");
  EXPECT_EQ(c->realm, "pbx.test");
  EXPECT_EQ(c->nonce, "n1");
  EXPECT_EQ(c->uri, "sip:pbx.test");
  EXPECT_EQ(c->response, "abc");
  EXPECT_EQ(c->qop, DigestQop::none);
  EXPECT_EQ(c->nc, 0u);
}

TEST(DigestCredentialsParser, EscapesAreResolvedAndSurviveMove) {
  auto c = parse_digest_credentials(
      R"(Digest username="a\"b\\c", realm="pbx.test", nonce="n", uri="sip:x", response="r")");
  ASSERT_TRUE(c) << c.error().message;
  DigestCredentials moved = std::move(*c);
  EXPECT_EQ(moved.username, "a\"b\\c");
  EXPECT_EQ(moved.realm, "pbx.test");
}

TEST(DigestCredentialsParser, UnknownParamsIgnoredEmptyElementsSkipped) {
  auto c = parse_digest_credentials(
      "Digest username=\"u\", , realm=\"r\", foo=bar, nonce=\"n\", uri=\"sip:x\", response=\"r\", "
      "userhash=false, x-extra=\"q,uoted\",");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->username, "u");
}

TEST(DigestCredentialsParser, QuotedQopAccepted) {
  auto c = parse_digest_credentials(
      "Digest username=\"u\", realm=\"r\", nonce=\"n\", uri=\"sip:x\", response=\"r\", "
      "qop=\"auth\", nc=0000000a, "
      "cnonce=\"c\"");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->qop, DigestQop::auth);
  EXPECT_EQ(c->nc, 10u);
}

TEST(DigestCredentialsParser, UnsupportedAlgorithmAndQopAreFlagged) {
  auto c = parse_digest_credentials(
      "Digest username=\"u\", realm=\"r\", nonce=\"n\", uri=\"sip:x\", response=\"r\", "
      "algorithm=MD5-sess, "
      "qop=auth-int, nc=00000001, cnonce=\"c\"");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_FALSE(c->algorithm_supported);
  EXPECT_EQ(c->qop, DigestQop::other);
}

struct BadCase {
  const char* name;
  const char* value;
};

class DigestCredentialsRejects : public ::testing::TestWithParam<BadCase> {};

TEST_P(DigestCredentialsRejects, WithA400) {
  auto c = parse_digest_credentials(GetParam().value);
  ASSERT_FALSE(c) << GetParam().name;
  EXPECT_EQ(c.error().code, 400);
  EXPECT_FALSE(c.error().message.empty());
}

constexpr BadCase kBadCases[] = {
    {"not digest", "Basic dXNlcjpwYXNz"},
    {"no params", "Digest"},
    {"duplicate username",
     "Digest username=\"a\", username=\"b\", realm=\"r\", nonce=\"n\", uri=\"u\", response=\"x\""},
    {"duplicate nonce case-insensitive",
     "Digest username=\"a\", realm=\"r\", nonce=\"n\", NONCE=\"m\", uri=\"u\", response=\"x\""},
    {"missing response", "Digest username=\"a\", realm=\"r\", nonce=\"n\", uri=\"u\""},
    {"missing realm", "Digest username=\"a\", nonce=\"n\", uri=\"u\", response=\"x\""},
    {"unterminated quote",
     "Digest username=\"a, realm=\"r\", nonce=\"n\", uri=\"u\", response=\"x"},
    {"no comma", "Digest username=\"a\" realm=\"r\", nonce=\"n\", uri=\"u\", response=\"x\""},
    {"no value", "Digest username=, realm=\"r\", nonce=\"n\", uri=\"u\", response=\"x\""},
    {"qop without nc",
     "Digest username=\"a\", realm=\"r\", nonce=\"n\", uri=\"u\", response=\"x\", qop=auth, "
     "cnonce=\"c\""},
    {"qop without cnonce",
     "Digest username=\"a\", realm=\"r\", nonce=\"n\", uri=\"u\", response=\"x\", qop=auth, "
     "nc=00000001"},
    {"nc too short",
     "Digest username=\"a\", realm=\"r\", nonce=\"n\", uri=\"u\", response=\"x\", qop=auth, nc=1, "
     "cnonce=\"c\""},
    {"nc not hex",
     "Digest username=\"a\", realm=\"r\", nonce=\"n\", uri=\"u\", response=\"x\", qop=auth, "
     "nc=0000000g, cnonce=\"c\""},
    {"nc zero",
     "Digest username=\"a\", realm=\"r\", nonce=\"n\", uri=\"u\", response=\"x\", qop=auth, "
     "nc=00000000, cnonce=\"c\""},
    {"nc without qop",
     "Digest username=\"a\", realm=\"r\", nonce=\"n\", uri=\"u\", response=\"x\", nc=00000001"},
    {"control char",
     "Digest username=\"a\x01\", realm=\"r\", nonce=\"n\", uri=\"u\", response=\"x\""},
    {"empty nonce", "Digest username=\"a\", realm=\"r\", nonce=\"\", uri=\"u\", response=\"x\""},
    {"empty uri", "Digest username=\"a\", realm=\"r\", nonce=\"n\", uri=\"\", response=\"x\""},
};
INSTANTIATE_TEST_SUITE_P(EdgeCases, DigestCredentialsRejects, ::testing::ValuesIn(kBadCases));

TEST(DigestCredentialsParser, BoundsLengthAndParamCount) {
  const std::string long_value(2000, 'a');
  auto c = parse_digest_credentials("Digest username=\"" + long_value +
                                    "\", realm=\"r\", nonce=\"n\", uri=\"u\", response=\"x\"");
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message.find("too long"), std::string::npos);
  std::string many = "Digest username=\"a\", realm=\"r\", nonce=\"n\", uri=\"u\", response=\"x\"";
  for (int i = 0; i < 30; ++i)
    many += ", p" + std::to_string(i) + "=1";
  EXPECT_FALSE(parse_digest_credentials(many));
  EXPECT_FALSE(parse_digest_credentials(std::string(5000, ' ')));
}

// --- Nonces and the authenticator ----------------------------------------------------------

class AuthenticatorTest : public ::testing::Test {
 protected:
  AuthenticatorTest() { accounts.add("1001", "pbx.test", "secret-1001"); }
  std::string challenge_nonce(bool stale = false) {
    ResponseHeaders h;
    auth.add_challenges(h, "pbx.test", stale);
    return challenge_param(h.value(0), "nonce");
  }
  AuthResult check(const std::string& header_value) {
    auto c = parse_digest_credentials(header_value);
    EXPECT_TRUE(c) << (c ? "" : c.error().message);
    if (!c) return {};
    return auth.verify(*c, "REGISTER", "pbx.test");
  }

  FakeClock clock;
  FakeAccounts accounts;
  DigestAuthenticator auth{accounts, clock};
};

TEST_F(AuthenticatorTest, ChallengesOfferBothAlgorithmsMd5FirstByDefault) {
  ResponseHeaders h;
  auth.add_challenges(h, "pbx.test", false);
  ASSERT_EQ(h.size(), 2u);
  EXPECT_EQ(h.name(0), "WWW-Authenticate");
  // MD5 first by default (DigestConfig::prefer_sha256: phones that stop at the first
  // algorithm they lack), SHA-256 second.
  EXPECT_NE(h.value(0).find("algorithm=MD5"), std::string_view::npos);
  EXPECT_NE(h.value(1).find("algorithm=SHA-256"), std::string_view::npos);
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_TRUE(h.value(i).starts_with("Digest realm=\"pbx.test\""));
    EXPECT_NE(h.value(i).find("qop=\"auth\""), std::string_view::npos);
    EXPECT_FALSE(challenge_param(h.value(i), "opaque").empty());
    EXPECT_EQ(challenge_param(h.value(i), "nonce").size(), 48u);
    EXPECT_EQ(h.value(i).find("stale"), std::string_view::npos);
  }
  ResponseHeaders s;
  auth.add_challenges(s, "pbx.test", true);
  EXPECT_NE(s.value(0).find("stale=true"), std::string_view::npos);
  EXPECT_NE(challenge_param(s.value(0), "nonce"), challenge_param(h.value(0), "nonce"));
}

TEST_F(AuthenticatorTest, PreferSha256PutsItFirstAsRfc8760Orders) {
  DigestConfig config;
  config.prefer_sha256 = true;
  DigestAuthenticator sha_first(accounts, clock, config);
  ResponseHeaders h;
  sha_first.add_challenges(h, "pbx.test", false);
  ASSERT_EQ(h.size(), 2u);
  EXPECT_NE(h.value(0).find("algorithm=SHA-256"), std::string_view::npos);
  EXPECT_NE(h.value(1).find("algorithm=MD5"), std::string_view::npos);
  config.offer_md5 = false;
  DigestAuthenticator sha_only(accounts, clock, config);
  ResponseHeaders only;
  sha_only.add_challenges(only, "pbx.test", false);
  ASSERT_EQ(only.size(), 1u);
  // An MD5 answer is refused with a fresh challenge when MD5 is not offered.
  auto c = parse_digest_credentials(authorization("1001", "pbx.test", "secret-1001",
                                                  challenge_param(only.value(0), "nonce"),
                                                  "sip:pbx.test", DigestAlgorithm::md5));
  ASSERT_TRUE(c);
  EXPECT_EQ(sha_only.verify(*c, "REGISTER", "pbx.test").outcome, AuthOutcome::challenge);
}

TEST_F(AuthenticatorTest, AcceptsMd5AndSha256) {
  for (auto alg : {DigestAlgorithm::md5, DigestAlgorithm::sha256}) {
    const auto r = check(
        authorization("1001", "pbx.test", "secret-1001", challenge_nonce(), "sip:pbx.test", alg));
    EXPECT_EQ(r.outcome, AuthOutcome::authenticated) << to_string(alg);
    ASSERT_NE(r.account, nullptr);
    EXPECT_EQ(r.account->username, "1001");
  }
}

TEST_F(AuthenticatorTest, UppercaseHexResponseAccepted) {
  std::string h = authorization("1001", "pbx.test", "secret-1001", challenge_nonce(),
                                "sip:pbx.test", DigestAlgorithm::md5);
  const auto pos = h.find("response=\"") + 10;
  for (std::size_t i = pos; h[i] != '"'; ++i)
    h[i] = static_cast<char>(std::toupper(static_cast<unsigned char>(h[i])));
  EXPECT_EQ(check(h).outcome, AuthOutcome::authenticated);
}

TEST_F(AuthenticatorTest, WrongPasswordAndUnknownUserLookAlike) {
  const auto wrong = check(authorization("1001", "pbx.test", "guess", challenge_nonce(),
                                         "sip:pbx.test", DigestAlgorithm::md5));
  const auto unknown = check(authorization("9999", "pbx.test", "guess", challenge_nonce(),
                                           "sip:pbx.test", DigestAlgorithm::md5));
  EXPECT_EQ(wrong.outcome, AuthOutcome::bad_credentials);
  EXPECT_EQ(unknown.outcome, AuthOutcome::bad_credentials);
  EXPECT_EQ(wrong.detail, unknown.detail);
  EXPECT_EQ(wrong.account, nullptr);
}

TEST_F(AuthenticatorTest, ExpiredNonceIsStaleOnlyWhenResponseIsRight) {
  const std::string nonce = challenge_nonce();
  clock.advance(std::chrono::seconds(299));
  EXPECT_EQ(check(authorization("1001", "pbx.test", "secret-1001", nonce, "sip:pbx.test",
                                DigestAlgorithm::md5))
                .outcome,
            AuthOutcome::authenticated);
  clock.advance(std::chrono::seconds(2));  // 301 s after issue
  EXPECT_EQ(auth.nonces().check(nonce), NonceCheck::stale);
  EXPECT_EQ(check(authorization("1001", "pbx.test", "secret-1001", nonce, "sip:pbx.test",
                                DigestAlgorithm::md5, "00000002"))
                .outcome,
            AuthOutcome::stale);
  EXPECT_EQ(check(authorization("1001", "pbx.test", "wrong", nonce, "sip:pbx.test",
                                DigestAlgorithm::md5, "00000003"))
                .outcome,
            AuthOutcome::bad_credentials);
}

TEST_F(AuthenticatorTest, ReplayedNonceCountRefused) {
  const std::string nonce = challenge_nonce();
  const auto header = authorization("1001", "pbx.test", "secret-1001", nonce, "sip:pbx.test",
                                    DigestAlgorithm::sha256);
  EXPECT_EQ(check(header).outcome, AuthOutcome::authenticated);
  EXPECT_EQ(check(header).outcome, AuthOutcome::stale);  // same nc again
  EXPECT_EQ(check(authorization("1001", "pbx.test", "secret-1001", nonce, "sip:pbx.test",
                                DigestAlgorithm::sha256, "00000003"))
                .outcome,
            AuthOutcome::authenticated);
  // Going back down is a replay too.
  EXPECT_EQ(check(authorization("1001", "pbx.test", "secret-1001", nonce, "sip:pbx.test",
                                DigestAlgorithm::sha256, "00000002"))
                .outcome,
            AuthOutcome::stale);
}

TEST_F(AuthenticatorTest, NoQopNonceAcceptedOnce) {
  const std::string nonce = challenge_nonce();
  const auto header = authorization("1001", "pbx.test", "secret-1001", nonce, "sip:pbx.test",
                                    DigestAlgorithm::md5, "", "REGISTER", /*qop=*/false);
  EXPECT_EQ(header.find("qop"), std::string::npos);
  EXPECT_EQ(check(header).outcome, AuthOutcome::authenticated);
  EXPECT_EQ(check(header).outcome, AuthOutcome::stale);
}

TEST_F(AuthenticatorTest, TamperedNonceRefused) {
  std::string nonce = challenge_nonce();
  nonce[5] = nonce[5] == 'A' ? 'B' : 'A';
  EXPECT_EQ(auth.nonces().check(nonce), NonceCheck::invalid);
  // Even with the right password the tampered nonce never authenticates.
  const auto r = check(authorization("1001", "pbx.test", "secret-1001", nonce, "sip:pbx.test",
                                     DigestAlgorithm::md5));
  EXPECT_NE(r.outcome, AuthOutcome::authenticated);
  EXPECT_EQ(auth.nonces().check("short"), NonceCheck::invalid);
  EXPECT_EQ(auth.nonces().check(std::string(48, '*')), NonceCheck::invalid);
}

TEST_F(AuthenticatorTest, NonceOfAnotherProcessIsNotAccepted) {
  FakeAccounts other_accounts;
  DigestAuthenticator other(other_accounts, clock);
  ResponseHeaders h;
  other.add_challenges(h, "pbx.test", false);
  const std::string foreign = challenge_param(h.value(0), "nonce");
  EXPECT_EQ(auth.nonces().check(foreign), NonceCheck::invalid);
  EXPECT_EQ(check(authorization("1001", "pbx.test", "secret-1001", foreign, "sip:pbx.test",
                                DigestAlgorithm::md5))
                .outcome,
            AuthOutcome::stale);
}

TEST_F(AuthenticatorTest, UnsupportedAlgorithmGetsAFreshChallenge) {
  const std::string nonce = challenge_nonce();
  auto h =
      authorization("1001", "pbx.test", "secret-1001", nonce, "sip:pbx.test", DigestAlgorithm::md5);
  h.replace(h.find("algorithm=MD5"), 13, "algorithm=SHA-512-256");
  EXPECT_EQ(check(h).outcome, AuthOutcome::challenge);
}

TEST(NonceManager, ForgottenNonceIsStale) {
  FakeClock clock;
  NonceManager nonces(clock, NonceConfig{std::chrono::seconds(300), "fixed secret", 16});
  std::string first;
  nonces.issue(first);
  std::vector<std::string> later(16);
  for (auto& n : later)
    nonces.issue(n);
  // later[15] has serial 17, the same slot as serial 1.
  EXPECT_EQ(nonces.use(later[15], 1), NonceCheck::valid);
  EXPECT_EQ(nonces.use(first, 1), NonceCheck::stale);
  EXPECT_EQ(nonces.use(later[0], 1), NonceCheck::valid);
}

TEST(NonceManager, SameSecretDifferentRunIsStaleNotValid) {
  FakeClock clock;
  NonceManager a(clock, NonceConfig{std::chrono::seconds(300), "shared", 64});
  NonceManager b(clock, NonceConfig{std::chrono::seconds(300), "shared", 64});
  std::string n;
  a.issue(n);
  EXPECT_EQ(a.check(n), NonceCheck::valid);
  EXPECT_EQ(b.check(n), NonceCheck::stale);
}

}  // namespace
}  // namespace dzvin::sip
