// The only translation unit of the tree that includes Boost.Asio (compile time).
#include <utility>  // before Asio: g++ 12 needs std::exchange declared first

#include "sip/transport_layer.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/steady_timer.hpp>

#include <sys/socket.h>
#include <time.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <deque>
#include <string>
#include <unordered_map>

#include "base/log.hpp"
#include "sip/error_response.hpp"
#include "sip/stream_framer.hpp"

namespace dzvin::sip {

namespace asio = boost::asio;
using asio::ip::tcp;
using asio::ip::udp;
using boost::system::error_code;

namespace {

constexpr std::size_t kUdpBufferBytes = 65536;  // above any UDP payload (65507 over IPv4)
constexpr std::size_t kTcpReadBytes = 65536;
constexpr int kMaxReadsPerWakeup = 16;

asio::ip::address to_asio(const IpAddress& a) {
  if (a.v6) {
    asio::ip::address_v6::bytes_type b{};
    std::copy_n(a.bytes.begin(), b.size(), b.begin());
    return asio::ip::address_v6(b);
  }
  asio::ip::address_v4::bytes_type b{};
  std::copy_n(a.bytes.begin(), b.size(), b.begin());
  return asio::ip::address_v4(b);
}

IpEndpoint from_asio(const asio::ip::address& address, std::uint16_t port) {
  IpEndpoint e;
  e.port = port;
  if (address.is_v6()) {
    const auto v6 = address.to_v6();
    if (v6.is_v4_mapped()) {
      const auto b = asio::ip::make_address_v4(asio::ip::v4_mapped, v6).to_bytes();
      std::copy(b.begin(), b.end(), e.address.bytes.begin());
    } else {
      const auto b = v6.to_bytes();
      std::copy(b.begin(), b.end(), e.address.bytes.begin());
      e.address.v6 = true;
    }
  } else {
    const auto b = address.to_v4().to_bytes();
    std::copy(b.begin(), b.end(), e.address.bytes.begin());
  }
  return e;
}

template <class Endpoint>
IpEndpoint from_asio(const Endpoint& ep) {
  return from_asio(ep.address(), ep.port());
}

bool is_would_block(const error_code& ec) {
  return ec == asio::error::would_block || ec == asio::error::try_again;
}

// RFC 3261 §7.1: a request line ends with the SIP-Version; a status line starts with it. Only
// requests get an error response (§8.2, a response to a response makes no sense).
bool looks_like_request(std::string_view raw) {
  while (!raw.empty() && (raw.front() == '\r' || raw.front() == '\n'))
    raw.remove_prefix(1);
  std::string_view line = raw.substr(0, raw.find('\n'));
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) {
    line.remove_suffix(1);
  }
  if (line.starts_with("SIP/")) return false;
  const std::size_t last_space = line.rfind(' ');
  return last_space != std::string_view::npos && last_space > 0 &&
         line.substr(last_space + 1).starts_with("SIP/");
}

bool only_crlf(std::string_view bytes) {
  return !bytes.empty() && bytes.find_first_not_of("\r\n") == std::string_view::npos;
}

// At most `per_second` lines a second; the rest are counted and reported with the next line.
class LogLimiter {
 public:
  explicit LogLimiter(int per_second) : per_second_(per_second) {}
  // Returns true when a line may be written; `suppressed` is then the count to report.
  bool allow(std::uint64_t& suppressed) {
    const auto now = std::chrono::steady_clock::now();
    if (now - window_ >= std::chrono::seconds(1)) {
      window_ = now;
      used_ = 0;
    }
    if (used_ >= per_second_) {
      ++suppressed_;
      return false;
    }
    ++used_;
    suppressed = std::exchange(suppressed_, 0);
    return true;
  }

 private:
  int per_second_;
  int used_ = 0;
  std::uint64_t suppressed_ = 0;
  std::chrono::steady_clock::time_point window_{};
};

}  // namespace

