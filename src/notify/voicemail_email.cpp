#include "notify/voicemail_email.hpp"

#include "notify/zoned_time_text.hpp"

#include <date/tz.h>

#include <cstdio>
#include <exception>
#include <string_view>

namespace dzvin::notify {

namespace {

constexpr std::size_t kMaxFieldBytes = 128;

struct Phrases {
  std::string_view subject_from;     // followed by the caller
  std::string_view subject_unknown;  // the whole "from an unknown caller"
  std::string_view intro_box;        // followed by the box
  std::string_view unknown_caller;
  std::string_view label_from;
  std::string_view label_to;
  std::string_view label_time;
  std::string_view label_duration;
  std::string_view listen;
  std::string_view link_valid_until;  // followed by the expiry and "."
  std::string_view attached;
  std::string_view too_large;  // followed by the size in parentheses
  std::string_view too_large_rest;
  std::string_view use_link;
  std::string_view megabytes;
  char decimal_point;
  std::string_view date_format;
};

// Labels are padded so that the values line up in a monospace mail view.
constexpr Phrases kEnglish{
    "Voicemail from ",
    "Voicemail from an unknown caller",
    "New voicemail in box ",
    "unknown",
    "From:     ",
    "To:       ",
    "Time:     ",
    "Duration: ",
    "Listen: ",
    "The link is valid until ",
    "The recording is attached.",
    "The recording (",
    ") is too large to attach.",
    " Listen to it with the link above.",
    "MB",
    '.',
    "%Y-%m-%d %H:%M:%S %Z",
};
constexpr Phrases kUkrainian{
    "Голосове повідомлення від ",
    "Голосове повідомлення від невідомого абонента",
    "Нове голосове повідомлення в скриньці ",
    "невідомий",
    "Від:        ",
    "Кому:       ",
    "Час:        ",
    "Тривалість: ",
    "Прослухати: ",
    "Посилання дійсне до ",
    "Запис додано до листа.",
    "Запис (",
    ") завеликий для вкладення.",
    " Прослухайте його за посиланням вище.",
    "МБ",
    ',',
    "%d.%m.%Y %H:%M:%S %Z",
};
constexpr Phrases kRussian{
    "Голосовое сообщение от ",
    "Голосовое сообщение от неизвестного абонента",
    "Новое голосовое сообщение в ящике ",
    "неизвестен",
    "От:           ",
    "Кому:         ",
    "Время:        ",
    "Длительность: ",
    "Прослушать: ",
    "Ссылка действительна до ",
    "Запись приложена к письму.",
    "Запись (",
    ") слишком большая для вложения.",
    " Прослушайте её по ссылке выше.",
    "МБ",
    ',',
    "%d.%m.%Y %H:%M:%S %Z",
};

const Phrases& phrases_for(std::string_view language) {
  if (language == "uk") return kUkrainian;
  if (language == "ru") return kRussian;
  return kEnglish;
}

// Text from a SIP message or a setting, made safe for a header and a line of the body:
// control characters become spaces, and the length is bounded (cut between UTF-8 sequences).
std::string printable(std::string_view text) {
  if (text.size() > kMaxFieldBytes) {
    std::size_t cut = kMaxFieldBytes;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xc0) == 0x80)
      --cut;
    text = text.substr(0, cut);
  }
  std::string out(text);
  for (char& c : out) {
    const auto b = static_cast<unsigned char>(c);
    if (b < 0x20 || b == 0x7f) c = ' ';
  }
  return out;
}

std::string file_stamp(WallTime t, const std::string& zone) {
  return zoned_time_text(t, zone, "%Y%m%d-%H%M%S");
}

std::string megabytes(std::size_t bytes, const Phrases& p) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", static_cast<double>(bytes) / (1024.0 * 1024.0));
  std::string out = buf;
  for (char& c : out) {
    if (c == '.') c = p.decimal_point;
  }
  return out + " " + std::string(p.megabytes);
}

std::string filename_part(std::string_view box) {
  std::string out;
  for (char c : box) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_' || c == '+';
    out += ok ? c : '_';
  }
  return out.empty() ? std::string("box") : out;
}

}  // namespace

std::string format_voicemail_duration(std::chrono::milliseconds duration) {
  const long long total = duration.count() <= 0 ? 0 : (duration.count() + 500) / 1000;
  char buf[32];
  if (total >= 3600) {
    std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", total / 3600, total / 60 % 60, total % 60);
  } else {
    std::snprintf(buf, sizeof buf, "%lld:%02lld", total / 60, total % 60);
  }
  return buf;
}

EmailMessage compose_voicemail_email(VoicemailNotice notice) {
  const Phrases& p = phrases_for(notice.language);
  const std::string& zone = notice.time_zone;
  const std::string caller = printable(notice.caller);
  const std::string called = printable(notice.called);
  const std::string box = printable(notice.box);
  const std::string box_name = printable(notice.box_display_name);
  const std::string duration = format_voicemail_duration(notice.duration);

  EmailMessage m;
  m.from = std::move(notice.from);
  m.from_name = printable(notice.from_name);
  m.to = std::move(notice.to);
  m.message_id_domain = std::move(notice.message_id_domain);
  m.date = notice.recorded_at + std::chrono::duration_cast<WallTime::duration>(notice.duration);
  m.subject =
      (caller.empty() ? std::string(p.subject_unknown) : std::string(p.subject_from) + caller) +
      " (" + duration + ")";

  std::string& t = m.text;
  t += std::string(p.intro_box) + box;
  if (!box_name.empty()) t += " (" + box_name + ")";
  t += ".\n\n";
  t += std::string(p.label_from) + (caller.empty() ? std::string(p.unknown_caller) : caller) + "\n";
  t += std::string(p.label_to) + called + "\n";
  t += std::string(p.label_time) + zoned_time_text(notice.recorded_at, zone, p.date_format) + "\n";
  t += std::string(p.label_duration) + duration + "\n";
  const bool has_link = !notice.link_url.empty();
  if (has_link) {
    t += "\n" + std::string(p.listen) + notice.link_url + "\n";
    t += std::string(p.link_valid_until) +
         zoned_time_text(notice.link_expires, zone, p.date_format) + ".\n";
  }
  if (notice.audio) {
    const std::size_t size = notice.audio->size();
    t += "\n";
    if (size <= notice.attach_limit) {
      t += std::string(p.attached) + "\n";
      m.attachment = EmailAttachment{"voicemail-" + filename_part(notice.box) + "-" +
                                         file_stamp(notice.recorded_at, zone) + ".wav",
                                     "audio/wav", std::move(*notice.audio)};
    } else {
      t += std::string(p.too_large) + megabytes(size, p) + std::string(p.too_large_rest);
      if (has_link) t += p.use_link;
      t += "\n";
    }
  }
  return m;
}

}  // namespace dzvin::notify
