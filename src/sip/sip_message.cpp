#include "sip/sip_message.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <memory>
#include <new>
#include <string>
#include <type_traits>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "sip/header_values.hpp"
#include "sip/name_addr.hpp"
#include "sip/uri.hpp"

namespace dzvin::sip {

// The header index is raw storage filled with placement new and copied with memcpy semantics.
static_assert(std::is_trivially_copyable_v<Header> && std::is_trivially_destructible_v<Header>);

namespace {

constexpr bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
constexpr bool is_wsp(char c) {
  return c == ' ' || c == '\t';
}

// Octets that end the fast scan of a header line: CR, LF and the other controls (HTAB excepted)
// that RFC 3261 §25.1 TEXT-UTF8char and the header grammars never allow.
constexpr std::array<bool, 256> make_line_stop() {
  std::array<bool, 256> t{};
  for (int c = 0; c < 0x20; ++c)
    t[static_cast<std::size_t>(c)] = true;
  t['\t'] = false;
  t[0x7f] = true;
  return t;
}
constexpr std::array<bool, 256> kLineStop = make_line_stop();

// The first index at or after i where a line stops (kLineStop), or n. Many octets at a time:
// header lines are most of a message and almost never hold a control character.
std::size_t find_line_stop(const char* p, std::size_t i, std::size_t n) {
#if defined(__SSE2__)
  // Sixteen at a time where SSE2 is there (every x86-64): stop = (x <= 0x1F or x == 0x7F)
  // and x != HTAB, computed exactly, first hit by the mask's lowest bit.
  const __m128i kLastControl = _mm_set1_epi8(0x1f);
  const __m128i kDel = _mm_set1_epi8(0x7f);
  const __m128i kTab = _mm_set1_epi8('\t');
  while (i + 16 <= n) {
    const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
    const __m128i control = _mm_cmpeq_epi8(_mm_min_epu8(x, kLastControl), x);
    const __m128i stop =
        _mm_andnot_si128(_mm_cmpeq_epi8(x, kTab), _mm_or_si128(control, _mm_cmpeq_epi8(x, kDel)));
    const auto mask = static_cast<unsigned>(_mm_movemask_epi8(stop));
    if (mask != 0) return i + static_cast<std::size_t>(__builtin_ctz(mask));
    i += 16;
  }
#endif
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
  constexpr std::uint64_t kHighs = 0x8080808080808080ULL;
  while (true) {
    while (i + 8 <= n) {
      std::uint64_t x;
      std::memcpy(&x, p + i, 8);
      // Classic "has a byte < 0x20" and "has a byte == 0x7F" tests (exact as a whole word).
      const std::uint64_t below_space = (x - kOnes * 0x20) & ~x & kHighs;
      const std::uint64_t y = x ^ (kOnes * 0x7f);
      const std::uint64_t del = (y - kOnes) & ~y & kHighs;
      if ((below_space | del) != 0) break;
      i += 8;
    }
    const std::size_t end = std::min(i + 8, n);
    while (i < end && !kLineStop[static_cast<unsigned char>(p[i])])
      ++i;
    if (i < end || i >= n) return i;
    // Only HTABs set the flags in that word: carry on.
  }
}

// Error texts become reason phrases: quote input only as printable ASCII, and not much of it.
std::string printable(std::string_view s, std::size_t max = 40) {
  std::string out;
  const std::size_t n = std::min(s.size(), max);
  out.reserve(n + 3);
  for (std::size_t i = 0; i < n; ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    out.push_back(c >= 0x20 && c < 0x7f ? static_cast<char>(c) : '?');
  }
  if (s.size() > max) out += "...";
  return out;
}

Error bad(std::string message) {
  return make_error(400, std::move(message));
}

// SIP-Version = "SIP" "/" 1*DIGIT "." 1*DIGIT ("SIP" is case-insensitive, RFC 3261 §7.1).
bool is_sip_version(std::string_view v) {
  if (v.size() < 7 || !iequals(v.substr(0, 4), "SIP/")) return false;
  std::size_t i = 4;
  const std::size_t major = i;
  while (i < v.size() && is_digit(v[i]))
    ++i;
  if (i == major || i >= v.size() || v[i] != '.') return false;
  ++i;
  const std::size_t minor = i;
  while (i < v.size() && is_digit(v[i]))
    ++i;
  return i > minor && i == v.size();
}

// Parses 1*DIGIT (leading zeros allowed, RFC 4475 §3.1.1.1) up to `max`; false when the text
// is not a number or exceeds max.
bool parse_bounded(std::string_view s, std::uint64_t max, std::uint64_t& out) {
  if (s.empty()) return false;
  std::uint64_t v = 0;
  for (char c : s) {
    if (!is_digit(c)) return false;
    v = v * 10 + static_cast<std::uint64_t>(c - '0');
    if (v > max) return false;
  }
  out = v;
  return true;
}

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  return std::all_of(s.begin(), s.end(), is_digit);
}

// callid = word [ "@" word ] (RFC 3261 §25.1).
constexpr std::array<bool, 256> make_word_table() {
  std::array<bool, 256> t = detail::make_token_table();
  for (char c : std::string_view("()<>:\\\"/[]?{}"))
    t[static_cast<unsigned char>(c)] = true;
  return t;
}
constexpr std::array<bool, 256> kWordChars = make_word_table();

bool is_call_id(std::string_view s) {
  auto word_end = [&](std::size_t i) { return span_of(kWordChars, s.data(), i, s.size()); };
  const std::size_t first = word_end(0);
  if (first == 0) return false;
  if (first == s.size()) return true;
  if (s[first] != '@' || first + 1 == s.size()) return false;
  return word_end(first + 1) == s.size();
}

// Calls f for each element of a comma list and returns false when the list has an empty
// element (",," or a leading/trailing comma), which RFC 3261 §7.3.1 does not allow although
// CommaList skips them. The gaps between elements must hold exactly one comma each.
template <class F>
bool for_each_strict(std::string_view value, F&& f) {
  auto commas_in = [&](const char* from, const char* to) {
    return static_cast<std::size_t>(std::count(from, to, ','));
  };
  const char* prev_end = value.data();
  bool first = true;
  for (std::string_view element : CommaList(value)) {
    if (commas_in(prev_end, element.data()) != (first ? 0u : 1u)) return false;
    first = false;
    prev_end = element.data() + element.size();
    if (!f(element)) return true;
  }
  return commas_in(prev_end, value.data() + value.size()) == 0;
}

void rebase_view(std::string_view& v, std::uintptr_t old_begin, std::uintptr_t old_end,
                 const char* new_begin) {
  const auto p = reinterpret_cast<std::uintptr_t>(v.data());
  if (v.data() != nullptr && p >= old_begin && p <= old_end) {
    v = std::string_view(new_begin + (p - old_begin), v.size());
  }
}

}  // namespace

