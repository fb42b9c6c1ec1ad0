// libFuzzer target: parse_session_description on any bytes. A description that parses writes
// out as text that parses back to an equal description, and writing that again gives the same
// text (round trip). Each parsed description is also answered (negotiate_answer, IPv4 and IPv6
// legs; the answer must parse back to itself and match the offer stream for stream), taken as
// the answer to our own offer (accept_answer), and checked for hold. Errors must carry their
// code (400 parse, 488 negotiation) and a printable message.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <string>
#include <string_view>

#include "base/ip_endpoint.hpp"
#include "sdp/offer_answer.hpp"
#include "sdp/session_description.hpp"

namespace {

[[noreturn]] void fail(const char* what, std::string_view text) {
  std::fprintf(stderr, "invariant broken: %s:\n%.*s\n", what, static_cast<int>(text.size()),
               text.data());
  std::abort();
}

void check_error(const dzvin::Error& error, int code, std::string_view text) {
  if (error.code != code) fail("unexpected error code", text);
  if (error.message.empty()) fail("empty error message", text);
  for (char c : error.message) {
    if (c < 0x20 || c > 0x7E) fail("error message not printable ASCII", error.message);
  }
}

// What negotiation returns must be usable as it is by the media engine.
void check_negotiated(const dzvin::sdp::NegotiatedAudio& audio, std::string_view text) {
  if (!dzvin::IpAddress::parse(audio.remote_rtp.address)) fail("remote RTP not an IP", text);
  if (!dzvin::IpAddress::parse(audio.remote_rtcp.address)) fail("remote RTCP not an IP", text);
  if (audio.payload_type > 127) fail("payload type above 127", text);
  if (audio.telephone_event_pt && *audio.telephone_event_pt > 127) fail("event PT above 127", text);
  if (audio.ptime_ms < 10 || audio.ptime_ms > 120) fail("ptime out of range", text);
}

dzvin::sdp::LocalMedia local(bool v6) {
  dzvin::sdp::LocalMedia m;
  m.username = "dzvin";
  m.session_id = 1;
  m.session_version = 2;
  m.addr_type = v6 ? "IP6" : "IP4";
  m.address = v6 ? "2001:db8::1" : "198.51.100.1";
  m.rtp_port = 40000;
  return m;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace dzvin::sdp;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto parsed = parse_session_description(text);
  if (!parsed) {
    check_error(parsed.error(), 400, text);
    return 0;
  }

  // Round trip. CRLF line ends and explicit a=<direction> lines can make the text longer than
  // the input, so the second parse is given room.
  const std::string written = format_session_description(*parsed);
  SdpLimits roomy;
  roomy.max_bytes = std::numeric_limits<std::size_t>::max();
  const auto again = parse_session_description(written, roomy);
  if (!again) fail(again.error().message.c_str(), written);
  if (!(*again == *parsed)) fail("values changed in the round trip", written);
  if (format_session_description(*again) != written) fail("written text not stable", written);

  for (const MediaDescription& m : parsed->media)
    (void)is_hold(m, *parsed);

  const AudioCapabilities caps;
  for (bool v6 : {false, true}) {
    const auto answered = negotiate_answer(*parsed, caps, local(v6));
    if (!answered) {
      check_error(answered.error(), 488, text);
      continue;
    }
    check_negotiated(answered->audio, text);
    const SessionDescription& answer = answered->answer;
    if (answer.media.size() != parsed->media.size()) fail("answer has other m= count", text);
    if (answer.media[answered->audio.media_index].port != 40000) fail("wrong stream taken", text);
    const std::string answer_text = format_session_description(answer);
    const auto answer_back = parse_session_description(answer_text, roomy);
    if (!answer_back) fail(answer_back.error().message.c_str(), answer_text);
    if (!(*answer_back == answer)) fail("answer changed in the round trip", answer_text);
    // The fuzzed description as if it were our offer, with our answer to it.
    const auto accepted = accept_answer(*parsed, answer);
    if (accepted) check_negotiated(*accepted, answer_text);
  }

  // The fuzzed description as a callee's answer to our offer.
  const auto accepted = accept_answer(build_offer(caps, local(false)), *parsed);
  if (accepted) {
    check_negotiated(*accepted, text);
  } else {
    check_error(accepted.error(), 488, text);
  }
  return 0;
}
