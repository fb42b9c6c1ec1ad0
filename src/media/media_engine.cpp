#include "media/media_engine.hpp"

#include <sys/resource.h>
#include <sys/socket.h>

#include <algorithm>
#include <stdexcept>
#include <thread>
#include <vector>

#include "base/log.hpp"
#include "media/media_worker.hpp"
#include "media/port_pool.hpp"
#include "media/recording_writer.hpp"
#include "media/relay.hpp"

namespace dzvin::media {

namespace {

const SystemClock& system_clock() {
  static const SystemClock clock;
  return clock;
}

IpAddress parse_config_address(const std::string& text, const char* key) {
  auto address = IpAddress::parse(text);
  if (!address) {
    throw std::invalid_argument(std::string("media ") + key + " '" + text +
                                "' is not an IP address");
  }
  return *address;
}

constexpr unsigned kMaxThreads = 256;

Error bad_params(std::string message) {
  return make_error(code(MediaErrc::bad_leg_params), std::move(message));
}

}  // namespace

struct MediaEngine::State {
  State(const MediaConfig& cfg, const Clock& clk, IpAddress bind, IpAddress advertised_address)
      : config(cfg),
        clock(clk),
        advertised(advertised_address),
        pool(bind, cfg.port_min, cfg.port_max) {}

  MediaConfig config;
  const Clock& clock;
  IpAddress advertised;
  PortPool pool;  // signalling thread only
  std::size_t capacity = 0;
  std::unique_ptr<RelaySlot[]> slots;
  std::vector<std::uint32_t> free_slots;  // a stack
  std::vector<std::uint32_t> destroying;  // waiting for their media thread to close them
  std::vector<std::size_t> load;          // live relays per worker
  std::size_t live = 0;
  std::vector<std::unique_ptr<MediaWorker>> workers;
  MediaEventHandler events;  // read by the media threads; set before relays exist
  std::uint64_t next_play_id = 1;
  std::uint64_t next_recording_id = 1;
  // Started by the first recording: processes that never record have no writer thread nor
  // its rings.
  std::unique_ptr<RecordingWriter> writer;

  RelaySlot* find(RelayId id) {
    const std::uint64_t index_plus_one = id.value & 0xFFFFFFFFu;
    if (index_plus_one == 0 || index_plus_one > capacity) return nullptr;
    RelaySlot& slot = slots[index_plus_one - 1];
    if (slot.status != SlotStatus::active || slot.generation != (id.value >> 32)) return nullptr;
    return &slot;
  }

  MediaTotals retired;  // the counters of reaped relays

  static void add_to(MediaTotals& totals, const LegStats& leg) {
    totals.rtp_packets_in += leg.rtp_packets_in;
    totals.rtp_packets_out += leg.rtp_packets_out;
    totals.dropped += leg.dropped_malformed + leg.dropped_foreign + leg.dropped_not_forwarded;
    totals.send_errors += leg.send_errors;
  }