class TransportLayer::Impl : public std::enable_shared_from_this<TransportLayer::Impl> {
 public:
  Impl(asio::io_context& io, MessageSink& sink, MessageLimits limits, TransportOptions options)
      : io_(io),
        sink_(&sink),
        limits_(limits),
        options_(options),
        udp_buffer_(kUdpBufferBytes),
        tcp_buffer_(kTcpReadBytes),
        idle_timer_(io),
        tick_timer_(io),
        log_limiter_(options.error_logs_per_second) {}

  void set_sink(MessageSink& sink) { sink_ = &sink; }
  void set_load_monitor(LoadMonitor* monitor) { monitor_ = monitor; }
  Result<IpEndpoint> listen(TransportKind kind, const IpEndpoint& local);
  std::vector<ListeningPoint> listening_points() const { return points_; }
  bool send(const Peer& to, std::string_view bytes);
  void drive_timers(TimerQueue& timers, const Clock& clock) {
    timers_ = &timers;
    clock_ = &clock;
    rearm_timers();
  }
  void close();
  const TransportStats& stats() const { return stats_; }

 private:
  struct UdpListener {
    explicit UdpListener(asio::io_context& io) : socket(io) {}
    udp::socket socket;
    IpEndpoint local;
  };
  struct TcpListener {
    explicit TcpListener(asio::io_context& io) : acceptor(io), retry(io) {}
    tcp::acceptor acceptor;
    asio::steady_timer retry;  // pauses accepting after an error such as EMFILE
    IpEndpoint local;
  };
  struct Connection {
    Connection(asio::io_context& io, const MessageLimits& limits) : socket(io), framer(limits) {}
    std::uint64_t id = 0;
    tcp::socket socket;
    IpEndpoint remote;
    IpEndpoint local;  // the listener's bound address (for outbound: one of the same family)
    StreamFramer framer;
    std::deque<std::string> queue;  // bytes the kernel did not take yet
    std::size_t queued_bytes = 0;
    std::size_t front_offset = 0;  // of queue.front() already written
    bool connecting = false;
    bool write_waiting = false;
    bool closed = false;
    std::chrono::steady_clock::time_point last_activity;
  };
  using ConnectionPtr = std::shared_ptr<Connection>;

  Error listen_error(TransportKind kind, const IpEndpoint& local, const error_code& ec) const {
    return make_error(0, "cannot listen on " + std::string(to_string(kind)) + " " +
                             local.to_string() + ": " + ec.message());
  }

  // --- UDP
  void start_udp_wait(UdpListener& l);
  void on_udp_readable(UdpListener& l);
  void handle_datagram(UdpListener& l, std::size_t n, const udp::endpoint& from);
  UdpListener* udp_listener_for(const Peer& to);
  bool send_udp(const Peer& to, std::string_view bytes);

  // --- TCP
  void start_accept(TcpListener& l);
  ConnectionPtr add_connection(tcp::socket socket, const IpEndpoint& remote,
                               const IpEndpoint& local);
  void start_read_wait(const ConnectionPtr& c);
  void on_tcp_readable(const ConnectionPtr& c);
  bool send_tcp(const Peer& to, std::string_view bytes);
  ConnectionPtr connect_to(const IpEndpoint& remote);
  bool write(const ConnectionPtr& c, std::string_view bytes);
  void flush(const ConnectionPtr& c);
  void start_write_wait(const ConnectionPtr& c);
  void close_connection(const ConnectionPtr& c);
  void arm_idle_sweep();
  void sweep_idle();

  // --- both
  // Parses one datagram or framed message; `raw` stays valid for the error response.
  void deliver(std::string bytes, std::string_view raw, const Peer& from,
               const ConnectionPtr& connection, UdpListener* listener);
  void rearm_timers();
  void count_send(bool ok) {
    if (ok) {
      ++stats_.sent;
    } else {
      ++stats_.send_errors;
    }
  }

