#include "sdp/session_description.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <utility>

namespace dzvin::sdp {
namespace {

// A body that does not parse is a Bad Request; 488 is for bodies that parse but that we cannot
// accept, and negotiation decides that.
constexpr int kBadRequest = 400;

Error line_error(std::size_t line, std::string_view what) {
  std::string message = "line " + std::to_string(line) + ": ";
  message.append(what);
  return make_error(kBadRequest, std::move(message));
}

constexpr bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
constexpr bool is_blank(char c) {
  return c == ' ' || c == '\t';
}

// RFC 4566 §9 token-char: %x21 / %x23-27 / %x2A-2B / %x2D-2E / %x30-39 / %x41-5A / %x5E-7E.
constexpr std::array<bool, 256> make_token_table() {
  std::array<bool, 256> t{};
  for (int c = 0x21; c <= 0x7E; ++c)
    t[static_cast<std::size_t>(c)] = true;
  for (char c : std::string_view("\"(),/:;<=>?@[\\]"))
    t[static_cast<unsigned char>(c)] = false;
  return t;
}
constexpr std::array<bool, 256> kTokenChars = make_token_table();

bool is_token(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!kTokenChars[static_cast<unsigned char>(c)]) return false;
  }
  return true;
}

// ASCII case-insensitive equality: encoding names (RFC 4855 §3) and, liberally, the attribute
// names we interpret ("a=RTPMAP" is seen in the field).
bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

std::string_view trim_blanks(std::string_view s) {
  while (!s.empty() && is_blank(s.front()))
    s.remove_prefix(1);
  while (!s.empty() && is_blank(s.back()))
    s.remove_suffix(1);
  return s;
}

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!is_digit(c)) return false;
  }
  return true;
}

// Decimal digits only (no sign, no spaces), without overflow.
template <class T>
std::optional<T> parse_number(std::string_view s) {
  if (!all_digits(s)) return std::nullopt;
  T value = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
  return value;
}

// A port of an m= or a=rtcp line; `what` names the line in the error ("m=", "a=rtcp").
Result<std::uint16_t> parse_port(std::size_t line_no, std::string_view what, std::string_view s) {
  if (!all_digits(s)) return line_error(line_no, std::string(what) + " port is not a number");
  const auto value = parse_number<std::uint32_t>(s);
  if (!value || *value > 65535) {
    return line_error(line_no, std::string(what) + " port is out of range 0..65535");
  }
  return static_cast<std::uint16_t>(*value);
}

// Words separated by runs of SP/HTAB. RFC 4566 asks for single spaces; nothing is gained by
// refusing two.
class Words {
 public:
  explicit Words(std::string_view s) : rest_(s) {}
  bool next(std::string_view& word) {
    std::size_t i = 0;
    while (i < rest_.size() && is_blank(rest_[i]))
      ++i;
    if (i == rest_.size()) return false;
    std::size_t j = i;
    while (j < rest_.size() && !is_blank(rest_[j]))
      ++j;
    word = rest_.substr(i, j - i);
    rest_.remove_prefix(j);
    return true;
  }
  // What follows the words taken so far, without its leading blanks.
  std::string_view rest() const { return trim_blanks(rest_); }

 private:
  std::string_view rest_;
};

std::optional<Direction> direction_from_name(std::string_view name) {
  if (iequals(name, "sendrecv")) return Direction::sendrecv;
  if (iequals(name, "sendonly")) return Direction::sendonly;
  if (iequals(name, "recvonly")) return Direction::recvonly;
  if (iequals(name, "inactive")) return Direction::inactive;
  return std::nullopt;
}

// The position of a kept line in RFC 4566 §5 order. Lines of the same rank keep their order,
// so a t= that follows another keeps its r= lines after it.
int field_rank(char type) {
  switch (type) {
    case 'i':
      return 1;
    case 'u':
      return 2;
    case 'e':
      return 3;
    case 'p':
      return 4;
    case 'b':
      return 6;
    case 't':
    case 'r':
      return 7;
    case 'z':
      return 8;
    case 'k':
      return 9;
    default:
      return 10;  // letters RFC 4566 does not define: before the a= lines
  }
}
constexpr int kConnectionRank = 5;

