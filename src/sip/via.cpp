#include "sip/via.hpp"

#include <array>
#include <optional>
#include <string>

#include "sip/header_values.hpp"
#include "sip/uri.hpp"

namespace dzvin::sip {
namespace {

constexpr bool is_ws(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}
constexpr bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
constexpr bool is_host_char(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' || c == '.';
}

// Octets of an unquoted parameter value: token, plus what hosts add (IPv6 "[::1]", and the
// unbracketed IPv6 of received).
constexpr std::array<bool, 256> make_value_chars() {
  std::array<bool, 256> t = detail::make_token_table();
  t[':'] = t['['] = t[']'] = true;
  return t;
}
constexpr std::array<bool, 256> kValueChars = make_value_chars();

Error via_error(std::string_view what) {
  return make_error(400, std::string(what));
}

class Cursor {
 public:
  explicit Cursor(std::string_view s) : s_(s) {}
  // The loops work on locals: through `this` every step would be a store.
  void skip_ws() {
    std::size_t i = i_;
    const std::size_t n = s_.size();
    while (i < n && is_ws(s_[i]))
      ++i;
    i_ = i;
  }
  bool eat(char c) {
    if (i_ < s_.size() && s_[i_] == c) {
      ++i_;
      return true;
    }
    return false;
  }
  std::string_view token() {
    const std::size_t start = i_;
    const char* p = s_.data();
    const std::size_t n = s_.size();
    const std::size_t i = span_of(detail::kTokenChars, p, start, n);
    i_ = i;
    return {p + start, i - start};
  }
  bool at_end() const { return i_ >= s_.size(); }
  char peek() const { return i_ < s_.size() ? s_[i_] : '\0'; }
  std::size_t pos() const { return i_; }
  void set_pos(std::size_t p) { i_ = p; }
  std::string_view text() const { return s_; }

