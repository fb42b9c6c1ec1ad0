#include "media/relay.hpp"

#include <chrono>

#include "base/log.hpp"
#include "media/g711.hpp"
#include "media/rtcp_header.hpp"
#include "media/rtp_header.hpp"

namespace dzvin::media {

namespace {

enum class PayloadKind : std::uint8_t { unknown, pcmu, pcma, telephone_event };

PayloadKind kind_of(Codec codec) {
  return codec == Codec::pcmu ? PayloadKind::pcmu : PayloadKind::pcma;
}

// What a payload type received on `leg` carries. The negotiated numbers first; then the
// static G.711 numbers (RFC 3551 §6), which a peer may switch to without a new offer when it
// listed both laws.
PayloadKind classify(const Leg& leg, std::uint8_t pt) {
  if (!leg.configured) return PayloadKind::unknown;
  if (pt == leg.params.payload_type) return kind_of(leg.params.codec);
  if (leg.params.telephone_event_pt && pt == *leg.params.telephone_event_pt) {
    return PayloadKind::telephone_event;
  }
  if (pt == static_payload_type(Codec::pcmu)) return PayloadKind::pcmu;
  if (pt == static_payload_type(Codec::pcma)) return PayloadKind::pcma;
  return PayloadKind::unknown;
}

std::int64_t to_ns(SteadyTime t) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

void note_latch(SourceLatch::Verdict verdict, const Leg& leg, const SocketAddress& from,
                PublishedEndpoint& published, bool rtcp) {
  const auto endpoint = from.to_endpoint();
  published.publish(endpoint);
  // A first latch happens on every call (debug); a change of source is worth a line.
  const LogLevel level =
      verdict == SourceLatch::Verdict::relatched ? LogLevel::info : LogLevel::debug;
  if (!log_enabled(level)) return;
  log(level, verdict == SourceLatch::Verdict::relatched ? "media.relatched" : "media.latched",
      {{"port", rtcp ? leg.rtp_port + 1 : leg.rtp_port},
       {"source", endpoint ? endpoint->to_string() : std::string("?")}});
}

// A relayed packet towards a peer that has had Dzvin's own stream: written into that stream
// (see LegPlayer::mapping). A new source starts where Dzvin's stream stands, with the time
// since its last packet, and with the marker bit of a new talkspurt.
void continue_own_stream(LegPlayer& p, std::span<std::uint8_t> packet, const RtpHeader& h,
                         bool audio, SteadyTime now) {
  if (!p.mapping || h.ssrc != p.mapped_ssrc) {
    std::uint32_t next_timestamp = p.packetizer.next_timestamp();
    if (p.last_sent != SteadyTime{} && now > p.last_sent) {
      const auto gap =
          std::chrono::duration_cast<std::chrono::microseconds>(now - p.last_sent).count() / 125 -
          static_cast<std::int64_t>(kSamplesPerPacket);
      if (gap > 0) next_timestamp += static_cast<std::uint32_t>(gap);
    }
    p.sequence_delta = static_cast<std::uint16_t>(p.packetizer.next_sequence() - h.sequence);
    p.timestamp_delta = next_timestamp - h.timestamp;
    p.mapped_ssrc = h.ssrc;
    p.mapping = true;
    if (audio) packet[1] |= 0x80;
  }
  const auto sequence = static_cast<std::uint16_t>(h.sequence + p.sequence_delta);
  const std::uint32_t timestamp = h.timestamp + p.timestamp_delta;
  set_stream_fields(packet, sequence, timestamp, p.packetizer.ssrc());
  // G.711: one octet per sample. An event keeps the timestamp of its start (RFC 4733 §2.5.1).
  p.packetizer.continue_after(
      sequence, audio ? timestamp + static_cast<std::uint32_t>(h.payload_size) : timestamp);
  p.last_sent = now;
}

}  // namespace

void PublishedEndpoint::publish(const std::optional<IpEndpoint>& endpoint) noexcept {
  std::uint64_t w[3] = {0, 0, 0};
  if (endpoint) {
    for (int i = 0; i < 8; ++i) {
      w[0] |= std::uint64_t{endpoint->address.bytes[static_cast<std::size_t>(i)]} << (8 * i);
      w[1] |= std::uint64_t{endpoint->address.bytes[static_cast<std::size_t>(i + 8)]} << (8 * i);
    }
    w[2] = endpoint->port | (endpoint->address.v6 ? 1ull << 16 : 0) | 1ull << 17;
  }
  // Sequence lock without fences: a reader that sees any word of this write (acquire) also
  // sees the odd sequence stored before it, and retries.
  const std::uint32_t s = sequence_.load(std::memory_order_relaxed);
  sequence_.store(s + 1, std::memory_order_relaxed);
  for (int i = 0; i < 3; ++i)
    words_[i].store(w[i], std::memory_order_release);
  sequence_.store(s + 2, std::memory_order_release);
}

std::optional<IpEndpoint> PublishedEndpoint::read() const noexcept {
  std::uint64_t w[3];
  for (;;) {
    const std::uint32_t before = sequence_.load(std::memory_order_acquire);
    if (before % 2 != 0) continue;
    for (int i = 0; i < 3; ++i)
      w[i] = words_[i].load(std::memory_order_acquire);
    if (sequence_.load(std::memory_order_relaxed) == before) break;
  }
  if ((w[2] & (1ull << 17)) == 0) return std::nullopt;
  IpEndpoint e;
  for (int i = 0; i < 8; ++i) {
    e.address.bytes[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(w[0] >> (8 * i));
    e.address.bytes[static_cast<std::size_t>(i + 8)] = static_cast<std::uint8_t>(w[1] >> (8 * i));
  }
  e.address.v6 = (w[2] & (1ull << 16)) != 0;
  e.port = static_cast<std::uint16_t>(w[2] & 0xFFFF);
  return e;
}

LegStats LegCounters::snapshot() const {
  LegStats s;
  s.rtp_packets_in = rtp_packets_in.get();
  s.rtp_bytes_in = rtp_bytes_in.get();
  s.rtp_packets_out = rtp_packets_out.get();
  s.rtp_bytes_out = rtp_bytes_out.get();
  s.rtcp_packets_in = rtcp_packets_in.get();
  s.rtcp_packets_out = rtcp_packets_out.get();
  s.dropped_malformed = dropped_malformed.get();
  s.dropped_foreign = dropped_foreign.get();
  s.dropped_not_forwarded = dropped_not_forwarded.get();
  s.send_errors = send_errors.get();
  if (const auto ns = last_rtp_in_ns.load(std::memory_order_relaxed); ns != 0) {
    s.last_rtp_in = SteadyTime{std::chrono::duration_cast<Duration>(std::chrono::nanoseconds{ns})};
  }
  s.rtp_source = rtp_source.read();
  s.rtcp_source = rtcp_source.read();
  return s;
}

void LegCounters::reset() noexcept {
  for (Counter* c : {&rtp_packets_in, &rtp_bytes_in, &rtp_packets_out, &rtp_bytes_out,
                     &rtcp_packets_in, &rtcp_packets_out, &dropped_malformed, &dropped_foreign,
                     &dropped_not_forwarded, &send_errors})
    c->reset();
  last_rtp_in_ns.store(0, std::memory_order_relaxed);
  rtp_source.publish(std::nullopt);
  rtcp_source.publish(std::nullopt);
}

void Relay::configure(LegSide side, const LegParams& params) {
  Leg& l = leg(side);
  SocketAddress rtp;
  SocketAddress rtcp;
  if (params.remote_rtp.port != 0) {
    rtp = SocketAddress::from_endpoint(params.remote_rtp, l.family);
    if (params.remote_rtcp.port != 0) {
      rtcp = SocketAddress::from_endpoint(params.remote_rtcp, l.family);
    } else if (params.remote_rtp.port < 65535) {
      // RFC 3550 §11: RTCP on the next port unless SDP said otherwise (RFC 3605).
      rtcp = SocketAddress::from_endpoint(
          IpEndpoint{params.remote_rtp.address,
                     static_cast<std::uint16_t>(params.remote_rtp.port + 1)},
          l.family);
    }
  }
  // A new address is a new peer (a transfer, a re-INVITE from elsewhere): latch afresh rather
  // than keep sending to the old one for the re-latch delay.
  if (!(rtp == l.sdp_rtp)) {
    l.rtp_latch.reset();
    l.counters->rtp_source.publish(std::nullopt);
  }
  if (!(rtcp == l.sdp_rtcp)) {
    l.rtcp_latch.reset();
    l.counters->rtcp_source.publish(std::nullopt);
  }
  l.sdp_rtp = rtp;
  l.sdp_rtcp = rtcp;
  l.params = params;
  l.configured = true;
}

bool Relay::on_rtp(LegSide side, std::span<std::uint8_t> packet, const SocketAddress& from,
                   SteadyTime now, Delivery& out) {
  Leg& in = leg(side);
  Leg& to = leg(other(side));
  LegCounters& c = *in.counters;

  RtpHeader h;
  if (parse_rtp_header(packet, h) != RtpDefect::none) {
    c.dropped_malformed.add(1);
    return false;
  }
  // A payload type this leg did not negotiate does not make a packet valid: it neither
  // latches nor is passed on (nor is anything before the leg is configured).
  const PayloadKind kind = classify(in, h.payload_type);
  if (kind == PayloadKind::unknown) {
    c.dropped_not_forwarded.add(1);
    return false;
  }
  switch (const auto verdict = in.rtp_latch.offer(from, now)) {
    case SourceLatch::Verdict::refused:
      c.dropped_foreign.add(1);
      return false;
    case SourceLatch::Verdict::latched:
    case SourceLatch::Verdict::relatched:
      note_latch(verdict, in, from, c.rtp_source, false);
      break;
    case SourceLatch::Verdict::accepted:
      break;
  }
  c.rtp_packets_in.add(1);
  c.rtp_bytes_in.add(packet.size());
  c.last_rtp_in_ns.store(to_ns(now), std::memory_order_relaxed);
  if (in.dtmf) {
    // Before the payload is transcoded in place for the other leg.
    DtmfListener& l = *in.dtmf;
    const auto payload =
        std::span<const std::uint8_t>(packet).subspan(h.payload_offset, h.payload_size);
    if (kind == PayloadKind::telephone_event) {
      for (const ReceivedEvent& e : l.rfc4733.on_packet(h, payload, now)) {
        if (e.is_digit()) l.push(e.digit, e.duration, false);
      }
    } else {
      if (auto e = l.rfc4733.poll(now); e && e->is_digit()) l.push(e->digit, e->duration, false);
      if (l.inband) {
        for (char d :
             l.inband->feed(kind == PayloadKind::pcmu ? Codec::pcmu : Codec::pcma, payload))
          l.push(d, std::chrono::milliseconds(0), true);
      }
    }
  }

  if (recording && kind != PayloadKind::telephone_event) {
    recording->capture(
        side, h, kind == PayloadKind::pcmu ? Codec::pcmu : Codec::pcma,
        std::span<const std::uint8_t>(packet).subspan(h.payload_offset, h.payload_size), now);
  }

  // A leg that is being played to hears the prompt, not the other side.
  if (!in.params.receive_from_peer || !to.configured || !to.params.send_to_peer ||
      to.player.active) {
    c.dropped_not_forwarded.add(1);
    return false;
  }
  const SocketAddress& destination = to.rtp_destination();
  std::uint8_t payload_type;
  if (kind == PayloadKind::telephone_event) {
    // RFC 4733 events pass unchanged but for the number the other leg negotiated.
    if (!to.params.telephone_event_pt || destination.empty()) {
      c.dropped_not_forwarded.add(1);
      return false;
    }
    payload_type = *to.params.telephone_event_pt;
  } else {
    if (destination.empty()) {
      c.dropped_not_forwarded.add(1);
      return false;
    }
    transcode(kind == PayloadKind::pcmu ? Codec::pcmu : Codec::pcma, to.params.codec,
              packet.subspan(h.payload_offset, h.payload_size));
    payload_type = to.params.payload_type;
  }
  set_payload_type(packet, payload_type);
  if (to.player.seeded)
    continue_own_stream(to.player, packet, h, kind != PayloadKind::telephone_event, now);
  out = Delivery{to.rtp_socket.get(), &destination, to.counters, false};
  return true;
}

bool Relay::on_rtcp(LegSide side, std::span<const std::uint8_t> packet, const SocketAddress& from,
                    SteadyTime now, Delivery& out) {
  Leg& in = leg(side);
  Leg& to = leg(other(side));
  LegCounters& c = *in.counters;

  if (check_rtcp_header(packet) != RtcpDefect::none) {
    c.dropped_malformed.add(1);
    return false;
  }
  if (!in.configured) {
    c.dropped_not_forwarded.add(1);
    return false;
  }
  switch (const auto verdict = in.rtcp_latch.offer(from, now)) {
    case SourceLatch::Verdict::refused:
      c.dropped_foreign.add(1);
      return false;
    case SourceLatch::Verdict::latched:
    case SourceLatch::Verdict::relatched:
      note_latch(verdict, in, from, c.rtcp_source, true);
      break;
    case SourceLatch::Verdict::accepted:
      break;
  }
  c.rtcp_packets_in.add(1);
  // RFC 3264 §5.1: RTCP keeps flowing on sendonly, recvonly and inactive streams, so
  // direction does not apply here.
  const SocketAddress& destination = to.rtcp_destination();
  if (!to.configured || destination.empty()) {
    c.dropped_not_forwarded.add(1);
    return false;
  }
  out = Delivery{to.rtcp_socket.get(), &destination, to.counters, true};
  return true;
}

void Relay::clear() {
  for (Leg& l : legs_) {
    l.rtp_socket.reset();
    l.rtcp_socket.reset();
    l.configured = false;
    l.params = LegParams{};
    l.sdp_rtp = SocketAddress{};
    l.sdp_rtcp = SocketAddress{};
    l.rtp_latch.reset();
    l.rtcp_latch.reset();
    l.backlogged = 0;
    l.player = LegPlayer{};
    l.dtmf.reset();
  }
}

}  // namespace dzvin::media
