// media_playout_load: prompt playout to N simultaneous calls through an in-process
// MediaEngine (its own media threads, as in production): each relay's leg A plays a looping
// 1 s tone towards one receiving socket on loopback. The receiver takes each packet's kernel
// arrival time (SO_TIMESTAMPNS) and, per stream (SSRC), the deviation of the interval from
// 20 ms: the packet timing jitter of the figure. Also lost packets (sequence gaps),
// the media threads' CPU and the process RSS.
//
//   media_playout_load --calls 1000 --seconds 10 [--warmup 2] [--media-threads 0]
#include <netinet/in.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "base/log.hpp"
#include "media/media_engine.hpp"
#include "thread_times.hpp"

using namespace dzvin;
using namespace dzvin::media;

namespace {

struct Options {
  unsigned calls = 1000;
  double seconds = 10;
  double warmup = 2;
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
    else if (k == "--warmup")
      o.warmup = std::atof(v);
    else if (k == "--media-threads")
      o.media_threads = static_cast<unsigned>(std::atoi(v));
    else {
      std::fprintf(stderr, "unknown option %s\n", k.c_str());
      std::exit(2);
    }
  }
  return o;
}

long rss_kb() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::atol(line.c_str() + 6);
  return 0;
}

struct Stream {
  std::int64_t last_ns = 0;
  std::uint16_t last_seq = 0;
  bool seen = false;
};

}  // namespace