// Does the parse of one message; a friend of SipMessage so that the message type keeps no
// parsing state or setters in its public interface.
class MessageParser {
 public:
  MessageParser(SipMessage& m, std::string&& buffer, const MessageLimits& limits)
      : m_(m), limits_(limits) {
    m_.buffer_ = std::move(buffer);
  }

  Result<void> parse() {
    std::string& buf = m_.buffer_;
    const std::size_t n = buf.size();
    if (n > limits_.max_message_bytes) {
      return make_error(513, "Message too large: " + std::to_string(n) + " bytes, limit " +
                                 std::to_string(limits_.max_message_bytes));
    }
    data_ = buf.data();
    size_ = n;
    std::size_t pos = 0;
    // RFC 3261 §7.5: CRLFs before the start-line are ignored.
    while (pos < n && (data_[pos] == '\r' || data_[pos] == '\n'))
      ++pos;
    if (pos == n) return bad("Empty message");

    const std::size_t line_end = find_line_stop(data_, pos, n);
    if (line_end == n) return bad("Start line not terminated by CRLF");
    if (data_[line_end] != '\r' && data_[line_end] != '\n') {
      return bad("Control character in start line");
    }
    if (auto r = parse_start_line(view(pos, line_end)); !r) return r;
    pos = skip_eol(line_end);

    if (auto r = parse_headers(pos); !r) return r;
    if (auto r = extract_core(); !r) return r;
    return frame_body(pos);
  }

