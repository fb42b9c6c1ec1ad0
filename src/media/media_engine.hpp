#pragma once
// MediaEngine: the RTP/RTCP relay that anchors the audio of every call in Dzvin. Each relay
// has two legs (A and B); each leg has its own RTP+RTCP port pair; what one leg's peer sends
// is passed to the other leg's peer (G.711 law converted, payload types mapped). The call
// engine gives plain values taken from SDP; this module knows neither SIP nor SDP.
// media/README.md tells the whole story (threads, latching, limits, figures).
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "base/clock.hpp"
#include "base/ip_endpoint.hpp"
#include "base/result.hpp"
#include "media/audio_clip.hpp"
#include "media/codec.hpp"
#include "media/media_error.hpp"
#include "media/recording_options.hpp"

namespace dzvin::media {

struct WorkerCommand;

struct MediaConfig {
  std::string bind_address = "0.0.0.0";  // IPv4 or IPv6; "::" serves IPv4 peers too
  std::string advertised_address;        // for SDP; empty: bind_address (not a wildcard then)
  std::uint16_t port_min = 20000;
  std::uint16_t port_max = 30000;
  unsigned threads = 0;  // media threads; 0: one per hardware thread
  // Under load (several sockets ready at once) a media thread pauses this long after each
  // batch so that the next one is larger: less CPU per packet and steadier latency at the
  // price of at most this much delay. A lightly loaded thread never pauses. 0: off.
  std::chrono::microseconds coalesce{200};
};

enum class LegSide : std::uint8_t { a, b };

constexpr LegSide other(LegSide side) {
  return side == LegSide::a ? LegSide::b : LegSide::a;
}

// Names one relay for its whole life; never reused (0 is never valid).
struct RelayId {
  std::uint64_t value = 0;
  bool operator==(const RelayId&) const = default;
};

struct LegPorts {
  std::uint16_t rtp = 0;
  std::uint16_t rtcp = 0;  // rtp + 1
};

struct RelayHandle {
  RelayId id;
  IpAddress address;  // what the SDP of both legs carries (c=)
  LegPorts a;
  LegPorts b;
  const LegPorts& ports(LegSide side) const { return side == LegSide::a ? a : b; }
};

// What the call engine learnt about one leg's peer from its SDP. A leg forwards nothing
// until it has been configured.
struct LegParams {
  IpEndpoint remote_rtp;   // c= address and m= port; port 0: not known yet
  IpEndpoint remote_rtcp;  // a=rtcp (RFC 3605); port 0: remote_rtp port + 1 (RFC 3550 §11)
  Codec codec = Codec::pcmu;
  std::uint8_t payload_type = 0;                   // 0-127, for `codec` on this leg
  std::optional<std::uint8_t> telephone_event_pt;  // RFC 4733, when negotiated
  bool send_to_peer = true;                        // false when the peer said sendonly or inactive
  bool receive_from_peer = true;                   // false when the peer said recvonly or inactive
};

struct LegStats {
  std::uint64_t rtp_packets_in = 0;  // valid RTP from the latched source
  std::uint64_t rtp_bytes_in = 0;
  std::uint64_t rtp_packets_out = 0;  // sent to this leg's peer
  std::uint64_t rtp_bytes_out = 0;
  std::uint64_t rtcp_packets_in = 0;
  std::uint64_t rtcp_packets_out = 0;
  std::uint64_t dropped_malformed = 0;  // > 1500 bytes, not RTP/RTCP version 2, truncated
  std::uint64_t dropped_foreign = 0;    // valid, but not from the latched source
  // valid and accepted but not passed on: hold/direction, payload type not negotiated, the
  // other leg not configured or without an address yet
  std::uint64_t dropped_not_forwarded = 0;
  std::uint64_t send_errors = 0;          // the kernel refused to send (buffer full, unreachable)
  std::optional<SteadyTime> last_rtp_in;  // "no RTP for N s" detection
  std::optional<IpEndpoint> rtp_source;   // latched source of the peer's RTP
  std::optional<IpEndpoint> rtcp_source;
};

struct RelayStats {
  LegStats a;
  LegStats b;
  const LegStats& leg(LegSide side) const { return side == LegSide::a ? a : b; }
};

// Every relay's packets since the engine started, closed relays included (for /metrics).
struct MediaTotals {
  std::uint64_t rtp_packets_in = 0;   // valid RTP from the latched sources
  std::uint64_t rtp_packets_out = 0;  // RTP sent to peers (relayed and played)
  std::uint64_t dropped = 0;          // malformed, foreign or not forwarded
  std::uint64_t send_errors = 0;
};

struct PlayOptions {
  bool loop = false;  // repeat until stop_playing (music on hold, ringback)
};

// What the media threads tell the call engine.
struct MediaEvent {
  enum class Kind : std::uint8_t {
    playback_finished,   // a clip played to its end (not after stop_playing or a new play)
    dtmf,                // a key pressed on a listened-to leg: `digit`, `duration`
    recording_silence,   // leg A of a recording was quiet for its silence_timeout
    recording_finished,  // a recording's file is complete, or failed (`complete`, `error`)
  };
  Kind kind = Kind::playback_finished;
  RelayId relay;
  LegSide side = LegSide::a;
  std::uint64_t play_id = 0;
  char digit = '\0';                      // '0'-'9', '*', '#', 'A'-'D'
  std::chrono::milliseconds duration{0};  // RFC 4733: as reported; in-band: 0
  bool inband = false;                    // detected in the audio, not from RFC 4733 events
  // recording_silence, recording_finished:
  std::uint64_t recording_id = 0;
  std::chrono::milliseconds recorded{0};  // length of the file
  std::chrono::milliseconds voiced{0};    // audio above the voice floor, summed over the legs
  std::uint64_t dropped_packets = 0;      // lost because the disk writer fell behind
  std::uint64_t late_packets = 0;         // arrived after their place was written
  bool complete = false;                  // the file is under its final name
  std::string error;                      // why not
};

struct DtmfListening {
  // Also listen in the audio (spandsp), for peers that send keys as tones. Costs ~1.3 µs of
  // CPU per 20 ms packet of that leg.
  bool inband = false;
};
// Called on a media thread or the recording writer's thread: must be quick and must not call into
// the MediaEngine (post the event to the signalling loop).
using MediaEventHandler = std::function<void(const MediaEvent&)>;

// Threading contract: construct, call and destroy a MediaEngine from one thread, the
// signalling thread. No call waits for a media thread: create_relay opens and binds its
// sockets itself (a few system calls) and the rest are commands queued to the media thread
// owning the relay, carried out in order within a millisecond or so under load. stats()
// reads counters the media threads publish without locks. Only sync() and the destructor
// wait (shutdown, tests).
class MediaEngine {
 public:
  // Starts the media threads. Throws std::invalid_argument for a bad config (unparsable
  // address, empty port range, wildcard bind without advertised address) and
  // std::runtime_error when the bind address is not usable on this host.
  explicit MediaEngine(MediaConfig config);
  // The same with a clock for tests; it is read from the media threads, so it must be safe
  // to call from several threads.
  MediaEngine(MediaConfig config, const Clock& clock);
  ~MediaEngine();
  MediaEngine(const MediaEngine&) = delete;
  MediaEngine& operator=(const MediaEngine&) = delete;