int main(int argc, char** argv) {
  const Options o = parse(argc, argv);
  set_log_level(LogLevel::warn);
  const int rx = ::socket(AF_INET, SOCK_DGRAM, 0);
  int on = 1;
  ::setsockopt(rx, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on);
  int buf = 16 << 20;
  ::setsockopt(rx, SOL_SOCKET, SO_RCVBUFFORCE, &buf, sizeof buf);
  ::setsockopt(rx, SOL_SOCKET, SO_RCVBUF, &buf, sizeof buf);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(rx, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) return 1;
  socklen_t len = sizeof addr;
  ::getsockname(rx, reinterpret_cast<sockaddr*>(&addr), &len);
  const IpEndpoint receiver{IpAddress::v4_loopback(), ntohs(addr.sin_port)};

  MediaConfig config;
  config.bind_address = "127.0.0.1";
  config.port_min = 30000;
  config.port_max = static_cast<std::uint16_t>(30000 + o.calls * 4 + 16);
  config.threads = o.media_threads;
  MediaEngine engine(config);
  auto clip = std::make_shared<AudioClip>();
  for (int i = 0; i < 8000; ++i)
    clip->samples.push_back(
        static_cast<std::int16_t>(8000 * std::sin(2 * M_PI * 440 * i / 8000.0)));
  const long rss0 = rss_kb();
  std::vector<RelayHandle> relays;
  for (unsigned i = 0; i < o.calls; ++i) {
    auto r = engine.create_relay();
    if (!r) {
      std::fprintf(stderr, "create_relay: %s\n", r.error().message.c_str());
      return 1;
    }
    LegParams p;
    p.remote_rtp = receiver;
    p.codec = Codec::pcmu;
    p.payload_type = 0;
    if (!engine.configure_leg(r->id, LegSide::a, p)) return 1;
    relays.push_back(*r);
  }
  engine.sync(std::chrono::seconds(5));
  // Start the calls' prompts spread over 20 ms, as calls arriving at random would be.
  for (std::size_t i = 0; i < relays.size(); ++i) {
    if (!engine.play(relays[i].id, LegSide::a, clip, PlayOptions{.loop = true})) return 1;
    if (i % (relays.size() / 20 + 1) == 0)
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }

  std::atomic<bool> measuring{false};
  std::atomic<bool> stop{false};
  std::vector<std::uint64_t> histogram(100'001, 0);  // |interval - 20 ms| in µs, last = more
  std::uint64_t packets = 0;
  std::uint64_t lost = 0;
  std::thread receiver_thread([&] {
    std::unordered_map<std::uint32_t, Stream> streams;
    streams.reserve(o.calls * 2);
    constexpr unsigned kBatch = 64;
    std::vector<std::array<std::uint8_t, 256>> data(kBatch);
    std::vector<std::array<char, 256>> control(kBatch);
    std::vector<iovec> iov(kBatch);
    std::vector<mmsghdr> msgs(kBatch);
    timespec timeout{0, 100'000'000};
    while (!stop.load()) {
      for (unsigned i = 0; i < kBatch; ++i) {
        iov[i] = iovec{data[i].data(), data[i].size()};
        msgs[i] = mmsghdr{};
        msgs[i].msg_hdr.msg_iov = &iov[i];
        msgs[i].msg_hdr.msg_iovlen = 1;
        msgs[i].msg_hdr.msg_control = control[i].data();
        msgs[i].msg_hdr.msg_controllen = control[i].size();
      }
      const int n = ::recvmmsg(rx, msgs.data(), kBatch, MSG_WAITFORONE, &timeout);
      if (n <= 0) continue;
      const bool counting = measuring.load(std::memory_order_relaxed);
      for (int i = 0; i < n; ++i) {
        std::int64_t ns = 0;
        for (cmsghdr* c = CMSG_FIRSTHDR(&msgs[i].msg_hdr); c;
             c = CMSG_NXTHDR(&msgs[i].msg_hdr, c)) {
          if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
            timespec ts;
            std::memcpy(&ts, CMSG_DATA(c), sizeof ts);
            ns = ts.tv_sec * 1'000'000'000LL + ts.tv_nsec;
          }
        }
        const auto& p = data[i];
        const std::uint16_t seq = static_cast<std::uint16_t>(p[2] << 8 | p[3]);
        const std::uint32_t ssrc = std::uint32_t{p[8]} << 24 | std::uint32_t{p[9]} << 16 |
                                   std::uint32_t{p[10]} << 8 | p[11];
        Stream& s = streams[ssrc];
        if (s.seen && counting) {
          ++packets;
          const auto gap = static_cast<std::uint16_t>(seq - s.last_seq);
          if (gap > 1 && gap < 1000) lost += gap - 1u;
          if (gap == 1) {
            const std::int64_t us = std::llabs(ns - s.last_ns - 20'000'000) / 1000;
            ++histogram[static_cast<std::size_t>(std::min<std::int64_t>(us, 100'000))];
          }
        }
        s.seen = true;
        s.last_seq = seq;
        s.last_ns = ns;
      }
    }
  });

  std::this_thread::sleep_for(std::chrono::duration<double>(o.warmup));
  const auto cpu0 = bench::read_thread_times();
  const auto t0 = std::chrono::steady_clock::now();
  measuring = true;
  std::this_thread::sleep_for(std::chrono::duration<double>(o.seconds));
  measuring = false;
  const auto t1 = std::chrono::steady_clock::now();
  const auto cpu1 = bench::read_thread_times();
  const long rss1 = rss_kb();
  stop = true;
  receiver_thread.join();

  const double window = std::chrono::duration<double>(t1 - t0).count();
  const double hz = static_cast<double>(::sysconf(_SC_CLK_TCK));
  std::uint64_t total = 0;
  for (auto c : histogram)
    total += c;
  const auto percentile = [&](double q) {
    const auto want = static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(total)));
    std::uint64_t seen = 0;
    for (std::size_t us = 0; us < histogram.size(); ++us) {
      seen += histogram[us];
      if (seen >= want) return static_cast<double>(us) / 1000.0;
    }
    return 100.0;
  };
  std::size_t max_us = 0;
  for (std::size_t us = 0; us < histogram.size(); ++us)
    if (histogram[us] != 0) max_us = us;
  const double expected = o.calls * 50.0 * window;
  std::printf(
      "calls=%u window_s=%.1f packets=%llu expected=%.0f lost=%llu jitter_ms p50=%.3f p99=%.3f "
      "p99.9=%.3f max=%.3f media_cpu_pct=%.1f other_cpu_pct=%.1f rss_kb_per_call=%.1f\n",
      o.calls, window, static_cast<unsigned long long>(packets), expected,
      static_cast<unsigned long long>(lost), percentile(0.5), percentile(0.99), percentile(0.999),
      static_cast<double>(max_us) / 1000.0,
      100.0 * static_cast<double>(cpu1.media - cpu0.media) / hz / window,
      100.0 * static_cast<double>(cpu1.other + cpu1.generator - cpu0.other - cpu0.generator) / hz /
          window,
      static_cast<double>(rss1 - rss0) / o.calls);
  ::close(rx);
  return 0;
}