 private:
  std::string_view view(std::size_t from, std::size_t to) const {
    return {data_ + from, to - from};
  }
  // Position after the line terminator at `i` (CRLF or a bare LF, accepted for robustness).
  std::size_t skip_eol(std::size_t i) const {
    if (i < size_ && data_[i] == '\r') ++i;
    if (i < size_ && data_[i] == '\n') ++i;
    return i;
  }

  Result<void> parse_start_line(std::string_view line) {
    if (line.size() >= 4 && iequals(line.substr(0, 4), "SIP/")) return parse_status_line(line);
    return parse_request_line(line);
  }

  // Status-Line = SIP-Version SP Status-Code SP Reason-Phrase (RFC 3261 §7.2).
  Result<void> parse_status_line(std::string_view line) {
    m_.is_request_ = false;
    const std::size_t sp = line.find(' ');
    m_.version_ = line.substr(0, sp);
    if (!is_sip_version(m_.version_)) {
      return bad("Bad status line: malformed SIP version '" + printable(m_.version_) + "'");
    }
    if (sp == std::string_view::npos) return bad("Bad status line: status code missing");
    const std::string_view rest = line.substr(sp + 1);
    std::size_t digits = 0;
    while (digits < rest.size() && is_digit(rest[digits]))
      ++digits;
    if (digits != 3 || (digits < rest.size() && rest[digits] != ' ')) {
      return bad("Bad status line: status code must be 3 digits");
    }
    m_.status_ = (rest[0] - '0') * 100 + (rest[1] - '0') * 10 + (rest[2] - '0');
    if (m_.status_ < 100 || m_.status_ > 699) {
      return bad("Bad status line: status code " + std::to_string(m_.status_) + " out of range");
    }
    // A missing reason (no SP at all) is tolerated: an empty phrase is valid (RFC 4475
    // §3.1.1.13) and some peers drop the space with it.
    m_.reason_ = digits < rest.size() ? rest.substr(digits + 1) : std::string_view{};
    if (m_.version_ != "SIP/2.0" && !iequals(m_.version_, "SIP/2.0")) {
      return make_error(505, "Unsupported SIP version '" + printable(m_.version_) + "'");
    }
    return {};
  }

  // Request-Line = Method SP Request-URI SP SIP-Version (RFC 3261 §7.1): exactly one SP
  // between elements (RFC 4475 §3.1.2.9, §3.1.2.10).
  Result<void> parse_request_line(std::string_view line) {
    m_.is_request_ = true;
    const std::size_t sp1 = line.find(' ');
    if (sp1 == std::string_view::npos) return bad("Bad request line: no spaces");
    m_.method_text_ = line.substr(0, sp1);
    if (!is_token(m_.method_text_)) {
      return bad("Bad request line: invalid method '" + printable(m_.method_text_) + "'");
    }
    const std::size_t sp2 = line.find(' ', sp1 + 1);
    if (sp2 == std::string_view::npos) return bad("Bad request line: SIP version missing");
    m_.request_uri_ = line.substr(sp1 + 1, sp2 - sp1 - 1);
    if (m_.request_uri_.empty()) return bad("Bad request line: more than one space after method");
    m_.version_ = line.substr(sp2 + 1);
    if (!is_sip_version(m_.version_)) {
      return bad("Bad request line: malformed SIP version '" + printable(m_.version_) + "'");
    }
    if (m_.request_uri_.front() == '<') {
      return bad("Bad Request-URI: must not be enclosed in <>");  // RFC 4475 §3.1.2.7
    }
    // The URI's own grammar is checked by validate_request: parsing only frames the message.
    m_.method_ = parse_method(m_.method_text_);
    // An unsupported but well-formed version is left to validate_request (505), so that the
    // answer can be built from the parsed request.
    return {};
  }

