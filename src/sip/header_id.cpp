#include "sip/header_id.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace dzvin::sip {
namespace {

constexpr std::size_t kIdCount = static_cast<std::size_t>(HeaderId::kCount);

constexpr std::array<std::string_view, kIdCount> kCanonicalNames = {
    "",                     // other
    "Accept",               // accept
    "Allow",                // allow
    "Authorization",        // authorization
    "Call-ID",              // call_id
    "Contact",              // contact
    "Content-Encoding",     // content_encoding
    "Content-Length",       // content_length
    "Content-Type",         // content_type
    "CSeq",                 // cseq
    "Date",                 // date
    "Expires",              // expires
    "From",                 // from
    "Max-Forwards",         // max_forwards
    "Min-Expires",          // min_expires
    "Proxy-Authenticate",   // proxy_authenticate
    "Proxy-Authorization",  // proxy_authorization
    "Proxy-Require",        // proxy_require
    "Record-Route",         // record_route
    "Require",              // require
    "Route",                // route
    "Server",               // server
    "Subject",              // subject
    "Supported",            // supported
    "To",                   // to
    "Unsupported",          // unsupported
    "User-Agent",           // user_agent
    "Via",                  // via
    "WWW-Authenticate",     // www_authenticate
    "Event",                // event
    "Refer-To",             // refer_to
    "Allow-Events",         // allow_events
    "Timestamp",            // timestamp
};

constexpr char lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
}

// The canonical names in lower case, with room to read them eight octets at a time.
struct LowerNames {
  std::array<std::array<char, 24>, kIdCount> text{};
  constexpr LowerNames() {
    for (std::size_t id = 0; id < kIdCount; ++id) {
      for (std::size_t i = 0; i < kCanonicalNames[id].size(); ++i)
        text[id][i] = lower(kCanonicalNames[id][i]);
    }
  }
};
constexpr LowerNames kLowerNames;

std::uint32_t load4(const char* p) {
  std::uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

std::uint64_t load8(const char* p) {
  std::uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

// Case-insensitive compare with a canonical name, eight octets at a time. Canonical names are
// letters and '-', for which "| 0x20" lower-cases (and leaves '-' alone); the only other octet
// that "| 0x20" maps onto one of them is CR onto '-', which a token cannot hold: callers pass
// tokens (lookup_header_id checks).
bool name_is(std::string_view name, HeaderId id) {
  const std::string_view canonical = kCanonicalNames[static_cast<std::size_t>(id)];
  const std::size_t n = name.size();
  if (n != canonical.size()) return false;
  const char* lower_name = kLowerNames.text[static_cast<std::size_t>(id)].data();
  if (n >= 8) {
    constexpr std::uint64_t kCase = 0x2020202020202020ULL;
    std::size_t i = 0;
    for (; i + 8 <= n; i += 8) {
      if ((load8(name.data() + i) | kCase) != load8(lower_name + i)) return false;
    }
    // The tail as one overlapping word.
    if (i < n && (load8(name.data() + n - 8) | kCase) != load8(lower_name + n - 8)) return false;
  } else if (n >= 4) {
    // Two overlapping four-octet words cover 4..7 octets.
    constexpr std::uint32_t kCase = 0x20202020U;
    if ((load4(name.data()) | kCase) != load4(lower_name)) return false;
    if ((load4(name.data() + n - 4) | kCase) != load4(lower_name + n - 4)) return false;
  } else {
    for (std::size_t i = 0; i < n; ++i) {
      if ((static_cast<unsigned char>(name[i]) | 0x20) != static_cast<unsigned char>(lower_name[i]))
        return false;
    }
  }
  return true;
}

// RFC 3261 §7.3.3 compact forms, plus RFC 3265 (o, u) and RFC 3515 (r).
HeaderId compact_form(char c) {
  switch (lower(c)) {
    case 'i':
      return HeaderId::call_id;
    case 'm':
      return HeaderId::contact;
    case 'e':
      return HeaderId::content_encoding;
    case 'l':
      return HeaderId::content_length;
    case 'c':
      return HeaderId::content_type;
    case 'f':
      return HeaderId::from;
    case 's':
      return HeaderId::subject;
    case 'k':
      return HeaderId::supported;
    case 't':
      return HeaderId::to;
    case 'v':
      return HeaderId::via;
    case 'o':
      return HeaderId::event;
    case 'r':
      return HeaderId::refer_to;
    case 'u':
      return HeaderId::allow_events;
    default:
      return HeaderId::other;
  }
}

}  // namespace

// Dispatch on length, then on the first letter, so that a lookup is at most a couple of
// short case-insensitive compares: this runs for every header line of every message.
HeaderId lookup_header_id(std::string_view name) {
  for (char c : name) {
    if (c == '\r') return HeaderId::other;  // see name_is
  }
  return lookup_token_header_id(name);
}

HeaderId lookup_token_header_id(std::string_view name) {
  if (name.empty()) return HeaderId::other;
  const char first = lower(name[0]);
  auto pick = [&](HeaderId id) { return name_is(name, id) ? id : HeaderId::other; };
  switch (name.size()) {
    case 1:
      return compact_form(first);
    case 2:
      return pick(HeaderId::to);
    case 3:
      return pick(HeaderId::via);
    case 4:
      if (first == 'c') return pick(HeaderId::cseq);
      if (first == 'd') return pick(HeaderId::date);
      if (first == 'f') return pick(HeaderId::from);
      break;
    case 5:
      if (first == 'a') return pick(HeaderId::allow);
      if (first == 'r') return pick(HeaderId::route);
      if (first == 'e') return pick(HeaderId::event);
      break;
    case 6:
      if (first == 'a') return pick(HeaderId::accept);
      if (first == 's') return pick(HeaderId::server);
      break;
    case 7:
      if (first == 'c') {
        const HeaderId id = pick(HeaderId::call_id);
        return id != HeaderId::other ? id : pick(HeaderId::contact);
      }
      if (first == 'e') return pick(HeaderId::expires);
      if (first == 'r') return pick(HeaderId::require);
      if (first == 's') return pick(HeaderId::subject);
      break;
    case 8:
      if (first == 'r') return pick(HeaderId::refer_to);
      break;
    case 9:
      if (first == 's') return pick(HeaderId::supported);
      if (first == 't') return pick(HeaderId::timestamp);
      break;
    case 10:
      if (first == 'u') return pick(HeaderId::user_agent);
      break;
    case 11:
      if (first == 'm') return pick(HeaderId::min_expires);
      if (first == 'u') return pick(HeaderId::unsupported);
      break;
    case 12:
      if (first == 'c') return pick(HeaderId::content_type);
      if (first == 'm') return pick(HeaderId::max_forwards);
      if (first == 'r') return pick(HeaderId::record_route);
      if (first == 'a') return pick(HeaderId::allow_events);
      break;
    case 13:
      if (first == 'a') return pick(HeaderId::authorization);
      if (first == 'p') return pick(HeaderId::proxy_require);
      break;
    case 14:
      return pick(HeaderId::content_length);
    case 16:
      if (first == 'c') return pick(HeaderId::content_encoding);
      if (first == 'w') return pick(HeaderId::www_authenticate);
      break;
    case 18:
      return pick(HeaderId::proxy_authenticate);
    case 19:
      return pick(HeaderId::proxy_authorization);
    default:
      break;
  }
  return HeaderId::other;
}

std::string_view canonical_name(HeaderId id) {
  const auto index = static_cast<std::size_t>(id);
  return index < kIdCount ? kCanonicalNames[index] : std::string_view{};
}

}  // namespace dzvin::sip