class DescriptionParser {
 public:
  explicit DescriptionParser(const SdpLimits& limits) : limits_(limits) {}

  Result<SessionDescription> run(std::string_view text) {
    std::size_t line_no = 0;
    bool seen_first = false;
    while (!text.empty()) {
      const std::size_t lf = text.find('\n');
      std::string_view line = text.substr(0, lf);
      text.remove_prefix(lf == std::string_view::npos ? text.size() : lf + 1);
      ++line_no;
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      // RFC 4566 §9: text is byte-string = 1*(%x01-09/%x0B-0C/%x0E-FF), no NUL, CR or LF inside.
      if (line.find('\r') != std::string_view::npos || line.find('\0') != std::string_view::npos) {
        return line_error(line_no, "CR or NUL inside the line");
      }
      while (!line.empty() && is_blank(line.back()))
        line.remove_suffix(1);
      if (line.empty()) continue;  // blank lines (a trailing CRLF too many) are harmless
      if (line.size() < 2 || line[1] != '=' || line[0] < 'a' || line[0] > 'z') {
        return line_error(line_no, "not a <type>=<value> line with a lowercase type letter");
      }
      const char type = line[0];
      const std::string_view value = line.substr(2);
      if (!seen_first) {
        seen_first = true;
        if (type != 'v') return line_error(line_no, "the first line must be v=0");
        if (value != "0") return line_error(line_no, "v= must be 0");
        continue;
      }
      if (auto r = parse_line(line_no, type, value); !r) return r.error();
    }
    if (!seen_first) return make_error(kBadRequest, "empty SDP body");
    if (!have_origin_) return make_error(kBadRequest, "missing o= line");
    if (!have_name_) return make_error(kBadRequest, "missing s= line");
    finish_section();
    // Media sections without their own direction take the session's (RFC 3264 §5.1).
    for (std::size_t k = 0; k < out_.media.size(); ++k) {
      if (!explicit_direction_[k]) {
        out_.media[k].direction = out_.direction.value_or(Direction::sendrecv);
      }
    }
    return std::move(out_);
  }

 private:
  Result<void> parse_line(std::size_t line_no, char type, std::string_view value) {
    MediaDescription* media = out_.media.empty() ? nullptr : &out_.media.back();
    switch (type) {
      case 'v':
        return line_error(line_no, "second v= line (one description per body)");
      case 'o':
        if (media) return line_error(line_no, "o= inside a media section");
        if (have_origin_) return line_error(line_no, "second o= line");
        have_origin_ = true;
        return parse_origin(line_no, value);
      case 's':
        if (media) return line_error(line_no, "s= inside a media section");
        if (have_name_) return line_error(line_no, "second s= line");
        have_name_ = true;
        // RFC 4566 wants at least one character; RFC 3264's own examples send "s=".
        out_.session_name = std::string(value);
        return {};
      case 'c': {
        std::optional<Connection>& target = media ? media->connection : out_.connection;
        if (target) {
          return line_error(line_no, media ? "second c= line in a media section"
                                           : "second c= line at session level");
        }
        auto c = parse_connection(line_no, "c=", value);
        if (!c) return c.error();
        target = std::move(*c);
        return {};
      }
      case 't':
        if (!media && !have_timing_) {
          have_timing_ = true;
          return parse_timing(line_no, value);
        }
        return add_field(line_no, type, value);
      case 'm':
        return parse_media(line_no, value);
      case 'a':
        return parse_attribute(line_no, value);
      default:
        return add_field(line_no, type, value);
    }
  }

  Result<void> add_field(std::size_t line_no, char type, std::string_view value) {
    std::vector<Field>& fields = out_.media.empty() ? out_.fields : out_.media.back().fields;
    if (fields.size() >= limits_.max_fields) {
      return line_error(line_no, "more than " + std::to_string(limits_.max_fields) +
                                     " lines other than a= in one section");
    }
    fields.push_back(Field{type, std::string(value)});
    return {};
  }

