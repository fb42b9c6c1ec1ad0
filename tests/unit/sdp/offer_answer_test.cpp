#include "sdp/offer_answer.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "sample_sdps.hpp"

namespace dzvin::sdp {
namespace {

using samples::crlf;

SessionDescription parse_ok(std::string_view text) {
  auto r = parse_session_description(crlf(text));
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message) << "\n" << text;
  return r.ok() ? std::move(r).value() : SessionDescription{};
}

LocalMedia local_v4() {
  LocalMedia local;
  local.username = "dzvin";
  local.session_id = 42;
  local.session_version = 1;
  local.address = "198.51.100.1";
  local.rtp_port = 40000;
  return local;
}

LocalMedia local_v6() {
  LocalMedia local = local_v4();
  local.addr_type = "IP6";
  local.address = "2001:db8::1";
  return local;
}

AnswerResult answer_ok(std::string_view offer_text, const AudioCapabilities& caps = {},
                       const LocalMedia& local = local_v4()) {
  auto r = negotiate_answer(parse_ok(offer_text), caps, local);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? std::move(r).value() : AnswerResult{};
}

std::string answer_error(std::string_view offer_text, const AudioCapabilities& caps = {},
                         const LocalMedia& local = local_v4()) {
  auto r = negotiate_answer(parse_ok(offer_text), caps, local);
  if (r.ok()) return "(accepted)";
  EXPECT_EQ(r.error().code, 488);
  return r.error().message;
}

// An offer from a phone at 192.0.2.10:5000 with the given m= line tail and extra lines.
std::string phone_offer(std::string_view formats_and_attributes) {
  return "v=0\no=- 7 7 IN IP4 192.0.2.10\ns=-\nc=IN IP4 192.0.2.10\nt=0 0\nm=audio 5000 RTP/AVP " +
         std::string(formats_and_attributes);
}

// ---- negotiate_answer -----------------------------------------------------------------------

TEST(NegotiateAnswer, WritesTheAnswer) {
  const AnswerResult r = answer_ok(samples::kYealinkOffer);
  EXPECT_EQ(format_session_description(r.answer),
            "v=0\r\n"
            "o=dzvin 42 1 IN IP4 198.51.100.1\r\n"
            "s=-\r\n"
            "c=IN IP4 198.51.100.1\r\n"
            "t=0 0\r\n"
            "m=audio 40000 RTP/AVP 0 101\r\n"
            "a=rtpmap:0 PCMU/8000\r\n"
            "a=rtpmap:101 telephone-event/8000\r\n"
            "a=fmtp:101 0-15\r\n"
            "a=ptime:20\r\n"
            "a=sendrecv\r\n");
}

TEST(NegotiateAnswer, ReturnsWhatTheMediaEngineNeeds) {
  const AnswerResult r = answer_ok(samples::kYealinkOffer);
  EXPECT_EQ(r.audio.codec, AudioCodec::pcmu);
  EXPECT_EQ(r.audio.payload_type, 0);
  EXPECT_EQ(r.audio.telephone_event_pt, 101);
  EXPECT_EQ(r.audio.ptime_ms, 20u);
  EXPECT_EQ(r.audio.remote_rtp, (MediaEndpoint{"10.0.0.105", 11800}));
  EXPECT_EQ(r.audio.remote_rtcp, (MediaEndpoint{"10.0.0.105", 11801}));
  EXPECT_EQ(r.audio.direction, Direction::sendrecv);
  EXPECT_EQ(r.audio.remote_direction, Direction::sendrecv);
  EXPECT_FALSE(r.audio.remote_hold);
  EXPECT_EQ(r.audio.media_index, 0u);
}

TEST(NegotiateAnswer, OfferersPreferenceWinsPcma) {
  const AnswerResult r = answer_ok(samples::kAsteriskOffer);  // 8 0 3 101
  EXPECT_EQ(r.audio.codec, AudioCodec::pcma);
  EXPECT_EQ(r.audio.payload_type, 8);
  EXPECT_EQ(r.answer.media[0].formats, (std::vector<std::string>{"8", "101"}));
  EXPECT_EQ(r.answer.media[0].fmtps.at(101), "0-16");
}

TEST(NegotiateAnswer, OurListOnlyFilters) {
  AudioCapabilities caps;
  caps.codecs = {AudioCodec::pcma, AudioCodec::pcmu};
  EXPECT_EQ(answer_ok(samples::kYealinkOffer, caps).audio.codec, AudioCodec::pcmu);
  caps.codecs = {AudioCodec::pcma};
  const AnswerResult r = answer_ok(samples::kYealinkOffer, caps);
  EXPECT_EQ(r.audio.codec, AudioCodec::pcma);
  EXPECT_EQ(r.audio.payload_type, 8);
}

TEST(NegotiateAnswer, SkipsCodecsWeDoNotHave) {
  // baresip: opus, G722, then PCMU.
  const AnswerResult r = answer_ok(samples::kBaresipOffer);
  EXPECT_EQ(r.audio.codec, AudioCodec::pcmu);
  EXPECT_EQ(r.answer.media[0].formats, (std::vector<std::string>{"0", "101"}));
}

TEST(NegotiateAnswer, AllCommonCodecsWhenAsked) {
  AudioCapabilities caps;
  caps.answer_single_codec = false;
  const AnswerResult r = answer_ok(samples::kAsteriskOffer, caps);
  EXPECT_EQ(r.answer.media[0].formats, (std::vector<std::string>{"8", "0", "101"}));
  EXPECT_EQ(r.audio.codec, AudioCodec::pcma);
}

TEST(NegotiateAnswer, OnlyTelephoneEventAndPcmu) {
  const AnswerResult r =
      answer_ok(phone_offer("0 101\na=rtpmap:101 telephone-event/8000\na=fmtp:101 0-15\n"));
  EXPECT_EQ(r.audio.codec, AudioCodec::pcmu);
  EXPECT_EQ(r.audio.telephone_event_pt, 101);
}

TEST(NegotiateAnswer, StaticTypesWithoutRtpmap) {
  const AnswerResult r = answer_ok(phone_offer("8\n"));
  EXPECT_EQ(r.audio.codec, AudioCodec::pcma);
  EXPECT_FALSE(r.audio.telephone_event_pt);
  // RFC 3264 §6.1: we write the rtpmap even for a static type.
  EXPECT_EQ(r.answer.media[0].rtpmaps.at(8), (RtpMap{"PCMA", 8000, std::nullopt}));
}

TEST(NegotiateAnswer, KeepsTheOfferersDynamicNumbers) {
  const AnswerResult r =
      answer_ok(phone_offer("96 97\na=rtpmap:96 PCMA/8000\na=rtpmap:97 telephone-event/8000\n"));
  EXPECT_EQ(r.audio.codec, AudioCodec::pcma);
  EXPECT_EQ(r.audio.payload_type, 96);
  EXPECT_EQ(r.audio.telephone_event_pt, 97);
  EXPECT_EQ(r.answer.media[0].formats, (std::vector<std::string>{"96", "97"}));
}

TEST(NegotiateAnswer, RtpmapDecidesOverTheStaticTable) {
  // A type 0 redefined as something else is not PCMU; stereo PCMU is not ours either.
  EXPECT_EQ(answer_error(phone_offer("0 8\na=rtpmap:0 G729/8000\na=rtpmap:8 PCMA/8000/2\n")),
            "Not Acceptable Here: m=1 audio: no common codec (offered G729/8000, PCMA/8000/2; we "
            "accept PCMU/8000, PCMA/8000)");
  EXPECT_EQ(answer_ok(phone_offer("0 8\na=rtpmap:0 pcmu/8000\n")).audio.codec, AudioCodec::pcmu);
}

TEST(NegotiateAnswer, TelephoneEventAt8000IsChosen) {
  // Linphone offers telephone-event at 48000 (101), 16000 (99) and 8000 (100).
  const AnswerResult r = answer_ok(samples::kLinphoneOffer);
  EXPECT_EQ(r.audio.telephone_event_pt, 100);
  EXPECT_EQ(r.answer.media[0].formats, (std::vector<std::string>{"0", "100"}));
  EXPECT_EQ(r.answer.media[0].fmtps.at(100), "0-15");  // no fmtp in the offer: 0-15
}

TEST(NegotiateAnswer, TelephoneEventListIsIntersected) {
  auto events = [](std::string_view fmtp, std::string ours = "0-16") {
    AudioCapabilities caps;
    caps.telephone_events = std::move(ours);
    const AnswerResult r = answer_ok(
        phone_offer("0 101\na=rtpmap:101 telephone-event/8000\n" + std::string(fmtp)), caps);
    const auto it = r.answer.media[0].fmtps.find(101);
    return it == r.answer.media[0].fmtps.end() ? std::string("(none)") : it->second;
  };
  EXPECT_EQ(events("a=fmtp:101 0-16\n"), "0-16");
  EXPECT_EQ(events("a=fmtp:101 0-15,66,70\n"), "0-15");
  EXPECT_EQ(events("a=fmtp:101 0-11, 16\n"), "0-11,16");
  EXPECT_EQ(events("a=fmtp:101 0-16\n", "0-15"), "0-15");
  EXPECT_EQ(events("a=fmtp:101 garbage\n"), "0-15");  // unreadable: the default list
  EXPECT_EQ(events("a=fmtp:101 66\n"), "(none)");     // nothing in common: left out
}

TEST(NegotiateAnswer, TelephoneEventLeftOutWhenWeDoNotWantIt) {
  AudioCapabilities caps;
  caps.telephone_event = false;
  const AnswerResult r = answer_ok(samples::kYealinkOffer, caps);
  EXPECT_FALSE(r.audio.telephone_event_pt);
  EXPECT_EQ(r.answer.media[0].formats, std::vector<std::string>{"0"});
}

TEST(NegotiateAnswer, NoCommonCodecIs488ListingTheOffer) {
  auto r = negotiate_answer(parse_ok(samples::kRfc3264InactiveOffer), {}, local_v4());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, 488);
  // RFC 3264's example host names are not IP addresses either; an IP one shows the codecs.
  EXPECT_EQ(answer_error(phone_offer("18 4 101\na=rtpmap:101 telephone-event/8000\n")),
            "Not Acceptable Here: m=1 audio: no common codec (offered G729/8000, G723/8000, "
            "telephone-event/8000; we accept PCMU/8000, PCMA/8000)");
  EXPECT_EQ(answer_error(phone_offer("98\n")),
            "Not Acceptable Here: m=1 audio: no common codec (offered PT 98; we accept "
            "PCMU/8000, PCMA/8000)");
}

