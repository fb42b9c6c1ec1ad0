#pragma once
#include <string>
#include <string_view>

#include "base/ip_endpoint.hpp"
#include "base/result.hpp"

namespace dzvin::app {

// The address phones on the local network should use when the server listens on a wildcard
// address: the first non-loopback IPv4 interface address, else 127.0.0.1. Reads interface
// addresses only; sends nothing.
std::string primary_host_address();

// An IP literal as is, or a host name's first address (IPv4 preferred) from the system
// resolver. Blocking: for start-up only.
Result<IpAddress> resolve_host(std::string_view host);

}  // namespace dzvin::app
