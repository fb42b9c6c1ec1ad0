#include "notify/voicemail_email.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "mime_reader.hpp"
#include "notify/base64.hpp"
#include "notify/email_message.hpp"

namespace dzvin::notify {
namespace {

using namespace std::chrono_literals;

const WallTime kWinter{std::chrono::seconds{1'800'000'000}};  // 2027-01-15 08:00:00 UTC
const WallTime kSummer{std::chrono::seconds{1'784'000'000}};  // 2026-07-14 03:33:20 UTC
constexpr const char* kLink =
    "https://pbx.acme.test/media/voicemail/17.wav?expires=1800604800&sig=abc";

VoicemailNotice notice(std::string language) {
  VoicemailNotice n;
  n.from = "pbx@acme.test";
  n.to = {"anna@acme.test"};
  n.box = "1001";
  n.box_display_name = "Reception";
  n.caller = "+380501234567";
  n.called = "+380441234567";
  n.recorded_at = kWinter;
  n.duration = 42'300ms;
  n.link_url = kLink;
  n.link_expires = kWinter + std::chrono::hours{24 * 7};
  n.audio = std::vector<std::byte>(1000, std::byte{0x55});
  n.language = std::move(language);
  n.time_zone = "Europe/Kyiv";
  return n;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(VoicemailEmail, Durations) {
  EXPECT_EQ(format_voicemail_duration(0ms), "0:00");
  EXPECT_EQ(format_voicemail_duration(-5ms), "0:00");
  EXPECT_EQ(format_voicemail_duration(42'499ms), "0:42");
  EXPECT_EQ(format_voicemail_duration(42'500ms), "0:43");
  EXPECT_EQ(format_voicemail_duration(725s), "12:05");
  EXPECT_EQ(format_voicemail_duration(3723s), "1:02:03");
}

TEST(VoicemailEmail, Ukrainian) {
  const EmailMessage m = compose_voicemail_email(notice("uk"));
  EXPECT_EQ(m.subject, "Голосове повідомлення від +380501234567 (0:42)");
  EXPECT_TRUE(contains(m.text, "Нове голосове повідомлення в скриньці 1001 (Reception)."))
      << m.text;
  EXPECT_TRUE(contains(m.text, "Від:        +380501234567\n")) << m.text;
  EXPECT_TRUE(contains(m.text, "Кому:       +380441234567\n")) << m.text;
  EXPECT_TRUE(contains(m.text, "Час:        15.01.2027 10:00:00 EET\n")) << m.text;
  EXPECT_TRUE(contains(m.text, "Тривалість: 0:42\n")) << m.text;
  EXPECT_TRUE(contains(m.text, std::string("Прослухати: ") + kLink + "\n")) << m.text;
  EXPECT_TRUE(contains(m.text, "Посилання дійсне до 22.01.2027 10:00:00 EET.")) << m.text;
  EXPECT_TRUE(contains(m.text, "Запис додано до листа.")) << m.text;
}

TEST(VoicemailEmail, Russian) {
  const EmailMessage m = compose_voicemail_email(notice("ru"));
  EXPECT_EQ(m.subject, "Голосовое сообщение от +380501234567 (0:42)");
  EXPECT_TRUE(contains(m.text, "Новое голосовое сообщение в ящике 1001")) << m.text;
  EXPECT_TRUE(contains(m.text, "Длительность: 0:42\n")) << m.text;
  EXPECT_TRUE(contains(m.text, std::string("Прослушать: ") + kLink)) << m.text;
  EXPECT_TRUE(contains(m.text, "Запись приложена к письму.")) << m.text;
}

TEST(VoicemailEmail, English) {
  const EmailMessage m = compose_voicemail_email(notice("en"));
  EXPECT_EQ(m.subject, "Voicemail from +380501234567 (0:42)");
  EXPECT_TRUE(contains(m.text, "From:     +380501234567\n")) << m.text;
  EXPECT_TRUE(contains(m.text, "To:       +380441234567\n")) << m.text;
  EXPECT_TRUE(contains(m.text, "Time:     2027-01-15 10:00:00 EET\n")) << m.text;
  EXPECT_TRUE(contains(m.text, "Duration: 0:42\n")) << m.text;
  EXPECT_TRUE(contains(m.text, std::string("Listen: ") + kLink + "\n")) << m.text;
  EXPECT_TRUE(contains(m.text, "The link is valid until 2027-01-22 10:00:00 EET.")) << m.text;
  EXPECT_TRUE(contains(m.text, "The recording is attached.")) << m.text;
}

TEST(VoicemailEmail, UnknownLanguageIsEnglishAndUnknownZoneIsUtc) {
  VoicemailNotice n = notice("de");
  n.time_zone = "Mars/Olympus_Mons";
  const EmailMessage m = compose_voicemail_email(n);
  EXPECT_EQ(m.subject, "Voicemail from +380501234567 (0:42)");
  EXPECT_TRUE(contains(m.text, "Time:     2027-01-15 08:00:00 UTC\n")) << m.text;
}

TEST(VoicemailEmail, SummerTimeIsShownInTheZone) {
  VoicemailNotice n = notice("uk");
  n.recorded_at = kSummer;
  const EmailMessage m = compose_voicemail_email(n);
  EXPECT_TRUE(contains(m.text, "Час:        14.07.2026 06:33:20 EEST\n")) << m.text;
}

TEST(VoicemailEmail, AudioUpToTheLimitIsAttached) {
  VoicemailNotice n = notice("en");
  n.attach_limit = 1000;
  const EmailMessage m = compose_voicemail_email(n);
  ASSERT_TRUE(m.attachment);
  EXPECT_EQ(m.attachment->bytes.size(), 1000u);
  EXPECT_EQ(m.attachment->content_type, "audio/wav");
  EXPECT_EQ(m.attachment->filename, "voicemail-1001-20270115-100000.wav");
}

TEST(VoicemailEmail, LargerAudioIsNotAttachedAndTheMailSaysSo) {
  VoicemailNotice n = notice("en");
  n.audio = std::vector<std::byte>((std::size_t{1} << 20) + 1, std::byte{0});
  EmailMessage m = compose_voicemail_email(n);
  EXPECT_FALSE(m.attachment);
  EXPECT_TRUE(contains(m.text,
                       "The recording (1.0 MB) is too large to attach. Listen to it "
                       "with the link above."))
      << m.text;
  EXPECT_FALSE(contains(m.text, "attached."));

  n.language = "uk";
  n.audio = std::vector<std::byte>(std::size_t{2'500'000}, std::byte{0});
  m = compose_voicemail_email(n);
  EXPECT_FALSE(m.attachment);
  EXPECT_TRUE(contains(m.text, "Запис (2,4 МБ) завеликий для вкладення.")) << m.text;
}

TEST(VoicemailEmail, WithoutAudioOrLinkNeitherIsMentioned) {
  VoicemailNotice n = notice("en");
  n.audio.reset();
  n.link_url.clear();
  const EmailMessage m = compose_voicemail_email(n);
  EXPECT_FALSE(m.attachment);
  EXPECT_FALSE(contains(m.text, "Listen"));
  EXPECT_FALSE(contains(m.text, "recording"));
}

TEST(VoicemailEmail, AnonymousCaller) {
  VoicemailNotice n = notice("uk");
  n.caller.clear();
  EXPECT_EQ(compose_voicemail_email(n).subject,
            "Голосове повідомлення від невідомого абонента (0:42)");
  n.language = "en";
  const EmailMessage m = compose_voicemail_email(n);
  EXPECT_EQ(m.subject, "Voicemail from an unknown caller (0:42)");
  EXPECT_TRUE(contains(m.text, "From:     unknown\n"));
}

TEST(VoicemailEmail, CallerTextCannotBreakTheHeaders) {
  VoicemailNotice n = notice("en");
  n.caller = "1002\r\nBcc: victim@evil.test";
  n.box_display_name = "Sales\n";
  const EmailMessage m = compose_voicemail_email(n);
  EXPECT_EQ(m.subject, "Voicemail from 1002  Bcc: victim@evil.test (0:42)");
  auto text = format_email(m);
  ASSERT_TRUE(text) << text.error().message;
  EXPECT_EQ(testing::parse_part(*text).count("Bcc"), 0);
}

TEST(VoicemailEmail, FormatsIntoAMessageWithTheRecording) {
  const EmailMessage m = compose_voicemail_email(notice("uk"));
  EXPECT_EQ(m.date, kWinter + 42'300ms);
  auto text = format_email(m);
  ASSERT_TRUE(text) << text.error().message;
  const auto top = testing::parse_part(*text);
  const auto words = testing::decode_words(top.header("Subject").value_or(""));
  ASSERT_TRUE(words);
  std::string subject;
  for (const auto& w : *words)
    subject += w;
  EXPECT_EQ(subject, m.subject);
  EXPECT_EQ(top.header("From"), "\"Dzvin\" <pbx@acme.test>");
  const auto boundary = testing::parameter(top.header("Content-Type").value_or(""), "boundary");
  ASSERT_TRUE(boundary);
  const auto parts = testing::split_multipart(top.body, *boundary);
  ASSERT_EQ(parts.size(), 2u);
  const auto body = base64_decode(parts[0].body);
  ASSERT_TRUE(body);
  EXPECT_TRUE(contains(*body, std::string("Прослухати: ") + kLink + "\r\n"));
  EXPECT_EQ(base64_decode(parts[1].body)->size(), 1000u);
}

}  // namespace
}  // namespace dzvin::notify
