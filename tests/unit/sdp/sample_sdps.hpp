#pragma once
// SDP bodies for the tests: the examples of RFC 4566 §5 and RFC 3264 §9-§10 as the RFCs print
// them, and bodies in the shape real phones and PBXs send (addresses from the documentation
// ranges). Written with LF; crlf() gives the wire form.
#include <string>
#include <string_view>

namespace dzvin::sdp::samples {

inline std::string crlf(std::string_view lf_text) {
  std::string out;
  for (char c : lf_text) {
    if (c == '\n') out += '\r';
    out += c;
  }
  return out;
}

// RFC 4566 §5.
inline constexpr std::string_view kRfc4566 = R"(v=0
o=jdoe 2890844526 2890842807 IN IP4 10.47.16.5
s=SDP Seminar
i=A Seminar on the session description protocol
u=http://www.example.com/seminars/sdp.pdf
e=j.doe@example.com (Jane Doe)
c=IN IP4 224.2.17.12/127
t=2873397496 2873404696
a=recvonly
m=audio 49170 RTP/AVP 0
m=video 51372 RTP/AVP 99
a=rtpmap:99 h263-1998/90000
)";

// RFC 3264 §9, Figure 1 (note t= before c=).
inline constexpr std::string_view kRfc3264Capabilities = R"(v=0
o=carol 28908764872 28908764872 IN IP4 100.3.6.6
s=-
t=0 0
c=IN IP4 192.0.2.4
m=audio 0 RTP/AVP 0 1 3
a=rtpmap:0 PCMU/8000
a=rtpmap:1 1016/8000
a=rtpmap:3 GSM/8000
m=video 0 RTP/AVP 31 34
a=rtpmap:31 H261/90000
a=rtpmap:34 H263/90000
)";

// RFC 3264 §10.1: Alice's offer, Bob's answer, Bob's second offer, Alice's answer.
inline constexpr std::string_view kRfc3264Offer1 = R"(v=0
o=alice 2890844526 2890844526 IN IP4 host.anywhere.com
s=
c=IN IP4 host.anywhere.com
t=0 0
m=audio 49170 RTP/AVP 0
a=rtpmap:0 PCMU/8000
m=video 51372 RTP/AVP 31
a=rtpmap:31 H261/90000
m=video 53000 RTP/AVP 32
a=rtpmap:32 MPV/90000
)";

inline constexpr std::string_view kRfc3264Answer1 = R"(v=0
o=bob 2890844730 2890844730 IN IP4 host.example.com
s=
c=IN IP4 host.example.com
t=0 0
m=audio 49920 RTP/AVP 0
a=rtpmap:0 PCMU/8000
m=video 0 RTP/AVP 31
m=video 53000 RTP/AVP 32
a=rtpmap:32 MPV/90000
)";

inline constexpr std::string_view kRfc3264Offer2 = R"(v=0
o=bob 2890844730 2890844731 IN IP4 host.example.com
s=
c=IN IP4 host.example.com
t=0 0
m=audio 65422 RTP/AVP 0
a=rtpmap:0 PCMU/8000
m=video 0 RTP/AVP 31
m=video 53000 RTP/AVP 32
a=rtpmap:32 MPV/90000
m=audio 51434 RTP/AVP 110
a=rtpmap:110 telephone-events/8000
a=recvonly
)";

inline constexpr std::string_view kRfc3264Answer2 = R"(v=0
o=alice 2890844526 2890844527 IN IP4 host.anywhere.com
s=
c=IN IP4 host.anywhere.com
t=0 0
m=audio 49170 RTP/AVP 0
a=rtpmap:0 PCMU/8000
m=video 0 RTP/AVP 31
a=rtpmap:31 H261/90000
m=video 53000 RTP/AVP 32
a=rtpmap:32 MPV/90000
m=audio 53122 RTP/AVP 110
a=rtpmap:110 telephone-events/8000
a=sendonly
)";

// RFC 3264 §10.2: one of N codec selection, first offer inactive.
inline constexpr std::string_view kRfc3264InactiveOffer = R"(v=0
o=alice 2890844526 2890844526 IN IP4 host.anywhere.com
s=
c=IN IP4 host.anywhere.com
t=0 0
m=audio 62986 RTP/AVP 0 4 18
a=rtpmap:0 PCMU/8000
a=rtpmap:4 G723/8000
a=rtpmap:18 G729/8000
a=inactive
)";

