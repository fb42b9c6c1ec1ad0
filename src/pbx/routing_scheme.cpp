#include "pbx/routing_scheme.hpp"

#include <algorithm>
#include <functional>
#include <set>

#include "pbx/directory.hpp"
#include "pbx/field_path.hpp"

namespace dzvin::pbx {

namespace {

constexpr std::size_t kMaxNameLength = 64;
constexpr std::size_t kMaxUriLength = 256;
constexpr std::size_t kMaxReasonLength = 100;
constexpr std::size_t kMaxDescriptionLength = 500;

bool has_control(std::string_view text) {
  return std::any_of(text.begin(), text.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
}

bool starts_with_nocase(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    const char c =
        text[i] >= 'A' && text[i] <= 'Z' ? static_cast<char>(text[i] - 'A' + 'a') : text[i];
    if (c != prefix[i]) return false;
  }
  return true;
}

}  // namespace

Result<void> check_routing_name(std::string_view name, std::string_view path,
                                std::string_view what) {
  if (name.empty()) return field_error(path, std::string(what) + " name missing");
  if (name.size() > kMaxNameLength) {
    return field_error(path, std::string(what) + " name longer than 64 bytes");
  }
  if (has_control(name) || name.front() == ' ' || name.back() == ' ') {
    return field_error(path, std::string(what) + " name " + in_quotes(name) +
                                 " has control characters or surrounding spaces");
  }
  return {};
}

namespace {

// A light check of a SIP URI (the routing layer knows no SIP grammar): a sip/sips scheme,
// something after it, a host after any '@', and nothing that would break a header.
Result<void> check_uri(std::string_view uri, std::string_view path) {
  const std::size_t colon = uri.find(':');
  const bool sip = starts_with_nocase(uri, "sip:") || starts_with_nocase(uri, "sips:");
  const std::size_t at = uri.find('@');
  if (!sip || uri.size() > kMaxUriLength || colon + 1 >= uri.size() ||
      (at != std::string_view::npos && at + 1 >= uri.size()) || has_control(uri) ||
      uri.find_first_of(" <>\"") != std::string_view::npos) {
    return field_error(path, in_quotes(uri) + " is not a SIP URI (sip:user@host)");
  }
  return {};
}

Result<void> check_target(const Target& target, std::string_view path) {
  switch (target.kind) {
    case TargetKind::user:
      return check_routing_name(target.value, path, "user");
    case TargetKind::group:
      return check_routing_name(target.value, path, "group");
    case TargetKind::number:
      if (!is_e164(target.value)) {
        return field_error(path, in_quotes(target.value) + " is not an E.164 number");
      }
      return {};
    case TargetKind::uri:
      return check_uri(target.value, path);
  }
  return {};
}

Result<void> check_timeout(std::chrono::seconds timeout, const SchemeLimits& limits,
                           std::string_view path) {
  if (timeout < std::chrono::seconds{1} || timeout > limits.max_timeout) {
    return field_error(path, "timeout " + std::to_string(timeout.count()) + " s is outside 1.." +
                                 std::to_string(limits.max_timeout.count()) + " s");
  }
  return {};
}

// Calls `visit` for every step, depth first, with its path and nesting depth (1 = top level).
using StepVisitor =
    std::function<Result<void>(const Step& step, const std::string& path, std::size_t depth)>;

Result<void> walk(const StepList& steps, const std::string& path, std::size_t depth,
                  const StepVisitor& visit);

Result<void> walk_fallbacks(const Fallbacks& f, const std::string& path, std::size_t depth,
                            const StepVisitor& visit) {
  if (f.on_busy) {
    if (auto ok = walk(*f.on_busy, field_path(path, "on_busy"), depth + 1, visit); !ok) return ok;
  }
  if (f.on_no_answer) {
    if (auto ok = walk(*f.on_no_answer, field_path(path, "on_no_answer"), depth + 1, visit); !ok) {
      return ok;
    }
  }
  if (f.on_unavailable) {
    return walk(*f.on_unavailable, field_path(path, "on_unavailable"), depth + 1, visit);
  }
  return {};
}

Result<void> walk(const StepList& steps, const std::string& path, std::size_t depth,
                  const StepVisitor& visit) {
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const std::string at = field_path(path, i);
    if (auto ok = visit(steps[i], at, depth); !ok) return ok;
    const auto& body = steps[i].body;
    Result<void> nested;
    if (const auto* ring = std::get_if<RingStep>(&body)) {
      nested = walk_fallbacks(ring->fallbacks, at, depth, visit);
    } else if (const auto* forward = std::get_if<ForwardStep>(&body)) {
      nested = walk_fallbacks(forward->fallbacks, at, depth, visit);
    } else if (const auto* when = std::get_if<WhenStep>(&body)) {
      const bool by_caller = !when->caller_in.empty();
      nested = walk(when->open, field_path(at, by_caller ? "listed" : "open"), depth + 1, visit);
      if (nested) {
        nested =
            walk(when->closed, field_path(at, by_caller ? "others" : "closed"), depth + 1, visit);
      }
    } else if (const auto* menu = std::get_if<MenuStep>(&body)) {
      for (const auto& [key, branch] : menu->options) {
        nested = walk(branch, field_path(field_path(at, "options"), std::string(1, key)), depth + 1,
                      visit);
        if (!nested) break;
      }
    }
    if (!nested) return nested;
  }
  return {};
}

Result<void> check_step(const Step& step, const std::string& at, const SchemeLimits& limits) {
  if (const auto* ring = std::get_if<RingStep>(&step.body)) {
    const std::string targets = field_path(at, "targets");
    if (ring->targets.empty()) return field_error(targets, "at least one target");
    if (ring->targets.size() > limits.max_targets_per_step) {
      return field_error(
          targets, "at most " + std::to_string(limits.max_targets_per_step) + " targets in a step");
    }
    for (std::size_t i = 0; i < ring->targets.size(); ++i) {
      if (auto ok = check_target(ring->targets[i], field_path(targets, i)); !ok) return ok;
    }
    return check_timeout(ring->timeout, limits, field_path(at, "timeout"));
  }
  if (const auto* forward = std::get_if<ForwardStep>(&step.body)) {
    const std::string to = field_path(at, "to");
    if (forward->to.kind != TargetKind::number && forward->to.kind != TargetKind::uri) {
      return field_error(to, "a forward goes to a phone number or a SIP URI");
    }
    if (auto ok = check_target(forward->to, to); !ok) return ok;
    if (!forward->trunk.empty()) {
      if (auto ok = check_routing_name(forward->trunk, field_path(at, "trunk"), "trunk"); !ok)
        return ok;
    }
    return check_timeout(forward->timeout, limits, field_path(at, "timeout"));
  }
  if (const auto* when = std::get_if<WhenStep>(&step.body)) {
    if (!when->caller_in.empty()) {
      return check_routing_name(when->caller_in, field_path(at, "caller_in"), "caller list");
    }
    return check_routing_name(when->schedule, field_path(at, "schedule"), "schedule");
  }
  if (const auto* voicemail = std::get_if<VoicemailStep>(&step.body)) {
    return check_routing_name(voicemail->box, field_path(at, "box"), "voicemail box");
  }
  if (const auto* play = std::get_if<PlayStep>(&step.body)) {
    return check_routing_name(play->prompt, field_path(at, "prompt"), "prompt");
  }
  if (const auto* menu = std::get_if<MenuStep>(&step.body)) {
    if (auto ok = check_routing_name(menu->prompt, field_path(at, "prompt"), "prompt"); !ok) {
      return ok;
    }
    for (auto [field, name] : {std::pair{"invalid_prompt", &menu->invalid_prompt},
                               std::pair{"no_input_prompt", &menu->no_input_prompt}}) {
      if (name->empty()) continue;
      if (auto ok = check_routing_name(*name, field_path(at, field), "prompt"); !ok) return ok;
    }
    if (menu->options.empty()) return field_error(field_path(at, "options"), "at least one key");
    for (const auto& option : menu->options) {
      if (std::string_view("0123456789*#").find(option.first) == std::string_view::npos) {
        return field_error(field_path(at, "options"),
                           "\"" + std::string(1, option.first) + "\" is not a key (0-9, *, #)");
      }
    }
    if (menu->retries < 0 || menu->retries > 5) {
      return field_error(field_path(at, "retries"), "0 to 5");
    }
    if (menu->timeout.count() < 1 || menu->timeout.count() > 60) {
      return field_error(field_path(at, "timeout"), "1 to 60 s");
    }
  }
  if (const auto* hangup = std::get_if<HangupStep>(&step.body)) {
    if (hangup->status < 400 || hangup->status > 699) {
      return field_error(field_path(at, "status"), std::to_string(hangup->status) +
                                                       " is not a final failure status (400-699)");
    }
    if (hangup->reason.size() > kMaxReasonLength || has_control(hangup->reason)) {
      return field_error(field_path(at, "reason"),
                         "at most 100 characters without control characters");
    }
  }
  return {};
}

// Users a ring step's targets stand for, for the max_ring_targets limit.
std::size_t count_ring_targets(const RingStep& ring, const Directory& directory) {
  std::set<std::string, std::less<>> users;
  std::size_t others = 0;
  for (const Target& t : ring.targets) {
    if (t.kind == TargetKind::user) {
      users.insert(t.value);
    } else if (t.kind == TargetKind::group) {
      if (const DirectoryGroup* g = directory.find_group(t.value)) {
        users.insert(g->members.begin(), g->members.end());
      }
    } else {
      ++others;
    }
  }
  return users.size() + others;
}

Result<void> check_references(const Step& step, const std::string& at, const Directory& directory,
                              const SchemeLimits& limits) {
  if (const auto* ring = std::get_if<RingStep>(&step.body)) {
    const std::string targets = field_path(at, "targets");
    for (std::size_t i = 0; i < ring->targets.size(); ++i) {
      const Target& t = ring->targets[i];
      if (t.kind == TargetKind::user && directory.find_user(t.value) == nullptr) {
        return field_error(field_path(targets, i), "unknown user " + in_quotes(t.value));
      }
      if (t.kind == TargetKind::group && directory.find_group(t.value) == nullptr) {
        return field_error(field_path(targets, i), "unknown group " + in_quotes(t.value));
      }
    }
    if (const std::size_t n = count_ring_targets(*ring, directory); n > limits.max_ring_targets) {
      return field_error(targets, "expands to " + std::to_string(n) + " ring targets, at most " +
                                      std::to_string(limits.max_ring_targets));
    }
  } else if (const auto* forward = std::get_if<ForwardStep>(&step.body)) {
    if (!forward->trunk.empty() && !directory.has_trunk(forward->trunk)) {
      return field_error(field_path(at, "trunk"), "unknown trunk " + in_quotes(forward->trunk));
    }
  } else if (const auto* when = std::get_if<WhenStep>(&step.body)) {
    if (!when->caller_in.empty()) {
      if (directory.find_caller_list(when->caller_in) == nullptr) {
        return field_error(field_path(at, "caller_in"),
                           "unknown caller list " + in_quotes(when->caller_in));
      }
    } else if (directory.find_schedule(when->schedule) == nullptr) {
      return field_error(field_path(at, "schedule"),
                         "unknown schedule " + in_quotes(when->schedule));
    }
  } else if (const auto* voicemail = std::get_if<VoicemailStep>(&step.body)) {
    if (!directory.has_voicemail_box(voicemail->box)) {
      return field_error(field_path(at, "box"),
                         "unknown voicemail box " + in_quotes(voicemail->box));
    }
  } else if (const auto* play = std::get_if<PlayStep>(&step.body)) {
    if (!directory.has_prompt(play->prompt)) {
      return field_error(field_path(at, "prompt"), "unknown prompt " + in_quotes(play->prompt));
    }
  } else if (const auto* menu = std::get_if<MenuStep>(&step.body)) {
    for (auto [field, name] :
         {std::pair{"prompt", &menu->prompt}, std::pair{"invalid_prompt", &menu->invalid_prompt},
          std::pair{"no_input_prompt", &menu->no_input_prompt}}) {
      if (!name->empty() && !directory.has_prompt(*name)) {
        return field_error(field_path(at, field), "unknown prompt " + in_quotes(*name));
      }
    }
  }
  return {};
}

}  // namespace

