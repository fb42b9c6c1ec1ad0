#include "pbx/routing_scheme.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "pbx/memory_directory.hpp"
#include "pbx/routing_document.hpp"

namespace dzvin::pbx {
namespace {

using namespace std::chrono_literals;

RoutingScheme parse_ok(std::string_view json) {
  auto r = parse_routing_scheme(json);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? *std::move(r) : RoutingScheme{};
}

std::string parse_error(std::string_view json, const SchemeRules& rules = {}) {
  auto r = parse_routing_scheme(json, rules);
  EXPECT_FALSE(r.ok()) << json;
  if (r.ok()) return {};
  EXPECT_EQ(r.error().code, 400);
  return r.error().message;
}

// The directory the tests and the examples of docs/routing-schemes.md are checked against.
MemoryDirectory company() {
  MemoryDirectory d;
  d.add_user({"duty", "1001", "Duty Manager"});
  d.add_user({"anna", "1002", "Anna Koval"});
  d.add_user({"bob", "1003", "Bohdan Melnyk"});
  d.add_user({"olena", "1004", "Olena Shevchenko"});
  d.add_user({"secretary", "1000", "Reception"});
  d.add_group({"sales", {"anna", "bob"}});
  d.add_group({"urgent", {"duty", "olena"}});
  d.add_voicemail_box("sales");
  d.add_voicemail_box("accounting");
  d.add_voicemail_box("duty");
  d.add_trunk("main");
  d.add_schedule(
      parse_schedule(R"({"time_zone": "Europe/Kyiv", "weekly": {"mon": ["09:00-18:00"]}})",
                     "office")
          .value());
  return d;
}

std::string validate_error(std::string_view json, const SchemeLimits& limits = {}) {
  const RoutingScheme scheme = parse_ok(json);
  const MemoryDirectory d = company();
  auto r = validate_routing_scheme(scheme, d, limits);
  EXPECT_FALSE(r.ok()) << json;
  return r.ok() ? std::string() : r.error().message;
}

TEST(Target, ParsesEveryForm) {
  EXPECT_EQ(parse_target("user:anna").value(), (Target{TargetKind::user, "anna"}));
  EXPECT_EQ(parse_target("group:sales").value(), (Target{TargetKind::group, "sales"}));
  EXPECT_EQ(parse_target("number:+380501112233").value(),
            (Target{TargetKind::number, "+380501112233"}));
  EXPECT_EQ(parse_target("number:050 111 22 33").value(),
            (Target{TargetKind::number, "+380501112233"}));
  EXPECT_EQ(parse_target("sip:bob@example.com").value(),
            (Target{TargetKind::uri, "sip:bob@example.com"}));
  EXPECT_EQ(parse_target("sips:pbx.example.com;transport=tls").value().kind, TargetKind::uri);
  EXPECT_EQ(to_string(Target{TargetKind::number, "+380501112233"}), "number:+380501112233");
  EXPECT_EQ(to_string(Target{TargetKind::uri, "sip:bob@example.com"}), "sip:bob@example.com");
}

TEST(Target, RefusesOtherForms) {
  EXPECT_EQ(parse_target("usr:anna").error().message,
            "\"usr:anna\" is not user:NAME, group:NAME, number:NUMBER or a sip: URI");
  EXPECT_EQ(parse_target("anna").error().message,
            "\"anna\" is not user:NAME, group:NAME, number:NUMBER or a sip: URI");
  EXPECT_EQ(parse_target("user:").error().message, "user name missing");
  EXPECT_EQ(parse_target("number:1001").error().message,
            "\"number:1001\" is an internal extension: ring its user as user:NAME");
  EXPECT_EQ(parse_target("number:call-me").error().message,
            "phone number \"call-me\": unexpected character 'c'");
  EXPECT_EQ(parse_target("sip:").error().message, "\"sip:\" is not a SIP URI (sip:user@host)");
  EXPECT_EQ(parse_target("sip:bob@").error().message,
            "\"sip:bob@\" is not a SIP URI (sip:user@host)");
  EXPECT_EQ(parse_target("sip:bob smith@example.com").error().message,
            "\"sip:bob smith@example.com\" is not a SIP URI (sip:user@host)");
}

TEST(RoutingScheme, ParsesARingStepWithDefaults) {
  const RoutingScheme s =
      parse_ok(R"({"name": "main", "steps": [{"type": "ring", "targets": ["user:duty"]}]})");
  EXPECT_EQ(s.name, "main");
  ASSERT_EQ(s.steps.size(), 1U);
  EXPECT_EQ(step_type(s.steps[0]), "ring");
  const auto& ring = std::get<RingStep>(s.steps[0].body);
  EXPECT_EQ(ring.targets, (std::vector<Target>{{TargetKind::user, "duty"}}));
  EXPECT_EQ(ring.strategy, RingStrategy::sequential);
  EXPECT_EQ(ring.timeout, 20s);
  EXPECT_TRUE(ring.skip_unavailable);
  EXPECT_EQ(ring.fallbacks, Fallbacks{});
}

constexpr std::string_view kEveryStep = R"({
  "name": "everything",
  "description": "each kind of step once",
  "steps": [
    {"type": "when", "schedule": "office",
     "open": [
       {"type": "ring", "targets": ["user:duty"], "timeout": 20, "skip_unavailable": false,
        "on_busy": [{"type": "voicemail", "box": "duty"}],
        "on_no_answer": [],
        "on_unavailable": [{"type": "forward", "to": "+380 50 111 22 33", "timeout": 25,
                            "trunk": "main"}]},
       {"type": "ring", "targets": ["number:0501112233", "number:+380671112233", "group:sales",
                                    "sip:support@partner.example.com"],
        "strategy": "simultaneous", "timeout": 30}
     ],
     "closed": [{"type": "hangup", "status": 486, "reason": "Closed"}]},
    {"type": "forward", "to": "sip:night@callcentre.example.com"},
    {"type": "voicemail", "box": "sales"}
  ]
})";