TEST(NegotiateAnswer, LongOfferedListIsCut) {
  std::string offer = "96";
  std::string maps;
  for (int pt = 97; pt < 127; ++pt) {
    offer += " " + std::to_string(pt);
    maps += "a=rtpmap:" + std::to_string(pt) + " X-CODEC-" + std::to_string(pt) + "/16000\n";
  }
  const std::string message = answer_error(phone_offer(offer + "\n" + maps));
  EXPECT_NE(message.find("X-CODEC-97/16000, "), std::string::npos);
  EXPECT_NE(message.find(", ...; we accept PCMU/8000, PCMA/8000)"), std::string::npos) << message;
  EXPECT_LT(message.size(), 300u);
}

TEST(NegotiateAnswer, SendonlyIsAnsweredRecvonly) {
  const AnswerResult r = answer_ok(samples::kYealinkHold);
  EXPECT_EQ(r.answer.media[0].direction, Direction::recvonly);
  EXPECT_EQ(r.audio.direction, Direction::recvonly);
  EXPECT_EQ(r.audio.remote_direction, Direction::sendonly);
  EXPECT_TRUE(r.audio.remote_hold);
  EXPECT_NE(format_session_description(r.answer).find("a=recvonly\r\n"), std::string::npos);
}

TEST(NegotiateAnswer, RecvonlyIsAnsweredSendonly) {
  const AnswerResult r = answer_ok(phone_offer("0\na=recvonly\n"));
  EXPECT_EQ(r.audio.direction, Direction::sendonly);
  EXPECT_FALSE(r.audio.remote_hold);
}