  Result<void> parse_origin(std::size_t line_no, std::string_view value) {
    // At most this many words: the 6 of §5.2, plus some room for usernames with spaces.
    constexpr std::size_t kMaxWords = 16;
    std::array<std::string_view, kMaxWords> words{};
    std::size_t n = 0;
    Words reader(value);
    std::string_view w;
    while (reader.next(w)) {
      if (n == kMaxWords) return line_error(line_no, "o= has too many fields");
      words[n++] = w;
    }
    if (n < 6) {
      return line_error(line_no,
                        "o= needs <username> <sess-id> <sess-version> <nettype> <addrtype> "
                        "<address>");
    }
    // A username must not contain spaces (§5.2), yet some stacks put a product name there:
    // the last five words are the fixed fields, whatever precedes them is the username.
    Origin& o = out_.origin;
    o.username.clear();
    for (std::size_t i = 0; i + 5 < n; ++i) {
      if (i > 0) o.username += ' ';
      o.username.append(words[i]);
    }
    const auto id = parse_number<std::uint64_t>(words[n - 5]);
    if (!id) return line_error(line_no, "o= session id is not a number (or exceeds 64 bits)");
    const auto version = parse_number<std::uint64_t>(words[n - 4]);
    if (!version) {
      return line_error(line_no, "o= session version is not a number (or exceeds 64 bits)");
    }
    o.session_id = *id;
    o.session_version = *version;
    o.net_type = std::string(words[n - 3]);
    o.addr_type = std::string(words[n - 2]);
    o.address = std::string(words[n - 1]);
    return {};
  }

  Result<void> parse_timing(std::size_t line_no, std::string_view value) {
    Words reader(value);
    std::string_view start, stop;
    if (!reader.next(start) || !reader.next(stop) || !reader.rest().empty()) {
      return line_error(line_no, "t= needs <start-time> <stop-time>");
    }
    const auto a = parse_number<std::uint64_t>(start);
    const auto b = parse_number<std::uint64_t>(stop);
    if (!a) return line_error(line_no, "t= start time is not a number");
    if (!b) return line_error(line_no, "t= stop time is not a number");
    out_.timing = Timing{*a, *b};
    return {};
  }

  // <nettype> <addrtype> <address>[/<ttl>][/<count>] (RFC 4566 §5.7); also the optional tail
  // of a=rtcp (RFC 3605), whose `what` names it in errors.
  static Result<Connection> parse_connection(std::size_t line_no, std::string_view what,
                                             std::string_view value) {
    Words reader(value);
    std::string_view net, type, spec;
    if (!reader.next(net) || !reader.next(type) || !reader.next(spec)) {
      return line_error(line_no, std::string(what) + " needs <nettype> <addrtype> <address>");
    }
    if (!reader.rest().empty()) return line_error(line_no, std::string(what) + " has extra fields");
    Connection c;
    c.net_type = std::string(net);
    c.addr_type = std::string(type);
    const std::size_t slash = spec.find('/');
    c.address = std::string(spec.substr(0, slash));
    if (c.address.empty()) return line_error(line_no, std::string(what) + " address is empty");
    if (slash == std::string_view::npos) return c;
    std::string_view suffix = spec.substr(slash + 1);
    const std::size_t slash2 = suffix.find('/');
    const std::string_view first = suffix.substr(0, slash2);
    const std::string_view second =
        slash2 == std::string_view::npos ? std::string_view{} : suffix.substr(slash2 + 1);
    const auto a = parse_number<std::uint32_t>(first);
    if (!a) return line_error(line_no, std::string(what) + " address suffix is not a number");
    if (c.addr_type == "IP6") {
      // IP6-multicast = hexpart ["/" integer]: a count, no TTL.
      if (slash2 != std::string_view::npos) {
        return line_error(line_no, std::string(what) + " IP6 address has more than one suffix");
      }
      c.address_count = *a;
      return c;
    }
    if (*a > 255) return line_error(line_no, std::string(what) + " TTL exceeds 255");
    c.ttl = *a;
    if (slash2 != std::string_view::npos) {
      const auto b = parse_number<std::uint32_t>(second);
      if (!b) return line_error(line_no, std::string(what) + " address count is not a number");
      c.address_count = *b;
    }
    return c;
  }

