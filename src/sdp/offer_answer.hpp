#pragma once
// RFC 3264 offer/answer for the audio of a call through a B2BUA that anchors media: each leg
// negotiates on its own with our media address, so what we accept is what our media engine
// does: G.711 µ-law (PCMU, PT 0) and A-law (PCMA, PT 8) at 8000 Hz, plus RFC 4733
// telephone-event for DTMF. One audio stream per call; other streams are declined (port 0).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "sdp/session_description.hpp"

namespace dzvin::sdp {

enum class AudioCodec : std::uint8_t { pcmu, pcma };

// "PCMU" / "PCMA" (the RTP encoding names of RFC 3551 §6).
std::string_view to_string(AudioCodec codec);
// RFC 3551 §6: PCMU is payload type 0, PCMA 8.
std::uint8_t static_payload_type(AudioCodec codec);

// What we accept and offer.
struct AudioCapabilities {
  // Codecs we accept. In offers they are listed in this order; in answers the offerer's order
  // decides (RFC 3264 §6.1), this list only filters.
  std::vector<AudioCodec> codecs{AudioCodec::pcmu, AudioCodec::pcma};
  bool telephone_event = true;
  std::uint8_t telephone_event_pt = 101;  // in our offers; a dynamic type, 96..127
  // Events we handle: 0-15 are DTMF 0-9, *, #, A-D (RFC 4733 §3.2), 16 is flash-hook (RFC 2833,
  // now RFC 5244), which Asterisk and most phones list too.
  std::string telephone_events = "0-16";
  std::uint32_t ptime_ms = 20;  // a=ptime we ask for: the packet time we want to receive
  // Answer with the one chosen codec (plus telephone-event) rather than every common one, so
  // the offerer cannot switch codecs mid-stream (RFC 3264 §6.1 lets it use any it was given)
  // and the media engine knows what arrives.
  bool answer_single_codec = true;
};

// Our side of one leg: what goes into o=, c= and m= of what we send.
struct LocalMedia {
  std::string username = "-";
  std::uint64_t session_id = 0;
  std::uint64_t session_version = 0;
  std::string addr_type = "IP4";  // "IP4" or "IP6", the family of `address`
  std::string address;            // the media engine's address on this leg
  std::uint16_t rtp_port = 0;     // RTCP on rtp_port + 1 (RFC 3550 §11)
  // What we are willing to do in answers: sendonly while we hold this leg, else sendrecv. The
  // answer's direction is this intersected with the reverse of the offer's.
  Direction direction = Direction::sendrecv;
};

struct MediaEndpoint {
  std::string address;  // an IP literal of the negotiated family ("0.0.0.0": do not send)
  std::uint16_t port = 0;
  bool operator==(const MediaEndpoint&) const = default;
};

// What the media engine needs for one leg.
struct NegotiatedAudio {
  AudioCodec codec = AudioCodec::pcmu;
  std::uint8_t payload_type = 0;                   // for the packets we send
  std::optional<std::uint8_t> telephone_event_pt;  // RFC 4733 events, when both sides do them
  std::uint32_t ptime_ms = 20;  // packet time the peer asked for (a=ptime), else 20
  MediaEndpoint remote_rtp;
  MediaEndpoint remote_rtcp;  // a=rtcp (RFC 3605), else RTP port + 1; port 0: none
  // Ours on this leg: sends() -> send RTP to remote_rtp; receives() -> expect RTP from it.
  // c=0.0.0.0 (RFC 2543 hold) already taken into account: we never send to it.
  Direction direction = Direction::sendrecv;
  Direction remote_direction = Direction::sendrecv;  // as the peer wrote it
  bool remote_hold = false;                          // is_hold() of the peer's stream
  std::size_t media_index = 0;                       // the m= line, counted from 0
  bool operator==(const NegotiatedAudio&) const = default;
};

struct AnswerResult {
  SessionDescription answer;
  NegotiatedAudio audio;
};

// Answers an offer received on a leg (RFC 3264 §6): one m= line per offered one, in the same
// order; the first usable audio stream (RTP/AVP, a unicast IP address of local.addr_type, a
// common codec) is accepted with the offerer's payload type numbers, its preferred common
// codec, telephone-event when offered and the reversed direction; every other stream is
// declined with port 0. The t= line is the offer's. No usable audio stream: error 488 whose
// message says, per stream, what was offered and why it was not taken.
Result<AnswerResult> negotiate_answer(const SessionDescription& offer,
                                      const AudioCapabilities& capabilities,
                                      const LocalMedia& local);

// An offer for a call we place (or a re-offer): one audio m= line with our codecs in order,
// telephone-event with its fmtp, a=ptime and `direction` (sendonly to hold the leg).
SessionDescription build_offer(const AudioCapabilities& capabilities, const LocalMedia& local,
                               Direction direction = Direction::sendrecv);

// Takes the answer to `our_offer` (RFC 3264 §7): the stream answering our audio m= line must
// be accepted (port != 0), of our protocol and address family; the codec is the first of its
// formats that we offered (formats we did not offer are ignored); the direction combines both.
// Error 488 (the call cannot go on: the SIP layer ACKs and sends BYE) otherwise.
Result<NegotiatedAudio> accept_answer(const SessionDescription& our_offer,
                                      const SessionDescription& answer);

// Whether the peer has put this stream on hold: a=sendonly or a=inactive, or the RFC 2543 form
// c=0.0.0.0 (RFC 3264 §8.4; "::" counts too).
bool is_hold(const MediaDescription& media, const SessionDescription& session);

// The o= numbers of our side of a session. RFC 3264 §8: every description we send in the
// session keeps the session id, and a description that changes anything carries the version
// plus one (an identical one, as in a session refresh, may repeat it).
struct SessionVersion {
  std::uint64_t session_id = 0;
  std::uint64_t version = 0;

  void bump() { ++version; }
  // Bumps the version when `next` differs from `previous` other than in o=, then writes the id
  // and version into next's o=.
  void stamp(SessionDescription& next, const SessionDescription& previous);
  // Writes the id and version into `local` (for negotiate_answer / build_offer).
  void apply(LocalMedia& local) const {
    local.session_id = session_id;
    local.session_version = version;
  }
};

}  // namespace dzvin::sdp