  Result<void> parse_headers(std::size_t& pos) {
    const std::size_t max_headers = std::min(limits_.max_headers, kMaxHeaders);
    while (true) {
      if (pos >= size_) return {};  // headers end at the end of data: tolerated, empty body
      const char first = data_[pos];
      if (first == '\r' || first == '\n') {
        const std::size_t after = skip_eol(pos);
        if (first == '\r' && (after == pos + 1)) return bad("Bare CR in header section");
        pos = after;
        return {};
      }
      if (is_wsp(first)) return bad("Continuation line without a header before it");

      const std::size_t start = pos;
      pos = span_of(detail::kTokenChars, data_, pos, size_);
      const std::string_view name = view(start, pos);
      if (name.empty()) return bad("Malformed header line: invalid header name");
      // HCOLON = *( SP / HTAB ) ":" SWS
      while (pos < size_ && is_wsp(data_[pos]))
        ++pos;
      if (pos >= size_ || data_[pos] != ':') {
        return bad("Malformed header line: no colon after '" + printable(name) + "'");
      }
      ++pos;
      const std::size_t value_start = pos;
      std::size_t content_end = pos;
      while (true) {
        std::size_t i = pos;
        char c = '\0';
        while (true) {
          i = find_line_stop(data_, i, size_);
          if (i >= size_) break;
          c = data_[i];
          // RFC 3261 §25.1 quoted-pair: a backslash may escape any octet but CR and LF, so a
          // control character is allowed right after one (RFC 4475 §3.1.1.2 quotes a NUL).
          if (c != '\r' && c != '\n' && i > pos && data_[i - 1] == '\\') {
            ++i;
            continue;
          }
          break;
        }
        if (i >= size_) {  // last line without terminator: tolerated
          content_end = i;
          pos = i;
          break;
        }
        if (c == '\r' && !(i + 1 < size_ && data_[i + 1] == '\n')) {
          return bad("Bare CR in header '" + printable(name) + "'");
        }
        if (c != '\r' && c != '\n') {
          return bad("Control character in header '" + printable(name) + "'");
        }
        const std::size_t next = skip_eol(i);
        if (next < size_ && is_wsp(data_[next])) {
          // RFC 3261 §7.3.1 folding: the CRLF and the leading whitespace of the continuation
          // are one LWS, so overwriting the CRLF with spaces unfolds in place.
          for (std::size_t k = i; k < next; ++k)
            data_[k] = ' ';
          pos = next;
          if (pos - start > limits_.max_header_line_bytes) return line_too_long(name);
          continue;
        }
        content_end = i;
        pos = next;
        break;
      }
      if (content_end - start > limits_.max_header_line_bytes) return line_too_long(name);
      if (m_.header_count_ >= max_headers) {
        return bad("Too many headers: more than " + std::to_string(max_headers));
      }
      new (m_.header_slot_address(m_.header_count_))
          Header{lookup_token_header_id(name), name, trim_lws(view(value_start, content_end))};
      ++m_.header_count_;
    }
  }

  Error line_too_long(std::string_view name) const {
    return bad("Header line too long: '" + printable(name) + "' exceeds " +
               std::to_string(limits_.max_header_line_bytes) + " bytes");
  }

