#pragma once
// SmtpMailer: the Mailer that talks SMTP (RFC 5321) through libcurl's easy interface, one
// connection per message: notifications are rare, and a fresh connection never fails on a
// connection the server has silently dropped. curl's header stays in smtp_mailer.cpp.
#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "notify/mailer.hpp"

namespace dzvin::notify {

struct SmtpSettings {
  // "smtp://host:587" (STARTTLS per require_tls) or "smtps://host:465" (TLS from the start).
  // No user:password@ part: credentials go in username and password, which are kept out of
  // every message.
  std::string url;
  std::string from;  // envelope sender (MAIL FROM)
  std::string username;
  std::string password;
  // true: STARTTLS is required (CURLUSESSL_ALL); the message is not sent without it. false:
  // STARTTLS is tried when a username is set (CURLUSESSL_TRY), so a server without it gets the
  // credentials in clear; set require_tls for any server reached over a network you do not
  // control.
  bool require_tls = false;
  // For connecting, and for any stall of the transfer; the whole send is cut at 10 times this.
  std::chrono::seconds timeout{30};
};

class SmtpMailer final : public Mailer {
 public:
  // Refuses (NotifyErrc::bad_settings) a URL that is not smtp:// or smtps:// with a host, a URL
  // with credentials in it, an invalid sender, a non-positive timeout.
  static Result<std::unique_ptr<SmtpMailer>> create(SmtpSettings settings);

  // Thread-safe: each call has its own curl handle.
  Result<void> send(const std::vector<std::string>& recipients, std::string_view message) override;

 private:
  explicit SmtpMailer(SmtpSettings settings) : settings_(std::move(settings)) {}
  SmtpSettings settings_;
};

}  // namespace dzvin::notify
