// media_recording_load: N simultaneous recorded calls through an in-process MediaEngine (its
// media threads and recording writer, as in production). Each call's two phones are loopback
// sockets sending 20 ms G.711 packets every 20 ms (a tone per phone) to the relay, which
// relays them and records both legs into one WAV per call. After the window every recording
// is stopped; the tool waits for all recording_finished events and checks every file: lost
// audio is counted three ways: packets the media threads could not hand to the writer
// (dropped), packets that came after their place was written (late), and files shorter than
// the audio sent. Also the CPU of the media threads and of the writer, and the disk rate.
//
//   media_recording_load --calls 500 --seconds 20 [--dir /tmp/dzvin-recording-load]
//                        [--stereo 0|1] [--media-threads 0]
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "base/log.hpp"
#include "media/g711.hpp"
#include "media/media_engine.hpp"
#include "thread_times.hpp"

using namespace dzvin;
using namespace dzvin::media;

namespace {

struct Options {
  unsigned calls = 500;
  double seconds = 20;
  std::string dir = "/tmp/dzvin-recording-load";
  bool stereo = false;
  unsigned media_threads = 0;
};

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i];
    const char* v = argv[i + 1];
    if (k == "--calls")
      o.calls = static_cast<unsigned>(std::atoi(v));
    else if (k == "--seconds")
      o.seconds = std::atof(v);
    else if (k == "--dir")
      o.dir = v;
    else if (k == "--stereo")
      o.stereo = std::atoi(v) != 0;
    else if (k == "--media-threads")
      o.media_threads = static_cast<unsigned>(std::atoi(v));
    else {
      std::fprintf(stderr, "unknown option %s\n", k.c_str());
      std::exit(2);
    }
  }
  return o;
}