  asio::io_context& io_;
  MessageSink* sink_;
  LoadMonitor* monitor_ = nullptr;
  MessageLimits limits_;
  TransportOptions options_;
  bool closed_ = false;

  std::vector<std::unique_ptr<UdpListener>> udp_listeners_;
  std::vector<std::unique_ptr<TcpListener>> tcp_listeners_;
  std::vector<ListeningPoint> points_;
  std::vector<char> udp_buffer_;  // every datagram is read here, then copied exactly once
  std::vector<char> tcp_buffer_;  // every TCP read lands here, then goes to a framer
  std::string raw_copy_;          // a framed message's bytes, kept for an error response

  std::unordered_map<std::uint64_t, ConnectionPtr> connections_;
  std::unordered_map<IpEndpoint, std::uint64_t, IpEndpointHash> by_remote_;
  std::uint64_t next_connection_id_ = 1;
  asio::steady_timer idle_timer_;
  bool idle_armed_ = false;

  TimerQueue* timers_ = nullptr;
  const Clock* clock_ = nullptr;
  asio::steady_timer tick_timer_;
  bool tick_armed_ = false;
  SteadyTime tick_at_{};

  LogLimiter log_limiter_;
  TransportStats stats_;
};

// ---- listening ------------------------------------------------------------------------------

Result<IpEndpoint> TransportLayer::Impl::listen(TransportKind kind, const IpEndpoint& local) {
  if (closed_) return make_error(0, "transport layer is closed");
  error_code ec;
  const asio::ip::address address = to_asio(local.address);
  if (kind == TransportKind::udp) {
    auto l = std::make_unique<UdpListener>(io_);
    const udp::endpoint ep(address, local.port);
    l->socket.open(ep.protocol(), ec);
    // v6 sockets see only v6: [::]:5060 and 0.0.0.0:5060 can then be opened side by side.
    if (!ec && local.address.v6) l->socket.set_option(asio::ip::v6_only(true), ec);
    if (!ec) l->socket.bind(ep, ec);
    if (!ec) l->socket.non_blocking(true, ec);
    if (ec) return listen_error(kind, local, ec);
    // Best effort: the kernel caps the buffers at net.core.rmem_max / wmem_max.
    error_code ignored;
    l->socket.set_option(asio::socket_base::receive_buffer_size(options_.socket_buffer_bytes),
                         ignored);
    l->socket.set_option(asio::socket_base::send_buffer_size(options_.socket_buffer_bytes),
                         ignored);
    const int on = 1;
    ::setsockopt(l->socket.native_handle(), SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on);
    const udp::endpoint bound = l->socket.local_endpoint(ec);
    if (ec) return listen_error(kind, local, ec);
    l->local = from_asio(bound);
    asio::socket_base::receive_buffer_size rcvbuf;
    l->socket.get_option(rcvbuf, ignored);
    log(LogLevel::info, "sip.transport.listening",
        {{"transport", "UDP"}, {"local", l->local.to_string()}, {"rcvbuf", rcvbuf.value()}});
    points_.push_back({kind, l->local});
    const IpEndpoint result = l->local;
    udp_listeners_.push_back(std::move(l));
    start_udp_wait(*udp_listeners_.back());
    return result;
  }

  auto l = std::make_unique<TcpListener>(io_);
  const tcp::endpoint ep(address, local.port);
  l->acceptor.open(ep.protocol(), ec);
  // SO_REUSEADDR lets a restart bind while old connections sit in TIME_WAIT; on Linux it does
  // not let two listeners share a port, so "address in use" is still reported.
  if (!ec) l->acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec && local.address.v6) l->acceptor.set_option(asio::ip::v6_only(true), ec);
  if (!ec) l->acceptor.bind(ep, ec);
  if (!ec) l->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return listen_error(kind, local, ec);
  const tcp::endpoint bound = l->acceptor.local_endpoint(ec);
  if (ec) return listen_error(kind, local, ec);
  l->local = from_asio(bound);
  log(LogLevel::info, "sip.transport.listening",
      {{"transport", "TCP"}, {"local", l->local.to_string()}});
  points_.push_back({kind, l->local});
  const IpEndpoint result = l->local;
  tcp_listeners_.push_back(std::move(l));
  start_accept(*tcp_listeners_.back());
  return result;
}

