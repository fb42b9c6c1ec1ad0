#include "sip/error_response.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>

#include "sip/sip_message.hpp"

namespace dzvin::sip {
namespace {

const ResponseContext kCtx{"192.0.2.10", 5070};

// A request the strict parser refuses (Max-Forwards is not a number), with every header a
// response echoes intact.
const std::string kBadRequest =
    "REGISTER sip:example.com SIP/2.0\r\n"
    "Via: SIP/2.0/UDP 10.0.0.5:5062;branch=z9hG4bKbad1;rport\r\n"
    "Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKproxy\r\n"
    "Max-Forwards: lots\r\n"
    "From: <sip:alice@example.com>;tag=f1\r\n"
    "To: <sip:alice@example.com>\r\n"
    "Call-ID: bad-1@10.0.0.5\r\n"
    "CSeq: 1 REGISTER\r\n"
    "Content-Length: 0\r\n\r\n";

SipMessage parse_ok(const std::string& text) {
  auto r = parse_message(text);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message) << "\n" << text;
  if (!r.ok()) return SipMessage{};
  return std::move(r).value();
}

TEST(ErrorResponse, EchoesTheHeadersAResponseNeeds) {
  ASSERT_FALSE(parse_message(kBadRequest).ok()) << "the fixture must be refused by the parser";
  const auto out =
      build_error_response(kBadRequest, 400, "Bad Max-Forwards: 'lots' is not a number", kCtx);
  ASSERT_TRUE(out.has_value());
  const SipMessage r = parse_ok(*out);
  EXPECT_EQ(r.status(), 400);
  EXPECT_EQ(r.reason(), "Bad Max-Forwards: 'lots' is not a number");
  EXPECT_EQ(r.count(HeaderId::via), 2u);
  EXPECT_EQ(r.core().top_via.branch, "z9hG4bKbad1");
  EXPECT_EQ(r.core().top_via.received, "192.0.2.10");
  EXPECT_EQ(r.core().top_via.rport_value, 5070);
  EXPECT_EQ(r.core().from_tag, "f1");
  EXPECT_FALSE(r.core().to_tag.empty()) << "§8.2.6.2: a To tag is added";
  EXPECT_EQ(r.core().call_id, "bad-1@10.0.0.5");
  EXPECT_EQ(r.header(HeaderId::cseq), "1 REGISTER");
  EXPECT_EQ(r.find(HeaderId::max_forwards), nullptr) << "only what a response needs";
  EXPECT_EQ(r.core().content_length, std::optional<std::size_t>{0});
}

TEST(ErrorResponse, SameRequestGetsTheSameToTag) {
  const auto a = build_error_response(kBadRequest, 400, "x", kCtx);
  const auto b = build_error_response(kBadRequest, 400, "x", kCtx);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(*a, *b);
}

TEST(ErrorResponse, KeepsAnExistingToTag) {
  std::string req = kBadRequest;
  req.replace(req.find("To: <sip:alice@example.com>"), 27, "To: <sip:alice@example.com>;tag=dlg7");
  const auto out = build_error_response(req, 400, "x", kCtx);
  ASSERT_TRUE(out);
  EXPECT_EQ(parse_ok(*out).core().to_tag, "dlg7");
}

TEST(ErrorResponse, UnderstandsCompactFormsFoldingAndBareLf) {
  const std::string req =
      "OPTIONS sip:x@example.com SIP/2.0\n"
      "v: SIP/2.0/UDP 10.0.0.5;branch=z9hG4bKc\n"
      "f: <sip:a@example.com>\n"
      " ;tag=folded\n"
      "t: <sip:x@example.com>\n"
      "i: compact@host\n"
      "CSeq: 7 OPTIONS\n"
      "Content-Length: -1\n\n";
  const auto out = build_error_response(req, 400, "Bad Content-Length", kCtx);
  ASSERT_TRUE(out.has_value());
  const SipMessage r = parse_ok(*out);
  EXPECT_EQ(r.core().call_id, "compact@host");
  EXPECT_EQ(r.core().from_tag, "folded");
  EXPECT_EQ(r.core().cseq, 7u);
  EXPECT_EQ(r.core().top_via.received, "192.0.2.10");
  EXPECT_FALSE(r.core().top_via.rport) << "no rport asked for, none added";
}

TEST(ErrorResponse, SanitizesTheReasonPhrase) {
  const auto out = build_error_response(kBadRequest, 400,
                                        std::string("bad\r\nInjected: yes\0\x7f end", 25), kCtx);
  ASSERT_TRUE(out.has_value());
  const SipMessage r = parse_ok(*out);
  EXPECT_EQ(r.reason(), "bad Injected: yes end");
  EXPECT_EQ(r.find("Injected"), nullptr);
  EXPECT_EQ(sanitize_reason(std::string(300, 'a')).size(), 128u);
  // A two-byte UTF-8 character straddling the cut is dropped whole.
  std::string utf = std::string(127, 'a') + "\xd0\x96" + "tail";
  EXPECT_EQ(sanitize_reason(utf), std::string(127, 'a'));
  EXPECT_EQ(sanitize_reason("  spaced   out  "), "spaced out");
}

TEST(ErrorResponse, StatusOutsideErrorRangeBecomes400AndEmptyReasonTheDefault) {
  auto out = build_error_response(kBadRequest, 200, "", kCtx);
  ASSERT_TRUE(out);
  EXPECT_EQ(parse_ok(*out).status(), 400);
  EXPECT_EQ(parse_ok(*out).reason(), "Bad Request");
  out = build_error_response(kBadRequest, 513, "", kCtx);
  ASSERT_TRUE(out);
  EXPECT_EQ(parse_ok(*out).status(), 513);
  EXPECT_EQ(parse_ok(*out).reason(), "Message Too Large");
}

TEST(ErrorResponse, RefusesResponsesAcksAndMessagesMissingKeyHeaders) {
  EXPECT_FALSE(build_error_response("SIP/2.0 200 OK\r\nVia: x\r\nCSeq: 1 A\r\nCall-ID: c\r\n\r\n",
                                    400, "x", kCtx));
  std::string ack = kBadRequest;
  ack.replace(0, 8, "ACK");
  EXPECT_FALSE(build_error_response(ack, 400, "x", kCtx)) << "§17.2.1: ACK is never answered";
  for (const std::string drop : {"Via", "Call-ID", "CSeq"}) {
    std::string req;  // kBadRequest without the lines of that header
    for (std::size_t pos = 0; pos < kBadRequest.size();) {
      const std::size_t nl = kBadRequest.find('\n', pos);
      const std::string line = kBadRequest.substr(pos, nl - pos + 1);
      if (!line.starts_with(drop + ":")) req += line;
      pos = nl + 1;
    }
    EXPECT_FALSE(build_error_response(req, 400, "x", kCtx)) << "without " << drop;
  }
  EXPECT_FALSE(build_error_response("", 400, "x", kCtx));
  EXPECT_FALSE(build_error_response("\r\n\r\n", 400, "x", kCtx));
  EXPECT_FALSE(build_error_response("garbage", 400, "x", kCtx));
}

TEST(ErrorResponse, ControlBytesInCopiedValuesCannotBreakTheMessage) {
  std::string req = kBadRequest;
  req.replace(req.find("bad-1@10.0.0.5"), 14, std::string("bad\x01\x00\rid", 8));
  const auto out = build_error_response(req, 400, "x", kCtx);
  ASSERT_TRUE(out.has_value());
  EXPECT_EQ(out->find('\0'), std::string::npos);
  EXPECT_EQ(out->find('\x01'), std::string::npos);
  for (std::size_t i = 0; i < out->size(); ++i) {
    if ((*out)[i] == '\r') {
      EXPECT_EQ((*out)[i + 1], '\n') << "bare CR at " << i;
    }
  }
  EXPECT_NE(out->find("\r\nCall-ID: bad"), std::string::npos);
}

TEST(ErrorResponse, NeverCrashesOnRandomBytes) {
  std::mt19937 rng(1234);
  const std::string alphabet = "INVITE sip:SIP/2.0\r\n:;,<>\"Via: CSeq Call-ID To From \x01\xff\t ";
  for (int i = 0; i < 3000; ++i) {
    std::string bytes;
    const int len = static_cast<int>(rng() % 400);
    for (int j = 0; j < len; ++j)
      bytes += alphabet[rng() % alphabet.size()];
    if (i % 3 == 0) bytes = kBadRequest.substr(0, rng() % kBadRequest.size()) + bytes;
    const auto out = build_error_response(bytes, static_cast<int>(rng() % 1000), bytes, kCtx);
    if (out) {
      EXPECT_TRUE(out->starts_with("SIP/2.0 "));
      EXPECT_TRUE(out->ends_with("\r\n\r\n"));
    }
  }
}

}  // namespace
}  // namespace dzvin::sip