Result<Target> parse_target(std::string_view text, const NumberingPlan& plan) {
  if (starts_with_nocase(text, "sip:") || starts_with_nocase(text, "sips:")) {
    Target target{TargetKind::uri, std::string(text)};
    if (auto ok = check_uri(text, ""); !ok) return ok.error();
    return target;
  }
  const std::size_t colon = text.find(':');
  const std::string_view kind = text.substr(0, colon == std::string_view::npos ? 0 : colon);
  const std::string_view value = colon == std::string_view::npos ? "" : text.substr(colon + 1);
  if (kind == "user" || kind == "group") {
    Target target{kind == "user" ? TargetKind::user : TargetKind::group, std::string(value)};
    if (auto ok = check_routing_name(value, "", kind); !ok) return ok.error();
    return target;
  }
  if (kind == "number") {
    auto number = normalize_phone_number(value, plan);
    if (!number) return number.error();
    if (number->kind == NumberKind::extension) {
      return make_error(400,
                        in_quotes(text) + " is an internal extension: ring its user as user:NAME");
    }
    return Target{TargetKind::number, std::move(number->text)};
  }
  return make_error(400,
                    in_quotes(text) + " is not user:NAME, group:NAME, number:NUMBER or a sip: URI");
}

std::string to_string(const Target& target) {
  switch (target.kind) {
    case TargetKind::user:
      return "user:" + target.value;
    case TargetKind::group:
      return "group:" + target.value;
    case TargetKind::number:
      return "number:" + target.value;
    case TargetKind::uri:
      return target.value;
  }
  return target.value;
}