void TransportLayer::Impl::close() {
  if (closed_) return;
  closed_ = true;
  error_code ignored;
  for (auto& l : udp_listeners_)
    l->socket.close(ignored);
  for (auto& l : tcp_listeners_)
    l->acceptor.close(ignored);
  std::vector<ConnectionPtr> open;
  open.reserve(connections_.size());
  for (auto& [id, c] : connections_)
    open.push_back(c);
  for (auto& c : open)
    close_connection(c);
  idle_timer_.cancel();
  tick_timer_.cancel();
}

// ---- inbound, both transports ---------------------------------------------------------------

void TransportLayer::Impl::deliver(std::string bytes, std::string_view raw, const Peer& from,
                                   const ConnectionPtr& connection, UdpListener* listener) {
  Result<SipMessage> parsed = parse_message(std::move(bytes), limits_);
  if (!parsed) {
    ++stats_.parse_errors;
    const Error& err = parsed.error();
    std::optional<std::string> answer;
    const std::string source_ip = from.remote.address.to_string();
    if (looks_like_request(raw)) {
      // §8.2 / §21.4.1: tell the sender what was wrong, in the reason phrase.
      answer = build_error_response(raw, err.code, err.message,
                                    ResponseContext{source_ip, from.remote.port});
    }
    std::uint64_t suppressed = 0;
    if (log_limiter_.allow(suppressed)) {
      log(LogLevel::warn, answer ? "sip.transport.bad_request" : "sip.transport.garbage",
          {{"transport", to_string(from.kind)},
           {"peer", from.remote.to_string()},
           {"status", err.code},
           {"error", err.message},
           {"suppressed", suppressed}});
    }
    if (!answer) {
      ++stats_.dropped;
      return;
    }
    bool ok = false;
    if (connection) {
      ok = write(connection, *answer);
    } else if (listener != nullptr) {
      // RFC 3581 style: straight back to the source address and port; nothing in the message
      // can be trusted.
      error_code ec;
      const std::size_t n = listener->socket.send_to(
          asio::buffer(*answer), udp::endpoint(to_asio(from.remote.address), from.remote.port), 0,
          ec);
      ok = !ec && n == answer->size();
    }
    count_send(ok);
    if (ok) ++stats_.error_responses;
    return;
  }
  SipMessage& message = *parsed;
  // §18.1.2 / §18.2.1: a request must carry a Via to be answered; a response without one
  // cannot be ours.
  if (!message.core().has_via) {
    ++stats_.dropped;
    return;
  }
  ++stats_.received;
  sink_->on_message(std::move(message), from);
}

// ---- UDP ------------------------------------------------------------------------------------

void TransportLayer::Impl::start_udp_wait(UdpListener& l) {
  // Readiness, then synchronous non-blocking reads: one wake-up drains a burst into the one
  // shared buffer instead of keeping a buffer per pending asynchronous read.
  l.socket.async_wait(udp::socket::wait_read,
                      [self = shared_from_this(), &l](const error_code& ec) {
                        if (self->closed_ || ec == asio::error::operation_aborted) return;
                        self->on_udp_readable(l);
                      });
}

