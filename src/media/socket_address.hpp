#pragma once
// A socket address as the kernel gives and takes it (sockaddr_in or sockaddr_in6), compared and
// copied on the packet path without conversion. Internal to media/: the public headers speak
// IpEndpoint.
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstring>
#include <optional>

#include "base/ip_endpoint.hpp"

namespace dzvin::media {

struct SocketAddress {
  union {
    sockaddr_in6 v6{};  // the largest member: value-initialising it zeroes the whole union
    sockaddr_in v4;
    sockaddr any;
  };
  socklen_t size = 0;  // 0: no address

  bool empty() const { return size == 0; }
  int family() const { return size == 0 ? AF_UNSPEC : any.sa_family; }

  // The endpoint as a socket of `family` addresses it: an IPv4 endpoint on an AF_INET6 socket
  // becomes ::ffff:a.b.c.d; an IPv6 endpoint cannot be reached from an AF_INET socket (empty).
  static SocketAddress from_endpoint(const IpEndpoint& endpoint, int family);
  // IPv4-mapped IPv6 addresses come back as IPv4. Empty gives nullopt.
  std::optional<IpEndpoint> to_endpoint() const;

  // Same family, address and port (and IPv6 scope): the identity of a peer for latching.
  friend bool operator==(const SocketAddress& x, const SocketAddress& y) {
    if (x.size != y.size || x.size == 0) return x.size == y.size;
    if (x.any.sa_family == AF_INET) {
      return x.v4.sin_port == y.v4.sin_port && x.v4.sin_addr.s_addr == y.v4.sin_addr.s_addr;
    }
    return x.v6.sin6_port == y.v6.sin6_port && x.v6.sin6_scope_id == y.v6.sin6_scope_id &&
           std::memcmp(&x.v6.sin6_addr, &y.v6.sin6_addr, sizeof x.v6.sin6_addr) == 0;
  }
};

}  // namespace dzvin::media
