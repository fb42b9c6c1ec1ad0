// parse_dtmf_info: the INFO bodies phones send for DTMF, and the errors for everything else.
#include "sip/dtmf_info.hpp"

#include <gtest/gtest.h>

#include <string>

namespace dzvin::sip {
namespace {

constexpr std::string_view kRelay = "application/dtmf-relay";

char key(std::string_view type, std::string_view body) {
  const auto r = parse_dtmf_info(type, body);
  EXPECT_TRUE(r.ok()) << type << " [" << body << "]: " << (r.ok() ? "" : r.error().message);
  return r.ok() ? *r : '?';
}

Error error(std::string_view type, std::string_view body) {
  const auto r = parse_dtmf_info(type, body);
  EXPECT_FALSE(r.ok()) << type << " [" << body << "] gave " << (r.ok() ? *r : ' ');
  return r.ok() ? Error{} : r.error();
}

TEST(DtmfInfo, DtmfRelayEveryKey) {
  for (char k : std::string("0123456789*#ABCD")) {
    const std::string body = std::string("Signal=") + k + "\r\nDuration=160\r\n";
    EXPECT_EQ(key(kRelay, body), k) << body;
  }
}

TEST(DtmfInfo, DtmfRelayAsPhonesWriteIt) {
  EXPECT_EQ(key(kRelay, "Signal=5\r\nDuration=160\r\n"), '5');
  EXPECT_EQ(key(kRelay, "Signal=5"), '5');                      // no line end
  EXPECT_EQ(key(kRelay, "Signal=5\nDuration=160\n"), '5');      // bare LF
  EXPECT_EQ(key(kRelay, "Duration=250\r\nSignal=#\r\n"), '#');  // any order
  EXPECT_EQ(key(kRelay, "signal=*\r\nduration=100\r\n"), '*');  // keys in any case
  EXPECT_EQ(key(kRelay, "SIGNAL = 7 \r\n"), '7');               // blanks around
  EXPECT_EQ(key(kRelay, "Signal=\t9\t\r\n"), '9');
  EXPECT_EQ(key(kRelay, "Signal=b\r\n"), 'B');                                // A-D in lower case
  EXPECT_EQ(key(kRelay, "\r\nSignal=3\r\nDuration=\r\nVolume=10\r\n"), '3');  // other keys
  EXPECT_EQ(key(kRelay, "Signal=1\r\nfree text\r\n"), '1');
}

TEST(DtmfInfo, NumericStarHashAndLetters) {
  // Event numbers (RFC 4733 §3.2) some phones send instead of the key.
  EXPECT_EQ(key(kRelay, "Signal=10\r\n"), '*');
  EXPECT_EQ(key(kRelay, "Signal=11\r\n"), '#');
  EXPECT_EQ(key(kRelay, "Signal=12\r\n"), 'A');
  EXPECT_EQ(key(kRelay, "Signal=15\r\n"), 'D');
  EXPECT_EQ(key("application/dtmf", "11"), '#');
}

TEST(DtmfInfo, ApplicationDtmf) {
  EXPECT_EQ(key("application/dtmf", "5"), '5');
  EXPECT_EQ(key("application/dtmf", "#\r\n"), '#');
  EXPECT_EQ(key("application/dtmf", " 0 "), '0');
}

TEST(DtmfInfo, ContentTypeCaseAndParameters) {
  EXPECT_EQ(key("Application/DTMF-Relay", "Signal=4"), '4');
  EXPECT_EQ(key(" application/dtmf-relay ; charset=UTF-8", "Signal=4"), '4');
  EXPECT_EQ(key("APPLICATION/DTMF;x=y", "4"), '4');
}

TEST(DtmfInfo, OtherContentTypesAre415) {
  for (std::string_view type :
       {"application/sdp", "text/plain", "application/dtmf-relayx", "application/dtm",
        "application", "application/dtmf-relay/x", "message/sipfrag"}) {
    const Error e = error(type, "Signal=5\r\n");
    EXPECT_EQ(e.code, 415) << type;
    EXPECT_NE(e.message.find(std::string(type)), std::string::npos) << e.message;
  }
  const Error none = error("", "Signal=5");
  EXPECT_EQ(none.code, 415);
  EXPECT_EQ(none.message, "DTMF INFO without a Content-Type");
}

TEST(DtmfInfo, BadBodiesAre400WithAMessageNamingTheProblem) {
  struct Case {
    std::string_view type;
    std::string_view body;
    std::string_view message;
  };
  const Case cases[] = {
      {kRelay, "", "application/dtmf-relay body has no Signal line"},
      {kRelay, "Duration=160\r\n", "application/dtmf-relay body has no Signal line"},
      {kRelay, "Signal 5\r\n", "application/dtmf-relay body has no Signal line"},
      {kRelay, "Signal=5\r\nSignal=6\r\n", "application/dtmf-relay body has two Signal lines"},
      {kRelay, "Signal=\r\n", "Signal is empty"},
      {kRelay, "Signal=E\r\n", "Signal 'E' is not a DTMF key"},
      {kRelay, "Signal=55\r\n", "Signal '55' is not a DTMF key"},
      {kRelay, "Signal=16\r\n", "Signal 16 (hook flash) is not a DTMF key"},
      {kRelay, "Signal=-1\r\n", "Signal '-1' is not a DTMF key"},
      {kRelay, "Signal=1 2\r\n", "Signal '1 2' is not a DTMF key"},
      {kRelay, "Signal=\x7f\r\n", "Signal (not printable) is not a DTMF key"},
      {kRelay, "Signal=123456789\r\n", "Signal (9 octets) is not a DTMF key"},
      {"application/dtmf", "", "application/dtmf body is empty"},
      {"application/dtmf", "Signal=5", "application/dtmf body 'Signal=5' is not a DTMF key"},
      {"application/dtmf", "x", "application/dtmf body 'x' is not a DTMF key"},
  };
  for (const Case& c : cases) {
    const Error e = error(c.type, c.body);
    EXPECT_EQ(e.code, 400) << c.body;
    EXPECT_EQ(e.message, c.message) << c.body;
  }
}

TEST(DtmfInfo, HostileBytesAreNotQuotedBack) {
  const Error e = error(kRelay, std::string("Signal=\x01\r\n\r\nX: y"));
  EXPECT_EQ(e.code, 400);
  for (char c : e.message) {
    EXPECT_TRUE(c >= 0x20 && c < 0x7F) << e.message;
  }
  const Error t = error("text/plain\r\nX-Injected: 1", "5");
  EXPECT_EQ(t.code, 415);
  EXPECT_EQ(t.message.find('\n'), std::string::npos) << t.message;
}

TEST(DtmfInfo, BodySizeIsBounded) {
  std::string body = "Signal=5\r\n";
  body.resize(kMaxDtmfInfoBody, ' ');
  EXPECT_EQ(key(kRelay, body), '5');
  body.push_back(' ');
  const Error e = error(kRelay, body);
  EXPECT_EQ(e.code, 400);
  EXPECT_EQ(e.message, "DTMF INFO body of 1025 octets, more than 1024");
}

}  // namespace
}  // namespace dzvin::sip
