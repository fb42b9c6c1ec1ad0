#include "base/ip_endpoint.hpp"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>

namespace dzvin {

Result<IpAddress> IpAddress::parse(std::string_view text) {
  if (text.size() >= 2 && text.front() == '[' && text.back() == ']') {
    text = text.substr(1, text.size() - 2);
  }
  if (text.empty() || text.size() >= INET6_ADDRSTRLEN) {
    return make_error(0, "not an IP address: '" + std::string(text) + "'");
  }
  char buf[INET6_ADDRSTRLEN];
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  IpAddress a;
  if (inet_pton(AF_INET, buf, a.bytes.data()) == 1) return a;
  if (inet_pton(AF_INET6, buf, a.bytes.data()) == 1) {
    a.v6 = true;
    return a;
  }
  return make_error(0, "not an IP address: '" + std::string(text) + "'");
}

IpAddress IpAddress::v4_loopback() {
  IpAddress a;
  a.bytes[0] = 127;
  a.bytes[3] = 1;
  return a;
}

std::string IpAddress::to_string() const {
  char buf[INET6_ADDRSTRLEN];
  inet_ntop(v6 ? AF_INET6 : AF_INET, bytes.data(), buf, sizeof buf);
  return buf;
}

bool IpAddress::is_unspecified() const {
  const std::size_t n = v6 ? 16 : 4;
  for (std::size_t i = 0; i < n; ++i) {
    if (bytes[i] != 0) return false;
  }
  return true;
}

Result<IpEndpoint> IpEndpoint::parse(std::string_view text, std::uint16_t default_port) {
  std::string_view host = text;
  std::string_view port_text;
  if (!text.empty() && text.front() == '[') {
    const auto close = text.find(']');
    if (close == std::string_view::npos) {
      return make_error(0, "unbalanced '[' in address '" + std::string(text) + "'");
    }
    host = text.substr(0, close + 1);
    if (close + 1 < text.size()) {
      if (text[close + 1] != ':') {
        return make_error(0, "bad address '" + std::string(text) + "'");
      }
      port_text = text.substr(close + 2);
    }
  } else if (const auto colon = text.find(':');
             colon != std::string_view::npos &&
             text.find(':', colon + 1) == std::string_view::npos) {
    host = text.substr(0, colon);
    port_text = text.substr(colon + 1);
  }
  auto addr = IpAddress::parse(host);
  if (!addr) return addr.error();
  IpEndpoint e{*addr, default_port};
  if (!port_text.empty() || (text.size() > host.size())) {
    unsigned port = 0;
    auto [p, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (ec != std::errc{} || p != port_text.data() + port_text.size() || port > 65535) {
      return make_error(0, "bad port in address '" + std::string(text) + "'");
    }
    e.port = static_cast<std::uint16_t>(port);
  }
  return e;
}

std::string IpEndpoint::host_for_uri() const {
  return address.v6 ? "[" + address.to_string() + "]" : address.to_string();
}

std::string IpEndpoint::to_string() const {
  return host_for_uri() + ":" + std::to_string(port);
}

std::size_t IpEndpointHash::operator()(const IpEndpoint& e) const noexcept {
  std::size_t h = e.port * 0x9E3779B97F4A7C15ull + (e.address.v6 ? 1 : 0);
  for (auto b : e.address.bytes)
    h = (h ^ b) * 0x100000001B3ull;
  return h;
}

}  // namespace dzvin
