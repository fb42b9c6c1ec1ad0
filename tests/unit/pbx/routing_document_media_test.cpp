// The "voicemail" and "recording" sections of the routing document and a scheme's "record".
#include <gtest/gtest.h>

#include <string>

#include "pbx/memory_directory.hpp"
#include "pbx/routing_document.hpp"
#include "routing_document_support.hpp"

namespace dzvin::pbx {
namespace {

using testing::company;
using testing::parse_error;
using testing::parse_ok;

using namespace std::chrono_literals;

constexpr std::string_view kMediaDocument = R"({
  "prompts": {"vm-sales": {"text": "Відділ продажів, залиште повідомлення", "language": "uk"},
              "recorded": {"file": "recorded.wav"}},
  "voicemail": {
    "sales": {"greeting": "vm-sales", "emails": ["sales@example.ua", "head@example.ua"],
              "language": "ru", "max_length": 300, "silence": 10, "min_length": 2},
    "accounting": {}
  },
  "recording": {"mode": "on_demand", "stereo": true, "announcement": "recorded",
                "users": {"anna": "all", "bob": "none"}, "retention_days": 30},
  "schemes": {"main": {"record": "on_demand",
                       "steps": [{"type": "ring", "targets": ["user:anna"]},
                                 {"type": "voicemail", "box": "sales"}]},
              "plain": {"steps": [{"type": "voicemail", "box": "accounting"}]}}
})";

std::string validate(const RoutingDocument& document, const Directory& directory) {
  auto r = validate_routing_document(document, directory);
  return r.ok() ? std::string("ok") : r.error().message;
}

TEST(RoutingDocumentMediaSections, ParsesBoxes) {
  const RoutingDocument doc = parse_ok(kMediaDocument);
  ASSERT_EQ(doc.voicemail_boxes.size(), 2u);
  const VoicemailBox& sales = doc.voicemail_boxes[0];  // in the order written
  EXPECT_EQ(sales.name, "sales");
  EXPECT_EQ(sales.greeting, "vm-sales");
  EXPECT_EQ(sales.emails, (std::vector<std::string>{"sales@example.ua", "head@example.ua"}));
  EXPECT_EQ(sales.language, "ru");
  EXPECT_EQ(sales.max_length, 300s);
  EXPECT_EQ(sales.silence, 10s);
  EXPECT_EQ(sales.min_length, 2s);
  // A box written as {} has the defaults and its key as the name.
  VoicemailBox accounting;
  accounting.name = "accounting";
  EXPECT_EQ(doc.voicemail_boxes[1], accounting);
}

TEST(RoutingDocumentMediaSections, ParsesTheRecordingPolicy) {
  const RoutingDocument doc = parse_ok(kMediaDocument);
  const RecordingPolicy& rec = doc.recording;
  EXPECT_EQ(rec.mode, RecordingMode::on_demand);
  EXPECT_TRUE(rec.stereo);
  EXPECT_EQ(rec.announcement, "recorded");
  EXPECT_EQ(rec.users.size(), 2u);
  EXPECT_EQ(rec.users.at("anna"), RecordingMode::all);
  EXPECT_EQ(rec.users.at("bob"), RecordingMode::none);
  EXPECT_EQ(rec.retention, std::chrono::days(30));
}

TEST(RoutingDocumentMediaSections, ParsesTheSchemeRecordMode) {
  const RoutingDocument doc = parse_ok(kMediaDocument);
  ASSERT_EQ(doc.schemes.size(), 2u);
  EXPECT_EQ(doc.schemes[0].name, "main");
  EXPECT_EQ(doc.schemes[0].record, RecordingMode::on_demand);
  EXPECT_EQ(doc.schemes[1].name, "plain");
  EXPECT_FALSE(doc.schemes[1].record.has_value()) << "not set: the company's policy";
  for (const char* mode : {"none", "all", "on_demand"}) {
    const RoutingDocument one = parse_ok(R"({"schemes": {"s": {"record": ")" + std::string(mode) +
                                         R"(", "steps": [{"type": "hangup"}]}}})");
    ASSERT_EQ(one.schemes.size(), 1u);
    ASSERT_TRUE(one.schemes[0].record.has_value()) << mode;
    EXPECT_EQ(to_string(*one.schemes[0].record), mode);
  }
}