  Result<void> extract_core() {
    CoreHeaders& core = m_.core_;
    bool have_cseq = false, have_call_id = false, have_from = false, have_to = false;
    bool have_max_forwards = false;
    for (std::uint32_t k = 0; k < m_.header_count_; ++k) {
      const Header& h = m_.header_slots()[k];
      switch (h.id) {
        case HeaderId::via:
          if (!core.has_via) {
            if (auto r = parse_top_via(h.value); !r) return r;
          }
          break;
        case HeaderId::cseq:
          if (!have_cseq) {
            have_cseq = true;
            if (auto r = parse_cseq(h.value); !r) return r;
          }
          break;
        case HeaderId::call_id:
          if (!have_call_id) {
            have_call_id = true;
            if (!is_call_id(h.value)) {
              return bad("Bad Call-ID header: '" + printable(h.value) + "' is not a valid Call-ID");
            }
            core.call_id = h.value;
          }
          break;
        case HeaderId::from:
        case HeaderId::to: {
          const bool is_from = h.id == HeaderId::from;
          bool& have = is_from ? have_from : have_to;
          if (have) break;
          have = true;
          // Only the structure and the tag here; validate_request checks the URI and params.
          auto na = split_name_addr(h.value);
          if (!na) {
            return bad(std::string(is_from ? "Bad From header: " : "Bad To header: ") +
                       na.error().message);
          }
          // tag-param = "tag" EQUAL token (RFC 3261 §25.1).
          const auto tag = na->params.empty() ? std::nullopt : find_param(na->params, "tag");
          if (tag && !is_token(*tag)) {
            return bad(std::string(is_from ? "Bad From header: " : "Bad To header: ") +
                       "tag is not a token");
          }
          (is_from ? core.from_tag : core.to_tag) = tag.value_or(std::string_view{});
          break;
        }
        case HeaderId::content_length: {
          // Two lengths leave the framing ambiguous (RFC 4475 §3.3.9): refuse.
          if (core.content_length) return bad("Bad Content-Length: header repeated");
          std::uint64_t v = 0;
          if (!all_digits(h.value)) {
            return bad("Bad Content-Length header: '" + printable(h.value) + "' is not a number");
          }
          if (!parse_bounded(h.value, 0xffffffffu, v)) {
            return bad("Bad Content-Length header: value too large");
          }
          core.content_length = static_cast<std::size_t>(v);
          break;
        }
        case HeaderId::max_forwards: {
          if (have_max_forwards) break;
          have_max_forwards = true;
          std::uint64_t v = 0;
          // RFC 3261 §20.22: an integer in the range 0-255.
          if (!parse_bounded(h.value, 255, v)) {
            return bad(all_digits(h.value) ? "Bad Max-Forwards header: value above 255"
                                           : "Bad Max-Forwards header: not a number");
          }
          core.max_forwards = static_cast<std::uint32_t>(v);
          break;
        }
        default:
          break;
      }
    }
    return {};
  }

  // The top via-parm is what transactions match on; the others are checked by
  // validate_request before a response copies them (§8.2.6.2).
  Result<void> parse_top_via(std::string_view value) {
    const CommaList list(value);
    if (list.begin() == list.end()) return bad("Bad Via header: empty");
    if (auto r = parse_via_into(*list.begin(), m_.core_.top_via); !r) {
      m_.core_.top_via = Via{};
      return bad("Bad Via header: " + r.error().message);
    }
    m_.core_.has_via = true;
    return {};
  }

  // CSeq = 1*DIGIT LWS Method (RFC 3261 §20.16); the number is below 2**31 (§8.1.1.5).
  Result<void> parse_cseq(std::string_view value) {
    std::size_t i = 0;
    while (i < value.size() && is_digit(value[i]))
      ++i;
    if (i == 0) return bad("Bad CSeq header: sequence number missing");
    std::uint64_t number = 0;
    if (!parse_bounded(value.substr(0, i), 0x7fffffffu, number)) {
      return bad("Bad CSeq header: sequence number above 2**31-1");
    }
    const std::size_t digits_end = i;
    while (i < value.size() && (is_wsp(value[i]) || value[i] == '\r' || value[i] == '\n'))
      ++i;
    if (i == value.size()) return bad("Bad CSeq header: method missing");
    if (i == digits_end) return bad("Bad CSeq header: no space between number and method");
    const std::string_view method = value.substr(i);
    if (!is_token(method))
      return bad("Bad CSeq header: invalid method '" + printable(method) + "'");
    m_.core_.cseq = static_cast<std::uint32_t>(number);
    m_.core_.cseq_method_text = method;
    m_.core_.cseq_method = parse_method(method);
    return {};
  }

