#pragma once
// DTMF keys sent in SIP INFO requests (RFC 6086 INFO without an Info-Package, as deployed
// phones do), for peers that send neither RFC 4733 events nor tones:
//   Content-Type: application/dtmf-relay      Signal=5\r\nDuration=160\r\n
//   Content-Type: application/dtmf            5
// The dtmf-relay keys compare case-insensitively, lines end in CRLF or LF, blanks around '='
// are allowed, keys other than Signal (Duration...) are ignored. A value is a key 0-9, *, #,
// A-D (a-d), or the event number 10-15 that some phones send for *, #, A-D (RFC 4733 §3.2).
// Pure: views into the caller's text, nothing kept.
#include <cstddef>
#include <string_view>

#include "base/result.hpp"

namespace dzvin::sip {

inline constexpr std::size_t kMaxDtmfInfoBody = 1024;
// For the Accept header of a 415 (RFC 3261 §21.4.13).
inline constexpr std::string_view kDtmfInfoContentTypes =
    "application/dtmf-relay, application/dtmf";

// The key of an INFO body, '0'-'9', '*', '#' or 'A'-'D'. Errors (the status to answer the INFO
// with, and a printable message naming the problem):
//   415 a Content-Type other than the two above (parameters after ';' are allowed), or none;
//   400 a body over kMaxDtmfInfoBody, without a Signal line, with two, or whose value is not a
//       key (16, hook flash, included).
Result<char> parse_dtmf_info(std::string_view content_type, std::string_view body);

}  // namespace dzvin::sip
