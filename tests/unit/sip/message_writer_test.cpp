#include "sip/message_writer.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sip/header_values.hpp"
#include "sip/name_addr.hpp"

namespace dzvin::sip {
namespace {

const std::string kRequest =
    "INVITE sip:bob@biloxi.example.com SIP/2.0\r\n"
    "Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds;rport, "
    "SIP/2.0/UDP p1.example.com;branch=z9hG4bKp1\r\n"
    "Via: SIP/2.0/TCP p2.example.com;branch=z9hG4bKp2;received=192.0.2.9\r\n"
    "Max-Forwards: 70\r\n"
    "To: Bob <sip:bob@biloxi.example.com>\r\n"
    "From: Alice <sip:alice@atlanta.example.com>;tag=1928301774\r\n"
    "Call-ID: a84b4c76e66710@pc33.atlanta.example.com\r\n"
    "CSeq: 314159 INVITE\r\n"
    "Timestamp: 54\r\n"
    "Content-Length: 0\r\n"
    "\r\n";

SipMessage parse_ok(std::string text) {
  auto r = parse_message(std::move(text));
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? std::move(r).value() : SipMessage{};
}

TEST(MessageWriter, WritesLinesAndContentLength) {
  std::string out = "stale";
  MessageWriter w(out);
  w.request_line("OPTIONS", "sip:a@example.com");
  w.header("Max-Forwards", std::uint64_t{70});
  w.header("Subject", "evil\r\nInjected: yes");
  w.finish("hello", "text/plain");
  EXPECT_EQ(out,
            "OPTIONS sip:a@example.com SIP/2.0\r\n"
            "Max-Forwards: 70\r\n"
            "Subject: evil  Injected: yes\r\n"
            "Content-Type: text/plain\r\n"
            "Content-Length: 5\r\n"
            "\r\n"
            "hello");
  std::string status;
  MessageWriter s(status);
  s.status_line(404, "Not\r\nFound");
  s.finish();
  EXPECT_EQ(status, "SIP/2.0 404 Not  Found\r\nContent-Length: 0\r\n\r\n");
}

TEST(MessageWriter, DefaultReasons) {
  EXPECT_EQ(default_reason(100), "Trying");
  EXPECT_EQ(default_reason(200), "OK");
  EXPECT_EQ(default_reason(416), "Unsupported URI Scheme");
  EXPECT_EQ(default_reason(420), "Bad Extension");
  EXPECT_EQ(default_reason(423), "Interval Too Brief");
  EXPECT_EQ(default_reason(429), "Provide Referrer Identity");
  EXPECT_EQ(default_reason(481), "Call/Transaction Does Not Exist");
  EXPECT_EQ(default_reason(489), "Bad Event");
  EXPECT_EQ(default_reason(505), "Version Not Supported");
  EXPECT_EQ(default_reason(513), "Message Too Large");
  EXPECT_EQ(default_reason(604), "Does Not Exist Anywhere");
  EXPECT_EQ(default_reason(299), "Unknown");
}

TEST(BuildResponse, CopiesViasInOrderAndMarksTheTopOne) {
  const SipMessage req = parse_ok(kRequest);
  std::string out;
  build_response(out, req, {"198.51.100.7", 5099}, 180, {}, "as83kd9");
  const SipMessage resp = parse_ok(out);
  EXPECT_EQ(resp.status(), 180);
  EXPECT_EQ(resp.reason(), "Ringing");
  std::vector<std::string_view> vias;
  for (const Header& h : resp.headers()) {
    if (h.id == HeaderId::via) {
      for (std::string_view v : CommaList(h.value))
        vias.push_back(v);
    }
  }
  ASSERT_EQ(vias.size(), 3u);
  EXPECT_EQ(vias[0],
            "SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds;received=198.51.100.7;"
            "rport=5099");
  EXPECT_EQ(vias[1], "SIP/2.0/UDP p1.example.com;branch=z9hG4bKp1");
  EXPECT_EQ(vias[2], "SIP/2.0/TCP p2.example.com;branch=z9hG4bKp2;received=192.0.2.9");
  EXPECT_EQ(resp.count(HeaderId::via), 2u);  // line structure kept
  EXPECT_EQ(resp.core().top_via.rport_value, 5099);
  EXPECT_EQ(resp.core().top_via.received, "198.51.100.7");
  EXPECT_EQ(resp.core().to_tag, "as83kd9");
  EXPECT_EQ(resp.core().from_tag, "1928301774");
  EXPECT_EQ(resp.core().call_id, req.core().call_id);
  EXPECT_EQ(resp.core().cseq, 314159u);
  EXPECT_EQ(resp.core().cseq_method, Method::invite);
  EXPECT_EQ(resp.core().content_length, 0u);
  EXPECT_EQ(resp.find(HeaderId::timestamp), nullptr);  // only 100 Trying echoes it
}

TEST(BuildResponse, NoReceivedWhenSentByMatchesAndNoRport) {
  const SipMessage req = parse_ok(
      "OPTIONS sip:a@b.example.com SIP/2.0\r\n"
      "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK1\r\n"
      "To: <sip:a@b.example.com>;tag=in-dialog\r\n"
      "From: <sip:c@d.example.com>;tag=f\r\n"
      "Call-ID: x\r\n"
      "CSeq: 2 OPTIONS\r\n"
      "Timestamp: 54 0.5\r\n"
      "\r\n");
  std::string out;
  build_response(out, req, {"192.0.2.1", 5060}, 100, {}, "ignored");
  const SipMessage resp = parse_ok(out);
  EXPECT_EQ(resp.header(HeaderId::via), "SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK1");
  EXPECT_EQ(resp.core().to_tag, "in-dialog");  // To had a tag: not replaced
  EXPECT_EQ(resp.header(HeaderId::to), "<sip:a@b.example.com>;tag=in-dialog");
  EXPECT_EQ(resp.header(HeaderId::timestamp), "54 0.5");
}

TEST(BuildResponse, ExtraHeadersBodyAndReplacedReceived) {
  const SipMessage req = parse_ok(
      "REGISTER sip:example.com SIP/2.0\r\n"
      "Via: SIP/2.0/UDP host.example.com;received=10.0.0.1;rport=1;branch=z9hG4bKr\r\n"
      "To: sip:u@example.com\r\n"
      "From: <sip:u@example.com>;tag=f\r\n"
      "Call-ID: r\r\n"
      "CSeq: 9 REGISTER\r\n"
      "\r\n");
  const ExtraHeader extra[] = {{"Contact", "<sip:u@192.0.2.5>;expires=60"}, {"Server", "Dzvin"}};
  std::string out;
  build_response(out, req, {"192.0.2.5", 4000}, 200, "Fine", "t1", extra, "body!", "text/plain");
  const SipMessage resp = parse_ok(out);
  EXPECT_EQ(resp.reason(), "Fine");
  EXPECT_EQ(resp.header(HeaderId::via),
            "SIP/2.0/UDP host.example.com;branch=z9hG4bKr;received=192.0.2.5;rport=4000");
  EXPECT_EQ(resp.header(HeaderId::to), "sip:u@example.com;tag=t1");
  EXPECT_EQ(resp.core().to_tag, "t1");
  EXPECT_EQ(resp.header(HeaderId::contact), "<sip:u@192.0.2.5>;expires=60");
  EXPECT_EQ(resp.header(HeaderId::server), "Dzvin");
  EXPECT_EQ(resp.header(HeaderId::content_type), "text/plain");
  EXPECT_EQ(resp.body(), "body!");
  EXPECT_EQ(resp.core().content_length, 5u);
}

TEST(BuildResponse, RoundTripsThroughTheParser) {
  const SipMessage req = parse_ok(kRequest);
  std::string first, second;
  build_response(first, req, {"203.0.113.1", 1234}, 486, {}, "tag1");
  const SipMessage resp = parse_ok(first);
  // Building again from the same request gives the same bytes (deterministic writer).
  build_response(second, req, {"203.0.113.1", 1234}, 486, {}, "tag1");
  EXPECT_EQ(first, second);
  EXPECT_EQ(resp.status(), 486);
  EXPECT_EQ(resp.reason(), "Busy Here");
  EXPECT_EQ(resp.raw(), first);
}

TEST(BuildResponse, ManyViaLinesStayWithinTheHeaderLimit) {
  std::string text = "OPTIONS sip:a@b SIP/2.0\r\n";
  for (std::size_t i = 0; i < kMaxHeaders - 4; ++i) {
    text += "Via: SIP/2.0/UDP h" + std::to_string(i) + ".example.com;branch=z9hG4bK" +
            std::to_string(i) + "\r\n";
  }
  text += "To: <sip:a@b>\r\nFrom: <sip:c@d>;tag=1\r\nCall-ID: c\r\nCSeq: 1 OPTIONS\r\n\r\n";
  const SipMessage req = parse_ok(text);
  std::string out;
  build_response(out, req, {"192.0.2.1", 5060}, 200, {});
  const SipMessage resp = parse_ok(out);
  std::size_t vias = 0;
  for (const Header& h : resp.headers()) {
    if (h.id != HeaderId::via) continue;
    for (std::string_view v : CommaList(h.value)) {
      EXPECT_NE(v.find("h" + std::to_string(vias) + ".example.com"), std::string_view::npos) << v;
      ++vias;
    }
  }
  EXPECT_EQ(vias, kMaxHeaders - 4);
}

}  // namespace
}  // namespace dzvin::sip