void TransportLayer::Impl::on_udp_readable(UdpListener& l) {
  udp::endpoint sender;
  for (std::size_t i = 0; i < options_.udp_batch && !closed_; ++i) {
    // recvmsg rather than Asio's receive_from: the kernel's receive timestamp
    // (SO_TIMESTAMPNS) tells how long the datagram queued, the LoadMonitor's input.
    sockaddr_storage addr{};
    iovec iov{udp_buffer_.data(), udp_buffer_.size()};
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(timespec))];
    msghdr msg{};
    msg.msg_name = &addr;
    msg.msg_namelen = sizeof addr;
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    const ssize_t got = ::recvmsg(l.socket.native_handle(), &msg, MSG_DONTWAIT);
    if (got < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) break;
      // ICMP-induced errors (ECONNREFUSED) on an unconnected socket; the next read is fine.
      continue;
    }
    if (monitor_ != nullptr) {
      for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_TIMESTAMPNS) continue;
        timespec arrived{};
        std::memcpy(&arrived, CMSG_DATA(c), sizeof arrived);
        timespec now{};
        clock_gettime(CLOCK_REALTIME, &now);
        const auto delay = std::chrono::seconds(now.tv_sec - arrived.tv_sec) +
                           std::chrono::nanoseconds(now.tv_nsec - arrived.tv_nsec);
        monitor_->observe_queue_delay(std::chrono::duration_cast<Duration>(delay));
      }
    }
    std::memcpy(sender.data(), &addr, std::min<std::size_t>(msg.msg_namelen, sender.capacity()));
    sender.resize(msg.msg_namelen);
    handle_datagram(l, static_cast<std::size_t>(got), sender);
  }
  if (closed_) return;
  rearm_timers();
  start_udp_wait(l);
}

void TransportLayer::Impl::handle_datagram(UdpListener& l, std::size_t n,
                                           const udp::endpoint& sender) {
  const std::string_view raw(udp_buffer_.data(), n);
  if (n == 0) return;
  if (only_crlf(raw)) {
    ++stats_.keepalives;  // RFC 5626 §4.4.1 uses STUN on UDP; a bare CRLF is just ignored
    return;
  }
  const Peer from{TransportKind::udp, from_asio(sender), l.local, 0};
  // The one allocation per message: exactly the datagram, handed to the parser.
  deliver(std::string(raw), raw, from, nullptr, &l);
}

TransportLayer::Impl::UdpListener* TransportLayer::Impl::udp_listener_for(const Peer& to) {
  UdpListener* same_family = nullptr;
  for (auto& l : udp_listeners_) {
    if (l->local.address.v6 != to.remote.address.v6) continue;
    if (l->local == to.local) return l.get();
    if (same_family == nullptr) same_family = l.get();
  }
  return same_family;
}

bool TransportLayer::Impl::send_udp(const Peer& to, std::string_view bytes) {
  UdpListener* l = udp_listener_for(to);
  if (l == nullptr) return false;
  error_code ec;
  // Non-blocking: a full socket buffer is a transport error now, never a stalled loop.
  const std::size_t n =
      l->socket.send_to(asio::buffer(bytes.data(), bytes.size()),
                        udp::endpoint(to_asio(to.remote.address), to.remote.port), 0, ec);
  return !ec && n == bytes.size();
}

// ---- TCP ------------------------------------------------------------------------------------

void TransportLayer::Impl::start_accept(TcpListener& l) {
  l.acceptor.async_accept(
      [self = shared_from_this(), &l](const error_code& ec, tcp::socket socket) {
        if (self->closed_ || ec == asio::error::operation_aborted) return;
        if (!ec) {
          if (self->connections_.size() >= self->options_.max_tcp_connections) {
            ++self->stats_.tcp_rejected;
            error_code ignored;
            socket.close(ignored);
          } else {
            error_code rec;
            const tcp::endpoint remote = socket.remote_endpoint(rec);
            if (!rec) {
              ++self->stats_.tcp_accepted;
              auto c = self->add_connection(std::move(socket), from_asio(remote), l.local);
              self->start_read_wait(c);
            }
          }
        } else {
          std::uint64_t suppressed = 0;
          if (self->log_limiter_.allow(suppressed)) {
            log(LogLevel::warn, "sip.transport.accept_failed",
                {{"local", l.local.to_string()}, {"error", ec.message()}});
          }
          // Out of descriptors (EMFILE/ENFILE) fails again at once: do not spin on it.
          l.retry.expires_after(std::chrono::milliseconds(100));
          l.retry.async_wait([self, &l](const error_code& wait_ec) {
            if (self->closed_ || wait_ec) return;
            self->start_accept(l);
          });
          return;
        }
        self->start_accept(l);
      });
}