TEST(RoutingScheme, ParsesEveryKindOfStep) {
  const RoutingScheme s = parse_ok(kEveryStep);
  ASSERT_EQ(s.steps.size(), 3U);
  const auto& when = std::get<WhenStep>(s.steps[0].body);
  EXPECT_EQ(when.schedule, "office");
  ASSERT_EQ(when.open.size(), 2U);
  const auto& first = std::get<RingStep>(when.open[0].body);
  EXPECT_FALSE(first.skip_unavailable);
  ASSERT_TRUE(first.fallbacks.on_busy);
  EXPECT_EQ(std::get<VoicemailStep>((*first.fallbacks.on_busy)[0].body).box, "duty");
  ASSERT_TRUE(first.fallbacks.on_no_answer);
  EXPECT_TRUE(first.fallbacks.on_no_answer->empty());
  const auto& forward = std::get<ForwardStep>((*first.fallbacks.on_unavailable)[0].body);
  EXPECT_EQ(forward.to, (Target{TargetKind::number, "+380501112233"}));
  EXPECT_EQ(forward.timeout, 25s);
  EXPECT_EQ(forward.trunk, "main");
  const auto& second = std::get<RingStep>(when.open[1].body);
  EXPECT_EQ(second.strategy, RingStrategy::simultaneous);
  EXPECT_EQ(second.targets[0].value, "+380501112233");
  EXPECT_EQ(second.targets[2], (Target{TargetKind::group, "sales"}));
  EXPECT_EQ(second.targets[3].kind, TargetKind::uri);
  const auto& hangup = std::get<HangupStep>(when.closed[0].body);
  EXPECT_EQ(hangup.status, 486);
  EXPECT_EQ(hangup.reason, "Closed");
  EXPECT_EQ(std::get<ForwardStep>(s.steps[1].body).to.kind, TargetKind::uri);
  EXPECT_EQ(std::get<ForwardStep>(s.steps[1].body).timeout, 20s);
}

