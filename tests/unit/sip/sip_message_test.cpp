#include "sip/sip_message.hpp"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "sip/header_values.hpp"

namespace dzvin::sip {
namespace {

const std::string kInvite =
    "INVITE sip:bob@biloxi.example.com SIP/2.0\r\n"
    "Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds\r\n"
    "Max-Forwards: 70\r\n"
    "To: Bob <sip:bob@biloxi.example.com>\r\n"
    "From: Alice <sip:alice@atlanta.example.com>;tag=1928301774\r\n"
    "Call-ID: a84b4c76e66710@pc33.atlanta.example.com\r\n"
    "CSeq: 314159 INVITE\r\n"
    "Contact: <sip:alice@pc33.atlanta.example.com>\r\n"
    "Content-Type: application/sdp\r\n"
    "Content-Length: 4\r\n"
    "\r\n"
    "v=0\n";

SipMessage parse_ok(std::string text, const MessageLimits& limits = {}) {
  auto r = parse_message(std::move(text), limits);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  if (!r.ok()) return SipMessage{};
  return std::move(r).value();
}

Error parse_error(std::string text, const MessageLimits& limits = {}) {
  auto r = parse_message(std::move(text), limits);
  EXPECT_FALSE(r.ok());
  if (r.ok()) return Error{};
  return r.error();
}

std::string replace(std::string s, const std::string& from, const std::string& to) {
  const auto at = s.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) s.replace(at, from.size(), to);
  return s;
}

TEST(SipMessage, ParsesRequestLineAndCoreHeaders) {
  const SipMessage m = parse_ok(kInvite);
  EXPECT_TRUE(m.is_request());
  EXPECT_EQ(m.method(), Method::invite);
  EXPECT_EQ(m.method_text(), "INVITE");
  EXPECT_EQ(m.request_uri(), "sip:bob@biloxi.example.com");
  EXPECT_EQ(m.version(), "SIP/2.0");
  EXPECT_EQ(m.core().call_id, "a84b4c76e66710@pc33.atlanta.example.com");
  EXPECT_EQ(m.core().cseq, 314159u);
  EXPECT_EQ(m.core().cseq_method, Method::invite);
  EXPECT_EQ(m.core().from_tag, "1928301774");
  EXPECT_EQ(m.core().to_tag, "");
  ASSERT_TRUE(m.core().has_via);
  EXPECT_EQ(m.core().top_via.branch, "z9hG4bK776asdhds");
  EXPECT_EQ(m.core().top_via.host, "pc33.atlanta.example.com");
  EXPECT_EQ(m.core().max_forwards, 70u);
  EXPECT_EQ(m.core().content_length, 4u);
  EXPECT_EQ(m.body(), "v=0\n");
  EXPECT_EQ(m.headers().size(), 9u);
  EXPECT_EQ(m.header(HeaderId::content_type), "application/sdp");
  EXPECT_EQ(m.raw(), kInvite);
}

TEST(SipMessage, ParsesStatusLine) {
  const SipMessage m = parse_ok(
      "SIP/2.0 180 Ringing\r\n"
      "Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds;received=192.0.2.1\r\n"
      "To: Bob <sip:bob@biloxi.example.com>;tag=a6c85cf\r\n"
      "From: Alice <sip:alice@atlanta.example.com>;tag=1928301774\r\n"
      "Call-ID: a84b4c76e66710\r\n"
      "CSeq: 314159 INVITE\r\n"
      "Content-Length: 0\r\n\r\n");
  EXPECT_TRUE(m.is_response());
  EXPECT_EQ(m.status(), 180);
  EXPECT_EQ(m.reason(), "Ringing");
  EXPECT_EQ(m.core().to_tag, "a6c85cf");
  EXPECT_EQ(m.core().top_via.received, "192.0.2.1");
  EXPECT_TRUE(m.body().empty());
}

TEST(SipMessage, CompactFormsAndCaseInsensitiveNames) {
  const SipMessage m = parse_ok(
      "OPTIONS sip:carol@chicago.example.com SIP/2.0\r\n"
      "v: SIP/2.0/TCP a.example.com;branch=z9hG4bK1\r\n"
      "t: sip:carol@chicago.example.com\r\n"
      "f: <sip:a@example.com>;tag=x\r\n"
      "i: abc\r\n"
      "cseq: 7 OPTIONS\r\n"
      "MAX-FORWARDS: 0068\r\n"
      "k: timer, 100rel\r\n"
      "l: 0\r\n\r\n");
  EXPECT_EQ(m.core().call_id, "abc");
  EXPECT_EQ(m.core().cseq, 7u);
  EXPECT_EQ(m.core().from_tag, "x");
  EXPECT_EQ(m.core().max_forwards, 68u);
  EXPECT_EQ(m.core().top_via.transport, "TCP");
  EXPECT_EQ(m.count(HeaderId::supported), 1u);
  EXPECT_EQ(m.find("Supported")->value, "timer, 100rel");
  EXPECT_EQ(m.find("K")->name, "k");
  EXPECT_EQ(m.find(HeaderId::to)->name, "t");
}

TEST(SipMessage, UnfoldsContinuationLinesInPlace) {
  const SipMessage m = parse_ok(
      "OPTIONS sip:carol@chicago.example.com SIP/2.0\r\n"
      "Via: SIP/2.0/UDP a.example.com\r\n"
      " ;branch=z9hG4bK1\r\n"
      "Subject: first\r\n"
      "\t second\r\n"
      "To: <sip:carol@chicago.example.com>\r\n"
      "From: <sip:a@example.com>;tag=x\r\n"
      "Call-ID: abc\r\n"
      "CSeq: 7 OPTIONS\r\n"
      "Content-Length: 0\r\n\r\n");
  EXPECT_EQ(m.header(HeaderId::subject), "first  \t second");
  EXPECT_EQ(m.core().top_via.branch, "z9hG4bK1");
  EXPECT_EQ(m.raw().find("first\r\n"), std::string_view::npos);
}

TEST(SipMessage, RepeatedHeadersAndCommaListsAreBothVisible) {
  std::string text = replace(kInvite, "Max-Forwards: 70\r\n",
                             "Max-Forwards: 70\r\n"
                             "Route: <sip:p1.example.com;lr>, <sip:p2.example.com;lr>\r\n"
                             "Route: <sip:p3.example.com;lr>\r\n"
                             "Via: SIP/2.0/UDP second.example.com;branch=z9hG4bK2,"
                             " SIP/2.0/TCP third.example.com;branch=z9hG4bK3\r\n");
  const SipMessage m = parse_ok(text);
  EXPECT_EQ(m.count(HeaderId::route), 2u);
  EXPECT_EQ(m.count(HeaderId::via), 2u);
  std::vector<std::string_view> routes;
  for (const Header& h : m.headers()) {
    if (h.id != HeaderId::route) continue;
    for (std::string_view r : CommaList(h.value))
      routes.push_back(r);
  }
  ASSERT_EQ(routes.size(), 3u);
  EXPECT_EQ(routes[2], "<sip:p3.example.com;lr>");
  EXPECT_EQ(m.core().top_via.branch, "z9hG4bK776asdhds");
}

TEST(SipMessage, MoveKeepsViewsValidEvenForShortBuffers) {
  SipMessage a = parse_ok(kInvite);
  SipMessage b(std::move(a));
  EXPECT_EQ(b.core().call_id, "a84b4c76e66710@pc33.atlanta.example.com");
  EXPECT_EQ(b.headers()[0].value, "SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds");
  SipMessage c;
  c = std::move(b);
  EXPECT_EQ(c.body(), "v=0\n");
  EXPECT_EQ(c.core().top_via.branch, "z9hG4bK776asdhds");
  EXPECT_EQ(c.request_uri(), "sip:bob@biloxi.example.com");
  EXPECT_TRUE(b.headers().empty());  // NOLINT(bugprone-use-after-move): moved-from is empty

  // A message short enough for the small-string buffer: views must be re-based on move.
  auto r = parse_message("A sip:a SIP/2.0\r\n\r\n");
  ASSERT_TRUE(r.ok()) << r.error().message;
  SipMessage small = std::move(r).value();
  SipMessage moved(std::move(small));
  EXPECT_EQ(moved.method_text(), "A");
  EXPECT_EQ(moved.request_uri(), "sip:a");
  const char* begin = moved.raw().data();
  EXPECT_GE(moved.request_uri().data(), begin);
  EXPECT_LT(moved.request_uri().data(), begin + moved.raw().size());
}

TEST(SipMessage, UdpBodyLongerThanContentLengthIsTruncated) {
  const SipMessage m = parse_ok(kInvite + "garbage after the body");
  EXPECT_EQ(m.body(), "v=0\n");
  EXPECT_EQ(m.raw(), kInvite);
}

TEST(SipMessage, UdpBodyShorterThanContentLengthIsRejected) {
  const Error e = parse_error(replace(kInvite, "Content-Length: 4", "Content-Length: 40"));
  EXPECT_EQ(e.code, 400);
  EXPECT_NE(e.message.find("Content-Length 40"), std::string::npos) << e.message;
}

TEST(SipMessage, MissingContentLengthTakesTheRestOfTheDatagram) {
  const SipMessage m = parse_ok(replace(kInvite, "Content-Length: 4\r\n", ""));
  EXPECT_EQ(m.body(), "v=0\n");
  EXPECT_FALSE(m.core().content_length.has_value());
}

TEST(SipMessage, LimitsGiveTheRightStatus) {
  MessageLimits small;
  small.max_message_bytes = 100;
  EXPECT_EQ(parse_error(kInvite, small).code, 513);

  MessageLimits body;
  body.max_body_bytes = 3;
  EXPECT_EQ(parse_error(kInvite, body).code, 413);

  MessageLimits headers;
  headers.max_headers = 5;
  const Error many = parse_error(kInvite, headers);
  EXPECT_EQ(many.code, 400);
  EXPECT_NE(many.message.find("Too many headers"), std::string::npos);

  MessageLimits line;
  line.max_header_line_bytes = 40;
  const Error longline = parse_error(kInvite, line);
  EXPECT_EQ(longline.code, 400);
  EXPECT_NE(longline.message.find("too long"), std::string::npos) << longline.message;

  // More headers than the inline index can hold, whatever the limits say.
  std::string text = "OPTIONS sip:a@b SIP/2.0\r\n";
  for (std::size_t i = 0; i <= kMaxHeaders; ++i)
    text += "X-A: 1\r\n";
  text += "\r\n";
  MessageLimits lax;
  lax.max_headers = 1000;
  EXPECT_EQ(parse_error(text, lax).code, 400);
}

TEST(SipMessage, ErrorsSayWhatIsWrong) {
  const Error e = parse_error(replace(kInvite, "CSeq: 314159 INVITE", "CSeq: 314159"));
  EXPECT_EQ(e.code, 400);
  EXPECT_EQ(e.message, "Bad CSeq header: method missing");
  EXPECT_EQ(parse_error(replace(kInvite, "CSeq: 314159 INVITE", "CSeq: 4294967296 INVITE")).message,
            "Bad CSeq header: sequence number above 2**31-1");
  EXPECT_NE(parse_error(replace(kInvite, "Content-Length: 4", "Content-Length: -4"))
                .message.find("Content-Length"),
            std::string::npos);
  EXPECT_NE(parse_error(replace(kInvite, "Max-Forwards: 70", "Max-Forwards: 256"))
                .message.find("Max-Forwards"),
            std::string::npos);
  const Error via = parse_error(replace(kInvite, "SIP/2.0/UDP pc33", "SIP/2.0/UDP pc33@"));
  EXPECT_EQ(via.message.rfind("Bad Via header", 0), 0u) << via.message;
  const Error ctl =
      parse_error(replace(kInvite, "Call-ID: a84b", std::string("Call-ID: a\x01", 11)));
  EXPECT_EQ(ctl.code, 400);
  for (char c : ctl.message) {
    EXPECT_TRUE(c >= 0x20 && c < 0x7f) << "control char in reason: " << ctl.message;
  }
}

TEST(SipMessage, ControlCharactersAreFoundAtEveryOffset) {
  // The line scan works on blocks of 16 and 8 octets: try every position in and across them.
  for (std::size_t at = 0; at < 40; ++at) {
    std::string value(40, 'x');
    for (char ctl : {'\x01', '\x1f', '\x7f', '\0'}) {
      value[at] = ctl;
      const Error e = parse_error(replace(kInvite, "Max-Forwards: 70", "X-Long: " + value));
      EXPECT_EQ(e.code, 400) << at;
      EXPECT_EQ(e.message, "Control character in header 'X-Long'") << at;
    }
    value[at] = '\t';  // HTAB is whitespace, not a control to refuse
    EXPECT_TRUE(parse_message(replace(kInvite, "Max-Forwards: 70", "X-Long: " + value)).ok()) << at;
    value[at] = '\xe2';  // UTF-8 lead octet: allowed
    EXPECT_TRUE(parse_message(replace(kInvite, "Max-Forwards: 70", "X-Long: " + value)).ok()) << at;
  }
  // A control escaped as a quoted-pair is allowed (RFC 4475 §3.1.1.2).
  EXPECT_TRUE(parse_message(replace(kInvite, "Max-Forwards: 70",
                                    std::string("X-Q: \"a\\\x01"
                                                "b\\\0"
                                                "c\"",
                                                14)))
                  .ok());
}

TEST(SipMessage, RejectsMalformedStartLines) {
  EXPECT_EQ(parse_error("INVITE  sip:a@b SIP/2.0\r\n\r\n").code, 400);
  EXPECT_EQ(parse_error("INVITE sip:a@b SIP/2.0 \r\n\r\n").code, 400);
  EXPECT_EQ(parse_error("INVITE <sip:a@b> SIP/2.0\r\n\r\n").code, 400);
  EXPECT_EQ(parse_error("SIP/2.0 2000 OK\r\n\r\n").code, 400);
  EXPECT_EQ(parse_error("SIP/2.0 099 Odd\r\n\r\n").code, 400);
  EXPECT_EQ(parse_error("SIP/3.0 200 OK\r\n\r\n").code, 505);
  EXPECT_EQ(parse_error("").code, 400);
  EXPECT_EQ(parse_error("\r\n\r\n").code, 400);
  EXPECT_EQ(parse_error("INVITE sip:a@b SIP/2.0").code, 400);
}

TEST(SipMessage, ValidateRequestAcceptsAGoodRequest) {
  const SipMessage m = parse_ok(kInvite);
  EXPECT_TRUE(validate_request(m).ok());
}

TEST(SipMessage, ValidateRequestChecksSemantics) {
  auto check = [](const std::string& text) {
    auto m = parse_message(text);
    EXPECT_TRUE(m.ok()) << m.error().message;
    return m.ok() ? validate_request(*m) : Result<void>(Error{-1, "parse failed"});
  };
  auto missing =
      check(replace(kInvite, "Call-ID: a84b4c76e66710@pc33.atlanta.example.com\r\n", ""));
  EXPECT_EQ(missing.error().code, 400);
  EXPECT_EQ(missing.error().message, "Missing Call-ID header");
  auto dup = check(
      replace(kInvite, "CSeq: 314159 INVITE\r\n", "CSeq: 314159 INVITE\r\nCSeq: 1 INVITE\r\n"));
  EXPECT_EQ(dup.error().code, 400);
  auto mismatch = check(replace(kInvite, "CSeq: 314159 INVITE", "CSeq: 314159 OPTIONS"));
  EXPECT_EQ(mismatch.error().code, 400);
  EXPECT_NE(mismatch.error().message.find("does not match"), std::string::npos);
  auto version = check(replace(kInvite, "example.com SIP/2.0\r\n", "example.com SIP/2.1\r\n"));
  EXPECT_EQ(version.error().code, 505);
  auto scheme =
      check(replace(kInvite, "INVITE sip:bob@biloxi.example.com", "INVITE http://x.example.com/"));
  EXPECT_EQ(scheme.error().code, 416);
  auto require = check(replace(kInvite, "Max-Forwards: 70\r\n",
                               "Max-Forwards: 70\r\nRequire: foo, 100rel\r\nRequire: bar\r\n"));
  EXPECT_EQ(require.error().code, 420);
  EXPECT_EQ(require.error().message, "foo, 100rel, bar");

  auto m = parse_message(
      replace(kInvite, "Max-Forwards: 70\r\n", "Max-Forwards: 0\r\nRequire: 100rel\r\n"));
  ASSERT_TRUE(m.ok());
  const std::string_view supported[] = {"100rel", "timer"};
  EXPECT_TRUE(validate_request(*m, supported).ok());  // a UAS handles Max-Forwards 0
  EXPECT_EQ(check_max_forwards(*m).error().code, 483);

  auto no_mf = check(replace(kInvite, "Max-Forwards: 70\r\n", ""));
  EXPECT_TRUE(no_mf.ok());  // RFC 3261 §16.3: a missing Max-Forwards passes
}

// Parsing frames and extracts; what only an answered request needs is validate_request's.
TEST(SipMessage, LeavesUriGrammarAndLowerViasToValidation) {
  struct Case {
    std::string from, to;
    const char* message_part;
  } cases[] = {
      {"INVITE sip:bob@biloxi.example.com SIP/2.0", "INVITE sip:bob@[::1 SIP/2.0",
       "Bad Request-URI"},
      {"From: Alice <sip:alice@atlanta.example.com>;tag=1928301774",
       "From: Alice <sip:alice@atl anta>;tag=1928301774", "Bad From header"},
      {"To: Bob <sip:bob@biloxi.example.com>", "To: Bob <sip:@>", "Bad To header"},
      {"Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds\r\n",
       "Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds\r\n"
       "Via: SIP/2.0/UDP bad host\r\n",
       "Bad Via header"},
  };
  for (const Case& c : cases) {
    const SipMessage m = parse_ok(replace(kInvite, c.from, c.to));
    const auto v = validate_request(m);
    ASSERT_FALSE(v.ok()) << c.to;
    EXPECT_EQ(v.error().code, 400) << c.to;
    EXPECT_NE(v.error().message.find(c.message_part), std::string::npos) << v.error().message;
  }
  EXPECT_TRUE(validate_request(parse_ok(kInvite)).ok());
}

TEST(SipMessage, RefusesFromAndToWhoseParametersAreMalformed) {
  // The tag is read from the parameters, so their grammar is checked at parse time: a reply
  // that appends ";tag=" after an unterminated quote would lose it (found by fuzzing).
  EXPECT_EQ(parse_error(replace(kInvite, "To: Bob <sip:bob@biloxi.example.com>",
                                "To: <sip:bob@biloxi.example.com>;x=\"open"))
                .code,
            400);
  EXPECT_EQ(parse_error(replace(kInvite, ";tag=1928301774", ";tag=1928301774;;")).code, 400);
  EXPECT_EQ(parse_error(replace(kInvite, ";tag=1928301774", ";tag=\"q\"")).code, 400);
}

TEST(SipMessage, FindsTagsWrittenAnyWayTheGrammarAllows) {
  const char* forms[] = {";tag=1928301774",     ";TAG=1928301774",   " ; tag = 1928301774",
                         ";x=1;tag=1928301774", ";tag=1928301774;x", ";tag=1928301774 "};
  for (const char* form : forms) {
    const SipMessage m = parse_ok(replace(kInvite, ";tag=1928301774", form));
    EXPECT_EQ(m.core().from_tag, "1928301774") << form;
  }
}

}  // namespace
}  // namespace dzvin::sip