TransportLayer::Impl::ConnectionPtr TransportLayer::Impl::add_connection(tcp::socket socket,
                                                                         const IpEndpoint& remote,
                                                                         const IpEndpoint& local) {
  auto c = std::make_shared<Connection>(io_, limits_);
  c->socket = std::move(socket);
  c->id = next_connection_id_++;
  c->remote = remote;
  c->local = local;
  c->last_activity = std::chrono::steady_clock::now();
  error_code ignored;
  if (c->socket.is_open()) {
    c->socket.non_blocking(true, ignored);
    c->socket.set_option(tcp::no_delay(true), ignored);
  }
  connections_.emplace(c->id, c);
  by_remote_[remote] = c->id;
  stats_.tcp_connections = connections_.size();
  arm_idle_sweep();
  return c;
}

void TransportLayer::Impl::start_read_wait(const ConnectionPtr& c) {
  c->socket.async_wait(tcp::socket::wait_read,
                       [self = shared_from_this(), c](const error_code& ec) {
                         if (self->closed_ || c->closed) return;
                         if (ec) {
                           self->close_connection(c);
                           return;
                         }
                         self->on_tcp_readable(c);
                       });
}

void TransportLayer::Impl::on_tcp_readable(const ConnectionPtr& c) {
  for (int i = 0; i < kMaxReadsPerWakeup; ++i) {
    error_code ec;
    const std::size_t n = c->socket.read_some(asio::buffer(tcp_buffer_), ec);
    if (is_would_block(ec)) break;
    if (ec) {  // EOF or reset
      close_connection(c);
      return;
    }
    c->last_activity = std::chrono::steady_clock::now();
    c->framer.feed(std::string_view(tcp_buffer_.data(), n));
    const Peer from{TransportKind::tcp, c->remote, c->local, c->id};
    for (;;) {
      Result<std::optional<std::string>> next = c->framer.next();
      // RFC 5626 §3.5.1: answer each CRLFCRLF ping with a CRLF pong.
      for (std::size_t pings = c->framer.take_pings(); pings > 0; --pings) {
        ++stats_.keepalives;
        write(c, "\r\n");
      }
      if (!next) {
        // Framing is lost (no or bad Content-Length, oversized): nothing after this can be
        // trusted on this stream.
        ++stats_.parse_errors;
        std::uint64_t suppressed = 0;
        if (log_limiter_.allow(suppressed)) {
          log(LogLevel::warn, "sip.transport.stream_error",
              {{"peer", c->remote.to_string()},
               {"error", next.error().message},
               {"suppressed", suppressed}});
        }
        close_connection(c);
        return;
      }
      if (!next->has_value()) break;
      std::string bytes = std::move(**next);
      raw_copy_.assign(bytes);  // reused buffer: a memcpy, no allocation once warm
      deliver(std::move(bytes), raw_copy_, from, c, nullptr);
      if (c->closed || closed_) return;
    }
  }
  if (closed_ || c->closed) return;
  rearm_timers();
  start_read_wait(c);
}

bool TransportLayer::Impl::send_tcp(const Peer& to, std::string_view bytes) {
  ConnectionPtr c;
  if (to.connection_id != 0) {
    // §18.2.2: a response goes back over the connection its request came on.
    const auto it = connections_.find(to.connection_id);
    if (it == connections_.end()) return false;
    c = it->second;
  } else if (const auto it = by_remote_.find(to.remote); it != by_remote_.end()) {
    c = connections_.at(it->second);
  } else {
    c = connect_to(to.remote);
    if (!c) return false;
  }
  return write(c, bytes);
}

