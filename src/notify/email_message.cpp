#include "notify/email_message.hpp"

#include <openssl/rand.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <span>

#include "notify/base64.hpp"
#include "notify/notify_error.hpp"

namespace dzvin::notify {

namespace {

// RFC 5321 §4.5.3.1.3: a path is at most 256 octets including the angle brackets.
constexpr std::size_t kMaxAddress = 254;
constexpr std::size_t kMaxFilename = 200;
// RFC 2047 §2: a line holding encoded words is at most 76 characters.
constexpr std::size_t kMaxEncodedLine = 76;
constexpr std::string_view kWordStart = "=?UTF-8?B?";
constexpr std::string_view kWordEnd = "?=";

Error field_error(NotifyErrc errc, std::string_view field, std::string_view what) {
  return make_error(code(errc), std::string(field) + ": " + std::string(what));
}

bool has_line_break_or_nul(std::string_view v) {
  return v.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos;
}

Result<void> check_header_value(std::string_view field, std::string_view value) {
  if (has_line_break_or_nul(value)) {
    return field_error(NotifyErrc::invalid_header, field, "contains CR, LF or NUL");
  }
  return {};
}

bool is_printable_ascii(std::string_view v) {
  for (char c : v) {
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

// RFC 5322 §3.2.3 specials plus space: none of them may appear in a plain addr-spec part.
bool is_address_char(char c) {
  if (c <= 0x20 || c > 0x7e) return false;
  return std::string_view("()<>[]:;@\\,\"").find(c) == std::string_view::npos;
}

bool is_domain(std::string_view d) {
  if (d.empty() || d.size() > 253 || d.front() == '.' || d.back() == '.') return false;
  if (d.find("..") != std::string_view::npos) return false;
  for (char c : d) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '.';
    if (!ok) return false;
  }
  return true;
}

std::string random_hex(std::size_t bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::array<unsigned char, 32> buf{};
  if (bytes > buf.size()) bytes = buf.size();
  // Without random numbers the process cannot make nonces either: a broken installation.
  if (RAND_bytes(buf.data(), static_cast<int>(bytes)) != 1) {
    std::fputs("dzvin: no random numbers available (RAND_bytes failed)\n", stderr);
    std::abort();
  }
  std::string out;
  for (std::size_t i = 0; i < bytes; ++i) {
    out += kHex[buf[i] >> 4];
    out += kHex[buf[i] & 0x0f];
  }
  return out;
}

std::span<const std::byte> as_byte_span(std::string_view s) {
  return std::as_bytes(std::span(s.data(), s.size()));
}

// The length of the longest prefix of `text` of at most `limit` bytes that does not end
// inside a UTF-8 sequence. Invalid UTF-8 (a long run of continuation bytes) is cut anyway, so
// that every call makes progress.
std::size_t utf8_prefix(std::string_view text, std::size_t limit) {
  if (text.size() <= limit) return text.size();
  std::size_t cut = limit;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xc0) == 0x80)
    --cut;
  return cut == 0 ? limit : cut;
}

// RFC 2047 encoded words for a header whose name (and ": ") take `used` characters of the
// first line. Each word holds whole UTF-8 characters so that a reader decoding words one by
// one never sees half a character; words are joined by CRLF SP (folding), which a reader
// drops between adjacent encoded words (RFC 2047 §6.2).
std::string encoded_words(std::string_view text, std::size_t used) {
  const std::size_t overhead = kWordStart.size() + kWordEnd.size();
  std::string out;
  std::size_t line_budget = kMaxEncodedLine - used;
  do {
    const std::size_t base64_chars = line_budget > overhead ? line_budget - overhead : 4;
    const std::size_t max_bytes = std::max<std::size_t>(base64_chars / 4 * 3, 3);
    const std::size_t take = utf8_prefix(text, max_bytes);
    if (!out.empty()) out += "\r\n ";
    out += kWordStart;
    out += base64_encode(text.substr(0, take));
    out += kWordEnd;
    text.remove_prefix(take);
    line_budget = kMaxEncodedLine - 1;  // continuation lines start with one space
  } while (!text.empty());
  return out;
}

// Unstructured header text (RFC 5322 §3.2.5): as is when it is short printable ASCII that
// cannot be mistaken for an encoded word, else encoded words.
std::string header_text(std::string_view text, std::size_t used) {
  if (is_printable_ascii(text) && text.find("=?") == std::string_view::npos &&
      used + text.size() <= 78) {
    return std::string(text);
  }
  return encoded_words(text, used);
}

// A display name as a quoted-string when it is printable ASCII, else as encoded words
// (allowed in a phrase, RFC 2047 §5(3)).
std::string display_name(std::string_view name, std::size_t used) {
  if (is_printable_ascii(name) && used + name.size() + 2 <= 78) {
    std::string out = "\"";
    for (char c : name) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
    return out;
  }
  return encoded_words(name, used);
}

bool is_token_char(char c) {
  // RFC 2045 §5.1: token := 1*<any CHAR except SPACE, CTLs, or tspecials>
  return c > 0x20 && c < 0x7f &&
         std::string_view("()<>@,;:\\\"/[]?=").find(c) == std::string_view::npos;
}

bool is_content_type(std::string_view v) {
  const std::size_t slash = v.find('/');
  if (slash == std::string_view::npos || slash == 0 || slash + 1 == v.size()) return false;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (i != slash && !is_token_char(v[i])) return false;
  }
  return true;
}

