#pragma once
// SipMessage: one received or built SIP message, held as a single buffer plus string_views
// into it (RFC 3261 §7). Parsing never copies header text: header folding is undone in place
// (the CRLF of a continuation line is overwritten with spaces, which LWS rules make
// equivalent). The header index lives inline in the object, so parsing allocates nothing
// beyond the buffer the message arrives in.
#include <array>
#include <cstdint>
#include <new>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "base/result.hpp"
#include "sip/header_id.hpp"
#include "sip/method.hpp"
#include "sip/via.hpp"

namespace dzvin::sip {

struct Header {
  HeaderId id = HeaderId::other;
  std::string_view name;   // as written
  std::string_view value;  // trimmed of leading/trailing LWS; may hold commas (CommaList)
};

// Bounds applied to input from the network. Exceeding them is an error carrying the status
// to answer with: 513 Message Too Large (whole message), 413 Request Entity Too Large (body),
// 400 Bad Request (header count or header line length).
struct MessageLimits {
  std::size_t max_message_bytes = 65535;
  std::size_t max_body_bytes = 60000;
  std::size_t max_headers = 96;  // also the size of the inline index
  std::size_t max_header_line_bytes = 8192;
};
inline constexpr std::size_t kMaxHeaders = 96;

// Values every layer needs, extracted once at parse time.
struct CoreHeaders {
  std::string_view call_id;
  std::uint32_t cseq = 0;
  Method cseq_method = Method::unknown;
  std::string_view cseq_method_text;
  std::string_view from_tag;
  std::string_view to_tag;
  Via top_via;  // valid when has_via
  bool has_via = false;
  std::optional<std::size_t> content_length;  // absent when no Content-Length header
  std::optional<std::uint32_t> max_forwards;
};

class SipMessage {
 public:
  SipMessage() noexcept {}  // NOLINT: user-provided so that header_storage_ is left raw
  // The views point into buffer_. A move normally hands the heap block over unchanged; when it
  // does not (a short string kept in the small-string buffer), the views are re-based onto the
  // new block by their offsets, so a moved message is always usable.
  SipMessage(SipMessage&&) noexcept;
  SipMessage& operator=(SipMessage&&) noexcept;
  SipMessage(const SipMessage&) = delete;
  SipMessage& operator=(const SipMessage&) = delete;

  bool is_request() const { return is_request_; }
  bool is_response() const { return !is_request_; }

  // Request line.
  Method method() const { return method_; }
  std::string_view method_text() const { return method_text_; }
  std::string_view request_uri() const { return request_uri_; }
  // Status line.
  int status() const { return status_; }
  std::string_view reason() const { return reason_; }
  std::string_view version() const { return version_; }  // "SIP/2.0"

  std::span<const Header> headers() const {
    return header_count_ == 0 ? std::span<const Header>{}
                              : std::span<const Header>{header_slots(), header_count_};
  }
  // First header with that id, or nullptr.
  const Header* find(HeaderId id) const;
  // First header with that name (case-insensitive, compact forms understood), or nullptr.
  const Header* find(std::string_view name) const;
  // Value of the first header with that id, empty when absent.
  std::string_view header(HeaderId id) const;
  std::size_t count(HeaderId id) const;

  const CoreHeaders& core() const { return core_; }
  std::string_view body() const { return body_; }
  // The message exactly as received (after in-place unfolding).
  std::string_view raw() const { return {buffer_.data(), raw_size_}; }

 private:
  friend class MessageParser;
  void move_from(SipMessage& other) noexcept;
  std::string buffer_;
  std::size_t raw_size_ = 0;
  bool is_request_ = true;
  Method method_ = Method::unknown;
  std::string_view method_text_, request_uri_, version_, reason_, body_;
  int status_ = 0;
  CoreHeaders core_;
  std::uint32_t header_count_ = 0;
  // The inline header index. Raw storage rather than std::array<Header, N>: a Header has
  // default member initializers, so an array would be zero-filled (~4 KB) on every
  // construction and move of a message; only the first header_count_ slots are ever live.
  alignas(Header) unsigned char header_storage_[sizeof(Header) * kMaxHeaders];
  // Where the k-th Header is constructed (placement new); header_slots() reads live ones
  // (only while header_count_ > 0).
  void* header_slot_address(std::size_t k) { return header_storage_ + k * sizeof(Header); }
  Header* header_slots() { return std::launder(reinterpret_cast<Header*>(header_storage_)); }
  const Header* header_slots() const {
    return std::launder(reinterpret_cast<const Header*>(header_storage_));
  }
};

// Parses one complete datagram (UDP) or one framed message (TCP, see StreamFramer). The
// buffer is taken over by the message. Checks the syntax of the start line, every header
// line, and what CoreHeaders extracts: the top via-parm, CSeq, Call-ID, the structure and
// parameters of From and To (their tags), Content-Length, Max-Forwards. What only a request
// to be answered needs (the Request-URI's grammar, every via-parm, the From/To URIs) is left
// to validate_request, so that relaying or matching a message does not pay for it. The body
// length must match Content-Length when present
// (§18.3: on UDP a longer datagram is truncated to Content-Length, a shorter one rejected).
// Errors carry the status to answer with (400, 413, 505, 513) and a reason that says what
// was wrong, suitable for a reason phrase (printable ASCII only). A request with a well-formed
// but unsupported version ("SIP/7.0") parses, so that its 505 can be built: validate_request
// returns it; a response with one is a 505 error here. Safe on any byte sequence.
Result<SipMessage> parse_message(std::string buffer, const MessageLimits& limits = {});

// Request validation beyond syntax, as a UAS/registrar core does it (RFC 3261 §8.2), in this
// order: SIP version (505); To, From, Call-ID, CSeq and Via present, To/From/Call-ID/CSeq/
// Max-Forwards at most once (400; a missing Max-Forwards passes, §16.3); every via-parm
// well-formed (400); a method the stack
// does not know at all (501, §8.2.1; 405 for known but unhandled methods is the caller's);
// CSeq method matches the request method (400); Request-URI well-formed (400), scheme
// sip/sips/tel (416) and without headers (400); From and To URIs well-formed (400); Date in GMT
// form, Contact values well-formed, the To of a REGISTER a SIP/SIPS URI (400); Require with option
// tags not in `supported_extensions` (420, not for ACK/CANCEL; the error message is exactly the
// list for the Unsupported header, e.g. "foo, bar"). Max-Forwards 0 is not an error here (see
// check_max_forwards).
Result<void> validate_request(const SipMessage& request,
                              std::span<const std::string_view> supported_extensions = {});
// validate_request is the check of a UAS or registrar core, which processes a request with
// Max-Forwards 0 normally (RFC 4475 §3.3.11). Code that forwards a request (a proxy, or a
// B2BUA relaying it) calls this too: 483 Too Many Hops when Max-Forwards is 0 (RFC 3261 §16.3).
Result<void> check_max_forwards(const SipMessage& request);

}  // namespace dzvin::sip
