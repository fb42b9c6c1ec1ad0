// media_relay_load: relayed G.711 calls through an in-process MediaEngine (its own media
// threads, as in production) over loopback UDP, with loss, added latency, CPU and memory.
//
//   media_relay_load --calls 2000 --seconds 20 [--warmup 3] [--media-threads 2]
//                    [--gen-threads 1] [--pps 50] [--transcode] [--baseline]
//   media_relay_load --serve-ports FILE --calls 145 --seconds 60 [--peer-a 15200 --peer-b 15202]
//
// Shape (as /work/shared/bench-peers/rtpblast.c measures rtpengine): every call has two
// streams, A->B and B->A, each one 172-byte RTP packet (12-byte header + 160 bytes of G.711
// = 20 ms) every 1/pps s, paced evenly over all streams. Each generator thread has two
// sockets, one for the A sides and one for the B sides of its calls; a relay leg latches on
// the socket its packets come from. The generator sends with sendmmsg and receives with
// recvmmsg; each packet's send time is kept by (SSRC, sequence) and its arrival time is the
// kernel's receive timestamp (SO_TIMESTAMPNS), so the generator's own scheduling does not
// count. --baseline sends A straight to B without the relay: the floor of the method (the
// relay's added latency is the difference). CPU comes from /proc/self/task/*/stat, split into
// media threads ("dzvin-media-*") and generator threads ("gen-*"); memory from VmRSS and the
// kernel's slab (sockets live there, not in RSS).
//
// --serve-ports writes one line per call "<relay port A> <relay port B>" for rtpblast.c
// (legs configured towards 127.0.0.1:--peer-a / --peer-b, PCMU) and relays until --seconds
// have passed, printing the media threads' CPU: the same packets as the rtpengine runs.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <dirent.h>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "base/log.hpp"
#include "media/g711.hpp"
#include "media/media_engine.hpp"
#include "thread_times.hpp"

using namespace dzvin;
using namespace dzvin::media;
using dzvin::bench::read_thread_times;
using dzvin::bench::ThreadTimes;

namespace {

constexpr std::size_t kPacketSize = 172;
constexpr std::size_t kBatch = 64;
constexpr std::size_t kSendTimeSlots = 64;  // per stream: 1.28 s of history at 50 pps
constexpr std::uint8_t kUlawSample = 0x1E;  // G.711 digital milliwatt value
constexpr std::int64_t kHistogramMaxUs = 200'000;

struct Options {
  int calls = 500;
  double seconds = 20;
  double warmup = 3;
  unsigned media_threads = 0;
  unsigned gen_threads = 1;
  double pps = 50;
  bool transcode = false;
  bool baseline = false;
  std::string serve_ports;
  int peer_a = 15200;
  int peer_b = 15202;
  int port_min = 20000;
  int coalesce_us = -1;  // -1: the engine's default
};

[[noreturn]] void usage() {
  std::fprintf(stderr,
               "usage: media_relay_load [--calls N] [--seconds S] [--warmup S] "
               "[--media-threads N] [--gen-threads N] [--pps N] [--transcode] [--baseline] "
               "[--port-min P] [--coalesce-us N]\n"
               "       media_relay_load --serve-ports FILE --calls N --seconds S "
               "[--peer-a PORT --peer-b PORT]\n");
  std::exit(2);
}

Options parse_options(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) usage();
      return argv[++i];
    };
    if (a == "--calls")
      o.calls = std::stoi(value());
    else if (a == "--seconds")
      o.seconds = std::stod(value());
    else if (a == "--warmup")
      o.warmup = std::stod(value());
    else if (a == "--media-threads")
      o.media_threads = static_cast<unsigned>(std::stoi(value()));
    else if (a == "--gen-threads")
      o.gen_threads = static_cast<unsigned>(std::stoi(value()));
    else if (a == "--pps")
      o.pps = std::stod(value());
    else if (a == "--transcode")
      o.transcode = true;
    else if (a == "--baseline")
      o.baseline = true;
    else if (a == "--serve-ports")
      o.serve_ports = value();
    else if (a == "--peer-a")
      o.peer_a = std::stoi(value());
    else if (a == "--peer-b")
      o.peer_b = std::stoi(value());
    else if (a == "--port-min")
      o.port_min = std::stoi(value());
    else if (a == "--coalesce-us")
      o.coalesce_us = std::stoi(value());
    else
      usage();
  }
  if (o.calls < 1 || o.seconds <= 0 || o.gen_threads < 1 || o.pps <= 0) usage();
  return o;
}