  Result<void> parse_media(std::size_t line_no, std::string_view value) {
    if (out_.media.size() >= limits_.max_media) {
      return line_error(line_no, "more than " + std::to_string(limits_.max_media) + " m= sections");
    }
    finish_section();
    Words reader(value);
    std::string_view media, port_spec, protocol;
    if (!reader.next(media) || !reader.next(port_spec) || !reader.next(protocol)) {
      return line_error(line_no, "m= needs <media> <port> <proto> <fmt> ...");
    }
    MediaDescription m;
    m.media = std::string(media);
    const std::size_t slash = port_spec.find('/');
    const auto port = parse_port(line_no, "m=", port_spec.substr(0, slash));
    if (!port) return port.error();
    m.port = *port;
    if (slash != std::string_view::npos) {
      const auto count = parse_number<std::uint32_t>(port_spec.substr(slash + 1));
      if (!count) return line_error(line_no, "m= number of ports is not a number");
      if (*count == 0) return line_error(line_no, "m= number of ports is 0");
      m.port_count = *count;
    }
    m.protocol = std::string(protocol);
    const bool rtp = m.is_rtp();
    std::string_view format;
    while (reader.next(format)) {
      if (m.formats.size() >= limits_.max_formats) {
        return line_error(line_no,
                          "m= has more than " + std::to_string(limits_.max_formats) + " formats");
      }
      if (rtp) {
        if (!all_digits(format)) {
          return line_error(line_no, "m= payload type is not a number");
        }
        if (!payload_type(format)) return line_error(line_no, "m= payload type is out of range");
      }
      m.formats.emplace_back(format);
    }
    if (m.formats.empty()) return line_error(line_no, "m= has no formats");
    out_.media.push_back(std::move(m));
    explicit_direction_.push_back(false);
    attribute_count_ = 0;
    return {};
  }

  Result<void> parse_attribute(std::size_t line_no, std::string_view value) {
    MediaDescription* media = out_.media.empty() ? nullptr : &out_.media.back();
    const std::size_t colon = value.find(':');
    const std::string_view name = value.substr(0, colon);
    if (!is_token(name)) return line_error(line_no, "a= attribute name is not a token");
    // Direction lines are not counted: only the last one is kept, they cannot pile up.
    if (const auto d = direction_from_name(name)) {
      if (media) {
        media->direction = *d;
        explicit_direction_.back() = true;
      } else {
        out_.direction = *d;
      }
      return {};
    }
    if (attribute_count_ >= limits_.max_attributes) {
      return line_error(line_no, "more than " + std::to_string(limits_.max_attributes) +
                                     " a= lines in one section");
    }
    ++attribute_count_;
    const std::string_view attr_value =
        colon == std::string_view::npos ? std::string_view{} : value.substr(colon + 1);
    if (media && colon != std::string_view::npos) {
      if (media->is_rtp() && iequals(name, "rtpmap"))
        return parse_rtpmap(line_no, *media, attr_value);
      if (media->is_rtp() && iequals(name, "fmtp")) return parse_fmtp(line_no, *media, attr_value);
      if (media->is_rtp() && iequals(name, "rtcp")) return parse_rtcp(line_no, *media, attr_value);
      if (iequals(name, "ptime")) return parse_ptime(line_no, *media, attr_value);
    }
    Attribute a{std::string(name), std::nullopt};
    if (colon != std::string_view::npos) a.value = std::string(attr_value);
    (media ? media->attributes : out_.attributes).push_back(std::move(a));
    return {};
  }

  static Result<std::uint8_t> attribute_payload_type(std::size_t line_no, std::string_view what,
                                                     std::string_view word) {
    if (!all_digits(word)) {
      return line_error(line_no, std::string(what) + " payload type is not a number");
    }
    const auto pt = payload_type(word);
    if (!pt) return line_error(line_no, std::string(what) + " payload type is out of range");
    return *pt;
  }

