#pragma once
// The RTP packets of one RFC 4733 event sent on a leg (a DTMF key Dzvin presses: a transfer
// code towards a trunk, an IVR passing digits on), as a pure schedule: the caller asks for the
// packet due at a time, sends it, and asks again at next_time(). RFC 4733 §2.5.1:
//   - every packet carries the event's start as RTP timestamp; the first one has the marker;
//   - the first is sent one interval after the start (so that no packet reports a duration of
//     zero), then one every interval, each with the duration so far;
//   - the final packet (E bit, full duration) leaves as soon as the duration is reached and is
//     sent three times in all, an interval apart (§2.5.1.4);
//   - sequence numbers go up by one per packet (the leg's audio sequence space: the caller sends
//     no audio packet in between and continues with next_sequence()).
// Nothing is allocated; no clock is read.
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "base/clock.hpp"
#include "media/rtp_header.hpp"
#include "media/telephone_event.hpp"

namespace dzvin::media {

inline constexpr std::size_t kEventPacketSize = kRtpFixedHeaderSize + kTelephoneEventSize;

struct DtmfSendParams {
  std::uint8_t payload_type = 101;  // the leg's negotiated telephone-event number
  std::uint32_t ssrc = 0;           // the leg's outgoing SSRC
  std::uint16_t sequence = 0;       // of the first packet
  std::uint32_t timestamp = 0;      // the event's start on the leg's 8 kHz RTP clock
  std::uint8_t event = 0;           // dtmf_event('5'), or any RFC 4733 event code
  // How long the key is held: at least 40 ms (ITU-T Q.24's shortest recognised digit) and at
  // most 8,191 ms (what one segment's 16-bit duration holds at 8 kHz); clamped to that range.
  std::chrono::milliseconds duration{100};
  std::uint8_t volume = 10;                // -dBm0, limited to 0-63
  std::chrono::milliseconds interval{50};  // between packets; clamped to 10-1,000 ms
};

// One packet ready to send: a 12-octet RTP header (version 2, no CSRC, no extension) and the
// 4-octet payload.
struct EventPacket {
  std::array<std::uint8_t, kEventPacketSize> bytes{};
  SteadyTime send_at{};  // when it is due
  std::span<const std::uint8_t> data() const { return bytes; }
};

class Rfc4733Sender {
 public:
  static constexpr int kEndPackets = 3;
  static constexpr std::chrono::milliseconds kMinDuration{40};
  static constexpr std::chrono::milliseconds kMaxDuration{0xFFFF * 1000 / kTelephoneEventClockRate};
  static constexpr std::chrono::milliseconds kMinInterval{10};
  static constexpr std::chrono::milliseconds kMaxInterval{1000};

  // The event starts at `start` (its RTP timestamp is params.timestamp).
  Rfc4733Sender(const DtmfSendParams& params, SteadyTime start);

  // The next packet if it is due at `now` (late ones are still given, in order, one per call);
  // nullopt when none is due or all were given.
  std::optional<EventPacket> next(SteadyTime now);
  // When the next packet is due; nullopt when all were given.
  std::optional<SteadyTime> next_time() const;
  bool done() const { return sent_ == total_; }

  // How many packets the event takes in all (updates + the three ends).
  int packet_count() const { return total_; }
  // The sequence number for the leg's next packet after the whole event.
  std::uint16_t next_sequence() const;
  // Where the leg's audio resumes on the RTP clock: the start + the event's duration.
  std::uint32_t end_timestamp() const { return params_.timestamp + duration_ticks_; }

 private:
  // When packet i is due, in clock ticks after the start.
  std::uint32_t due_ticks(int i) const;

  DtmfSendParams params_;
  SteadyTime start_;
  std::uint32_t duration_ticks_ = 0;
  std::uint32_t interval_ticks_ = 0;
  int updates_ = 0;  // packets before the repeats of the final one (the final one included)
  int total_ = 0;
  int sent_ = 0;
};

}  // namespace dzvin::media
