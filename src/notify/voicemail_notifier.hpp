#pragma once
// VoicemailNotifier: tells a box's addresses about each new message. Subscribed to the call
// engine's events, it takes voicemail_recorded ones (on the signalling thread: a queue push
// only); its own thread reads the audio, composes the mail (voicemail_email.hpp) with a signed
// link that expires (media_link.hpp) and hands it to the MailOutbox, which delivers it with
// retries. So neither the disk nor the mail server ever holds up a call.
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <string>
#include <thread>

#include "notify/mail_outbox.hpp"
#include "pbx/call_event.hpp"
#include "pbx/voicemail_box.hpp"

namespace dzvin::notify {

struct VoicemailNotifierSettings {
  std::string data_dir;  // voicemail files are relative to it
  std::string base_url;  // of the links: the web URL users open
  std::string secret;    // signs the links (load_or_create_secret)
  std::chrono::hours link_valid{24 * 7};
  std::size_t attach_limit = std::size_t{1} << 20;
  std::string from = "dzvin@localhost";
  std::string time_zone = "UTC";  // for the times in the mail
};

class VoicemailNotifier final : public pbx::CallEventSink {
 public:
  // `boxes` and `outbox` must outlive the notifier; `boxes` does not change while it runs.
  VoicemailNotifier(VoicemailNotifierSettings settings, const pbx::VoicemailBoxes& boxes,
                    MailOutbox& outbox);
  ~VoicemailNotifier() override;
  VoicemailNotifier(const VoicemailNotifier&) = delete;
  VoicemailNotifier& operator=(const VoicemailNotifier&) = delete;

  void on_call_event(const pbx::CallEvent& event) override;
  // Composes and hands over everything queued, then ends the thread.
  void stop();
  std::uint64_t composed() const;  // mails handed to the outbox

 private:
  void run();
  void notify(const pbx::CallEvent& event);

  VoicemailNotifierSettings settings_;
  const pbx::VoicemailBoxes& boxes_;
  MailOutbox& outbox_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<pbx::CallEvent> queue_;
  bool stopping_ = false;
  std::uint64_t composed_ = 0;
  std::thread thread_;
};

}  // namespace dzvin::notify