// baresip (libre) offer: opus first, G.711 after, rtcp-mux offered.
inline constexpr std::string_view kBaresipOffer = R"(v=0
o=- 1966378946 2541093387 IN IP4 192.168.1.20
s=-
c=IN IP4 192.168.1.20
t=0 0
a=tool:baresip 3.10.1
m=audio 10014 RTP/AVP 96 9 0 8 101
b=AS:96
a=rtpmap:96 opus/48000/2
a=fmtp:96 stereo=1;sprop-stereo=1
a=rtpmap:9 G722/8000
a=rtpmap:0 PCMU/8000
a=rtpmap:8 PCMA/8000
a=rtpmap:101 telephone-event/8000
a=fmtp:101 0-15
a=rtcp-rsize
a=rtcp-mux
a=ptime:20
a=sendrecv
a=label:1
)";

// Linphone offer: telephone-event at three clock rates, a=rtcp, rtcp-xr at session level.
inline constexpr std::string_view kLinphoneOffer = R"(v=0
o=alice 3178 2114 IN IP4 192.168.1.33
s=Talk
c=IN IP4 192.168.1.33
t=0 0
a=rtcp-xr:rcvr-rtt=all:10000 stat-summary=loss,dup,jitt,TTL voip-metrics
a=record:off
m=audio 7078 RTP/AVP 96 97 98 0 8 18 101 99 100
a=rtpmap:96 opus/48000/2
a=fmtp:96 useinbandfec=1
a=rtpmap:97 speex/16000
a=fmtp:97 vbr=on
a=rtpmap:98 speex/8000
a=fmtp:98 vbr=on
a=fmtp:18 annexb=yes
a=rtpmap:101 telephone-event/48000
a=rtpmap:99 telephone-event/16000
a=rtpmap:100 telephone-event/8000
a=rtcp:7079
a=rtcp-fb:* trr-int 1000
a=rtcp-fb:* ccm tmmbr
)";

// Yealink T4x offer.
inline constexpr std::string_view kYealinkOffer = R"(v=0
o=- 20010 20010 IN IP4 10.0.0.105
s=SDP data
c=IN IP4 10.0.0.105
t=0 0
m=audio 11800 RTP/AVP 0 8 18 9 101
a=rtpmap:0 PCMU/8000
a=rtpmap:8 PCMA/8000
a=rtpmap:18 G729/8000
a=fmtp:18 annexb=no
a=rtpmap:9 G722/8000
a=fmtp:101 0-15
a=rtpmap:101 telephone-event/8000
a=ptime:20
a=sendrecv
)";

// Yealink putting the call on hold: re-INVITE with the version bumped and a=sendonly.
inline constexpr std::string_view kYealinkHold = R"(v=0
o=- 20010 20011 IN IP4 10.0.0.105
s=SDP data
c=IN IP4 10.0.0.105
t=0 0
m=audio 11800 RTP/AVP 0 101
a=rtpmap:0 PCMU/8000
a=rtpmap:101 telephone-event/8000
a=fmtp:101 0-15
a=ptime:20
a=sendonly
)";

// Asterisk (chan_pjsip) offer from a trunk that prefers A-law.
inline constexpr std::string_view kAsteriskOffer = R"(v=0
o=- 1234567890 1234567892 IN IP4 203.0.113.10
s=Asterisk
c=IN IP4 203.0.113.10
t=0 0
m=audio 17234 RTP/AVP 8 0 3 101
a=rtpmap:8 PCMA/8000
a=rtpmap:0 PCMU/8000
a=rtpmap:3 GSM/8000
a=rtpmap:101 telephone-event/8000
a=fmtp:101 0-16
a=ptime:20
a=maxptime:150
a=sendrecv
)";

// A gateway holding the old way (RFC 2543): c=0.0.0.0, no direction attribute.
inline constexpr std::string_view kRfc2543Hold = R"(v=0
o=CiscoSystemsSIP-GW-UserAgent 4613 1772 IN IP4 0.0.0.0
s=SIP Call
c=IN IP4 0.0.0.0
t=0 0
m=audio 18976 RTP/AVP 0 101
c=IN IP4 0.0.0.0
a=rtpmap:0 PCMU/8000
a=rtpmap:101 telephone-event/8000
a=fmtp:101 0-16
)";

