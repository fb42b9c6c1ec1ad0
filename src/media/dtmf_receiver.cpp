#include "media/dtmf_receiver.hpp"

#include <algorithm>

#include "media/telephone_event.hpp"

namespace dzvin::media {

namespace {
// RFC 4733 §2.5.1.3: a segment lasts at most what the 16-bit duration field holds; the next one
// starts that many ticks later, without the marker bit.
constexpr std::uint32_t kSegmentTicks = 0xFFFF;
}  // namespace

bool Rfc4733Receiver::same_event(const Tracked& t, std::uint32_t timestamp, std::uint8_t event) {
  return t.active && t.segment_timestamp == timestamp && t.event == event;
}

bool Rfc4733Receiver::continues(const Tracked& t, const RtpHeader& h, std::uint8_t event) {
  return t.active && !h.marker && t.event == event &&
         static_cast<std::uint32_t>(h.timestamp - t.segment_timestamp) == kSegmentTicks;
}

ReceivedEvent Rfc4733Receiver::complete(EventEnding ending) {
  ReceivedEvent r;
  r.event = open_.event;
  r.digit = dtmf_char(open_.event);
  const std::uint64_t ticks =
      std::uint64_t{static_cast<std::uint32_t>(open_.segment_timestamp - open_.start_timestamp)} +
      open_.duration;
  r.duration = std::chrono::milliseconds(ticks * 1000 / kTelephoneEventClockRate);
  r.rtp_timestamp = open_.start_timestamp;
  r.ending = ending;
  completed_ = open_;
  open_.active = false;
  return r;
}

ReceivedEvents Rfc4733Receiver::on_packet(const RtpHeader& h, std::span<const std::uint8_t> payload,
                                          SteadyTime arrival) {
  ReceivedEvents out;
  const auto e = read_telephone_event(payload);
  if (!e) {
    ++malformed_;
    return out;
  }
  if (have_ssrc_ && h.ssrc != ssrc_) {
    // Another source (a transfer, a restarted phone): its timestamps and sequence numbers
    // start elsewhere. What was open is over.
    if (open_.active) out.push(complete(EventEnding::next_event));
    completed_ = {};
    have_sequence_ = false;
  }
  have_ssrc_ = true;
  ssrc_ = h.ssrc;

  // A packet duplicated on the way (behind == 0) is absorbed below like a repeat.
  bool older = false;
  if (have_sequence_) {
    const auto behind = static_cast<std::uint16_t>(highest_sequence_ - h.sequence);
    older = behind != 0 && behind <= kReorderWindow;
  }
  if (!older) {
    highest_sequence_ = h.sequence;
    have_sequence_ = true;
  }

  if (same_event(open_, h.timestamp, e->event) || continues(open_, h, e->event)) {
    if (open_.segment_timestamp != h.timestamp) {
      open_.segment_timestamp = h.timestamp;
      open_.duration = e->duration;
    }
    open_.duration = std::max(open_.duration, e->duration);
    open_.last_arrival = arrival;
    if (e->end) out.push(complete(EventEnding::end_bit));
    return out;
  }
  if (same_event(completed_, h.timestamp, e->event)) return out;  // a repeated end, a late update
  if (continues(completed_, h, e->event)) {
    completed_.segment_timestamp = h.timestamp;  // a held key past its report: still the same
    return out;
  }
  if (older) {
    ++stale_;
    return out;
  }
  // A new event. Its start packet (the marked one) may have been lost: any packet opens it.
  if (open_.active) out.push(complete(EventEnding::next_event));
  open_ = Tracked{true, e->event, h.timestamp, h.timestamp, e->duration, arrival};
  if (e->end) out.push(complete(EventEnding::end_bit));
  return out;
}

std::optional<ReceivedEvent> Rfc4733Receiver::poll(SteadyTime now) {
  if (!open_.active || now - open_.last_arrival < timeout_) return std::nullopt;
  return complete(EventEnding::timeout);
}

std::optional<SteadyTime> Rfc4733Receiver::deadline() const {
  if (!open_.active) return std::nullopt;
  return open_.last_arrival + timeout_;
}

void Rfc4733Receiver::reset() {
  open_ = {};
  completed_ = {};
  have_ssrc_ = false;
  have_sequence_ = false;
}

}  // namespace dzvin::media
