#pragma once
// The SIP transports of the signalling loop: UDP and TCP listeners over IPv4 and IPv6
// (RFC 3261 §18). Inbound bytes become SipMessages handed to a MessageSink (the
// TransactionLayer) with the Peer they came from; outbound messages leave through send().
// Boost.Asio is used only inside transport_layer.cpp: this header forward-declares the
// io_context so that the rest of the tree compiles without Asio.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "base/clock.hpp"
#include "base/ip_endpoint.hpp"
#include "base/result.hpp"
#include "base/timer_queue.hpp"
#include "sip/load_monitor.hpp"
#include "sip/sip_message.hpp"
#include "sip/transport.hpp"

namespace boost::asio {
class io_context;
}

namespace dzvin::sip {

struct TransportOptions {
  // SO_RCVBUF/SO_SNDBUF asked for on UDP sockets; the kernel caps it at net.core.rmem_max /
  // wmem_max. A deep receive buffer absorbs bursts instead of dropping them (ARCHITECTURE.md,
  // Overload).
  int socket_buffer_bytes = 4 * 1024 * 1024;
  // A TCP connection with no traffic for this long is closed.
  std::chrono::milliseconds tcp_idle_timeout = std::chrono::minutes(10);
  // Inbound and outbound TCP connections together; an accept beyond it is closed at once.
  std::size_t max_tcp_connections = 4096;
  // Bytes waiting to be written on one TCP connection; beyond it the peer is not reading and
  // the connection is closed (send returns false).
  std::size_t max_write_queue_bytes = 1024 * 1024;
  // Datagrams read per wake-up before other work gets a turn.
  std::size_t udp_batch = 64;
  // Lines logged per second about malformed input; the rest are counted.
  int error_logs_per_second = 10;
  // drive_timers(): the longest the loop sleeps before looking at the TimerQueue again, so that
  // timers scheduled outside a transport handler still run on time.
  std::chrono::milliseconds timer_poll_interval = std::chrono::milliseconds(20);
};

struct ListeningPoint {
  TransportKind kind = TransportKind::udp;
  IpEndpoint local;  // the bound address, with the real port when 0 was asked for
};

struct TransportStats {
  std::uint64_t received = 0;         // messages handed to the sink
  std::uint64_t parse_errors = 0;     // datagrams / framed messages that did not parse
  std::uint64_t error_responses = 0;  // 4xx sent for requests that did not parse
  std::uint64_t dropped = 0;          // not passed on: garbage, no Via (§18.1.2, §18.2.1)
  std::uint64_t keepalives = 0;       // CRLF pings (answered with CRLF on TCP)
  std::uint64_t sent = 0;
  std::uint64_t send_errors = 0;
  std::uint64_t tcp_accepted = 0;
  std::uint64_t tcp_connected = 0;  // outbound connections established
  std::uint64_t tcp_rejected = 0;   // over max_tcp_connections
  std::uint64_t tcp_idle_closed = 0;
  std::size_t tcp_connections = 0;  // open now
};

class TransportLayer final : public TransportSender {
 public:
  // `io` is the signalling loop; every call below and every delivery to `sink` happens on it.
  TransportLayer(boost::asio::io_context& io, MessageSink& sink, MessageLimits limits = {},
                 TransportOptions options = {});
  ~TransportLayer() override;
  TransportLayer(const TransportLayer&) = delete;
  TransportLayer& operator=(const TransportLayer&) = delete;

  // Replaces the sink (composition: the TransactionLayer needs this object to exist first).
  void set_sink(MessageSink& sink);

  // Reports each UDP datagram's time in the kernel receive queue to `monitor` (admission
  // control, load_monitor.hpp); nullptr stops it.
  void set_load_monitor(LoadMonitor* monitor);

  // Opens a UDP socket or a TCP listener on `local` (IPv4 or IPv6; port 0 picks a free port)
  // and starts receiving. Returns the bound endpoint, or an error naming the address, e.g.
  // "cannot listen on UDP 127.0.0.1:5060: Address already in use".
  Result<IpEndpoint> listen(TransportKind kind, const IpEndpoint& local);

  // Every listener opened so far, in order (for the start-up banner).
  std::vector<ListeningPoint> listening_points() const;

  // TransportSender. UDP: one non-blocking sendto from the listener whose address is
  // to.local (else the first of the same IP family); false when the socket buffer is full.
  // TCP: over connection to.connection_id when set (false when it is gone, §18.2.2), else
  // over an open connection to to.remote, else a new connection is opened (the bytes wait
  // in its write queue; a failed connect is counted in send_errors).
  bool send(const Peer& to, std::string_view bytes) override;

  // Runs `timers` on this loop: timers.run_due(clock.now()) whenever its next deadline passes.
  // The deadline is checked after every inbound batch and at least every
  // timer_poll_interval. `clock` must be the real steady clock (SystemClock).
  void drive_timers(TimerQueue& timers, const Clock& clock);

  // Closes every socket; pending handlers end quietly. The destructor calls it.
  void close();

  const TransportStats& stats() const;

 private:
  class Impl;
  std::shared_ptr<Impl> impl_;  // shared with in-flight Asio handlers
};

}  // namespace dzvin::sip