// A softphone with video first and audio second; static types without rtpmap.
inline constexpr std::string_view kVideoAndAudio = R"(v=0
o=zoiper 0 1 IN IP4 192.168.1.50
s=Z
c=IN IP4 192.168.1.50
t=0 0
m=video 34012 RTP/AVP 99 34
b=AS:4096
a=rtpmap:99 H264/90000
a=fmtp:99 profile-level-id=42801F; packetization-mode=1
a=rtpmap:34 H263/90000
a=sendrecv
m=audio 34010 RTP/AVP 8 101 0 3
a=rtpmap:101 telephone-event/8000
a=fmtp:101 0-16
a=sendrecv
)";

// baresip on IPv6.
inline constexpr std::string_view kIpv6Offer = R"(v=0
o=- 3 4 IN IP6 2001:db8::10
s=-
c=IN IP6 2001:db8::10
t=0 0
m=audio 20000 RTP/AVP 0 8 101
a=rtpmap:0 PCMU/8000
a=rtpmap:8 PCMA/8000
a=rtpmap:101 telephone-event/8000
a=fmtp:101 0-15
a=sendrecv
)";

// FreeSWITCH offer with a=rtcp carrying an address (RFC 3605).
inline constexpr std::string_view kFreeswitchOffer = R"(v=0
o=FreeSWITCH 1700000000 1700000001 IN IP4 198.51.100.7
s=FreeSWITCH
c=IN IP4 198.51.100.7
t=0 0
m=audio 16384 RTP/AVP 9 0 8 101 13
a=rtpmap:9 G722/8000
a=rtpmap:0 PCMU/8000
a=rtpmap:8 PCMA/8000
a=rtpmap:101 telephone-event/8000
a=fmtp:101 0-16
a=rtpmap:13 CN/8000
a=ptime:20
a=sendrecv
a=rtcp:16390 IN IP4 198.51.100.8
)";

// Grandstream GXP offer: many codecs, G.711 first.
inline constexpr std::string_view kGrandstreamOffer = R"(v=0
o=1001 8000 8000 IN IP4 192.168.0.110
s=SIP Call
c=IN IP4 192.168.0.110
t=0 0
m=audio 5004 RTP/AVP 0 8 4 18 9 97 2 123 101
a=rtpmap:0 PCMU/8000
a=rtpmap:8 PCMA/8000
a=rtpmap:4 G723/8000
a=rtpmap:18 G729/8000
a=fmtp:18 annexb=no
a=rtpmap:9 G722/8000
a=rtpmap:97 iLBC/8000
a=fmtp:97 mode=20
a=rtpmap:2 G726-32/8000
a=rtpmap:123 opus/48000/2
a=fmtp:123 maxplaybackrate=16000; sprop-maxcapturerate=16000; maxaveragebitrate=12000; useinbandfec=1
a=rtpmap:101 telephone-event/8000
a=fmtp:101 0-15
a=ptime:20
a=sendrecv
)";

// An SRTP (SDES) offer, which this version does not accept.
inline constexpr std::string_view kSrtpOffer = R"(v=0
o=- 9 9 IN IP4 192.0.2.77
s=-
c=IN IP4 192.0.2.77
t=0 0
m=audio 51000 RTP/SAVP 0 8 101
a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz|2^20|1:4
a=rtpmap:0 PCMU/8000
a=rtpmap:8 PCMA/8000
a=rtpmap:101 telephone-event/8000
a=fmtp:101 0-15
a=sendrecv
)";

// A fax re-INVITE: T.38 over UDPTL (formats are not payload types).
inline constexpr std::string_view kT38Offer = R"(v=0
o=- 5 6 IN IP4 192.0.2.90
s=-
c=IN IP4 192.0.2.90
t=0 0
m=image 4000 udptl t38
a=T38FaxVersion:0
a=T38MaxBitRate:14400
a=T38FaxRateManagement:transferredTCF
a=T38FaxUdpEC:t38UDPRedundancy
)";

}  // namespace dzvin::sdp::samples
