#pragma once
// The narrow interface between the transports (UDP, TCP sockets on the signalling loop) and
// the layers above. No socket library appears here.
#include <cstdint>
#include <string_view>

#include "base/ip_endpoint.hpp"

namespace dzvin::sip {

class SipMessage;

enum class TransportKind : std::uint8_t { udp, tcp };
std::string_view to_string(TransportKind kind);  // "UDP", "TCP" as in Via

// Where a message came from or goes to. For TCP, connection_id names the connection it
// arrived on, so a response reuses it (RFC 3261 §18.2.2); 0 means "any / open a new one".
struct Peer {
  TransportKind kind = TransportKind::udp;
  IpEndpoint remote;
  IpEndpoint local;  // our address it arrived at / leaves from
  std::uint64_t connection_id = 0;
};

class TransportSender {
 public:
  virtual ~TransportSender() = default;
  // Sends one complete message. Returns false on a transport error (no route, connection
  // gone, send buffer full); the transaction layer turns that into a transport error for its
  // user (RFC 3261 §17.1.4, §17.2.4).
  virtual bool send(const Peer& to, std::string_view bytes) = 0;
};

class MessageSink {
 public:
  virtual ~MessageSink() = default;
  // A parsed message that passed basic checks. The sink owns it from here.
  virtual void on_message(SipMessage&& message, const Peer& from) = 0;
};

// Where to send a response to a request received from `from` (RFC 3261 §18.2.2 with
// RFC 3581 §4): on a stream, the same connection; on UDP, the source IP, and the source port
// when the request's top Via has rport, else the Via sent-by port (5060 by default).
Peer response_destination(const SipMessage& request, const Peer& from);

}  // namespace dzvin::sip