TEST(NegotiateAnswer, InactiveIsAnsweredInactive) {
  const AnswerResult r = answer_ok(phone_offer("0\na=inactive\n"));
  EXPECT_EQ(r.audio.direction, Direction::inactive);
  EXPECT_TRUE(r.audio.remote_hold);
}

TEST(NegotiateAnswer, SessionLevelDirectionApplies) {
  const AnswerResult r = answer_ok(
      "v=0\no=- 1 1 IN IP4 192.0.2.10\ns=-\nc=IN IP4 192.0.2.10\nt=0 0\na=sendonly\nm=audio 5000 "
      "RTP/AVP 0\n");
  EXPECT_EQ(r.audio.direction, Direction::recvonly);
}

TEST(NegotiateAnswer, Rfc2543HoldWithZeroAddress) {
  // RFC 3264 §8.4: c=0.0.0.0 means neither RTP nor RTCP is sent to the peer.
  const AnswerResult r = answer_ok(samples::kRfc2543Hold);
  EXPECT_EQ(r.audio.direction, Direction::recvonly);
  EXPECT_EQ(r.answer.media[0].direction, Direction::recvonly);
  EXPECT_EQ(r.audio.remote_direction, Direction::sendrecv);
  EXPECT_TRUE(r.audio.remote_hold);
  EXPECT_EQ(r.audio.remote_rtp, (MediaEndpoint{"0.0.0.0", 18976}));
}

TEST(NegotiateAnswer, ZeroAddressAndRecvonlyIsInactive) {
  EXPECT_EQ(answer_ok("v=0\no=- 1 1 IN IP4 0.0.0.0\ns=-\nc=IN IP4 0.0.0.0\nt=0 0\nm=audio 5000 "
                      "RTP/AVP 0\na=recvonly\n")
                .audio.direction,
            Direction::inactive);
}

TEST(NegotiateAnswer, WeHoldingTheLegLimitsTheAnswer) {
  LocalMedia local = local_v4();
  local.direction = Direction::sendonly;
  const AnswerResult r = answer_ok(samples::kYealinkOffer, {}, local);
  EXPECT_EQ(r.audio.direction, Direction::sendonly);
  local.direction = Direction::inactive;
  EXPECT_EQ(answer_ok(samples::kYealinkOffer, {}, local).audio.direction, Direction::inactive);
}

