#include "sdp/session_description.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "sample_sdps.hpp"

namespace dzvin::sdp {
namespace {

using samples::crlf;

SessionDescription parse_ok(std::string_view text) {
  auto r = parse_session_description(text);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message) << "\n" << text;
  return r.ok() ? std::move(r).value() : SessionDescription{};
}

// The message of the error parsing `text` gives, with its code checked to be 400.
std::string parse_error(std::string_view text, const SdpLimits& limits = {}) {
  auto r = parse_session_description(text, limits);
  if (r.ok()) return "(parsed)";
  EXPECT_EQ(r.error().code, 400);
  return r.error().message;
}

constexpr std::string_view kHead = "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nt=0 0\r\n";

// kHead (4 lines) followed by `rest`.
std::string with_head(std::string_view rest) {
  return std::string(kHead) + std::string(rest);
}

// ---- RFC examples ---------------------------------------------------------------------------

TEST(ParseRfcExamples, Rfc4566Section5) {
  const SessionDescription d = parse_ok(crlf(samples::kRfc4566));
  EXPECT_EQ(d.version, 0);
  EXPECT_EQ(d.origin.username, "jdoe");
  EXPECT_EQ(d.origin.session_id, 2890844526u);
  EXPECT_EQ(d.origin.session_version, 2890842807u);
  EXPECT_EQ(d.origin.net_type, "IN");
  EXPECT_EQ(d.origin.addr_type, "IP4");
  EXPECT_EQ(d.origin.address, "10.47.16.5");
  EXPECT_EQ(d.session_name, "SDP Seminar");
  ASSERT_TRUE(d.connection);
  EXPECT_EQ(d.connection->address, "224.2.17.12");
  EXPECT_EQ(d.connection->ttl, 127u);
  EXPECT_FALSE(d.connection->address_count);
  EXPECT_EQ(d.timing.start, 2873397496u);
  EXPECT_EQ(d.timing.stop, 2873404696u);
  EXPECT_EQ(d.direction, Direction::recvonly);
  EXPECT_EQ(d.fields, (std::vector<Field>{
                          {'i', "A Seminar on the session description protocol"},
                          {'u', "http://www.example.com/seminars/sdp.pdf"},
                          {'e', "j.doe@example.com (Jane Doe)"},
                      }));
  ASSERT_EQ(d.media.size(), 2u);
  EXPECT_EQ(d.media[0].media, "audio");
  EXPECT_EQ(d.media[0].port, 49170);
  EXPECT_EQ(d.media[0].protocol, "RTP/AVP");
  EXPECT_EQ(d.media[0].formats, std::vector<std::string>{"0"});
  EXPECT_EQ(d.media[0].direction, Direction::recvonly);  // inherited from the session
  EXPECT_EQ(d.media[1].media, "video");
  EXPECT_EQ(d.media[1].port, 51372);
  EXPECT_EQ(d.media[1].rtpmaps.at(99), (RtpMap{"h263-1998", 90000, std::nullopt}));
}

TEST(ParseRfcExamples, Rfc3264CapabilitiesWithTimeBeforeConnection) {
  const SessionDescription d = parse_ok(crlf(samples::kRfc3264Capabilities));
  EXPECT_EQ(d.origin.session_id, 28908764872u);
  ASSERT_TRUE(d.connection);
  EXPECT_EQ(d.connection->address, "192.0.2.4");
  ASSERT_EQ(d.media.size(), 2u);
  EXPECT_EQ(d.media[0].port, 0);
  EXPECT_EQ(d.media[0].rtpmaps.at(1).encoding, "1016");
  EXPECT_EQ(d.media[1].rtpmaps.size(), 2u);
}

TEST(ParseRfcExamples, Rfc3264BasicOfferHasEmptySessionNameAndHostNames) {
  const SessionDescription d = parse_ok(crlf(samples::kRfc3264Offer1));
  EXPECT_EQ(d.session_name, "");
  EXPECT_EQ(d.origin.address, "host.anywhere.com");
  ASSERT_TRUE(d.connection);
  EXPECT_EQ(d.connection->address, "host.anywhere.com");
  ASSERT_EQ(d.media.size(), 3u);
  EXPECT_EQ(d.media[2].rtpmaps.at(32), (RtpMap{"MPV", 90000, std::nullopt}));
}

TEST(ParseRfcExamples, Rfc3264BasicAnswerWithDeclinedStream) {
  const SessionDescription d = parse_ok(crlf(samples::kRfc3264Answer1));
  ASSERT_EQ(d.media.size(), 3u);
  EXPECT_EQ(d.media[1].port, 0);
  EXPECT_EQ(d.media[1].formats, std::vector<std::string>{"31"});
  EXPECT_TRUE(d.media[1].rtpmaps.empty());
  EXPECT_EQ(d.media[2].port, 53000);
}

TEST(ParseRfcExamples, Rfc3264SecondOfferAndAnswer) {
  const SessionDescription offer = parse_ok(crlf(samples::kRfc3264Offer2));
  ASSERT_EQ(offer.media.size(), 4u);
  EXPECT_EQ(offer.origin.session_version, 2890844731u);
  EXPECT_EQ(offer.media[3].direction, Direction::recvonly);
  EXPECT_EQ(offer.media[0].direction, Direction::sendrecv);
  EXPECT_EQ(offer.media[3].rtpmaps.at(110).encoding, "telephone-events");
  const SessionDescription answer = parse_ok(crlf(samples::kRfc3264Answer2));
  ASSERT_EQ(answer.media.size(), 4u);
  EXPECT_EQ(answer.media[3].direction, Direction::sendonly);
  EXPECT_EQ(answer.media[3].port, 53122);
}

TEST(ParseRfcExamples, Rfc3264InactiveOffer) {
  const SessionDescription d = parse_ok(crlf(samples::kRfc3264InactiveOffer));
  ASSERT_EQ(d.media.size(), 1u);
  EXPECT_EQ(d.media[0].direction, Direction::inactive);
  EXPECT_EQ(d.media[0].formats, (std::vector<std::string>{"0", "4", "18"}));
}

// ---- Real phones ----------------------------------------------------------------------------

TEST(ParsePhones, Baresip) {
  const SessionDescription d = parse_ok(crlf(samples::kBaresipOffer));
  EXPECT_EQ(d.attributes, (std::vector<Attribute>{{"tool", "baresip 3.10.1"}}));
  ASSERT_EQ(d.media.size(), 1u);
  const MediaDescription& m = d.media[0];
  EXPECT_EQ(m.rtpmaps.at(96), (RtpMap{"opus", 48000, 2u}));
  EXPECT_EQ(m.fmtps.at(96), "stereo=1;sprop-stereo=1");
  EXPECT_EQ(m.fmtps.at(101), "0-15");
  EXPECT_EQ(m.ptime_ms, 20u);
  EXPECT_EQ(m.fields, (std::vector<Field>{{'b', "AS:96"}}));
  EXPECT_EQ(m.attributes,
            (std::vector<Attribute>{
                {"rtcp-rsize", std::nullopt}, {"rtcp-mux", std::nullopt}, {"label", "1"}}));
}

TEST(ParsePhones, LinphoneWithRtcpAndStaticFmtp) {
  const SessionDescription d = parse_ok(crlf(samples::kLinphoneOffer));
  ASSERT_EQ(d.media.size(), 1u);
  const MediaDescription& m = d.media[0];
  EXPECT_EQ(m.formats.size(), 9u);
  EXPECT_EQ(m.fmtps.at(18), "annexb=yes");  // an fmtp for a static type without rtpmap
  EXPECT_FALSE(m.rtpmaps.contains(18));
  ASSERT_TRUE(m.rtcp);
  EXPECT_EQ(m.rtcp->port, 7079);
  EXPECT_FALSE(m.rtcp->connection);
  EXPECT_EQ(m.attributes.size(), 2u);
  EXPECT_EQ(d.attributes.size(), 2u);
}

TEST(ParsePhones, YealinkAndItsHold) {
  const SessionDescription offer = parse_ok(crlf(samples::kYealinkOffer));
  EXPECT_EQ(offer.session_name, "SDP data");
  EXPECT_EQ(offer.media[0].direction, Direction::sendrecv);
  const SessionDescription hold = parse_ok(crlf(samples::kYealinkHold));
  EXPECT_EQ(hold.origin.session_version, offer.origin.session_version + 1);
  EXPECT_EQ(hold.media[0].direction, Direction::sendonly);
}

TEST(ParsePhones, AsteriskKeepsMaxptime) {
  const SessionDescription d = parse_ok(crlf(samples::kAsteriskOffer));
  EXPECT_EQ(d.media[0].formats, (std::vector<std::string>{"8", "0", "3", "101"}));
  EXPECT_EQ(d.media[0].attributes, (std::vector<Attribute>{{"maxptime", "150"}}));
}

TEST(ParsePhones, Rfc2543HoldAddress) {
  const SessionDescription d = parse_ok(crlf(samples::kRfc2543Hold));
  EXPECT_EQ(d.origin.username, "CiscoSystemsSIP-GW-UserAgent");
  ASSERT_TRUE(d.media[0].connection);
  EXPECT_EQ(d.media[0].connection->address, "0.0.0.0");
}

TEST(ParsePhones, FreeswitchRtcpWithAddress) {
  const SessionDescription d = parse_ok(crlf(samples::kFreeswitchOffer));
  ASSERT_TRUE(d.media[0].rtcp);
  EXPECT_EQ(d.media[0].rtcp->port, 16390);
  ASSERT_TRUE(d.media[0].rtcp->connection);
  EXPECT_EQ(d.media[0].rtcp->connection->address, "198.51.100.8");
}

TEST(ParsePhones, GrandstreamFmtpWithSpaces) {
  const SessionDescription d = parse_ok(crlf(samples::kGrandstreamOffer));
  EXPECT_EQ(d.media[0].fmtps.at(123),
            "maxplaybackrate=16000; sprop-maxcapturerate=16000; maxaveragebitrate=12000; "
            "useinbandfec=1");
  EXPECT_EQ(d.media[0].rtpmaps.at(2).encoding, "G726-32");
}

TEST(ParsePhones, Ipv6) {
  const SessionDescription d = parse_ok(crlf(samples::kIpv6Offer));
  EXPECT_EQ(d.origin.addr_type, "IP6");
  ASSERT_TRUE(d.connection);
  EXPECT_EQ(d.connection->addr_type, "IP6");
  EXPECT_EQ(d.connection->address, "2001:db8::10");
}

TEST(ParsePhones, T38FormatsAreNotPayloadTypes) {
  const SessionDescription d = parse_ok(crlf(samples::kT38Offer));
  ASSERT_EQ(d.media.size(), 1u);
  EXPECT_FALSE(d.media[0].is_rtp());
  EXPECT_EQ(d.media[0].formats, std::vector<std::string>{"t38"});
  EXPECT_EQ(d.media[0].attributes.size(), 4u);
}

TEST(ParsePhones, VideoAndAudio) {
  const SessionDescription d = parse_ok(crlf(samples::kVideoAndAudio));
  ASSERT_EQ(d.media.size(), 2u);
  EXPECT_EQ(d.media[0].media, "video");
  EXPECT_EQ(d.media[0].fmtps.at(99), "profile-level-id=42801F; packetization-mode=1");
  EXPECT_EQ(d.media[1].media, "audio");
  EXPECT_EQ(d.media[1].rtpmaps.size(), 1u);
}

// Every seed of the fuzz corpus (not the regress_* inputs, which may be invalid) parses.
TEST(ParsePhones, FuzzSeedCorpusParses) {
  const std::filesystem::path dir =
      std::filesystem::path(DZVIN_TEST_DATA_DIR) / ".." / "fuzz" / "corpus" / "sdp";
  std::size_t seeds = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (name.starts_with("regress_")) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto r = parse_session_description(text);
    EXPECT_TRUE(r.ok()) << name << ": " << (r.ok() ? "" : r.error().message);
    ++seeds;
  }
  EXPECT_GE(seeds, 12u);
}

