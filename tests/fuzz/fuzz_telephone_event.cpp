// libFuzzer target: the RFC 4733 payload reader on any bytes, an Rfc4733Receiver fed any
// sequence of packets (records of the input), and an Rfc4733Sender with parameters from the
// input whose packets a receiver must turn back into exactly that one event. Invariants:
//   - the allocation-free and the Result readers agree; what is read is written back the same
//     (R bit cleared);
//   - every event reported has digit == dtmf_char(event); a packet reports at most two, and
//     when it reports any, the last was ended by that packet's E bit, or it reports exactly one
//     ended by the new event; a short payload reports none; poll reports only at or after
//     deadline(), always then, and leaves no event open; no more events than packets.
#include <algorithm>
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>

#include "fuzz_invariant.hpp"
#include "media/dtmf_receiver.hpp"
#include "media/dtmf_sender.hpp"
#include "media/telephone_event.hpp"

namespace {

using namespace dzvin;
using namespace dzvin::media;

using dzvin::fuzz::fail;

void check(bool ok, const char* what) {
  if (!ok) fail(what);
}

void check_payload(std::span<const std::uint8_t> data) {
  const auto read = read_telephone_event(data);
  const auto parsed = parse_telephone_event(data);
  check(read.has_value() == parsed.ok(), "readers disagree");
  check(read.has_value() == (data.size() >= kTelephoneEventSize), "4-octet rule");
  if (!read) {
    check(parsed.error().code == 400 && !parsed.error().message.empty(), "error");
    return;
  }
  check(*read == *parsed, "readers disagree on fields");
  check(read->volume <= kMaxEventVolume, "volume");
  std::array<std::uint8_t, kTelephoneEventSize> out{};
  write_telephone_event(*read, out);
  check(out[0] == data[0] && out[1] == (data[1] & 0xBF) && out[2] == data[2] && out[3] == data[3],
        "write(read(x)) != x without R");
  const char key = dtmf_char(read->event);
  check((key != '\0') == (read->event < 16), "dtmf_char range");
  if (key != '\0') check(dtmf_event(key) == read->event, "dtmf_event inverse");
}

void check_event(const ReceivedEvent& e) {
  check(e.digit == dtmf_char(e.event), "digit of event");
  check(e.duration.count() >= 0, "negative duration");
}

// Records of 12 octets: flags, sequence (2), timestamp (4), payload (4), time step (ms).
// flags: 0x01 marker, 0x02 second SSRC, 0x04 poll first, 0x08 sequence absolute (else +int8),
// 0x10 timestamp absolute (else +int16 * 8), 0xE0 payload length 0-7 (the 4 octets repeated).
constexpr std::size_t kRecord = 12;

void run_receiver(std::span<const std::uint8_t> data) {
  Rfc4733Receiver rx(std::chrono::milliseconds(100));
  SteadyTime now{std::chrono::hours(1)};
  RtpHeader h;
  std::size_t packets = 0;
  std::size_t events = 0;
  for (; data.size() >= kRecord; data = data.subspan(kRecord)) {
    const std::uint8_t flags = data[0];
    now += std::chrono::milliseconds(data[11]);
    if (flags & 0x04) {
      const auto deadline = rx.deadline();
      const auto polled = rx.poll(now);
      check(polled.has_value() == (deadline && *deadline <= now), "poll vs deadline");
      if (polled) {
        check_event(*polled);
        check(polled->ending == EventEnding::timeout, "poll ending");
        check(!rx.deadline(), "open after poll");
        ++events;
      }
    }
    h.marker = (flags & 0x01) != 0;
    h.ssrc = (flags & 0x02) != 0 ? 0xB : 0xA;
    if (flags & 0x08) {
      h.sequence = static_cast<std::uint16_t>((data[1] << 8) | data[2]);
    } else {
      h.sequence = static_cast<std::uint16_t>(h.sequence + static_cast<std::int8_t>(data[1]));
    }
    const std::uint32_t ts = (std::uint32_t{data[3]} << 24) | (std::uint32_t{data[4]} << 16) |
                             (std::uint32_t{data[5]} << 8) | data[6];
    if (flags & 0x10) {
      h.timestamp = ts;
    } else {
      h.timestamp += static_cast<std::uint32_t>(static_cast<std::int16_t>(ts >> 16) * 8);
    }
    std::array<std::uint8_t, 8> payload{};
    for (std::size_t i = 0; i < payload.size(); ++i)
      payload[i] = data[7 + i % 4];
    const std::size_t length = flags >> 5;
    const std::span<const std::uint8_t> p(payload.data(), length);

    const ReceivedEvents got = rx.on_packet(h, p, now);
    check(got.size() <= 2, "more than two events from a packet");
    if (length < kTelephoneEventSize) {
      check(got.empty(), "event from a short payload");
      continue;
    }
    ++packets;
    for (const ReceivedEvent& e : got)
      check_event(e);
    if (!got.empty()) {
      if ((payload[1] & 0x80) != 0) {
        check(got[got.size() - 1].ending == EventEnding::end_bit, "E packet, other ending");
      } else {
        check(got.size() == 1 && got[0].ending == EventEnding::next_event, "non-E packet");
      }
    }
    events += got.size();
    check(events <= packets, "more events than packets");
    if (const auto deadline = rx.deadline()) {
      check(*deadline <= now + std::chrono::milliseconds(100), "deadline beyond timeout");
    }
  }
}

// The sender's packets, delivered in order without loss, give back exactly its event.
void run_sender(std::span<const std::uint8_t> data) {
  if (data.size() < 9) return;
  DtmfSendParams p;
  p.event = data[0];
  p.duration = std::chrono::milliseconds((data[1] << 8) | data[2]);
  p.interval = std::chrono::milliseconds(data[3]);
  p.volume = data[4];
  p.payload_type = data[5];
  p.sequence = static_cast<std::uint16_t>((data[6] << 8) | data[7]);
  p.timestamp = std::uint32_t{data[8]} * 0x01010101u;
  const SteadyTime start{std::chrono::hours(3)};
  Rfc4733Sender sender(p, start);
  Rfc4733Receiver rx;
  const auto duration =
      std::clamp(p.duration, Rfc4733Sender::kMinDuration, Rfc4733Sender::kMaxDuration);
  const auto interval =
      std::clamp(p.interval, Rfc4733Sender::kMinInterval, Rfc4733Sender::kMaxInterval);
  const auto expected_packets = (duration.count() + interval.count() - 1) / interval.count() + 2;
  check(sender.packet_count() == expected_packets, "packet count");
  int sent = 0;
  int events = 0;
  while (const auto due = sender.next_time()) {
    check(!sender.next(*due - std::chrono::microseconds(1)), "packet before it is due");
    const auto packet = sender.next(*due);
    check(packet.has_value(), "no packet when due");
    RtpHeader h;
    check(parse_rtp_header(packet->data(), h) == RtpDefect::none, "sent packet is not RTP");
    check(h.marker == (sent == 0), "marker");
    check(h.sequence == static_cast<std::uint16_t>(p.sequence + sent), "sequence");
    check(h.timestamp == p.timestamp && h.payload_type == (p.payload_type & 0x7F), "header");
    for (const ReceivedEvent& e :
         rx.on_packet(h, packet->data().subspan(h.payload_offset, h.payload_size), *due)) {
      check(e.event == p.event && e.ending == EventEnding::end_bit, "event sent");
      check(e.duration == duration, "duration sent");
      ++events;
    }
    ++sent;
  }
  check(sent == sender.packet_count() && events == 1, "one event");
  check(sender.next_sequence() == static_cast<std::uint16_t>(p.sequence + sent), "next_sequence");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> input(data, size);
  check_payload(input);
  run_receiver(input);
  run_sender(input);
  return 0;
}
