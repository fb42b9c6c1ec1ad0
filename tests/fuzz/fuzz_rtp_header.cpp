// libFuzzer target: RTP/RTCP header checks and the relay's whole per-packet path (latching,
// payload type mapping, G.711 conversion in place) on any bytes, without sockets. Invariants:
// a parsed header's payload lies inside the datagram; a relayed packet keeps its length,
// sequence, timestamp, SSRC and marker, and carries the other leg's payload type.
#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "fuzz_invariant.hpp"
#include "media/media_engine.hpp"
#include "media/relay.hpp"
#include "media/rtcp_header.hpp"
#include "media/rtp_header.hpp"

namespace {

using namespace dzvin;
using namespace dzvin::media;

using dzvin::fuzz::fail;

IpEndpoint loopback(std::uint16_t port) {
  return IpEndpoint{IpAddress::v4_loopback(), port};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> datagram(data, size);
  RtpHeader h;
  const bool is_rtp = parse_rtp_header(datagram, h) == RtpDefect::none;
  if (is_rtp) {
    if (h.payload_offset < kRtpFixedHeaderSize || h.payload_offset > size ||
        h.payload_size > size - h.payload_offset) {
      fail("RTP payload outside the datagram");
    }
  }
  (void)check_rtcp_header(datagram);

  // The relay sees at most 1500 bytes (longer datagrams are truncated and dropped).
  if (size > 1500) return 0;
  LegCounters counters[2];
  Relay relay;
  relay.leg(LegSide::a).counters = &counters[0];
  relay.leg(LegSide::b).counters = &counters[1];
  relay.leg(LegSide::a).family = AF_INET;
  relay.leg(LegSide::b).family = AF_INET;
  LegParams a;
  a.remote_rtp = loopback(4000);
  a.codec = Codec::pcmu;
  a.payload_type = 0;
  a.telephone_event_pt = 101;
  LegParams b;
  b.remote_rtp = loopback(5000);
  b.codec = Codec::pcma;
  b.payload_type = 96;
  b.telephone_event_pt = 97;
  relay.configure(LegSide::a, a);
  relay.configure(LegSide::b, b);

  const auto from = SocketAddress::from_endpoint(loopback(4000), AF_INET);
  const SteadyTime now{std::chrono::hours{1}};
  std::array<std::uint8_t, 1500> packet;
  std::memcpy(packet.data(), data, size);
  Delivery out;
  if (relay.on_rtp(LegSide::a, std::span(packet.data(), size), from, now, out)) {
    if (!is_rtp) fail("relayed a datagram that is not RTP");
    if (std::memcmp(packet.data() + 2, data + 2, 10) != 0) fail("sequence/timestamp/SSRC changed");
    if ((packet[1] & 0x80) != (data[1] & 0x80)) fail("marker changed");
    const std::uint8_t pt = packet[1] & 0x7F;
    if (pt != 96 && pt != 97) fail("payload type not mapped to leg B's");
    if (out.to == nullptr || out.to->empty()) fail("no destination");
  }
  // The same bytes as RTCP, from a second source after the first latched.
  std::memcpy(packet.data(), data, size);
  const auto other = SocketAddress::from_endpoint(loopback(4001), AF_INET);
  if (relay.on_rtcp(LegSide::b, std::span<const std::uint8_t>(packet.data(), size), other, now,
                    out)) {
    if (std::memcmp(packet.data(), data, size) != 0) fail("RTCP modified");
  }
  return 0;
}
