#pragma once
// An HTTP request as handlers see it: plain values, no Boost. The server fills it from the
// wire; tests build it by hand.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace dzvin::http {

// ASCII case-insensitive comparison: header field names are case-insensitive (RFC 9110 §5.1).
// A header value without the optional white space around it (RFC 9110 §5.6.3: spaces, tabs).
inline std::string_view trim_ows(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
    text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t'))
    text.remove_suffix(1);
  return text;
}

inline bool equals_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i];
    char y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

using HttpHeader = std::pair<std::string, std::string>;      // name, value
using QueryParameter = std::pair<std::string, std::string>;  // decoded key, decoded value

// "+380..." arrives as " 380..." when the client did not percent-encode the '+' (HTML form
// decoding turns '+' into a space): a leading space before a digit is taken back as '+'.
inline std::string restore_plus(std::string_view text) {
  std::string value(text);
  if (value.size() > 1 && value[0] == ' ' && value[1] >= '0' && value[1] <= '9') value[0] = '+';
  return value;
}

struct HttpRequest {
  std::string method;  // "GET", as received (methods are case-sensitive, RFC 9110 §9.1)
  std::string target;  // as received: "/media/voicemail/7.wav?expires=1800000000&sig=ab12"
  // Filled from `target` by decode_target() (router.hpp): the percent-decoded path without
  // the query, and the query's parameters decoded in order (a key may repeat).
  std::string path;
  std::vector<QueryParameter> query;
  std::vector<HttpHeader> headers;  // in arrival order; names as the client spelled them
  std::string body;
  std::string remote_address;  // "192.0.2.7" or "2001:db8::7"
  std::uint16_t remote_port = 0;

  // The first header with this name (any case); nullopt when absent.
  std::optional<std::string_view> header(std::string_view name) const {
    for (const auto& [key, value] : headers) {
      if (equals_ignoring_case(key, name)) return std::string_view(value);
    }
    return std::nullopt;
  }

  // The first query parameter with this key (exact match); nullopt when absent.
  std::optional<std::string_view> query_parameter(std::string_view key) const {
    for (const auto& [k, v] : query) {
      if (k == key) return std::string_view(v);
    }
    return std::nullopt;
  }

  // Whether Content-Type names `media_type` (any case), parameters such as charset aside.
  bool has_media_type(std::string_view media_type) const {
    const auto value = header("Content-Type");
    return value && equals_ignoring_case(trim_ows(value->substr(0, value->find(';'))), media_type);
  }

  // Every value of a repeated query key, in order.
  std::vector<std::string_view> query_parameters(std::string_view key) const {
    std::vector<std::string_view> values;
    for (const auto& [k, v] : query) {
      if (k == key) values.emplace_back(v);
    }
    return values;
  }
};

}  // namespace dzvin::http
