#include "media/media_worker.hpp"

#include <pthread.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <random>
#include <stdexcept>
#include <string>

#include "base/log.hpp"

namespace dzvin::media {

struct MediaWorker::Buffers {
  // Receive side: buffer i is filled through in_msg[i] (built once; only msg_namelen is
  // restored after each use) and, when relayed, sent from in place through an out_msg entry.
  std::array<std::array<std::uint8_t, kMaxDatagram>, kBuffers> data;
  std::array<iovec, kBuffers> in_iov;
  std::array<mmsghdr, kBuffers> in_msg;
  std::array<SocketAddress, kBuffers> in_from;
  // Send side, in the order packets were relayed.
  std::array<iovec, kBuffers> out_iov;
  std::array<mmsghdr, kBuffers> out_msg;
  std::array<SocketAddress, kBuffers> out_to;
  std::array<Outgoing, kBuffers> out;
  std::array<epoll_event, kMaxEvents> events;
};

namespace {

std::uint64_t event_tag(std::uint32_t slot, LegSide side, bool rtcp) {
  return (std::uint64_t{slot} << 2) | (side == LegSide::b ? 2u : 0u) | (rtcp ? 1u : 0u);
}

}  // namespace

MediaWorker::MediaWorker(unsigned index, RelaySlot* slots, const Clock& clock,
                         std::chrono::microseconds coalesce, const MediaEventHandler* events)
    : index_(index),
      slots_(slots),
      clock_(clock),
      coalesce_(coalesce),
      epoll_(::epoll_create1(EPOLL_CLOEXEC)),
      wakeup_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)),
      timer_(::timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC)),
      events_(events),
      random_state_(std::random_device{}()),
      buffers_(std::make_unique<Buffers>()) {
  if (!epoll_.valid() || !wakeup_.valid() || !timer_.valid()) {
    throw std::runtime_error(std::string("media thread: cannot create epoll/eventfd/timerfd: ") +
                             std::strerror(errno));
  }
  for (const auto& [fd, tag] :
       {std::pair{wakeup_.get(), kEventFdTag}, std::pair{timer_.get(), kTimerFdTag}}) {
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = tag;
    if (::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, fd, &ev) != 0) {
      throw std::runtime_error(std::string("media thread: epoll_ctl: ") + std::strerror(errno));
    }
  }
  playout_.reserve(1024);
  Buffers& b = *buffers_;
  for (std::size_t i = 0; i < kBuffers; ++i) {
    b.in_iov[i] = iovec{b.data[i].data(), kMaxDatagram};
    b.in_msg[i] = mmsghdr{};
    b.in_msg[i].msg_hdr.msg_name = &b.in_from[i].v6;
    b.in_msg[i].msg_hdr.msg_namelen = sizeof b.in_from[i].v6;
    b.in_msg[i].msg_hdr.msg_iov = &b.in_iov[i];
    b.in_msg[i].msg_hdr.msg_iovlen = 1;
    b.out_msg[i] = mmsghdr{};
    b.out_msg[i].msg_hdr.msg_name = &b.out_to[i].v6;
    b.out_msg[i].msg_hdr.msg_iov = &b.out_iov[i];
    b.out_msg[i].msg_hdr.msg_iovlen = 1;
  }
  owned_.reserve(1024);
  backlog_.reserve(1024);
  retry_.reserve(1024);
  thread_ = std::thread([this] { run(); });
  const std::string name = "dzvin-media-" + std::to_string(index_);
  ::pthread_setname_np(thread_.native_handle(), name.substr(0, 15).c_str());
}

MediaWorker::~MediaWorker() {
  WorkerCommand stop;
  stop.kind = WorkerCommand::Kind::stop;
  post(stop);
  thread_.join();
}

void MediaWorker::post(const WorkerCommand& command) {
  bool wake;
  {
    std::lock_guard lock(mutex_);
    // A non-empty queue means a wake-up is already on its way.
    wake = pending_.empty();
    pending_.push_back(command);
    ++posted_;
  }
  if (wake) {
    const std::uint64_t one = 1;
    [[maybe_unused]] const auto n = ::write(wakeup_.get(), &one, sizeof one);
  }
}

bool MediaWorker::wait_idle(Duration timeout) {
  std::unique_lock lock(mutex_);
  const std::uint64_t target = posted_;
  return idle_cv_.wait_for(lock, timeout, [&] { return done_ >= target; });
}

