#include "media/port_pool.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cassert>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

#include "media/media_error.hpp"
#include "media/socket_address.hpp"

namespace dzvin::media {

namespace {

// DSCP EF (46) in the upper six bits of the TOS / traffic class octet.
constexpr int kTosExpeditedForwarding = 46 << 2;

std::string range_text(std::uint16_t min, std::uint16_t max) {
  return std::to_string(min) + "-" + std::to_string(max);
}

}  // namespace

Result<UniqueFd> open_media_socket(const IpAddress& address, std::uint16_t port, bool* busy) {
  if (busy) *busy = false;
  const int family = address.v6 ? AF_INET6 : AF_INET;
  UniqueFd fd(::socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd.valid()) {
    return make_error(code(MediaErrc::socket_failed),
                      std::string("cannot open a UDP socket: ") + std::strerror(errno));
  }
  // Best effort: marking is a hint to the network, a refusal is not an error.
  int tos = kTosExpeditedForwarding;
  ::setsockopt(fd.get(), IPPROTO_IP, IP_TOS, &tos, sizeof tos);
  if (family == AF_INET6) {
    ::setsockopt(fd.get(), IPPROTO_IPV6, IPV6_TCLASS, &tos, sizeof tos);
    // A wildcard IPv6 address serves IPv4 peers too (as ::ffff:a.b.c.d), whatever the
    // system default of net.ipv6.bindv6only.
    int v6only = 0;
    ::setsockopt(fd.get(), IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof v6only);
  }
  const auto sa = SocketAddress::from_endpoint(IpEndpoint{address, port}, family);
  if (::bind(fd.get(), &sa.any, sa.size) != 0) {
    const int err = errno;
    if (busy) *busy = err == EADDRINUSE;
    return make_error(
        code(MediaErrc::socket_failed),
        "cannot bind UDP " + IpEndpoint{address, port}.to_string() + ": " + std::strerror(err));
  }
  return fd;
}

PortPool::PortPool(IpAddress bind_address, std::uint16_t port_min, std::uint16_t port_max)
    : address_(bind_address), port_min_(port_min), port_max_(port_max) {
  if (port_min == 0 || port_min > port_max) {
    throw std::invalid_argument("media port range " + range_text(port_min, port_max) +
                                " is empty or starts at 0");
  }
  // RFC 3550 §11: RTP takes the even port, RTCP the next (odd) one.
  const unsigned first = port_min % 2 == 0 ? port_min : port_min + 1u;
  for (unsigned p = first; p + 1 <= port_max; p += 2)
    ring_.push_back(static_cast<std::uint16_t>(p));
  if (ring_.empty()) {
    throw std::invalid_argument("media port range " + range_text(port_min, port_max) +
                                " holds no even RTP port followed by an RTCP port");
  }
  count_ = ring_.size();
}

std::uint16_t PortPool::pop_front() {
  assert(count_ > 0);
  const std::uint16_t port = ring_[head_];
  head_ = (head_ + 1) % ring_.size();
  --count_;
  return port;
}

void PortPool::push_back(std::uint16_t port) {
  assert(count_ < ring_.size());
  ring_[(head_ + count_) % ring_.size()] = port;
  ++count_;
}

Result<BoundPorts> PortPool::allocate() {
  std::size_t busy_pairs = 0;
  for (std::size_t tries = count_; tries > 0; --tries) {
    const std::uint16_t port = pop_front();
    bool busy = false;
    auto rtp = open_media_socket(address_, port, &busy);
    if (rtp) {
      auto rtcp = open_media_socket(address_, static_cast<std::uint16_t>(port + 1), &busy);
      if (rtcp) return BoundPorts{port, std::move(*rtp), std::move(*rtcp)};
      push_back(port);
      if (!busy) return rtcp.error();
    } else {
      push_back(port);
      if (!busy) return rtp.error();
    }
    ++busy_pairs;
  }
  return make_error(code(MediaErrc::no_free_port),
                    "no free RTP/RTCP port pair in " + range_text(port_min_, port_max_) + " (" +
                        std::to_string(ring_.size() - count_) + " pairs in use, " +
                        std::to_string(busy_pairs) + " busy)");
}

void PortPool::release(std::uint16_t rtp_port) {
  assert(rtp_port % 2 == 0 && rtp_port >= port_min_ && rtp_port < port_max_);
  push_back(rtp_port);
}

}  // namespace dzvin::media
