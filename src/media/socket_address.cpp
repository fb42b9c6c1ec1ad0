#include "media/socket_address.hpp"

#include <arpa/inet.h>

namespace dzvin::media {

SocketAddress SocketAddress::from_endpoint(const IpEndpoint& endpoint, int family) {
  SocketAddress out;
  if (family == AF_INET) {
    if (endpoint.address.v6) return out;
    out.v4.sin_family = AF_INET;
    out.v4.sin_port = htons(endpoint.port);
    std::memcpy(&out.v4.sin_addr, endpoint.address.bytes.data(), 4);
    out.size = sizeof out.v4;
    return out;
  }
  out.v6.sin6_family = AF_INET6;
  out.v6.sin6_port = htons(endpoint.port);
  if (endpoint.address.v6) {
    std::memcpy(&out.v6.sin6_addr, endpoint.address.bytes.data(), 16);
  } else {
    // RFC 4291 §2.5.5.2: ::ffff:a.b.c.d reaches an IPv4 peer from a dual-stack socket.
    out.v6.sin6_addr.s6_addr[10] = 0xFF;
    out.v6.sin6_addr.s6_addr[11] = 0xFF;
    std::memcpy(&out.v6.sin6_addr.s6_addr[12], endpoint.address.bytes.data(), 4);
  }
  out.size = sizeof out.v6;
  return out;
}

std::optional<IpEndpoint> SocketAddress::to_endpoint() const {
  if (size == 0) return std::nullopt;
  IpEndpoint e;
  if (any.sa_family == AF_INET) {
    std::memcpy(e.address.bytes.data(), &v4.sin_addr, 4);
    e.port = ntohs(v4.sin_port);
    return e;
  }
  if (IN6_IS_ADDR_V4MAPPED(&v6.sin6_addr)) {
    std::memcpy(e.address.bytes.data(), &v6.sin6_addr.s6_addr[12], 4);
  } else {
    e.address.v6 = true;
    std::memcpy(e.address.bytes.data(), &v6.sin6_addr, 16);
  }
  e.port = ntohs(v6.sin6_port);
  return e;
}

}  // namespace dzvin::media