// RFC 2231 §4 attr-char: what may stay unescaped in filename*=UTF-8''...
bool is_attr_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         std::string_view("!#$&+-.^_`|~").find(c) != std::string_view::npos;
}

std::string filename_parameter(std::string_view filename) {
  if (is_printable_ascii(filename) && filename.find_first_of("\"\\") == std::string_view::npos) {
    return "filename=\"" + std::string(filename) + "\"";
  }
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out = "filename*=UTF-8''";
  for (char c : filename) {
    if (is_attr_char(c)) {
      out += c;
    } else {
      const auto b = static_cast<unsigned char>(c);
      out += '%';
      out += kHex[b >> 4];
      out += kHex[b & 0x0f];
    }
  }
  return out;
}

// RFC 2046 §4.1.1: text bodies are in canonical form (CRLF line ends) before encoding.
std::string canonical_text(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 32);
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\r') {
      out += "\r\n";
      if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
    } else if (c == '\n') {
      out += "\r\n";
    } else {
      out += c;
    }
  }
  return out;
}

void append_text_part_headers(std::string& out) {
  out += "Content-Type: text/plain; charset=UTF-8\r\n";
  out += "Content-Transfer-Encoding: base64\r\n";
}

}  // namespace

Result<void> check_address(std::string_view address) {
  if (has_line_break_or_nul(address)) {
    return make_error(code(NotifyErrc::invalid_header), "address contains CR, LF or NUL");
  }
  auto bad = [&](std::string_view why) {
    return make_error(code(NotifyErrc::invalid_address),
                      "invalid e-mail address '" + std::string(address) + "': " + std::string(why));
  };
  if (address.size() > kMaxAddress) return bad("longer than 254 bytes");
  const std::size_t at = address.find('@');
  if (at == std::string_view::npos) return bad("no '@'");
  if (address.find('@', at + 1) != std::string_view::npos) return bad("more than one '@'");
  const std::string_view local = address.substr(0, at);
  const std::string_view domain = address.substr(at + 1);
  if (local.empty()) return bad("empty local part");
  if (domain.empty()) return bad("empty domain");
  for (char c : local) {
    if (!is_address_char(c)) return bad("character not allowed in the local part");
  }
  if (!is_domain(domain)) return bad("domain must be letters, digits, '-' and '.' (punycode)");
  return {};
}

std::string rfc5322_date(WallTime t) {
  using namespace std::chrono;
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const auto secs = floor<seconds>(t);
  const auto day = floor<days>(secs);
  const year_month_day ymd{day};
  const hh_mm_ss hms{secs - day};
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02u %s %04d %02d:%02d:%02d +0000",
                kDays[weekday{day}.c_encoding()], static_cast<unsigned>(ymd.day()),
                kMonths[static_cast<unsigned>(ymd.month()) - 1], static_cast<int>(ymd.year()),
                static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                static_cast<int>(hms.seconds().count()));
  return buf;
}