std::string_view step_type(const Step& step) {
  constexpr std::string_view kTypes[] = {"ring",   "forward", "when", "voicemail",
                                         "hangup", "play",    "menu"};
  static_assert(std::variant_size_v<decltype(Step::body)> == std::size(kTypes));
  return kTypes[step.body.index()];
}

Result<void> check_routing_scheme(const RoutingScheme& scheme, const SchemeLimits& limits,
                                  std::string_view path) {
  if (auto ok = check_routing_name(scheme.name, field_path(path, "name"), "scheme"); !ok) return ok;
  if (scheme.description.size() > kMaxDescriptionLength) {
    return field_error(field_path(path, "description"), "longer than 500 bytes");
  }
  const std::string steps = field_path(path, "steps");
  if (scheme.steps.empty()) return field_error(steps, "at least one step");
  std::size_t count = 0;
  return walk(scheme.steps, steps, 1,
              [&](const Step& step, const std::string& at, std::size_t depth) -> Result<void> {
                if (depth > limits.max_depth) {
                  return field_error(at, "steps nested deeper than " +
                                             std::to_string(limits.max_depth) + " levels");
                }
                if (++count > limits.max_steps) {
                  return field_error(
                      at, "more than " + std::to_string(limits.max_steps) + " steps in the scheme");
                }
                return check_step(step, at, limits);
              });
}

Result<void> validate_routing_scheme(const RoutingScheme& scheme, const Directory& directory,
                                     const SchemeLimits& limits, std::string_view path) {
  if (auto ok = check_routing_scheme(scheme, limits, path); !ok) return ok;
  return walk(scheme.steps, field_path(path, "steps"), 1,
              [&](const Step& step, const std::string& at, std::size_t) {
                return check_references(step, at, directory, limits);
              });
}

}  // namespace dzvin::pbx
