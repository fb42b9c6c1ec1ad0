#pragma once
// SessionDescription: one SDP body (RFC 4566) as owned values. SDP arrives once per offer or
// answer, not once per packet, so the values own their strings: a description outlives the
// SIP message it came in without any lifetime rules. Parsing is strict about what a call
// needs (v=0 first, o=, s=, well-formed c=/m=/rtpmap/fmtp/ptime/rtcp, ports, payload types)
// and liberal about everything else: unknown lines and attributes are kept, in order, so a
// description can be written back with its meaning intact.
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"

namespace dzvin::sdp {

// RFC 3264 §5.1 / RFC 4566 §6: the direction of a stream, from the point of view of the side
// that wrote the description. sendrecv when no direction attribute is present.
enum class Direction : std::uint8_t { sendrecv, sendonly, recvonly, inactive };

std::string_view to_string(Direction direction);
// The direction an answer gives to an offered one (RFC 3264 §6.1): sendonly <-> recvonly.
Direction reverse(Direction direction);
// What both sides allow: a stream sends only when both `a` and `b` allow sending.
Direction intersect(Direction a, Direction b);
inline bool sends(Direction d) {
  return d == Direction::sendrecv || d == Direction::sendonly;
}
inline bool receives(Direction d) {
  return d == Direction::sendrecv || d == Direction::recvonly;
}

// c=<nettype> <addrtype> <connection-address> (RFC 4566 §5.7). `address` holds the address
// alone; the multicast suffixes "/ttl[/count]" (IP4) or "/count" (IP6) are kept as numbers.
struct Connection {
  std::string net_type = "IN";
  std::string addr_type = "IP4";  // "IP4" or "IP6" for the Internet
  std::string address;            // an IP literal or, rarely, a domain name
  std::optional<std::uint32_t> ttl;
  std::optional<std::uint32_t> address_count;
  bool operator==(const Connection&) const = default;
};

// o=<username> <sess-id> <sess-version> <nettype> <addrtype> <unicast-address> (§5.2).
struct Origin {
  std::string username = "-";
  std::uint64_t session_id = 0;
  std::uint64_t session_version = 0;
  std::string net_type = "IN";
  std::string addr_type = "IP4";
  std::string address;
  bool operator==(const Origin&) const = default;
};

// The first t=<start> <stop> (§5.9); "0 0" is an unbounded session, the only form SIP uses.
struct Timing {
  std::uint64_t start = 0;
  std::uint64_t stop = 0;
  bool operator==(const Timing&) const = default;
};

// a=<name> or a=<name>:<value> (§5.13). `value` is absent for a property attribute and
// present (possibly empty) for a value attribute, so both forms write back as they came.
struct Attribute {
  std::string name;
  std::optional<std::string> value;
  bool operator==(const Attribute&) const = default;
};

// A line this module keeps but does not interpret: i=, u=, e=, p=, b=, r=, z=, k=, a second
// t=, or a type letter RFC 4566 does not define (§5: unknown types are ignored, we carry them).
struct Field {
  char type = 0;
  std::string value;
  bool operator==(const Field&) const = default;
};

// a=rtpmap:<payload type> <encoding name>/<clock rate>[/<encoding parameters>] (§6).
struct RtpMap {
  std::string encoding;  // as written: "PCMU", "telephone-event", "opus"
  std::uint32_t clock_rate = 0;
  std::optional<std::uint32_t> channels;  // audio encoding parameters
  bool operator==(const RtpMap&) const = default;
};

// Whether two encoding names are the same: they compare case-insensitively (RFC 4855 §3),
// "PCMU" and "pcmu" are one codec.
bool same_encoding(std::string_view a, std::string_view b);

// a=rtcp:<port> [<nettype> <addrtype> <connection-address>] (RFC 3605 §2.1).
struct RtcpAttribute {
  std::uint16_t port = 0;
  std::optional<Connection> connection;
  bool operator==(const RtcpAttribute&) const = default;
};

// One m= section (§5.14) with the lines that follow it.
struct MediaDescription {
  std::string media = "audio";  // "audio", "video", "application", "image", ...
  std::uint16_t port = 0;       // 0: the stream is rejected or disabled (RFC 3264 §6, §8.2)
  std::uint32_t port_count = 1;
  std::string protocol = "RTP/AVP";  // "RTP/AVP", "RTP/SAVP", "udptl", ...
  // As written. For RTP protocols each is a payload type number 0..127 (checked by the parser;
  // see payload_type()); for others, whatever the protocol defines.
  std::vector<std::string> formats;
  std::optional<Connection> connection;
  // The effective direction: the media-level attribute, else the session-level one, else
  // sendrecv. Always written back at media level.
  Direction direction = Direction::sendrecv;
  // For RTP protocols only; on other protocols these attributes stay in `attributes`.
  std::map<std::uint8_t, RtpMap> rtpmaps;
  std::map<std::uint8_t, std::string> fmtps;  // payload type -> format parameters
  std::optional<std::uint32_t> ptime_ms;      // a=ptime (§6), milliseconds
  std::optional<RtcpAttribute> rtcp;          // RFC 3605
  std::vector<Attribute> attributes;          // every other a= line, in order
  std::vector<Field> fields;                  // i=, b=, k= and unknown lines, in order

