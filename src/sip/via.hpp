#pragma once
// One via-parm of a Via header (RFC 3261 §20.42, RFC 3581 rport).
#include <cstdint>
#include <optional>
#include <string_view>

#include "base/result.hpp"

namespace dzvin::sip {

inline constexpr std::string_view kMagicCookie = "z9hG4bK";  // RFC 3261 §8.1.1.7

struct Via {
  std::string_view protocol;   // "SIP/2.0"
  std::string_view transport;  // "UDP", "TCP", "TLS", "WS", ... as written
  std::string_view host;       // sent-by host, IPv6 with brackets
  std::uint16_t port = 0;      // sent-by port, 0 when absent
  std::string_view branch;     // empty when absent
  std::string_view received;   // empty when absent
  bool rport = false;          // rport parameter present (with or without a value)
  std::uint16_t rport_value = 0;
  std::string_view params;  // all params including the leading ';'
  std::string_view text;    // the whole via-parm

  bool rfc3261_branch() const { return branch.starts_with(kMagicCookie); }
};

// Parses one via-parm (one element of the comma list).
Result<Via> parse_via(std::string_view via_parm);
// The same into a default-constructed Via (the parser's hot path fills the message's own
// copy, which is fresh): fields the via-parm does not set are left as they are.
Result<void> parse_via_into(std::string_view via_parm, Via& via);

}  // namespace dzvin::sip
