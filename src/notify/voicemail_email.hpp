#pragma once
// The e-mail that tells a mailbox owner about a new voicemail: who called, which number, when
// (in the owner's time zone), how long, a signed link to listen, and the recording itself when
// it is small enough to attach. In Ukrainian, Russian or English.
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.hpp"
#include "notify/email_message.hpp"

namespace dzvin::notify {

struct VoicemailNotice {
  // Addressing (from the tenant's and the box's settings).
  std::string from;
  std::string from_name = "Dzvin";
  std::vector<std::string> to;
  std::string message_id_domain;  // empty: the domain of `from`

  // The message. caller, called, box and box_display_name come from the call: control
  // characters in them become spaces, so that they can never break the headers.
  std::string box;
  std::string box_display_name;
  std::string caller;  // empty: an anonymous caller
  std::string called;
  WallTime recorded_at;
  std::chrono::milliseconds duration{0};
  std::string link_url;  // media_link_url; empty: no link in the mail
  WallTime link_expires;
  std::optional<std::vector<std::byte>> audio;      // the WAV file
  std::size_t attach_limit = std::size_t{1} << 20;  // larger audio is not attached
  std::string language = "en";                      // "uk", "ru" or "en"; anything else: English
  std::string time_zone = "UTC";                    // IANA name for the times shown; unknown: UTC
};

// "0:42", "12:05", "1:02:03": rounded to the nearest second.
std::string format_voicemail_duration(std::chrono::milliseconds duration);

// The notification, ready for format_email. Its Date is the end of the recording, so that the
// mail sorts with the call however long delivery takes.
EmailMessage compose_voicemail_email(VoicemailNotice notice);

}  // namespace dzvin::notify