// ---- Syntax accepted ------------------------------------------------------------------------

TEST(ParseSyntax, LfOnlyAndCrlfGiveTheSameResult) {
  EXPECT_EQ(parse_ok(samples::kYealinkOffer), parse_ok(crlf(samples::kYealinkOffer)));
}

TEST(ParseSyntax, MixedLineEndsAndNoFinalLineEnd) {
  const SessionDescription d =
      parse_ok("v=0\no=- 1 2 IN IP4 192.0.2.1\r\ns=x\nt=0 0\r\nm=audio 5 RTP/AVP 0");
  ASSERT_EQ(d.media.size(), 1u);
  EXPECT_EQ(d.media[0].formats, std::vector<std::string>{"0"});
}

TEST(ParseSyntax, BlankLinesAndTrailingBlanksAreIgnored) {
  const SessionDescription d = parse_ok(
      "v=0\r\no=- 1 2 IN IP4 192.0.2.1 \r\ns=x\t\r\n\r\nt=0 0\r\nm=audio 5 RTP/AVP 0 "
      "\r\na=sendonly  \r\n\r\n\r\n");
  EXPECT_EQ(d.origin.address, "192.0.2.1");
  EXPECT_EQ(d.session_name, "x");
  EXPECT_EQ(d.media[0].direction, Direction::sendonly);
}

