// The client side of digest authentication: published vectors (RFC 2617 §3.5, RFC 7616
// §3.9.1) and round trips through Dzvin's own DigestAuthenticator.
#include "sip/digest_client.hpp"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "base/clock.hpp"
#include "registrar_fixture.hpp"
#include "sip/digest_authenticator.hpp"
#include "sip/digest_credentials.hpp"
#include "sip/response_headers.hpp"

namespace dzvin::sip {
namespace {

using testing::FakeAccounts;

using HeaderList = std::vector<std::pair<std::string, std::string>>;

SipMessage response(int status, const HeaderList& headers) {
  std::string text = "SIP/2.0 " + std::to_string(status) + " Challenge\r\n";
  text += "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK-c1\r\n";
  text += "From: <sip:1001@pbx.test>;tag=f1\r\nTo: <sip:1001@pbx.test>;tag=t1\r\n";
  text += "Call-ID: c1\r\nCSeq: 1 REGISTER\r\n";
  for (const auto& [name, value] : headers)
    text += name + ": " + value + "\r\n";
  text += "Content-Length: 0\r\n\r\n";
  auto parsed = parse_message(std::move(text));
  EXPECT_TRUE(parsed) << parsed.error().message;
  return parsed ? std::move(*parsed) : SipMessage{};
}

// RFC 7616 §3.9.1: the 401 offers SHA-256, then MD5, with the same nonce; the user is
// "Mufasa", the password "Circle of Life" (erratum 4495), a GET of /dir/index.html.
constexpr std::string_view kRealm7616 = "http-auth@example.org";
constexpr std::string_view kNonce7616 = "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v";
constexpr std::string_view kOpaque7616 = "FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS";
constexpr std::string_view kCnonce7616 = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ";

std::string rfc7616_challenge(std::string_view algorithm) {
  return "Digest realm=\"" + std::string(kRealm7616) +
         "\", qop=\"auth, auth-int\", algorithm=" + std::string(algorithm) + ", nonce=\"" +
         std::string(kNonce7616) + "\", opaque=\"" + std::string(kOpaque7616) + "\"";
}

DigestCredentials parsed_credentials(const std::string& value) {
  auto c = parse_digest_credentials(value);
  EXPECT_TRUE(c) << (c ? "" : c.error().message) << ": " << value;
  return c ? std::move(*c) : DigestCredentials{};
}

TEST(DigestClientVectors, Rfc7616Sha256IsChosenAndMatches) {
  const SipMessage r = response(401, {{"WWW-Authenticate", rfc7616_challenge("SHA-256")},
                                      {"WWW-Authenticate", rfc7616_challenge("MD5")}});
  auto chosen = choose_challenge(r);
  ASSERT_TRUE(chosen) << chosen.error().message;
  EXPECT_EQ(chosen->header_name, "Authorization");
  EXPECT_EQ(chosen->challenge.algorithm, DigestAlgorithm::sha256);
  const std::string value = digest_authorization(
      chosen->challenge,
      DigestAnswer{"Mufasa", "Circle of Life", "GET", "/dir/index.html", kCnonce7616, 1});
  const DigestCredentials c = parsed_credentials(value);
  EXPECT_EQ(c.response, "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1");
  EXPECT_EQ(c.username, "Mufasa");
  EXPECT_EQ(c.realm, kRealm7616);
  EXPECT_EQ(c.nonce, kNonce7616);
  EXPECT_EQ(c.uri, "/dir/index.html");
  EXPECT_EQ(c.opaque, kOpaque7616);
  EXPECT_EQ(c.cnonce, kCnonce7616);
  EXPECT_EQ(c.qop, DigestQop::auth);
  EXPECT_EQ(c.nc_text, "00000001");
  EXPECT_EQ(c.algorithm, DigestAlgorithm::sha256);
}

TEST(DigestClientVectors, Rfc7616Md5Matches) {
  const std::string header = rfc7616_challenge("MD5");
  auto challenge = parse_digest_challenge(header);
  ASSERT_TRUE(challenge) << challenge.error().message;
  const std::string value = digest_authorization(
      *challenge,
      DigestAnswer{"Mufasa", "Circle of Life", "GET", "/dir/index.html", kCnonce7616, 1});
  const DigestCredentials c = parsed_credentials(value);
  EXPECT_EQ(c.response, "8ca523f5e9506fed4657c9700eebdbec");
  EXPECT_EQ(c.algorithm, DigestAlgorithm::md5);
}

TEST(DigestClientVectors, Rfc2617Example) {
  auto challenge = parse_digest_challenge(
      "Digest realm=\"testrealm@host.com\", qop=\"auth,auth-int\", "
      "nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"");
  ASSERT_TRUE(challenge) << challenge.error().message;
  const std::string value = digest_authorization(
      *challenge,
      DigestAnswer{"Mufasa", "Circle Of Life", "GET", "/dir/index.html", "0a4f113b", 1});
  const DigestCredentials c = parsed_credentials(value);
  EXPECT_EQ(c.response, "6629fae49393a05397450978507c4ef1");
  EXPECT_EQ(c.opaque, "5ccc069c403ebaf9f0171e9517f40e41");
  EXPECT_EQ(c.nc, 1u);
}

TEST(DigestClientVectors, Rfc2069FormWithoutQop) {
  // No qop offered: response = H(HA1:nonce:HA2), no cnonce/nc (RFC 2617 §3.2.2.1). Inputs of
  // RFC 2617 §3.5 with the password "CircleOfLife"; the value is cross-checked with an
  // independent MD5 implementation.
  auto challenge = parse_digest_challenge(
      "Digest realm=\"testrealm@host.com\", nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", "
      "opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"");
  ASSERT_TRUE(challenge);
  const std::string value = digest_authorization(
      *challenge, DigestAnswer{"Mufasa", "CircleOfLife", "GET", "/dir/index.html", "unused", 1});
  const DigestCredentials c = parsed_credentials(value);
  EXPECT_EQ(c.response, "1949323746fe6a43ef61f9606e7febea");
  EXPECT_EQ(c.qop, DigestQop::none);
  EXPECT_EQ(value.find("cnonce"), std::string::npos);
  EXPECT_EQ(value.find("nc="), std::string::npos);
}

TEST(DigestClientVectors, NonceCountIsEightLowercaseHexDigits) {
  auto challenge = parse_digest_challenge("Digest realm=\"r\", nonce=\"n\", qop=\"auth\"");
  ASSERT_TRUE(challenge);
  const std::string value =
      digest_authorization(*challenge, DigestAnswer{"u", "p", "INVITE", "sip:x", "c", 0x1abu});
  const DigestCredentials c = parsed_credentials(value);
  EXPECT_EQ(c.nc_text, "000001ab");
  EXPECT_EQ(c.nc, 0x1abu);
}

// --- Choosing ---------------------------------------------------------------------------------

TEST(DigestClientChoice, Sha256WinsWhicheverComesFirst) {
  const SipMessage r = response(401, {{"WWW-Authenticate", rfc7616_challenge("MD5")},
                                      {"WWW-Authenticate", rfc7616_challenge("SHA-256")}});
  auto chosen = choose_challenge(r);
  ASSERT_TRUE(chosen);
  EXPECT_EQ(chosen->challenge.algorithm, DigestAlgorithm::sha256);
}

TEST(DigestClientChoice, CommaJoinedChallengesInOneHeader) {
  const SipMessage r =
      response(401, {{"WWW-Authenticate",
                      "Digest realm=\"p\", nonce=\"m\", algorithm=MD5, qop=\"auth\", "
                      "Digest realm=\"p\", nonce=\"s\", algorithm=SHA-256, qop=\"auth\""}});
  auto chosen = choose_challenge(r);
  ASSERT_TRUE(chosen) << chosen.error().message;
  EXPECT_EQ(chosen->challenge.nonce, "s");
}

TEST(DigestClientChoice, ProxyChallengeGetsProxyAuthorization) {
  // A 407 is answered from Proxy-Authenticate only (RFC 3261 §22.3).
  const SipMessage r =
      response(407, {{"WWW-Authenticate", "Digest realm=\"other\", nonce=\"w\""},
                     {"Proxy-Authenticate", "Digest realm=\"proxy\", nonce=\"p\", qop=\"auth\""}});
  auto header = answer_challenge(r, "u", "pw", "INVITE", "sip:+380441234567@sip.provider");
  ASSERT_TRUE(header) << header.error().message;
  EXPECT_EQ(header->name, "Proxy-Authorization");
  const DigestCredentials c = parsed_credentials(header->value);
  EXPECT_EQ(c.realm, "proxy");
  EXPECT_EQ(c.uri, "sip:+380441234567@sip.provider");
}

TEST(DigestClientChoice, MalformedHeaderSkippedWhenAnotherIsUsable) {
  const SipMessage r = response(401, {{"WWW-Authenticate", "Digest realm=\"r\", nonce=\"n"},
                                      {"WWW-Authenticate", "Digest realm=\"r\", nonce=\"ok\""}});
  auto chosen = choose_challenge(r);
  ASSERT_TRUE(chosen) << chosen.error().message;
  EXPECT_EQ(chosen->challenge.nonce, "ok");
}

struct Unusable {
  const char* name;
  int status;
  HeaderList headers;
  int code;
  const char* says;
};

class DigestClientRefuses : public ::testing::TestWithParam<Unusable> {};

TEST_P(DigestClientRefuses, WithAMessageThatSaysWhy) {
  const Unusable& u = GetParam();
  auto header = answer_challenge(response(u.status, u.headers), "u", "p", "REGISTER", "sip:x");
  ASSERT_FALSE(header) << u.name;
  EXPECT_EQ(header.error().code, u.code) << u.name;
  EXPECT_NE(header.error().message.find(u.says), std::string::npos)
      << u.name << ": " << header.error().message;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, DigestClientRefuses,
    ::testing::Values(
        Unusable{
            "only auth-int", 401,
            HeaderList{{"WWW-Authenticate", "Digest realm=\"r\", nonce=\"n\", qop=\"auth-int\""}},
            401, "auth-int"},
        Unusable{"unknown algorithms", 401,
                 HeaderList{{"WWW-Authenticate",
                             "Digest realm=\"r\", nonce=\"n\", algorithm=SHA-512-256, "
                             "Digest realm=\"r\", nonce=\"n\", algorithm=MD5-sess"}},
                 401, "not supported"},
        Unusable{"no header", 407,
                 HeaderList{{"WWW-Authenticate", "Digest realm=\"r\", nonce=\"n\""}}, 407,
                 "no Proxy-Authenticate header"},
        Unusable{"other schemes only", 401, HeaderList{{"WWW-Authenticate", "Basic realm=\"r\""}},
                 401, "no Digest challenge"},
        Unusable{"malformed", 401, HeaderList{{"WWW-Authenticate", "Digest realm=\"r\""}}, 401,
                 "missing nonce"},
        Unusable{"not a challenge", 200, HeaderList{}, 0, "not a 401/407"}));

// --- Round trips with Dzvin's own server side ---------------------------------------------------

class DigestClientRoundTrip : public ::testing::Test {
 protected:
  DigestClientRoundTrip() { accounts.add("trunk\"user", "pbx.test", "s3cret \\ pass"); }

  AuthResult round_trip(DigestAuthenticator& server, DigestAlgorithm expect) {
    ResponseHeaders challenges;
    server.add_challenges(challenges, "pbx.test", false);
    HeaderList headers;
    for (std::size_t i = 0; i < challenges.size(); ++i)
      headers.emplace_back(std::string(challenges.name(i)), std::string(challenges.value(i)));
    const SipMessage r = response(401, headers);
    auto header = answer_challenge(r, "trunk\"user", "s3cret \\ pass", "REGISTER", "sip:pbx.test");
    EXPECT_TRUE(header) << header.error().message;
    if (!header) return {};
    EXPECT_EQ(header->name, "Authorization");
    const DigestCredentials c = parsed_credentials(header->value);
    EXPECT_EQ(c.algorithm, expect);
    EXPECT_EQ(c.username, "trunk\"user");
    return server.verify(c, "REGISTER", "pbx.test");
  }

  FakeClock clock;
  FakeAccounts accounts;
};

TEST_F(DigestClientRoundTrip, Sha256AcceptedByDigestAuthenticator) {
  DigestAuthenticator server(accounts, clock);  // offers MD5 then SHA-256
  EXPECT_EQ(round_trip(server, DigestAlgorithm::sha256).outcome, AuthOutcome::authenticated);
}

TEST_F(DigestClientRoundTrip, Md5AcceptedByDigestAuthenticator) {
  DigestConfig md5_only;
  md5_only.offer_sha256 = false;
  DigestAuthenticator server(accounts, clock, md5_only);
  EXPECT_EQ(round_trip(server, DigestAlgorithm::md5).outcome, AuthOutcome::authenticated);
}

TEST_F(DigestClientRoundTrip, WrongPasswordRefusedAndCnonceIsFresh) {
  DigestAuthenticator server(accounts, clock);
  ResponseHeaders challenges;
  server.add_challenges(challenges, "pbx.test", false);
  const SipMessage r = response(401, {{"WWW-Authenticate", std::string(challenges.value(0))}});
  auto wrong = answer_challenge(r, "trunk\"user", "guess", "REGISTER", "sip:pbx.test");
  ASSERT_TRUE(wrong);
  EXPECT_EQ(server.verify(parsed_credentials(wrong->value), "REGISTER", "pbx.test").outcome,
            AuthOutcome::bad_credentials);
  auto again = answer_challenge(r, "trunk\"user", "guess", "REGISTER", "sip:pbx.test");
  ASSERT_TRUE(again);
  EXPECT_NE(parsed_credentials(wrong->value).cnonce, parsed_credentials(again->value).cnonce);
  EXPECT_EQ(parsed_credentials(again->value).cnonce.size(), 24u);
}

}  // namespace
}  // namespace dzvin::sip
