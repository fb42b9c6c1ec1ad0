#include "sip/digest_challenge.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace dzvin::sip {
namespace {

// RFC 7616 §3.9.1: the two challenges of the example's 401, each as its own header value.
constexpr std::string_view kRfc7616Sha256 =
    "Digest\r\n    realm=\"http-auth@example.org\",\r\n    qop=\"auth, auth-int\",\r\n"
    "    algorithm=SHA-256,\r\n    nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\",\r\n"
    "    opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"";

// RFC 2617 §3.5.
constexpr std::string_view kRfc2617 =
    "Digest realm=\"testrealm@host.com\", qop=\"auth,auth-int\", "
    "nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"";

TEST(DigestChallengeParser, Rfc7616ExampleWithFoldedLines) {
  auto c = parse_digest_challenge(kRfc7616Sha256);
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->realm, "http-auth@example.org");
  EXPECT_EQ(c->nonce, "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v");
  EXPECT_EQ(c->opaque, "FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS");
  EXPECT_TRUE(c->has_opaque);
  EXPECT_EQ(c->algorithm, DigestAlgorithm::sha256);
  EXPECT_EQ(c->algorithm_text, "SHA-256");
  EXPECT_TRUE(c->algorithm_supported);
  EXPECT_TRUE(c->qop_offered);
  EXPECT_TRUE(c->qop_auth);
  EXPECT_TRUE(c->qop_auth_int);
  EXPECT_FALSE(c->stale);
  EXPECT_TRUE(c->usable());
}

TEST(DigestChallengeParser, Rfc2617ExampleDefaultsToMd5) {
  auto c = parse_digest_challenge(kRfc2617);
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->algorithm, DigestAlgorithm::md5);
  EXPECT_TRUE(c->algorithm_text.empty());
  EXPECT_TRUE(c->qop_auth);
  EXPECT_TRUE(c->qop_auth_int);
}

TEST(DigestChallengeParser, Rfc2069FormHasNoQop) {
  auto c = parse_digest_challenge("Digest realm=\"r\", nonce=\"n\"");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_FALSE(c->qop_offered);
  EXPECT_FALSE(c->has_opaque);
  EXPECT_TRUE(c->usable());
}

TEST(DigestChallengeParser, StaleQuotedAlgorithmAndBareQopAccepted) {
  auto c = parse_digest_challenge(
      "digest REALM=\"r\",NONCE=\"n\", stale=TRUE, algorithm=\"sha-256\", qop=auth, "
      "domain=\"sip:a sip:b\", charset=UTF-8, x-vendor=\"q,uoted\"");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_TRUE(c->stale);
  EXPECT_EQ(c->algorithm, DigestAlgorithm::sha256);
  EXPECT_TRUE(c->qop_auth);
  EXPECT_FALSE(c->qop_auth_int);
  EXPECT_EQ(c->domain, "sip:a sip:b");
  auto not_stale = parse_digest_challenge("Digest realm=\"r\", nonce=\"n\", stale=\"false\"");
  ASSERT_TRUE(not_stale);
  EXPECT_FALSE(not_stale->stale);
}

TEST(DigestChallengeParser, UnusableChallengesAreFlaggedNotRefused) {
  auto sess = parse_digest_challenge("Digest realm=\"r\", nonce=\"n\", algorithm=MD5-sess");
  ASSERT_TRUE(sess);
  EXPECT_FALSE(sess->algorithm_supported);
  EXPECT_EQ(sess->algorithm_text, "MD5-sess");
  EXPECT_FALSE(sess->usable());
  auto auth_int = parse_digest_challenge("Digest realm=\"r\", nonce=\"n\", qop=\"auth-int\"");
  ASSERT_TRUE(auth_int);
  EXPECT_TRUE(auth_int->qop_auth_int);
  EXPECT_FALSE(auth_int->usable());
  auto unknown_qop = parse_digest_challenge("Digest realm=\"r\", nonce=\"n\", qop=\"x-new\"");
  ASSERT_TRUE(unknown_qop);
  EXPECT_FALSE(unknown_qop->usable());
}