TEST(NegotiateAnswer, VideoDeclinedAudioAccepted) {
  const AnswerResult r = answer_ok(samples::kVideoAndAudio);  // video first, then audio 8 101 0 3
  ASSERT_EQ(r.answer.media.size(), 2u);
  const MediaDescription& video = r.answer.media[0];
  EXPECT_EQ(video.media, "video");
  EXPECT_EQ(video.port, 0);
  EXPECT_EQ(video.formats, (std::vector<std::string>{"99", "34"}));
  EXPECT_TRUE(video.rtpmaps.empty());
  EXPECT_EQ(r.answer.media[1].port, 40000);
  EXPECT_EQ(r.audio.media_index, 1u);
  EXPECT_EQ(r.audio.codec, AudioCodec::pcma);
  EXPECT_EQ(r.audio.remote_rtp, (MediaEndpoint{"192.168.1.50", 34010}));
  EXPECT_EQ(format_session_description(r.answer),
            "v=0\r\no=dzvin 42 1 IN IP4 198.51.100.1\r\ns=-\r\nc=IN IP4 198.51.100.1\r\nt=0 0\r\n"
            "m=video 0 RTP/AVP 99 34\r\na=inactive\r\n"
            "m=audio 40000 RTP/AVP 8 101\r\na=rtpmap:8 PCMA/8000\r\n"
            "a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\na=ptime:20\r\n"
            "a=sendrecv\r\n");
}

TEST(NegotiateAnswer, DisabledStreamAnsweredWithPortZero) {
  const AnswerResult r = answer_ok(
      "v=0\no=- 1 1 IN IP4 192.0.2.10\ns=-\nc=IN IP4 192.0.2.10\nt=0 0\nm=audio 0 RTP/AVP 0\n"
      "m=audio 6000 RTP/AVP 8\n");
  ASSERT_EQ(r.answer.media.size(), 2u);
  EXPECT_EQ(r.answer.media[0].port, 0);
  EXPECT_EQ(r.answer.media[1].port, 40000);
  EXPECT_EQ(r.audio.media_index, 1u);
  EXPECT_EQ(r.audio.codec, AudioCodec::pcma);
}

TEST(NegotiateAnswer, OnlyTheFirstUsableAudioStream) {
  const AnswerResult r = answer_ok(
      "v=0\no=- 1 1 IN IP4 192.0.2.10\ns=-\nc=IN IP4 192.0.2.10\nt=0 0\nm=audio 6000 RTP/AVP 18\n"
      "m=audio 6002 RTP/AVP 0\nm=audio 6004 RTP/AVP 8\n");
  ASSERT_EQ(r.answer.media.size(), 3u);
  EXPECT_EQ(r.answer.media[0].port, 0);
  EXPECT_EQ(r.answer.media[1].port, 40000);
  EXPECT_EQ(r.answer.media[2].port, 0);
  EXPECT_EQ(r.audio.remote_rtp.port, 6002);
}

TEST(NegotiateAnswer, AllStreamsDisabledIs488) {
  EXPECT_EQ(answer_error("v=0\no=- 1 1 IN IP4 10.1.1.5\ns=-\nc=IN IP4 10.1.1.5\nt=0 0\nm=audio 0 "
                         "RTP/AVP 0 8\nm=video 0 RTP/AVP 31\n"),
            "Not Acceptable Here: m=1 audio: port 0 (stream disabled); m=2 video: not supported");
}

TEST(NegotiateAnswer, NoMediaIs488) {
  EXPECT_EQ(answer_error("v=0\no=- 1 1 IN IP4 10.1.1.5\ns=-\nt=0 0\n"),
            "Not Acceptable Here: no media stream offered");
}

TEST(NegotiateAnswer, Ipv6Offer) {
  const AnswerResult r = answer_ok(samples::kIpv6Offer, {}, local_v6());
  EXPECT_EQ(r.audio.remote_rtp, (MediaEndpoint{"2001:db8::10", 20000}));
  EXPECT_EQ(r.answer.connection,
            (Connection{"IN", "IP6", "2001:db8::1", std::nullopt, std::nullopt}));
  EXPECT_EQ(r.answer.origin.addr_type, "IP6");
  EXPECT_NE(format_session_description(r.answer).find("c=IN IP6 2001:db8::1\r\n"),
            std::string::npos);
}

TEST(NegotiateAnswer, AddressFamilyMustMatchOurs) {
  // RFC 6157: the answer's c= has the offer's address type.
  EXPECT_EQ(answer_error(samples::kIpv6Offer),
            "Not Acceptable Here: m=1 audio: address type IP6 is not ours (IP4)");
  EXPECT_EQ(answer_error(samples::kYealinkOffer, {}, local_v6()),
            "Not Acceptable Here: m=1 audio: address type IP4 is not ours (IP6)");
}