  // RFC 3261 §18.3: Content-Length counts the body; on a datagram a longer body is
  // truncated to it, a shorter one is an error; without the header the body is the rest.
  Result<void> frame_body(std::size_t body_start) {
    const std::size_t available = size_ - body_start;
    std::size_t length = available;
    if (m_.core_.content_length) {
      length = *m_.core_.content_length;
      if (length > limits_.max_body_bytes) {
        return make_error(413, "Body too large: Content-Length " + std::to_string(length) +
                                   ", limit " + std::to_string(limits_.max_body_bytes));
      }
      if (length > available) {
        return bad("Content-Length " + std::to_string(length) + " larger than the body (" +
                   std::to_string(available) + " bytes)");
      }
    } else if (length > limits_.max_body_bytes) {
      return make_error(413, "Body too large: " + std::to_string(length) + " bytes, limit " +
                                 std::to_string(limits_.max_body_bytes));
    }
    m_.body_ = view(body_start, body_start + length);
    m_.raw_size_ = body_start + length;
    return {};
  }

  SipMessage& m_;
  const MessageLimits& limits_;
  char* data_ = nullptr;
  std::size_t size_ = 0;
};

SipMessage::SipMessage(SipMessage&& other) noexcept {
  move_from(other);
}

SipMessage& SipMessage::operator=(SipMessage&& other) noexcept {
  if (this != &other) move_from(other);
  return *this;
}

void SipMessage::move_from(SipMessage& other) noexcept {
  const auto old_begin = reinterpret_cast<std::uintptr_t>(other.buffer_.data());
  const auto old_end = old_begin + other.buffer_.size();
  buffer_ = std::move(other.buffer_);
  raw_size_ = other.raw_size_;
  is_request_ = other.is_request_;
  method_ = other.method_;
  method_text_ = other.method_text_;
  request_uri_ = other.request_uri_;
  version_ = other.version_;
  reason_ = other.reason_;
  body_ = other.body_;
  status_ = other.status_;
  core_ = other.core_;
  header_count_ = other.header_count_;
  for (std::uint32_t k = 0; k < header_count_; ++k) {
    new (header_slot_address(k)) Header(other.header_slots()[k]);
  }

  other.buffer_.clear();
  other.raw_size_ = 0;
  other.method_text_ = other.request_uri_ = other.version_ = other.reason_ = other.body_ = {};
  other.core_ = CoreHeaders{};
  other.header_count_ = 0;

  // std::string moves its heap block, but a string in its small buffer is copied: then every
  // view into the old bytes is moved over by its offset.
  if (reinterpret_cast<std::uintptr_t>(buffer_.data()) == old_begin) return;
  const char* nb = buffer_.data();
  for (std::string_view* v :
       {&method_text_, &request_uri_, &version_, &reason_, &body_, &core_.call_id,
        &core_.cseq_method_text, &core_.from_tag, &core_.to_tag, &core_.top_via.protocol,
        &core_.top_via.transport, &core_.top_via.host, &core_.top_via.branch,
        &core_.top_via.received, &core_.top_via.params, &core_.top_via.text}) {
    rebase_view(*v, old_begin, old_end, nb);
  }
  for (std::uint32_t k = 0; k < header_count_; ++k) {
    rebase_view(header_slots()[k].name, old_begin, old_end, nb);
    rebase_view(header_slots()[k].value, old_begin, old_end, nb);
  }
}

