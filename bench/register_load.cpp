// register_load: REGISTER-with-digest load against a registrar over loopback UDP.
// One "registration" = REGISTER -> 401 -> REGISTER with Authorization -> 200 (two
// transactions). Users u00000.. with passwords pw00000x.. (make_bench_config.py writes the same
// users into a dzvin config). Paced open loop: a new registration starts every 1/rate seconds
// while fewer than --window are in flight; lost datagrams are retransmitted after 500 ms like
// a UDP client transaction (RFC 3261 Timer E) and counted.
//
//   register_load --server 127.0.0.1:5060 --domain perf.test --users 10000 --rate 10000
//                 --seconds 10 [--local 127.0.0.7] [--window 2000]
// Prints one result line: achieved registrations/s and transactions/s, p50/p99 latency.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <deque>
#include <string>
#include <vector>

#include "sip/header_values.hpp"
#include "sip/sip_message.hpp"

using namespace dzvin;
using Clock = std::chrono::steady_clock;

namespace {

struct Options {
  std::string server = "127.0.0.1:5060";
  std::string local = "127.0.0.7";
  std::string domain = "perf.test";
  int users = 10000;
  double rate = 5000;
  double seconds = 10;
  int window = 2000;
  int sockets = 4;
};

std::string md5_hex(std::string_view s) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned len = 0;
  EVP_Digest(s.data(), s.size(), out, &len, EVP_md5(), nullptr);
  static const char* hex = "0123456789abcdef";
  std::string r;
  for (unsigned i = 0; i < len; ++i) {
    r += hex[out[i] >> 4];
    r += hex[out[i] & 15];
  }
  return r;
}

enum class Phase { idle, challenged_wait, auth_wait };