TEST(NegotiateAnswer, RtcpAttribute) {
  const AnswerResult fs = answer_ok(samples::kFreeswitchOffer);
  EXPECT_EQ(fs.audio.remote_rtp, (MediaEndpoint{"198.51.100.7", 16384}));
  EXPECT_EQ(fs.audio.remote_rtcp, (MediaEndpoint{"198.51.100.8", 16390}));
  const AnswerResult linphone = answer_ok(samples::kLinphoneOffer);
  EXPECT_EQ(linphone.audio.remote_rtcp, (MediaEndpoint{"192.168.1.33", 7079}));
  // No RTCP port above 65535.
  EXPECT_EQ(answer_ok(phone_offer("0\n")).audio.remote_rtcp.port, 5001);
  const AnswerResult top = answer_ok(
      "v=0\no=- 1 1 IN IP4 192.0.2.10\ns=-\nc=IN IP4 192.0.2.10\nt=0 0\nm=audio 65535 RTP/AVP 0\n");
  EXPECT_EQ(top.audio.remote_rtcp.port, 0);
}

TEST(NegotiateAnswer, Ptime) {
  EXPECT_EQ(answer_ok(phone_offer("0\na=ptime:30\n")).audio.ptime_ms, 30u);
  EXPECT_EQ(answer_ok(phone_offer("0\n")).audio.ptime_ms, 20u);
  EXPECT_EQ(answer_ok(phone_offer("0\na=ptime:1\n")).audio.ptime_ms, 20u);
  EXPECT_EQ(answer_ok(phone_offer("0\na=ptime:100000\n")).audio.ptime_ms, 20u);
  AudioCapabilities caps;
  caps.ptime_ms = 30;
  EXPECT_EQ(answer_ok(phone_offer("0\n"), caps).answer.media[0].ptime_ms, 30u);
}

TEST(NegotiateAnswer, TimeLineIsTheOffers) {
  const AnswerResult r = answer_ok(
      "v=0\no=- 1 1 IN IP4 192.0.2.10\ns=-\nc=IN IP4 192.0.2.10\nt=3034423619 3042462419\n"
      "m=audio 5000 RTP/AVP 0\n");
  EXPECT_EQ(r.answer.timing, (Timing{3034423619u, 3042462419u}));
}

TEST(NegotiateAnswer, SrtpIsNotSupported) {
  EXPECT_EQ(answer_error(samples::kSrtpOffer),
            "Not Acceptable Here: m=1 audio: protocol RTP/SAVP is not supported (RTP/AVP only)");
}

TEST(NegotiateAnswer, T38IsDeclined) {
  EXPECT_EQ(answer_error(samples::kT38Offer), "Not Acceptable Here: m=1 image: not supported");
}

TEST(NegotiateAnswer, HostNamesAreRefused) {
  EXPECT_EQ(answer_error(samples::kRfc3264Offer1),
            "Not Acceptable Here: m=1 audio: connection address host.anywhere.com is not an IP "
            "literal; m=2 video: not supported; m=3 video: not supported");
}

TEST(NegotiateAnswer, MissingConnectionIsRefused) {
  EXPECT_EQ(answer_error("v=0\no=- 1 1 IN IP4 192.0.2.10\ns=-\nt=0 0\nm=audio 5000 RTP/AVP 0\n"),
            "Not Acceptable Here: m=1 audio: no c= line");
}

TEST(NegotiateAnswer, MulticastIsRefused) {
  EXPECT_EQ(answer_error("v=0\no=- 1 1 IN IP4 192.0.2.10\ns=-\nc=IN IP4 224.2.17.12/127\nt=0 0\n"
                         "m=audio 5000 RTP/AVP 0\n"),
            "Not Acceptable Here: m=1 audio: multicast is not supported");
  EXPECT_EQ(answer_error("v=0\no=- 1 1 IN IP4 192.0.2.10\ns=-\nc=IN IP4 239.1.1.1\nt=0 0\n"
                         "m=audio 5000 RTP/AVP 0\n"),
            "Not Acceptable Here: m=1 audio: multicast is not supported");
}

TEST(NegotiateAnswer, ErrorMessagesArePrintableAndBounded) {
  std::string offer = "v=0\no=- 1 1 IN IP4 192.0.2.10\ns=-\nc=IN IP4 192.0.2.10\nt=0 0\n";
  for (int k = 0; k < 16; ++k) {
    offer += "m=audio 5000 RTP/AVP 96\na=rtpmap:96 \x01\xff" + std::string(100, 'x') + "/8000\n";
  }
  const std::string message = answer_error(offer);
  EXPECT_LT(message.size(), 700u);
  for (char c : message)
    EXPECT_TRUE(c >= 0x20 && c < 0x7F) << message;
}

