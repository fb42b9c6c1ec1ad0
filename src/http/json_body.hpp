#pragma once
// Strict JSON request bodies for the REST handlers: an object of known fields with typed
// values, or a 4xx that names what is wrong (and the handler changes nothing). This header
// pulls in nlohmann/json: include it from handler .cpp files only.
#include <cstddef>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "base/result.hpp"
#include "http/http_request.hpp"

namespace dzvin::http {

// The largest JSON body a handler reads; HttpSettings::max_body bounds every body before this.
inline constexpr std::size_t kMaxJsonBody = 64 * 1024;
// Objects and arrays nest at most this deep.
inline constexpr int kMaxJsonDepth = 16;

// The request body as a JSON object whose keys are all in `allowed_fields`. Errors (code = the
// HTTP status, api_error.hpp): 415 unless Content-Type is application/json (parameters such as
// charset allowed), 413 over kMaxJsonBody, 400 for malformed JSON (the message says where),
// for a body that is not an object, for nesting past kMaxJsonDepth, for an unknown field and
// for a field given twice (the message starts with the field's name).
Result<nlohmann::json> parse_json_object(const HttpRequest& request,
                                         std::span<const std::string_view> allowed_fields);
inline Result<nlohmann::json> parse_json_object(
    const HttpRequest& request, std::initializer_list<std::string_view> allowed_fields) {
  return parse_json_object(
      request, std::span<const std::string_view>(allowed_fields.begin(), allowed_fields.size()));
}

// A string field: nullopt when absent. 400 naming the field when it is not a string (null
// included), longer than `max_bytes`, or holds a control character.
Result<std::optional<std::string>> optional_string(const nlohmann::json& object,
                                                   std::string_view field, std::size_t max_bytes);
// The same, and 400 when the field is absent.
Result<std::string> required_string(const nlohmann::json& object, std::string_view field,
                                    std::size_t max_bytes);

}  // namespace dzvin::http