void MediaWorker::run() {
  // The coalescing pause is short: keep the kernel from stretching it by its default 50 µs
  // of timer slack.
  ::prctl(PR_SET_TIMERSLACK, 1000ul, 0ul, 0ul, 0ul);
  Buffers& b = *buffers_;
  while (!stopping_) {
    const int n =
        ::epoll_wait(epoll_.get(), b.events.data(), kMaxEvents, backlog_.empty() ? -1 : 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      log(LogLevel::error, "media.epoll_failed", {{"error", std::strerror(errno)}});
      continue;
    }
    now_ = clock_.now();
    retry_.swap(backlog_);
    for (const std::uint64_t tag : retry_) {
      slots_[tag >> 2].relay.leg((tag & 2) ? LegSide::b : LegSide::a).backlogged &=
          static_cast<std::uint8_t>(~((tag & 1) + 1));
      if (!receive(tag)) defer(tag);
    }
    retry_.clear();
    bool commands = false;
    bool timer = false;
    for (int i = 0; i < n; ++i) {
      const std::uint64_t tag = b.events[static_cast<std::size_t>(i)].data.u64;
      if (tag == kEventFdTag) {
        commands = true;
      } else if (tag == kTimerFdTag) {
        timer = true;
      } else if (!receive(tag)) {
        defer(tag);
      }
    }
    if (timer) {
      std::uint64_t expirations;
      [[maybe_unused]] const auto r = ::read(timer_.get(), &expirations, sizeof expirations);
      timer_set_for_ = SteadyTime{};
    }
    if (!playout_.empty()) play_due();
    flush();
    if (n >= kCoalesceMinEvents && static_cast<std::size_t>(n) < kMaxEvents && backlog_.empty() &&
        coalesce_.count() > 0) {
      // Under load, let packets gather for a moment instead of waking for each: fewer
      // epoll_wait calls and wake-ups (on the sender's side too) per packet, and bigger
      // batches. A quiet relay never sleeps here, so it adds nothing to its latency; nor
      // does a saturated one (a full batch or a backlog means work is already waiting).
      const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(coalesce_).count();
      const timespec pause{ns / 1'000'000'000, ns % 1'000'000'000};
      ::nanosleep(&pause, nullptr);
    }
    // Commands run between batches, never while events of this batch are pending: a relay
    // removed here cannot have a stale event still to be handled.
    if (commands) run_commands();
    if (!playout_.empty()) arm_timer();
  }
  close_all();
}

bool MediaWorker::receive(std::uint64_t tag) {
  Buffers& b = *buffers_;
  const auto slot_index = static_cast<std::uint32_t>(tag >> 2);
  const LegSide side = (tag & 2) ? LegSide::b : LegSide::a;
  const bool rtcp = (tag & 1) != 0;
  RelaySlot& slot = slots_[slot_index];
  Leg& leg = slot.relay.leg(side);
  const int fd = rtcp ? leg.rtcp_socket.get() : leg.rtp_socket.get();
  for (int round = 0; round < kMaxRoundsPerWakeup; ++round) {
    if (used_ + kRecvBatch > kBuffers) flush();
    const int n = ::recvmmsg(fd, &b.in_msg[used_], kRecvBatch, MSG_DONTWAIT, nullptr);
    if (n < 0) {
      // EAGAIN: drained. Any other error was the socket's pending error, now consumed:
      // try again (within the rounds).
      if (errno == EAGAIN || errno == EWOULDBLOCK) return true;
      continue;
    }
    for (std::size_t i = used_, end = used_ + static_cast<std::size_t>(n); i < end; ++i) {
      msghdr& h = b.in_msg[i].msg_hdr;
      SocketAddress& from = b.in_from[i];
      from.size = h.msg_namelen;
      h.msg_namelen = sizeof from.v6;  // restore for the next recvmmsg into this buffer
      if ((h.msg_flags & MSG_TRUNC) != 0) {
        leg.counters->dropped_malformed.add(1);  // longer than kMaxDatagram
        continue;
      }
      const std::span<std::uint8_t> packet(b.data[i].data(), b.in_msg[i].msg_len);
      Delivery d;
      const bool relay = rtcp ? slot.relay.on_rtcp(side, packet, from, now_, d)
                              : slot.relay.on_rtp(side, packet, from, now_, d);
      if (leg.dtmf && leg.dtmf->pending_count > 0) report_dtmf(side, *leg.dtmf);
      if (slot.relay.recording && slot.relay.recording->silence_pending) {
        report_silence(*slot.relay.recording);
      }
      if (!relay) continue;
      const std::size_t k = out_count_++;
      b.out[k] = Outgoing{d.socket, d.counters, d.rtcp};
      b.out_to[k] = *d.to;
      b.out_iov[k] = iovec{packet.data(), packet.size()};
      b.out_msg[k].msg_hdr.msg_namelen = d.to->size;
    }
    used_ += static_cast<std::size_t>(n);
    // recvmmsg stops early only when the queue is empty: drained.
    if (static_cast<std::size_t>(n) < kRecvBatch) return true;
  }
  return false;
}