TEST(NegotiateAnswer, AnswerParsesBackToItself) {
  for (std::string_view offer : {samples::kYealinkOffer, samples::kVideoAndAudio,
                                 samples::kLinphoneOffer, samples::kRfc2543Hold}) {
    const AnswerResult r = answer_ok(offer);
    const auto back = parse_session_description(format_session_description(r.answer));
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_EQ(*back, r.answer);
  }
}

// ---- build_offer ----------------------------------------------------------------------------

TEST(BuildOffer, Default) {
  EXPECT_EQ(format_session_description(build_offer({}, local_v4())),
            "v=0\r\n"
            "o=dzvin 42 1 IN IP4 198.51.100.1\r\n"
            "s=-\r\n"
            "c=IN IP4 198.51.100.1\r\n"
            "t=0 0\r\n"
            "m=audio 40000 RTP/AVP 0 8 101\r\n"
            "a=rtpmap:0 PCMU/8000\r\n"
            "a=rtpmap:8 PCMA/8000\r\n"
            "a=rtpmap:101 telephone-event/8000\r\n"
            "a=fmtp:101 0-16\r\n"
            "a=ptime:20\r\n"
            "a=sendrecv\r\n");
}

TEST(BuildOffer, HoldOrderAndNoEvents) {
  AudioCapabilities caps;
  caps.codecs = {AudioCodec::pcma, AudioCodec::pcmu, AudioCodec::pcma};
  caps.telephone_event = false;
  const SessionDescription offer = build_offer(caps, local_v4(), Direction::sendonly);
  EXPECT_EQ(offer.media[0].formats, (std::vector<std::string>{"8", "0"}));
  EXPECT_EQ(offer.media[0].direction, Direction::sendonly);
  EXPECT_FALSE(offer.direction);
}

TEST(BuildOffer, Ipv6) {
  const std::string text = format_session_description(build_offer({}, local_v6()));
  EXPECT_NE(text.find("o=dzvin 42 1 IN IP6 2001:db8::1\r\n"), std::string::npos);
  EXPECT_NE(text.find("c=IN IP6 2001:db8::1\r\n"), std::string::npos);
}

TEST(BuildOffer, OurOwnAnswerToOurOfferIsAccepted) {
  // Two Dzvin legs talking to each other: the offer of one answered by the other.
  const SessionDescription offer = build_offer({}, local_v4());
  const auto answered = negotiate_answer(offer, {}, local_v4());
  ASSERT_TRUE(answered.ok()) << answered.error().message;
  const auto accepted = accept_answer(offer, answered->answer);
  ASSERT_TRUE(accepted.ok()) << accepted.error().message;
  EXPECT_EQ(accepted->codec, AudioCodec::pcmu);
  EXPECT_EQ(accepted->telephone_event_pt, 101);
}

// ---- accept_answer --------------------------------------------------------------------------

SessionDescription our_offer(Direction direction = Direction::sendrecv) {
  return build_offer({}, local_v4(), direction);
}

// An answer from a callee at 192.0.2.20:7000 with the given m= tail.
SessionDescription callee_answer(std::string_view formats_and_attributes,
                                 std::string_view connection = "c=IN IP4 192.0.2.20\n") {
  return parse_ok("v=0\no=callee 5 5 IN IP4 192.0.2.20\ns=-\n" + std::string(connection) +
                  "t=0 0\nm=audio 7000 RTP/AVP " + std::string(formats_and_attributes));
}

NegotiatedAudio accept_ok(const SessionDescription& answer,
                          const SessionDescription& offer = our_offer()) {
  auto r = accept_answer(offer, answer);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? std::move(r).value() : NegotiatedAudio{};
}

std::string accept_error(const SessionDescription& answer,
                         const SessionDescription& offer = our_offer()) {
  auto r = accept_answer(offer, answer);
  if (r.ok()) return "(accepted)";
  EXPECT_EQ(r.error().code, 488);
  return r.error().message;
}

TEST(AcceptAnswer, BaresipAnswer) {
  const NegotiatedAudio a = accept_ok(
      parse_ok("v=0\no=- 1966378946 2541093388 IN IP4 192.168.1.20\ns=-\nc=IN IP4 "
               "192.168.1.20\nt=0 0\nm=audio 10014 RTP/AVP 0 101\nb=AS:64\na=rtpmap:0 "
               "PCMU/8000\na=rtpmap:101 telephone-event/8000\na=fmtp:101 0-15\na=ptime:20\n"
               "a=sendrecv\n"));
  EXPECT_EQ(a.codec, AudioCodec::pcmu);
  EXPECT_EQ(a.payload_type, 0);
  EXPECT_EQ(a.telephone_event_pt, 101);
  EXPECT_EQ(a.remote_rtp, (MediaEndpoint{"192.168.1.20", 10014}));
  EXPECT_EQ(a.remote_rtcp, (MediaEndpoint{"192.168.1.20", 10015}));
  EXPECT_EQ(a.direction, Direction::sendrecv);
  EXPECT_EQ(a.media_index, 0u);
}