TEST(ParseSyntax, RunsOfSpacesBetweenFields) {
  const SessionDescription d =
      parse_ok(with_head("c=IN  IP4   192.0.2.5\r\nm=audio  4000  RTP/AVP  0   8\r\n"));
  EXPECT_EQ(d.connection->address, "192.0.2.5");
  EXPECT_EQ(d.media[0].formats, (std::vector<std::string>{"0", "8"}));
}

TEST(ParseSyntax, MissingTimeLineDefaultsToZero) {
  const SessionDescription d = parse_ok("v=0\r\no=- 1 2 IN IP4 192.0.2.1\r\ns=-\r\n");
  EXPECT_EQ(d.timing, (Timing{0, 0}));
  EXPECT_TRUE(d.media.empty());
}

TEST(ParseSyntax, UsernameWithSpaces) {
  const SessionDescription d = parse_ok("v=0\r\no=Acme SIP Phone 7 8 IN IP4 192.0.2.1\r\ns=-\r\n");
  EXPECT_EQ(d.origin.username, "Acme SIP Phone");
  EXPECT_EQ(d.origin.session_id, 7u);
  EXPECT_EQ(d.origin.session_version, 8u);
}

TEST(ParseSyntax, SessionIdUpTo64Bits) {
  const SessionDescription d =
      parse_ok("v=0\r\no=- 18446744073709551615 4858251974351650128 IN IP4 127.0.0.1\r\ns=-\r\n");
  EXPECT_EQ(d.origin.session_id, 18446744073709551615u);
  EXPECT_EQ(d.origin.session_version, 4858251974351650128u);
}

TEST(ParseSyntax, PortCount) {
  const SessionDescription d = parse_ok(with_head("m=video 49170/2 RTP/AVP 31\r\n"));
  EXPECT_EQ(d.media[0].port, 49170);
  EXPECT_EQ(d.media[0].port_count, 2u);
}

TEST(ParseSyntax, PortLimits) {
  EXPECT_EQ(parse_ok(with_head("m=audio 0 RTP/AVP 0\r\n")).media[0].port, 0);
  EXPECT_EQ(parse_ok(with_head("m=audio 65535 RTP/AVP 0\r\n")).media[0].port, 65535);
}

TEST(ParseSyntax, PayloadTypeLimitsAndLeadingZeros) {
  const SessionDescription d = parse_ok(with_head("m=audio 1 RTP/AVP 0 127 008\r\n"));
  EXPECT_EQ(d.media[0].formats, (std::vector<std::string>{"0", "127", "008"}));
}

TEST(ParseSyntax, ConnectionMulticastSuffixes) {
  const SessionDescription v4 = parse_ok(with_head("c=IN IP4 224.2.1.1/127/3\r\n"));
  EXPECT_EQ(v4.connection->address, "224.2.1.1");
  EXPECT_EQ(v4.connection->ttl, 127u);
  EXPECT_EQ(v4.connection->address_count, 3u);
  const SessionDescription v6 = parse_ok(with_head("c=IN IP6 FF15::101/3\r\n"));
  EXPECT_EQ(v6.connection->address, "FF15::101");
  EXPECT_FALSE(v6.connection->ttl);
  EXPECT_EQ(v6.connection->address_count, 3u);
}

TEST(ParseSyntax, MediaConnectionOverridesSession) {
  const SessionDescription d =
      parse_ok(with_head("c=IN IP4 192.0.2.1\r\nm=audio 1 RTP/AVP 0\r\nc=IN IP4 "
                         "192.0.2.9\r\nm=audio 2 RTP/AVP 0\r\n"));
  EXPECT_EQ(effective_connection(d.media[0], d)->address, "192.0.2.9");
  EXPECT_EQ(effective_connection(d.media[1], d)->address, "192.0.2.1");
  SessionDescription no_session = d;
  no_session.connection.reset();
  EXPECT_EQ(effective_connection(no_session.media[1], no_session), nullptr);
}

TEST(ParseSyntax, MediaDirectionOverridesSessionAndLastOneWins) {
  const SessionDescription d = parse_ok(
      with_head("a=inactive\r\nm=audio 1 RTP/AVP 0\r\na=recvonly\r\na=sendonly\r\nm=audio 2 "
                "RTP/AVP 0\r\n"));
  EXPECT_EQ(d.direction, Direction::inactive);
  EXPECT_EQ(d.media[0].direction, Direction::sendonly);
  EXPECT_EQ(d.media[1].direction, Direction::inactive);
}