TEST(RoutingScheme, JsonRoundTrip) {
  const RoutingScheme s = parse_ok(kEveryStep);
  const std::string json = to_json(s);
  const RoutingScheme again = parse_ok(json);
  EXPECT_EQ(again, s);
  EXPECT_EQ(to_json(again), json);
  // Canonical form: defaults written out, numbers in E.164.
  EXPECT_NE(json.find(R"({"type":"forward","to":"+380501112233","timeout":25,"trunk":"main"})"),
            std::string::npos)
      << json;
  EXPECT_NE(json.find(R"("targets":["number:+380501112233","number:+380671112233","group:sales",)"),
            std::string::npos);
  EXPECT_EQ(
      to_json(parse_ok(R"({"name": "x", "steps": [{"type": "ring", "targets": ["user:a"]}]})")),
      R"({"name":"x","steps":[{"type":"ring","targets":["user:a"],"strategy":"sequential",)"
      R"("timeout":20,"skip_unavailable":true}]})");
  // Indented output parses to the same scheme.
  EXPECT_EQ(parse_ok(to_json(s, 2)), s);
}

TEST(RoutingScheme, ParseErrorsNameTheField) {
  EXPECT_EQ(parse_error(R"({"steps": []})"), "name: missing");
  EXPECT_EQ(parse_error(R"({"name": "x", "steps": []})"), "steps: at least one step");
  EXPECT_EQ(parse_error(R"({"name": "x"})"), "steps: missing");
  EXPECT_EQ(parse_error(R"({"name": "x", "steps": {}})"), "steps: must be a list of steps");
  EXPECT_EQ(parse_error(R"({"name": "x", "stpes": []})"), "stpes: unknown key");
  EXPECT_EQ(parse_error(R"({"name": "", "steps": [{"type": "hangup"}]})"),
            "name: scheme name missing");
  EXPECT_EQ(parse_error(R"({"name": "x", "steps": [{"targets": ["user:a"]}]})"),
            "steps[0].type: missing");
  EXPECT_EQ(parse_error(R"({"name": "x", "steps": ["ring"]})"),
            "steps[0]: must be an object with a \"type\"");
  EXPECT_EQ(parse_error(R"({"name": "x", "steps": [{"type": "rign"}]})"),
            "steps[0].type: unknown step type \"rign\" (ring, forward, when, voicemail, hangup, "
            "play, menu)");
  EXPECT_EQ(parse_error(R"({"name": "x", "steps": [{"type": "ring", "targets": ["user:a"],
                                                     "timout": 20}]})"),
            "steps[0].timout: unknown key");
  EXPECT_EQ(parse_error(R"({"name": "x", "steps": [{"type": "hangup"},
                            {"type": "ring", "targets": ["user:a", "usr:b"]}]})"),
            "steps[1].targets[1]: \"usr:b\" is not user:NAME, group:NAME, number:NUMBER or a sip: "
            "URI");
  EXPECT_EQ(parse_error(R"({"name": "x", "steps": [{"type": "ring", "targets": []}]})"),
            "steps[0].targets: at least one target");
  EXPECT_EQ(parse_error(R"({"name": "x", "steps": [{"type": "ring"}]})"),
            "steps[0].targets: missing");
  EXPECT_EQ(parse_error(R"({"name": "x", "steps": [{"type": "ring", "targets": [1001]}]})"),
            "steps[0].targets[0]: must be a string such as \"user:NAME\"");
  EXPECT_EQ(parse_error(R"({"name": "x", "steps": [{"type": "ring", "targets": ["number:12"]}]})"),
            "steps[0].targets[0]: \"number:12\" is an internal extension: ring its user as "
            "user:NAME");
  EXPECT_EQ(parse_error(R"({"name": "x", "steps": [{"type": "ring", "targets": ["user:a"],
                                                     "timeout": 0}]})"),
            "steps[0].timeout: 0 is outside 1..600 s");
  EXPECT_EQ(parse_error(R"({"name": "x", "steps": [{"type": "ring", "targets": ["user:a"],
                                                     "timeout": 20.5}]})"),
            "steps[0].timeout: must be a whole number");
  EXPECT_EQ(parse_error(R"({"name": "x", "steps": [{"type": "ring", "targets": ["user:a"],
                                                     "timeout": 18446744073709551615}]})"),
            "steps[0].timeout: 18446744073709551615 is outside 1..600 s");
  EXPECT_EQ(parse_error(R"({"name": "x", "steps": [{"type": "ring", "targets": ["user:a"],
                                                     "strategy": "parallel"}]})"),
            "steps[0].strategy: \"parallel\" is not sequential or simultaneous");
  EXPECT_EQ(parse_error(R"({"name": "x", "steps": [{"type": "ring", "targets": ["user:a"],
                                                     "skip_unavailable": "yes"}]})"),
            "steps[0].skip_unavailable: must be true or false");
  EXPECT_EQ(parse_error(R"({"name": "x", "steps": [{"type": "ring", "targets": ["user:a"],
                                                     "on_busy": {"type": "hangup"}}]})"),
            "steps[0].on_busy: must be a list of steps");
  EXPECT_EQ(parse_error(R"({"name": "x", "steps": [{"type": "forward", "to": "1001"}]})"),
            "steps[0].to: \"number:1001\" is an internal extension: ring its user as user:NAME");
  EXPECT_EQ(parse_error(R"({"name": "x", "steps": [{"type": "forward", "to": "user:anna"}]})"),
            "steps[0].to: a forward goes to a phone number or a SIP URI");
  EXPECT_EQ(parse_error(R"({"name": "x", "steps": [{"type": "forward"}]})"),
            "steps[0].to: missing");
  EXPECT_EQ(
      std::get<ForwardStep>(
          parse_ok(R"({"name": "x", "steps": [{"type": "forward", "to": "SIP:bob@example.com"}]})")
              .steps[0]
              .body)
          .to.kind,
      TargetKind::uri);
  // An empty trunk is the default trunk.
  EXPECT_TRUE(parse_routing_scheme(R"({"name": "x", "steps": [{"type": "forward",
                                       "to": "0441234567", "trunk": ""}]})")
                  .ok());
  EXPECT_EQ(parse_error(R"({"name": "x", "steps": [{"type": "when", "schedule": "office",
                            "open": [{"type": "voicemail"}]}]})"),
            "steps[0].open[0].box: missing");
  EXPECT_EQ(parse_error(R"({"name": "x", "steps": [{"type": "hangup", "status": 200}]})"),
            "steps[0].status: 200 is outside 400..699");
  EXPECT_EQ(parse_error(R"({"name": "x", "steps": [{"type": "hangup", "reason": "a\nb"}]})"),
            "steps[0].reason: at most 100 characters without control characters");
  EXPECT_EQ(parse_error(R"({"name": "x", "steps": [)").substr(0, 14), "invalid JSON: ");
  EXPECT_EQ(parse_error("[]"), "must be an object");
}

