#include "notify/smtp_mailer.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cstring>
#include <mutex>

#include "notify/email_message.hpp"
#include "notify/notify_error.hpp"

namespace dzvin::notify {

namespace {

struct EasyDeleter {
  void operator()(CURL* h) const { curl_easy_cleanup(h); }
};
struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};
struct UrlDeleter {
  void operator()(CURLU* u) const { curl_url_cleanup(u); }
};
using Easy = std::unique_ptr<CURL, EasyDeleter>;
using Slist = std::unique_ptr<curl_slist, SlistDeleter>;
using Url = std::unique_ptr<CURLU, UrlDeleter>;

// curl_global_init is not thread-safe and must run before the first handle.
void init_curl_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

Error settings_error(std::string what) {
  return make_error(code(NotifyErrc::bad_settings), "smtp: " + std::move(what));
}

// The part of `url` named by `part`, or empty when absent.
std::string url_part(CURLU* url, CURLUPart part) {
  char* value = nullptr;
  if (curl_url_get(url, part, &value, 0) != CURLUE_OK || value == nullptr) return {};
  std::string out(value);
  curl_free(value);
  return out;
}

struct Upload {
  std::string_view rest;
};

std::size_t read_message(char* buffer, std::size_t size, std::size_t count, void* user) {
  auto* upload = static_cast<Upload*>(user);
  const std::size_t n = std::min(size * count, upload->rest.size());
  std::memcpy(buffer, upload->rest.data(), n);
  upload->rest.remove_prefix(n);
  return n;
}

// A server or library message could echo what it was given; the password never leaves.
std::string redact(std::string text, std::string_view secret) {
  if (secret.empty()) return text;
  for (std::size_t at = text.find(secret); at != std::string::npos;
       at = text.find(secret, at + 3)) {
    text.replace(at, secret.size(), "***");
  }
  return text;
}

}  // namespace

Result<std::unique_ptr<SmtpMailer>> SmtpMailer::create(SmtpSettings settings) {
  init_curl_once();
  Url url(curl_url());
  if (!url) return settings_error("out of memory");
  if (curl_url_set(url.get(), CURLUPART_URL, settings.url.c_str(), 0) != CURLUE_OK) {
    // Not echoed: a malformed URL may still hold a password.
    return settings_error("url is not a URL (expected smtp://host:587 or smtps://host:465)");
  }
  const std::string scheme = url_part(url.get(), CURLUPART_SCHEME);
  if (scheme != "smtp" && scheme != "smtps") {
    return settings_error("url must start with smtp:// or smtps://");
  }
  if (url_part(url.get(), CURLUPART_HOST).empty()) return settings_error("url has no host");
  if (!url_part(url.get(), CURLUPART_USER).empty() ||
      !url_part(url.get(), CURLUPART_PASSWORD).empty()) {
    // Kept out of the URL so that the URL can appear in error messages.
    return settings_error("url must not hold credentials; set username and password instead");
  }
  if (auto r = check_address(settings.from); !r)
    return settings_error("from: " + r.error().message);
  if (settings.timeout <= std::chrono::seconds{0})
    return settings_error("timeout must be positive");
  if (settings.password.empty() != settings.username.empty()) {
    return settings_error("username and password go together");
  }
  return std::unique_ptr<SmtpMailer>(new SmtpMailer(std::move(settings)));
}

Result<void> SmtpMailer::send(const std::vector<std::string>& recipients,
                              std::string_view message) {
  auto fail = [&](std::string what) {
    return make_error(
        code(NotifyErrc::smtp_failed),
        redact("SMTP via " + settings_.url + ": " + std::move(what), settings_.password));
  };
  if (recipients.empty()) return fail("no recipient");
  Slist rcpt;
  for (const std::string& r : recipients) {
    // Also keeps CR/LF out of the RCPT TO command.
    if (auto ok = check_address(r); !ok) return fail(ok.error().message);
    curl_slist* grown = curl_slist_append(rcpt.get(), ("<" + r + ">").c_str());
    if (grown == nullptr) return fail("out of memory");
    (void)rcpt.release();
    rcpt.reset(grown);
  }
  Easy easy(curl_easy_init());
  if (!easy) return fail("curl_easy_init failed");
  CURL* h = easy.get();
  char error_buffer[CURL_ERROR_SIZE] = {};
  Upload upload{message};
  const std::string mail_from = "<" + settings_.from + ">";
  const long timeout = static_cast<long>(settings_.timeout.count());

  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(h, CURLOPT_URL, settings_.url.c_str());
  // Only mail: a URL from configuration must not turn into file:// or http:// access.
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  curl_easy_setopt(h, CURLOPT_MAIL_FROM, mail_from.c_str());
  curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpt.get());
  curl_easy_setopt(h, CURLOPT_READFUNCTION, read_message);
  curl_easy_setopt(h, CURLOPT_READDATA, &upload);
  curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
  // Signals would hit the whole process (and its timers); the resolver times out without them.
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, timeout);
  curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, timeout);
  curl_easy_setopt(h, CURLOPT_TIMEOUT, timeout * 10);
  if (!settings_.username.empty()) {
    curl_easy_setopt(h, CURLOPT_USERNAME, settings_.username.c_str());
    curl_easy_setopt(h, CURLOPT_PASSWORD, settings_.password.c_str());
  }
  if (settings_.require_tls) {
    curl_easy_setopt(h, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
  } else if (!settings_.username.empty()) {
    curl_easy_setopt(h, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_TRY));
  }

  const CURLcode rc = curl_easy_perform(h);
  if (rc == CURLE_OK) return {};
  long reply = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &reply);
  std::string what = curl_easy_strerror(rc);
  if (error_buffer[0] != '\0') what += std::string(": ") + error_buffer;
  if (reply != 0) what += " (server reply " + std::to_string(reply) + ")";
  return fail(std::move(what));
}

}  // namespace dzvin::notify
