#pragma once
#include <cstdint>
#include <string_view>

namespace dzvin::sip {

enum class Method : std::uint8_t {
  unknown,  // an extension method; the text is in SipMessage::method_text()
  invite,
  ack,
  bye,
  cancel,
  register_,
  options,
  info,
  update,
  prack,
  subscribe,
  notify,
  refer,
  message,
  publish,
};

// Case-sensitive (RFC 3261 §7.1: method names are case-sensitive).
Method parse_method(std::string_view text);
std::string_view to_string(Method m);

}  // namespace dzvin::sip