struct Registration {
  Phase phase = Phase::idle;
  int user = 0;
  int sock = 0;
  std::string call_id;
  std::string last_request;
  Clock::time_point started, last_sent;
  int retrans = 0;
};

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i], v = argv[i + 1];
    if (k == "--server")
      o.server = v;
    else if (k == "--local")
      o.local = v;
    else if (k == "--domain")
      o.domain = v;
    else if (k == "--users")
      o.users = std::stoi(v);
    else if (k == "--rate")
      o.rate = std::stod(v);
    else if (k == "--seconds")
      o.seconds = std::stod(v);
    else if (k == "--window")
      o.window = std::stoi(v);
    else if (k == "--sockets")
      o.sockets = std::stoi(v);
    else {
      std::fprintf(stderr, "unknown option %s\n", k.c_str());
      return 2;
    }
  }
  const auto colon = o.server.rfind(':');
  sockaddr_in server{};
  server.sin_family = AF_INET;
  server.sin_port = htons(static_cast<uint16_t>(std::stoi(o.server.substr(colon + 1))));
  inet_pton(AF_INET, o.server.substr(0, colon).c_str(), &server.sin_addr);

  const int ep = epoll_create1(0);
  std::vector<int> socks;
  std::vector<uint16_t> ports;
  for (int i = 0; i < o.sockets; ++i) {
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    int buf = 4 << 20;
    setsockopt(s, SOL_SOCKET, SO_RCVBUF, &buf, sizeof buf);
    setsockopt(s, SOL_SOCKET, SO_SNDBUF, &buf, sizeof buf);
    sockaddr_in local{};
    local.sin_family = AF_INET;
    inet_pton(AF_INET, o.local.c_str(), &local.sin_addr);
    if (bind(s, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0) {
      std::perror("bind");
      return 1;
    }
    socklen_t len = sizeof local;
    getsockname(s, reinterpret_cast<sockaddr*>(&local), &len);
    ports.push_back(ntohs(local.sin_port));
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u32 = static_cast<uint32_t>(i);
    epoll_ctl(ep, EPOLL_CTL_ADD, s, &ev);
    socks.push_back(s);
  }

  // Slot per in-flight registration; Call-ID "r<slot>-<seq>" maps responses back.
  std::vector<Registration> slots(static_cast<std::size_t>(o.window));
  std::vector<int> free_slots;
  for (int i = o.window - 1; i >= 0; --i)
    free_slots.push_back(i);
  std::vector<double> latencies_ms;
  latencies_ms.reserve(1 << 20);
  uint64_t started = 0, done = 0, failed = 0, retrans = 0, seq = 0;
  int next_user = 0;

  auto send = [&](Registration& r) {
    sendto(socks[static_cast<std::size_t>(r.sock)], r.last_request.data(), r.last_request.size(), 0,
           reinterpret_cast<sockaddr*>(&server), sizeof server);
    r.last_sent = Clock::now();
  };
  auto build = [&](Registration& r, int cseq, const std::string& auth) {
    char user[16];
    std::snprintf(user, sizeof user, "u%05d", r.user);
    const std::string host =
        o.local + ":" + std::to_string(ports[static_cast<std::size_t>(r.sock)]);
    std::string m;
    m.reserve(600);
    m += "REGISTER sip:" + o.domain + " SIP/2.0\r\n";
    m += "Via: SIP/2.0/UDP " + host + ";branch=z9hG4bK" + std::to_string(++seq) + "x;rport\r\n";
    m += "Max-Forwards: 70\r\n";
    m += std::string("From: <sip:") + user + "@" + o.domain + ">;tag=t" + std::to_string(r.user) +
         "\r\n";
    m += std::string("To: <sip:") + user + "@" + o.domain + ">\r\n";
    m += "Call-ID: " + r.call_id + "\r\n";
    m += "CSeq: " + std::to_string(cseq) + " REGISTER\r\n";
    m += std::string("Contact: <sip:") + user + "@" + host + ">\r\n";
    m += auth;
    m += "Expires: 3600\r\nUser-Agent: dzvin-register-load\r\nContent-Length: 0\r\n\r\n";
    r.last_request = std::move(m);
  };

  const auto t0 = Clock::now();
  const auto t_end =
      t0 + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o.seconds));
  const auto interval = std::chrono::duration<double>(1.0 / o.rate);
  double credit = 0;
  auto last_tick = t0;
  char buf[65536];
  epoll_event events[64];
  std::deque<int> inflight_order;

  while (true) {
    auto now = Clock::now();
    const bool generating = now < t_end;
    if (!generating && free_slots.size() == slots.size()) break;
    if (now > t_end + std::chrono::seconds(5)) break;  // drain deadline
    if (generating) {
      credit += std::chrono::duration<double>(now - last_tick) / interval;
      last_tick = now;
      while (credit >= 1 && !free_slots.empty()) {
        credit -= 1;
        int id = free_slots.back();
        free_slots.pop_back();
        auto& r = slots[static_cast<std::size_t>(id)];
        r.user = next_user;
        next_user = (next_user + 1) % o.users;
        r.sock = r.user % o.sockets;  // a user keeps one Contact (source port)
        r.call_id = "r" + std::to_string(id) + "-" + std::to_string(++seq);
        r.phase = Phase::challenged_wait;
        r.started = now;
        r.retrans = 0;
        build(r, 1, "");
        send(r);
        ++started;
        inflight_order.push_back(id);
      }
      if (credit > 1000) credit = 1000;  // window full: don't build up an unbounded burst
    }
    int n = epoll_wait(ep, events, 64, 1);
    for (int e = 0; e < n; ++e) {
      const int s = socks[events[e].data.u32];
      for (;;) {
        ssize_t got = recv(s, buf, sizeof buf, 0);
        if (got <= 0) break;
        auto msg = sip::parse_message(std::string(buf, static_cast<std::size_t>(got)));
        if (!msg || msg->is_request()) continue;
        auto cid = msg->core().call_id;
        if (cid.size() < 2 || cid[0] != 'r') continue;
        int id = std::atoi(std::string(cid.substr(1, cid.find('-') - 1)).c_str());
        if (id < 0 || id >= o.window) continue;
        auto& r = slots[static_cast<std::size_t>(id)];
        if (r.phase == Phase::idle || r.call_id != cid) continue;
        const int status = msg->status();
        if (status < 200) continue;
        if (r.phase == Phase::challenged_wait && status == 401) {
          // Answer the MD5 challenge (the registrar may offer SHA-256 first).
          std::string_view nonce, realm;
          for (const auto& h : msg->headers()) {
            if (h.id != sip::HeaderId::www_authenticate) continue;
            auto v = h.value;
            if (v.find("SHA-256") != std::string_view::npos) continue;
            auto params = std::string(";") + std::string(v.substr(7));
            for (char& c : params)
              if (c == ',') c = ';';
            auto nz = sip::find_param(params, "nonce");
            auto rl = sip::find_param(params, "realm");
            if (nz && rl) {
              nonce = v.substr(v.find(*nz) + 1, nz->size() - 2);
              realm = v.substr(v.find(*rl) + 1, rl->size() - 2);
            }
          }
          if (nonce.empty()) {
            ++failed;
            r.phase = Phase::idle;
            free_slots.push_back(id);
            continue;
          }
          char user[16], pass[16];
          std::snprintf(user, sizeof user, "u%05d", r.user);
          std::snprintf(pass, sizeof pass, "pw%05dx", r.user);
          const std::string uri = "sip:" + o.domain;
          const std::string ha1 =
              md5_hex(std::string(user) + ":" + std::string(realm) + ":" + pass);
          const std::string ha2 = md5_hex("REGISTER:" + uri);
          const std::string cnonce = "c" + std::to_string(seq);
          const std::string resp =
              md5_hex(ha1 + ":" + std::string(nonce) + ":00000001:" + cnonce + ":auth:" + ha2);
          std::string auth = std::string("Authorization: Digest username=\"") + user +
                             "\", realm=\"" + std::string(realm) + "\", nonce=\"" +
                             std::string(nonce) + "\", uri=\"" + uri + "\", response=\"" + resp +
                             "\", algorithm=MD5, cnonce=\"" + cnonce +
                             "\", qop=auth, nc=00000001\r\n";
          build(r, 2, auth);
          r.phase = Phase::auth_wait;
          send(r);
        } else if (r.phase == Phase::auth_wait && status == 200) {
          latencies_ms.push_back(
              std::chrono::duration<double, std::milli>(Clock::now() - r.started).count());
          ++done;
          r.phase = Phase::idle;
          free_slots.push_back(id);
        } else if (status == 503 || status >= 300) {
          ++failed;
          r.phase = Phase::idle;
          free_slots.push_back(id);
        }
      }
    }
    // Retransmissions (Timer E at 500 ms, give up after 4 tries).
    now = Clock::now();
    while (!inflight_order.empty()) {
      int id = inflight_order.front();
      auto& r = slots[static_cast<std::size_t>(id)];
      if (r.phase == Phase::idle) {
        inflight_order.pop_front();
        continue;
      }
      if (now - r.last_sent < std::chrono::milliseconds(500)) break;
      inflight_order.pop_front();
      if (++r.retrans > 4) {
        ++failed;
        r.phase = Phase::idle;
        free_slots.push_back(id);
        continue;
      }
      ++retrans;
      send(r);
      inflight_order.push_back(id);
    }
  }
  const double wall = std::chrono::duration<double>(Clock::now() - t0).count();
  std::sort(latencies_ms.begin(), latencies_ms.end());
  auto pct = [&](double p) {
    return latencies_ms.empty()
               ? 0.0
               : latencies_ms[std::min(
                     latencies_ms.size() - 1,
                     static_cast<std::size_t>(p * static_cast<double>(latencies_ms.size())))];
  };
  std::printf(
      "target_rate=%.0f started=%llu registered=%llu failed=%llu retransmissions=%llu wall_s=%.2f "
      "registrations_per_s=%.0f transactions_per_s=%.0f p50_ms=%.2f p99_ms=%.2f\n",
      o.rate, static_cast<unsigned long long>(started), static_cast<unsigned long long>(done),
      static_cast<unsigned long long>(failed), static_cast<unsigned long long>(retrans), wall,
      static_cast<double>(done) / std::min(wall, o.seconds),
      2.0 * static_cast<double>(done) / std::min(wall, o.seconds), pct(0.5), pct(0.99));
  return failed == 0 ? 0 : 1;
}