int open_phone_socket() {
  const int s = ::socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (s < 0 || ::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    std::perror("phone socket");
    std::exit(1);
  }
  // What the relay sends back is not read: keep the buffer small.
  int small = 4096;
  ::setsockopt(s, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
  return s;
}

std::uint16_t local_port(int s) {
  sockaddr_in a{};
  socklen_t len = sizeof a;
  ::getsockname(s, reinterpret_cast<sockaddr*>(&a), &len);
  return ntohs(a.sin_port);
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = parse(argc, argv);
  set_log_level(LogLevel::warn);
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) == 0) {
    limit.rlim_cur = limit.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &limit);
  }
  std::filesystem::remove_all(o.dir);

  MediaConfig config;
  config.bind_address = "127.0.0.1";
  // Below the kernel's ephemeral range (32768+), where the phones' sockets get their ports.
  config.port_min = 20000;
  config.port_max = static_cast<std::uint16_t>(20000 + o.calls * 4 + 64);
  config.threads = o.media_threads;
  MediaEngine engine(config);
  std::mutex mutex;
  std::condition_variable cv;
  std::vector<MediaEvent> finished;
  engine.set_event_handler([&](const MediaEvent& e) {
    if (e.kind != MediaEvent::Kind::recording_finished) return;
    std::lock_guard lock(mutex);
    finished.push_back(e);
    cv.notify_all();
  });

  struct Phone {
    int socket;
    sockaddr_in to;  // the relay's port for this leg
    std::uint32_t ssrc;
  };
  std::vector<Phone> phones;
  std::vector<RelayHandle> relays;
  for (unsigned i = 0; i < o.calls; ++i) {
    auto r = engine.create_relay();
    if (!r) {
      std::fprintf(stderr, "create_relay: %s\n", r.error().message.c_str());
      return 1;
    }
    for (LegSide side : {LegSide::a, LegSide::b}) {
      const int s = open_phone_socket();
      LegParams p;
      p.remote_rtp = IpEndpoint{IpAddress::v4_loopback(), local_port(s)};
      p.codec = Codec::pcmu;
      p.payload_type = 0;
      if (!engine.configure_leg(r->id, side, p)) return 1;
      sockaddr_in to{};
      to.sin_family = AF_INET;
      to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      to.sin_port = htons(r->ports(side).rtp);
      phones.push_back(Phone{s, to, static_cast<std::uint32_t>(phones.size() + 1)});
    }
    relays.push_back(*r);
  }
  engine.sync(std::chrono::seconds(5));
  for (std::size_t i = 0; i < relays.size(); ++i) {
    RecordingOptions ro;
    ro.path = o.dir + "/" + std::to_string(i) + ".wav";
    ro.layout = o.stereo ? RecordingLayout::stereo : RecordingLayout::mixed;
    if (!engine.start_recording(relays[i].id, ro)) return 1;
  }

  // A tone per leg (440 / 1000 Hz), µ-law, one 20 ms payload each sent over and over.
  std::array<std::array<std::uint8_t, 172>, 2> packets{};
  for (int leg = 0; leg < 2; ++leg) {
    for (int k = 0; k < 160; ++k) {
      const double hz = leg == 0 ? 400 : 1000;
      packets[leg][12 + k] =
          linear_to_ulaw(static_cast<std::int16_t>(6000 * std::sin(2 * M_PI * hz * k / 8000.0)));
    }
    packets[leg][0] = 0x80;
  }
  std::atomic<bool> stop{false};
  std::uint64_t sent = 0;
  std::uint64_t send_errors = 0;
  const auto t0 = std::chrono::steady_clock::now();
  const auto cpu0 = bench::read_thread_times();
  std::thread sender([&] {
    ::pthread_setname_np(::pthread_self(), "gen-send");
    auto next = std::chrono::steady_clock::now();
    std::uint32_t n = 0;
    while (!stop.load()) {
      for (std::size_t i = 0; i < phones.size(); ++i) {
        auto p = packets[i % 2];
        const std::uint16_t seq = static_cast<std::uint16_t>(n);
        const std::uint32_t ts = n * 160;
        const std::uint32_t ssrc = phones[i].ssrc;
        p[2] = static_cast<std::uint8_t>(seq >> 8);
        p[3] = static_cast<std::uint8_t>(seq);
        for (int b = 0; b < 4; ++b) {
          p[4 + b] = static_cast<std::uint8_t>(ts >> (24 - 8 * b));
          p[8 + b] = static_cast<std::uint8_t>(ssrc >> (24 - 8 * b));
        }
        if (::sendto(phones[i].socket, p.data(), p.size(), 0,
                     reinterpret_cast<const sockaddr*>(&phones[i].to), sizeof phones[i].to) < 0) {
          ++send_errors;
        } else {
          ++sent;
        }
      }
      ++n;
      next += std::chrono::milliseconds(20);
      std::this_thread::sleep_until(next);
    }
  });
  std::this_thread::sleep_for(std::chrono::duration<double>(o.seconds));
  stop = true;
  sender.join();
  const auto t1 = std::chrono::steady_clock::now();
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // the last packets arrive
  std::uint64_t relayed_in = 0;
  for (const RelayHandle& r : relays) {
    if (auto st = engine.stats(r.id)) relayed_in += st->a.rtp_packets_in + st->b.rtp_packets_in;
    (void)engine.stop_recording(r.id);
  }
  {
    std::unique_lock lock(mutex);
    cv.wait_for(lock, std::chrono::seconds(60), [&] { return finished.size() == relays.size(); });
  }
  const auto t2 = std::chrono::steady_clock::now();
  const auto cpu1 = bench::read_thread_times();

  const double window = std::chrono::duration<double>(t1 - t0).count();
  const double sent_ms_per_call = static_cast<double>(sent) / phones.size() * 20.0;
  std::uint64_t complete = 0, dropped = 0, late = 0, short_files = 0, bytes = 0;
  double min_ms = 1e18, max_ms = 0;
  for (const MediaEvent& e : finished) {
    if (e.complete) ++complete;
    dropped += e.dropped_packets;
    late += e.late_packets;
    const double ms = static_cast<double>(e.recorded.count());
    min_ms = std::min(min_ms, ms);
    max_ms = std::max(max_ms, ms);
    // Both phones started within the first 20 ms and stopped together: a file shorter than
    // what was sent, by more than two packets, lost audio.
    if (ms < sent_ms_per_call - 40) ++short_files;
  }
  for (const auto& f : std::filesystem::directory_iterator(o.dir))
    bytes += f.file_size();
  const double hz = static_cast<double>(::sysconf(_SC_CLK_TCK));
  const double total = std::chrono::duration<double>(t2 - t0).count();
  std::printf(
      "calls=%u window_s=%.1f packets_sent=%llu relayed_in=%llu send_errors=%llu files=%zu "
      "complete=%llu dropped_packets=%llu late_packets=%llu short_files=%llu "
      "recorded_ms min=%.0f max=%.0f sent_ms=%.0f disk_mb=%.1f disk_mb_per_s=%.2f "
      "media_cpu_pct=%.1f recorder_cpu_pct=%.1f finish_s=%.2f\n",
      o.calls, window, static_cast<unsigned long long>(sent),
      static_cast<unsigned long long>(relayed_in), static_cast<unsigned long long>(send_errors),
      finished.size(), static_cast<unsigned long long>(complete),
      static_cast<unsigned long long>(dropped), static_cast<unsigned long long>(late),
      static_cast<unsigned long long>(short_files), min_ms, max_ms, sent_ms_per_call,
      static_cast<double>(bytes) / 1e6, static_cast<double>(bytes) / 1e6 / window,
      100.0 * static_cast<double>(cpu1.media - cpu0.media) / hz / total,
      100.0 * static_cast<double>(cpu1.recorder - cpu0.recorder) / hz / total,
      std::chrono::duration<double>(t2 - t1).count());
  for (const Phone& p : phones)
    ::close(p.socket);
  const bool ok = complete == relays.size() && dropped == 0 && short_files == 0;
  return ok ? 0 : 1;
}
