#pragma once
// Turns the RFC 4733 telephone-event packets of one leg into completed events (DTMF keys
// pressed), one per event whatever was lost, repeated or reordered on the way:
//   - an event is identified by its RTP timestamp (its start) and its event code
//     (RFC 4733 §2.5.1.2: every packet of an event carries the same timestamp);
//   - it completes at its first packet with the E bit; the two repeats of that packet
//     (§2.5.1.4: the final packet is sent three times) and any late packet of it are absorbed;
//   - a lost start packet changes nothing: the first packet seen opens the event;
//   - when all its end packets are lost, it completes when a packet of another event arrives
//     or, in `poll`, when no packet of it came for `timeout`;
//   - a key held longer than the 16-bit duration field (8.19 s) continues in unmarked segments
//     whose timestamp advances by 0xFFFF (§2.5.1.3): still the same event;
//   - a packet older (by RTP sequence, within 64) than the newest one seen that belongs to
//     neither the open nor the last completed event is stale and dropped.
// Pure state: no clock is read, nothing is allocated; time comes with each call. One per leg,
// owned by the thread that receives the leg's packets.
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "base/clock.hpp"
#include "media/rtp_header.hpp"

namespace dzvin::media {

// How an event was found to be over.
enum class EventEnding : std::uint8_t {
  end_bit,     // a packet with the E bit arrived
  next_event,  // a packet of another event (or of a new SSRC) arrived first: the ends were lost
  timeout,     // no packet of it for the receiver's timeout (poll)
};

struct ReceivedEvent {
  std::uint8_t event = 0;  // RFC 4733 event code
  char digit = '\0';       // dtmf_char(event): '0'-'9', '*', '#', 'A'-'D'; '\0' for non-DTMF
  std::chrono::milliseconds duration{0};  // the longest duration its packets reported (8 kHz)
  std::uint32_t rtp_timestamp = 0;        // its start
  EventEnding ending = EventEnding::end_bit;
  bool is_digit() const { return digit != '\0'; }
  bool operator==(const ReceivedEvent&) const = default;
};

// The events one packet completed: none, one, or two (a packet of a new event that is itself an
// end packet, while the previous event's end packets were lost), oldest first.
class ReceivedEvents {
 public:
  bool empty() const { return size_ == 0; }
  std::size_t size() const { return size_; }
  const ReceivedEvent& operator[](std::size_t i) const { return events_[i]; }
  const ReceivedEvent* begin() const { return events_.data(); }
  const ReceivedEvent* end() const { return events_.data() + size_; }

 private:
  friend class Rfc4733Receiver;
  void push(const ReceivedEvent& e) { events_[size_++] = e; }
  std::array<ReceivedEvent, 2> events_{};
  std::size_t size_ = 0;
};

class Rfc4733Receiver {
 public:
  // Five of the usual 50 ms update intervals: four lost updates in a row do not end a held key
  // early, and a key whose ends were all lost is reported a quarter second after its last packet.
  static constexpr Duration kDefaultTimeout = std::chrono::milliseconds{250};
  // How far back (in RTP sequence numbers) a packet counts as reordered rather than as the start
  // of a new sequence space.
  static constexpr std::uint16_t kReorderWindow = 64;

  explicit Rfc4733Receiver(Duration timeout = kDefaultTimeout) : timeout_(timeout) {}

  // One packet of the leg's telephone-event payload type: its parsed header, its payload (after
  // header, CSRCs, extension; without padding) and when it arrived. A payload shorter than 4
  // octets is counted and ignored. A new SSRC ends the open event and starts afresh.
  ReceivedEvents on_packet(const RtpHeader& header, std::span<const std::uint8_t> payload,
                           SteadyTime arrival);

  // Ends the open event if no packet of it arrived for the timeout. Call it at deadline().
  std::optional<ReceivedEvent> poll(SteadyTime now);

  // When poll() has something to do: the open event's last packet + timeout; nullopt when no
  // event is open.
  std::optional<SteadyTime> deadline() const;

  // Forgets everything (the leg was re-configured); the open event, if any, is dropped.
  void reset();

  std::uint64_t malformed_packets() const { return malformed_; }  // payload < 4 octets
  std::uint64_t stale_packets() const { return stale_; }          // reordered, of a past event

 private:
  struct Tracked {
    bool active = false;
    std::uint8_t event = 0;
    std::uint32_t start_timestamp = 0;    // of the first segment
    std::uint32_t segment_timestamp = 0;  // of the segment being received (== start mostly)
    std::uint16_t duration = 0;           // the longest seen in that segment
    SteadyTime last_arrival{};
  };
  static bool same_event(const Tracked& t, std::uint32_t timestamp, std::uint8_t event);
  static bool continues(const Tracked& t, const RtpHeader& h, std::uint8_t event);
  ReceivedEvent complete(EventEnding ending);

  Duration timeout_;
  Tracked open_;       // being received, not yet reported
  Tracked completed_;  // the last reported: its repeats and late packets are absorbed
  bool have_ssrc_ = false;
  std::uint32_t ssrc_ = 0;
  bool have_sequence_ = false;
  std::uint16_t highest_sequence_ = 0;
  std::uint64_t malformed_ = 0;
  std::uint64_t stale_ = 0;
};

}  // namespace dzvin::media
