#include "notify/voicemail_notifier.hpp"

#include <fstream>
#include <iterator>
#include <utility>

#include "base/log.hpp"
#include "notify/media_link.hpp"
#include "notify/voicemail_email.hpp"

namespace dzvin::notify {

namespace {

// A queue this long means the thread is stuck: drop (and log) rather than grow without end.
constexpr std::size_t kMaxQueued = 10'000;

std::optional<std::vector<std::byte>> read_small_file(const std::string& path, std::size_t limit) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) return std::nullopt;
  const auto size = static_cast<std::size_t>(in.tellg());
  if (size > limit) return std::nullopt;
  std::vector<std::byte> bytes(size);
  in.seekg(0);
  in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(size));
  if (!in) return std::nullopt;
  return bytes;
}

}  // namespace

VoicemailNotifier::VoicemailNotifier(VoicemailNotifierSettings settings,
                                     const pbx::VoicemailBoxes& boxes, MailOutbox& outbox)
    : settings_(std::move(settings)), boxes_(boxes), outbox_(outbox) {
  thread_ = std::thread([this] { run(); });
}

VoicemailNotifier::~VoicemailNotifier() {
  stop();
}

void VoicemailNotifier::on_call_event(const pbx::CallEvent& event) {
  if (event.kind != pbx::CallEventKind::voicemail_recorded) return;
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    if (queue_.size() >= kMaxQueued) {
      log(LogLevel::error, "voicemail.notify_dropped", {{"call", event.call_uid}});
      return;
    }
    queue_.push_back(event);
  }
  wake_.notify_one();
}

void VoicemailNotifier::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

std::uint64_t VoicemailNotifier::composed() const {
  std::lock_guard lock(mutex_);
  return composed_;
}

void VoicemailNotifier::run() {
  for (;;) {
    pbx::CallEvent event;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and everything queued was handed over
      event = std::move(queue_.front());
      queue_.pop_front();
    }
    notify(event);
  }
}

void VoicemailNotifier::notify(const pbx::CallEvent& event) {
  const pbx::VoicemailBox box = boxes_.find(event.target);
  if (box.emails.empty()) return;  // a box nobody is told about: the message is only kept
  VoicemailNotice notice;
  notice.from = settings_.from;
  notice.to = box.emails;
  notice.box = box.name;
  notice.caller = event.caller;
  notice.called = event.called;
  notice.duration = std::chrono::milliseconds(event.duration_ms);
  notice.recorded_at = event.at - notice.duration;
  const auto expires = event.at + settings_.link_valid;
  const std::int64_t expires_unix =
      std::chrono::duration_cast<std::chrono::seconds>(expires.time_since_epoch()).count();
  notice.link_url = media_link_url(settings_.base_url, "voicemail", event.media_id, expires_unix,
                                   settings_.secret);
  notice.link_expires = expires;
  notice.attach_limit = settings_.attach_limit;
  notice.audio = read_small_file(settings_.data_dir + "/" + event.file, settings_.attach_limit);
  notice.language = box.language;
  notice.time_zone = settings_.time_zone;
  auto text = format_email(compose_voicemail_email(std::move(notice)));
  if (!text) {
    log(LogLevel::error, "voicemail.notify_failed",
        {{"call", event.call_uid}, {"box", box.name}, {"error", text.error().message}});
    return;
  }
  OutgoingEmail mail;
  mail.tenant_id = event.tenant_id;
  mail.kind = "voicemail";
  mail.subject_id = event.media_id;
  mail.recipients = box.emails;
  mail.message = std::move(*text);
  if (!outbox_.enqueue(std::move(mail))) {
    log(LogLevel::error, "voicemail.notify_dropped", {{"call", event.call_uid}, {"box", box.name}});
    return;
  }
  log(LogLevel::info, "voicemail.notified",
      {{"call", event.call_uid}, {"box", box.name}, {"recipients", box.emails.size()}});
  std::lock_guard lock(mutex_);
  ++composed_;
}

}  // namespace dzvin::notify
