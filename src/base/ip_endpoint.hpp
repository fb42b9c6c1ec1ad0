#pragma once
// An IPv4 or IPv6 address and port, independent of any socket library so that headers
// included everywhere stay light.
#include <array>
#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.hpp"

namespace dzvin {

struct IpAddress {
  bool v6 = false;
  std::array<std::uint8_t, 16> bytes{};  // IPv4 uses the first 4

  // Parses "192.0.2.1", "::1" or "[::1]".
  static Result<IpAddress> parse(std::string_view text);
  static IpAddress v4_loopback();
  // "192.0.2.1" or "::1" (no brackets).
  std::string to_string() const;
  bool is_unspecified() const;
  auto operator<=>(const IpAddress&) const = default;
};

struct IpEndpoint {
  IpAddress address;
  std::uint16_t port = 0;

  // Parses "192.0.2.1:5060", "[::1]:5060"; a missing port gives default_port.
  static Result<IpEndpoint> parse(std::string_view text, std::uint16_t default_port);
  // "192.0.2.1:5060" or "[::1]:5060".
  std::string to_string() const;
  // Host as written in a SIP URI or Via: IPv6 in brackets.
  std::string host_for_uri() const;
  auto operator<=>(const IpEndpoint&) const = default;
};

struct IpEndpointHash {
  std::size_t operator()(const IpEndpoint& e) const noexcept;
};

}  // namespace dzvin
