#pragma once
// One relay (one call's media): its two legs, what is done with each packet, and the slot that
// holds it in the engine's fixed pool. Internal to media/.
//
// A slot is shared between the signalling thread (MediaEngine) and the one media thread
// (MediaWorker) that owns the relay; every member says who writes it. The hand-over points
// are the worker's command queue (mutex: signalling -> media) and RelaySlot::closed
// (release/acquire: media -> signalling). Counters are atomics with a single writer, so the
// packet path takes no lock and performs no read-modify-write.
#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>

#include "base/clock.hpp"
#include "base/ip_endpoint.hpp"
#include "media/dtmf_receiver.hpp"
#include "media/inband_dtmf_detector.hpp"
#include "media/media_engine.hpp"
#include "media/recording_tap.hpp"
#include "media/rtp_packetizer.hpp"
#include "media/socket_address.hpp"
#include "media/source_latch.hpp"
#include "media/unique_fd.hpp"

namespace dzvin::media {

// A counter with one writer (the media thread) and any number of readers. Relaxed load +
// store instead of fetch_add: with a single writer no update is lost, and on x86 it compiles
// to plain moves (no locked instruction per packet).
class Counter {
 public:
  void add(std::uint64_t n) noexcept {
    v_.store(v_.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
  }
  std::uint64_t get() const noexcept { return v_.load(std::memory_order_relaxed); }
  void reset() noexcept { v_.store(0, std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> v_{0};
};

// An endpoint written by the media thread when a latch changes (rare) and read by stats():
// a sequence lock, so neither side waits for the other.
class PublishedEndpoint {
 public:
  void publish(const std::optional<IpEndpoint>& endpoint) noexcept;  // the one writer
  std::optional<IpEndpoint> read() const noexcept;

 private:
  std::atomic<std::uint32_t> sequence_{0};  // odd while a write is in progress
  std::atomic<std::uint64_t> words_[3] = {};
};

struct LegCounters {
  Counter rtp_packets_in;
  Counter rtp_bytes_in;
  Counter rtp_packets_out;
  Counter rtp_bytes_out;
  Counter rtcp_packets_in;
  Counter rtcp_packets_out;
  Counter dropped_malformed;
  Counter dropped_foreign;
  Counter dropped_not_forwarded;
  Counter send_errors;
  std::atomic<std::int64_t> last_rtp_in_ns{0};  // steady clock, 0: never
  PublishedEndpoint rtp_source;
  PublishedEndpoint rtcp_source;

  LegStats snapshot() const;
  void reset() noexcept;  // only while no media thread owns the slot
};

// A clip being played to one leg's peer (media thread only).
struct LegPlayer {
  std::shared_ptr<const AudioClip> clip;
  std::size_t position = 0;  // next sample to send
  std::uint64_t play_id = 0;
  RelayId relay;
  bool active = false;
  bool loop = false;
  bool talkspurt_start = false;  // the next packet carries the marker bit
  bool seeded = false;           // the packetizer has its random SSRC, sequence and timestamp
  SteadyTime last_sent{};
  RtpPacketizer packetizer;
  // Once Dzvin has sent its own stream to the peer (a prompt, ringback), what the other side
  // says is rewritten into that stream: the peer keeps one SSRC with running sequence numbers
  // and timestamps. A phone need not cope with a second source (baresip drops a new SSRC's
  // packets numbered below the old stream's). The offsets map the relayed source `mapped_ssrc`.
  bool mapping = false;
  std::uint32_t mapped_ssrc = 0;
  std::uint16_t sequence_delta = 0;
  std::uint32_t timestamp_delta = 0;
};

// Keys pressed by one leg's peer, while someone listens (media thread only; allocated by the
// listen command, never per packet).
struct DtmfListener {
  RelayId relay;
  Rfc4733Receiver rfc4733;
  std::unique_ptr<InbandDtmfDetector> inband;  // only when asked for
  struct Key {
    char digit;
    std::chrono::milliseconds duration;
    bool inband;
  };
  std::array<Key, 8> pending{};  // found in the packet just handled; the worker reports them
  std::size_t pending_count = 0;
  void push(char digit, std::chrono::milliseconds duration, bool inband_key) {
    if (pending_count < pending.size()) pending[pending_count++] = Key{digit, duration, inband_key};
  }
};

// One leg as its media thread sees it.
struct Leg {
  UniqueFd rtp_socket;
  UniqueFd rtcp_socket;
  std::uint16_t rtp_port = 0;
  int family = 0;  // of both sockets
  bool configured = false;
  LegParams params;
  SocketAddress sdp_rtp;  // from params, in the sockets' family; empty: unknown
  SocketAddress sdp_rtcp;
  // RTCP comes every few seconds (RFC 3550 §6.2), so its latched source is "silent" between
  // reports: two reports in a row from a new source move it.
  SourceLatch rtp_latch{5};
  SourceLatch rtcp_latch{2};
  LegCounters* counters = nullptr;
  // Which of this leg's sockets wait in the media thread's backlog (bit 0 RTP, bit 1 RTCP).
  std::uint8_t backlogged = 0;
  LegPlayer player;
  std::unique_ptr<DtmfListener> dtmf;

  // Symmetric RTP: the peer gets its media where it sends from; until it has sent, at the
  // address of its SDP.
  const SocketAddress& rtp_destination() const {
    return rtp_latch.latched() ? rtp_latch.source() : sdp_rtp;
  }
  const SocketAddress& rtcp_destination() const {
    return rtcp_latch.latched() ? rtcp_latch.source() : sdp_rtcp;
  }
};

// Where a relayed packet goes: out of `socket` to `to`; `counters` are the receiving leg's.
struct Delivery {
  int socket = -1;
  const SocketAddress* to = nullptr;
  LegCounters* counters = nullptr;
  bool rtcp = false;
};

class Relay {
 public:
  Leg& leg(LegSide side) { return legs_[side == LegSide::a ? 0 : 1]; }

  // Applies (re-)configuration of one leg. A changed remote address resets that leg's latch.
  void configure(LegSide side, const LegParams& params);

  // A datagram (at most 1500 bytes) that arrived on `side`'s RTP socket from `from`: checked,
  // latched, counted, and rewritten in place for the other leg (G.711 law, payload type).
  // Returns true with `out` set when it is to be sent.
  bool on_rtp(LegSide side, std::span<std::uint8_t> packet, const SocketAddress& from,
              SteadyTime now, Delivery& out);
  // The same for the RTCP socket: checked, latched, counted, passed on unchanged.
  bool on_rtcp(LegSide side, std::span<const std::uint8_t> packet, const SocketAddress& from,
               SteadyTime now, Delivery& out);

  // Closes the sockets and forgets the configuration (the slot can be reused).
  void clear();

  // While the relay is recorded (media thread only).
  std::unique_ptr<RecordingTap> recording;

 private:
  Leg legs_[2];
};

enum class SlotStatus : std::uint8_t { free, active, destroying };

struct RelaySlot {
  // Signalling thread only.
  std::uint32_t generation = 0;
  SlotStatus status = SlotStatus::free;
  unsigned worker = 0;
  std::uint16_t rtp_ports[2] = {};  // A, B (RTCP: + 1)
  std::uint64_t recording = 0;      // the id of the recording in progress; 0: none
  // Media thread -> signalling thread: the sockets are closed, the ports may be reused.
  std::atomic<bool> closed{false};
  // Written by the media thread, read by stats() on the signalling thread.
  LegCounters counters[2];
  // Filled by the signalling thread before the add command, then owned by the media thread
  // until `closed`.
  Relay relay;
  std::uint32_t position = 0;  // in the owning worker's list (media thread)
};

}  // namespace dzvin::media