std::int64_t monotonic_ns() {
  timespec t;
  ::clock_gettime(CLOCK_MONOTONIC, &t);
  return std::int64_t{t.tv_sec} * 1'000'000'000 + t.tv_nsec;
}

std::int64_t realtime_ns() {
  timespec t;
  ::clock_gettime(CLOCK_REALTIME, &t);
  return std::int64_t{t.tv_sec} * 1'000'000'000 + t.tv_nsec;
}

sockaddr_in loopback(std::uint16_t port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return a;
}

int open_socket() {
  const int s = ::socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  const int size = 16 << 20;
  // FORCE passes net.core.rmem_max when privileged; otherwise the plain option caps there.
  if (::setsockopt(s, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size) != 0)
    ::setsockopt(s, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
  if (::setsockopt(s, SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof size) != 0)
    ::setsockopt(s, SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
  const int on = 1;
  ::setsockopt(s, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on);
  sockaddr_in a = loopback(0);
  if (::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    std::perror("bind");
    std::exit(1);
  }
  return s;
}

std::uint16_t local_port(int s) {
  sockaddr_in a{};
  socklen_t len = sizeof a;
  ::getsockname(s, reinterpret_cast<sockaddr*>(&a), &len);
  return ntohs(a.sin_port);
}

// ---- /proc readings -------------------------------------------------------------------------

long read_status_kb(const char* key) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(key, 0) == 0) return std::strtol(line.c_str() + std::strlen(key), nullptr, 10);
  }
  return 0;
}

long read_meminfo_kb(const char* key) {
  std::ifstream in("/proc/meminfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(key, 0) == 0) return std::strtol(line.c_str() + std::strlen(key), nullptr, 10);
  }
  return 0;
}

// Udp: InDatagrams NoPorts InErrors OutDatagrams RcvbufErrors SndbufErrors ...
std::map<std::string, long> read_udp_snmp() {
  std::ifstream in("/proc/net/snmp");
  std::string names;
  std::string values;
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("Udp: ", 0) == 0) {
      if (names.empty())
        names = line;
      else
        values = line;
    }
  }
  std::map<std::string, long> out;
  std::istringstream n(names);
  std::istringstream v(values);
  std::string name;
  std::string value;
  n >> name;
  v >> value;
  while (n >> name && v >> value)
    out[name] = std::stol(value);
  return out;
}

// Machine-wide ticks from /proc/stat. Softirq time is not charged to any thread: on loopback
// it is the delivery of every datagram to its receiving socket (for the relay's sends and the
// generator's alike), so it belongs to this test; other processes show up in user/nice/system.
struct MachineTicks {
  long busy = 0;
  long softirq = 0;
  long total = 0;
};

MachineTicks read_machine_ticks() {
  std::ifstream in("/proc/stat");
  std::string cpu;
  in >> cpu;
  // user nice system idle iowait irq softirq steal (guest time is already in user)
  long v[8] = {};
  MachineTicks t;
  for (long& x : v) {
    in >> x;
    t.total += x;
  }
  t.busy = t.total - v[3] - v[4];
  t.softirq = v[5] + v[6];
  return t;
}

// ---- generator ------------------------------------------------------------------------------

struct Stream {
  sockaddr_in to;
  std::uint16_t sequence = 0;
  std::uint8_t payload_type = 0;
  std::uint8_t sample = kUlawSample;           // what it sends
  std::uint8_t expected_sample = kUlawSample;  // what arrives at the other end
  std::uint8_t expected_payload_type = 0;
};