  // <payload type> <encoding name>/<clock rate>[/<encoding parameters>]
  static Result<void> parse_rtpmap(std::size_t line_no, MediaDescription& media,
                                   std::string_view value) {
    Words reader(value);
    std::string_view pt_word, encoding;
    if (!reader.next(pt_word) || !reader.next(encoding)) {
      return line_error(line_no, "a=rtpmap needs <payload type> <encoding name>/<clock rate>");
    }
    if (!reader.rest().empty()) return line_error(line_no, "a=rtpmap has extra fields");
    const auto pt = attribute_payload_type(line_no, "a=rtpmap", pt_word);
    if (!pt) return pt.error();
    const std::size_t slash = encoding.find('/');
    if (slash == 0 || slash == std::string_view::npos) {
      return line_error(line_no, "a=rtpmap needs <encoding name>/<clock rate>");
    }
    RtpMap map;
    map.encoding = std::string(encoding.substr(0, slash));
    const std::string_view rest = encoding.substr(slash + 1);
    const std::size_t slash2 = rest.find('/');
    const auto clock = parse_number<std::uint32_t>(rest.substr(0, slash2));
    if (!clock) return line_error(line_no, "a=rtpmap clock rate is not a number");
    map.clock_rate = *clock;
    if (slash2 != std::string_view::npos) {
      const auto channels = parse_number<std::uint32_t>(rest.substr(slash2 + 1));
      if (!channels) return line_error(line_no, "a=rtpmap encoding parameters are not a number");
      map.channels = *channels;
    }
    const auto [it, inserted] = media.rtpmaps.emplace(*pt, map);
    // A repeated identical line is harmless; two meanings for one payload type are not.
    if (!inserted && !(it->second == map)) {
      return line_error(line_no, "a=rtpmap maps a payload type mapped differently before");
    }
    return {};
  }

  static Result<void> parse_fmtp(std::size_t line_no, MediaDescription& media,
                                 std::string_view value) {
    Words reader(value);
    std::string_view pt_word;
    if (!reader.next(pt_word)) return line_error(line_no, "a=fmtp needs <format> <parameters>");
    const auto pt = attribute_payload_type(line_no, "a=fmtp", pt_word);
    if (!pt) return pt.error();
    std::string params(reader.rest());
    const auto [it, inserted] = media.fmtps.emplace(*pt, params);
    if (!inserted && it->second != params) {
      return line_error(line_no, "a=fmtp gives a payload type different parameters than before");
    }
    return {};
  }

  // RFC 3605: a=rtcp:<port> [<nettype> <addrtype> <connection-address>]
  static Result<void> parse_rtcp(std::size_t line_no, MediaDescription& media,
                                 std::string_view value) {
    Words reader(value);
    std::string_view port_word;
    if (!reader.next(port_word)) return line_error(line_no, "a=rtcp needs a port");
    const auto port = parse_port(line_no, "a=rtcp", port_word);
    if (!port) return port.error();
    RtcpAttribute rtcp;
    rtcp.port = *port;
    if (const std::string_view rest = reader.rest(); !rest.empty()) {
      auto c = parse_connection(line_no, "a=rtcp", rest);
      if (!c) return c.error();
      rtcp.connection = std::move(*c);
    }
    media.rtcp = std::move(rtcp);
    return {};
  }

  // a=ptime:<milliseconds>; a fraction ("20.0", seen in the field) is cut off.
  static Result<void> parse_ptime(std::size_t line_no, MediaDescription& media,
                                  std::string_view value) {
    value = trim_blanks(value);
    const std::size_t dot = value.find('.');
    if (dot != std::string_view::npos) {
      const std::string_view fraction = value.substr(dot + 1);
      if (!fraction.empty() && !all_digits(fraction)) {
        return line_error(line_no, "a=ptime is not a number");
      }
      value = value.substr(0, dot);
    }
    const auto ms = parse_number<std::uint32_t>(value);
    if (!ms) return line_error(line_no, "a=ptime is not a number");
    media.ptime_ms = *ms;
    return {};
  }

  // Puts the kept lines of the section just ended in RFC 4566 order, so that writing them
  // out and parsing again gives the same list.
  void finish_section() {
    std::vector<Field>& fields = out_.media.empty() ? out_.fields : out_.media.back().fields;
    std::stable_sort(fields.begin(), fields.end(), [](const Field& a, const Field& b) {
      return field_rank(a.type) < field_rank(b.type);
    });
  }

  const SdpLimits& limits_;
  SessionDescription out_;
  std::vector<bool> explicit_direction_;  // per media section
  std::size_t attribute_count_ = 0;       // a= lines of the current section
  bool have_origin_ = false;
  bool have_name_ = false;
  bool have_timing_ = false;
};