void MediaWorker::defer(std::uint64_t tag) {
  Leg& leg = slots_[tag >> 2].relay.leg((tag & 2) ? LegSide::b : LegSide::a);
  const auto bit = static_cast<std::uint8_t>((tag & 1) + 1);
  if ((leg.backlogged & bit) != 0) return;
  leg.backlogged |= bit;
  backlog_.push_back(tag);  // once per socket: grows past its reserve only under a wide flood
}

void MediaWorker::flush() {
  Buffers& b = *buffers_;
  std::size_t i = 0;
  while (i < out_count_) {
    // One sendmmsg per run of packets leaving through the same socket.
    std::size_t j = i + 1;
    while (j < out_count_ && b.out[j].socket == b.out[i].socket)
      ++j;
    while (i < j) {
      const int sent =
          ::sendmmsg(b.out[i].socket, &b.out_msg[i], static_cast<unsigned>(j - i), MSG_DONTWAIT);
      if (sent <= 0) {
        // Full socket buffer, unreachable destination...: this packet is lost, go on.
        b.out[i].counters->send_errors.add(1);
        ++i;
        continue;
      }
      for (std::size_t k = i, end = i + static_cast<std::size_t>(sent); k < end; ++k) {
        LegCounters& c = *b.out[k].counters;
        if (b.out[k].rtcp) {
          c.rtcp_packets_out.add(1);
        } else {
          c.rtp_packets_out.add(1);
          c.rtp_bytes_out.add(b.out_msg[k].msg_len);
        }
      }
      i += static_cast<std::size_t>(sent);
    }
  }
  out_count_ = 0;
  used_ = 0;
}

void MediaWorker::run_commands() {
  std::uint64_t wakeups;
  [[maybe_unused]] const auto r = ::read(wakeup_.get(), &wakeups, sizeof wakeups);
  {
    std::lock_guard lock(mutex_);
    running_.swap(pending_);
  }
  for (const WorkerCommand& c : running_) {
    switch (c.kind) {
      case WorkerCommand::Kind::add:
        add(c.slot);
        break;
      case WorkerCommand::Kind::configure:
        slots_[c.slot].relay.configure(c.side, c.params);
        break;
      case WorkerCommand::Kind::remove:
        remove(c.slot);
        break;
      case WorkerCommand::Kind::play:
        start_playing(c);
        break;
      case WorkerCommand::Kind::listen_dtmf: {
        Leg& leg = slots_[c.slot].relay.leg(c.side);
        leg.dtmf = std::make_unique<DtmfListener>();
        leg.dtmf->relay = c.relay;
        if (c.inband) leg.dtmf->inband = std::make_unique<InbandDtmfDetector>();
        break;
      }
      case WorkerCommand::Kind::stop_dtmf:
        slots_[c.slot].relay.leg(c.side).dtmf.reset();
        break;
      case WorkerCommand::Kind::stop_play:
        slots_[c.slot].relay.leg(c.side).player.active = false;
        slots_[c.slot].relay.leg(c.side).player.clip.reset();
        break;
      case WorkerCommand::Kind::record:
        start_recording(c);
        break;
      case WorkerCommand::Kind::stop_record:
        finish_recording(slots_[c.slot].relay);
        break;
      case WorkerCommand::Kind::stop:
        stopping_ = true;
        break;
    }
  }
  {
    std::lock_guard lock(mutex_);
    done_ += running_.size();
  }
  running_.clear();  // drops the commands' references to clips
  idle_cv_.notify_all();
  if (!playout_.empty()) {  // a new prompt's first packet goes out at once
    play_due();
    flush();
  }
}

// ---- playout --------------------------------------------------------------------------------

namespace {

bool later(const SteadyTime& a, const SteadyTime& b) {
  return a > b;
}

}  // namespace

