#include "sip/dtmf_info.hpp"

#include <optional>
#include <string>

#include "sip/header_values.hpp"

namespace dzvin::sip {

namespace {

constexpr std::string_view kKeys = "0123456789*#ABCD";

// The value as it may appear in a message (a reason phrase): only short printable text is
// quoted back.
std::string quoted(std::string_view value, std::size_t max_size) {
  if (value.size() > max_size) return "(" + std::to_string(value.size()) + " octets)";
  for (char c : value) {
    if (c < 0x20 || c > 0x7E) return "(not printable)";
  }
  return "'" + std::string(value) + "'";
}

Result<char> parse_key(std::string_view what, std::string_view value) {
  value = trim_lws(value);
  if (value.size() == 1) {
    char c = value[0];
    if (c >= 'a' && c <= 'd') c = static_cast<char>(c - 'a' + 'A');
    if (kKeys.find(c) != std::string_view::npos) return c;
  } else if (value.size() == 2 && value[0] == '1' && value[1] >= '0' && value[1] <= '5') {
    // RFC 4733 §3.2 event numbers: 10 '*', 11 '#', 12-15 'A'-'D'.
    return kKeys[static_cast<std::size_t>(10 + (value[1] - '0'))];
  }
  if (value == "16")
    return make_error(400, std::string(what) + " 16 (hook flash) is not a DTMF key");
  if (value.empty()) return make_error(400, std::string(what) + " is empty");
  return make_error(400, std::string(what) + " " + quoted(value, 8) + " is not a DTMF key");
}

Result<char> parse_dtmf_relay(std::string_view body) {
  std::optional<std::string_view> signal;
  while (!body.empty()) {
    const std::size_t eol = body.find('\n');
    std::string_view line = body.substr(0, eol);
    body = eol == std::string_view::npos ? std::string_view() : body.substr(eol + 1);
    const std::size_t eq = line.find('=');
    if (eq == std::string_view::npos) continue;  // blank line or free text: nothing to read
    if (!iequals(trim_lws(line.substr(0, eq)), "Signal")) continue;  // Duration and others
    if (signal) return make_error(400, "application/dtmf-relay body has two Signal lines");
    signal = line.substr(eq + 1);
  }
  if (!signal) return make_error(400, "application/dtmf-relay body has no Signal line");
  return parse_key("Signal", *signal);
}

}  // namespace

Result<char> parse_dtmf_info(std::string_view content_type, std::string_view body) {
  const std::string_view type = trim_lws(content_type.substr(0, content_type.find(';')));
  const bool relay = iequals(type, "application/dtmf-relay");
  if (!relay && !iequals(type, "application/dtmf")) {
    if (type.empty()) return make_error(415, "DTMF INFO without a Content-Type");
    return make_error(415, "Unsupported INFO Content-Type " + quoted(type, 64) +
                               ": application/dtmf-relay or application/dtmf expected");
  }
  if (body.size() > kMaxDtmfInfoBody) {
    return make_error(400, "DTMF INFO body of " + std::to_string(body.size()) +
                               " octets, more than " + std::to_string(kMaxDtmfInfoBody));
  }
  if (relay) return parse_dtmf_relay(body);
  return parse_key("application/dtmf body", body);
}

}  // namespace dzvin::sip
