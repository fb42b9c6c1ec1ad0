#pragma once
// The UDP port pairs of the relay, each RTP on an even port and RTCP on the next one (RFC 3550
// §11), bound on the media address. Pairs are handed out round-robin: a released pair goes to
// the back of the queue, so a port is reused as late as possible and late packets of an ended
// call do not land in a new one. A pair found busy at bind (another process, a socket not yet
// closed) is skipped and stays in the queue for later.
// Owned by the signalling thread (MediaEngine); not thread-safe.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "base/ip_endpoint.hpp"
#include "base/result.hpp"
#include "media/unique_fd.hpp"

namespace dzvin::media {

struct BoundPorts {
  std::uint16_t rtp_port = 0;  // RTCP is rtp_port + 1
  UniqueFd rtp;
  UniqueFd rtcp;
};

class PortPool {
 public:
  // Throws std::invalid_argument when [port_min, port_max] holds no even/odd pair.
  PortPool(IpAddress bind_address, std::uint16_t port_min, std::uint16_t port_max);

  // Binds the next free pair (non-blocking, close-on-exec sockets). Errors: no_free_port when
  // every pair is handed out or busy, socket_failed for any other bind failure.
  Result<BoundPorts> allocate();
  // Gives a pair back to the pool; its sockets must be closed already.
  void release(std::uint16_t rtp_port);

  std::size_t capacity() const { return ring_.size(); }
  std::size_t available() const { return count_; }
  const IpAddress& bind_address() const { return address_; }

 private:
  std::uint16_t pop_front();
  void push_back(std::uint16_t port);

  IpAddress address_;
  std::uint16_t port_min_;
  std::uint16_t port_max_;
  // Free RTP ports in FIFO order: a ring of `capacity` slots, count_ of them from head_.
  std::vector<std::uint16_t> ring_;
  std::size_t head_ = 0;
  std::size_t count_ = 0;
};

// Opens a non-blocking UDP socket of the address's family bound to address:port (port 0: any),
// marked DSCP EF (RFC 4594 telephony). Sets `busy` when bind failed with EADDRINUSE.
Result<UniqueFd> open_media_socket(const IpAddress& address, std::uint16_t port, bool* busy);

}  // namespace dzvin::media