TransportLayer::Impl::ConnectionPtr TransportLayer::Impl::connect_to(const IpEndpoint& remote) {
  if (connections_.size() >= options_.max_tcp_connections) {
    ++stats_.tcp_rejected;
    return nullptr;
  }
  IpEndpoint local;
  for (const auto& l : tcp_listeners_) {
    if (l->local.address.v6 == remote.address.v6) {
      local = l->local;
      break;
    }
  }
  tcp::socket socket(io_);
  const tcp::endpoint ep(to_asio(remote.address), remote.port);
  error_code ec;
  socket.open(ep.protocol(), ec);
  if (ec) return nullptr;
  auto c = add_connection(std::move(socket), remote, local);
  c->connecting = true;
  c->socket.async_connect(ep, [self = shared_from_this(), c](const error_code& cec) {
    if (self->closed_ || c->closed) return;
    if (cec) {
      ++self->stats_.send_errors;
      std::uint64_t suppressed = 0;
      if (self->log_limiter_.allow(suppressed)) {
        log(LogLevel::warn, "sip.transport.connect_failed",
            {{"peer", c->remote.to_string()}, {"error", cec.message()}});
      }
      self->close_connection(c);
      return;
    }
    ++self->stats_.tcp_connected;
    c->connecting = false;
    if (c->local.port == 0) {
      error_code lec;
      const tcp::endpoint le = c->socket.local_endpoint(lec);
      if (!lec) c->local = from_asio(le);
    }
    error_code ignored;
    c->socket.non_blocking(true, ignored);
    c->socket.set_option(tcp::no_delay(true), ignored);
    self->start_read_wait(c);
    self->flush(c);
  });
  return c;
}

bool TransportLayer::Impl::write(const ConnectionPtr& c, std::string_view bytes) {
  if (c->closed) return false;
  if (c->queue.empty() && !c->connecting) {
    error_code ec;
    const std::size_t n = c->socket.write_some(asio::buffer(bytes.data(), bytes.size()), ec);
    if (ec && !is_would_block(ec)) {
      close_connection(c);
      return false;
    }
    const std::size_t written = ec ? 0 : n;
    if (written == bytes.size()) {
      c->last_activity = std::chrono::steady_clock::now();
      return true;
    }
    bytes.remove_prefix(written);
  }
  if (c->queued_bytes + bytes.size() > options_.max_write_queue_bytes) {
    close_connection(c);  // the peer does not read: it would hold our memory forever
    return false;
  }
  c->queue.emplace_back(bytes);
  c->queued_bytes += bytes.size();
  if (!c->connecting) start_write_wait(c);
  return true;
}

void TransportLayer::Impl::start_write_wait(const ConnectionPtr& c) {
  if (c->write_waiting || c->closed) return;
  c->write_waiting = true;
  c->socket.async_wait(tcp::socket::wait_write,
                       [self = shared_from_this(), c](const error_code& ec) {
                         c->write_waiting = false;
                         if (self->closed_ || c->closed) return;
                         if (ec) {
                           self->close_connection(c);
                           return;
                         }
                         self->flush(c);
                       });
}

void TransportLayer::Impl::flush(const ConnectionPtr& c) {
  while (!c->queue.empty()) {
    const std::string& front = c->queue.front();
    error_code ec;
    const std::size_t n = c->socket.write_some(
        asio::buffer(front.data() + c->front_offset, front.size() - c->front_offset), ec);
    if (is_would_block(ec)) break;
    if (ec) {
      close_connection(c);
      return;
    }
    c->last_activity = std::chrono::steady_clock::now();
    c->front_offset += n;
    if (c->front_offset == front.size()) {
      c->queued_bytes -= front.size();
      c->front_offset = 0;
      c->queue.pop_front();
    }
  }
  if (!c->queue.empty()) start_write_wait(c);
}