  // Binds two RTP/RTCP port pairs and hands the relay to the least loaded media thread.
  // Errors: MediaErrc::no_free_port, MediaErrc::socket_failed.
  Result<RelayHandle> create_relay();
  // Sets or changes (re-INVITE, hold) one leg. A changed remote address forgets that leg's
  // latched sources. Errors: unknown_relay, bad_leg_params.
  Result<void> configure_leg(RelayId relay, LegSide side, const LegParams& params);
  // Stops the relay; its ports return to the pool once its media thread closed them. Unknown
  // ids are ignored.
  // Plays `clip` to `side`'s peer: 20 ms RTP packets in the leg's codec and payload type,
  // paced by the media thread, one SSRC and running sequence numbers and timestamps per leg
  // (rtp_packetizer.hpp). Replaces what the leg was playing. While a leg plays, what the
  // other leg sends to it is not passed on. Returns the playback's id, which its
  // playback_finished event carries. Errors: unknown_relay.
  Result<std::uint64_t> play(RelayId relay, LegSide side, std::shared_ptr<const AudioClip> clip,
                             PlayOptions options = {});
  // Stops what `side` plays (no event); the relay passes the other leg's audio again.
  Result<void> stop_playing(RelayId relay, LegSide side);
  // Reports the keys `side`'s peer presses (RFC 4733 events, and tones with `inband`) as dtmf
  // events, until stop_listening_for_dtmf. Errors: unknown_relay.
  Result<void> listen_for_dtmf(RelayId relay, LegSide side, DtmfListening options = {});
  Result<void> stop_listening_for_dtmf(RelayId relay, LegSide side);
  // Records the relay's audio (options.layout) into options.path until stop_recording or
  // destroy_relay; a recording_finished event tells when the file is complete. The packets
  // are decoded on the media thread into a ring; a writer thread of its own places them on a
  // timeline and writes the file, so disk time never delays the relay. Returns the
  // recording's id. Errors: unknown_relay; bad_leg_params when the relay is already being
  // recorded or the path is empty.
  Result<std::uint64_t> start_recording(RelayId relay, RecordingOptions options);
  Result<void> stop_recording(RelayId relay);
  // Where events go; set it before the first relay is created.
  void set_event_handler(MediaEventHandler handler);
  void destroy_relay(RelayId relay);
  // Counters of a live relay (nullopt after destroy_relay).
  std::optional<RelayStats> stats(RelayId relay) const;

  std::size_t relay_count() const;  // created and not destroyed
  // Sums the counters of every slot in use (O(capacity): call it seldom, e.g. once a second).
  MediaTotals totals() const;
  std::size_t capacity() const;  // relays the port range can hold
  unsigned thread_count() const;
  // Waits until every command posted so far has been carried out by the media threads and
  // the ports of destroyed relays are back in the pool. For shutdown paths and tests, never
  // the signalling loop. False on timeout.
  bool sync(Duration timeout);

 private:
  // Queues `command` for the media thread that owns `relay`, about leg `side`.
  Result<void> post_leg_command(RelayId relay, LegSide side, WorkerCommand command);
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace dzvin::media