const Header* SipMessage::find(HeaderId id) const {
  for (std::uint32_t k = 0; k < header_count_; ++k) {
    if (header_slots()[k].id == id) return &header_slots()[k];
  }
  return nullptr;
}

const Header* SipMessage::find(std::string_view name) const {
  const HeaderId id = lookup_header_id(name);
  if (id != HeaderId::other) return find(id);
  for (std::uint32_t k = 0; k < header_count_; ++k) {
    const Header& h = header_slots()[k];
    if (h.id == HeaderId::other && iequals(h.name, name)) return &h;
  }
  return nullptr;
}

std::string_view SipMessage::header(HeaderId id) const {
  const Header* h = find(id);
  return h ? h->value : std::string_view{};
}

std::size_t SipMessage::count(HeaderId id) const {
  std::size_t n = 0;
  for (std::uint32_t k = 0; k < header_count_; ++k) {
    if (header_slots()[k].id == id) ++n;
  }
  return n;
}

Result<SipMessage> parse_message(std::string buffer, const MessageLimits& limits) {
  // Parse straight into the result and return that one object (NRVO): moving a parsed
  // message costs a copy of its header index, twice over with Result's by-value constructor.
  Result<SipMessage> result{std::in_place};
  MessageParser parser(*result, std::move(buffer), limits);
  if (auto r = parser.parse(); !r) result = Result<SipMessage>(r.error());
  return result;
}