TEST(ParseSyntax, PropertyAndValueAttributesAreDistinguished) {
  const SessionDescription d =
      parse_ok(with_head("a=foo\r\na=bar:\r\na=baz: x y \r\na=ice-lite\r\n"));
  EXPECT_EQ(d.attributes,
            (std::vector<Attribute>{
                {"foo", std::nullopt}, {"bar", ""}, {"baz", " x y"}, {"ice-lite", std::nullopt}}));
}

TEST(ParseSyntax, RtpmapVariants) {
  const SessionDescription d =
      parse_ok(with_head("m=audio 1 RTP/AVP 0 96 97\r\na=rtpmap:0 PCMU/8000/1\r\na=rtpmap:96 "
                         "opus/48000/2\r\na=RTPMAP:97 iLBC/8000\r\n"));
  const MediaDescription& m = d.media[0];
  EXPECT_EQ(m.rtpmaps.at(0), (RtpMap{"PCMU", 8000, 1u}));
  EXPECT_EQ(m.rtpmaps.at(96), (RtpMap{"opus", 48000, 2u}));
  EXPECT_EQ(m.rtpmaps.at(97), (RtpMap{"iLBC", 8000, std::nullopt}));
}

TEST(ParseSyntax, RtpmapForAnUnlistedPayloadTypeIsKept) {
  const SessionDescription d =
      parse_ok(with_head("m=audio 1 RTP/AVP 0\r\na=rtpmap:101 telephone-event/8000\r\n"));
  EXPECT_TRUE(d.media[0].rtpmaps.contains(101));
}

TEST(ParseSyntax, RepeatedIdenticalRtpmapAndFmtpAreAccepted) {
  const SessionDescription d = parse_ok(
      with_head("m=audio 1 RTP/AVP 101\r\na=rtpmap:101 telephone-event/8000\r\na=rtpmap:101 "
                "telephone-event/8000\r\na=fmtp:101 0-15\r\na=fmtp:101 0-15\r\n"));
  EXPECT_EQ(d.media[0].rtpmaps.size(), 1u);
  EXPECT_EQ(d.media[0].fmtps.at(101), "0-15");
}

TEST(ParseSyntax, FmtpWithoutParameters) {
  const SessionDescription d = parse_ok(with_head("m=audio 1 RTP/AVP 101\r\na=fmtp:101\r\n"));
  EXPECT_EQ(d.media[0].fmtps.at(101), "");
}

TEST(ParseSyntax, PtimeWithFraction) {
  EXPECT_EQ(parse_ok(with_head("m=audio 1 RTP/AVP 0\r\na=ptime:30\r\n")).media[0].ptime_ms, 30u);
  EXPECT_EQ(parse_ok(with_head("m=audio 1 RTP/AVP 0\r\na=ptime:20.0\r\n")).media[0].ptime_ms, 20u);
}

TEST(ParseSyntax, SessionLevelPtimeAndRtpmapAreOrdinaryAttributes) {
  const SessionDescription d = parse_ok(with_head("a=ptime:20\r\na=rtpmap:0 PCMU/8000\r\n"));
  EXPECT_EQ(d.attributes.size(), 2u);
}

TEST(ParseSyntax, NonRtpMediaKeepsRtpmapAsAttribute) {
  const SessionDescription d =
      parse_ok(with_head("m=application 32416 udp wb\r\na=rtpmap:0 x/1\r\na=orient:portrait\r\n"));
  EXPECT_TRUE(d.media[0].rtpmaps.empty());
  EXPECT_EQ(d.media[0].attributes.size(), 2u);
}

TEST(ParseSyntax, UnknownLineTypesAreKeptAndOrdered) {
  const SessionDescription d = parse_ok(
      with_head("x=extension\r\nb=AS:64\r\nm=audio 1 RTP/AVP 0\r\nk=prompt\r\ny=\r\ni=title\r\n"));
  EXPECT_EQ(d.fields, (std::vector<Field>{{'b', "AS:64"}, {'x', "extension"}}));
  EXPECT_EQ(d.media[0].fields, (std::vector<Field>{{'i', "title"}, {'k', "prompt"}, {'y', ""}}));
}

TEST(ParseSyntax, RepeatTimesAndSecondTimeKeepTheirOrder) {
  const SessionDescription d = parse_ok(
      "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nt=1 2\r\nr=7d 1h 0 25h\r\nt=3 "
      "4\r\nr=1d 1h 0\r\nz=2882844526 -1h\r\n");
  EXPECT_EQ(d.timing, (Timing{1, 2}));
  EXPECT_EQ(d.fields,
            (std::vector<Field>{
                {'r', "7d 1h 0 25h"}, {'t', "3 4"}, {'r', "1d 1h 0"}, {'z', "2882844526 -1h"}}));
}

TEST(ParseSyntax, IsRtp) {
  MediaDescription m;
  for (const char* p :
       {"RTP/AVP", "RTP/SAVP", "RTP/AVPF", "RTP/SAVPF", "UDP/TLS/RTP/SAVPF", "TCP/RTP/AVP"}) {
    m.protocol = p;
    EXPECT_TRUE(m.is_rtp()) << p;
  }
  for (const char* p : {"udptl", "udp", "TCP/MSRP", "rtp/avp"}) {
    m.protocol = p;
    EXPECT_FALSE(m.is_rtp()) << p;
  }
}

TEST(SameEncoding, IgnoresAsciiCase) {
  EXPECT_TRUE(same_encoding("PCMU", "pcmu"));
  EXPECT_TRUE(same_encoding("telephone-event", "Telephone-Event"));
  EXPECT_FALSE(same_encoding("PCMU", "PCMA"));
  EXPECT_FALSE(same_encoding("PCMU", "PCMU "));
}