struct GeneratorResult {
  std::uint64_t sent = 0;
  std::uint64_t received = 0;
  std::uint64_t corrupt = 0;
  std::uint64_t send_retries = 0;
  std::vector<std::uint64_t> histogram = std::vector<std::uint64_t>(kHistogramMaxUs + 1);
  std::uint64_t latency_samples = 0;
};

class Generator {
 public:
  // Streams [2*first_call, 2*end_call): 2i from the A socket to relay port A of call i (or
  // straight to the B socket in baseline), 2i+1 from the B socket.
  Generator(unsigned index, std::size_t first_stream, std::vector<Stream> streams, int socket_a,
            int socket_b, const Options& options)
      : index_(index),
        first_stream_(first_stream),
        streams_(std::move(streams)),
        socket_a_(socket_a),
        socket_b_(socket_b),
        options_(options),
        send_times_(streams_.size() * kSendTimeSlots, 0) {}

  void run(std::int64_t start_ns, std::int64_t measure_from_ns, std::int64_t stop_ns) {
    const std::string name = "gen-" + std::to_string(index_);
    ::pthread_setname_np(::pthread_self(), name.c_str());
    measure_from_realtime_ = measure_from_ns - monotonic_ns() + realtime_ns();
    const double total_rate = options_.pps * static_cast<double>(streams_.size());
    std::uint64_t due_done = 0;
    std::size_t cursor = 0;
    while (monotonic_ns() < start_ns) {
      const timespec pause{0, 1'000'000};
      ::nanosleep(&pause, nullptr);
    }
    for (;;) {
      const std::int64_t now = monotonic_ns();
      if (now >= stop_ns) break;
      const auto due =
          static_cast<std::uint64_t>(static_cast<double>(now - start_ns) * 1e-9 * total_rate);
      while (due_done < due) {
        std::size_t count[2] = {0, 0};
        while (due_done < due && count[0] < kBatch && count[1] < kBatch) {
          const int side = static_cast<int>(cursor % 2);
          build(cursor, out_[side][count[side]], side, count[side]);
          ++count[side];
          ++due_done;
          cursor = (cursor + 1) % streams_.size();
        }
        const std::int64_t stamp = realtime_ns();
        for (int side = 0; side < 2; ++side) {
          for (std::size_t k = 0; k < count[side]; ++k) {
            const std::size_t s = out_stream_[side][k];
            send_times_[s * kSendTimeSlots + streams_[s].sequence % kSendTimeSlots] = stamp;
          }
          send_all(side == 0 ? socket_a_ : socket_b_, side, count[side]);
          result_.sent += count[side];
        }
        drain();
      }
      drain();
      const timespec pause{0, 200'000};
      ::nanosleep(&pause, nullptr);
    }
    // Stragglers.
    const std::int64_t grace_end = monotonic_ns() + 300'000'000;
    while (monotonic_ns() < grace_end) {
      drain();
      const timespec pause{0, 1'000'000};
      ::nanosleep(&pause, nullptr);
    }
  }

  const GeneratorResult& result() const { return result_; }

 private:
  void build(std::size_t s, std::array<std::uint8_t, kPacketSize>& b, int side, std::size_t k) {
    Stream& st = streams_[s];
    ++st.sequence;
    const std::uint32_t timestamp = std::uint32_t{st.sequence} * 160u;
    const auto ssrc = static_cast<std::uint32_t>(first_stream_ + s);
    b[0] = 0x80;
    b[1] = st.payload_type;
    b[2] = static_cast<std::uint8_t>(st.sequence >> 8);
    b[3] = static_cast<std::uint8_t>(st.sequence);
    for (int i = 0; i < 4; ++i) {
      b[static_cast<std::size_t>(4 + i)] = static_cast<std::uint8_t>(timestamp >> (24 - 8 * i));
      b[static_cast<std::size_t>(8 + i)] = static_cast<std::uint8_t>(ssrc >> (24 - 8 * i));
    }
    std::memset(b.data() + 12, st.sample, kPacketSize - 12);
    iov_[side][k] = iovec{b.data(), kPacketSize};
    msg_[side][k] = mmsghdr{};
    msg_[side][k].msg_hdr.msg_name = &st.to;
    msg_[side][k].msg_hdr.msg_namelen = sizeof st.to;
    msg_[side][k].msg_hdr.msg_iov = &iov_[side][k];
    msg_[side][k].msg_hdr.msg_iovlen = 1;
    out_stream_[side][k] = s;
  }

  void send_all(int socket, int side, std::size_t count) {
    std::size_t off = 0;
    while (off < count) {
      const int r = ::sendmmsg(socket, &msg_[side][off], static_cast<unsigned>(count - off), 0);
      if (r <= 0) {
        if (errno == EAGAIN || errno == ENOBUFS) {
          ++result_.send_retries;
          drain();
          continue;
        }
        std::perror("sendmmsg");
        std::exit(1);
      }
      off += static_cast<std::size_t>(r);
    }
  }

  void drain() {
    drain_socket(socket_a_);
    drain_socket(socket_b_);
  }

  void drain_socket(int socket) {
    for (;;) {
      for (std::size_t i = 0; i < kBatch; ++i) {
        rx_iov_[i] = iovec{rx_[i].data(), rx_[i].size()};
        rx_msg_[i] = mmsghdr{};
        rx_msg_[i].msg_hdr.msg_iov = &rx_iov_[i];
        rx_msg_[i].msg_hdr.msg_iovlen = 1;
        rx_msg_[i].msg_hdr.msg_control = rx_control_[i].data();
        rx_msg_[i].msg_hdr.msg_controllen = rx_control_[i].size();
      }
      const int n = ::recvmmsg(socket, rx_msg_.data(), kBatch, MSG_DONTWAIT, nullptr);
      if (n <= 0) return;
      const std::int64_t fallback = realtime_ns();
      for (int i = 0; i < n; ++i)
        account(static_cast<std::size_t>(i), fallback);
      if (static_cast<std::size_t>(n) < kBatch) return;
    }
  }

  void account(std::size_t i, std::int64_t fallback_ns) {
    const std::uint8_t* b = rx_[i].data();
    const std::size_t len = rx_msg_[i].msg_len;
    ++result_.received;
    if (len != kPacketSize) {
      ++result_.corrupt;
      return;
    }
    const std::uint32_t ssrc = (std::uint32_t{b[8]} << 24) | (std::uint32_t{b[9]} << 16) |
                               (std::uint32_t{b[10]} << 8) | b[11];
    if (ssrc < first_stream_ || ssrc - first_stream_ >= streams_.size()) {
      ++result_.corrupt;
      return;
    }
    const std::size_t s = ssrc - first_stream_;
    const std::uint16_t sequence = static_cast<std::uint16_t>((b[2] << 8) | b[3]);
    if ((b[1] & 0x7F) != streams_[s].expected_payload_type ||
        b[12] != streams_[s].expected_sample || b[kPacketSize - 1] != streams_[s].expected_sample) {
      ++result_.corrupt;
    }
    std::int64_t arrival = fallback_ns;
    for (cmsghdr* c = CMSG_FIRSTHDR(&rx_msg_[i].msg_hdr); c != nullptr;
         c = CMSG_NXTHDR(&rx_msg_[i].msg_hdr, c)) {
      if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
        timespec t;
        std::memcpy(&t, CMSG_DATA(c), sizeof t);
        arrival = std::int64_t{t.tv_sec} * 1'000'000'000 + t.tv_nsec;
      }
    }
    const std::int64_t sent = send_times_[s * kSendTimeSlots + sequence % kSendTimeSlots];
    if (sent < measure_from_realtime_) return;  // warm-up
    const std::int64_t us = std::clamp<std::int64_t>((arrival - sent) / 1000, 0, kHistogramMaxUs);
    ++result_.histogram[static_cast<std::size_t>(us)];
    ++result_.latency_samples;
  }