// Values are written as stored; CR, LF and NUL (impossible after parsing, possible in values
// built by hand) become spaces, so no value can start a line of its own.
void append_sanitized(std::string& out, std::string_view value) {
  for (char c : value)
    out.push_back(c == '\r' || c == '\n' || c == '\0' ? ' ' : c);
}

void append_line(std::string& out, char type, std::string_view value) {
  out.push_back(type);
  out.push_back('=');
  append_sanitized(out, value);
  out.append("\r\n");
}

template <class T>
void append_number(std::string& out, T value) {
  char buf[24];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  out.append(buf, end);
}

void append_connection_value(std::string& out, const Connection& c) {
  append_sanitized(out, c.net_type);
  out.push_back(' ');
  append_sanitized(out, c.addr_type);
  out.push_back(' ');
  append_sanitized(out, c.address);
  if (c.addr_type == "IP6") {
    if (c.address_count) {
      out.push_back('/');
      append_number(out, *c.address_count);
    }
  } else if (c.ttl) {
    out.push_back('/');
    append_number(out, *c.ttl);
    if (c.address_count) {
      out.push_back('/');
      append_number(out, *c.address_count);
    }
  }
}

void append_connection(std::string& out, const Connection& c) {
  out.append("c=");
  append_connection_value(out, c);
  out.append("\r\n");
}

void append_fields(std::string& out, const std::vector<Field>& fields, int min_rank, int max_rank) {
  for (const Field& f : fields) {
    const int rank = field_rank(f.type);
    if (rank >= min_rank && rank <= max_rank) append_line(out, f.type, f.value);
  }
}

void append_attribute(std::string& out, const Attribute& a) {
  out.append("a=");
  append_sanitized(out, a.name);
  if (a.value) {
    out.push_back(':');
    append_sanitized(out, *a.value);
  }
  out.append("\r\n");
}

void append_direction(std::string& out, Direction d) {
  out.append("a=");
  out.append(to_string(d));
  out.append("\r\n");
}

void append_rtpmap(std::string& out, std::uint8_t pt, const RtpMap& map) {
  out.append("a=rtpmap:");
  append_number(out, unsigned{pt});
  out.push_back(' ');
  append_sanitized(out, map.encoding);
  out.push_back('/');
  append_number(out, map.clock_rate);
  if (map.channels) {
    out.push_back('/');
    append_number(out, *map.channels);
  }
  out.append("\r\n");
}

void append_fmtp(std::string& out, std::uint8_t pt, const std::string& params) {
  out.append("a=fmtp:");
  append_number(out, unsigned{pt});
  if (!params.empty()) {
    out.push_back(' ');
    append_sanitized(out, params);
  }
  out.append("\r\n");
}

void append_media(std::string& out, const MediaDescription& m) {
  out.append("m=");
  append_sanitized(out, m.media);
  out.push_back(' ');
  append_number(out, unsigned{m.port});
  if (m.port_count != 1) {
    out.push_back('/');
    append_number(out, m.port_count);
  }
  out.push_back(' ');
  append_sanitized(out, m.protocol);
  for (const std::string& f : m.formats) {
    out.push_back(' ');
    append_sanitized(out, f);
  }
  out.append("\r\n");
  append_fields(out, m.fields, 0, kConnectionRank - 1);
  if (m.connection) append_connection(out, *m.connection);
  append_fields(out, m.fields, kConnectionRank + 1, 100);
  // rtpmap and fmtp in the order of the m= line, then any for payload types not listed there.
  std::array<bool, 128> written{};
  for (const std::string& f : m.formats) {
    const auto pt = payload_type(f);
    if (!pt || written[*pt]) continue;
    written[*pt] = true;
    if (auto it = m.rtpmaps.find(*pt); it != m.rtpmaps.end()) append_rtpmap(out, *pt, it->second);
    if (auto it = m.fmtps.find(*pt); it != m.fmtps.end()) append_fmtp(out, *pt, it->second);
  }
  for (const auto& [pt, map] : m.rtpmaps) {
    if (pt >= written.size() || !written[pt]) append_rtpmap(out, pt, map);
  }
  for (const auto& [pt, params] : m.fmtps) {
    if (pt >= written.size() || !written[pt]) append_fmtp(out, pt, params);
  }
  if (m.ptime_ms) {
    out.append("a=ptime:");
    append_number(out, *m.ptime_ms);
    out.append("\r\n");
  }
  if (m.rtcp) {
    out.append("a=rtcp:");
    append_number(out, unsigned{m.rtcp->port});
    if (m.rtcp->connection) {
      out.push_back(' ');
      append_connection_value(out, *m.rtcp->connection);
    }
    out.append("\r\n");
  }
  for (const Attribute& a : m.attributes)
    append_attribute(out, a);
  append_direction(out, m.direction);
}

}  // namespace