TEST(RoutingDocumentMediaSections, AbsentSectionsAreDefaults) {
  const RoutingDocument doc = parse_ok(R"({"schemes": {"s": {"steps": [{"type": "hangup"}]}}})");
  EXPECT_TRUE(doc.voicemail_boxes.empty());
  EXPECT_EQ(doc.recording, RecordingPolicy{});
  const RoutingDocument empty_policy = parse_ok(R"({"recording": {}})");
  EXPECT_EQ(empty_policy.recording, RecordingPolicy{});
  // Nothing to say: neither section is written.
  const std::string json = to_json(doc);
  EXPECT_EQ(json.find("\"voicemail\""), std::string::npos) << json;
  EXPECT_EQ(json.find("\"recording\""), std::string::npos) << json;
  EXPECT_EQ(json.find("\"record\""), std::string::npos) << json;
}

TEST(RoutingDocumentMediaSections, RoundTrip) {
  const RoutingDocument doc = parse_ok(kMediaDocument);
  for (int indent : {-1, 2}) {
    const std::string json = to_json(doc, indent);
    const RoutingDocument again = parse_ok(json);
    EXPECT_EQ(again.voicemail_boxes, doc.voicemail_boxes) << json;
    EXPECT_EQ(again.recording, doc.recording) << json;
    EXPECT_EQ(again.schemes, doc.schemes) << json;
    EXPECT_EQ(again.prompts, doc.prompts) << json;
    EXPECT_EQ(to_json(again), to_json(doc));
  }
}

TEST(RoutingDocumentMediaSections, RoundTripKeepsNonDefaultValuesSetInCode) {
  RoutingDocument doc;
  VoicemailBox box;
  box.name = "night";
  box.language = "en";
  box.max_length = 5s;
  box.silence = 0s;
  box.min_length = 0s;
  doc.voicemail_boxes.push_back(box);
  doc.recording.retention = std::chrono::days(0);  // kept for ever
  RoutingScheme scheme;
  scheme.name = "s";
  scheme.record = RecordingMode::none;
  scheme.steps.push_back(Step{VoicemailStep{"night"}});
  doc.schemes.push_back(scheme);
  const RoutingDocument again = parse_ok(to_json(doc));
  EXPECT_EQ(again.voicemail_boxes, doc.voicemail_boxes);
  EXPECT_EQ(again.recording, doc.recording);
  EXPECT_EQ(again.schemes, doc.schemes);
}

TEST(RoutingDocumentMediaSections, BoxErrorsNameTheField) {
  EXPECT_EQ(parse_error(R"({"voicemail": {"sales": {"greting": "vm"}}})"),
            "voicemail.sales.greting: unknown key");
  EXPECT_EQ(parse_error(R"({"voicemail": {"sales": {"max_length": 4}}})"),
            "voicemail.sales.max_length: 4 is outside 5..3600 s");
  EXPECT_EQ(parse_error(R"({"voicemail": {"sales": {"max_length": 3601}}})"),
            "voicemail.sales.max_length: 3601 is outside 5..3600 s");
  EXPECT_EQ(parse_error(R"({"voicemail": {"sales": {"max_length": "120"}}})"),
            "voicemail.sales.max_length: must be a whole number");
  EXPECT_EQ(parse_error(R"({"voicemail": {"sales": {"silence": 61}}})"),
            "voicemail.sales.silence: 61 is outside 0..60 s");
  EXPECT_EQ(parse_error(R"({"voicemail": {"sales": {"min_length": -1}}})"),
            "voicemail.sales.min_length: -1 is outside 0..60 s");
  EXPECT_EQ(parse_error(R"({"voicemail": {"sales": {"language": "de"}}})"),
            "voicemail.sales.language: unknown language \"de\" (uk, ru, en)");
  EXPECT_EQ(parse_error(R"({"voicemail": {"sales": {"emails": "a@b.ua"}}})"),
            "voicemail.sales.emails: must be a list of e-mail addresses");
  EXPECT_EQ(parse_error(R"({"voicemail": {"sales": {"emails": ["a@b.ua", 7]}}})"),
            "voicemail.sales.emails[1]: must be a string");
  EXPECT_EQ(
      parse_error(R"({"voicemail": {"sales": {"emails": ["a@b.ua\r\nBcc: x@evil.example"]}}})"),
      "voicemail.sales.emails[0]: \"a@b.ua\r\nBcc: x@evil.example\" is not an e-mail address");
  EXPECT_EQ(parse_error(R"({"voicemail": {"sales": []}})"), "voicemail.sales: must be an object");
  EXPECT_EQ(parse_error(R"({"voicemail": []})"), "voicemail: must be an object keyed by name");
  EXPECT_EQ(parse_error(R"({"voicemail": {" sales": {}}})"),
            "voicemail. sales: voicemail box name \" sales\" has control characters or surrounding "
            "spaces");
}