  // Whether the protocol carries RTP (RTP/AVP, RTP/SAVP, RTP/AVPF, UDP/TLS/RTP/SAVPF, ...).
  bool is_rtp() const;
  bool operator==(const MediaDescription&) const = default;
};

struct SessionDescription {
  int version = 0;  // v=, always 0
  Origin origin;
  std::string session_name = "-";
  std::optional<Connection> connection;  // session-level c=
  Timing timing;
  // A session-level direction attribute, when there was one; media sections inherit it.
  std::optional<Direction> direction;
  std::vector<Attribute> attributes;  // other session-level a= lines, in order
  std::vector<Field> fields;          // i=, u=, e=, p=, b=, r=, z=, k=, more t=, unknown
  std::vector<MediaDescription> media;

  bool operator==(const SessionDescription&) const = default;
};

// The connection that applies to a media section: its own c=, else the session's (§5.7).
// nullptr when neither is present.
const Connection* effective_connection(const MediaDescription& media,
                                       const SessionDescription& session);

// The payload type a format names on an RTP m= line ("0" -> 0, "101" -> 101); nullopt when it
// is not a number in 0..127.
std::optional<std::uint8_t> payload_type(std::string_view format);

// Bounds applied to untrusted input. SDP bodies of real calls are 300-3000 bytes with 1-3 m=
// lines; these leave room for WebRTC-sized offers while keeping work per body bounded.
struct SdpLimits {
  std::size_t max_bytes = 65536;
  std::size_t max_media = 16;
  std::size_t max_attributes = 64;  // a= lines per section (session or one m=)
  std::size_t max_fields = 64;      // other lines per section
  std::size_t max_formats = 64;     // formats on one m= line
};

// Parses an SDP body. Lines end in CRLF or LF (the last one may have none); blank lines are
// skipped; trailing spaces and tabs of a line are ignored. Errors have code 400 (a malformed
// body: whether an offer is acceptable is decided by negotiation, 488) and a printable-ASCII
// message that names the line, e.g. "line 5: m= port is not a number". Safe on any bytes.
Result<SessionDescription> parse_session_description(std::string_view text,
                                                     const SdpLimits& limits = {});

// Writes a description with CRLF line ends in the order of RFC 4566 §5: v o s (i u e p) c (b)
// t (r z k) a, then each m= with (i) c (b k), a=rtpmap/fmtp per format, a=ptime, a=rtcp, the
// kept attributes and the direction. Parsing the result gives back an equal description.
std::string format_session_description(const SessionDescription& description);

}  // namespace dzvin::sdp
