#pragma once
// MediaWorker: one media thread. It owns a set of relays (their sockets, latches, leg
// settings), waits on one epoll instance for their sockets and for its command eventfd, and
// relays packets in batches: recvmmsg per ready socket into a fixed pool of buffers, the
// packet rewritten in place, sendmmsg per output socket once the ready sockets of one
// epoll_wait are drained; under load a short pause between batches (MediaConfig::coalesce)
// makes the next one larger. Nothing on that path allocates or takes a lock.
// Commands come from the signalling thread through a mutex-protected vector and an eventfd;
// the worker takes the whole vector at once after the current batch of packets.
// Internal to media/.
#include <sys/epoll.h>
#include <sys/socket.h>

#include <array>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "base/clock.hpp"
#include "media/media_engine.hpp"
#include "media/recording_writer.hpp"
#include "media/relay.hpp"
#include "media/unique_fd.hpp"

namespace dzvin::media {

struct WorkerCommand {
  enum class Kind : std::uint8_t {
    add,
    configure,
    remove,
    play,
    stop_play,
    listen_dtmf,
    stop_dtmf,
    record,
    stop_record,
    stop
  };
  Kind kind = Kind::stop;
  std::uint32_t slot = 0;
  LegSide side = LegSide::a;
  LegParams params;
  // play:
  RelayId relay;
  std::shared_ptr<const AudioClip> clip;
  bool loop = false;
  std::uint64_t play_id = 0;
  bool inband = false;  // listen_dtmf
  // record:
  std::uint64_t recording_id = 0;
  RecordingWriter* writer = nullptr;
  RecordingLayout layout = RecordingLayout::mixed;
  Duration silence_timeout{0};
};

class MediaWorker {
 public:
  // Largest datagram relayed: an Ethernet MTU. Longer ones are dropped as malformed.
  static constexpr std::size_t kMaxDatagram = 1500;

  // `slots` is the engine's pool; the worker touches only the slots it was given. Throws
  // std::runtime_error when epoll or eventfd cannot be created (start-up).
  MediaWorker(unsigned index, RelaySlot* slots, const Clock& clock,
              std::chrono::microseconds coalesce, const MediaEventHandler* events);
  ~MediaWorker();  // stops the thread and closes the sockets of the relays it still owns
  MediaWorker(const MediaWorker&) = delete;
  MediaWorker& operator=(const MediaWorker&) = delete;

  // Queues a command; any thread. Never waits for the media thread.
  void post(const WorkerCommand& command);
  // Waits until the commands posted before this call have been carried out.
  bool wait_idle(Duration timeout);

 private:
  static constexpr std::size_t kMaxEvents = 1024;
  static constexpr std::size_t kBuffers = 256;   // packets in flight per batch
  static constexpr std::size_t kRecvBatch = 32;  // datagrams per recvmmsg
  static constexpr int kMaxRoundsPerWakeup = 4;
  static constexpr int kCoalesceMinEvents = 4;  // a batch this large means "under load"
  static constexpr std::uint64_t kEventFdTag = ~std::uint64_t{0};
  static constexpr std::uint64_t kTimerFdTag = ~std::uint64_t{0} - 1;
  // A playout packet is sent when its time is at most this far ahead (timer wake-ups are
  // not exact; a few hundred microseconds early beats a late packet).
  static constexpr std::chrono::microseconds kPlayoutEarly{300};

  struct Outgoing {
    int socket;
    LegCounters* counters;
    bool rtcp;
  };

  void run();
  void run_commands();
  void add(std::uint32_t slot_index);
  void remove(std::uint32_t slot_index);
  void close_all();
  // Reads a ready socket until it is drained (true) or kMaxRoundsPerWakeup batches were
  // taken (false: the rest waits for the next turn, so one flooded socket cannot starve the
  // others).
  bool receive(std::uint64_t tag);
  // Puts an undrained socket in backlog_ once.
  void defer(std::uint64_t tag);
  void flush();
  // Playout (prompts): start or stop a leg's player, send the packets that are due, and set
  // the timer for the next one.
  void start_playing(const WorkerCommand& command);
  void report_dtmf(LegSide side, DtmfListener& listener);
  // Recording: start a tap; hand a finished one to the writer.
  void start_recording(const WorkerCommand& command);
  void finish_recording(Relay& relay);
  void report_silence(RecordingTap& tap);
  void play_due();
  void arm_timer();

  unsigned index_;
  RelaySlot* slots_;
  const Clock& clock_;
  std::chrono::microseconds coalesce_;
  UniqueFd epoll_;
  UniqueFd wakeup_;  // eventfd
  UniqueFd timer_;   // timerfd (CLOCK_MONOTONIC, absolute): the next playout packet
  const MediaEventHandler* events_;

  // Command queue (the only lock; never on the packet path).
  std::mutex mutex_;
  std::condition_variable idle_cv_;
  std::vector<WorkerCommand> pending_;
  std::uint64_t posted_ = 0;
  std::uint64_t done_ = 0;

  // Media thread only.
  std::vector<std::uint32_t> owned_;  // slot indices
  std::vector<WorkerCommand> running_;
  // Sockets left undrained (edge-triggered epoll will not report them again by itself).
  std::vector<std::uint64_t> backlog_;
  std::vector<std::uint64_t> retry_;
  SteadyTime now_{};
  bool stopping_ = false;
  // Playout schedule: a min-heap by time; entries of players stopped or replaced since are
  // skipped when they come up (play_id no longer matches).
  struct PlayoutDue {
    SteadyTime at;
    std::uint32_t slot;
    LegSide side;
    std::uint64_t play_id;
  };
  std::vector<PlayoutDue> playout_;
  SteadyTime timer_set_for_{};
  std::uint64_t random_state_;
  // Packet buffers and the message headers of one batch, allocated once.
  struct Buffers;
  std::unique_ptr<Buffers> buffers_;
  std::size_t used_ = 0;  // buffers holding a packet of this batch
  std::size_t out_count_ = 0;

  std::thread thread_;
};

}  // namespace dzvin::media