void MediaWorker::report_dtmf(LegSide side, DtmfListener& listener) {
  for (std::size_t i = 0; i < listener.pending_count; ++i) {
    const DtmfListener::Key& k = listener.pending[i];
    if (events_ != nullptr && *events_) {
      MediaEvent e;
      e.kind = MediaEvent::Kind::dtmf;
      e.relay = listener.relay;
      e.side = side;
      e.digit = k.digit;
      e.duration = k.duration;
      e.inband = k.inband;
      (*events_)(e);
    }
  }
  listener.pending_count = 0;
}

void MediaWorker::start_recording(const WorkerCommand& c) {
  Relay& relay = slots_[c.slot].relay;
  finish_recording(relay);  // the engine allows one at a time; be safe anyway
  auto tap = std::make_unique<RecordingTap>();
  tap->id = c.recording_id;
  tap->relay = c.relay;
  tap->writer = c.writer;
  tap->ring = c.writer->ring(index_);
  tap->layout = c.layout;
  tap->silence_timeout = c.silence_timeout;
  tap->last_voice = clock_.now();
  relay.recording = std::move(tap);
}

void MediaWorker::finish_recording(Relay& relay) {
  if (!relay.recording) return;
  relay.recording->writer->finish(relay.recording->id, relay.recording->dropped);
  relay.recording.reset();
}

void MediaWorker::report_silence(RecordingTap& tap) {
  tap.silence_pending = false;
  if (events_ == nullptr || !*events_) return;
  MediaEvent e;
  e.kind = MediaEvent::Kind::recording_silence;
  e.relay = tap.relay;
  e.recording_id = tap.id;
  (*events_)(e);
}

void MediaWorker::start_playing(const WorkerCommand& c) {
  Leg& leg = slots_[c.slot].relay.leg(c.side);
  LegPlayer& p = leg.player;
  const SteadyTime now = std::chrono::steady_clock::now();
  if (!p.seeded) {
    // RFC 3550 §5.1: random initial sequence number and timestamp, random SSRC.
    random_state_ = random_state_ * 6364136223846793005ULL + 1442695040888963407ULL;
    const std::uint64_t r = random_state_ ^ (random_state_ >> 29);
    p.packetizer = RtpPacketizer(static_cast<std::uint32_t>(r >> 32), static_cast<std::uint16_t>(r),
                                 static_cast<std::uint32_t>(r << 7));
    p.seeded = true;
  } else if (p.last_sent != SteadyTime{}) {
    // The time since the last packet of the previous prompt, in samples beyond its 20 ms.
    const auto gap =
        std::chrono::duration_cast<std::chrono::microseconds>(now - p.last_sent).count() / 125 -
        static_cast<std::int64_t>(kSamplesPerPacket);
    if (gap > 0) p.packetizer.skip(static_cast<std::uint32_t>(gap));
  }
  p.mapping = false;  // relayed audio after this prompt continues from its last packet
  p.clip = c.clip;
  p.position = 0;
  p.play_id = c.play_id;
  p.relay = c.relay;
  p.loop = c.loop;
  p.active = true;
  p.talkspurt_start = true;
  playout_.push_back(PlayoutDue{now, c.slot, c.side, c.play_id});
  std::push_heap(playout_.begin(), playout_.end(),
                 [](const PlayoutDue& x, const PlayoutDue& y) { return later(x.at, y.at); });
}