void TransportLayer::Impl::close_connection(const ConnectionPtr& c) {
  if (c->closed) return;
  c->closed = true;
  error_code ignored;
  c->socket.close(ignored);  // pending waits complete with operation_aborted
  c->queue.clear();
  c->queued_bytes = 0;
  connections_.erase(c->id);
  if (const auto it = by_remote_.find(c->remote); it != by_remote_.end() && it->second == c->id) {
    by_remote_.erase(it);
  }
  stats_.tcp_connections = connections_.size();
}

void TransportLayer::Impl::arm_idle_sweep() {
  if (idle_armed_ || closed_) return;
  idle_armed_ = true;
  // Sweep a few times per timeout period: a connection lives at most ~1.5 timeouts idle.
  const auto period = std::clamp<std::chrono::steady_clock::duration>(
      options_.tcp_idle_timeout / 2, std::chrono::milliseconds(5), std::chrono::seconds(30));
  idle_timer_.expires_after(period);
  idle_timer_.async_wait([self = shared_from_this()](const error_code& ec) {
    self->idle_armed_ = false;
    if (self->closed_ || ec == asio::error::operation_aborted) return;
    self->sweep_idle();
  });
}

void TransportLayer::Impl::sweep_idle() {
  const auto now = std::chrono::steady_clock::now();
  std::vector<ConnectionPtr> idle;
  for (const auto& [id, c] : connections_) {
    if (now - c->last_activity >= options_.tcp_idle_timeout) idle.push_back(c);
  }
  for (const auto& c : idle) {
    ++stats_.tcp_idle_closed;
    close_connection(c);
  }
  if (!connections_.empty()) arm_idle_sweep();
}

// ---- timers ---------------------------------------------------------------------------------

void TransportLayer::Impl::rearm_timers() {
  if (timers_ == nullptr || closed_) return;
  const SteadyTime now = clock_->now();
  SteadyTime want = now + options_.timer_poll_interval;
  if (const auto next = timers_->next_deadline(); next && *next < want) want = *next;
  if (tick_armed_ && tick_at_ <= want) return;  // already wakes up early enough
  tick_armed_ = true;
  tick_at_ = want;
  tick_timer_.expires_at(want);  // cancels a pending wait (its handler sees operation_aborted)
  tick_timer_.async_wait([self = shared_from_this()](const error_code& ec) {
    if (self->closed_ || ec == asio::error::operation_aborted) return;
    self->tick_armed_ = false;
    self->timers_->run_due(self->clock_->now());
    self->rearm_timers();
  });
}

// ---- sending --------------------------------------------------------------------------------

bool TransportLayer::Impl::send(const Peer& to, std::string_view bytes) {
  if (closed_) return false;
  const bool ok = to.kind == TransportKind::udp ? send_udp(to, bytes) : send_tcp(to, bytes);
  count_send(ok);
  return ok;
}

// ---- public face ----------------------------------------------------------------------------

TransportLayer::TransportLayer(asio::io_context& io, MessageSink& sink, MessageLimits limits,
                               TransportOptions options)
    : impl_(std::make_shared<Impl>(io, sink, limits, options)) {}

TransportLayer::~TransportLayer() {
  impl_->close();
}

void TransportLayer::set_sink(MessageSink& sink) {
  impl_->set_sink(sink);
}

void TransportLayer::set_load_monitor(LoadMonitor* monitor) {
  impl_->set_load_monitor(monitor);
}

Result<IpEndpoint> TransportLayer::listen(TransportKind kind, const IpEndpoint& local) {
  return impl_->listen(kind, local);
}

std::vector<ListeningPoint> TransportLayer::listening_points() const {
  return impl_->listening_points();
}

bool TransportLayer::send(const Peer& to, std::string_view bytes) {
  return impl_->send(to, bytes);
}

void TransportLayer::drive_timers(TimerQueue& timers, const Clock& clock) {
  impl_->drive_timers(timers, clock);
}

void TransportLayer::close() {
  impl_->close();
}

const TransportStats& TransportLayer::stats() const {
  return impl_->stats();
}

}  // namespace dzvin::sip
