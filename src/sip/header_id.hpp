#pragma once
#include <cstdint>
#include <string_view>

namespace dzvin::sip {

// Headers the stack looks at; everything else is HeaderId::other and kept by name.
enum class HeaderId : std::uint8_t {
  other,
  accept,
  allow,
  authorization,
  call_id,           // compact i
  contact,           // compact m
  content_encoding,  // compact e
  content_length,    // compact l
  content_type,      // compact c
  cseq,
  date,
  expires,
  from,  // compact f
  max_forwards,
  min_expires,
  proxy_authenticate,
  proxy_authorization,
  proxy_require,
  record_route,
  require,
  route,
  server,
  subject,    // compact s
  supported,  // compact k
  to,         // compact t
  unsupported,
  user_agent,
  via,  // compact v
  www_authenticate,
  event,         // compact o
  refer_to,      // compact r
  allow_events,  // compact u
  timestamp,
  kCount
};

// Case-insensitive lookup of a header name, including the compact forms of RFC 3261 §7.3.3.
HeaderId lookup_header_id(std::string_view name);
// The same for a name already known to be a token (the parser's header names): skips the
// check for octets that could pass for a '-'.
HeaderId lookup_token_header_id(std::string_view name);
// The canonical name ("Call-ID", "CSeq", "WWW-Authenticate"); empty for HeaderId::other.
std::string_view canonical_name(HeaderId id);

}  // namespace dzvin::sip