TEST(RoutingScheme, Limits) {
  SchemeRules rules;
  rules.limits.max_depth = 2;
  rules.limits.max_steps = 3;
  rules.limits.max_targets_per_step = 2;
  EXPECT_EQ(parse_error(R"({"name": "x", "steps": [{"type": "when", "schedule": "s", "open": [
                            {"type": "when", "schedule": "s", "closed": [{"type": "hangup"}]}]}]})",
                        rules),
            "steps[0].open[0].closed: steps nested deeper than 2 levels");
  EXPECT_EQ(parse_error(R"({"name": "x", "steps": [{"type": "hangup"}, {"type": "hangup"},
                            {"type": "hangup"}, {"type": "hangup"}]})",
                        rules),
            "steps: more than 3 steps in the scheme");
  EXPECT_EQ(parse_error(R"({"name": "x", "steps": [{"type": "ring", "targets": ["user:a"],
                            "on_busy": [{"type": "hangup"}], "on_no_answer": [{"type": "hangup"}],
                            "on_unavailable": [{"type": "hangup"}]}]})",
                        rules),
            "steps[0].on_unavailable[0]: more than 3 steps in the scheme");
  EXPECT_EQ(parse_error(R"({"name": "x", "steps": [{"type": "ring",
                            "targets": ["user:a", "user:b", "user:c"]}]})",
                        rules),
            "steps[0].targets: at most 2 targets in a step");

  // A deeply nested document is refused before it is walked (default depth 4).
  std::string deep = R"({"name": "x", "steps": )";
  for (int i = 0; i < 200; ++i)
    deep += R"([{"type": "when", "schedule": "s", "open": )";
  deep += "[]";
  for (int i = 0; i < 200; ++i)
    deep += "}]";
  deep += "}";
  EXPECT_EQ(parse_error(deep),
            "steps[0].open[0].open[0].open[0].open: steps nested deeper than "
            "4 levels");
}