Result<std::string> format_email(const EmailMessage& m) {
  if (auto r = check_address(m.from); !r)
    return field_error(static_cast<NotifyErrc>(r.error().code), "from", r.error().message);
  if (m.to.empty()) return field_error(NotifyErrc::invalid_message, "to", "no recipient");
  for (const std::string& to : m.to) {
    if (auto r = check_address(to); !r)
      return field_error(static_cast<NotifyErrc>(r.error().code), "to", r.error().message);
  }
  if (auto r = check_header_value("from_name", m.from_name); !r) return r.error();
  if (auto r = check_header_value("subject", m.subject); !r) return r.error();
  if (auto r = check_header_value("message_id_domain", m.message_id_domain); !r) return r.error();
  std::string_view id_domain = m.message_id_domain;
  if (id_domain.empty()) id_domain = std::string_view(m.from).substr(m.from.find('@') + 1);
  if (!is_domain(id_domain)) {
    return field_error(NotifyErrc::invalid_message, "message_id_domain",
                       "must be letters, digits, '-' and '.'");
  }
  std::string content_type = "application/octet-stream";
  if (m.attachment) {
    if (auto r = check_header_value("attachment.filename", m.attachment->filename); !r) {
      return r.error();
    }
    if (auto r = check_header_value("attachment.content_type", m.attachment->content_type); !r) {
      return r.error();
    }
    if (m.attachment->filename.size() > kMaxFilename) {
      return field_error(NotifyErrc::invalid_message, "attachment.filename",
                         "longer than 200 bytes");
    }
    if (!m.attachment->content_type.empty()) {
      if (!is_content_type(m.attachment->content_type)) {
        return field_error(NotifyErrc::invalid_message, "attachment.content_type",
                           "'" + m.attachment->content_type + "' is not type/subtype");
      }
      content_type = m.attachment->content_type;
    }
  }

  std::string out;
  out.reserve(1024 + m.text.size() * 4 / 3 +
              (m.attachment ? m.attachment->bytes.size() * 4 / 3 * 78 / 76 : 0));
  out += "From: ";
  if (!m.from_name.empty()) {
    out += display_name(m.from_name, 6);
    out += "\r\n <" + m.from + ">\r\n";
  } else {
    out += m.from + "\r\n";
  }
  out += "To: ";
  for (std::size_t i = 0; i < m.to.size(); ++i) {
    if (i > 0) out += ",\r\n ";
    out += m.to[i];
  }
  out += "\r\n";
  out += "Subject: " + header_text(m.subject, 9) + "\r\n";
  out += "Date: " + rfc5322_date(m.date) + "\r\n";
  out += "Message-ID: <" + random_hex(16) + "@" + std::string(id_domain) + ">\r\n";
  out += "MIME-Version: 1.0\r\n";
  out += "Auto-Submitted: auto-generated\r\n";

  const std::string body = base64_encode_lines(as_byte_span(canonical_text(m.text)));
  if (!m.attachment) {
    append_text_part_headers(out);
    out += "\r\n";
    out += body;
    return out;
  }
  // "=_" cannot occur in base64 text, so the boundary never appears inside a part
  // (RFC 2045 §6.7 note 8).
  const std::string boundary = "=_dzvin_" + random_hex(12);
  out += "Content-Type: multipart/mixed; boundary=\"" + boundary + "\"\r\n";
  out += "\r\n";
  out += "This is a MIME message.\r\n";
  out += "--" + boundary + "\r\n";
  append_text_part_headers(out);
  out += "\r\n";
  out += body;
  out += "--" + boundary + "\r\n";
  const std::string filename =
      m.attachment->filename.empty() ? std::string("attachment") : m.attachment->filename;
  out += "Content-Type: " + content_type;
  // Some clients still take the file name from Content-Type's name parameter (RFC 1341),
  // which Content-Disposition (RFC 2183) replaced.
  if (is_printable_ascii(filename) && filename.find_first_of("\"\\") == std::string::npos) {
    out += "; name=\"" + filename + "\"";
  }
  out += "\r\n";
  out += "Content-Transfer-Encoding: base64\r\n";
  out += "Content-Disposition: attachment; " + filename_parameter(filename) + "\r\n";
  out += "\r\n";
  out += base64_encode_lines(m.attachment->bytes);
  out += "--" + boundary + "--\r\n";
  return out;
}

}  // namespace dzvin::notify
