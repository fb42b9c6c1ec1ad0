#pragma once
// SIP, SIPS and tel URIs (RFC 3261 §19.1, §25.1; RFC 3966). Views into the parsed text:
// the text must outlive the Uri.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.hpp"

namespace dzvin::sip {

struct Uri {
  enum class Scheme : std::uint8_t { sip, sips, tel, other };
  Scheme scheme = Scheme::sip;
  std::string_view scheme_text;  // as written ("sip", "SIP", "tel", "http")
  std::string_view user;         // still %-escaped; for tel: the number (global or local)
  std::string_view password;
  std::string_view host;     // IPv6 references keep their brackets
  std::uint16_t port = 0;    // 0 when absent
  std::string_view params;   // ";transport=tcp;lr" including the leading ';', or empty
  std::string_view headers;  // "?subject=x&..." without the '?', or empty
  std::string_view text;     // the whole URI as given (for other schemes: everything)

  // A URI parameter by case-insensitive name. Present without value -> empty view.
  std::optional<std::string_view> param(std::string_view name) const;
  // The transport param lower-cased semantics: "udp" when absent for sip:, "tls" for sips:.
  std::string_view transport() const;
  bool has_lr() const { return param("lr").has_value(); }
};

// Parses an absolute URI. sip:/sips:/tel: are parsed fully and checked against the RFC
// grammar; any other syntactically valid scheme is kept as Scheme::other (RFC 3261 §19.1
// allows absoluteURI in most places; the caller decides whether to answer 416).
Result<Uri> parse_uri(std::string_view text);

// RFC 3261 §19.1.4 comparison of two SIP/SIPS URIs (case rules, escapes, params that must
// match when present in both, headers).
bool uri_equal(const Uri& a, const Uri& b);

// %XX-unescapes text (user part, params). Returns an error for malformed escapes.
Result<std::string> unescape(std::string_view text);

// RFC 3261 §25.1 host: hostname / IPv4address / IPv6reference ("[2001:db8::1]"). Shared with
// the Via sent-by and maddr/received parameters.
bool is_valid_host(std::string_view host);
bool is_ipv4_address(std::string_view text);
// IPv6address without brackets ("2001:db8::1", "::ffff:192.0.2.1").
bool is_ipv6_address(std::string_view text);

}  // namespace dzvin::sip
