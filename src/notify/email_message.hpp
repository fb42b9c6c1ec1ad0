#pragma once
// EmailMessage: one notification as a value, and format_email, which turns it into the bytes
// an SMTP server is given (RFC 5322 + MIME, RFC 2045-2047): CRLF line ends, every line far
// below 998 characters, non-ASCII header text as RFC 2047 encoded words, bodies in base64 so
// any UTF-8 text or binary attachment passes any relay unchanged. Everything that reaches a
// header is checked first: a CR, LF or NUL would let a caller's number or a box name add
// headers of its own (header injection), so they are refused, never stripped.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.hpp"
#include "base/result.hpp"

namespace dzvin::notify {

struct EmailAttachment {
  std::string filename;      // UTF-8; written as RFC 2231 filename* when not plain ASCII
  std::string content_type;  // type/subtype, e.g. "audio/wav"; empty: application/octet-stream
  std::vector<std::byte> bytes;
};

struct EmailMessage {
  std::string from;       // addr-spec: "pbx@example.com"
  std::string from_name;  // display name (UTF-8); may be empty
  std::vector<std::string> to;
  std::string subject;  // UTF-8
  std::string text;     // UTF-8 plain text; LF or CRLF line ends
  std::optional<EmailAttachment> attachment;
  WallTime date;
  std::string message_id_domain;  // right side of the Message-ID; empty: the domain of `from`
};

// A plain addr-spec: exactly one '@', non-empty local part and domain, at most 254 bytes,
// printable ASCII without spaces, angle brackets, quotes, commas or other specials (no quoted
// local parts, no IDN: a domain is given in its punycode form). Error NotifyErrc::invalid_header
// for CR, LF or NUL, NotifyErrc::invalid_address for anything else.
Result<void> check_address(std::string_view address);

// RFC 5322 §3.3 date-time in UTC: "Mon, 23 Nov 2026 19:10:00 +0000".
std::string rfc5322_date(WallTime t);

// The complete message: headers From, To, Subject, Date, Message-ID (random, RFC 5322 §3.6.4),
// MIME-Version, Auto-Submitted (RFC 3834, so that vacation responders stay quiet), then the
// text as text/plain; charset=UTF-8 in base64, inside multipart/mixed with a random boundary
// when there is an attachment. Errors name the offending field.
Result<std::string> format_email(const EmailMessage& message);

}  // namespace dzvin::notify