  unsigned index_;
  std::size_t first_stream_;
  std::vector<Stream> streams_;
  int socket_a_;
  int socket_b_;
  const Options& options_;
  std::vector<std::int64_t> send_times_;
  std::int64_t measure_from_realtime_ = 0;
  GeneratorResult result_;

  std::array<std::array<std::array<std::uint8_t, kPacketSize>, kBatch>, 2> out_{};
  std::array<std::array<iovec, kBatch>, 2> iov_{};
  std::array<std::array<mmsghdr, kBatch>, 2> msg_{};
  std::array<std::array<std::size_t, kBatch>, 2> out_stream_{};
  std::array<std::array<std::uint8_t, 2048>, kBatch> rx_{};
  std::array<iovec, kBatch> rx_iov_{};
  std::array<mmsghdr, kBatch> rx_msg_{};
  std::array<std::array<std::uint8_t, 64>, kBatch> rx_control_{};
};

double percentile(const std::vector<std::uint64_t>& h, std::uint64_t total, double p) {
  if (total == 0) return 0;
  const auto rank = static_cast<std::uint64_t>(std::ceil(p * static_cast<double>(total)));
  std::uint64_t seen = 0;
  for (std::size_t us = 0; us < h.size(); ++us) {
    seen += h[us];
    if (seen >= rank) return static_cast<double>(us);
  }
  return static_cast<double>(h.size() - 1);
}