TEST(PayloadType, Values) {
  EXPECT_EQ(payload_type("0"), 0);
  EXPECT_EQ(payload_type("127"), 127);
  EXPECT_EQ(payload_type("0008"), 8);
  EXPECT_FALSE(payload_type("128"));
  EXPECT_FALSE(payload_type("1000"));
  EXPECT_FALSE(payload_type(""));
  EXPECT_FALSE(payload_type("-1"));
  EXPECT_FALSE(payload_type("8a"));
  EXPECT_FALSE(payload_type("99999999999999999999999"));
}

// ---- Errors: one per message, with the line it names --------------------------------------

TEST(ParseErrors, Empty) {
  EXPECT_EQ(parse_error(""), "empty SDP body");
  EXPECT_EQ(parse_error("\r\n\r\n"), "empty SDP body");
}

TEST(ParseErrors, FirstLineMustBeVersionZero) {
  EXPECT_EQ(parse_error("o=- 1 1 IN IP4 192.0.2.1\r\n"), "line 1: the first line must be v=0");
  EXPECT_EQ(parse_error("v=1\r\n"), "line 1: v= must be 0");
  EXPECT_EQ(parse_error("v=00\r\n"), "line 1: v= must be 0");
  EXPECT_EQ(parse_error("\r\nv=2\r\n"), "line 2: v= must be 0");
}

TEST(ParseErrors, NotATypeValueLine) {
  constexpr std::string_view kWhat = ": not a <type>=<value> line with a lowercase type letter";
  EXPECT_EQ(parse_error("V=0\r\n"), "line 1" + std::string(kWhat));
  EXPECT_EQ(parse_error("v=0\r\nhello\r\n"), "line 2" + std::string(kWhat));
  EXPECT_EQ(parse_error("v=0\r\nab=c\r\n"), "line 2" + std::string(kWhat));
  EXPECT_EQ(parse_error("v=0\r\n=x\r\n"), "line 2" + std::string(kWhat));
  EXPECT_EQ(parse_error("v=0\r\n1=x\r\n"), "line 2" + std::string(kWhat));
  EXPECT_EQ(parse_error("v=0\r\n a=x\r\n"), "line 2" + std::string(kWhat));
  EXPECT_EQ(parse_error("v=0\r\no\r\n"), "line 2" + std::string(kWhat));
}

TEST(ParseErrors, ControlCharactersInsideALine) {
  EXPECT_EQ(parse_error(with_head("a=x\ry\r\n")), "line 5: CR or NUL inside the line");
  EXPECT_EQ(parse_error(with_head(std::string("a=x\0y\r\n", 7))),
            "line 5: CR or NUL inside the line");
}

TEST(ParseErrors, MissingOriginOrName) {
  EXPECT_EQ(parse_error("v=0\r\ns=-\r\nt=0 0\r\n"), "missing o= line");
  EXPECT_EQ(parse_error("v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\nt=0 0\r\n"), "missing s= line");
}

TEST(ParseErrors, RepeatedSessionLines) {
  EXPECT_EQ(parse_error(with_head("v=0\r\n")), "line 5: second v= line (one description per body)");
  EXPECT_EQ(parse_error(with_head("o=- 1 1 IN IP4 192.0.2.1\r\n")), "line 5: second o= line");
  EXPECT_EQ(parse_error(with_head("s=again\r\n")), "line 5: second s= line");
  EXPECT_EQ(parse_error(with_head("c=IN IP4 192.0.2.1\r\nc=IN IP4 192.0.2.2\r\n")),
            "line 6: second c= line at session level");
}

TEST(ParseErrors, SessionLinesInsideMedia) {
  EXPECT_EQ(parse_error(with_head("m=audio 1 RTP/AVP 0\r\no=- 1 1 IN IP4 192.0.2.1\r\n")),
            "line 6: o= inside a media section");
  EXPECT_EQ(parse_error(with_head("m=audio 1 RTP/AVP 0\r\ns=x\r\n")),
            "line 6: s= inside a media section");
  EXPECT_EQ(parse_error(with_head("m=audio 1 RTP/AVP 0\r\nc=IN IP4 192.0.2.1\r\nc=IN IP4 "
                                  "192.0.2.2\r\n")),
            "line 7: second c= line in a media section");
}

TEST(ParseErrors, Origin) {
  EXPECT_EQ(parse_error("v=0\r\no=- 1 1 IN IP4\r\n"),
            "line 2: o= needs <username> <sess-id> <sess-version> <nettype> <addrtype> <address>");
  EXPECT_EQ(parse_error("v=0\r\no=- x1 1 IN IP4 192.0.2.1\r\n"),
            "line 2: o= session id is not a number (or exceeds 64 bits)");
  EXPECT_EQ(parse_error("v=0\r\no=- 18446744073709551616 1 IN IP4 192.0.2.1\r\n"),
            "line 2: o= session id is not a number (or exceeds 64 bits)");
  EXPECT_EQ(parse_error("v=0\r\no=- 1 -1 IN IP4 192.0.2.1\r\n"),
            "line 2: o= session version is not a number (or exceeds 64 bits)");
  EXPECT_EQ(parse_error("v=0\r\no=a b c d e f g h i j k l 1 1 IN IP4 192.0.2.1\r\n"),
            "line 2: o= has too many fields");
}

TEST(ParseErrors, Connection) {
  EXPECT_EQ(parse_error(with_head("c=IN IP4\r\n")),
            "line 5: c= needs <nettype> <addrtype> <address>");
  EXPECT_EQ(parse_error(with_head("c=IN IP4 192.0.2.1 extra\r\n")), "line 5: c= has extra fields");
  EXPECT_EQ(parse_error(with_head("c=IN IP4 /127\r\n")), "line 5: c= address is empty");
  EXPECT_EQ(parse_error(with_head("c=IN IP4 224.2.1.1/x\r\n")),
            "line 5: c= address suffix is not a number");
  EXPECT_EQ(parse_error(with_head("c=IN IP4 224.2.1.1/256\r\n")), "line 5: c= TTL exceeds 255");
  EXPECT_EQ(parse_error(with_head("c=IN IP4 224.2.1.1/127/\r\n")),
            "line 5: c= address count is not a number");
  EXPECT_EQ(parse_error(with_head("c=IN IP6 FF15::1/3/4\r\n")),
            "line 5: c= IP6 address has more than one suffix");
}

