#pragma once
// Latching ("symmetric RTP", RFC 4961, as NAT traversal needs it): a peer's media is sent to
// the address its packets come from, not to the one its SDP names. A phone behind NAT writes
// its private address in SDP; baresip bound to 0.0.0.0 sends from 127.0.0.1 while its SDP
// says 127.0.0.3. Rules:
//   - unlatched, the first valid packet from any source latches it;
//   - latched, packets from any other source are refused (stray or injected packets);
//   - but when the latched source has been silent for >= 1 s and one other source has sent
//     `packets_to_relatch` packets in a row, that source is latched instead (NAT rebinding,
//     a re-INVITE that moved the peer). Time comes from the caller: no clock is read here.
// Not thread-safe: one per socket, owned by the media thread of its relay.
#include <chrono>
#include <cstdint>

#include "base/clock.hpp"
#include "media/socket_address.hpp"

namespace dzvin::media {

class SourceLatch {
 public:
  enum class Verdict : std::uint8_t {
    accepted,   // from the latched source
    latched,    // accepted: the first valid packet, its source is now latched
    relatched,  // accepted: another source took over after the latched one fell silent
    refused,    // from another source
  };

  static constexpr Duration kSilenceBeforeRelatch = std::chrono::seconds{1};

  explicit SourceLatch(std::uint32_t packets_to_relatch)
      : packets_to_relatch_(packets_to_relatch) {}

  // Decides on a valid packet from `source` arriving at `now`.
  Verdict offer(const SocketAddress& source, SteadyTime now);

  bool latched() const { return latched_; }
  // The latched source; meaningful only when latched().
  const SocketAddress& source() const { return source_; }
  // Forgets the source (the peer's SDP address changed): the next valid packet latches.
  void reset();

 private:
  std::uint32_t packets_to_relatch_;
  bool latched_ = false;
  SocketAddress source_;
  SteadyTime last_heard_{};
  SocketAddress candidate_;
  std::uint32_t candidate_packets_ = 0;
};

}  // namespace dzvin::media
