#pragma once
// A scripted SMTP server (RFC 5321) on 127.0.0.1 and a port the kernel picks, serving one
// connection at a time on its own thread. It records what each client said; everything is
// stored before the reply that lets the client go on, so a test may read it as soon as the
// client's call returns.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace dzvin::notify::testing {

struct FakeSmtpScript {
  bool advertise_auth = false;  // "250-AUTH PLAIN" in the EHLO reply
  bool accept_auth = true;
  std::string rcpt_reply = "250 2.1.5 OK";
  std::string data_reply = "250 2.0.0 queued";
};

struct FakeSmtpSession {
  std::string mail_from;
  std::vector<std::string> rcpt_to;
  std::string auth;  // what the client sent for AUTH (base64 credentials)
  std::string data;  // the message, dot-unstuffed, with its CRLFs
  bool delivered = false;
};

class FakeSmtpServer {
 public:
  explicit FakeSmtpServer(FakeSmtpScript script = {}) : script_(std::move(script)) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    socklen_t len = sizeof addr;
    if (listen_fd_ < 0 || ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
        ::listen(listen_fd_, 8) != 0 ||
        ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      std::abort();
    }
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~FakeSmtpServer() {
    stop_ = true;
    thread_.join();
    ::close(listen_fd_);
  }
  FakeSmtpServer(const FakeSmtpServer&) = delete;
  FakeSmtpServer& operator=(const FakeSmtpServer&) = delete;

  std::string url() const { return "smtp://127.0.0.1:" + std::to_string(port_); }
  std::vector<FakeSmtpSession> sessions() const {
    std::lock_guard lock(mutex_);
    return sessions_;
  }

 private:
  void serve() {
    while (!stop_) {
      pollfd p{listen_fd_, POLLIN, 0};
      if (::poll(&p, 1, 20) <= 0) continue;
      const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) continue;
      timeval tv{10, 0};  // a confused client must not hang the test
      ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
      session(fd);
      ::close(fd);
    }
  }

  bool read_line(int fd, std::string& buffer, std::string& line) {
    for (;;) {
      if (const auto eol = buffer.find("\r\n"); eol != std::string::npos) {
        line = buffer.substr(0, eol);
        buffer.erase(0, eol + 2);
        return true;
      }
      char chunk[4096];
      const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
      if (n <= 0) return false;
      buffer.append(chunk, static_cast<std::size_t>(n));
    }
  }

  static void reply(int fd, const std::string& text) {
    const std::string line = text + "\r\n";
    (void)!::send(fd, line.data(), line.size(), MSG_NOSIGNAL);
  }

  template <class Fn>
  void update(Fn fn) {
    std::lock_guard lock(mutex_);
    fn(sessions_.back());
  }

  void session(int fd) {
    {
      std::lock_guard lock(mutex_);
      sessions_.emplace_back();
    }
    std::string buffer;
    std::string line;
    reply(fd, "220 fake.test ESMTP");
    while (read_line(fd, buffer, line)) {
      const std::string verb = line.substr(0, line.find(' '));
      if (verb == "EHLO") {
        reply(fd, "250-fake.test");
        if (script_.advertise_auth) reply(fd, "250-AUTH PLAIN");
        reply(fd, "250 SIZE 20000000");
      } else if (verb == "HELO") {
        reply(fd, "250 fake.test");
      } else if (verb == "AUTH") {
        std::string credentials = line.size() > 11 ? line.substr(11) : std::string();
        if (credentials.empty()) {
          reply(fd, "334 ");
          if (!read_line(fd, buffer, credentials)) return;
        }
        update([&](FakeSmtpSession& s) { s.auth = credentials; });
        reply(fd, script_.accept_auth ? "235 2.7.0 accepted" : "535 5.7.8 authentication failed");
      } else if (verb == "MAIL") {
        update([&](FakeSmtpSession& s) { s.mail_from = line.substr(10); });
        reply(fd, "250 2.1.0 OK");
      } else if (verb == "RCPT") {
        update([&](FakeSmtpSession& s) { s.rcpt_to.push_back(line.substr(8)); });
        reply(fd, script_.rcpt_reply);
      } else if (verb == "DATA") {
        reply(fd, "354 go ahead");
        std::string data;
        while (read_line(fd, buffer, line) && line != ".") {
          if (line.starts_with(".")) line.erase(0, 1);  // RFC 5321 §4.5.2
          data += line + "\r\n";
        }
        update([&](FakeSmtpSession& s) {
          s.data = data;
          s.delivered = script_.data_reply.starts_with("250");
        });
        reply(fd, script_.data_reply);
      } else if (verb == "QUIT") {
        reply(fd, "221 bye");
        return;
      } else if (verb == "RSET" || verb == "NOOP") {
        reply(fd, "250 OK");
      } else {
        reply(fd, "502 5.5.2 not implemented");
      }
    }
  }

  FakeSmtpScript script_;
  int listen_fd_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  mutable std::mutex mutex_;
  std::vector<FakeSmtpSession> sessions_;
  std::thread thread_;
};

}  // namespace dzvin::notify::testing
