#include "sip/uri.hpp"

#include <gtest/gtest.h>

#include <string>

namespace dzvin::sip {
namespace {

Uri parse_ok(std::string_view text) {
  auto r = parse_uri(text);
  EXPECT_TRUE(r.ok()) << text << ": " << (r.ok() ? "" : r.error().message);
  return r.ok() ? *r : Uri{};
}

bool equal(std::string_view a, std::string_view b) {
  auto ua = parse_uri(a);
  auto ub = parse_uri(b);
  EXPECT_TRUE(ua.ok() && ub.ok()) << a << " / " << b;
  return ua.ok() && ub.ok() && uri_equal(*ua, *ub) && uri_equal(*ub, *ua);
}

TEST(Uri, ParsesAllSipParts) {
  const Uri u = parse_ok(
      "sip:alice:secret@atlanta.example.com:5061;transport=TCP;lr?subject=hi&priority=urgent");
  EXPECT_EQ(u.scheme, Uri::Scheme::sip);
  EXPECT_EQ(u.scheme_text, "sip");
  EXPECT_EQ(u.user, "alice");
  EXPECT_EQ(u.password, "secret");
  EXPECT_EQ(u.host, "atlanta.example.com");
  EXPECT_EQ(u.port, 5061);
  EXPECT_EQ(u.params, ";transport=TCP;lr");
  EXPECT_EQ(u.headers, "subject=hi&priority=urgent");
  EXPECT_EQ(u.param("TRANSPORT"), "TCP");
  EXPECT_EQ(u.transport(), "tcp");
  EXPECT_TRUE(u.has_lr());
  EXPECT_FALSE(u.param("maddr").has_value());
}

TEST(Uri, DefaultsAndSchemes) {
  EXPECT_EQ(parse_ok("sip:example.com").transport(), "udp");
  EXPECT_EQ(parse_ok("SIPS:example.com").scheme, Uri::Scheme::sips);
  EXPECT_EQ(parse_ok("sips:example.com").transport(), "tls");
  EXPECT_EQ(parse_ok("sip:example.com").port, 0);
  EXPECT_EQ(parse_ok("sip:example.com").user, "");
  const Uri other = parse_ok("http://www.example.com/a?b=c");
  EXPECT_EQ(other.scheme, Uri::Scheme::other);
  EXPECT_EQ(other.scheme_text, "http");
  EXPECT_EQ(other.text, "http://www.example.com/a?b=c");
  EXPECT_EQ(parse_ok("soap.beep://192.0.2.103:3002").scheme, Uri::Scheme::other);
  EXPECT_EQ(parse_ok("isbn:2983792873").scheme, Uri::Scheme::other);
}

TEST(Uri, Ipv6References) {
  const Uri u = parse_ok("sip:[2001:db8::10]:5070;maddr=[2001:db8::20]");
  EXPECT_EQ(u.host, "[2001:db8::10]");
  EXPECT_EQ(u.port, 5070);
  EXPECT_EQ(parse_ok("sip:user@[::ffff:192.0.2.1]").host, "[::ffff:192.0.2.1]");
  EXPECT_FALSE(parse_uri("sip:[2001:db8::10").ok());
  EXPECT_FALSE(parse_uri("sip:[2001:db8:::10]").ok());
  EXPECT_FALSE(parse_uri("sip:[1:2:3:4:5:6:7:8:9]").ok());
  EXPECT_FALSE(parse_uri("sip:2001:db8::10").ok());  // RFC 5118 §4.10: brackets required
}

TEST(Uri, UserPartAllowsTheFullCharacterSet) {
  // RFC 4475 §3.1.1.2 Request-URI.
  const Uri u = parse_ok(
      "sip:1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/"
      ";;*:&it+has=1,weird!*pas$wo~d_too.(doesn't-it)@example.com");
  EXPECT_EQ(u.user, "1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*");
  EXPECT_EQ(u.password, "&it+has=1,weird!*pas$wo~d_too.(doesn't-it)");
  EXPECT_EQ(u.host, "example.com");
  // RFC 4475 §3.1.1.9: ';' in the user part.
  const Uri semi = parse_ok("sip:user;par=u%40example.net@example.com");
  EXPECT_EQ(semi.user, "user;par=u%40example.net");
  EXPECT_TRUE(semi.params.empty());
}

TEST(Uri, TelUris) {
  const Uri g = parse_ok("tel:+1-201-555-0123;ext=1234");
  EXPECT_EQ(g.scheme, Uri::Scheme::tel);
  EXPECT_EQ(g.user, "+1-201-555-0123");
  EXPECT_EQ(g.param("ext"), "1234");
  EXPECT_TRUE(parse_uri("tel:7042;phone-context=example.com").ok());
  EXPECT_FALSE(parse_uri("tel:7042").ok());  // local number needs phone-context
  EXPECT_FALSE(parse_uri("tel:+").ok());
  EXPECT_FALSE(parse_uri("tel:+1 201").ok());
}

TEST(Uri, RejectsMalformed) {
  for (std::string_view bad : {"",
                               "sip",
                               "sip:",
                               ":x",
                               "1sip:host",
                               "sip:@host",
                               "sip:user@",
                               "sip:user@host:",
                               "sip:user@host:99999",
                               "sip:user@host;",
                               "sip:user@host;=x",
                               "sip:user@host;a=",
                               "sip:user@host?",
                               "sip:user@host?x",
                               "sip:us%zzer@host",
                               "sip:us%4@host",
                               "sip:user@ho st",
                               "sip:user@host>",
                               "sip:user@-host.com",
                               "sip:user@host-.com",
                               "sip:user@1.2.3.4.5",
                               "sip:user@256.1.1.1",
                               "sip:<user>@host",
                               "sip:user@host@x",
                               "http:",
                               "ht tp://x",
                               "<sip:a@b>",
                               "sip:user@host;lr\r\n"}) {
    EXPECT_FALSE(parse_uri(bad).ok()) << bad;
  }
  EXPECT_TRUE(parse_uri("sip:user@example.com.").ok());  // trailing dot is a valid FQDN
  EXPECT_TRUE(parse_uri("sip:user@192.0.2.1:0").ok());
}

TEST(Uri, EqualityFollowsRfc3261Section19_1_4) {
  // The equal pairs of §19.1.4.
  EXPECT_TRUE(
      equal("sip:%61lice@atlanta.com;transport=TCP", "sip:alice@AtLanTa.CoM;Transport=tcp"));
  EXPECT_TRUE(equal("sip:carol@chicago.com", "sip:carol@chicago.com;newparam=5"));
  EXPECT_TRUE(equal("sip:carol@chicago.com", "sip:carol@chicago.com;security=on"));
  EXPECT_TRUE(equal("sip:carol@chicago.com;newparam=5", "sip:carol@chicago.com;security=on"));
  EXPECT_TRUE(equal("sip:biloxi.com;transport=tcp;method=REGISTER?to=sip:bob%40biloxi.com",
                    "sip:biloxi.com;method=REGISTER;transport=tcp?to=sip:bob%40biloxi.com"));
  EXPECT_TRUE(equal("sip:alice@atlanta.com?subject=project%20x&priority=urgent",
                    "sip:alice@atlanta.com?priority=urgent&subject=project%20x"));
  // The unequal pairs of §19.1.4.
  EXPECT_FALSE(equal("SIP:ALICE@AtLanTa.CoM;Transport=udp", "sip:alice@AtLanTa.CoM;Transport=UDP"));
  EXPECT_FALSE(equal("sip:bob@biloxi.com", "sip:bob@biloxi.com:5060"));
  EXPECT_FALSE(equal("sip:bob@biloxi.com", "sip:bob@biloxi.com;transport=udp"));
  EXPECT_FALSE(equal("sip:bob@biloxi.com", "sip:bob@biloxi.com:6000;transport=tcp"));
  EXPECT_FALSE(equal("sip:carol@chicago.com", "sip:carol@chicago.com?Subject=next%20meeting"));
  EXPECT_FALSE(equal("sip:bob@phone21.boxesbybob.com", "sip:bob@192.0.2.4"));
  EXPECT_FALSE(equal("sip:carol@chicago.com;security=on", "sip:carol@chicago.com;security=off"));
  EXPECT_FALSE(equal("sip:alice@example.com", "sips:alice@example.com"));
  // IPv6 hosts compare as addresses.
  EXPECT_TRUE(equal("sip:[2001:db8::1]", "sip:[2001:0DB8:0:0:0:0:0:1]"));
  // tel: visual separators do not matter.
  EXPECT_TRUE(equal("tel:+1-201-555-0123", "tel:+12015550123"));
  EXPECT_FALSE(equal("tel:+1-201-555-0123", "tel:+12015550124"));
  // Reflexive even with repeated params.
  EXPECT_TRUE(equal("sip:a@b;x=1;x=2?h=1&h=2", "sip:a@b;x=1;x=2?h=1&h=2"));
}

TEST(Uri, Unescape) {
  EXPECT_EQ(*unescape("null-%00-null"), std::string("null-\0-null", 11));
  EXPECT_EQ(*unescape("%61lice%40x"), "alice@x");
  EXPECT_EQ(*unescape("plain"), "plain");
  EXPECT_FALSE(unescape("%4").ok());
  EXPECT_FALSE(unescape("%zz").ok());
}

TEST(Uri, HostValidation) {
  EXPECT_TRUE(is_valid_host("example.com"));
  EXPECT_TRUE(is_valid_host("host.ab1"));  // a top label may end in a digit
  EXPECT_TRUE(is_valid_host("a-b.c-d.example."));
  EXPECT_FALSE(is_valid_host("a..b"));
  EXPECT_FALSE(is_valid_host("a.-b.com"));
  EXPECT_FALSE(is_valid_host("a.b-.com"));
  EXPECT_FALSE(is_valid_host("example.1com"));
  EXPECT_FALSE(is_valid_host("."));
  EXPECT_TRUE(is_valid_host("192.0.2.1"));
  EXPECT_TRUE(is_valid_host("[::1]"));
  EXPECT_FALSE(is_valid_host("::1"));
  EXPECT_FALSE(is_valid_host("exa_mple.com"));
  EXPECT_FALSE(is_valid_host(""));
  EXPECT_TRUE(is_ipv6_address("::"));
  EXPECT_TRUE(is_ipv6_address("1::"));
  EXPECT_TRUE(is_ipv6_address("1:2:3:4:5:6:7:8"));
  EXPECT_FALSE(is_ipv6_address("1:2:3:4:5:6:7"));
  EXPECT_FALSE(is_ipv6_address("1:2:3:4:5:6:7:8:"));
  EXPECT_FALSE(is_ipv6_address("12345::"));
  EXPECT_TRUE(is_ipv4_address("0.0.0.0"));
  EXPECT_FALSE(is_ipv4_address("1.2.3"));
}

}  // namespace
}  // namespace dzvin::sip
