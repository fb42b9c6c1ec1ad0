#pragma once
// Test helpers: a UDP peer on a loopback address (a phone's RTP or RTCP socket) that sends
// raw datagrams and waits for one with a deadline, and RTP packet builders. No sleeps.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <algorithm>

#include <chrono>
#include <cstdint>
#include <cstring>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "base/ip_endpoint.hpp"

namespace dzvin::media::test {

using Bytes = std::vector<std::uint8_t>;

struct Datagram {
  Bytes bytes;
  IpEndpoint from;
};

class UdpPeer {
 public:
  // Binds address:port (port 0: the kernel picks).
  explicit UdpPeer(const std::string& address = "127.0.0.1", std::uint16_t port = 0) {
    const IpAddress ip = IpAddress::parse(address).value();
    fd_ = ::socket(ip.v6 ? AF_INET6 : AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) throw std::runtime_error("socket");
    sockaddr_storage ss{};
    const socklen_t len = to_sockaddr(IpEndpoint{ip, port}, ss);
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&ss), len) != 0) {
      ::close(fd_);
      throw std::runtime_error("bind " + address + ":" + std::to_string(port) + ": " +
                               std::strerror(errno));
    }
    socklen_t l = sizeof ss;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&ss), &l);
    endpoint_ = from_sockaddr(ss);
  }
  ~UdpPeer() { ::close(fd_); }
  UdpPeer(const UdpPeer&) = delete;
  UdpPeer& operator=(const UdpPeer&) = delete;

  const IpEndpoint& endpoint() const { return endpoint_; }
  std::uint16_t port() const { return endpoint_.port; }

  void send_to(const IpEndpoint& to, const Bytes& bytes) const {
    sockaddr_storage ss{};
    const socklen_t len = to_sockaddr(to, ss);
    const auto n =
        ::sendto(fd_, bytes.data(), bytes.size(), 0, reinterpret_cast<const sockaddr*>(&ss), len);
    if (n != static_cast<ssize_t>(bytes.size())) {
      throw std::runtime_error(std::string("sendto: ") + std::strerror(errno));
    }
  }

  // The next datagram, or nullopt when none arrives within `timeout`.
  std::optional<Datagram> receive(std::chrono::milliseconds timeout = std::chrono::seconds{5}) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(timeout.count())) <= 0) return std::nullopt;
    Datagram d;
    d.bytes.resize(65536);
    sockaddr_storage ss{};
    socklen_t len = sizeof ss;
    const auto n =
        ::recvfrom(fd_, d.bytes.data(), d.bytes.size(), 0, reinterpret_cast<sockaddr*>(&ss), &len);
    if (n < 0) return std::nullopt;
    d.bytes.resize(static_cast<std::size_t>(n));
    d.from = from_sockaddr(ss);
    return d;
  }

  // True when a datagram is already queued (no waiting).
  bool has_pending() const {
    pollfd p{fd_, POLLIN, 0};
    return ::poll(&p, 1, 0) > 0;
  }

  static socklen_t to_sockaddr(const IpEndpoint& e, sockaddr_storage& ss) {
    if (e.address.v6) {
      auto* s6 = reinterpret_cast<sockaddr_in6*>(&ss);
      s6->sin6_family = AF_INET6;
      s6->sin6_port = htons(e.port);
      std::memcpy(&s6->sin6_addr, e.address.bytes.data(), 16);
      return sizeof *s6;
    }
    auto* s4 = reinterpret_cast<sockaddr_in*>(&ss);
    s4->sin_family = AF_INET;
    s4->sin_port = htons(e.port);
    std::memcpy(&s4->sin_addr, e.address.bytes.data(), 4);
    return sizeof *s4;
  }

  static IpEndpoint from_sockaddr(const sockaddr_storage& ss) {
    IpEndpoint e;
    if (ss.ss_family == AF_INET6) {
      const auto* s6 = reinterpret_cast<const sockaddr_in6*>(&ss);
      e.address.v6 = true;
      std::memcpy(e.address.bytes.data(), &s6->sin6_addr, 16);
      e.port = ntohs(s6->sin6_port);
    } else {
      const auto* s4 = reinterpret_cast<const sockaddr_in*>(&ss);
      std::memcpy(e.address.bytes.data(), &s4->sin_addr, 4);
      e.port = ntohs(s4->sin_port);
    }
    return e;
  }

 private:
  int fd_ = -1;
  IpEndpoint endpoint_;
};

struct RtpFields {
  std::uint8_t payload_type = 0;
  bool marker = false;
  std::uint16_t sequence = 1;
  std::uint32_t timestamp = 160;
  std::uint32_t ssrc = 0x11223344;
};

inline Bytes rtp_packet(const RtpFields& f, const Bytes& payload) {
  // Sized once and copied into: GCC 12 -O3 flags vector::insert here (stringop-overread, a
  // false positive).
  Bytes p(12 + payload.size());
  std::copy(payload.begin(), payload.end(), p.begin() + 12);
  p[0] = 0x80;
  p[1] = static_cast<std::uint8_t>((f.marker ? 0x80 : 0) | (f.payload_type & 0x7F));
  p[2] = static_cast<std::uint8_t>(f.sequence >> 8);
  p[3] = static_cast<std::uint8_t>(f.sequence);
  for (int i = 0; i < 4; ++i) {
    p[static_cast<std::size_t>(4 + i)] = static_cast<std::uint8_t>(f.timestamp >> (24 - 8 * i));
    p[static_cast<std::size_t>(8 + i)] = static_cast<std::uint8_t>(f.ssrc >> (24 - 8 * i));
  }
  return p;
}

// Polls `done` until it holds or the deadline passes: waits for an effect the test cannot
// observe through a socket (a counter of the relay), checking every millisecond.
inline bool wait_until(const std::function<bool()>& done,
                       std::chrono::milliseconds timeout = std::chrono::seconds{5}) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds{1});
  }
  return true;
}

// A run of `count` consecutive ports starting at an even port, all free on 127.0.0.1 when
// probed (tests must not depend on fixed ports being free).
inline std::uint16_t find_free_port_range(unsigned count) {
  for (unsigned base = 40000 + (static_cast<unsigned>(::getpid()) % 500) * 32; base < 64000;
       base += 64) {
    bool free = true;
    for (unsigned p = base; p < base + count && free; ++p) {
      try {
        UdpPeer probe("127.0.0.1", static_cast<std::uint16_t>(p));
      } catch (const std::runtime_error&) {
        free = false;
      }
    }
    if (free) return static_cast<std::uint16_t>(base);
  }
  throw std::runtime_error("no free port range");
}

}  // namespace dzvin::media::test