namespace {

// rfc1123-date = wkday "," SP date1 SP time SP "GMT" (RFC 3261 §20.17: always GMT).
bool is_sip_date(std::string_view d) {
  // "Sat, 13 Nov 2010 23:29:00 GMT"
  if (d.size() != 29) return false;
  static constexpr std::string_view kDays[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
  static constexpr std::string_view kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const auto day_ok = std::find(std::begin(kDays), std::end(kDays), d.substr(0, 3));
  const auto month_ok = std::find(std::begin(kMonths), std::end(kMonths), d.substr(8, 3));
  auto digits = [&](std::size_t at, std::size_t n) { return all_digits(d.substr(at, n)); };
  return day_ok != std::end(kDays) && d.substr(3, 2) == ", " && digits(5, 2) && d[7] == ' ' &&
         month_ok != std::end(kMonths) && d[11] == ' ' && digits(12, 4) && d[16] == ' ' &&
         digits(17, 2) && d[19] == ':' && digits(20, 2) && d[22] == ':' && digits(23, 2) &&
         d.substr(25) == " GMT";
}

}  // namespace

Result<void> validate_request(const SipMessage& request,
                              std::span<const std::string_view> supported_extensions) {
  if (!request.is_request()) return bad("Not a request");
  // RFC 3261 §8.2: version first, since nothing else can be trusted under another version.
  if (!iequals(request.version(), "SIP/2.0")) {
    return make_error(505, "Unsupported SIP version '" + printable(request.version()) + "'");
  }
  // §8.1.1: mandatory headers; the single-valued ones at most once (RFC 4475 §3.3.8).
  for (HeaderId id :
       {HeaderId::to, HeaderId::from, HeaderId::call_id, HeaderId::cseq, HeaderId::via}) {
    if (request.count(id) == 0)
      return bad("Missing " + std::string(canonical_name(id)) + " header");
  }
  for (HeaderId id :
       {HeaderId::to, HeaderId::from, HeaderId::call_id, HeaderId::cseq, HeaderId::max_forwards}) {
    if (request.count(id) > 1) {
      return bad("More than one " + std::string(canonical_name(id)) + " header");
    }
  }
  // Every via-parm, not only the top one that parsing checked: the response copies them all.
  for (const Header& h : request.headers()) {
    if (h.id != HeaderId::via) continue;
    Result<void> result;
    std::size_t elements = 0;
    const bool strict = for_each_strict(h.value, [&](std::string_view element) {
      ++elements;
      auto via = parse_via(element);
      if (!via) result = bad("Bad Via header: " + via.error().message);
      return via.ok();
    });
    if (!result) return result;
    if (!strict) return bad("Bad Via header: empty value in list");
    if (elements == 0) return bad("Bad Via header: empty");
  }
  // §8.2.1: a method we do not know at all is 501 (RFC 4475 §3.1.1.2, §3.1.1.5, §3.1.2.18);
  // one we know but do not handle (405) is for the caller to decide.
  if (request.method() == Method::unknown) {
    return make_error(501, "Unknown method '" + printable(request.method_text()) + "'");
  }
  // §8.1.1.5: the CSeq method matches the request method (RFC 4475 §3.1.2.17).
  if (request.core().cseq_method_text != request.method_text()) {
    return bad("Bad CSeq header: method '" + printable(request.core().cseq_method_text) +
               "' does not match request method '" + printable(request.method_text()) + "'");
  }
  const auto uri = parse_uri(request.request_uri());
  if (!uri) return bad("Bad Request-URI: " + uri.error().message);
  // §8.2.2.1: a scheme we do not understand is 416.
  if (uri->scheme == Uri::Scheme::other) {
    return make_error(416, "Unsupported URI scheme '" + printable(uri->scheme_text) + "'");
  }
  // §19.1.1 table: headers are not allowed in a Request-URI (RFC 4475 §3.1.2.11).
  if (!uri->headers.empty()) return bad("Bad Request-URI: headers not allowed");
  // From and To in full (parsing only took their tags).
  auto from = parse_name_addr(request.header(HeaderId::from));
  if (!from) return bad("Bad From header: " + from.error().message);
  auto to = parse_name_addr(request.header(HeaderId::to));
  if (!to) return bad("Bad To header: " + to.error().message);
  // §10.3 step 5: the address of record in a REGISTER's To is a SIP or SIPS URI
  // (RFC 4475 §3.3.4).
  if (request.method() == Method::register_ && to->uri.scheme != Uri::Scheme::sip &&
      to->uri.scheme != Uri::Scheme::sips) {
    return bad("Bad To header: a REGISTER needs a SIP or SIPS URI");
  }
  if (const Header* date = request.find(HeaderId::date); date && !is_sip_date(date->value)) {
    return bad("Bad Date header: expected 'Wkd, DD Mon YYYY HH:MM:SS GMT'");
  }
  for (const Header& h : request.headers()) {
    if (h.id != HeaderId::contact) continue;
    // §20.10: "*" only in REGISTER, alone; otherwise a list of name-addr / addr-spec.
    if (h.value == "*") continue;
    Result<void> result;
    const bool strict = for_each_strict(h.value, [&](std::string_view element) {
      auto contact = parse_name_addr(element);
      if (!contact) result = bad("Bad Contact header: " + contact.error().message);
      return contact.ok();
    });
    if (!result) return result;
    if (!strict) return bad("Bad Contact header: empty value in list");
  }
  // §8.2.2.3: Require with option tags we do not support is 420, listing them; never for
  // ACK or CANCEL, which cannot be refused.
  if (request.method() != Method::ack && request.method() != Method::cancel) {
    std::string unsupported;
    for (const Header& h : request.headers()) {
      if (h.id != HeaderId::require) continue;
      for (std::string_view tag : CommaList(h.value)) {
        if (!is_token(tag)) return bad("Bad Require header: invalid option tag");
        if (std::find(supported_extensions.begin(), supported_extensions.end(), tag) !=
            supported_extensions.end()) {
          continue;
        }
        if (!unsupported.empty()) unsupported += ", ";
        unsupported += tag;
      }
    }
    if (!unsupported.empty()) return make_error(420, unsupported);
  }
  return {};
}

Result<void> check_max_forwards(const SipMessage& request) {
  if (request.core().max_forwards && *request.core().max_forwards == 0) {
    return make_error(483, "Max-Forwards is 0");
  }
  return {};
}

}  // namespace dzvin::sip