TEST(AcceptAnswer, AnswererPicksPcma) {
  const NegotiatedAudio a = accept_ok(callee_answer("8 0\n"));
  EXPECT_EQ(a.codec, AudioCodec::pcma);
  EXPECT_EQ(a.payload_type, 8);
  EXPECT_FALSE(a.telephone_event_pt);
}

TEST(AcceptAnswer, FormatsWeDidNotOfferAreSkipped) {
  const NegotiatedAudio a = accept_ok(callee_answer("18 13 8\na=rtpmap:18 G729/8000\n"));
  EXPECT_EQ(a.codec, AudioCodec::pcma);
}

TEST(AcceptAnswer, NoCodecWeOffered) {
  EXPECT_EQ(accept_error(callee_answer("18 101\na=rtpmap:101 telephone-event/8000\n")),
            "answer m=1: no codec we offered (answered G729/8000, telephone-event/8000)");
  AudioCapabilities caps;
  caps.codecs = {AudioCodec::pcma};
  EXPECT_EQ(accept_error(callee_answer("0\n"), build_offer(caps, local_v4())),
            "answer m=1: no codec we offered (answered PCMU/8000)");
}

TEST(AcceptAnswer, RejectedStream) {
  EXPECT_EQ(accept_error(parse_ok("v=0\no=- 1 1 IN IP4 192.0.2.20\ns=-\nc=IN IP4 192.0.2.20\nt=0 "
                                  "0\nm=audio 0 RTP/AVP 0\n")),
            "answer m=1: audio stream rejected (port 0)");
}

TEST(AcceptAnswer, NumberOfStreamsMustMatch) {
  EXPECT_EQ(accept_error(parse_ok("v=0\no=- 1 1 IN IP4 192.0.2.20\ns=-\nt=0 0\n")),
            "answer has 0 m= lines, the offer had 1");
  EXPECT_EQ(accept_error(callee_answer("0\nm=video 0 RTP/AVP 31\n")),
            "answer has 2 m= lines, the offer had 1");
}

TEST(AcceptAnswer, ProtocolAndMediaMustMatch) {
  EXPECT_EQ(accept_error(parse_ok("v=0\no=- 1 1 IN IP4 192.0.2.20\ns=-\nc=IN IP4 192.0.2.20\nt=0 "
                                  "0\nm=audio 7000 RTP/SAVP 0\n")),
            "answer m=1: protocol RTP/SAVP was not offered");
  EXPECT_EQ(accept_error(parse_ok("v=0\no=- 1 1 IN IP4 192.0.2.20\ns=-\nc=IN IP4 192.0.2.20\nt=0 "
                                  "0\nm=video 7000 RTP/AVP 0\n")),
            "answer m=1: video instead of audio");
}

TEST(AcceptAnswer, AddressMustBeAnIpOfOurFamily) {
  EXPECT_EQ(accept_error(callee_answer("0\n", "c=IN IP6 2001:db8::20\n")),
            "answer m=1: address type IP6 is not ours (IP4)");
  EXPECT_EQ(accept_error(callee_answer("0\n", "c=IN IP4 callee.example.com\n")),
            "answer m=1: connection address callee.example.com is not an IP literal");
  EXPECT_EQ(accept_error(callee_answer("0\n", "")), "answer m=1: no c= line");
}

TEST(AcceptAnswer, Directions) {
  EXPECT_EQ(accept_ok(callee_answer("0\na=recvonly\n")).direction, Direction::sendonly);
  EXPECT_EQ(accept_ok(callee_answer("0\na=sendonly\n")).direction, Direction::recvonly);
  EXPECT_EQ(accept_ok(callee_answer("0\na=inactive\n")).direction, Direction::inactive);
  // We hold the leg (offered sendonly), the callee answers recvonly.
  const NegotiatedAudio held =
      accept_ok(callee_answer("0\na=recvonly\n"), our_offer(Direction::sendonly));
  EXPECT_EQ(held.direction, Direction::sendonly);
  EXPECT_EQ(held.remote_direction, Direction::recvonly);
  EXPECT_FALSE(held.remote_hold);
  // An answerer that does not follow §6.1 gets the intersection.
  EXPECT_EQ(accept_ok(callee_answer("0\na=sendonly\n"), our_offer(Direction::sendonly)).direction,
            Direction::inactive);
}

TEST(AcceptAnswer, ZeroAddressMeansDoNotSend) {
  const NegotiatedAudio a = accept_ok(callee_answer("0\n", "c=IN IP4 0.0.0.0\n"));
  EXPECT_EQ(a.direction, Direction::recvonly);
  EXPECT_TRUE(a.remote_hold);
}