std::string_view to_string(Direction direction) {
  switch (direction) {
    case Direction::sendrecv:
      return "sendrecv";
    case Direction::sendonly:
      return "sendonly";
    case Direction::recvonly:
      return "recvonly";
    case Direction::inactive:
      return "inactive";
  }
  return "sendrecv";
}

Direction reverse(Direction direction) {
  switch (direction) {
    case Direction::sendonly:
      return Direction::recvonly;
    case Direction::recvonly:
      return Direction::sendonly;
    case Direction::sendrecv:
    case Direction::inactive:
      break;
  }
  return direction;
}

Direction intersect(Direction a, Direction b) {
  const bool send = sends(a) && sends(b);
  const bool receive = receives(a) && receives(b);
  if (send && receive) return Direction::sendrecv;
  if (send) return Direction::sendonly;
  if (receive) return Direction::recvonly;
  return Direction::inactive;
}

bool same_encoding(std::string_view a, std::string_view b) {
  return iequals(a, b);
}

bool MediaDescription::is_rtp() const {
  // "RTP/AVP", "RTP/SAVPF", "UDP/TLS/RTP/SAVPF", "TCP/RTP/AVP" (RFC 4566 §5.14, RFC 4571, 5764).
  const std::string_view p = protocol;
  return p.starts_with("RTP/") || p.find("/RTP/") != std::string_view::npos;
}

const Connection* effective_connection(const MediaDescription& media,
                                       const SessionDescription& session) {
  if (media.connection) return &*media.connection;
  if (session.connection) return &*session.connection;
  return nullptr;
}

std::optional<std::uint8_t> payload_type(std::string_view format) {
  // RFC 3551 §3: payload types are 7 bits. Leading zeros are tolerated.
  if (!all_digits(format)) return std::nullopt;
  while (format.size() > 1 && format.front() == '0')
    format.remove_prefix(1);
  if (format.size() > 3) return std::nullopt;
  const auto value = parse_number<std::uint32_t>(format);
  if (!value || *value > 127) return std::nullopt;
  return static_cast<std::uint8_t>(*value);
}

Result<SessionDescription> parse_session_description(std::string_view text,
                                                     const SdpLimits& limits) {
  if (text.size() > limits.max_bytes) {
    return make_error(kBadRequest,
                      "SDP body larger than " + std::to_string(limits.max_bytes) + " bytes");
  }
  DescriptionParser parser(limits);
  return parser.run(text);
}

std::string format_session_description(const SessionDescription& d) {
  std::string out;
  out.reserve(256 + 256 * d.media.size());
  out.append("v=0\r\n");
  out.append("o=");
  append_sanitized(out, d.origin.username);
  out.push_back(' ');
  append_number(out, d.origin.session_id);
  out.push_back(' ');
  append_number(out, d.origin.session_version);
  out.push_back(' ');
  append_sanitized(out, d.origin.net_type);
  out.push_back(' ');
  append_sanitized(out, d.origin.addr_type);
  out.push_back(' ');
  append_sanitized(out, d.origin.address);
  out.append("\r\n");
  append_line(out, 's', d.session_name);
  append_fields(out, d.fields, 0, kConnectionRank - 1);
  if (d.connection) append_connection(out, *d.connection);
  append_fields(out, d.fields, kConnectionRank + 1, field_rank('b'));
  out.append("t=");
  append_number(out, d.timing.start);
  out.push_back(' ');
  append_number(out, d.timing.stop);
  out.append("\r\n");
  append_fields(out, d.fields, field_rank('t'), 100);
  for (const Attribute& a : d.attributes)
    append_attribute(out, a);
  if (d.direction) append_direction(out, *d.direction);
  for (const MediaDescription& m : d.media)
    append_media(out, m);
  return out;
}

}  // namespace dzvin::sdp
