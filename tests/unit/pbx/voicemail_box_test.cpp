#include "pbx/voicemail_box.hpp"

#include <gtest/gtest.h>

#include <string>

namespace dzvin::pbx {
namespace {

using namespace std::chrono_literals;

VoicemailBox sales() {
  VoicemailBox box;
  box.name = "sales";
  box.emails = {"sales@example.ua"};
  return box;
}

// The message of check_voicemail_box's error, or "ok".
std::string check(const VoicemailBox& box, std::string_view path = "voicemail.sales") {
  auto r = check_voicemail_box(box, path);
  if (r.ok()) return "ok";
  EXPECT_EQ(r.error().code, 400) << r.error().message;
  return r.error().message;
}

TEST(VoicemailBox, DefaultsAreValid) {
  const VoicemailBox box;
  EXPECT_EQ(box.language, "uk");
  EXPECT_EQ(box.max_length, 120s);
  EXPECT_EQ(box.silence, 5s);
  EXPECT_EQ(box.min_length, 1s);
  EXPECT_TRUE(box.greeting.empty());
  EXPECT_TRUE(box.emails.empty());
  EXPECT_EQ(check(box), "ok");
  EXPECT_EQ(check(sales()), "ok");
}

TEST(VoicemailBox, MaxLengthLimits) {
  VoicemailBox box = sales();
  box.max_length = 5s;
  EXPECT_EQ(check(box), "ok");
  box.max_length = 3600s;
  EXPECT_EQ(check(box), "ok");
  box.max_length = 4s;
  EXPECT_EQ(check(box), "voicemail.sales.max_length: 4 is outside 5..3600 s");
  box.max_length = 3601s;
  EXPECT_EQ(check(box), "voicemail.sales.max_length: 3601 is outside 5..3600 s");
  box.max_length = -1s;
  EXPECT_EQ(check(box), "voicemail.sales.max_length: -1 is outside 5..3600 s");
}

TEST(VoicemailBox, SilenceLimits) {
  VoicemailBox box = sales();
  box.silence = 0s;  // off
  EXPECT_EQ(check(box), "ok");
  box.silence = 60s;
  EXPECT_EQ(check(box), "ok");
  box.silence = 61s;
  EXPECT_EQ(check(box), "voicemail.sales.silence: 61 is outside 0..60 s");
  box.silence = -1s;
  EXPECT_EQ(check(box), "voicemail.sales.silence: -1 is outside 0..60 s");
}

TEST(VoicemailBox, MinLengthLimits) {
  VoicemailBox box = sales();
  box.min_length = 0s;
  EXPECT_EQ(check(box), "ok");
  box.min_length = 60s;
  EXPECT_EQ(check(box), "ok");
  box.min_length = 61s;
  EXPECT_EQ(check(box), "voicemail.sales.min_length: 61 is outside 0..60 s");
  box.min_length = -2s;
  EXPECT_EQ(check(box), "voicemail.sales.min_length: -2 is outside 0..60 s");
}

TEST(VoicemailBox, ThePathPrefixesTheField) {
  VoicemailBox box = sales();
  box.max_length = 1s;
  EXPECT_EQ(check(box, "boxes[3]"), "boxes[3].max_length: 1 is outside 5..3600 s");
  EXPECT_EQ(check(box, ""), "max_length: 1 is outside 5..3600 s");
}

TEST(VoicemailBox, KnownLanguagesOnly) {
  VoicemailBox box = sales();
  for (const char* language : {"uk", "ru", "en"}) {
    box.language = language;
    EXPECT_EQ(check(box), "ok") << language;
  }
  box.language = "de";
  EXPECT_EQ(check(box), "voicemail.sales.language: unknown language \"de\" (uk, ru, en)");
  box.language = "";
  EXPECT_EQ(check(box), "voicemail.sales.language: unknown language \"\" (uk, ru, en)");
  box.language = "UK";
  EXPECT_EQ(check(box), "voicemail.sales.language: unknown language \"UK\" (uk, ru, en)");
}

TEST(VoicemailBox, AcceptsOrdinaryAddresses) {
  VoicemailBox box = sales();
  box.emails = {"anna@example.ua", "first.last+vm@mail.example.com", "a@b"};
  EXPECT_EQ(check(box), "ok");
  box.emails.clear();  // no one told: the message is only kept
  EXPECT_EQ(check(box), "ok");
}

TEST(VoicemailBox, RefusesWhatIsNotAnAddress) {
  const auto error_for = [](std::string address) {
    VoicemailBox box = sales();
    box.emails = {"ok@example.ua", std::move(address)};
    return check(box);
  };
  EXPECT_EQ(error_for("no-at-sign"),
            "voicemail.sales.emails[1]: \"no-at-sign\" is not an e-mail address");
  EXPECT_EQ(error_for(""), "voicemail.sales.emails[1]: \"\" is not an e-mail address");
  EXPECT_EQ(error_for("@example.ua"),
            "voicemail.sales.emails[1]: \"@example.ua\" is not an e-mail address");
  EXPECT_EQ(error_for("anna@"), "voicemail.sales.emails[1]: \"anna@\" is not an e-mail address");
  EXPECT_EQ(error_for("a@b@c"), "voicemail.sales.emails[1]: \"a@b@c\" is not an e-mail address");
  EXPECT_EQ(error_for("anna koval@example.ua"),
            "voicemail.sales.emails[1]: \"anna koval@example.ua\" is not an e-mail address");
  EXPECT_EQ(error_for("a@b.ua,c@d.ua"),
            "voicemail.sales.emails[1]: \"a@b.ua,c@d.ua\" is not an e-mail address");
  EXPECT_EQ(error_for("a@b.ua;c@d.ua"),
            "voicemail.sales.emails[1]: \"a@b.ua;c@d.ua\" is not an e-mail address");
  EXPECT_EQ(error_for("Anna <a@b.ua>"),
            "voicemail.sales.emails[1]: \"Anna <a@b.ua>\" is not an e-mail address");
  EXPECT_EQ(
      error_for(std::string(250, 'a') + "@b.ua"),
      "voicemail.sales.emails[1]: \"" + std::string(250, 'a') + "@b.ua\" is not an e-mail address");
}

// An address goes into a To: header: a line break in it would add headers of its own.
TEST(VoicemailBox, RefusesHeaderInjection) {
  for (const std::string& address :
       {std::string("a@b.ua\r\nBcc: victim@evil.example"), std::string("a@b.ua\nBcc: x@y.z"),
        std::string("a@b.ua\r"), std::string("a@b.ua\tx"), std::string("a@b.ua "),
        std::string(" a@b.ua"), std::string("a@b.ua\x7f"), std::string("a@b\0.ua", 7)}) {
    VoicemailBox box = sales();
    box.emails = {address};
    auto r = check_voicemail_box(box, "voicemail.sales");
    ASSERT_FALSE(r.ok()) << "accepted an address with a control character or space";
    EXPECT_EQ(r.error().message.rfind("voicemail.sales.emails[0]: ", 0), 0u) << r.error().message;
    EXPECT_NE(r.error().message.find("is not an e-mail address"), std::string::npos);
  }
}

TEST(VoicemailBox, AtMostSixteenAddresses) {
  VoicemailBox box = sales();
  box.emails.clear();
  for (int i = 0; i < 16; ++i)
    box.emails.push_back("user" + std::to_string(i) + "@example.ua");
  EXPECT_EQ(check(box), "ok");
  box.emails.push_back("user16@example.ua");
  EXPECT_EQ(check(box), "voicemail.sales.emails: more than 16 addresses");
}

TEST(VoicemailBox, JudgesAnIncompleteRecordingNotRecorded) {
  const VoicemailBox box = sales();
  EXPECT_EQ(judge_voicemail(box, false, 30'000ms), VoicemailVerdict::not_recorded);
  EXPECT_EQ(judge_voicemail(box, false, 0ms), VoicemailVerdict::not_recorded);
}

TEST(VoicemailBox, JudgesTooLittleSpeechTooShort) {
  VoicemailBox box = sales();
  box.min_length = 3s;
  EXPECT_EQ(judge_voicemail(box, true, 0ms), VoicemailVerdict::too_short);
  EXPECT_EQ(judge_voicemail(box, true, 2'999ms), VoicemailVerdict::too_short);
  EXPECT_EQ(judge_voicemail(box, true, 3'000ms), VoicemailVerdict::kept);
  EXPECT_EQ(judge_voicemail(box, true, 45'000ms), VoicemailVerdict::kept);
}

TEST(VoicemailBox, NoSpeechIsTooShortEvenWithoutAMinimum) {
  VoicemailBox box = sales();
  box.min_length = 0s;
  EXPECT_EQ(judge_voicemail(box, true, 0ms), VoicemailVerdict::too_short);
  EXPECT_EQ(judge_voicemail(box, true, 1ms), VoicemailVerdict::kept);
}

TEST(VoicemailBox, VerdictNames) {
  EXPECT_EQ(to_string(VoicemailVerdict::kept), "kept");
  EXPECT_EQ(to_string(VoicemailVerdict::too_short), "too short");
  EXPECT_EQ(to_string(VoicemailVerdict::not_recorded), "not recorded");
}

TEST(VoicemailBoxes, FindsADeclaredBox) {
  VoicemailBoxes boxes;
  VoicemailBox accounting;
  accounting.name = "accounting";
  accounting.greeting = "accounting-greeting";
  accounting.emails = {"buh@example.ua"};
  accounting.language = "en";
  accounting.max_length = 300s;
  accounting.silence = 0s;
  accounting.min_length = 2s;
  boxes.add(accounting);
  EXPECT_TRUE(boxes.declared("accounting"));
  EXPECT_EQ(boxes.find("accounting"), accounting);
  ASSERT_EQ(boxes.all().size(), 1u);
  EXPECT_EQ(boxes.all().begin()->first, "accounting");
}

TEST(VoicemailBoxes, AUsersBoxHasTheDefaults) {
  VoicemailBoxes boxes;
  boxes.add(sales());
  EXPECT_FALSE(boxes.declared("anna"));
  VoicemailBox expected;
  expected.name = "anna";
  EXPECT_EQ(boxes.find("anna"), expected);
  EXPECT_EQ(boxes.all().size(), 1u) << "find does not declare a box";
}

TEST(VoicemailBoxes, AddingABoxAgainReplacesIt) {
  VoicemailBoxes boxes;
  boxes.add(sales());
  VoicemailBox changed = sales();
  changed.max_length = 60s;
  changed.emails = {"head@example.ua", "sales@example.ua"};
  boxes.add(changed);
  EXPECT_EQ(boxes.all().size(), 1u);
  EXPECT_EQ(boxes.find("sales"), changed);
}

TEST(VoicemailGreeting, PromptNamePerLanguage) {
  EXPECT_EQ(builtin_greeting_prompt("uk"), "voicemail-greeting-uk");
  EXPECT_EQ(builtin_greeting_prompt("ru"), "voicemail-greeting-ru");
  EXPECT_EQ(builtin_greeting_prompt("en"), "voicemail-greeting-en");
}

TEST(VoicemailGreeting, TextPerLanguage) {
  EXPECT_EQ(builtin_greeting_text("uk"), "Будь ласка, залиште повідомлення після сигналу.");
  EXPECT_EQ(builtin_greeting_text("ru"), "Пожалуйста, оставьте сообщение после сигнала.");
  EXPECT_EQ(builtin_greeting_text("en"), "Please leave a message after the tone.");
  // Languages are checked before this is reached; anything else gets the Ukrainian one.
  EXPECT_EQ(builtin_greeting_text("de"), builtin_greeting_text("uk"));
}

}  // namespace
}  // namespace dzvin::pbx
