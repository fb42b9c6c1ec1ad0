#pragma once
// The RFC 4733 §2.3 telephone-event payload (DTMF digits and other named events carried in RTP
// instead of as tones), read from untrusted packets and written for the ones Dzvin sends.
//
//    0                   1                   2                   3
//    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |     event     |E|R| volume    |          duration             |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "base/result.hpp"

namespace dzvin::media {

inline constexpr std::size_t kTelephoneEventSize = 4;
// The telephone-event clock of every leg Dzvin handles: G.711's 8 kHz (the events share the
// audio's RTP clock; the media type's rate defaults to 8000, RFC 4733 §7.1.1). Durations are
// in these ticks.
inline constexpr int kTelephoneEventClockRate = 8000;
inline constexpr std::uint8_t kMaxEventVolume = 63;  // -63 dBm0, the 6-bit field's floor
inline constexpr std::uint8_t kEventFlash = 16;      // RFC 4733 §3.2 Table 3: hook flash

struct TelephoneEvent {
  std::uint8_t event = 0;      // 0-15: DTMF (see dtmf_char); 16: flash; others: tones, modem...
  bool end = false;            // E: the event has ended (the final packets carry it)
  std::uint8_t volume = 0;     // power level of a tone in -dBm0 (0-63)
  std::uint16_t duration = 0;  // since the packet's RTP timestamp, in clock ticks
  bool operator==(const TelephoneEvent&) const = default;
};

// Reads the first event of a payload; nullopt when it is shorter than 4 octets. Never
// allocates: the per-packet path calls this one. The R bit is ignored (RFC 4733 §2.3: senders
// set it to zero, receivers ignore it). A payload may carry several events one after another
// (RFC 4733 §2.5.1.5, "packing"); only the first is read: deployed phones send one per packet.
std::optional<TelephoneEvent> read_telephone_event(std::span<const std::uint8_t> payload) noexcept;

// The same with an error (code 400, the message names the length) for logs and tools; the
// error allocates.
Result<TelephoneEvent> parse_telephone_event(std::span<const std::uint8_t> payload);

// Writes `event` in network order; R is written as 0 and volume is limited to 6 bits.
void write_telephone_event(const TelephoneEvent& event,
                           std::span<std::uint8_t, kTelephoneEventSize> out) noexcept;

// The key of a DTMF event, "0123456789*#ABCD" for events 0-15 (RFC 4733 §3.2 Table 3); '\0'
// for every other event (flash, tones, modem signals), which are events but not digits.
char dtmf_char(std::uint8_t event) noexcept;

// The event of a key: '0'-'9', '*', '#', 'A'-'D' (or 'a'-'d'); nullopt for anything else.
std::optional<std::uint8_t> dtmf_event(char key) noexcept;

}  // namespace dzvin::media
