// RFC 4475 torture messages, byte-exact from the RFC's Appendix A archive
// (tests/data/rfc4475/<name>.dat). Valid messages must parse with the values the RFC section
// discusses; invalid ones must be refused with the status the RFC asks for (or a 4xx where
// it leaves the choice). The expectations are those of a UAS / registrar core.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include "sip/header_values.hpp"
#include "sip/message_writer.hpp"
#include "sip/name_addr.hpp"
#include "sip/sip_message.hpp"
#include "sip/uri.hpp"

namespace dzvin::sip {
namespace {

std::string data_dir() {
  return std::string(DZVIN_TEST_DATA_DIR) + "/rfc4475";
}

std::string load(const std::string& name) {
  std::ifstream in(data_dir() + "/" + name + ".dat", std::ios::binary);
  EXPECT_TRUE(in.good()) << "missing " << name << ".dat";
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

SipMessage parse_ok(const std::string& name) {
  auto r = parse_message(load(name));
  EXPECT_TRUE(r.ok()) << name << ": " << (r.ok() ? "" : r.error().message);
  return r.ok() ? std::move(r).value() : SipMessage{};
}

// The status a UAS answers with: parse error, else validate_request error, else 0 (accept).
int status_of(const std::string& name, std::string* reason = nullptr) {
  auto r = parse_message(load(name));
  if (!r) {
    if (reason) *reason = r.error().message;
    return r.error().code;
  }
  if (r->is_response()) return 0;
  auto v = validate_request(*r);
  if (!v) {
    if (reason) *reason = v.error().message;
    return v.error().code;
  }
  return 0;
}

std::vector<std::string_view> all_values(const SipMessage& m, HeaderId id) {
  std::vector<std::string_view> out;
  for (const Header& h : m.headers()) {
    if (h.id != id) continue;
    for (std::string_view v : CommaList(h.value))
      out.push_back(v);
  }
  return out;
}

std::vector<Via> all_vias(const SipMessage& m) {
  std::vector<Via> out;
  for (std::string_view v : all_values(m, HeaderId::via)) {
    auto via = parse_via(v);
    EXPECT_TRUE(via.ok()) << v;
    if (via) out.push_back(*via);
  }
  return out;
}

NameAddr name_addr_of(const SipMessage& m, HeaderId id) {
  auto na = parse_name_addr(m.header(id));
  EXPECT_TRUE(na.ok()) << m.header(id);
  return na.ok() ? *na : NameAddr{};
}

// --- 3.1.1 Valid messages -------------------------------------------------------------

TEST(Rfc4475, Wsinv_3_1_1_1_ShortTortuousInvite) {
  const SipMessage m = parse_ok("wsinv");
  EXPECT_EQ(m.method(), Method::invite);
  EXPECT_EQ(m.request_uri(), "sip:vivekg@chair-dnrc.example.com;unknownparam");
  EXPECT_EQ(parse_uri(m.request_uri())->param("unknownparam"), "");
  EXPECT_EQ(m.core().call_id, "wsinv.ndaksdj@192.0.2.1");
  EXPECT_EQ(m.core().cseq, 9u);  // "0009", folded onto the next line
  EXPECT_EQ(m.core().cseq_method, Method::invite);
  EXPECT_EQ(m.core().max_forwards, 68u);  // "0068"
  EXPECT_EQ(m.core().to_tag, "1918181833n");
  EXPECT_EQ(m.core().from_tag, "98asjd8");
  EXPECT_EQ(m.core().content_length, 150u);
  EXPECT_EQ(m.body().size(), 150u);
  EXPECT_TRUE(m.body().starts_with("v=0\r\n"));

  const NameAddr from = name_addr_of(m, HeaderId::from);
  EXPECT_EQ(from.display_name, R"("J Rosenberg \\\"")");
  EXPECT_EQ(*unquote(from.display_name), R"(J Rosenberg \")");
  EXPECT_EQ(from.uri.user, "jdrosen");
  const NameAddr to = name_addr_of(m, HeaderId::to);
  EXPECT_TRUE(to.display_name.empty());
  EXPECT_EQ(to.uri.host, "chair-dnrc.example.com");

  // Three via-parms over two headers (one long "Via  :", one compact "v:").
  ASSERT_EQ(m.count(HeaderId::via), 2u);
  const std::vector<Via> vias = all_vias(m);
  ASSERT_EQ(vias.size(), 3u);
  EXPECT_EQ(vias[0].transport, "UDP");
  EXPECT_EQ(vias[0].host, "192.0.2.2");
  EXPECT_EQ(vias[0].branch, "390skdjuw");
  EXPECT_FALSE(vias[0].rfc3261_branch());
  EXPECT_EQ(vias[1].transport, "TCP");
  EXPECT_EQ(vias[1].host, "spindle.example.com");
  EXPECT_EQ(vias[1].branch, "z9hG4bK9ikj8");
  EXPECT_EQ(vias[2].transport, "UDP");
  EXPECT_EQ(vias[2].host, "192.168.255.111");
  EXPECT_EQ(vias[2].branch, "z9hG4bK30239");
  EXPECT_EQ(m.core().top_via.branch, "390skdjuw");
  EXPECT_EQ(m.core().top_via.protocol, "SIP/2.0");

  EXPECT_EQ(m.header(HeaderId::subject), "");  // "s :" with an empty value
  ASSERT_NE(m.find(HeaderId::subject), nullptr);
  EXPECT_EQ(m.find("NewFangledHeader")->value, "newfangled value   continued newfangled value");
  EXPECT_EQ(m.find("UnknownHeaderWithUnusualValue")->value, ";;,,;;,;");
  EXPECT_EQ(m.header(HeaderId::route),
            "<sip:services.example.com;lr;unknownwith=value;unknown-no-value>");

  const NameAddr contact = name_addr_of(m, HeaderId::contact);
  EXPECT_EQ(*unquote(contact.display_name), R"(Quoted string "")");
  EXPECT_EQ(contact.param("newparam"), "newvalue");
  EXPECT_EQ(contact.param("secondparam"), "");
  EXPECT_EQ(contact.param("q"), "0.33");
  EXPECT_TRUE(validate_request(m).ok());
}

TEST(Rfc4475, Intmeth_3_1_1_2_WideRangeOfValidCharacters) {
  const SipMessage m = parse_ok("intmeth");
  const std::string_view method = "!interesting-Method0123456789_*+`.%indeed'~";
  EXPECT_EQ(m.method(), Method::unknown);
  EXPECT_EQ(m.method_text(), method);
  EXPECT_EQ(m.core().cseq_method_text, method);
  EXPECT_EQ(m.core().cseq, 139122385u);
  const auto ruri = parse_uri(m.request_uri());
  ASSERT_TRUE(ruri.ok());
  EXPECT_EQ(ruri->user, "1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*");
  EXPECT_EQ(ruri->password, "&it+has=1,weird!*pas$wo~d_too.(doesn't-it)");
  EXPECT_EQ(ruri->host, "example.com");
  EXPECT_EQ(m.core().top_via.branch, "z9hG4bK-.!%66*_+`'~");
  // The quoted display name holds quoted-pairs of BEL, NUL and DEL.
  const NameAddr to = name_addr_of(m, HeaderId::to);
  EXPECT_EQ(*unquote(to.display_name), std::string("BEL:\x07 NUL:\0 DEL:\x7f", 17));
  const NameAddr from = name_addr_of(m, HeaderId::from);
  EXPECT_EQ(from.display_name, "token1~` token2'+_ token3*%!.-");
  EXPECT_EQ(from.tag(), "_token~1'+`*%!-.");
  EXPECT_EQ(from.param("fromParam''~+*_!.-%"),
            "\"\xD1\x80\xD0\xB0\xD0\xB1\xD0\xBE\xD1\x82\xD0\xB0\xD1\x8E\xD1\x89\xD0\xB8\xD0\xB9\"");
  EXPECT_EQ(m.core().call_id, "intmeth.word%ZK-!.*_+'@word`~)(><:\\/\"][?}{");
  EXPECT_EQ(m.core().max_forwards, 255u);
  EXPECT_EQ(m.find("extensionHeader-!.%*+_`'~")->value,
            "\xEF\xBB\xBF\xE5\xA4\xA7\xE5\x81\x9C\xE9\x9B\xBB");
  // "Endpoints will generate a 501."
  EXPECT_EQ(validate_request(m).error().code, 501);
}

TEST(Rfc4475, Esc01_3_1_1_3_ValidEscapes) {
  const SipMessage m = parse_ok("esc01");
  const auto ruri = parse_uri(m.request_uri());
  ASSERT_TRUE(ruri.ok());
  EXPECT_EQ(ruri->user, "sips%3Auser%40example.com");
  EXPECT_EQ(*unescape(ruri->user), "sips:user@example.com");
  EXPECT_EQ(ruri->host, "example.net");
  const NameAddr to = name_addr_of(m, HeaderId::to);
  EXPECT_EQ(*unescape(to.uri.user), "user");
  EXPECT_TRUE(uri_equal(to.uri, *parse_uri("sip:user@example.com")));
  EXPECT_EQ(*unescape(name_addr_of(m, HeaderId::from).uri.user), "I have spaces");
  const NameAddr contact = name_addr_of(m, HeaderId::contact);  // folded header
  EXPECT_EQ(contact.uri.user, "cal%6Cer");
  // "name" has the value "value%41", not "valueA": unescaping is not recursive.
  EXPECT_TRUE(
      uri_equal(contact.uri, *parse_uri("sip:caller@host5.example.net;lr;name=value%2541")));
  EXPECT_FALSE(uri_equal(contact.uri, *parse_uri("sip:caller@host5.example.net;lr;name=valueA")));
  EXPECT_EQ(m.header(HeaderId::content_type), "application/sdp");     // compact "C:"
  EXPECT_EQ(m.core().call_id, "esc01.239409asdfakjkn23onasd0-3234");  // compact "i:"
  EXPECT_TRUE(validate_request(m).ok());
}

TEST(Rfc4475, Escnull_3_1_1_4_EscapedNulls) {
  const SipMessage m = parse_ok("escnull");
  const NameAddr to = name_addr_of(m, HeaderId::to);
  EXPECT_EQ(to.uri.user, "null-%00-null");
  EXPECT_EQ(*unescape(to.uri.user), std::string("null-\0-null", 11));
  const std::vector<std::string_view> contacts = all_values(m, HeaderId::contact);
  ASSERT_EQ(contacts.size(), 2u);
  EXPECT_EQ(*unescape(parse_name_addr(contacts[1])->uri.user), std::string("\0\0", 2));
  EXPECT_EQ(m.core().content_length, 0u);  // "L:0"
  EXPECT_TRUE(validate_request(m).ok());
}

TEST(Rfc4475, Esc02_3_1_1_5_PercentThatIsNotAnEscape) {
  const SipMessage m = parse_ok("esc02");
  EXPECT_EQ(m.method(), Method::unknown);  // not REGISTER
  EXPECT_EQ(m.method_text(), "RE%47IST%45R");
  EXPECT_EQ(name_addr_of(m, HeaderId::to).display_name, "\"%Z%45\"");
  EXPECT_EQ(m.core().top_via.branch, "z9hG4bK209%fzsnel234");
  // Two Contact values, not three: "C%6Fntact" is another header.
  EXPECT_EQ(m.count(HeaderId::contact), 2u);
  EXPECT_EQ(m.find("C%6Fntact")->value, "<sip:alias2@host2.example.com>");
  EXPECT_EQ(validate_request(m).error().code, 501);  // "An endpoint would reject ... 501"
}

TEST(Rfc4475, Lwsdisp_3_1_1_6_NoLwsBeforeLaquot) {
  const SipMessage m = parse_ok("lwsdisp");
  const NameAddr from = name_addr_of(m, HeaderId::from);
  EXPECT_EQ(from.display_name, "caller");
  EXPECT_EQ(from.uri.user, "caller");
  EXPECT_EQ(m.core().from_tag, "323");
  EXPECT_TRUE(validate_request(m).ok());
}

TEST(Rfc4475, Longreq_3_1_1_7_LongValues) {
  const SipMessage m = parse_ok("longreq");
  const NameAddr to = name_addr_of(m, HeaderId::to);
  EXPECT_EQ(to.uri.port, 6000);
  EXPECT_EQ(
      to.uri.param("unknownparam1"),
      "verylonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglongvalue");
  std::string tag = "12";
  for (int i = 0; i < 50; ++i)
    tag += "982";
  tag += "424";
  EXPECT_EQ(m.core().from_tag, tag);
  EXPECT_EQ(m.core().call_id.size(), std::string_view("longreq.one").size() + 6 * 20 + 10);
  const std::vector<Via> vias = all_vias(m);
  ASSERT_EQ(vias.size(), 34u);
  EXPECT_EQ(vias.front().host, "sip33.example.com");
  EXPECT_EQ(vias.back().received, "192.0.2.5");
  EXPECT_EQ(vias.back().branch.size(), 4 + 4 * 50 + 11);
  EXPECT_EQ(m.body().size(), 150u);
  EXPECT_TRUE(validate_request(m).ok());
}

TEST(Rfc4475, Dblreq_3_1_1_8_ExtraOctetsInDatagramAreIgnored) {
  const std::string raw = load("dblreq");
  const SipMessage m = parse_ok("dblreq");
  EXPECT_EQ(m.method(), Method::register_);
  EXPECT_TRUE(m.body().empty());
  EXPECT_LT(m.raw().size(), raw.size());
  EXPECT_EQ(m.raw().find("INVITE"), std::string_view::npos);
  EXPECT_EQ(m.core().call_id, "dblreq.0ha0isndaksdj99sdfafnl3lk233412");  // compact "I:"
  EXPECT_TRUE(validate_request(m).ok());
}

TEST(Rfc4475, Semiuri_3_1_1_9_SemicolonInUserPart) {
  const SipMessage m = parse_ok("semiuri");
  const auto ruri = parse_uri(m.request_uri());
  ASSERT_TRUE(ruri.ok());
  EXPECT_EQ(*unescape(ruri->user), "user;par=u@example.net");
  EXPECT_EQ(ruri->host, "example.com");
  EXPECT_TRUE(ruri->params.empty());
  EXPECT_EQ(all_values(m, HeaderId::accept).size(), 6u);  // folded comma list
  EXPECT_TRUE(validate_request(m).ok());
}

TEST(Rfc4475, Transports_3_1_1_10_UnknownTransports) {
  const SipMessage m = parse_ok("transports");
  std::vector<std::string_view> transports;
  for (const Via& v : all_vias(m))
    transports.push_back(v.transport);
  EXPECT_EQ(transports, (std::vector<std::string_view>{"UDP", "SCTP", "TLS", "UNKNOWN", "TCP"}));
  EXPECT_EQ(m.core().call_id, "transports.kijh4akdnaqjkwendsasfdj");
  EXPECT_TRUE(validate_request(m).ok());
}

TEST(Rfc4475, Mpart01_3_1_1_11_MultipartWithBinaryPart) {
  const std::string raw = load("mpart01");
  const SipMessage m = parse_ok("mpart01");
  EXPECT_EQ(m.method(), Method::message);
  EXPECT_EQ(m.body().size(), 553u);
  EXPECT_TRUE(raw.ends_with(m.body()));
  EXPECT_NE(m.body().find('\0'), std::string_view::npos);
  EXPECT_EQ(m.core().top_via.branch, "z9hG4bK-d87543-4dade06d0bdb11ee-1--d87543-");
  EXPECT_TRUE(m.core().top_via.rport);
  EXPECT_EQ(m.header(HeaderId::content_type), "multipart/mixed;boundary=7a9cbec02ceef655");
  EXPECT_TRUE(validate_request(m).ok());  // its Date is a valid GMT date
}

TEST(Rfc4475, Unreason_3_1_1_12_UnusualReasonPhrase) {
  const SipMessage m = parse_ok("unreason");
  EXPECT_TRUE(m.is_response());
  EXPECT_EQ(m.status(), 200);
  EXPECT_EQ(m.reason(), "= 2**3 * 5**2 но сто девяносто девять - простое");
  EXPECT_EQ(m.body().size(), 154u);
}

TEST(Rfc4475, Noreason_3_1_1_13_EmptyReasonPhrase) {
  const SipMessage m = parse_ok("noreason");
  EXPECT_EQ(m.status(), 100);
  EXPECT_EQ(m.reason(), "");
  EXPECT_EQ(m.core().to_tag, "902jndnke3");
}

// --- 3.1.2 Invalid messages -----------------------------------------------------------

struct Invalid {
  const char* name;
  int status;
  const char* reason_part;  // a piece of the reason phrase that names the problem
};

TEST(Rfc4475, InvalidMessagesAreRefusedWithTheRightStatus) {
  const Invalid cases[] = {
      {"badinv01", 400, "Via"},               // 3.1.2.1  ";;,;,,"
      {"clerr", 400, "Content-Length 9999"},  // 3.1.2.2
      {"ncl", 400, "Content-Length"},         // 3.1.2.3  -999
      {"scalar02", 400, "CSeq"},              // 3.1.2.4  CSeq 2**65
      {"scalarlg", 400, "CSeq"},              // 3.1.2.5  response: dropped
      {"quotbal", 400, "quoted"},             // 3.1.2.6
      {"ltgtruri", 400, "<>"},                // 3.1.2.7
      {"lwsruri", 400, "request line"},       // 3.1.2.8
      {"lwsstart", 400, "request line"},      // 3.1.2.9
      {"trws", 400, "SIP version"},           // 3.1.2.10
      {"escruri", 400, "headers"},            // 3.1.2.11
      {"baddate", 400, "Date"},               // 3.1.2.12
      {"regbadct", 400, "Contact"},           // 3.1.2.13
      {"badaspec", 400, "To"},                // 3.1.2.14
      {"baddn", 400, "display name"},         // 3.1.2.15
      {"badvers", 505, "SIP/7.0"},            // 3.1.2.16
      {"mismatch01", 400, "CSeq"},            // 3.1.2.17
      {"mismatch02", 501, "NEWMETHOD"},       // 3.1.2.18 "should respond 501"
      {"bigcode", 400, "status code"},        // 3.1.2.19 response: dropped
  };
  for (const Invalid& c : cases) {
    std::string reason;
    EXPECT_EQ(status_of(c.name, &reason), c.status) << c.name << ": " << reason;
    EXPECT_NE(reason.find(c.reason_part), std::string::npos) << c.name << ": " << reason;
    for (char ch : reason) {
      EXPECT_TRUE(ch >= 0x20 && ch < 0x7f) << c.name << ": reason not printable: " << reason;
    }
  }
}

TEST(Rfc4475, MismatchedCSeqOfAKnownMethodIs400) {
  // 3.1.2.17: the method is known, so the mismatch itself is the error.
  std::string reason;
  EXPECT_EQ(status_of("mismatch01", &reason), 400);
  EXPECT_EQ(reason, "Bad CSeq header: method 'INVITE' does not match request method 'OPTIONS'");
}

// --- 3.2 / 3.3 / 3.4: they parse; the answer is the application's -----------------------

TEST(Rfc4475, Badbranch_3_2_1_ParsesWithEmptyTransactionId) {
  const SipMessage m = parse_ok("badbranch");
  EXPECT_EQ(m.core().top_via.branch, "z9hG4bK");
  EXPECT_TRUE(m.core().top_via.rfc3261_branch());
  EXPECT_TRUE(validate_request(m).ok());  // the transaction layer falls back to RFC 2543 rules
}

TEST(Rfc4475, Insuf_3_3_1_MissingHeadersAre400) {
  const SipMessage m = parse_ok("insuf");
  EXPECT_EQ(m.count(HeaderId::call_id), 0u);
  EXPECT_EQ(m.core().call_id, "");
  const auto v = validate_request(m);
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error().code, 400);
  EXPECT_EQ(v.error().message.rfind("Missing", 0), 0u) << v.error().message;
}

TEST(Rfc4475, Unkscm_3_3_2_And_Novelsc_3_3_3_Are416) {
  const SipMessage unkscm = parse_ok("unkscm");
  EXPECT_EQ(unkscm.request_uri(), "nobodyKnowsThisScheme:totallyopaquecontent");
  EXPECT_EQ(validate_request(unkscm).error().code, 416);
  const SipMessage novelsc = parse_ok("novelsc");
  EXPECT_EQ(parse_uri(novelsc.request_uri())->scheme_text, "soap.beep");
  EXPECT_EQ(validate_request(novelsc).error().code, 416);
}

TEST(Rfc4475, Unksm2_3_3_4_UnknownSchemesInHeadersParse) {
  const SipMessage m = parse_ok("unksm2");
  EXPECT_EQ(name_addr_of(m, HeaderId::to).uri.scheme_text, "isbn");
  EXPECT_EQ(name_addr_of(m, HeaderId::from).uri.scheme_text, "http");
  EXPECT_EQ(m.core().from_tag, "3234233");
  EXPECT_EQ(name_addr_of(m, HeaderId::contact).uri.scheme, Uri::Scheme::other);
  // "A registrar would reject this request with a 400 Bad Request."
  EXPECT_EQ(validate_request(m).error().code, 400);
}

TEST(Rfc4475, Bext01_3_3_5_UnsupportedRequireIs420) {
  const SipMessage m = parse_ok("bext01");
  const auto v = validate_request(m);
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error().code, 420);
  // The message is the Unsupported header value; Proxy-Require is a proxy's business.
  EXPECT_EQ(v.error().message, "nothingSupportsThis, nothingSupportsThisEither");
  const std::string_view supported[] = {"nothingSupportsThis", "nothingSupportsThisEither"};
  EXPECT_TRUE(validate_request(m, supported).ok());
}

TEST(Rfc4475, SemanticMessagesThatParseAndValidate) {
  // invut (415 is the application's), regaut01 (401 from an authenticating registrar),
  // zeromf (a UAS processes Max-Forwards 0), cparam01/02, regescrt, sdp01 (406 by the
  // application), inv2543 (RFC 2543 syntax: no branch, no tag, no Content-Length or
  // Max-Forwards).
  for (const char* name :
       {"invut", "regaut01", "zeromf", "cparam01", "cparam02", "regescrt", "sdp01", "inv2543"}) {
    std::string reason;
    EXPECT_EQ(status_of(name, &reason), 0) << name << ": " << reason;
  }
  const SipMessage invut = parse_ok("invut");
  EXPECT_EQ(invut.header(HeaderId::content_type), "application/unknownformat");
  EXPECT_EQ(invut.body().size(), 40u);

  const SipMessage regaut = parse_ok("regaut01");
  EXPECT_EQ(regaut.header(HeaderId::authorization), "NoOneKnowsThisScheme opaque-data=here");

  const SipMessage zeromf = parse_ok("zeromf");
  EXPECT_EQ(zeromf.core().max_forwards, 0u);
  EXPECT_EQ(check_max_forwards(zeromf).error().code, 483);  // what a proxy would answer

  // cparam01: "unknownparam" is a contact-param, not a url-param.
  // (The messages stay alive: a NameAddr is views into them.)
  const SipMessage cparam01 = parse_ok("cparam01");
  const NameAddr c1 = name_addr_of(cparam01, HeaderId::contact);
  EXPECT_EQ(c1.param("unknownparam"), "");
  EXPECT_FALSE(c1.uri.param("unknownparam").has_value());
  // cparam02: inside <> it is a url-param.
  const SipMessage cparam02 = parse_ok("cparam02");
  const NameAddr c2 = name_addr_of(cparam02, HeaderId::contact);
  EXPECT_EQ(c2.uri.param("unknownparam"), "");
  EXPECT_FALSE(c2.param("unknownparam").has_value());
  // regescrt: the escaped Route header stays in the contact URI.
  const SipMessage regescrt = parse_ok("regescrt");
  const NameAddr c3 = name_addr_of(regescrt, HeaderId::contact);
  EXPECT_EQ(c3.uri.headers, "Route=%3Csip:sip.example.com%3E");

  const SipMessage sdp01 = parse_ok("sdp01");
  EXPECT_EQ(sdp01.header(HeaderId::accept), "text/nobodyKnowsThis");

  const SipMessage inv2543 = parse_ok("inv2543");
  EXPECT_TRUE(inv2543.core().top_via.branch.empty());
  EXPECT_TRUE(inv2543.core().from_tag.empty());
  EXPECT_FALSE(inv2543.core().content_length.has_value());
  EXPECT_FALSE(inv2543.core().max_forwards.has_value());
  EXPECT_TRUE(inv2543.body().ends_with("m=audio 49217 RTP/AVP 0\r\n"));
}

TEST(Rfc4475, Multi01_3_3_8_RepeatedSingleValueHeadersAre400) {
  const SipMessage m = parse_ok("multi01");
  EXPECT_EQ(m.count(HeaderId::cseq), 2u);
  EXPECT_EQ(m.core().cseq, 5u);  // the first one
  EXPECT_EQ(validate_request(m).error().code, 400);
}

TEST(Rfc4475, Mcl01_3_3_9_MultipleContentLengthsAreAFramingError) {
  std::string reason;
  EXPECT_EQ(status_of("mcl01", &reason), 400);
  EXPECT_NE(reason.find("Content-Length"), std::string::npos) << reason;
}

TEST(Rfc4475, Bcast_3_3_10_ResponseWithBroadcastViaParses) {
  const SipMessage m = parse_ok("bcast");
  EXPECT_EQ(m.status(), 200);
  const std::vector<Via> vias = all_vias(m);
  ASSERT_EQ(vias.size(), 2u);
  EXPECT_EQ(vias[1].host, "255.255.255.255");
}

TEST(Rfc4475, TestDatIsNotAnRfcMessageAndIsRefused) {
  // The archive carries test.dat, which no section describes: no SIP-Version, a header line
  // without a colon.
  EXPECT_EQ(status_of("test"), 400);
}

// Every file has an expectation above, and every request that parses can be answered: the
// response built from it parses again.
TEST(Rfc4475, EveryArchiveFileIsCoveredAndAnswerable) {
  std::size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(data_dir())) {
    if (entry.path().extension() != ".dat") continue;
    ++files;
    auto m = parse_message(load(entry.path().stem().string()));
    if (!m || m->is_response()) continue;
    std::string out;
    const auto v = validate_request(*m);
    const int status = v.ok() ? 200 : v.error().code;
    build_response(out, *m, {"192.0.2.200", 5060}, status, v.ok() ? "" : v.error().message,
                   "dzvin-tag");
    auto response = parse_message(out);
    ASSERT_TRUE(response.ok()) << entry.path() << ": " << response.error().message << "\n" << out;
    EXPECT_EQ(response->status(), status);
    EXPECT_EQ(response->core().call_id, m->core().call_id);
    EXPECT_EQ(response->core().cseq, m->core().cseq);
    EXPECT_EQ(response->count(HeaderId::via), m->count(HeaderId::via));
  }
  EXPECT_EQ(files, 50u);  // 49 messages of section 3 plus test.dat
}

}  // namespace
}  // namespace dzvin::sip
