#include "http/json_body.hpp"

#include <set>
#include <vector>

namespace dzvin::http {

namespace {

// A key as it may appear in an error message: bounded, so a huge key does not come back whole.
std::string shown(std::string_view key) {
  constexpr std::size_t kShown = 64;
  if (key.size() <= kShown) return std::string(key);
  return std::string(key.substr(0, kShown)) + "...";
}

std::string allowed_list(std::span<const std::string_view> allowed_fields) {
  std::string list;
  for (std::string_view field : allowed_fields) {
    if (!list.empty()) list += ", ";
    list += field;
  }
  return list;
}

}  // namespace

Result<nlohmann::json> parse_json_object(const HttpRequest& request,
                                         std::span<const std::string_view> allowed_fields) {
  if (!request.has_media_type("application/json"))
    return make_error(415, "Content-Type: must be application/json");
  if (request.body.size() > kMaxJsonBody)
    return make_error(413, "the body is larger than " + std::to_string(kMaxJsonBody) + " bytes");

  // nlohmann keeps the last of repeated keys and nests without limit; both are refused here.
  std::vector<std::set<std::string>> keys_by_object;
  std::optional<std::string> repeated;
  bool too_deep = false;
  const auto watch = [&](int depth, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
    using Event = nlohmann::json::parse_event_t;
    switch (event) {
      case Event::object_start:
        keys_by_object.emplace_back();
        [[fallthrough]];
      case Event::array_start:
        if (depth >= kMaxJsonDepth) too_deep = true;
        break;
      case Event::object_end:
        if (!keys_by_object.empty()) keys_by_object.pop_back();
        break;
      case Event::key:
        if (!keys_by_object.empty() &&
            !keys_by_object.back().insert(parsed.get<std::string>()).second && !repeated)
          repeated = parsed.get<std::string>();
        break;
      default:
        break;
    }
    return true;
  };

  nlohmann::json body;
  try {
    body = nlohmann::json::parse(request.body, watch);
  } catch (const nlohmann::json::parse_error& e) {
    // what(): "[json.exception.parse_error.101] parse error at line 1, column 9: syntax error
    // while parsing object - unexpected '}'; expected string literal"
    std::string_view what = e.what();
    if (const auto bracket = what.find("] "); bracket != std::string_view::npos)
      what.remove_prefix(bracket + 2);
    return make_error(400,
                      "malformed JSON (byte " + std::to_string(e.byte) + "): " + std::string(what));
  }
  if (too_deep)
    return make_error(400,
                      "the body nests deeper than " + std::to_string(kMaxJsonDepth) + " levels");
  if (!body.is_object()) return make_error(400, "the body must be a JSON object");
  if (repeated) return make_error(400, shown(*repeated) + ": given more than once");
  for (const auto& [key, value] : body.items()) {
    bool known = false;
    for (std::string_view field : allowed_fields)
      known = known || key == field;
    if (!known)
      return make_error(
          400, shown(key) + ": unknown field (allowed: " + allowed_list(allowed_fields) + ")");
  }
  return body;
}

Result<std::optional<std::string>> optional_string(const nlohmann::json& object,
                                                   std::string_view field, std::size_t max_bytes) {
  const auto it = object.find(std::string(field));
  if (it == object.end()) return std::optional<std::string>{};
  if (!it->is_string()) return make_error(400, std::string(field) + ": must be a string");
  std::string value = it->get<std::string>();
  if (value.size() > max_bytes)
    return make_error(400,
                      std::string(field) + ": longer than " + std::to_string(max_bytes) + " bytes");
  for (const char c : value) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
      return make_error(400, std::string(field) + ": must not contain control characters");
  }
  return std::optional<std::string>{std::move(value)};
}

Result<std::string> required_string(const nlohmann::json& object, std::string_view field,
                                    std::size_t max_bytes) {
  auto value = optional_string(object, field, max_bytes);
  if (!value) return value.error();
  if (!*value) return make_error(400, std::string(field) + ": is required");
  return std::move(**value);
}

}  // namespace dzvin::http
