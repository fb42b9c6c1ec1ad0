#pragma once
// A company's routing data in one JSON document: its schedules and its schemes, each keyed by
// name. This is the form of docs/routing-schemes.md, of the web app's import/export, and what
// the app converts the TOML configuration into.
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "pbx/directory.hpp"
#include "pbx/prompt_spec.hpp"
#include "pbx/recording_policy.hpp"
#include "pbx/routing_scheme.hpp"
#include "pbx/schedule.hpp"
#include "pbx/voicemail_box.hpp"

namespace dzvin::pbx {

struct RoutingDocument {
  std::vector<Schedule> schedules;            // in the order written
  std::vector<RoutingScheme> schemes;         // in the order written
  std::vector<PromptSpec> prompts;            // in the order written
  std::vector<VoicemailBox> voicemail_boxes;  // "voicemail": {"accounting": {...}}
  std::vector<DirectoryGroup> groups;         // "groups": {"sales": {"members": [...]}}
  std::vector<CallerList> caller_lists;       // "caller_lists": {"vip": {"numbers": [...]}}
  RecordingPolicy recording;                  // "recording": {...}; default: nothing recorded
};

// {"schedules": {"office": {...}}, "schemes": {"after-hours": {"steps": [...]}},
//  "prompts": {"hours": {"text": "...", "language": "uk"}, "welcome": {"file": "a.wav"}},
//  "voicemail": {"accounting": {"greeting": "vm", "emails": ["a@b.ua"], "max_length": 120}},
//  "groups": {"sales": {"description": "Sales", "members": ["1002", "1003"]}},
//  "caller_lists": {"vip": {"description": "The boss, top clients", "numbers": ["+380..."]}},
//  "recording": {"mode": "all", "stereo": false, "announcement": "recorded",
//                "users": {"1001": "on_demand"}, "retention_days": 90}}.
// Every member is optional. Errors name the field: `schedules.office.weekly.mon[0]: "9:00-18:00" is
// not HH:MM-HH:MM`, `schemes.after-hours.steps[0].timeout: ...`. References to users, groups and
// schedules are not checked here: see validate_routing_document.
Result<RoutingDocument> parse_routing_document(std::string_view json,
                                               const SchemeRules& rules = {});
std::string to_json(const RoutingDocument& document, int indent = -1);

// validate_routing_scheme for every scheme, against `directory` with the document's own
// schedules, prompts, voicemail boxes and groups added to what it has; the prompts and users
// that voicemail boxes, groups and the recording policy name must exist.
Result<void> validate_routing_document(const RoutingDocument& document, const Directory& directory,
                                       const SchemeLimits& limits = {});

}  // namespace dzvin::pbx
