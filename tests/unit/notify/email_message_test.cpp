#include "notify/email_message.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "mime_reader.hpp"
#include "notify/base64.hpp"
#include "notify/notify_error.hpp"

namespace dzvin::notify {
namespace {

using testing::decode_words;
using testing::is_valid_utf8;
using testing::lines_ok;
using testing::parameter;
using testing::parse_part;
using testing::split_multipart;

EmailMessage sample() {
  EmailMessage m;
  m.from = "pbx@acme.test";
  m.to = {"anna@acme.test"};
  m.subject = "Voicemail from 1002 (0:42)";
  m.text = "Line one\nLine two\n";
  m.date = WallTime{std::chrono::seconds{1'800'000'000}};
  return m;
}

std::string formatted(const EmailMessage& m) {
  auto r = format_email(m);
  EXPECT_TRUE(r) << (r ? "" : r.error().message);
  return r ? *r : std::string();
}

// The subject as the reader sees it: the words decoded and joined (RFC 2047 §6.2 drops the
// white space between adjacent encoded words).
std::string decoded_subject(const testing::MimePart& part) {
  const std::string value = part.header("Subject").value_or("");
  auto words = decode_words(value);
  if (!words) return value;
  std::string out;
  for (const std::string& w : *words)
    out += w;
  return out;
}

TEST(EmailMessage, PlainMessageHasTheHeadersAndABase64TextBody) {
  const std::string text = formatted(sample());
  const auto part = parse_part(text);
  EXPECT_EQ(part.header("From"), "pbx@acme.test");
  EXPECT_EQ(part.header("To"), "anna@acme.test");
  EXPECT_EQ(part.header("Subject"), "Voicemail from 1002 (0:42)");
  EXPECT_EQ(part.header("Date"), "Fri, 15 Jan 2027 08:00:00 +0000");
  EXPECT_EQ(part.header("MIME-Version"), "1.0");
  EXPECT_EQ(part.header("Auto-Submitted"), "auto-generated");
  EXPECT_EQ(part.header("Content-Type"), "text/plain; charset=UTF-8");
  EXPECT_EQ(part.header("Content-Transfer-Encoding"), "base64");
  for (const char* name : {"From", "To", "Subject", "Date", "Message-ID", "MIME-Version"}) {
    EXPECT_EQ(part.count(name), 1) << name;
  }
  // RFC 2046 §4.1.1: CRLF line ends inside the text too.
  EXPECT_EQ(base64_decode(part.body), "Line one\r\nLine two\r\n");
  std::string why;
  EXPECT_TRUE(lines_ok(text, 78, &why)) << why;
}

TEST(EmailMessage, MessageIdIsRandomAtTheGivenDomain) {
  EmailMessage m = sample();
  const auto first = parse_part(formatted(m)).header("Message-ID").value_or("");
  const auto second = parse_part(formatted(m)).header("Message-ID").value_or("");
  EXPECT_NE(first, second);
  EXPECT_TRUE(first.starts_with("<") && first.ends_with("@acme.test>")) << first;
  m.message_id_domain = "pbx.example.net";
  EXPECT_TRUE(
      parse_part(formatted(m)).header("Message-ID").value_or("").ends_with("@pbx.example.net>"));
  m.message_id_domain = "bad domain";
  EXPECT_FALSE(format_email(m));
}

TEST(EmailMessage, Rfc5322Dates) {
  using std::chrono::seconds;
  EXPECT_EQ(rfc5322_date(WallTime{}), "Thu, 01 Jan 1970 00:00:00 +0000");
  EXPECT_EQ(rfc5322_date(WallTime{seconds{951'782'400 + 86'399}}),
            "Tue, 29 Feb 2000 23:59:59 +0000");
  EXPECT_EQ(rfc5322_date(WallTime{seconds{1'784'000'000}} + std::chrono::milliseconds{999}),
            "Tue, 14 Jul 2026 03:33:20 +0000");
}

TEST(EmailMessage, UkrainianSubjectIsEncodedAndDecodesToTheOriginal) {
  EmailMessage m = sample();
  m.subject = "Голосове повідомлення від +380501234567 (0:42)";
  const std::string text = formatted(m);
  const auto part = parse_part(text);
  const std::string raw = part.header("Subject").value_or("");
  EXPECT_TRUE(raw.starts_with("=?UTF-8?B?")) << raw;
  EXPECT_EQ(decoded_subject(part), m.subject);
  std::string why;
  EXPECT_TRUE(lines_ok(text, 76, &why)) << why;  // RFC 2047 §2
}

TEST(EmailMessage, LongSubjectIsSplitIntoWordsOfWholeCharacters) {
  EmailMessage m = sample();
  // 2-, 3- and 4-byte sequences at every offset against the word boundaries.
  for (int i = 0; i < 40; ++i)
    m.subject += "Щ€😀a";
  const std::string text = formatted(m);
  const auto part = parse_part(text);
  const auto words = decode_words(part.header("Subject").value_or(""));
  ASSERT_TRUE(words);
  EXPECT_GT(words->size(), 5u);
  for (const std::string& w : *words) {
    EXPECT_TRUE(is_valid_utf8(w)) << "a word ends inside a character";
    EXPECT_LE(base64_encode(w).size() + 12, 75u);
  }
  EXPECT_EQ(decoded_subject(part), m.subject);
  std::string why;
  EXPECT_TRUE(lines_ok(text, 76, &why)) << why;
}

TEST(EmailMessage, AsciiSubjectThatLooksEncodedOrIsLongIsEncoded) {
  EmailMessage m = sample();
  m.subject = "=?UTF-8?B?SGk=?=";
  EXPECT_EQ(decoded_subject(parse_part(formatted(m))), m.subject);
  m.subject = std::string(200, 'x');
  const std::string text = formatted(m);
  EXPECT_EQ(decoded_subject(parse_part(text)), m.subject);
  EXPECT_TRUE(lines_ok(text, 76));
}

TEST(EmailMessage, DisplayNameIsQuotedOrEncoded) {
  EmailMessage m = sample();
  m.from_name = "Dzvin \"PBX\"";
  EXPECT_EQ(parse_part(formatted(m)).header("From"), "\"Dzvin \\\"PBX\\\"\" <pbx@acme.test>");
  m.from_name = "Дзвін";
  const std::string from = parse_part(formatted(m)).header("From").value_or("");
  ASSERT_TRUE(from.ends_with(" <pbx@acme.test>")) << from;
  auto words = decode_words(from.substr(0, from.size() - 16));
  ASSERT_TRUE(words);
  EXPECT_EQ((*words)[0], "Дзвін");
}

TEST(EmailMessage, SeveralRecipientsAreFolded) {
  EmailMessage m = sample();
  m.to = {"a@acme.test", "b@acme.test", "c@acme.test"};
  const std::string text = formatted(m);
  EXPECT_NE(text.find("To: a@acme.test,\r\n b@acme.test,\r\n c@acme.test\r\n"), std::string::npos);
}

TEST(EmailMessage, AttachmentMakesMultipartMixedAndRoundTrips) {
  EmailMessage m = sample();
  m.text = "Привіт";
  EmailAttachment a;
  a.filename = "voicemail-1001.wav";
  a.content_type = "audio/wav";
  for (int i = 0; i < 10'000; ++i)
    a.bytes.push_back(static_cast<std::byte>(i * 31 % 256));
  m.attachment = a;
  const std::string text = formatted(m);
  std::string why;
  EXPECT_TRUE(lines_ok(text, 998, &why)) << why;

  const auto top = parse_part(text);
  const std::string type = top.header("Content-Type").value_or("");
  ASSERT_TRUE(type.starts_with("multipart/mixed;")) << type;
  const auto boundary = parameter(type, "boundary");
  ASSERT_TRUE(boundary);
  EXPECT_GE(boundary->size(), 20u);
  // In the header, before each part and at the end: never inside a part.
  std::size_t occurrences = 0;
  for (auto at = text.find(*boundary); at != std::string::npos; at = text.find(*boundary, at + 1)) {
    ++occurrences;
  }
  EXPECT_EQ(occurrences, 4u);
  const auto parts = split_multipart(top.body, *boundary);
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[0].header("Content-Type"), "text/plain; charset=UTF-8");
  EXPECT_EQ(parts[0].header("Content-Transfer-Encoding"), "base64");
  EXPECT_EQ(base64_decode(parts[0].body), "Привіт");

  EXPECT_EQ(parts[1].header("Content-Type"), "audio/wav; name=\"voicemail-1001.wav\"");
  EXPECT_EQ(parts[1].header("Content-Transfer-Encoding"), "base64");
  EXPECT_EQ(parts[1].header("Content-Disposition"), "attachment; filename=\"voicemail-1001.wav\"");
  EXPECT_TRUE(lines_ok(parts[1].body, 76, &why)) << why;  // RFC 2045 §6.8
  const auto bytes = base64_decode(parts[1].body);
  ASSERT_TRUE(bytes);
  ASSERT_EQ(bytes->size(), a.bytes.size());
  EXPECT_TRUE(std::equal(bytes->begin(), bytes->end(), a.bytes.begin(),
                         [](char c, std::byte b) { return static_cast<std::byte>(c) == b; }));
  EXPECT_TRUE(top.body.ends_with("--" + *boundary + "--\r\n"));
}

TEST(EmailMessage, NonAsciiFilenameUsesRfc2231) {
  EmailMessage m = sample();
  m.attachment = EmailAttachment{"запис 1.wav", "", {std::byte{1}}};
  const std::string text = formatted(m);
  EXPECT_NE(text.find("Content-Disposition: attachment; "
                      "filename*=UTF-8''%D0%B7%D0%B0%D0%BF%D0%B8%D1%81%201.wav\r\n"),
            std::string::npos);
  EXPECT_NE(text.find("Content-Type: application/octet-stream\r\n"), std::string::npos);
}

TEST(EmailMessage, HeaderInjectionIsRefused) {
  const auto injection = code(NotifyErrc::invalid_header);
  auto refused = [&](EmailMessage m, const char* what) {
    auto r = format_email(m);
    ASSERT_FALSE(r) << what;
    EXPECT_EQ(r.error().code, injection) << what << ": " << r.error().message;
  };
  EmailMessage m = sample();
  m.subject = "hi\r\nBcc: victim@evil.test";
  refused(m, "CRLF in subject");
  m = sample();
  m.subject = "hi\nBcc: victim@evil.test";
  refused(m, "LF in subject");
  m = sample();
  m.subject = std::string("hi\0there", 8);
  refused(m, "NUL in subject");
  m = sample();
  m.to = {"anna@acme.test\r\nBcc: victim@evil.test"};
  refused(m, "CRLF in a recipient");
  m = sample();
  m.from = "pbx@acme.test\rX: y";
  refused(m, "CR in from");
  m = sample();
  m.from_name = "PBX\nX-Evil: 1";
  refused(m, "LF in the display name");
  m = sample();
  m.attachment = EmailAttachment{"a.wav\r\nX: y", "audio/wav", {}};
  refused(m, "CRLF in the filename");
  m = sample();
  m.attachment = EmailAttachment{"a.wav", "audio/wav\r\nX: y", {}};
  refused(m, "CRLF in the content type");
}

TEST(EmailMessage, MalformedAddressesAreRefused) {
  for (const char* bad :
       {"", "anna", "anna@", "@acme.test", "a@b@c", "an na@acme.test", "<anna@acme.test>",
        "anna@acme test", "anna,bob@acme.test", "anna@acme..test", "anna@.acme.test",
        "\"anna\"@acme.test", "анна@acme.test", "anna@акме.test", "anna@acme.test>"}) {
    auto r = check_address(bad);
    EXPECT_FALSE(r) << bad;
    if (!r) {
      EXPECT_EQ(r.error().code, code(NotifyErrc::invalid_address)) << bad;
    }
  }
  EXPECT_FALSE(check_address(std::string(250, 'a') + "@b.test"));
  for (const char* good :
       {"anna@acme.test", "a.b+tag@mail.acme-corp.test", "x@y", "o'neil@z.test"}) {
    EXPECT_TRUE(check_address(good)) << good;
  }
  EmailMessage m = sample();
  m.to = {"anna@acme.test", "not an address"};
  auto r = format_email(m);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("to:"), std::string::npos) << r.error().message;
  m.to.clear();
  EXPECT_FALSE(format_email(m));
}

TEST(EmailMessage, BadContentTypeIsRefused) {
  EmailMessage m = sample();
  for (const char* bad : {"audio", "audio/", "/wav", "audio/wav; x=y", "audio wav/x"}) {
    m.attachment = EmailAttachment{"a.wav", bad, {}};
    EXPECT_FALSE(format_email(m)) << bad;
  }
}

}  // namespace
}  // namespace dzvin::notify
