#include "sdp/offer_answer.hpp"

#include <algorithm>
#include <array>
#include <bitset>
#include <charconv>
#include <utility>

#include "base/ip_endpoint.hpp"

namespace dzvin::sdp {
namespace {

// RFC 3261 §21.4.26: the offer is understood but cannot be accepted.
constexpr int kNotAcceptableHere = 488;
constexpr std::string_view kProtocol = "RTP/AVP";
constexpr std::uint32_t kAudioClock = 8000;
// RFC 3551 §4.5: G.711 packets carry 20 ms unless a=ptime says otherwise. Values outside this
// range are not something a phone asks for; we keep the default rather than send 1 ms packets.
constexpr std::uint32_t kDefaultPtimeMs = 20;
constexpr std::uint32_t kMinPtimeMs = 10;
constexpr std::uint32_t kMaxPtimeMs = 120;

// Input echoed in an error message: printable ASCII only (the message may become a SIP reason
// phrase), and short.
std::string printable(std::string_view s, std::size_t max = 32) {
  std::string out;
  for (char c : s.substr(0, max))
    out.push_back(c >= 0x20 && c < 0x7F ? c : '?');
  if (s.size() > max) out += "...";
  return out;
}

// What one format of an RTP m= line is, from its rtpmap or else the static assignments of
// RFC 3551 §6 (an rtpmap for a static type is optional, RFC 3264 §5.1).
struct FormatInfo {
  std::uint8_t pt = 0;
  std::string encoding;  // "" when unknown
  std::uint32_t clock_rate = 0;
  std::uint32_t channels = 1;
};

FormatInfo describe_format(const MediaDescription& m, std::uint8_t pt) {
  FormatInfo f;
  f.pt = pt;
  if (const auto it = m.rtpmaps.find(pt); it != m.rtpmaps.end()) {
    f.encoding = it->second.encoding;
    f.clock_rate = it->second.clock_rate;
    f.channels = it->second.channels.value_or(1);
    return f;
  }
  struct Static {
    std::uint8_t pt;
    std::string_view name;
    std::uint32_t clock;
  };
  // The audio types of RFC 3551 §6 that phones still send without an rtpmap.
  static constexpr std::array<Static, 10> kStatic{{{0, "PCMU", 8000},
                                                   {3, "GSM", 8000},
                                                   {4, "G723", 8000},
                                                   {5, "DVI4", 8000},
                                                   {6, "DVI4", 16000},
                                                   {8, "PCMA", 8000},
                                                   {9, "G722", 8000},
                                                   {13, "CN", 8000},
                                                   {15, "G728", 8000},
                                                   {18, "G729", 8000}}};
  for (const Static& s : kStatic) {
    if (s.pt == pt) {
      f.encoding = std::string(s.name);
      f.clock_rate = s.clock;
    }
  }
  return f;
}

std::optional<AudioCodec> codec_of(const FormatInfo& f) {
  if (f.clock_rate != kAudioClock || f.channels != 1) return std::nullopt;
  if (same_encoding(f.encoding, "PCMU")) return AudioCodec::pcmu;
  if (same_encoding(f.encoding, "PCMA")) return AudioCodec::pcma;
  return std::nullopt;
}

// RFC 4733: telephone-event runs at the clock rate of the audio it goes with, 8000 for G.711.
bool is_telephone_event(const FormatInfo& f) {
  return f.clock_rate == kAudioClock && same_encoding(f.encoding, "telephone-event");
}

std::string format_name(const FormatInfo& f) {
  if (f.encoding.empty()) return "PT " + std::to_string(unsigned{f.pt});
  std::string s = printable(f.encoding) + "/" + std::to_string(f.clock_rate);
  if (f.channels != 1) s += "/" + std::to_string(f.channels);
  return s;
}

// The "events" parameter of audio/telephone-event (RFC 4733 §7.1.1), "0-15,66,70"; omitted, it
// means 0-15. Spaces around elements are tolerated. nullopt when it does not parse.
using EventSet = std::bitset<256>;

std::optional<EventSet> parse_events(std::string_view list) {
  EventSet set;
  while (!list.empty()) {
    const std::size_t comma = list.find(',');
    std::string_view item = list.substr(0, comma);
    list.remove_prefix(comma == std::string_view::npos ? list.size() : comma + 1);
    while (!item.empty() && item.front() == ' ')
      item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ')
      item.remove_suffix(1);
    const std::size_t dash = item.find('-');
    const std::string_view first = item.substr(0, dash);
    const std::string_view last = dash == std::string_view::npos ? first : item.substr(dash + 1);
    unsigned a = 0, b = 0;
    const auto ra = std::from_chars(first.data(), first.data() + first.size(), a);
    const auto rb = std::from_chars(last.data(), last.data() + last.size(), b);
    if (first.empty() || last.empty() || ra.ec != std::errc{} ||
        ra.ptr != first.data() + first.size() || rb.ec != std::errc{} ||
        rb.ptr != last.data() + last.size() || a > b || b > 255) {
      return std::nullopt;
    }
    for (unsigned e = a; e <= b; ++e)
      set.set(e);
  }
  return set;
}

std::string format_events(const EventSet& set) {
  std::string out;
  for (std::size_t e = 0; e < set.size();) {
    if (!set.test(e)) {
      ++e;
      continue;
    }
    std::size_t end = e;
    while (end + 1 < set.size() && set.test(end + 1))
      ++end;
    if (!out.empty()) out += ',';
    out += std::to_string(e);
    if (end > e) out += "-" + std::to_string(end);
    e = end + 1;
  }
  return out;
}

EventSet default_events() {
  EventSet set;
  for (std::size_t e = 0; e <= 15; ++e)
    set.set(e);
  return set;
}

// An IP literal of the family named by addr_type ("IP4" / "IP6"), as SDP writes it (no
// brackets). Domain names are refused: the media engine sends to addresses, and resolving a
// name here would block the signalling loop.
std::optional<IpAddress> ip_literal(std::string_view address, std::string_view addr_type) {
  if (address.empty() || address.front() == '[') return std::nullopt;
  auto ip = IpAddress::parse(address);
  if (!ip) return std::nullopt;
  if (ip->v6 != (addr_type == "IP6")) return std::nullopt;
  return *ip;
}

bool is_unspecified(const Connection& c) {
  const auto ip = IpAddress::parse(c.address);
  return ip && ip->is_unspecified();
}

std::uint32_t usable_ptime(const MediaDescription& m) {
  if (m.ptime_ms && *m.ptime_ms >= kMinPtimeMs && *m.ptime_ms <= kMaxPtimeMs) return *m.ptime_ms;
  return kDefaultPtimeMs;
}

// The peer's transport for a stream it accepted or offered: the address of its c= (which must
// be a unicast IP literal of `addr_type`), RTP on the m= port, RTCP per RFC 3605 or port + 1.
struct RemoteTransport {
  MediaEndpoint rtp;
  MediaEndpoint rtcp;
  bool unspecified = false;  // c=0.0.0.0: RFC 3264 §8.4, send neither RTP nor RTCP there
};

// Why a stream cannot carry our audio, or nullopt when its transport is usable.
std::optional<std::string> check_transport(const MediaDescription& m,
                                           const SessionDescription& session,
                                           std::string_view addr_type, RemoteTransport& out) {
  if (m.protocol != kProtocol) {
    return "protocol " + printable(m.protocol) + " is not supported (RTP/AVP only)";
  }
  const Connection* c = effective_connection(m, session);
  if (!c) return std::string("no c= line");
  if (c->net_type != "IN") return "network type " + printable(c->net_type) + " is not IN";
  // RFC 6157 (updating RFC 3264 §6): the answer's c= has the address type of the offer's, and we
  // have one address per leg.
  if (c->addr_type != addr_type) {
    return "address type " + printable(c->addr_type) + " is not ours (" + std::string(addr_type) +
           ")";
  }
  const auto ip = ip_literal(c->address, addr_type);
  if (!ip) return "connection address " + printable(c->address) + " is not an IP literal";
  if (c->ttl || c->address_count ||
      (ip->v6 ? ip->bytes[0] == 0xFF : (ip->bytes[0] & 0xF0) == 0xE0)) {
    return std::string("multicast is not supported");
  }
  out.unspecified = ip->is_unspecified();
  out.rtp = MediaEndpoint{c->address, m.port};
  if (m.rtcp) {
    std::string address = c->address;
    if (m.rtcp->connection && ip_literal(m.rtcp->connection->address, addr_type)) {
      address = m.rtcp->connection->address;
    }
    out.rtcp = MediaEndpoint{std::move(address), m.rtcp->port};
  } else {
    // RFC 3550 §11 / RFC 4566 §5.14: RTCP on the next port; none above 65535.
    out.rtcp =
        MediaEndpoint{c->address, static_cast<std::uint16_t>(m.port == 65535 ? 0 : m.port + 1)};
  }
  return std::nullopt;
}

// The direction a peer's stream really has: a peer at c=0.0.0.0 cannot receive (§8.4).
Direction effective_direction(const MediaDescription& m, const RemoteTransport& transport) {
  return transport.unspecified ? intersect(m.direction, Direction::sendonly) : m.direction;
}

std::string accepted_list(const AudioCapabilities& caps) {
  std::string s;
  for (AudioCodec c : caps.codecs) {
    if (!s.empty()) s += ", ";
    s += std::string(to_string(c)) + "/8000";
  }
  return s.empty() ? "nothing" : s;
}

MediaDescription declined(const MediaDescription& offered) {
  // RFC 3264 §6: port 0; the formats are ignored but at least one must be present.
  MediaDescription m;
  m.media = offered.media;
  m.port = 0;
  m.protocol = offered.protocol;
  m.formats = offered.formats;
  m.direction = Direction::inactive;
  return m;
}

Connection local_connection(const LocalMedia& local) {
  Connection c;
  c.addr_type = local.addr_type;
  c.address = local.address;
  return c;
}

Origin local_origin(const LocalMedia& local) {
  Origin o;
  o.username = local.username;
  o.session_id = local.session_id;
  o.session_version = local.session_version;
  o.addr_type = local.addr_type;
  o.address = local.address;
  return o;
}

void add_telephone_event(MediaDescription& m, std::uint8_t pt, const std::string& events) {
  m.formats.push_back(std::to_string(unsigned{pt}));
  m.rtpmaps[pt] = RtpMap{"telephone-event", kAudioClock, std::nullopt};
  m.fmtps[pt] = events;
}

void add_codec(MediaDescription& m, std::uint8_t pt, AudioCodec codec) {
  m.formats.push_back(std::to_string(unsigned{pt}));
  m.rtpmaps[pt] = RtpMap{std::string(to_string(codec)), kAudioClock, std::nullopt};
}

struct OfferedAudio {
  std::vector<std::pair<std::uint8_t, AudioCodec>> codecs;  // in the offerer's order
  std::optional<std::uint8_t> telephone_event_pt;
  std::string offered_names;  // for the error message
};

OfferedAudio read_formats(const MediaDescription& m) {
  OfferedAudio out;
  std::bitset<128> seen;
  for (const std::string& format : m.formats) {
    const auto pt = payload_type(format);
    if (!pt || seen.test(*pt)) continue;
    seen.set(*pt);
    const FormatInfo f = describe_format(m, *pt);
    if (out.offered_names.size() < 160) {
      if (!out.offered_names.empty()) out.offered_names += ", ";
      out.offered_names += format_name(f);
      if (out.offered_names.size() >= 160) out.offered_names += ", ...";
    }
    if (const auto codec = codec_of(f)) {
      out.codecs.emplace_back(*pt, *codec);
    } else if (is_telephone_event(f) && !out.telephone_event_pt) {
      out.telephone_event_pt = *pt;
    }
  }
  return out;
}

}  // namespace

std::string_view to_string(AudioCodec codec) {
  return codec == AudioCodec::pcma ? "PCMA" : "PCMU";
}

std::uint8_t static_payload_type(AudioCodec codec) {
  return codec == AudioCodec::pcma ? 8 : 0;
}

bool is_hold(const MediaDescription& media, const SessionDescription& session) {
  if (media.direction == Direction::sendonly || media.direction == Direction::inactive) {
    return true;
  }
  const Connection* c = effective_connection(media, session);
  return c && is_unspecified(*c);
}

Result<AnswerResult> negotiate_answer(const SessionDescription& offer,
                                      const AudioCapabilities& capabilities,
                                      const LocalMedia& local) {
  AnswerResult result;
  SessionDescription& answer = result.answer;
  answer.origin = local_origin(local);
  answer.session_name = "-";
  answer.connection = local_connection(local);
  answer.timing = offer.timing;  // RFC 3264 §6: the t= of the answer equals the offer's
  std::string reasons;
  bool accepted = false;
  for (std::size_t k = 0; k < offer.media.size(); ++k) {
    const MediaDescription& m = offer.media[k];
    const std::string label = "m=" + std::to_string(k + 1) + " " + printable(m.media) + ": ";
    auto decline = [&](std::string why) {
      answer.media.push_back(declined(m));
      if (reasons.size() < 400) reasons += (reasons.empty() ? "" : "; ") + label + why;
    };
    if (accepted) {
      answer.media.push_back(declined(m));  // one audio stream per leg
      continue;
    }
    if (m.media != "audio") {
      decline("not supported");
      continue;
    }
    // RFC 3264 §8.2: a stream offered with port 0 is answered with port 0.
    if (m.port == 0) {
      decline("port 0 (stream disabled)");
      continue;
    }
    RemoteTransport transport;
    if (auto why = check_transport(m, offer, local.addr_type, transport)) {
      decline(std::move(*why));
      continue;
    }
    const OfferedAudio offered = read_formats(m);
    // RFC 3264 §6.1: the offerer's order is its preference; ours only filters.
    std::vector<std::pair<std::uint8_t, AudioCodec>> common;
    for (const auto& [pt, codec] : offered.codecs) {
      if (std::find(capabilities.codecs.begin(), capabilities.codecs.end(), codec) !=
          capabilities.codecs.end()) {
        common.emplace_back(pt, codec);
      }
    }
    if (common.empty()) {
      decline("no common codec (offered " + offered.offered_names + "; we accept " +
              accepted_list(capabilities) + ")");
      continue;
    }
    if (capabilities.answer_single_codec) common.resize(1);

    MediaDescription a;
    a.media = "audio";
    a.port = local.rtp_port;
    a.protocol = std::string(kProtocol);
    // RFC 3264 §6.1: the payload type numbers of the offer are kept.
    for (const auto& [pt, codec] : common)
      add_codec(a, pt, codec);
    std::optional<std::uint8_t> te_pt;
    if (capabilities.telephone_event && offered.telephone_event_pt) {
      const auto fmtp = m.fmtps.find(*offered.telephone_event_pt);
      const std::optional<EventSet> theirs =
          fmtp == m.fmtps.end() ? default_events() : parse_events(fmtp->second);
      const std::optional<EventSet> ours = parse_events(capabilities.telephone_events);
      const EventSet both = theirs.value_or(default_events()) & ours.value_or(default_events());
      if (both.any()) {
        te_pt = *offered.telephone_event_pt;
        add_telephone_event(a, *te_pt, format_events(both));
      }
    }
    a.ptime_ms = capabilities.ptime_ms;
    const Direction theirs = effective_direction(m, transport);
    a.direction = intersect(reverse(theirs), local.direction);
    answer.media.push_back(std::move(a));

    NegotiatedAudio& audio = result.audio;
    audio.codec = common.front().second;
    audio.payload_type = common.front().first;
    audio.telephone_event_pt = te_pt;
    audio.ptime_ms = usable_ptime(m);
    audio.remote_rtp = std::move(transport.rtp);
    audio.remote_rtcp = std::move(transport.rtcp);
    audio.direction = answer.media.back().direction;
    audio.remote_direction = m.direction;
    audio.remote_hold = is_hold(m, offer);
    audio.media_index = k;
    accepted = true;
  }
  if (!accepted) {
    if (offer.media.empty()) {
      return make_error(kNotAcceptableHere, "Not Acceptable Here: no media stream offered");
    }
    return make_error(kNotAcceptableHere, "Not Acceptable Here: " + reasons);
  }
  return result;
}

SessionDescription build_offer(const AudioCapabilities& capabilities, const LocalMedia& local,
                               Direction direction) {
  SessionDescription offer;
  offer.origin = local_origin(local);
  offer.session_name = "-";
  offer.connection = local_connection(local);
  MediaDescription m;
  m.media = "audio";
  m.port = local.rtp_port;
  m.protocol = std::string(kProtocol);
  for (AudioCodec codec : capabilities.codecs) {
    const std::uint8_t pt = static_payload_type(codec);
    if (!m.rtpmaps.contains(pt)) add_codec(m, pt, codec);
  }
  if (capabilities.telephone_event) {
    add_telephone_event(m, capabilities.telephone_event_pt, capabilities.telephone_events);
  }
  m.ptime_ms = capabilities.ptime_ms;
  m.direction = direction;
  offer.media.push_back(std::move(m));
  return offer;
}

Result<NegotiatedAudio> accept_answer(const SessionDescription& our_offer,
                                      const SessionDescription& answer) {
  // RFC 3264 §6: the answer has exactly as many m= lines as the offer, matched by position.
  if (answer.media.size() != our_offer.media.size()) {
    return make_error(kNotAcceptableHere, "answer has " + std::to_string(answer.media.size()) +
                                              " m= lines, the offer had " +
                                              std::to_string(our_offer.media.size()));
  }
  std::size_t k = 0;
  while (k < our_offer.media.size() &&
         (our_offer.media[k].media != "audio" || our_offer.media[k].port == 0)) {
    ++k;
  }
  if (k == our_offer.media.size()) {
    return make_error(kNotAcceptableHere, "our offer has no audio stream");
  }
  const MediaDescription& ours = our_offer.media[k];
  const MediaDescription& theirs = answer.media[k];
  const std::string label = "answer m=" + std::to_string(k + 1) + ": ";
  if (theirs.media != ours.media) {
    return make_error(kNotAcceptableHere, label + printable(theirs.media) + " instead of audio");
  }
  if (theirs.port == 0) {
    return make_error(kNotAcceptableHere, label + "audio stream rejected (port 0)");
  }
  if (theirs.protocol != ours.protocol) {
    return make_error(kNotAcceptableHere,
                      label + "protocol " + printable(theirs.protocol) + " was not offered");
  }
  const Connection* our_c = effective_connection(ours, our_offer);
  RemoteTransport transport;
  if (auto why = check_transport(theirs, answer, our_c ? our_c->addr_type : "IP4", transport)) {
    return make_error(kNotAcceptableHere, label + *why);
  }
  // What we offered, by meaning: an answerer may use other numbers for dynamic types.
  const OfferedAudio offered = read_formats(ours);
  const OfferedAudio answered = read_formats(theirs);
  std::optional<std::pair<std::uint8_t, AudioCodec>> chosen;
  for (const auto& [pt, codec] : answered.codecs) {
    const bool was_offered =
        std::any_of(offered.codecs.begin(), offered.codecs.end(),
                    [codec = codec](const auto& o) { return o.second == codec; });
    if (was_offered) {
      chosen = std::make_pair(pt, codec);
      break;
    }
  }
  if (!chosen) {
    return make_error(kNotAcceptableHere,
                      label + "no codec we offered (answered " + answered.offered_names + ")");
  }
  NegotiatedAudio audio;
  audio.codec = chosen->second;
  audio.payload_type = chosen->first;
  if (offered.telephone_event_pt) audio.telephone_event_pt = answered.telephone_event_pt;
  audio.ptime_ms = usable_ptime(theirs);
  audio.remote_rtp = std::move(transport.rtp);
  audio.remote_rtcp = std::move(transport.rtcp);
  audio.direction = intersect(ours.direction, reverse(effective_direction(theirs, transport)));
  audio.remote_direction = theirs.direction;
  audio.remote_hold = is_hold(theirs, answer);
  audio.media_index = k;
  return audio;
}

void SessionVersion::stamp(SessionDescription& next, const SessionDescription& previous) {
  SessionDescription same_origin = next;
  same_origin.origin = previous.origin;
  if (!(same_origin == previous)) bump();
  next.origin.session_id = session_id;
  next.origin.session_version = version;
}

}  // namespace dzvin::sdp
