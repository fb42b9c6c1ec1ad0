#include "sip/name_addr.hpp"

#include <string>

#include "sip/header_values.hpp"

namespace dzvin::sip {
namespace {

constexpr bool is_ws(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

Error name_addr_error(std::string_view what) {
  return make_error(400, std::string(what));
}

// display-name = *(token LWS) / quoted-string. Octets above 0x7F are accepted in the token
// form: phones send unquoted UTF-8 names and nothing is gained by refusing them.
bool is_token_display_name(std::string_view s) {
  for (char c : s) {
    if (!is_token_char(c) && !is_ws(c) && static_cast<unsigned char>(c) < 0x80) return false;
  }
  return true;
}

// generic-param = token [ EQUAL gen-value ]; gen-value = token / host / quoted-string.
bool is_generic_param(std::string_view item) {
  std::string_view name;
  std::optional<std::string_view> value;
  ParamList::split(item, name, value);
  if (!is_token(name)) return false;
  if (!value) return true;
  if (value->empty()) return false;
  if (value->front() == '"') return quoted_string_end(*value) == value->size();
  if (value->front() == '[') return is_valid_host(*value);
  return is_token(*value);
}

}  // namespace

std::optional<std::string_view> NameAddr::param(std::string_view name) const {
  if (params.empty()) return std::nullopt;
  return find_param(params, name);
}

Result<NameAddrParts> split_name_addr(std::string_view text) {
  NameAddrParts na;
  na.text = trim_lws(text);
  const std::string_view s = na.text;
  if (s.empty()) return name_addr_error("empty address");

  std::size_t after_uri = 0;
  std::size_t langle = std::string_view::npos;
  if (s.front() == '"') {
    const std::size_t end = quoted_string_end(s);
    if (end == std::string_view::npos) return name_addr_error("unterminated quoted display name");
    na.display_name = s.substr(0, end);
    langle = end;
    while (langle < s.size() && is_ws(s[langle]))
      ++langle;
    if (langle >= s.size() || s[langle] != '<') {
      return name_addr_error("quoted display name not followed by <URI>");
    }
  } else {
    langle = s.find('<');
    if (langle != std::string_view::npos) {
      na.display_name = trim_lws(s.substr(0, langle));
      if (!is_token_display_name(na.display_name)) {
        return name_addr_error("invalid character in display name (quote it)");
      }
    }
  }

  if (langle != std::string_view::npos) {
    const std::size_t rangle = s.find('>', langle + 1);
    if (rangle == std::string_view::npos) return name_addr_error("missing '>' after URI");
    na.uri_text = s.substr(langle + 1, rangle - langle - 1);
    after_uri = rangle + 1;
  } else {
    // addr-spec: the URI ends at the first ';' (header params follow) or LWS.
    std::size_t end = 0;
    while (end < s.size() && s[end] != ';' && !is_ws(s[end]))
      ++end;
    na.uri_text = s.substr(0, end);
    // RFC 3261 §20.10: a URI holding ',', '?' or ';' must be in <>; ';' and ',' already
    // end it here, so a '?' is what betrays an unenclosed URI with headers.
    if (na.uri_text.find('?') != std::string_view::npos) {
      return name_addr_error("URI with headers must be enclosed in <>");
    }
    after_uri = end;
  }

  if (!na.uri_text.empty() && (is_ws(na.uri_text.front()) || is_ws(na.uri_text.back()))) {
    return name_addr_error("spaces around the URI inside <>");  // RFC 4475 §3.1.2.14
  }
  std::size_t p = after_uri;
  while (p < s.size() && is_ws(s[p]))
    ++p;
  if (p < s.size()) {
    if (s[p] != ';') return name_addr_error("unexpected text after URI");
    na.params = s.substr(p);
    ParamList params(na.params);
    std::string_view item;
    while (params.next(item)) {
      if (item.empty()) return name_addr_error("empty parameter");
      if (!is_generic_param(item)) return name_addr_error("invalid parameter");
    }
  }
  return na;
}

Result<NameAddr> parse_name_addr(std::string_view text) {
  auto parts = split_name_addr(text);
  if (!parts) return parts.error();
  Result<NameAddr> na{std::in_place};
  na->display_name = parts->display_name;
  na->uri_text = parts->uri_text;
  na->params = parts->params;
  na->text = parts->text;
  auto uri = parse_uri(na->uri_text);
  if (!uri) return name_addr_error(uri.error().message);
  na->uri = *uri;
  return na;
}

}  // namespace dzvin::sip