  // Ports and slots of relays whose media thread has closed them go back to the pools.
  void reap() {
    std::erase_if(destroying, [&](std::uint32_t index) {
      RelaySlot& slot = slots[index];
      if (!slot.closed.load(std::memory_order_acquire)) return false;
      for (const LegCounters& counters : slot.counters)
        add_to(retired, counters.snapshot());
      pool.release(slot.rtp_ports[0]);
      pool.release(slot.rtp_ports[1]);
      slot.status = SlotStatus::free;
      free_slots.push_back(index);
      --load[slot.worker];
      return true;
    });
  }
};

MediaEngine::MediaEngine(MediaConfig config) : MediaEngine(std::move(config), system_clock()) {}

MediaEngine::MediaEngine(MediaConfig config, const Clock& clock) {
  const IpAddress bind = parse_config_address(config.bind_address, "bind_address");
  IpAddress advertised = bind;
  if (!config.advertised_address.empty()) {
    advertised = parse_config_address(config.advertised_address, "advertised_address");
  } else if (bind.is_unspecified()) {
    throw std::invalid_argument("media advertised_address is required when bind_address is " +
                                config.bind_address + " (peers cannot send to a wildcard)");
  }
  if (advertised.is_unspecified()) {
    throw std::invalid_argument("media advertised_address " + config.advertised_address +
                                " is a wildcard");
  }
  unsigned threads = config.threads;
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  if (config.coalesce < std::chrono::microseconds::zero() ||
      config.coalesce > std::chrono::milliseconds{10}) {
    throw std::invalid_argument("media coalesce " + std::to_string(config.coalesce.count()) +
                                " microseconds is not within 0-10000");
  }
  if (threads > kMaxThreads) {
    throw std::invalid_argument("media threads " + std::to_string(threads) + " is above " +
                                std::to_string(kMaxThreads));
  }
  // Fails here, at start-up, for an address that is not on this host.
  if (auto probe = open_media_socket(bind, 0, nullptr); !probe) {
    throw std::runtime_error("media bind_address " + config.bind_address +
                             " is not usable: " + probe.error().message);
  }
  config.threads = threads;
  state_ = std::make_unique<State>(config, clock, bind, advertised);
  State& s = *state_;
  s.capacity = s.pool.capacity() / 2;  // two port pairs per relay
  if (s.capacity == 0) {
    throw std::invalid_argument("media port range " + std::to_string(config.port_min) + "-" +
                                std::to_string(config.port_max) +
                                " holds one RTP/RTCP pair; a relay needs two");
  }
  s.slots = std::make_unique<RelaySlot[]>(s.capacity);
  s.free_slots.reserve(s.capacity);
  s.destroying.reserve(s.capacity);
  for (std::size_t i = s.capacity; i-- > 0;) {
    RelaySlot& slot = s.slots[i];
    slot.relay.leg(LegSide::a).counters = &slot.counters[0];
    slot.relay.leg(LegSide::b).counters = &slot.counters[1];
    s.free_slots.push_back(static_cast<std::uint32_t>(i));
  }
  s.load.assign(threads, 0);
  for (unsigned i = 0; i < threads; ++i)
    s.workers.push_back(
        std::make_unique<MediaWorker>(i, s.slots.get(), clock, config.coalesce, &s.events));
  // Four descriptors per relay: a soft limit of 1024 (a common default) would cap the relay
  // at about 250 calls, each one after that failing with socket_failed (EMFILE).
  if (rlimit limit{}; ::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY &&
                      limit.rlim_cur < 4 * s.capacity + 64) {
    log(LogLevel::warn, "media.fd_limit_low",
        {{"nofile", static_cast<std::uint64_t>(limit.rlim_cur)},
         {"needed", static_cast<std::uint64_t>(4 * s.capacity + 64)},
         {"relays_possible", static_cast<std::uint64_t>(limit.rlim_cur / 4)}});
  }
  log(LogLevel::info, "media.started",
      {{"bind", config.bind_address},
       {"advertised", advertised.to_string()},
       {"ports", std::to_string(config.port_min) + "-" + std::to_string(config.port_max)},
       {"relays", s.capacity},
       {"threads", threads}});
}

MediaEngine::~MediaEngine() {
  if (!state_) return;
  // Each worker stops its thread and closes its sockets, finishing its recordings; then the
  // writer completes their files.
  state_->workers.clear();
  state_->writer.reset();
}

Result<RelayHandle> MediaEngine::create_relay() {
  State& s = *state_;
  s.reap();
  if (s.free_slots.empty()) {
    return make_error(code(MediaErrc::no_free_port),
                      "all " + std::to_string(s.capacity) + " relays of the port range in use");
  }
  auto a = s.pool.allocate();
  if (!a) return a.error();
  auto b = s.pool.allocate();
  if (!b) {
    a->rtp.reset();
    a->rtcp.reset();
    s.pool.release(a->rtp_port);
    return b.error();
  }
  const std::uint32_t index = s.free_slots.back();
  s.free_slots.pop_back();
  RelaySlot& slot = s.slots[index];
  ++slot.generation;
  slot.status = SlotStatus::active;
  slot.recording = 0;
  slot.closed.store(false, std::memory_order_relaxed);
  slot.rtp_ports[0] = a->rtp_port;
  slot.rtp_ports[1] = b->rtp_port;
  const int family = s.pool.bind_address().v6 ? AF_INET6 : AF_INET;
  for (const LegSide side : {LegSide::a, LegSide::b}) {
    BoundPorts& ports = side == LegSide::a ? *a : *b;
    Leg& leg = slot.relay.leg(side);
    leg.counters->reset();
    leg.rtp_socket = std::move(ports.rtp);
    leg.rtcp_socket = std::move(ports.rtcp);
    leg.rtp_port = ports.rtp_port;
    leg.family = family;
  }
  const auto least_loaded = std::min_element(s.load.begin(), s.load.end());
  slot.worker = static_cast<unsigned>(least_loaded - s.load.begin());
  ++*least_loaded;
  ++s.live;
  WorkerCommand add;
  add.kind = WorkerCommand::Kind::add;
  add.slot = index;
  s.workers[slot.worker]->post(add);  // the mutex in post() publishes the slot to the worker

  RelayHandle handle;
  handle.id = RelayId{(std::uint64_t{slot.generation} << 32) | (index + 1u)};
  handle.address = s.advertised;
  handle.a = LegPorts{slot.rtp_ports[0], static_cast<std::uint16_t>(slot.rtp_ports[0] + 1)};
  handle.b = LegPorts{slot.rtp_ports[1], static_cast<std::uint16_t>(slot.rtp_ports[1] + 1)};
  return handle;
}

Result<void> MediaEngine::configure_leg(RelayId relay, LegSide side, const LegParams& params) {
  State& s = *state_;
  RelaySlot* slot = s.find(relay);
  if (!slot) return make_error(code(MediaErrc::unknown_relay), "no such relay");
  if (params.payload_type > 127) {
    return bad_params("payload_type " + std::to_string(params.payload_type) + " is not 0-127");
  }
  // RFC 3551 §6: 0 and 8 are PCMU and PCMA for everybody.
  for (const Codec codec : {Codec::pcmu, Codec::pcma}) {
    if (params.payload_type == static_payload_type(codec) && params.codec != codec) {
      return bad_params("payload_type " + std::to_string(params.payload_type) + " is " +
                        std::string(to_string(codec)) + ", not " +
                        std::string(to_string(params.codec)));
    }
  }
  if (const auto te = params.telephone_event_pt) {
    if (*te > 127 || *te == params.payload_type || *te == static_payload_type(Codec::pcmu) ||
        *te == static_payload_type(Codec::pcma)) {
      return bad_params("telephone_event_pt " + std::to_string(*te) +
                        " is not a free payload type");
    }
  }
  const IpAddress& bind = s.pool.bind_address();
  for (const auto* endpoint : {&params.remote_rtp, &params.remote_rtcp}) {
    if (endpoint->port == 0) continue;
    const char* field = endpoint == &params.remote_rtp ? "remote_rtp" : "remote_rtcp";
    // An IPv4 socket cannot reach IPv6; an IPv6 socket reaches IPv4 only when bound to "::".
    if (endpoint->address.v6 != bind.v6 && (endpoint->address.v6 || !bind.is_unspecified())) {
      return bad_params(std::string(field) + " " + endpoint->to_string() +
                        " cannot be reached from media address " + bind.to_string());
    }
  }
  WorkerCommand configure;
  configure.kind = WorkerCommand::Kind::configure;
  configure.slot = static_cast<std::uint32_t>(slot - s.slots.get());
  configure.side = side;
  configure.params = params;
  s.workers[slot->worker]->post(configure);
  return {};
}

Result<void> MediaEngine::post_leg_command(RelayId relay, LegSide side, WorkerCommand command) {
  State& s = *state_;
  RelaySlot* slot = s.find(relay);
  if (!slot) return make_error(code(MediaErrc::unknown_relay), "no such relay");
  command.slot = static_cast<std::uint32_t>(slot - s.slots.get());
  command.side = side;
  command.relay = relay;
  s.workers[slot->worker]->post(command);
  return {};
}

Result<std::uint64_t> MediaEngine::play(RelayId relay, LegSide side,
                                        std::shared_ptr<const AudioClip> clip,
                                        PlayOptions options) {
  if (!clip || clip->samples.empty()) return bad_params("nothing to play: the clip is empty");
  WorkerCommand play;
  play.kind = WorkerCommand::Kind::play;
  play.clip = std::move(clip);
  play.loop = options.loop;
  play.play_id = state_->next_play_id;
  if (auto posted = post_leg_command(relay, side, std::move(play)); !posted) return posted.error();
  return state_->next_play_id++;
}

Result<void> MediaEngine::stop_playing(RelayId relay, LegSide side) {
  WorkerCommand stop;
  stop.kind = WorkerCommand::Kind::stop_play;
  return post_leg_command(relay, side, std::move(stop));
}

Result<void> MediaEngine::listen_for_dtmf(RelayId relay, LegSide side, DtmfListening options) {
  WorkerCommand listen;
  listen.kind = WorkerCommand::Kind::listen_dtmf;
  listen.inband = options.inband;
  return post_leg_command(relay, side, std::move(listen));
}

Result<void> MediaEngine::stop_listening_for_dtmf(RelayId relay, LegSide side) {
  WorkerCommand stop;
  stop.kind = WorkerCommand::Kind::stop_dtmf;
  return post_leg_command(relay, side, std::move(stop));
}

Result<std::uint64_t> MediaEngine::start_recording(RelayId relay, RecordingOptions options) {
  State& s = *state_;
  RelaySlot* slot = s.find(relay);
  if (!slot) return make_error(code(MediaErrc::unknown_relay), "no such relay");
  if (options.path.empty()) return bad_params("no file name for the recording");
  if (slot->recording != 0) return bad_params("the relay is already being recorded");
  if (!s.writer) {
    s.writer = std::make_unique<RecordingWriter>(static_cast<unsigned>(s.workers.size()), s.clock,
                                                 &s.events);
  }
  const std::uint64_t id = s.next_recording_id++;
  // The writer knows the recording before the media thread can capture any of it.
  s.writer->start(RecordingWriter::Start{id, relay, options.path, options.layout, s.clock.now()});
  WorkerCommand record;
  record.kind = WorkerCommand::Kind::record;
  record.recording_id = id;
  record.writer = s.writer.get();
  record.layout = options.layout;
  record.silence_timeout = options.silence_timeout;
  if (auto posted = post_leg_command(relay, LegSide::a, std::move(record)); !posted) {
    return posted.error();
  }
  slot->recording = id;
  return id;
}

Result<void> MediaEngine::stop_recording(RelayId relay) {
  State& s = *state_;
  RelaySlot* slot = s.find(relay);
  if (!slot) return make_error(code(MediaErrc::unknown_relay), "no such relay");
  if (slot->recording == 0) return {};
  slot->recording = 0;
  WorkerCommand stop;
  stop.kind = WorkerCommand::Kind::stop_record;
  return post_leg_command(relay, LegSide::a, std::move(stop));
}

void MediaEngine::set_event_handler(MediaEventHandler handler) {
  state_->events = std::move(handler);
}

void MediaEngine::destroy_relay(RelayId relay) {
  State& s = *state_;
  RelaySlot* slot = s.find(relay);
  if (!slot) return;
  slot->status = SlotStatus::destroying;
  slot->recording = 0;  // its media thread finishes the file
  --s.live;
  const auto index = static_cast<std::uint32_t>(slot - s.slots.get());
  s.destroying.push_back(index);
  WorkerCommand remove;
  remove.kind = WorkerCommand::Kind::remove;
  remove.slot = index;
  s.workers[slot->worker]->post(remove);
}

std::optional<RelayStats> MediaEngine::stats(RelayId relay) const {
  RelaySlot* slot = state_->find(relay);
  if (!slot) return std::nullopt;
  return RelayStats{slot->counters[0].snapshot(), slot->counters[1].snapshot()};
}

MediaTotals MediaEngine::totals() const {
  const State& s = *state_;
  MediaTotals totals = s.retired;
  for (std::size_t i = 0; i < s.capacity; ++i) {
    const RelaySlot& slot = s.slots[i];
    if (slot.status == SlotStatus::free) continue;
    for (const LegCounters& counters : slot.counters)
      State::add_to(totals, counters.snapshot());
  }
  return totals;
}

std::size_t MediaEngine::relay_count() const {
  return state_->live;
}

std::size_t MediaEngine::capacity() const {
  return state_->capacity;
}

unsigned MediaEngine::thread_count() const {
  return static_cast<unsigned>(state_->workers.size());
}

bool MediaEngine::sync(Duration timeout) {
  State& s = *state_;
  const SteadyTime deadline = std::chrono::steady_clock::now() + timeout;
  bool ok = true;
  for (auto& worker : s.workers) {
    const auto left = deadline - std::chrono::steady_clock::now();
    ok = worker->wait_idle(std::max(left, Duration::zero())) && ok;
  }
  s.reap();
  return ok && s.destroying.empty();
}

}  // namespace dzvin::media