 private:
  std::string_view s_;
  std::size_t i_ = 0;
};

bool parse_port(std::string_view digits, std::uint16_t& port) {
  if (digits.empty() || digits.size() > 5) return false;
  unsigned value = 0;
  for (char c : digits) {
    if (!is_digit(c)) return false;
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  if (value > 65535) return false;
  port = static_cast<std::uint16_t>(value);
  return true;
}

// gen-value = token / host / quoted-string (RFC 3261 §25.1 generic-param).
bool is_gen_value(std::string_view v) {
  if (v.empty()) return false;
  if (v.front() == '"') return quoted_string_end(v) == v.size();
  if (v.front() == '[') return is_valid_host(v);
  return is_token(v);
}

}  // namespace

Result<Via> parse_via(std::string_view via_parm) {
  Result<Via> result{std::in_place};
  if (auto r = parse_via_into(via_parm, *result); !r) return r.error();
  return result;
}

Result<void> parse_via_into(std::string_view via_parm, Via& via) {
  via.text = trim_lws(via_parm);
  Cursor c(via.text);
  // sent-protocol = protocol-name SLASH protocol-version SLASH transport; SLASH allows SWS.
  const std::size_t protocol_start = c.pos();
  const std::string_view name = c.token();
  if (name.empty()) return via_error("missing protocol name");
  c.skip_ws();
  if (!c.eat('/')) return via_error("missing '/' after protocol name");
  c.skip_ws();
  const std::string_view version = c.token();
  if (version.empty()) return via_error("missing protocol version");
  const std::size_t protocol_end = c.pos();
  c.skip_ws();
  if (!c.eat('/')) return via_error("missing '/' before transport");
  c.skip_ws();
  via.transport = c.token();
  if (via.transport.empty()) return via_error("missing transport");
  via.protocol = via.text.substr(protocol_start, protocol_end - protocol_start);
  // Folded or spaced forms ("SIP / 2.0") mean the same; give callers the usual spelling.
  if (iequals(name, "SIP") && version == "2.0") via.protocol = "SIP/2.0";

  // sent-by = host [ COLON port ], after mandatory LWS.
  const std::size_t before_ws = c.pos();
  c.skip_ws();
  if (c.pos() == before_ws) return via_error("missing space before sent-by");
  const std::size_t host_start = c.pos();
  if (c.peek() == '[') {
    const std::size_t close = via.text.find(']', host_start);
    if (close == std::string_view::npos) return via_error("unterminated IPv6 reference in sent-by");
    c.set_pos(close + 1);
  } else {
    while (is_host_char(c.peek()))
      c.set_pos(c.pos() + 1);
  }
  via.host = via.text.substr(host_start, c.pos() - host_start);
  if (via.host.empty()) return via_error("missing sent-by host");
  if (!is_valid_host(via.host)) return via_error("invalid sent-by host");
  c.skip_ws();
  if (c.eat(':')) {
    c.skip_ws();
    const std::size_t port_start = c.pos();
    while (is_digit(c.peek()))
      c.set_pos(c.pos() + 1);
    if (!parse_port(via.text.substr(port_start, c.pos() - port_start), via.port)) {
      return via_error("invalid sent-by port");
    }
    c.skip_ws();
  }
  if (c.at_end()) return {};
  if (c.peek() != ';') return via_error("unexpected text after sent-by");
  via.params = via.text.substr(c.pos());

  // *( SEMI via-params ), scanned in place: SEMI and EQUAL allow SWS around them.
  while (!c.at_end()) {
    if (!c.eat(';')) return via_error("unexpected text between parameters");
    c.skip_ws();
    const std::string_view pname = c.token();
    if (pname.empty()) {
      return via_error(c.at_end() || c.peek() == ';' ? "empty parameter"
                                                     : "invalid parameter name");
    }
    c.skip_ws();
    // A view and a flag rather than std::optional: GCC clears an optional with a string op.
    std::string_view pvalue;
    bool has_value = false;
    bool value_is_token = false;
    if (c.eat('=')) {
      c.skip_ws();
      const std::size_t value_start = c.pos();
      if (c.peek() == '"') {
        const std::size_t end = quoted_string_end(via.text.substr(value_start));
        if (end == std::string_view::npos) return via_error("unterminated quoted parameter value");
        c.set_pos(value_start + end);
      } else {
        // Token octets first (most values, branch always), then the host extras if any.
        c.token();
        value_is_token = !kValueChars[static_cast<unsigned char>(c.peek())];
        while (kValueChars[static_cast<unsigned char>(c.peek())])
          c.set_pos(c.pos() + 1);
        value_is_token = value_is_token && c.pos() > value_start;
      }
      pvalue = via.text.substr(value_start, c.pos() - value_start);
      has_value = true;
      if (pvalue.empty()) return via_error("parameter without a value after '='");
      c.skip_ws();
    }
    if (iequals(pname, "branch")) {
      if (!value_is_token) return via_error("invalid branch");
      if (via.branch.empty()) via.branch = pvalue;
    } else if (iequals(pname, "received")) {
      // RFC 3261 received = IPv4address / IPv6address; accept the bracketed form too.
      std::string_view addr = pvalue;
      if (addr.size() > 2 && addr.front() == '[' && addr.back() == ']') {
        addr = addr.substr(1, addr.size() - 2);
      }
      if (!is_ipv4_address(addr) && !is_ipv6_address(addr)) return via_error("invalid received");
      if (via.received.empty()) via.received = pvalue;
    } else if (iequals(pname, "rport")) {
      // RFC 3581 §4: "rport" [EQUAL 1*DIGIT]
      via.rport = true;
      if (has_value && !parse_port(pvalue, via.rport_value)) return via_error("invalid rport");
    } else if (iequals(pname, "ttl")) {
      std::uint16_t ttl = 0;
      if (!has_value || pvalue.size() > 3 || !parse_port(pvalue, ttl) || ttl > 255) {
        return via_error("invalid ttl");
      }
    } else if (iequals(pname, "maddr")) {
      if (!has_value || !is_valid_host(pvalue)) return via_error("invalid maddr");
    } else if (has_value && !value_is_token && !is_gen_value(pvalue)) {
      return via_error("invalid parameter value");
    }
  }
  return {};
}

}  // namespace dzvin::sip