void MediaWorker::play_due() {
  Buffers& b = *buffers_;
  const auto heap_order = [](const PlayoutDue& x, const PlayoutDue& y) {
    return later(x.at, y.at);
  };
  const SteadyTime now = std::chrono::steady_clock::now();
  while (!playout_.empty() && playout_.front().at <= now + kPlayoutEarly) {
    std::pop_heap(playout_.begin(), playout_.end(), heap_order);
    PlayoutDue due = playout_.back();
    playout_.pop_back();
    Leg& leg = slots_[due.slot].relay.leg(due.side);
    LegPlayer& p = leg.player;
    if (!p.active || p.play_id != due.play_id) continue;  // stopped, replaced or removed

    const std::span<const std::int16_t> all(p.clip->samples);
    const auto chunk =
        all.subspan(p.position, std::min(kSamplesPerPacket, all.size() - p.position));
    const SocketAddress& to = leg.rtp_destination();
    if (leg.configured && leg.params.send_to_peer && !to.empty()) {
      if (used_ >= kBuffers) flush();
      const std::size_t k = out_count_++;
      std::uint8_t* data = b.data[used_++].data();
      const std::size_t size =
          p.packetizer.write(chunk, leg.params.codec, leg.params.payload_type, p.talkspurt_start,
                             std::span<std::uint8_t>(data, kMaxDatagram));
      b.out[k] = Outgoing{leg.rtp_socket.get(), leg.counters, false};
      b.out_to[k] = to;
      b.out_iov[k] = iovec{data, size};
      b.out_msg[k].msg_hdr.msg_namelen = to.size;
    } else {
      // Nowhere to send yet (no answer from the peer, on hold): time passes all the same.
      p.packetizer.skip(kSamplesPerPacket);
      leg.counters->dropped_not_forwarded.add(1);
    }
    p.talkspurt_start = false;
    p.last_sent = due.at;
    p.position += chunk.size();
    if (p.position >= all.size()) {
      if (p.loop) {
        p.position = 0;
      } else {
        p.active = false;
        p.clip.reset();
        if (events_ != nullptr && *events_) {
          MediaEvent e;
          e.kind = MediaEvent::Kind::playback_finished;
          e.relay = p.relay;
          e.side = due.side;
          e.play_id = due.play_id;
          (*events_)(e);
        }
        continue;
      }
    }
    // The schedule, not the moment of sending, sets the next packet: no drift. A thread that
    // fell far behind (stopped in a debugger, starved) starts afresh instead of bursting.
    due.at += std::chrono::milliseconds(20);
    if (due.at + std::chrono::milliseconds(200) < now) due.at = now;
    playout_.push_back(due);
    std::push_heap(playout_.begin(), playout_.end(), heap_order);
  }
}

void MediaWorker::arm_timer() {
  const SteadyTime next = playout_.front().at;
  if (next == timer_set_for_) return;
  timer_set_for_ = next;
  const auto ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(next.time_since_epoch()).count();
  itimerspec spec{};
  spec.it_value.tv_sec = ns / 1'000'000'000;
  spec.it_value.tv_nsec = ns % 1'000'000'000;
  if (spec.it_value.tv_sec == 0 && spec.it_value.tv_nsec == 0) spec.it_value.tv_nsec = 1;
  ::timerfd_settime(timer_.get(), TFD_TIMER_ABSTIME, &spec, nullptr);
}

void MediaWorker::add(std::uint32_t slot_index) {
  RelaySlot& slot = slots_[slot_index];
  for (const LegSide side : {LegSide::a, LegSide::b}) {
    Leg& leg = slot.relay.leg(side);
    for (const bool rtcp : {false, true}) {
      epoll_event ev{};
      // Edge-triggered: a socket is reported once per arrival of data, not again on every
      // epoll_wait until it is read (level-triggered re-polls each ready socket: measurable
      // at 100,000 packets/s). receive() drains it, or keeps it in backlog_.
      ev.events = EPOLLIN | EPOLLET;
      ev.data.u64 = event_tag(slot_index, side, rtcp);
      const int fd = rtcp ? leg.rtcp_socket.get() : leg.rtp_socket.get();
      if (::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, fd, &ev) != 0) {
        // Only on kernel limits (fs.epoll.max_user_watches, memory): the leg stays deaf.
        log(LogLevel::error, "media.epoll_add_failed",
            {{"port", rtcp ? leg.rtp_port + 1 : leg.rtp_port}, {"error", std::strerror(errno)}});
      }
    }
  }
  slot.position = static_cast<std::uint32_t>(owned_.size());
  owned_.push_back(slot_index);
}

void MediaWorker::remove(std::uint32_t slot_index) {
  RelaySlot& slot = slots_[slot_index];
  for (const LegSide side : {LegSide::a, LegSide::b}) {
    Leg& leg = slot.relay.leg(side);
    ::epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, leg.rtp_socket.get(), nullptr);
    ::epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, leg.rtcp_socket.get(), nullptr);
  }
  std::erase_if(backlog_, [&](std::uint64_t tag) { return (tag >> 2) == slot_index; });
  finish_recording(slot.relay);
  slot.relay.clear();
  const std::uint32_t last = owned_.back();
  owned_[slot.position] = last;
  slots_[last].position = slot.position;
  owned_.pop_back();
  slot.closed.store(true, std::memory_order_release);
}

void MediaWorker::close_all() {
  while (!owned_.empty())
    remove(owned_.back());
}

}  // namespace dzvin::media
