#pragma once
// name-addr / addr-spec with header parameters: From, To, Contact, Route, Record-Route
// (RFC 3261 §20.10, §20.20, §20.39, §25.1).
#include <optional>
#include <string_view>

#include "base/result.hpp"
#include "sip/uri.hpp"

namespace dzvin::sip {

struct NameAddr {
  std::string_view display_name;  // as written, quotes included; empty when absent
  std::string_view uri_text;      // the URI without <>
  Uri uri;                        // parsed uri_text
  std::string_view params;        // header params after the URI (";tag=1;expires=60"), or empty
  std::string_view text;

  std::optional<std::string_view> param(std::string_view name) const;
  std::string_view tag() const { return param("tag").value_or(std::string_view{}); }
};

// Parses one name-addr or addr-spec. In the addr-spec form (no <>), parameters after the URI
// belong to the header, not the URI (RFC 3261 §20.10).
Result<NameAddr> parse_name_addr(std::string_view text);

// The structure of a name-addr and its header parameters without parsing the URI: what
// message parsing needs to find a From/To tag on the hot path (a NameAddr, with its Uri, is
// several hundred bytes to clear and copy). parse_name_addr is this plus the URI.
struct NameAddrParts {
  std::string_view display_name;
  std::string_view uri_text;
  std::string_view params;
  std::string_view text;
};
Result<NameAddrParts> split_name_addr(std::string_view text);

}  // namespace dzvin::sip
