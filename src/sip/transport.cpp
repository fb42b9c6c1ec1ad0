#include "sip/transport.hpp"

#include "sip/sip_message.hpp"

namespace dzvin::sip {

std::string_view to_string(TransportKind kind) {
  switch (kind) {
    case TransportKind::udp:
      return "UDP";
    case TransportKind::tcp:
      return "TCP";
  }
  return "?";
}

Peer response_destination(const SipMessage& request, const Peer& from) {
  // RFC 3261 §18.2.2: on a reliable transport the response goes back over the connection the
  // request arrived on (the transport falls back to nothing: a closed connection is a
  // transport error for the server transaction, §17.2.4).
  if (from.kind != TransportKind::udp) return from;
  Peer to = from;
  to.connection_id = 0;
  // §18.2.2 sends to the "received" address, which §18.2.1 sets to the source IP; RFC 3581 §4:
  // with rport, also to the source port (the only way back through a NAT). Without rport, the
  // port from sent-by, 5060 when absent (§18.2.2, §19.1.2). maddr (multicast) is not
  // supported: a PBX does not answer to multicast groups.
  const CoreHeaders& core = request.core();
  if (core.has_via && !core.top_via.rport) {
    to.remote.port = core.top_via.port != 0 ? core.top_via.port : std::uint16_t{5060};
  }
  return to;
}

}  // namespace dzvin::sip
