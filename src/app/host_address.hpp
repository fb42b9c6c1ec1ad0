#pragma once
#include <string>

namespace dzvin::app {

// The address phones on the local network should use when the server listens on a wildcard
// address: the first non-loopback IPv4 interface address, else 127.0.0.1. Reads interface
// addresses only; sends nothing.
std::string primary_host_address();

}  // namespace dzvin::app