TEST(RoutingDocumentMediaSections, RecordingErrorsNameTheField) {
  EXPECT_EQ(parse_error(R"({"recording": {"mode": "always"}})"),
            "recording.mode: \"always\" is not a recording mode (none, all, on_demand)");
  EXPECT_EQ(parse_error(R"({"recording": {"users": {"anna": "sometimes"}}})"),
            "recording.users.anna: \"sometimes\" is not a recording mode (none, all, on_demand)");
  EXPECT_EQ(parse_error(R"({"recording": {"users": {"anna": true}}})"),
            "recording.users.anna: must be a string");
  EXPECT_EQ(parse_error(R"({"recording": {"users": ["anna"]}})"),
            "recording.users: must be an object: user -> mode");
  EXPECT_EQ(parse_error(R"({"recording": {"stereo": "yes"}})"),
            "recording.stereo: must be true or false");
  EXPECT_EQ(parse_error(R"({"recording": {"retention_days": -1}})"),
            "recording.retention_days: -1 is outside 0..36500 days");
  EXPECT_EQ(parse_error(R"({"recording": {"retention": 30}})"), "recording.retention: unknown key");
  EXPECT_EQ(parse_error(R"({"recording": "all"})"), "recording: must be an object");
}

TEST(RoutingDocumentMediaSections, SchemeRecordErrorsNameTheField) {
  EXPECT_EQ(parse_error(R"({"schemes": {"main": {"record": "always",
                                                 "steps": [{"type": "hangup"}]}}})"),
            "schemes.main.record: \"always\" is not a recording mode (none, all, on_demand)");
  EXPECT_EQ(parse_error(R"({"schemes": {"main": {"record": true,
                                                 "steps": [{"type": "hangup"}]}}})"),
            "schemes.main.record: must be a string");
}

TEST(RoutingDocumentMediaSections, ValidatesWithTheDocumentsPromptsAndTheDirectorysUsers) {
  const RoutingDocument doc = parse_ok(kMediaDocument);
  EXPECT_EQ(validate(doc, company()), "ok");
}

TEST(RoutingDocumentMediaSections, ABoxGreetingMustBeAKnownPrompt) {
  RoutingDocument doc = parse_ok(kMediaDocument);
  doc.voicemail_boxes[0].greeting = "vm-missing";
  EXPECT_EQ(validate(doc, company()), "voicemail.sales.greeting: unknown prompt \"vm-missing\"");
  // A prompt of the directory will do as well as one of the document.
  MemoryDirectory d = company();
  d.add_prompt("vm-missing");
  EXPECT_EQ(validate(doc, d), "ok");
  // No greeting: the built-in one, nothing to look up.
  doc.voicemail_boxes[0].greeting.clear();
  EXPECT_EQ(validate(doc, company()), "ok");
}

TEST(RoutingDocumentMediaSections, TheAnnouncementMustBeAKnownPrompt) {
  RoutingDocument doc = parse_ok(kMediaDocument);
  doc.recording.announcement = "this-call-is-recorded";
  EXPECT_EQ(validate(doc, company()),
            "recording.announcement: unknown prompt \"this-call-is-recorded\"");
  doc.prompts.push_back(PromptSpec{"this-call-is-recorded", "Розмову записано", "uk", ""});
  EXPECT_EQ(validate(doc, company()), "ok");
}

TEST(RoutingDocumentMediaSections, RecordingUsersMustBeInTheDirectory) {
  const RoutingDocument doc = parse_ok(kMediaDocument);
  MemoryDirectory d = company();
  d.remove_user("bob");
  EXPECT_EQ(validate(doc, d), "recording.users.bob: unknown user \"bob\"");
  d.add_user({"bob", "1003", ""});
  EXPECT_EQ(validate(doc, d), "ok");
}

TEST(RoutingDocumentMediaSections, AVoicemailStepMayNameABoxOfTheDocument) {
  // The directory has no voicemail boxes: "sales" and "accounting" come from the document.
  const RoutingDocument doc = parse_ok(kMediaDocument);
  const MemoryDirectory d = company();
  EXPECT_FALSE(d.has_voicemail_box("sales"));
  EXPECT_EQ(validate(doc, d), "ok");
  // A box neither declares is still refused.
  const RoutingDocument other = parse_ok(
      R"({"voicemail": {"sales": {}},
          "schemes": {"s": {"steps": [{"type": "voicemail", "box": "support"}]}}})");
  EXPECT_EQ(validate(other, d), "schemes.s.steps[0].box: unknown voicemail box \"support\"");
}

}  // namespace
}  // namespace dzvin::pbx