TEST(ParseErrors, Timing) {
  EXPECT_EQ(parse_error("v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nt=0\r\n"),
            "line 4: t= needs <start-time> <stop-time>");
  EXPECT_EQ(parse_error("v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nt=0 0 0\r\n"),
            "line 4: t= needs <start-time> <stop-time>");
  EXPECT_EQ(parse_error("v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nt=now 0\r\n"),
            "line 4: t= start time is not a number");
  EXPECT_EQ(parse_error("v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nt=0 later\r\n"),
            "line 4: t= stop time is not a number");
}

TEST(ParseErrors, MediaLine) {
  EXPECT_EQ(parse_error(with_head("m=audio 1\r\n")),
            "line 5: m= needs <media> <port> <proto> <fmt> ...");
  EXPECT_EQ(parse_error(with_head("m=audio 1 RTP/AVP\r\n")), "line 5: m= has no formats");
  EXPECT_EQ(parse_error(with_head("m=audio x RTP/AVP 0\r\n")), "line 5: m= port is not a number");
  EXPECT_EQ(parse_error(with_head("m=audio -1 RTP/AVP 0\r\n")), "line 5: m= port is not a number");
  EXPECT_EQ(parse_error(with_head("m=audio 65536 RTP/AVP 0\r\n")),
            "line 5: m= port is out of range 0..65535");
  EXPECT_EQ(parse_error(with_head("m=audio 99999999999 RTP/AVP 0\r\n")),
            "line 5: m= port is out of range 0..65535");
  EXPECT_EQ(parse_error(with_head("m=audio 1/x RTP/AVP 0\r\n")),
            "line 5: m= number of ports is not a number");
  EXPECT_EQ(parse_error(with_head("m=audio 1/0 RTP/AVP 0\r\n")), "line 5: m= number of ports is 0");
  EXPECT_EQ(parse_error(with_head("m=audio 1 RTP/AVP 0 PCMU\r\n")),
            "line 5: m= payload type is not a number");
  EXPECT_EQ(parse_error(with_head("m=audio 1 RTP/AVP 128\r\n")),
            "line 5: m= payload type is out of range");
}

TEST(ParseErrors, AttributeName) {
  EXPECT_EQ(parse_error(with_head("a=\r\n")), "line 5: a= attribute name is not a token");
  EXPECT_EQ(parse_error(with_head("a=:x\r\n")), "line 5: a= attribute name is not a token");
  EXPECT_EQ(parse_error(with_head("a=a b:x\r\n")), "line 5: a= attribute name is not a token");
}

TEST(ParseErrors, Rtpmap) {
  auto err = [](std::string_view attr) {
    return parse_error(with_head("m=audio 1 RTP/AVP 0\r\n" + std::string(attr) + "\r\n"));
  };
  EXPECT_EQ(err("a=rtpmap:"), "line 6: a=rtpmap needs <payload type> <encoding name>/<clock rate>");
  EXPECT_EQ(err("a=rtpmap:0"),
            "line 6: a=rtpmap needs <payload type> <encoding name>/<clock rate>");
  EXPECT_EQ(err("a=rtpmap:x PCMU/8000"), "line 6: a=rtpmap payload type is not a number");
  EXPECT_EQ(err("a=rtpmap:200 PCMU/8000"), "line 6: a=rtpmap payload type is out of range");
  EXPECT_EQ(err("a=rtpmap:0 PCMU"), "line 6: a=rtpmap needs <encoding name>/<clock rate>");
  EXPECT_EQ(err("a=rtpmap:0 /8000"), "line 6: a=rtpmap needs <encoding name>/<clock rate>");
  EXPECT_EQ(err("a=rtpmap:0 PCMU/"), "line 6: a=rtpmap clock rate is not a number");
  EXPECT_EQ(err("a=rtpmap:0 PCMU/8k"), "line 6: a=rtpmap clock rate is not a number");
  EXPECT_EQ(err("a=rtpmap:0 PCMU/8000/x"), "line 6: a=rtpmap encoding parameters are not a number");
  EXPECT_EQ(err("a=rtpmap:0 PCMU/8000 x"), "line 6: a=rtpmap has extra fields");
  EXPECT_EQ(parse_error(with_head("m=audio 1 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:0 "
                                  "PCMA/8000\r\n")),
            "line 7: a=rtpmap maps a payload type mapped differently before");
}

TEST(ParseErrors, Fmtp) {
  EXPECT_EQ(parse_error(with_head("m=audio 1 RTP/AVP 0\r\na=fmtp:\r\n")),
            "line 6: a=fmtp needs <format> <parameters>");
  EXPECT_EQ(parse_error(with_head("m=audio 1 RTP/AVP 0\r\na=fmtp:x 1\r\n")),
            "line 6: a=fmtp payload type is not a number");
  EXPECT_EQ(parse_error(with_head("m=audio 1 RTP/AVP 0\r\na=fmtp:300 1\r\n")),
            "line 6: a=fmtp payload type is out of range");
  EXPECT_EQ(parse_error(with_head("m=audio 1 RTP/AVP 101\r\na=fmtp:101 0-15\r\na=fmtp:101 "
                                  "0-16\r\n")),
            "line 7: a=fmtp gives a payload type different parameters than before");
}