void raise_fd_limit() {
  rlimit r{};
  ::getrlimit(RLIMIT_NOFILE, &r);
  r.rlim_cur = r.rlim_max;
  ::setrlimit(RLIMIT_NOFILE, &r);
}

MediaConfig engine_config(const Options& o) {
  MediaConfig c;
  c.bind_address = "127.0.0.1";
  c.port_min = static_cast<std::uint16_t>(o.port_min);
  // Four ports per call, and some room for ports found busy.
  c.port_max = static_cast<std::uint16_t>(
      std::min(65535, o.port_min + 4 * o.calls + 4 * std::max(64, o.calls / 8) - 1));
  c.threads = o.media_threads;
  if (o.coalesce_us >= 0) c.coalesce = std::chrono::microseconds{o.coalesce_us};
  return c;
}

int serve_ports(const Options& o) {
  raise_fd_limit();
  MediaEngine engine(engine_config(o));
  std::ofstream out(o.serve_ports);
  LegParams a;
  a.remote_rtp = IpEndpoint{IpAddress::v4_loopback(), static_cast<std::uint16_t>(o.peer_a)};
  LegParams b = a;
  b.remote_rtp.port = static_cast<std::uint16_t>(o.peer_b);
  std::vector<RelayId> ids;
  for (int i = 0; i < o.calls; ++i) {
    auto relay = engine.create_relay();
    if (!relay) {
      std::fprintf(stderr, "create_relay: %s\n", relay.error().message.c_str());
      return 1;
    }
    (void)engine.configure_leg(relay->id, LegSide::a, a);
    (void)engine.configure_leg(relay->id, LegSide::b, b);
    out << relay->a.rtp << ' ' << relay->b.rtp << '\n';
    ids.push_back(relay->id);
  }
  out.close();
  engine.sync(std::chrono::seconds{10});
  std::printf("serving %d relays (%u media threads), ports in %s, for %.0f s\n", o.calls,
              engine.thread_count(), o.serve_ports.c_str(), o.seconds);
  std::fflush(stdout);
  const double hz = static_cast<double>(::sysconf(_SC_CLK_TCK));
  const auto snmp0 = read_udp_snmp();
  ThreadTimes before = read_thread_times();
  auto t_before = std::chrono::steady_clock::now();
  const auto end = t_before + std::chrono::duration<double>(o.seconds);
  while (std::chrono::steady_clock::now() < end) {
    std::this_thread::sleep_for(std::chrono::seconds{2});
    const ThreadTimes now = read_thread_times();
    const auto t_now = std::chrono::steady_clock::now();
    const double secs = std::chrono::duration<double>(t_now - t_before).count();
    std::printf("media_cpu=%.1f%% of one core over the last %.0f s\n",
                100.0 * static_cast<double>(now.media - before.media) / hz / secs, secs);
    std::fflush(stdout);
    before = now;
    t_before = t_now;
  }
  LegStats sum;
  for (const RelayId id : ids) {
    const auto s = engine.stats(id);
    for (const LegStats* l : {&s->a, &s->b}) {
      sum.rtp_packets_in += l->rtp_packets_in;
      sum.rtp_packets_out += l->rtp_packets_out;
      sum.send_errors += l->send_errors;
      sum.dropped_malformed += l->dropped_malformed + l->dropped_foreign + l->dropped_not_forwarded;
    }
  }
  const auto snmp1 = read_udp_snmp();
  std::printf("relay rtp_in=%" PRIu64 " rtp_out=%" PRIu64 " dropped=%" PRIu64
              " send_errors=%" PRIu64 " kernel_udp_RcvbufErrors=%ld\n",
              sum.rtp_packets_in, sum.rtp_packets_out, sum.dropped_malformed, sum.send_errors,
              snmp1.at("RcvbufErrors") - snmp0.at("RcvbufErrors"));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = parse_options(argc, argv);
  set_log_level(LogLevel::warn);
  if (!o.serve_ports.empty()) return serve_ports(o);
  raise_fd_limit();

  const long rss_start = read_status_kb("VmRSS:");
  const long slab_start = read_meminfo_kb("Slab:");
  std::unique_ptr<MediaEngine> engine;
  if (!o.baseline) engine = std::make_unique<MediaEngine>(engine_config(o));
  const long rss_engine = read_status_kb("VmRSS:");

  // Generator sockets first: relay legs are configured towards them.
  std::vector<int> gen_a;
  std::vector<int> gen_b;
  for (unsigned g = 0; g < o.gen_threads; ++g) {
    gen_a.push_back(open_socket());
    gen_b.push_back(open_socket());
  }
  const long slab_before_relays = read_meminfo_kb("Slab:");
  std::vector<RelayHandle> relays;
  std::vector<std::vector<Stream>> streams(o.gen_threads);
  std::vector<std::size_t> first_stream(o.gen_threads);
  const Codec codec_a = Codec::pcmu;
  const Codec codec_b = o.transcode ? Codec::pcma : Codec::pcmu;
  const std::uint8_t sample_b = o.transcode ? ulaw_to_alaw(kUlawSample) : kUlawSample;
  for (unsigned g = 0; g < o.gen_threads; ++g) {
    const int first = o.calls * static_cast<int>(g) / static_cast<int>(o.gen_threads);
    const int end = o.calls * static_cast<int>(g + 1) / static_cast<int>(o.gen_threads);
    first_stream[g] = 2 * static_cast<std::size_t>(first);
    for (int call = first; call < end; ++call) {
      Stream to_a_side;  // sent by A's socket
      Stream to_b_side;  // sent by B's socket
      to_a_side.payload_type = static_payload_type(codec_a);
      to_a_side.sample = kUlawSample;
      to_a_side.expected_payload_type = static_payload_type(codec_b);
      to_a_side.expected_sample = sample_b;
      to_b_side.payload_type = static_payload_type(codec_b);
      to_b_side.sample = sample_b;
      to_b_side.expected_payload_type = static_payload_type(codec_a);
      to_b_side.expected_sample = kUlawSample;
      if (o.baseline) {
        to_a_side.to = loopback(local_port(gen_b[g]));
        to_b_side.to = loopback(local_port(gen_a[g]));
      } else {
        auto relay = engine->create_relay();
        if (!relay) {
          std::fprintf(stderr, "create_relay after %zu relays: %s\n", relays.size(),
                       relay.error().message.c_str());
          return 1;
        }
        LegParams a;
        a.remote_rtp = IpEndpoint{IpAddress::v4_loopback(), local_port(gen_a[g])};
        a.codec = codec_a;
        a.payload_type = static_payload_type(codec_a);
        LegParams b;
        b.remote_rtp = IpEndpoint{IpAddress::v4_loopback(), local_port(gen_b[g])};
        b.codec = codec_b;
        b.payload_type = static_payload_type(codec_b);
        if (!engine->configure_leg(relay->id, LegSide::a, a) ||
            !engine->configure_leg(relay->id, LegSide::b, b)) {
          std::fprintf(stderr, "configure_leg failed\n");
          return 1;
        }
        to_a_side.to = loopback(relay->a.rtp);
        to_b_side.to = loopback(relay->b.rtp);
        relays.push_back(*relay);
      }
      streams[g].push_back(to_a_side);
      streams[g].push_back(to_b_side);
    }
  }
  if (engine && !engine->sync(std::chrono::seconds{30})) {
    std::fprintf(stderr, "media threads did not take the relays in time\n");
    return 1;
  }
  const long rss_relays = read_status_kb("VmRSS:");
  const long slab_relays = read_meminfo_kb("Slab:");

  std::vector<std::unique_ptr<Generator>> generators;
  for (unsigned g = 0; g < o.gen_threads; ++g) {
    generators.push_back(std::make_unique<Generator>(g, first_stream[g], std::move(streams[g]),
                                                     gen_a[g], gen_b[g], o));
  }
  const std::int64_t start = monotonic_ns() + 100'000'000;
  const std::int64_t measure_from = start + static_cast<std::int64_t>(o.warmup * 1e9);
  const std::int64_t stop = measure_from + static_cast<std::int64_t>(o.seconds * 1e9);
  std::vector<std::thread> threads;
  for (auto& g : generators) {
    threads.emplace_back([&g, start, measure_from, stop] { g->run(start, measure_from, stop); });
  }

  // CPU over the measured window only.
  while (monotonic_ns() < measure_from)
    std::this_thread::sleep_for(std::chrono::milliseconds{5});
  const ThreadTimes cpu0 = read_thread_times();
  const auto machine0 = read_machine_ticks();
  const auto snmp0 = read_udp_snmp();
  const std::int64_t t0 = monotonic_ns();
  while (monotonic_ns() < stop)
    std::this_thread::sleep_for(std::chrono::milliseconds{5});
  const ThreadTimes cpu1 = read_thread_times();
  const auto machine1 = read_machine_ticks();
  const std::int64_t t1 = monotonic_ns();
  const long rss_load = read_status_kb("VmRSS:");
  for (auto& t : threads)
    t.join();
  const auto snmp1 = read_udp_snmp();

  GeneratorResult total;
  for (auto& g : generators) {
    const GeneratorResult& r = g->result();
    total.sent += r.sent;
    total.received += r.received;
    total.corrupt += r.corrupt;
    total.send_retries += r.send_retries;
    total.latency_samples += r.latency_samples;
    for (std::size_t i = 0; i < total.histogram.size(); ++i)
      total.histogram[i] += r.histogram[i];
  }
  LegStats relay_sum;
  for (const auto& r : relays) {
    const auto s = engine->stats(r.id);
    if (!s) continue;
    for (const LegStats* l : {&s->a, &s->b}) {
      relay_sum.rtp_packets_in += l->rtp_packets_in;
      relay_sum.rtp_packets_out += l->rtp_packets_out;
      relay_sum.dropped_malformed += l->dropped_malformed;
      relay_sum.dropped_foreign += l->dropped_foreign;
      relay_sum.dropped_not_forwarded += l->dropped_not_forwarded;
      relay_sum.send_errors += l->send_errors;
    }
  }

  const double hz = static_cast<double>(::sysconf(_SC_CLK_TCK));
  const double window = static_cast<double>(t1 - t0) * 1e-9;
  const double run_secs = o.warmup + o.seconds;
  auto pct = [&](long ticks) { return 100.0 * static_cast<double>(ticks) / hz / window; };
  const double media_cpu = pct(cpu1.media - cpu0.media);
  const double gen_cpu = pct(cpu1.generator - cpu0.generator);
  const double other_cpu = pct(cpu1.other - cpu0.other);
  const double process_cpu = media_cpu + gen_cpu + other_cpu;
  const double cores = static_cast<double>(std::thread::hardware_concurrency());
  const double machine_total = static_cast<double>(machine1.total - machine0.total);
  const double machine_busy =
      100.0 * static_cast<double>(machine1.busy - machine0.busy) / machine_total * cores;
  const double softirq =
      100.0 * static_cast<double>(machine1.softirq - machine0.softirq) / machine_total * cores;
  const std::uint64_t lost = total.sent > total.received ? total.sent - total.received : 0;
  const double loss_pct =
      total.sent ? 100.0 * static_cast<double>(lost) / static_cast<double>(total.sent) : 0;
  auto snmp_delta = [&](const char* k) {
    const auto a = snmp0.find(k);
    const auto b = snmp1.find(k);
    return (a != snmp0.end() && b != snmp1.end()) ? b->second - a->second : 0;
  };
  const double calls = o.calls;

  std::printf(
      "calls=%d streams=%d pps_per_stream=%.0f secs=%.1f mode=%s media_threads=%u "
      "gen_threads=%u sent=%" PRIu64 " recv=%" PRIu64 " lost=%" PRIu64
      " loss_pct=%.4f corrupt=%" PRIu64
      " sent_pps=%.0f recv_pps=%.0f relay_io_pps=%.0f "
      "send_retries=%" PRIu64 "\n",
      o.calls, 2 * o.calls, o.pps, run_secs,
      o.baseline ? "baseline" : (o.transcode ? "transcode" : "passthrough"),
      engine ? engine->thread_count() : 0u, o.gen_threads, total.sent, total.received, lost,
      loss_pct, total.corrupt, static_cast<double>(total.sent) / run_secs,
      static_cast<double>(total.received) / run_secs,
      o.baseline ? 0.0 : 2.0 * static_cast<double>(total.received) / run_secs, total.send_retries);
  std::printf("latency_us p50=%.0f p90=%.0f p99=%.0f p999=%.0f max=%.0f samples=%" PRIu64 "\n",
              percentile(total.histogram, total.latency_samples, 0.50),
              percentile(total.histogram, total.latency_samples, 0.90),
              percentile(total.histogram, total.latency_samples, 0.99),
              percentile(total.histogram, total.latency_samples, 0.999),
              percentile(total.histogram, total.latency_samples, 1.0), total.latency_samples);
  std::printf(
      "cpu_pct_of_one_core media=%.1f generator=%.1f process=%.1f (softirq_in_it=%.1f) "
      "machine=%.1f "
      "others_on_machine=%.1f (window %.1f s, %.0f cores)\n",
      media_cpu, gen_cpu, process_cpu, softirq, machine_busy,
      std::max(0.0, machine_busy - process_cpu), window, cores);
  std::printf(
      "memory rss_kb start=%ld engine=%ld relays=%ld under_load=%ld (the generator's buffers) "
      "relay_user_bytes_per_call=%.0f kernel_slab_bytes_per_call=%.0f\n",
      rss_start, rss_engine, rss_relays, rss_load,
      1024.0 * static_cast<double>(rss_relays - rss_start) / calls,
      1024.0 * static_cast<double>(slab_relays - slab_before_relays) / calls);
  std::printf("kernel_udp_delta InErrors=%ld RcvbufErrors=%ld SndbufErrors=%ld\n",
              snmp_delta("InErrors"), snmp_delta("RcvbufErrors"), snmp_delta("SndbufErrors"));
  if (engine) {
    std::printf("relay rtp_in=%" PRIu64 " rtp_out=%" PRIu64 " malformed=%" PRIu64
                " foreign=%" PRIu64 " not_forwarded=%" PRIu64 " send_errors=%" PRIu64 "\n",
                relay_sum.rtp_packets_in, relay_sum.rtp_packets_out, relay_sum.dropped_malformed,
                relay_sum.dropped_foreign, relay_sum.dropped_not_forwarded, relay_sum.send_errors);
  }
  (void)slab_start;
  for (int s : gen_a)
    ::close(s);
  for (int s : gen_b)
    ::close(s);
  return 0;
}