TEST(RoutingScheme, ValidationAgainstTheDirectory) {
  EXPECT_EQ(validate_error(R"({"name": "x", "steps": [{"type": "hangup"},
                               {"type": "ring", "targets": ["user:bob", "user:bobby"]}]})"),
            "steps[1].targets[1]: unknown user \"bobby\"");
  EXPECT_EQ(
      validate_error(R"({"name": "x", "steps": [{"type": "ring", "targets": ["group:sale"]}]})"),
      "steps[0].targets[0]: unknown group \"sale\"");
  EXPECT_EQ(validate_error(R"({"name": "x", "steps": [{"type": "when", "schedule": "ofice"}]})"),
            "steps[0].schedule: unknown schedule \"ofice\"");
  EXPECT_EQ(validate_error(R"({"name": "x", "steps": [{"type": "when", "schedule": "office",
                               "closed": [{"type": "voicemail", "box": "sale"}]}]})"),
            "steps[0].closed[0].box: unknown voicemail box \"sale\"");
  EXPECT_EQ(validate_error(R"({"name": "x", "steps": [{"type": "forward", "to": "+380501112233",
                               "trunk": "backup"}]})"),
            "steps[0].trunk: unknown trunk \"backup\"");
  EXPECT_EQ(validate_error(R"({"name": "x", "steps": [{"type": "ring", "targets": ["user:duty"],
                               "on_no_answer": [{"type": "ring", "targets": ["user:nobody"]}]}]})"),
            "steps[0].on_no_answer[0].targets[0]: unknown user \"nobody\"");
  SchemeLimits limits;
  limits.max_ring_targets = 3;
  EXPECT_EQ(validate_error(R"({"name": "x", "steps": [{"type": "ring",
                               "targets": ["group:sales", "group:urgent", "user:anna"]}]})",
                           limits),
            "steps[0].targets: expands to 4 ring targets, at most 3");

  const MemoryDirectory d = company();
  EXPECT_TRUE(validate_routing_scheme(parse_ok(kEveryStep), d).ok());
}

TEST(RoutingDocument, ParsesSchedulesAndSchemes) {
  auto doc = parse_routing_document(R"({
    "schedules": {"office": {"time_zone": "Europe/Kyiv", "weekly": {"mon": ["09:00-18:00"]}}},
    "schemes": {"main": {"steps": [{"type": "when", "schedule": "office",
                                    "closed": [{"type": "voicemail", "box": "sales"}]}]}}})");
  ASSERT_TRUE(doc.ok()) << doc.error().message;
  ASSERT_EQ(doc->schedules.size(), 1U);
  EXPECT_EQ(doc->schedules[0].name(), "office");
  ASSERT_EQ(doc->schemes.size(), 1U);
  EXPECT_EQ(doc->schemes[0].name, "main");
  // The schedule comes from the document itself.
  MemoryDirectory d;
  d.add_voicemail_box("sales");
  EXPECT_TRUE(validate_routing_document(*doc, d).ok());
  auto again = parse_routing_document(to_json(*doc));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(to_json(*again), to_json(*doc));
}

TEST(RoutingDocument, ErrorsCarryTheDocumentPath) {
  auto error = [](std::string_view json) {
    auto r = parse_routing_document(json);
    EXPECT_FALSE(r.ok()) << json;
    return r.ok() ? std::string() : r.error().message;
  };
  EXPECT_EQ(error(R"({"schedules": {"office": {"time_zone": "Europe/Kyiv",
                                                "weekly": {"mon": ["9:00-18:00"]}}}})"),
            "schedules.office.weekly.mon[0]: \"9:00-18:00\" is not HH:MM-HH:MM");
  EXPECT_EQ(error(R"({"schemes": {"after-hours": {"steps": [{"type": "ring",
                                                             "targets": ["user:a"],
                                                             "timeout": -5}]}}})"),
            "schemes.after-hours.steps[0].timeout: -5 is outside 1..600 s");
  EXPECT_EQ(error(R"({"schemes": {"a": {"name": "b", "steps": [{"type": "hangup"}]}}})"),
            "schemes.a.name: \"b\" differs from the key \"a\"");
  EXPECT_EQ(error(R"({"schemas": {}})"), "schemas: unknown key");
  EXPECT_EQ(error(R"({"schemes": []})"), "schemes: must be an object keyed by name");

  auto doc = parse_routing_document(
      R"({"schemes": {"main": {"steps": [{"type": "ring", "targets": ["user:bob"]}]}}})");
  ASSERT_TRUE(doc.ok());
  const MemoryDirectory empty;
  auto r = validate_routing_document(*doc, empty);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "schemes.main.steps[0].targets[0]: unknown user \"bob\"");
}