TEST(ParseErrors, Rtcp) {
  EXPECT_EQ(parse_error(with_head("m=audio 1 RTP/AVP 0\r\na=rtcp:\r\n")),
            "line 6: a=rtcp needs a port");
  EXPECT_EQ(parse_error(with_head("m=audio 1 RTP/AVP 0\r\na=rtcp:x\r\n")),
            "line 6: a=rtcp port is not a number");
  EXPECT_EQ(parse_error(with_head("m=audio 1 RTP/AVP 0\r\na=rtcp:70000\r\n")),
            "line 6: a=rtcp port is out of range 0..65535");
  EXPECT_EQ(parse_error(with_head("m=audio 1 RTP/AVP 0\r\na=rtcp:5 IN IP4\r\n")),
            "line 6: a=rtcp needs <nettype> <addrtype> <address>");
}

TEST(ParseErrors, Ptime) {
  EXPECT_EQ(parse_error(with_head("m=audio 1 RTP/AVP 0\r\na=ptime:\r\n")),
            "line 6: a=ptime is not a number");
  EXPECT_EQ(parse_error(with_head("m=audio 1 RTP/AVP 0\r\na=ptime:abc\r\n")),
            "line 6: a=ptime is not a number");
  EXPECT_EQ(parse_error(with_head("m=audio 1 RTP/AVP 0\r\na=ptime:20.x\r\n")),
            "line 6: a=ptime is not a number");
}

TEST(ParseErrors, LineNumbersCountBlankLines) {
  EXPECT_EQ(
      parse_error("v=0\r\n\r\n\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nm=audio x RTP/AVP 0\r\n"),
      "line 6: m= port is not a number");
  EXPECT_EQ(parse_error("v=0\no=- 1 1 IN IP4 192.0.2.1\ns=-\n\nm=audio 1 RTP/AVP 0\na=ptime:x"),
            "line 6: a=ptime is not a number");
}

TEST(ParseErrors, MessagesArePrintableAscii) {
  const std::string bad = with_head("m=audio \xff\xfe RTP/AVP 0\r\n");
  const std::string message = parse_error(bad);
  for (char c : message)
    EXPECT_TRUE(c >= 0x20 && c < 0x7F) << message;
}

// ---- Limits ---------------------------------------------------------------------------------

std::string repeated(std::string_view line, std::size_t n) {
  std::string s;
  for (std::size_t i = 0; i < n; ++i)
    s += line;
  return s;
}

TEST(ParseLimits, BodySize) {
  std::string body = with_head("");
  body += "a=x:" + std::string(65536 - body.size() - 6, 'y') + "\r\n";
  ASSERT_EQ(body.size(), 65536u);
  EXPECT_TRUE(parse_session_description(body).ok());
  body.insert(body.size() - 2, "y");
  EXPECT_EQ(parse_error(body), "SDP body larger than 65536 bytes");
}

TEST(ParseLimits, MediaSections) {
  EXPECT_EQ(parse_ok(with_head(repeated("m=audio 0 RTP/AVP 0\r\n", 16))).media.size(), 16u);
  EXPECT_EQ(parse_error(with_head(repeated("m=audio 0 RTP/AVP 0\r\n", 17))),
            "line 21: more than 16 m= sections");
}

TEST(ParseLimits, AttributesPerSection) {
  EXPECT_EQ(parse_ok(with_head(repeated("a=x\r\n", 64))).attributes.size(), 64u);
  EXPECT_EQ(parse_error(with_head(repeated("a=x\r\n", 65))),
            "line 69: more than 64 a= lines in one section");
  // Per section: each m= starts a new count.
  const std::string two =
      with_head(repeated("a=x\r\n", 64) + "m=audio 1 RTP/AVP 0\r\n" + repeated("a=y\r\n", 64));
  EXPECT_EQ(parse_ok(two).media[0].attributes.size(), 64u);
  EXPECT_EQ(parse_error(two + "a=z\r\n"), "line 134: more than 64 a= lines in one section");
  // Direction lines replace each other and are not counted.
  EXPECT_TRUE(
      parse_session_description(with_head(repeated("a=x\r\n", 64) + repeated("a=sendonly\r\n", 5)))
          .ok());
}

TEST(ParseLimits, FieldsPerSection) {
  EXPECT_EQ(parse_ok(with_head(repeated("b=AS:1\r\n", 64))).fields.size(), 64u);
  EXPECT_EQ(parse_error(with_head(repeated("b=AS:1\r\n", 65))),
            "line 69: more than 64 lines other than a= in one section");
}

TEST(ParseLimits, Formats) {
  std::string formats;
  for (int pt = 0; pt < 64; ++pt)
    formats += " " + std::to_string(pt);
  EXPECT_EQ(parse_ok(with_head("m=audio 1 RTP/AVP" + formats + "\r\n")).media[0].formats.size(),
            64u);
  EXPECT_EQ(parse_error(with_head("m=audio 1 RTP/AVP" + formats + " 64\r\n")),
            "line 5: m= has more than 64 formats");
}

TEST(ParseLimits, CustomLimits) {
  SdpLimits limits;
  limits.max_media = 1;
  limits.max_bytes = 100;
  EXPECT_EQ(parse_error(with_head("m=audio 0 RTP/AVP 0\r\nm=audio 0 RTP/AVP 0\r\n"), limits),
            "line 6: more than 1 m= sections");
  EXPECT_EQ(parse_error(with_head(repeated("a=x\r\n", 20)), limits),
            "SDP body larger than 100 bytes");
}

// ---- Writing and round trip ----------------------------------------------------------------

TEST(Format, Rfc4566ExampleInRfcOrder) {
  const SessionDescription d = parse_ok(crlf(samples::kRfc4566));
  EXPECT_EQ(format_session_description(d),
            "v=0\r\n"
            "o=jdoe 2890844526 2890842807 IN IP4 10.47.16.5\r\n"
            "s=SDP Seminar\r\n"
            "i=A Seminar on the session description protocol\r\n"
            "u=http://www.example.com/seminars/sdp.pdf\r\n"
            "e=j.doe@example.com (Jane Doe)\r\n"
            "c=IN IP4 224.2.17.12/127\r\n"
            "t=2873397496 2873404696\r\n"
            "a=recvonly\r\n"
            "m=audio 49170 RTP/AVP 0\r\n"
            "a=recvonly\r\n"
            "m=video 51372 RTP/AVP 99\r\n"
            "a=rtpmap:99 h263-1998/90000\r\n"
            "a=recvonly\r\n");
}