TEST(DigestChallengeParser, EscapesResolvedAndSurviveMove) {
  auto c = parse_digest_challenge(R"(Digest realm="a\"b\\c", nonce="n\,1")");
  ASSERT_TRUE(c) << c.error().message;
  DigestChallenge moved = std::move(*c);
  EXPECT_EQ(moved.realm, "a\"b\\c");
  EXPECT_EQ(moved.nonce, "n,1");
}

TEST(DigestChallengeParser, SeveralChallengesInOneHeaderOtherSchemesSkipped) {
  // RFC 7235 §4.1: one header value may hold several challenges.
  auto list = parse_digest_challenges(
      "Basic realm=\"x, y\", Digest realm=\"r\", nonce=\"1\", algorithm=MD5, Bearer, "
      "Negotiate abc+/d==, Digest realm=\"r\", nonce=\"2\", algorithm=SHA-256, "
      "NewAuth realm=\"z\", type=1, title=\"Login, please\"");
  ASSERT_TRUE(list) << list.error().message;
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].nonce, "1");
  EXPECT_EQ((*list)[0].algorithm, DigestAlgorithm::md5);
  EXPECT_EQ((*list)[1].nonce, "2");
  EXPECT_EQ((*list)[1].algorithm, DigestAlgorithm::sha256);

  auto none = parse_digest_challenges("Basic realm=\"x\"");
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
  EXPECT_FALSE(parse_digest_challenge("Basic realm=\"x\""));
  EXPECT_FALSE(
      parse_digest_challenge("Digest realm=\"a\", nonce=\"1\", Digest realm=\"b\", "
                             "nonce=\"2\""));
}

struct BadChallenge {
  const char* name;
  const char* value;
};

class DigestChallengeRejects : public ::testing::TestWithParam<BadChallenge> {};

TEST_P(DigestChallengeRejects, WithA400ThatSaysWhat) {
  auto c = parse_digest_challenges(GetParam().value);
  ASSERT_FALSE(c) << GetParam().name;
  EXPECT_EQ(c.error().code, 400);
  EXPECT_EQ(c.error().message.rfind("Digest challenge", 0), 0u) << c.error().message;
}

constexpr BadChallenge kBadChallenges[] = {
    {"no params", "Digest"},
    {"no space", "Digest\"x\""},
    {"missing nonce", "Digest realm=\"r\""},
    {"missing realm", "Digest nonce=\"n\""},
    {"empty nonce", "Digest realm=\"r\", nonce=\"\""},
    {"duplicate realm", "Digest realm=\"r\", REALM=\"s\", nonce=\"n\""},
    {"unterminated", "Digest realm=\"r, nonce=\"n"},
    {"no comma", "Digest realm=\"r\" nonce=\"n\""},
    {"no value", "Digest realm=, nonce=\"n\""},
    {"value without name", "Digest =\"r\", nonce=\"n\""},
    {"control char", "Digest realm=\"r\x01\", nonce=\"n\""},
    {"escaped newline", "Digest realm=\"r\\\n\", nonce=\"n\""},
    {"token without value first", "Digest realm nonce=\"n\""},
    {"garbage scheme", "\"Digest\" realm=\"r\""},
    {"bad element after a challenge", "Digest realm=\"r\", nonce=\"n\", =x"},
};
INSTANTIATE_TEST_SUITE_P(EdgeCases, DigestChallengeRejects, ::testing::ValuesIn(kBadChallenges));

TEST(DigestChallengeParser, BoundsLengthParamsAndChallenges) {
  DigestLimits limits;
  const std::string long_nonce(limits.max_value_bytes + 1, 'n');
  auto too_long = parse_digest_challenges("Digest realm=\"r\", nonce=\"" + long_nonce + "\"");
  ASSERT_FALSE(too_long);
  EXPECT_NE(too_long.error().message.find("too long"), std::string::npos);

  std::string many = "Digest realm=\"r\", nonce=\"n\"";
  for (int i = 0; i < 30; ++i)
    many += ", p" + std::to_string(i) + "=1";
  EXPECT_FALSE(parse_digest_challenges(many));

  std::string challenges;
  for (int i = 0; i < 20; ++i)
    challenges += "Basic realm=\"x\", ";
  EXPECT_FALSE(parse_digest_challenges(challenges));

  EXPECT_FALSE(parse_digest_challenges(std::string(limits.max_header_bytes + 1, ' ')));
}

}  // namespace
}  // namespace dzvin::sip
