#pragma once
// A SIP trunk: the connection to a telephone provider. Calls to external numbers leave
// through it (with the trunk's caller ID, numbers written the way the provider wants them),
// and INVITEs from its addresses reach the company's numbers (DIDs) without digest
// authentication: the provider is recognised by its IP address (and port, when given).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/ip_endpoint.hpp"
#include "pbx/phone_number.hpp"
#include "sip/transport.hpp"

namespace dzvin::pbx {

// How the provider wants numbers in the Request-URI and To of our INVITEs.
enum class TrunkNumberFormat : std::uint8_t {
  e164,         // "+380501112233"
  e164_digits,  // "380501112233"
  national,     // "0501112233" for the home country, "00..." (international prefix) otherwise
};
std::string_view to_string(TrunkNumberFormat format);
std::optional<TrunkNumberFormat> parse_trunk_number_format(std::string_view text);

// An address INVITEs may come from: an IP (any port), an IP and port, or an IPv4/IPv6 prefix.
struct TrunkSource {
  IpAddress address;
  unsigned prefix_bits = 0;  // 0: the whole address (32 or 128)
  std::uint16_t port = 0;    // 0: any port
  bool matches(const IpEndpoint& source) const;
};
// "192.0.2.7", "192.0.2.7:5060", "192.0.2.0/24", "[2001:db8::1]:5060", "2001:db8::/32".
Result<TrunkSource> parse_trunk_source(std::string_view text);

struct Trunk {
  std::string name;
  std::int64_t tenant_id = 0;
  std::string realm;      // the company's SIP domain: calls from the trunk belong to it
  sip::Peer peer;         // where our requests go (kind and remote; local chosen on send)
  std::string domain;     // provider's domain: host of Request-URI, From and To
  std::string username;   // digest username and the user of our From/Contact; may be empty
  std::string password;   // digest password (the provider needs it in the clear); never logged
  std::string caller_id;  // E.164 presented on outgoing calls; empty: `username`
  TrunkNumberFormat number_format = TrunkNumberFormat::e164;
  std::vector<TrunkSource> sources;  // where the provider's INVITEs come from
  std::vector<std::string> dids;     // E.164 numbers the trunk delivers
  bool register_with_provider = false;
  std::uint32_t register_expires = 300;
};

// `e164` ("+380501112233") as the trunk's provider wants it written.
std::string format_for_trunk(std::string_view e164, TrunkNumberFormat format,
                             const NumberingPlan& plan = {});

}  // namespace dzvin::pbx