TEST(Format, AttributesInAFixedOrder) {
  const SessionDescription d = parse_ok(with_head(
      "m=audio 7078/2 RTP/AVP 101 0\r\na=sendonly\r\na=rtcp:7079 IN IP4 192.0.2.7\r\na=x-a:1\r\n"
      "a=fmtp:101 0-15\r\na=ptime:20\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 "
      "telephone-event/8000\r\nc=IN IP6 ::1\r\nb=AS:64\r\ni=info\r\n"));
  EXPECT_EQ(format_session_description(d),
            "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nt=0 0\r\n"
            "m=audio 7078/2 RTP/AVP 101 0\r\n"
            "i=info\r\n"
            "c=IN IP6 ::1\r\n"
            "b=AS:64\r\n"
            "a=rtpmap:101 telephone-event/8000\r\n"
            "a=fmtp:101 0-15\r\n"
            "a=rtpmap:0 PCMU/8000\r\n"
            "a=ptime:20\r\n"
            "a=rtcp:7079 IN IP4 192.0.2.7\r\n"
            "a=x-a:1\r\n"
            "a=sendonly\r\n");
}

TEST(Format, ValuesCannotInjectLines) {
  SessionDescription d;
  d.origin.address = "192.0.2.1";
  d.session_name = "evil\r\nm=video 1 RTP/AVP 31";
  d.attributes.push_back(Attribute{"x", std::string("a\nb\0c", 5)});
  const std::string text = format_session_description(d);
  const auto back = parse_session_description(text);
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_TRUE(back->media.empty());
  EXPECT_EQ(back->session_name, "evil  m=video 1 RTP/AVP 31");
  EXPECT_EQ(back->attributes[0].value, "a b c");
}

TEST(Format, MulticastSuffixes) {
  SessionDescription d;
  d.connection = Connection{"IN", "IP4", "224.2.1.1", 127u, 3u};
  EXPECT_NE(format_session_description(d).find("c=IN IP4 224.2.1.1/127/3\r\n"), std::string::npos);
  d.connection = Connection{"IN", "IP6", "FF15::101", std::nullopt, 3u};
  EXPECT_NE(format_session_description(d).find("c=IN IP6 FF15::101/3\r\n"), std::string::npos);
}

struct Sample {
  const char* name;
  std::string_view text;
};

class RoundTrip : public ::testing::TestWithParam<Sample> {};

TEST_P(RoundTrip, FormatThenParseGivesTheSameDescription) {
  const SessionDescription first = parse_ok(crlf(GetParam().text));
  const std::string text = format_session_description(first);
  const SessionDescription second = parse_ok(text);
  EXPECT_EQ(first, second) << text;
  EXPECT_EQ(format_session_description(second), text);  // and the text is stable
  EXPECT_EQ(text.find('\n'), text.find("\r\n") + 1);
}

INSTANTIATE_TEST_SUITE_P(
    Samples, RoundTrip,
    ::testing::Values(
        Sample{"Rfc4566", samples::kRfc4566},
        Sample{"Rfc3264Capabilities", samples::kRfc3264Capabilities},
        Sample{"Rfc3264Offer1", samples::kRfc3264Offer1},
        Sample{"Rfc3264Answer1", samples::kRfc3264Answer1},
        Sample{"Rfc3264Offer2", samples::kRfc3264Offer2},
        Sample{"Rfc3264Answer2", samples::kRfc3264Answer2},
        Sample{"Rfc3264InactiveOffer", samples::kRfc3264InactiveOffer},
        Sample{"Baresip", samples::kBaresipOffer}, Sample{"Linphone", samples::kLinphoneOffer},
        Sample{"Yealink", samples::kYealinkOffer}, Sample{"YealinkHold", samples::kYealinkHold},
        Sample{"Asterisk", samples::kAsteriskOffer}, Sample{"Rfc2543Hold", samples::kRfc2543Hold},
        Sample{"VideoAndAudio", samples::kVideoAndAudio}, Sample{"Ipv6", samples::kIpv6Offer},
        Sample{"Freeswitch", samples::kFreeswitchOffer},
        Sample{"Grandstream", samples::kGrandstreamOffer}, Sample{"Srtp", samples::kSrtpOffer},
        Sample{"T38", samples::kT38Offer}),
    [](const ::testing::TestParamInfo<Sample>& param_info) {
      return std::string(param_info.param.name);
    });

// ---- Direction helpers ----------------------------------------------------------------------

TEST(DirectionHelpers, ReverseIntersectAndNames) {
  EXPECT_EQ(reverse(Direction::sendonly), Direction::recvonly);
  EXPECT_EQ(reverse(Direction::recvonly), Direction::sendonly);
  EXPECT_EQ(reverse(Direction::sendrecv), Direction::sendrecv);
  EXPECT_EQ(reverse(Direction::inactive), Direction::inactive);
  EXPECT_EQ(intersect(Direction::sendrecv, Direction::sendonly), Direction::sendonly);
  EXPECT_EQ(intersect(Direction::sendonly, Direction::recvonly), Direction::inactive);
  EXPECT_EQ(intersect(Direction::recvonly, Direction::sendrecv), Direction::recvonly);
  EXPECT_EQ(intersect(Direction::sendrecv, Direction::sendrecv), Direction::sendrecv);
  EXPECT_EQ(to_string(Direction::inactive), "inactive");
  EXPECT_TRUE(sends(Direction::sendonly));
  EXPECT_FALSE(receives(Direction::sendonly));
}

}  // namespace
}  // namespace dzvin::sdp