TEST(AcceptAnswer, TelephoneEventWithAnotherNumber) {
  const NegotiatedAudio a =
      accept_ok(callee_answer("0 96\na=rtpmap:96 telephone-event/8000\na=fmtp:96 0-15\n"));
  EXPECT_EQ(a.telephone_event_pt, 96);
}

TEST(AcceptAnswer, NoTelephoneEventWhenWeDidNotOfferIt) {
  AudioCapabilities caps;
  caps.telephone_event = false;
  const NegotiatedAudio a = accept_ok(callee_answer("0 101\na=rtpmap:101 telephone-event/8000\n"),
                                      build_offer(caps, local_v4()));
  EXPECT_FALSE(a.telephone_event_pt);
}

TEST(AcceptAnswer, RtcpAndPtime) {
  const NegotiatedAudio a =
      accept_ok(callee_answer("0\na=rtcp:7005 IN IP4 192.0.2.21\na=ptime:30\n"));
  EXPECT_EQ(a.remote_rtcp, (MediaEndpoint{"192.0.2.21", 7005}));
  EXPECT_EQ(a.ptime_ms, 30u);
}

TEST(AcceptAnswer, AudioAfterAVideoWeOffered) {
  SessionDescription offer = our_offer();
  MediaDescription video;
  video.media = "video";
  video.port = 0;
  video.formats = {"31"};
  offer.media.insert(offer.media.begin(), video);
  const SessionDescription answer = parse_ok(
      "v=0\no=- 1 1 IN IP4 192.0.2.20\ns=-\nc=IN IP4 192.0.2.20\nt=0 0\nm=video 0 RTP/AVP "
      "31\nm=audio 7000 RTP/AVP 8\n");
  const NegotiatedAudio a = accept_ok(answer, offer);
  EXPECT_EQ(a.media_index, 1u);
  EXPECT_EQ(a.codec, AudioCodec::pcma);
}

// ---- is_hold --------------------------------------------------------------------------------

TEST(IsHold, DirectionsAndZeroAddresses) {
  auto hold = [](std::string_view text) {
    const SessionDescription d = parse_ok(text);
    return is_hold(d.media[0], d);
  };
  EXPECT_TRUE(hold(samples::kYealinkHold));
  EXPECT_TRUE(hold(samples::kRfc2543Hold));
  EXPECT_TRUE(hold(samples::kRfc3264InactiveOffer));
  EXPECT_FALSE(hold(samples::kYealinkOffer));
  EXPECT_FALSE(hold(phone_offer("0\na=recvonly\n")));
  EXPECT_TRUE(hold("v=0\no=- 1 1 IN IP6 ::1\ns=-\nc=IN IP6 ::\nt=0 0\nm=audio 1 RTP/AVP 0\n"));
  // The media-level c= is what counts.
  EXPECT_FALSE(
      hold("v=0\no=- 1 1 IN IP4 0.0.0.0\ns=-\nc=IN IP4 0.0.0.0\nt=0 0\nm=audio 1 RTP/AVP "
           "0\nc=IN IP4 192.0.2.1\n"));
}

// ---- SessionVersion -------------------------------------------------------------------------

TEST(SessionVersion, BumpsOnlyWhenTheDescriptionChanges) {
  SessionVersion v{1000, 1000};
  SessionDescription first = build_offer({}, local_v4());
  v.stamp(first, first);  // unchanged against itself
  EXPECT_EQ(v.version, 1000u);
  EXPECT_EQ(first.origin.session_id, 1000u);
  EXPECT_EQ(first.origin.session_version, 1000u);

  SessionDescription refresh = build_offer({}, local_v4());
  v.stamp(refresh, first);  // a session refresh: same content, same version
  EXPECT_EQ(refresh.origin.session_version, 1000u);

  SessionDescription hold = build_offer({}, local_v4(), Direction::sendonly);
  v.stamp(hold, refresh);  // RFC 3264 §8: changed, version + 1
  EXPECT_EQ(hold.origin.session_version, 1001u);
  EXPECT_EQ(hold.origin.session_id, 1000u);

  LocalMedia local = local_v4();
  v.bump();
  v.apply(local);
  EXPECT_EQ(local.session_id, 1000u);
  EXPECT_EQ(local.session_version, 1002u);
  EXPECT_EQ(negotiate_answer(parse_ok(samples::kYealinkOffer), {}, local)->answer.origin,
            (Origin{"dzvin", 1000, 1002, "IN", "IP4", "198.51.100.1"}));
}

TEST(AudioCodecNames, NamesAndStaticTypes) {
  EXPECT_EQ(to_string(AudioCodec::pcmu), "PCMU");
  EXPECT_EQ(to_string(AudioCodec::pcma), "PCMA");
  EXPECT_EQ(static_payload_type(AudioCodec::pcmu), 0);
  EXPECT_EQ(static_payload_type(AudioCodec::pcma), 8);
}

}  // namespace
}  // namespace dzvin::sdp
