// The JSON form of schedules, routing schemes and routing documents (docs/routing-schemes.md).
// The only file of pbx/ that includes nlohmann/json: it is a heavy header.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <optional>

#include "pbx/field_path.hpp"
#include "pbx/phone_number.hpp"
#include "pbx/routing_document.hpp"
#include "pbx/routing_scheme.hpp"
#include "pbx/schedule.hpp"

namespace dzvin::pbx {

namespace {

// Objects keep the order written, so what we write back reads like what was given.
using Json = nlohmann::ordered_json;

constexpr std::size_t kMaxJsonBytes = 1 << 20;
constexpr std::size_t kMaxDocumentEntries = 1000;

std::string dump(const Json& j, int indent) {
  // Invalid UTF-8 (only possible in values built in code) is replaced, never thrown.
  return j.dump(indent, ' ', false, Json::error_handler_t::replace);
}

Result<Json> parse_text(std::string_view text, std::string_view path) {
  if (text.size() > kMaxJsonBytes) return field_error(path, "JSON larger than 1 MiB");
  try {
    return Json::parse(text.begin(), text.end());
  } catch (const Json::parse_error& e) {
    // e.what() is "[json.exception.parse_error.101] parse error at line 1, column 5: ...".
    std::string what = e.what();
    if (auto close = what.find("] "); close != std::string::npos) what.erase(0, close + 2);
    return field_error(path, "invalid JSON: " + what);
  }
}

Result<void> expect_object(const Json& j, std::string_view path,
                           std::initializer_list<std::string_view> keys) {
  if (!j.is_object()) return field_error(path, "must be an object");
  for (const auto& [key, value] : j.items()) {
    bool known = false;
    for (std::string_view k : keys)
      known = known || k == key;
    if (!known) return field_error(field_path(path, key), "unknown key");
  }
  return {};
}

const Json* member(const Json& object, std::string_view key) {
  auto it = object.find(std::string(key));
  return it == object.end() ? nullptr : &*it;
}

Result<std::string> read_string(const Json& object, std::string_view key, std::string_view path,
                                std::optional<std::string> fallback = std::nullopt) {
  const Json* j = member(object, key);
  if (j == nullptr) {
    if (fallback) return *std::move(fallback);
    return field_error(field_path(path, key), "missing");
  }
  if (!j->is_string()) return field_error(field_path(path, key), "must be a string");
  return j->get<std::string>();
}

Result<std::int64_t> read_integer(const Json& object, std::string_view key, std::string_view path,
                                  std::int64_t fallback, std::int64_t min, std::int64_t max,
                                  std::string_view unit) {
  const Json* j = member(object, key);
  if (j == nullptr) return fallback;
  const std::string at = field_path(path, key);
  if (!j->is_number_integer()) return field_error(at, "must be a whole number");
  const bool too_big = j->is_number_unsigned()
                           ? j->get<std::uint64_t>() > static_cast<std::uint64_t>(max)
                           : j->get<std::int64_t>() > max;
  const bool too_small = j->is_number_unsigned()
                             ? min > 0 && j->get<std::uint64_t>() < static_cast<std::uint64_t>(min)
                             : j->get<std::int64_t>() < min;
  if (too_big || too_small) {
    return field_error(at, dump(*j, -1) + " is outside " + std::to_string(min) + ".." +
                               std::to_string(max) + std::string(unit));
  }
  return j->get<std::int64_t>();
}

Result<bool> read_bool(const Json& object, std::string_view key, std::string_view path,
                       bool fallback) {
  const Json* j = member(object, key);
  if (j == nullptr) return fallback;
  if (!j->is_boolean()) return field_error(field_path(path, key), "must be true or false");
  return j->get<bool>();
}

// ---- schedules ----

Result<std::vector<TimeRange>> ranges_from_json(const Json& j, const std::string& path) {
  if (!j.is_array()) return field_error(path, "must be a list of \"HH:MM-HH:MM\" ranges");
  std::vector<TimeRange> ranges;
  for (std::size_t i = 0; i < j.size(); ++i) {
    const std::string at = field_path(path, i);
    if (!j[i].is_string()) return field_error(at, "must be a string \"HH:MM-HH:MM\"");
    auto range = parse_time_range(j[i].get<std::string>());
    if (!range) return field_error(at, range.error().message);
    ranges.push_back(*range);
  }
  return ranges;
}

Result<Schedule> schedule_from_json(const Json& j, std::string name, const std::string& path) {
  if (auto ok = expect_object(j, path, {"time_zone", "weekly", "holidays", "exceptions"}); !ok) {
    return ok.error();
  }
  ScheduleSpec spec;
  spec.name = std::move(name);
  auto zone = read_string(j, "time_zone", path);
  if (!zone) return zone.error();
  spec.time_zone = std::move(*zone);

  if (const Json* weekly = member(j, "weekly")) {
    const std::string weekly_path = field_path(path, "weekly");
    if (!weekly->is_object()) return field_error(weekly_path, "must be an object");
    for (const auto& [key, value] : weekly->items()) {
      std::size_t day = 0;
      while (day < kWeekdayKeys.size() && kWeekdayKeys[day] != key)
        ++day;
      if (day == kWeekdayKeys.size()) {
        return field_error(field_path(weekly_path, key),
                           "unknown key (mon, tue, wed, thu, fri, sat, sun)");
      }
      auto ranges = ranges_from_json(value, field_path(weekly_path, key));
      if (!ranges) return ranges.error();
      spec.weekly[day] = std::move(*ranges);
    }
  }
  if (const Json* holidays = member(j, "holidays")) {
    const std::string holidays_path = field_path(path, "holidays");
    if (!holidays->is_array()) return field_error(holidays_path, "must be a list of dates");
    for (std::size_t i = 0; i < holidays->size(); ++i) {
      const std::string at = field_path(holidays_path, i);
      const Json& d = (*holidays)[i];
      if (!d.is_string()) return field_error(at, "must be a date string \"YYYY-MM-DD\"");
      auto date = parse_date(d.get<std::string>());
      if (!date) return field_error(at, date.error().message);
      spec.holidays.push_back(*date);
    }
  }
  if (const Json* exceptions = member(j, "exceptions")) {
    const std::string exceptions_path = field_path(path, "exceptions");
    if (!exceptions->is_object()) {
      return field_error(exceptions_path, "must be an object of \"YYYY-MM-DD\": [ranges]");
    }
    for (const auto& [key, value] : exceptions->items()) {
      const std::string at = field_path(exceptions_path, key);
      auto date = parse_date(key);
      if (!date) return field_error(at, date.error().message);
      auto ranges = ranges_from_json(value, at);
      if (!ranges) return ranges.error();
      spec.exceptions[*date] = std::move(*ranges);
    }
  }
  return Schedule::create(std::move(spec), path);
}

Json schedule_to_json(const Schedule& schedule) {
  const ScheduleSpec& spec = schedule.spec();
  Json j = Json::object();
  j["time_zone"] = spec.time_zone;
  Json weekly = Json::object();
  for (std::size_t d = 0; d < spec.weekly.size(); ++d) {
    if (spec.weekly[d].empty()) continue;
    Json ranges = Json::array();
    for (const TimeRange& r : spec.weekly[d])
      ranges.push_back(to_string(r));
    weekly[std::string(kWeekdayKeys[d])] = std::move(ranges);
  }
  j["weekly"] = std::move(weekly);
  if (!spec.holidays.empty()) {
    Json holidays = Json::array();
    for (const auto& date : spec.holidays)
      holidays.push_back(to_string(date));
    j["holidays"] = std::move(holidays);
  }
  if (!spec.exceptions.empty()) {
    Json exceptions = Json::object();
    for (const auto& [date, ranges] : spec.exceptions) {
      Json list = Json::array();
      for (const TimeRange& r : ranges)
        list.push_back(to_string(r));
      exceptions[to_string(date)] = std::move(list);
    }
    j["exceptions"] = std::move(exceptions);
  }
  return j;
}

// ---- schemes ----

Result<StepList> steps_from_json(const Json& j, const std::string& path, const SchemeRules& rules,
                                 std::size_t depth);

Result<std::chrono::seconds> timeout_from_json(const Json& j, const std::string& path,
                                               const SchemeRules& rules) {
  auto seconds = read_integer(j, "timeout", path, kDefaultRingTimeout.count(), 1,
                              rules.limits.max_timeout.count(), " s");
  if (!seconds) return seconds.error();
  return std::chrono::seconds{*seconds};
}

Result<Fallbacks> fallbacks_from_json(const Json& j, const std::string& path,
                                      const SchemeRules& rules, std::size_t depth) {
  Fallbacks fallbacks;
  const std::pair<std::string_view, std::optional<StepList>*> lists[] = {
      {"on_busy", &fallbacks.on_busy},
      {"on_no_answer", &fallbacks.on_no_answer},
      {"on_unavailable", &fallbacks.on_unavailable}};
  for (const auto& [key, list] : lists) {
    if (const Json* steps = member(j, key)) {
      auto parsed = steps_from_json(*steps, field_path(path, key), rules, depth + 1);
      if (!parsed) return parsed.error();
      *list = std::move(*parsed);
    }
  }
  return fallbacks;
}

// The destination of a forward step: a SIP URI, or a phone number with or without "number:".
Result<Target> destination_from_json(const Json& j, const std::string& path,
                                     const NumberingPlan& plan) {
  auto to = read_string(j, "to", path);
  if (!to) return to.error();
  std::string_view text = *to;
  if (text.substr(0, 7) == "number:") text.remove_prefix(7);
  // parse_target knows URIs by their scheme (any case); anything else here is a number.
  const bool uri = text.find(':') != std::string_view::npos;
  auto target = parse_target(uri ? std::string(text) : "number:" + std::string(text), plan);
  if (!target) return field_error(field_path(path, "to"), target.error().message);
  return target;
}

Result<Step> step_from_json(const Json& j, const std::string& path, const SchemeRules& rules,
                            std::size_t depth) {
  if (!j.is_object()) return field_error(path, "must be an object with a \"type\"");
  auto type = read_string(j, "type", path);
  if (!type) return type.error();

  if (*type == "ring") {
    if (auto ok = expect_object(j, path,
                                {"type", "targets", "strategy", "timeout", "skip_unavailable",
                                 "on_busy", "on_no_answer", "on_unavailable"});
        !ok) {
      return ok.error();
    }
    RingStep ring;
    const std::string targets_path = field_path(path, "targets");
    const Json* targets = member(j, "targets");
    if (targets == nullptr) return field_error(targets_path, "missing");
    if (!targets->is_array()) return field_error(targets_path, "must be a list of targets");
    if (targets->size() > rules.limits.max_targets_per_step) {
      return field_error(
          targets_path,
          "at most " + std::to_string(rules.limits.max_targets_per_step) + " targets in a step");
    }
    for (std::size_t i = 0; i < targets->size(); ++i) {
      const std::string at = field_path(targets_path, i);
      const Json& t = (*targets)[i];
      if (!t.is_string()) return field_error(at, "must be a string such as \"user:NAME\"");
      auto target = parse_target(t.get<std::string>(), rules.numbering);
      if (!target) return field_error(at, target.error().message);
      ring.targets.push_back(std::move(*target));
    }
    auto strategy = read_string(j, "strategy", path, "sequential");
    if (!strategy) return strategy.error();
    if (*strategy == "simultaneous") {
      ring.strategy = RingStrategy::simultaneous;
    } else if (*strategy != "sequential") {
      return field_error(field_path(path, "strategy"),
                         in_quotes(*strategy) + " is not sequential or simultaneous");
    }
    auto timeout = timeout_from_json(j, path, rules);
    if (!timeout) return timeout.error();
    ring.timeout = *timeout;
    auto skip = read_bool(j, "skip_unavailable", path, true);
    if (!skip) return skip.error();
    ring.skip_unavailable = *skip;
    auto fallbacks = fallbacks_from_json(j, path, rules, depth);
    if (!fallbacks) return fallbacks.error();
    ring.fallbacks = std::move(*fallbacks);
    return Step{std::move(ring)};
  }
  if (*type == "forward") {
    if (auto ok = expect_object(
            j, path,
            {"type", "to", "timeout", "trunk", "on_busy", "on_no_answer", "on_unavailable"});
        !ok) {
      return ok.error();
    }
    ForwardStep forward;
    auto to = destination_from_json(j, path, rules.numbering);
    if (!to) return to.error();
    forward.to = std::move(*to);
    auto timeout = timeout_from_json(j, path, rules);
    if (!timeout) return timeout.error();
    forward.timeout = *timeout;
    auto trunk = read_string(j, "trunk", path, "");
    if (!trunk) return trunk.error();
    forward.trunk = std::move(*trunk);
    auto fallbacks = fallbacks_from_json(j, path, rules, depth);
    if (!fallbacks) return fallbacks.error();
    forward.fallbacks = std::move(*fallbacks);
    return Step{std::move(forward)};
  }
  if (*type == "when") {
    WhenStep when;
    const bool by_caller = member(j, "caller_in") != nullptr;
    if (by_caller) {
      if (auto ok = expect_object(j, path, {"type", "caller_in", "listed", "others"}); !ok) {
        return ok.error();
      }
      auto list = read_string(j, "caller_in", path);
      if (!list) return list.error();
      when.caller_in = std::move(*list);
    } else {
      if (auto ok = expect_object(j, path, {"type", "schedule", "open", "closed"}); !ok) {
        return ok.error();
      }
      auto schedule = read_string(j, "schedule", path);
      if (!schedule) return schedule.error();
      when.schedule = std::move(*schedule);
    }
    const char* first = by_caller ? "listed" : "open";
    const char* second = by_caller ? "others" : "closed";
    for (auto [key, list] : {std::pair{first, &when.open}, std::pair{second, &when.closed}}) {
      if (const Json* steps = member(j, key)) {
        auto parsed = steps_from_json(*steps, field_path(path, key), rules, depth + 1);
        if (!parsed) return parsed.error();
        *list = std::move(*parsed);
      }
    }
    return Step{std::move(when)};
  }
  if (*type == "voicemail") {
    if (auto ok = expect_object(j, path, {"type", "box"}); !ok) return ok.error();
    auto box = read_string(j, "box", path);
    if (!box) return box.error();
    return Step{VoicemailStep{std::move(*box)}};
  }
  if (*type == "menu") {
    if (auto ok = expect_object(j, path,
                                {"type", "prompt", "options", "timeout", "retries",
                                 "invalid_prompt", "no_input_prompt"});
        !ok) {
      return ok.error();
    }
    MenuStep menu;
    auto prompt = read_string(j, "prompt", path);
    if (!prompt) return prompt.error();
    menu.prompt = std::move(*prompt);
    for (auto [key, field] : {std::pair{"invalid_prompt", &menu.invalid_prompt},
                              std::pair{"no_input_prompt", &menu.no_input_prompt}}) {
      auto v = read_string(j, key, path, "");
      if (!v) return v.error();
      *field = std::move(*v);
    }
    auto timeout = read_integer(j, "timeout", path, 5, 1, 60, " s");
    if (!timeout) return timeout.error();
    menu.timeout = std::chrono::seconds(*timeout);
    auto retries = read_integer(j, "retries", path, 2, 0, 5, "");
    if (!retries) return retries.error();
    menu.retries = static_cast<int>(*retries);
    const Json* options = member(j, "options");
    const std::string at = field_path(path, "options");
    if (options == nullptr || !options->is_object() || options->empty()) {
      return field_error(at, "must be an object of keys (\"1\": [steps])");
    }
    for (const auto& [key, steps] : options->items()) {
      if (key.size() != 1 || std::string_view("0123456789*#").find(key[0]) == std::string::npos) {
        return field_error(at, in_quotes(key) + " is not a key (0-9, *, #)");
      }
      auto parsed = steps_from_json(steps, field_path(at, key), rules, depth + 1);
      if (!parsed) return parsed.error();
      menu.options.emplace_back(key[0], std::move(*parsed));
    }
    return Step{std::move(menu)};
  }
  if (*type == "play") {
    if (auto ok = expect_object(j, path, {"type", "prompt"}); !ok) return ok.error();
    auto prompt = read_string(j, "prompt", path);
    if (!prompt) return prompt.error();
    return Step{PlayStep{std::move(*prompt)}};
  }
  if (*type == "hangup") {
    if (auto ok = expect_object(j, path, {"type", "status", "reason"}); !ok) return ok.error();
    HangupStep hangup;
    auto status = read_integer(j, "status", path, hangup.status, 400, 699, "");
    if (!status) return status.error();
    hangup.status = static_cast<int>(*status);
    auto reason = read_string(j, "reason", path, "");
    if (!reason) return reason.error();
    hangup.reason = std::move(*reason);
    return Step{std::move(hangup)};
  }
  return field_error(field_path(path, "type"),
                     "unknown step type " + in_quotes(*type) +
                         " (ring, forward, when, voicemail, hangup, play, menu)");
}

Result<StepList> steps_from_json(const Json& j, const std::string& path, const SchemeRules& rules,
                                 std::size_t depth) {
  // Checked before descending: a hostile document cannot make this recursion deep.
  if (depth > rules.limits.max_depth) {
    return field_error(
        path, "steps nested deeper than " + std::to_string(rules.limits.max_depth) + " levels");
  }
  if (!j.is_array()) return field_error(path, "must be a list of steps");
  if (j.size() > rules.limits.max_steps) {
    return field_error(
        path, "more than " + std::to_string(rules.limits.max_steps) + " steps in the scheme");
  }
  StepList steps;
  steps.reserve(j.size());
  for (std::size_t i = 0; i < j.size(); ++i) {
    auto step = step_from_json(j[i], field_path(path, i), rules, depth);
    if (!step) return step.error();
    steps.push_back(std::move(*step));
  }
  return steps;
}

// `key_name`: the name given by the document's key; the object may then omit "name".
Result<RoutingScheme> scheme_from_json(const Json& j, const std::string& path,
                                       const SchemeRules& rules,
                                       std::optional<std::string> key_name = std::nullopt) {
  if (auto ok = expect_object(j, path, {"name", "description", "steps", "record"}); !ok) {
    return ok.error();
  }
  RoutingScheme scheme;
  auto name = read_string(j, "name", path, key_name);
  if (!name) return name.error();
  if (key_name && *name != *key_name) {
    return field_error(field_path(path, "name"),
                       in_quotes(*name) + " differs from the key " + in_quotes(*key_name));
  }
  scheme.name = std::move(*name);
  auto description = read_string(j, "description", path, "");
  if (!description) return description.error();
  scheme.description = std::move(*description);
  if (member(j, "record") != nullptr) {
    auto record = read_string(j, "record", path);
    if (!record) return record.error();
    auto mode = parse_recording_mode(*record);
    if (!mode) return field_error(field_path(path, "record"), mode.error().message);
    scheme.record = *mode;
  }
  const Json* steps = member(j, "steps");
  if (steps == nullptr) return field_error(field_path(path, "steps"), "missing");
  auto parsed = steps_from_json(*steps, field_path(path, "steps"), rules, 1);
  if (!parsed) return parsed.error();
  scheme.steps = std::move(*parsed);
  if (auto ok = check_routing_scheme(scheme, rules.limits, path); !ok) return ok.error();
  return scheme;
}

Json steps_to_json(const StepList& steps);

void fallbacks_to_json(const Fallbacks& f, Json& j) {
  if (f.on_busy) j["on_busy"] = steps_to_json(*f.on_busy);
  if (f.on_no_answer) j["on_no_answer"] = steps_to_json(*f.on_no_answer);
  if (f.on_unavailable) j["on_unavailable"] = steps_to_json(*f.on_unavailable);
}

Json step_to_json(const Step& step) {
  Json j = Json::object();
  j["type"] = std::string(step_type(step));
  if (const auto* ring = std::get_if<RingStep>(&step.body)) {
    Json targets = Json::array();
    for (const Target& t : ring->targets)
      targets.push_back(to_string(t));
    j["targets"] = std::move(targets);
    j["strategy"] = std::string(to_string(ring->strategy));
    j["timeout"] = ring->timeout.count();
    j["skip_unavailable"] = ring->skip_unavailable;
    fallbacks_to_json(ring->fallbacks, j);
  } else if (const auto* forward = std::get_if<ForwardStep>(&step.body)) {
    j["to"] = forward->to.value;  // bare E.164 number or the URI
    j["timeout"] = forward->timeout.count();
    if (!forward->trunk.empty()) j["trunk"] = forward->trunk;
    fallbacks_to_json(forward->fallbacks, j);
  } else if (const auto* when = std::get_if<WhenStep>(&step.body)) {
    if (!when->caller_in.empty()) {
      j["caller_in"] = when->caller_in;
      j["listed"] = steps_to_json(when->open);
      j["others"] = steps_to_json(when->closed);
    } else {
      j["schedule"] = when->schedule;
      j["open"] = steps_to_json(when->open);
      j["closed"] = steps_to_json(when->closed);
    }
  } else if (const auto* voicemail = std::get_if<VoicemailStep>(&step.body)) {
    j["box"] = voicemail->box;
  } else if (const auto* hangup = std::get_if<HangupStep>(&step.body)) {
    j["status"] = hangup->status;
    if (!hangup->reason.empty()) j["reason"] = hangup->reason;
  } else if (const auto* play = std::get_if<PlayStep>(&step.body)) {
    j["prompt"] = play->prompt;
  } else if (const auto* menu = std::get_if<MenuStep>(&step.body)) {
    j["prompt"] = menu->prompt;
    j["timeout"] = menu->timeout.count();
    j["retries"] = menu->retries;
    if (!menu->invalid_prompt.empty()) j["invalid_prompt"] = menu->invalid_prompt;
    if (!menu->no_input_prompt.empty()) j["no_input_prompt"] = menu->no_input_prompt;
    Json options = Json::object();
    for (const auto& [key, steps] : menu->options)
      options[std::string(1, key)] = steps_to_json(steps);
    j["options"] = std::move(options);
  }
  return j;
}

Json steps_to_json(const StepList& steps) {
  Json j = Json::array();
  for (const Step& step : steps)
    j.push_back(step_to_json(step));
  return j;
}

// ---- voicemail boxes and the recording policy ----

Result<VoicemailBox> voicemail_box_from_json(const Json& j, const std::string& name,
                                             const std::string& path) {
  if (auto ok = expect_object(
          j, path, {"greeting", "emails", "language", "max_length", "silence", "min_length"});
      !ok) {
    return ok.error();
  }
  VoicemailBox box;
  box.name = name;
  auto greeting = read_string(j, "greeting", path, "");
  if (!greeting) return greeting.error();
  box.greeting = std::move(*greeting);
  auto language = read_string(j, "language", path, box.language);
  if (!language) return language.error();
  box.language = std::move(*language);
  if (const Json* emails = member(j, "emails")) {
    const std::string at = field_path(path, "emails");
    if (!emails->is_array()) return field_error(at, "must be a list of e-mail addresses");
    for (std::size_t i = 0; i < emails->size(); ++i) {
      if (!(*emails)[i].is_string()) return field_error(field_path(at, i), "must be a string");
      box.emails.push_back((*emails)[i].get<std::string>());
    }
  }
  auto max_length = read_integer(j, "max_length", path, box.max_length.count(), 5, 3600, " s");
  if (!max_length) return max_length.error();
  box.max_length = std::chrono::seconds(*max_length);
  auto silence = read_integer(j, "silence", path, box.silence.count(), 0, 60, " s");
  if (!silence) return silence.error();
  box.silence = std::chrono::seconds(*silence);
  auto min_length = read_integer(j, "min_length", path, box.min_length.count(), 0, 60, " s");
  if (!min_length) return min_length.error();
  box.min_length = std::chrono::seconds(*min_length);
  if (auto ok = check_voicemail_box(box, path); !ok) return ok.error();
  return box;
}

Json voicemail_box_to_json(const VoicemailBox& b) {
  Json j = Json::object();
  if (!b.greeting.empty()) j["greeting"] = b.greeting;
  j["emails"] = b.emails;
  j["language"] = b.language;
  j["max_length"] = b.max_length.count();
  j["silence"] = b.silence.count();
  j["min_length"] = b.min_length.count();
  return j;
}

Result<RecordingPolicy> recording_policy_from_json(const Json& j, const std::string& path) {
  if (auto ok =
          expect_object(j, path, {"mode", "stereo", "announcement", "users", "retention_days"});
      !ok) {
    return ok.error();
  }
  RecordingPolicy policy;
  auto mode = read_string(j, "mode", path, "none");
  if (!mode) return mode.error();
  auto parsed = parse_recording_mode(*mode);
  if (!parsed) return field_error(field_path(path, "mode"), parsed.error().message);
  policy.mode = *parsed;
  auto stereo = read_bool(j, "stereo", path, false);
  if (!stereo) return stereo.error();
  policy.stereo = *stereo;
  auto announcement = read_string(j, "announcement", path, "");
  if (!announcement) return announcement.error();
  policy.announcement = std::move(*announcement);
  auto days = read_integer(j, "retention_days", path, policy.retention.count(), 0, 36500, " days");
  if (!days) return days.error();
  policy.retention = std::chrono::days(*days);
  if (const Json* users = member(j, "users")) {
    const std::string at = field_path(path, "users");
    if (!users->is_object()) return field_error(at, "must be an object: user -> mode");
    for (const auto& [user, value] : users->items()) {
      if (!value.is_string()) return field_error(field_path(at, user), "must be a string");
      auto m = parse_recording_mode(value.get<std::string>());
      if (!m) return field_error(field_path(at, user), m.error().message);
      policy.users[user] = *m;
    }
  }
  return policy;
}

Json recording_policy_to_json(const RecordingPolicy& p) {
  Json j = Json::object();
  j["mode"] = std::string(to_string(p.mode));
  j["stereo"] = p.stereo;
  if (!p.announcement.empty()) j["announcement"] = p.announcement;
  if (!p.users.empty()) {
    Json users = Json::object();
    for (const auto& [user, mode] : p.users)
      users[user] = std::string(to_string(mode));
    j["users"] = std::move(users);
  }
  j["retention_days"] = p.retention.count();
  return j;
}

// ---- groups ----

constexpr std::size_t kMaxGroupMembers = 64;

Result<DirectoryGroup> group_from_json(const Json& j, const std::string& name,
                                       const std::string& path) {
  if (auto ok = expect_object(j, path, {"description", "members"}); !ok) return ok.error();
  DirectoryGroup group;
  group.name = name;
  auto description = read_string(j, "description", path, "");
  if (!description) return description.error();
  group.description = std::move(*description);
  const Json* members = member(j, "members");
  const std::string at = field_path(path, "members");
  if (members == nullptr) return field_error(at, "is required (a list of user names)");
  if (!members->is_array()) return field_error(at, "must be a list of user names");
  if (members->size() > kMaxGroupMembers) {
    return field_error(at, "more than " + std::to_string(kMaxGroupMembers) + " members");
  }
  for (std::size_t i = 0; i < members->size(); ++i) {
    const Json& m = (*members)[i];
    if (!m.is_string() || m.get_ref<const std::string&>().empty()) {
      return field_error(field_path(at, i), "must be a user name");
    }
    const std::string& user = m.get_ref<const std::string&>();
    if (std::find(group.members.begin(), group.members.end(), user) != group.members.end()) {
      return field_error(field_path(at, i), in_quotes(user) + " is listed twice");
    }
    group.members.push_back(user);
  }
  return group;
}

constexpr std::size_t kMaxListNumbers = 1000;

Result<CallerList> caller_list_from_json(const Json& j, const std::string& name,
                                         const std::string& path) {
  if (auto ok = expect_object(j, path, {"description", "numbers"}); !ok) return ok.error();
  CallerList list;
  list.name = name;
  auto description = read_string(j, "description", path, "");
  if (!description) return description.error();
  list.description = std::move(*description);
  const Json* numbers = member(j, "numbers");
  const std::string at = field_path(path, "numbers");
  if (numbers == nullptr) return field_error(at, "is required (a list of phone numbers)");
  if (!numbers->is_array()) return field_error(at, "must be a list of phone numbers");
  if (numbers->size() > kMaxListNumbers) {
    return field_error(at, "more than " + std::to_string(kMaxListNumbers) + " numbers");
  }
  for (std::size_t i = 0; i < numbers->size(); ++i) {
    const Json& n = (*numbers)[i];
    if (!n.is_string()) return field_error(field_path(at, i), "must be a phone number");
    auto number = normalize_phone_number(n.get_ref<const std::string&>());
    if (!number) return field_error(field_path(at, i), number.error().message);
    if (std::find(list.numbers.begin(), list.numbers.end(), number->text) != list.numbers.end()) {
      return field_error(field_path(at, i), in_quotes(number->text) + " is listed twice");
    }
    list.numbers.push_back(number->text);
  }
  return list;
}

Json caller_list_to_json(const CallerList& l) {
  Json j = Json::object();
  if (!l.description.empty()) j["description"] = l.description;
  j["numbers"] = l.numbers;
  return j;
}

Json group_to_json(const DirectoryGroup& g) {
  Json j = Json::object();
  if (!g.description.empty()) j["description"] = g.description;
  j["members"] = g.members;
  return j;
}

Json scheme_to_json(const RoutingScheme& scheme, bool with_name) {
  Json j = Json::object();
  if (with_name) j["name"] = scheme.name;
  if (!scheme.description.empty()) j["description"] = scheme.description;
  if (scheme.record) j["record"] = std::string(to_string(*scheme.record));
  j["steps"] = steps_to_json(scheme.steps);
  return j;
}

}  // namespace

Result<Schedule> parse_schedule(std::string_view json, std::string name, std::string_view path) {
  if (auto ok = check_routing_name(name, path, "schedule"); !ok) return ok.error();
  auto j = parse_text(json, path);
  if (!j) return j.error();
  return schedule_from_json(*j, std::move(name), std::string(path));
}

std::string to_json(const Schedule& schedule) {
  return dump(schedule_to_json(schedule), -1);
}

Result<RoutingScheme> parse_routing_scheme(std::string_view json, const SchemeRules& rules,
                                           std::string_view path) {
  auto j = parse_text(json, path);
  if (!j) return j.error();
  return scheme_from_json(*j, std::string(path), rules);
}

std::string to_json(const RoutingScheme& scheme, int indent) {
  return dump(scheme_to_json(scheme, true), indent);
}

Result<RoutingDocument> parse_routing_document(std::string_view json, const SchemeRules& rules) {
  auto j = parse_text(json, "");
  if (!j) return j.error();
  if (auto ok = expect_object(
          *j, "",
          {"schedules", "schemes", "prompts", "voicemail", "groups", "caller_lists", "recording"});
      !ok) {
    return ok.error();
  }
  RoutingDocument document;
  if (const Json* rec = member(*j, "recording")) {
    auto policy = recording_policy_from_json(*rec, "recording");
    if (!policy) return policy.error();
    document.recording = std::move(*policy);
  }
  for (std::string_view section :
       {"schedules", "schemes", "prompts", "voicemail", "groups", "caller_lists"}) {
    const Json* entries = member(*j, section);
    if (entries == nullptr) continue;
    if (!entries->is_object()) return field_error(section, "must be an object keyed by name");
    if (entries->size() > kMaxDocumentEntries) {
      return field_error(section, "more than " + std::to_string(kMaxDocumentEntries) + " entries");
    }
    for (const auto& [name, value] : entries->items()) {
      const std::string at = field_path(section, name);
      if (section == "schedules") {
        if (auto ok = check_routing_name(name, at, "schedule"); !ok) return ok.error();
        auto schedule = schedule_from_json(value, name, at);
        if (!schedule) return schedule.error();
        document.schedules.push_back(std::move(*schedule));
      } else if (section == "prompts") {
        if (auto ok = expect_object(value, at, {"text", "language", "file"}); !ok) {
          return ok.error();
        }
        PromptSpec prompt;
        prompt.name = name;
        for (auto [key, field] :
             {std::pair{"text", &prompt.text}, std::pair{"language", &prompt.language},
              std::pair{"file", &prompt.file}}) {
          auto v = read_string(value, key, at, "");
          if (!v) return v.error();
          *field = std::move(*v);
        }
        if (auto ok = check_prompt_spec(prompt, at); !ok) return ok.error();
        document.prompts.push_back(std::move(prompt));
      } else if (section == "voicemail") {
        if (auto ok = check_routing_name(name, at, "voicemail box"); !ok) return ok.error();
        auto box = voicemail_box_from_json(value, name, at);
        if (!box) return box.error();
        document.voicemail_boxes.push_back(std::move(*box));
      } else if (section == "caller_lists") {
        if (auto ok = check_routing_name(name, at, "caller list"); !ok) return ok.error();
        auto list = caller_list_from_json(value, name, at);
        if (!list) return list.error();
        document.caller_lists.push_back(std::move(*list));
      } else if (section == "groups") {
        if (auto ok = check_routing_name(name, at, "group"); !ok) return ok.error();
        auto group = group_from_json(value, name, at);
        if (!group) return group.error();
        document.groups.push_back(std::move(*group));
      } else {
        auto scheme = scheme_from_json(value, at, rules, name);
        if (!scheme) return scheme.error();
        document.schemes.push_back(std::move(*scheme));
      }
    }
  }
  return document;
}

std::string to_json(const RoutingDocument& document, int indent) {
  Json j = Json::object();
  Json schedules = Json::object();
  for (const Schedule& s : document.schedules)
    schedules[s.name()] = schedule_to_json(s);
  Json schemes = Json::object();
  for (const RoutingScheme& s : document.schemes)
    schemes[s.name] = scheme_to_json(s, false);
  j["schedules"] = std::move(schedules);
  j["schemes"] = std::move(schemes);
  if (!document.prompts.empty()) {
    Json prompts = Json::object();
    for (const PromptSpec& p : document.prompts) {
      Json one = Json::object();
      if (!p.file.empty()) {
        one["file"] = p.file;
      } else {
        one["text"] = p.text;
        one["language"] = p.language;
      }
      prompts[p.name] = std::move(one);
    }
    j["prompts"] = std::move(prompts);
  }
  if (!document.voicemail_boxes.empty()) {
    Json boxes = Json::object();
    for (const VoicemailBox& b : document.voicemail_boxes)
      boxes[b.name] = voicemail_box_to_json(b);
    j["voicemail"] = std::move(boxes);
  }
  if (!document.groups.empty()) {
    Json groups = Json::object();
    for (const DirectoryGroup& g : document.groups)
      groups[g.name] = group_to_json(g);
    j["groups"] = std::move(groups);
  }
  if (!document.caller_lists.empty()) {
    Json lists = Json::object();
    for (const CallerList& l : document.caller_lists)
      lists[l.name] = caller_list_to_json(l);
    j["caller_lists"] = std::move(lists);
  }
  if (document.recording != RecordingPolicy{}) {
    j["recording"] = recording_policy_to_json(document.recording);
  }
  return dump(j, indent);
}

}  // namespace dzvin::pbx
