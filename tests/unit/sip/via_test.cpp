#include "sip/via.hpp"

#include <gtest/gtest.h>

namespace dzvin::sip {
namespace {

Via parse_ok(std::string_view text) {
  auto r = parse_via(text);
  EXPECT_TRUE(r.ok()) << text << ": " << (r.ok() ? "" : r.error().message);
  return r.ok() ? *r : Via{};
}

TEST(Via, ParsesTheUsualForm) {
  const Via v = parse_ok("SIP/2.0/UDP pc33.atlanta.example.com:5066;branch=z9hG4bK776asdhds;rport");
  EXPECT_EQ(v.protocol, "SIP/2.0");
  EXPECT_EQ(v.transport, "UDP");
  EXPECT_EQ(v.host, "pc33.atlanta.example.com");
  EXPECT_EQ(v.port, 5066);
  EXPECT_EQ(v.branch, "z9hG4bK776asdhds");
  EXPECT_TRUE(v.rfc3261_branch());
  EXPECT_TRUE(v.rport);
  EXPECT_EQ(v.rport_value, 0);
  EXPECT_EQ(v.params, ";branch=z9hG4bK776asdhds;rport");
}

TEST(Via, ToleratesLwsEverywhereTheGrammarAllows) {
  // RFC 4475 §3.1.1.1 (after unfolding).
  const Via v = parse_ok("SIP  /   2.0   /UDP     192.0.2.2;rport;branch=390skdjuw");
  EXPECT_EQ(v.protocol, "SIP/2.0");
  EXPECT_EQ(v.transport, "UDP");
  EXPECT_EQ(v.host, "192.0.2.2");
  EXPECT_EQ(v.branch, "390skdjuw");
  EXPECT_FALSE(v.rfc3261_branch());
  const Via w =
      parse_ok("SIP  / 2.0  / TCP     spindle.example.com   ;   branch  =   z9hG4bK9ikj8");
  EXPECT_EQ(w.host, "spindle.example.com");
  EXPECT_EQ(w.branch, "z9hG4bK9ikj8");
  EXPECT_EQ(w.transport, "TCP");
}

TEST(Via, ReceivedRportAndIpv6) {
  const Via v =
      parse_ok("SIP/2.0/TLS [2001:db8::9]:5061;received=2001:db8::10;rport=5062;branch=z9hG4bKx");
  EXPECT_EQ(v.host, "[2001:db8::9]");
  EXPECT_EQ(v.port, 5061);
  EXPECT_EQ(v.received, "2001:db8::10");
  EXPECT_EQ(v.rport_value, 5062);
  EXPECT_EQ(parse_ok("SIP/2.0/UDP a.b;received=192.0.2.1").received, "192.0.2.1");
  EXPECT_EQ(parse_ok("SIP/2.0/UNKNOWN a.b;ttl=16;maddr=224.2.0.1;x=\"q v\"").transport, "UNKNOWN");
}

TEST(Via, RejectsMalformed) {
  for (std::string_view bad :
       {"", "SIP/2.0/UDP", "SIP/2.0 host", "SIP/2.0/UDP;branch=x", "SIP/2.0/UDPhost",
        "SIP/2.0/UDP host:", "SIP/2.0/UDP host:70000", "SIP/2.0/UDP 192.0.2.15;;",
        "SIP/2.0/UDP host;branch=", "SIP/2.0/UDP host;branch", "SIP/2.0/UDP host;received=x.y",
        "SIP/2.0/UDP host;rport=abc", "SIP/2.0/UDP host;ttl=256", "SIP/2.0/UDP host junk",
        "SIP/2.0/UDP ho_st", "SIP/2.0/UDP [::1", "SIP/2.0/UDP host;x=\"open"}) {
    EXPECT_FALSE(parse_via(bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace dzvin::sip
