#include "http/api_error.hpp"

#include "base/log.hpp"
#include "store/database.hpp"

namespace dzvin::http {

namespace {

bool is_field_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-' || c == '.' || c == '[' || c == ']';
}

int status_of(const Error& error) {
  if (error.code >= 400 && error.code <= 599) return error.code;
  switch (error.code) {
    case store::kInvalid:
      return 400;
    case store::kNotFound:
      return 404;
    case store::kConflict:
      return 409;
    default:
      return 500;
  }
}

std::string_view code_word(int status, bool has_field) {
  switch (status) {
    case 400:
      return has_field ? "invalid" : "bad_request";
    case 401:
      return "unauthorized";
    case 403:
      return "forbidden";
    case 404:
      return "not_found";
    case 409:
      return "conflict";
    case 413:
      return "body_too_large";
    case 415:
      return "unsupported_media_type";
    case 422:
      return "unprocessable";
    case 429:
      return "too_many_requests";
    default:
      return status < 500 ? "bad_request" : "internal_error";
  }
}

}  // namespace

std::string_view error_field(const Error& error) {
  const std::string_view message = error.message;
  const auto colon = message.find(": ");
  if (colon == 0 || colon == std::string_view::npos) return {};
  for (std::size_t i = 0; i < colon; ++i) {
    if (!is_field_char(message[i])) return {};
  }
  return message.substr(0, colon);
}

HttpResponse api_error_response(const Error& error) {
  const int status = status_of(error);
  if (status >= 500) {
    log(LogLevel::error, "http.api_failed", {{"code", error.code}, {"reason", error.message}});
    return json_error(500, "internal_error", "internal server error");
  }
  const std::string_view field = error_field(error);
  return json_error(status, code_word(status, !field.empty()), error.message, field);
}

}  // namespace dzvin::http
