#include "http/websocket_route.hpp"

#include <string_view>

namespace dzvin::http {

namespace {

// "host:port" without the scheme's default port, lower-cased (RFC 6454 §6.2 serialises the
// origin without a default port; a Host header may carry one).
std::string authority_without_default_port(std::string_view authority, std::string_view scheme) {
  std::string text(authority);
  for (char& c : text) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  const std::string_view default_port = scheme == "https" ? ":443" : ":80";
  // An IPv6 literal ends with ']' when it has no port, so a suffix test is exact.
  if (text.size() > default_port.size() && text.ends_with(default_port))
    text.resize(text.size() - default_port.size());
  return text;
}

}  // namespace

bool same_origin(const HttpRequest& request) {
  const auto origin = request.header("Origin");
  if (!origin) return true;
  const std::string_view value = trim_ows(*origin);
  const auto separator = value.find("://");
  if (separator == std::string_view::npos) return false;  // "null", garbage
  std::string scheme(value.substr(0, separator));
  for (char& c : scheme) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  if (scheme != "http" && scheme != "https") return false;
  std::string_view authority = value.substr(separator + 3);
  if (authority.empty() || authority.find_first_of("/?#@ ") != std::string_view::npos) return false;
  const auto host = request.header("Host");
  if (!host || trim_ows(*host).empty()) return false;
  return authority_without_default_port(authority, scheme) ==
         authority_without_default_port(trim_ows(*host), scheme);
}

}  // namespace dzvin::http