TEST(RoutingDocument, Prompts) {
  auto doc = parse_routing_document(R"({"prompts": {
      "hours": {"text": "Наші робочі години", "language": "uk"},
      "welcome": {"file": "welcome.wav"}},
    "schemes": {"s": {"steps": [{"type": "play", "prompt": "hours"}]}}})");
  ASSERT_TRUE(doc.ok()) << doc.error().message;
  ASSERT_EQ(doc->prompts.size(), 2u);
  EXPECT_EQ(doc->prompts[0], (PromptSpec{"hours", "Наші робочі години", "uk", ""}));
  EXPECT_EQ(doc->prompts[1].file, "welcome.wav");
  EXPECT_TRUE(validate_routing_document(*doc, company()).ok()) << "the document's own prompt";
  const auto error = [](std::string_view json) {
    auto r = parse_routing_document(json);
    return r.ok() ? std::string("ok") : r.error().message;
  };
  EXPECT_EQ(error(R"({"prompts": {"p": {"text": "Hallo", "language": "de"}}})"),
            "prompts.p.language: unknown prompt language \"de\" (uk, ru, en)");
  EXPECT_EQ(error(R"({"prompts": {"p": {"text": "x", "language": "uk", "file": "a.wav"}}})"),
            "prompts.p: a prompt has either \"text\" (with \"language\") or \"file\"");
  EXPECT_EQ(error(R"({"prompts": {"p": {}}})"),
            "prompts.p: a prompt has either \"text\" (with \"language\") or \"file\"");
  EXPECT_EQ(error(R"({"prompts": {"p": {"file": "a.wav", "language": "uk"}}})"),
            "prompts.p.language: only for a text prompt");
  EXPECT_EQ(
      error(R"({"prompts": {"p": {"text": "x", "language": "uk", "voice": "m"}}})").substr(0, 16),
      "prompts.p.voice:")
      << "unknown keys are errors";
}

// Every ```json block of the user documentation is a routing document: it must parse, pass
// validation against the company above, and survive a round trip.
TEST(RoutingDocument, DocumentationExamples) {
  const std::string path = std::string(DZVIN_TEST_DATA_DIR) + "/../../docs/routing-schemes.md";
  std::ifstream file(path);
  ASSERT_TRUE(file) << path;
  std::stringstream text;
  text << file.rdbuf();
  const std::string doc_text = text.str();
  const MemoryDirectory d = company();
  int examples = 0;
  for (std::size_t at = doc_text.find("```json\n"); at != std::string::npos;
       at = doc_text.find("```json\n", at)) {
    at += 8;
    const std::size_t end = doc_text.find("```", at);
    ASSERT_NE(end, std::string::npos);
    const std::string json = doc_text.substr(at, end - at);
    ++examples;
    auto doc = parse_routing_document(json);
    ASSERT_TRUE(doc.ok()) << "example " << examples << ": " << doc.error().message << "\n" << json;
    auto valid = validate_routing_document(*doc, d);
    EXPECT_TRUE(valid.ok()) << "example " << examples << ": " << valid.error().message;
    auto again = parse_routing_document(to_json(*doc, 2));
    ASSERT_TRUE(again.ok()) << again.error().message;
    EXPECT_EQ(to_json(*again), to_json(*doc));
    for (std::size_t i = 0; i < doc->schemes.size(); ++i) {
      EXPECT_EQ(again->schemes[i], doc->schemes[i]);
    }
    at = end + 3;
  }
  EXPECT_GE(examples, 3);
}

}  // namespace
}  // namespace dzvin::pbx
