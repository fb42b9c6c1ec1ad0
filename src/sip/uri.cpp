#include "sip/uri.hpp"

#include <array>
#include <cstddef>

#include "sip/header_values.hpp"

namespace dzvin::sip {
namespace {

// Character classes of RFC 3261 §25.1, one bit each, looked up by octet.
enum CharClass : std::uint8_t {
  kUnreserved = 1,     // alphanum / mark
  kUserExtra = 2,      // user-unreserved: & = + $ , ; ? /
  kPasswordExtra = 4,  // & = + $ ,
  kParamExtra = 8,     // param-unreserved: [ ] / : & + $
  kHeaderExtra = 16,   // hnv-unreserved: [ ] / ? : + $
  kReserved = 32,      // ; / ? : @ & = + $ ,   (RFC 2396 uric, with [ ] of RFC 2732)
};

constexpr std::array<std::uint8_t, 256> make_classes() {
  std::array<std::uint8_t, 256> t{};
  auto add = [&t](std::string_view chars, std::uint8_t bit) {
    for (char c : chars)
      t[static_cast<unsigned char>(c)] |= bit;
  };
  for (int c = '0'; c <= '9'; ++c)
    t[static_cast<std::size_t>(c)] |= kUnreserved;
  for (int c = 'a'; c <= 'z'; ++c)
    t[static_cast<std::size_t>(c)] |= kUnreserved;
  for (int c = 'A'; c <= 'Z'; ++c)
    t[static_cast<std::size_t>(c)] |= kUnreserved;
  add("-_.!~*'()", kUnreserved);
  add("&=+$,;?/", kUserExtra);
  add("&=+$,", kPasswordExtra);
  add("[]/:&+$", kParamExtra);
  add("[]/?:+$", kHeaderExtra);
  add(";/?:@&=+$,[]", kReserved);
  return t;
}
constexpr std::array<std::uint8_t, 256> kClasses = make_classes();

bool in_class(char c, std::uint8_t classes) {
  return (kClasses[static_cast<unsigned char>(c)] & classes) != 0;
}

constexpr bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
constexpr bool is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
constexpr bool is_alnum(char c) {
  return is_digit(c) || is_alpha(c);
}
constexpr int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
constexpr char ascii_lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
}

// True when every octet of s is in `classes` or part of a well-formed %HH escape.
bool all_in_class(std::string_view s, std::uint8_t classes) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (in_class(s[i], classes)) continue;  // the common case: one lookup per octet
    if (s[i] != '%' || i + 2 >= s.size() || hex_value(s[i + 1]) < 0 || hex_value(s[i + 2]) < 0) {
      return false;
    }
    i += 2;
  }
  return true;
}

bool ipv4_octets(std::string_view text, std::array<std::uint8_t, 4>* out) {
  std::size_t part = 0;
  std::size_t i = 0;
  while (part < 4) {
    std::size_t digits = 0;
    unsigned value = 0;
    while (i < text.size() && is_digit(text[i]) && digits < 4) {
      value = value * 10 + static_cast<unsigned>(text[i] - '0');
      ++i;
      ++digits;
    }
    if (digits == 0 || digits > 3 || value > 255) return false;
    if (out) (*out)[part] = static_cast<std::uint8_t>(value);
    ++part;
    if (part < 4) {
      if (i >= text.size() || text[i] != '.') return false;
      ++i;
    }
  }
  return i == text.size();
}

// RFC 3261 §25.1 IPv6address (= RFC 2373 text forms). Fills the 16 octets when `out` is given.
bool ipv6_octets(std::string_view text, std::array<std::uint8_t, 16>* out) {
  std::array<std::uint16_t, 8> groups{};
  std::size_t count = 0;
  std::ptrdiff_t gap = -1;  // index in groups where "::" stands
  std::size_t i = 0;
  if (text.size() < 2) return false;
  if (text[0] == ':') {
    if (text[1] != ':') return false;
    gap = 0;
    i = 2;
    if (i == text.size()) {
      if (out) out->fill(0);
      return true;
    }
  }
  while (i < text.size()) {
    // An embedded IPv4 address may end the text (hexpart ":" IPv4address).
    std::size_t j = i;
    while (j < text.size() && hex_value(text[j]) >= 0)
      ++j;
    if (j < text.size() && text[j] == '.') {
      std::array<std::uint8_t, 4> v4{};
      if (count > 6 || !ipv4_octets(text.substr(i), &v4)) return false;
      groups[count++] = static_cast<std::uint16_t>(v4[0] << 8 | v4[1]);
      groups[count++] = static_cast<std::uint16_t>(v4[2] << 8 | v4[3]);
      i = text.size();
      break;
    }
    if (j == i || j - i > 4 || count >= 8) return false;
    unsigned value = 0;
    for (std::size_t k = i; k < j; ++k)
      value = value * 16 + static_cast<unsigned>(hex_value(text[k]));
    groups[count++] = static_cast<std::uint16_t>(value);
    i = j;
    if (i == text.size()) break;
    if (text[i] != ':') return false;
    ++i;
    if (i < text.size() && text[i] == ':') {
      if (gap >= 0) return false;  // only one "::"
      gap = static_cast<std::ptrdiff_t>(count);
      ++i;
      if (i == text.size()) break;
    } else if (i == text.size()) {
      return false;  // trailing single ':'
    }
  }
  if (gap < 0 ? count != 8 : count > 7) return false;
  if (out) {
    std::array<std::uint16_t, 8> full{};
    if (gap < 0) {
      full = groups;
    } else {
      const auto g = static_cast<std::size_t>(gap);
      for (std::size_t k = 0; k < g; ++k)
        full[k] = groups[k];
      const std::size_t tail = count - g;
      for (std::size_t k = 0; k < tail; ++k)
        full[8 - tail + k] = groups[g + k];
    }
    for (std::size_t k = 0; k < 8; ++k) {
      (*out)[2 * k] = static_cast<std::uint8_t>(full[k] >> 8);
      (*out)[2 * k + 1] = static_cast<std::uint8_t>(full[k] & 0xff);
    }
  }
  return true;
}

// Octet kinds for hostnames, looked up once per octet.
enum HostChar : std::uint8_t { kHostBad = 0, kHostLetter, kHostDigit, kHostDash, kHostDot };
constexpr std::array<std::uint8_t, 256> make_host_chars() {
  std::array<std::uint8_t, 256> t{};
  for (int c = 'a'; c <= 'z'; ++c)
    t[static_cast<std::size_t>(c)] = kHostLetter;
  for (int c = 'A'; c <= 'Z'; ++c)
    t[static_cast<std::size_t>(c)] = kHostLetter;
  for (int c = '0'; c <= '9'; ++c)
    t[static_cast<std::size_t>(c)] = kHostDigit;
  t['-'] = kHostDash;
  t['.'] = kHostDot;
  return t;
}
constexpr std::array<std::uint8_t, 256> kHostChars = make_host_chars();

// hostname = *( domainlabel "." ) toplabel [ "." ]; labels are alphanum with inner '-';
// the top label starts with a letter, which is what tells "1.2.3.4.5" from a name.
bool is_hostname(std::string_view text) {
  if (!text.empty() && text.back() == '.') text.remove_suffix(1);
  const char* p = text.data();
  const char* const end = p + text.size();
  while (true) {
    const char* label_end = p;
    while (label_end < end) {
      const std::uint8_t kind = kHostChars[static_cast<unsigned char>(*label_end)];
      if (kind == kHostBad || kind == kHostDot) break;
      ++label_end;
    }
    if (label_end == p || *p == '-' || label_end[-1] == '-') return false;
    if (label_end == end) return kHostChars[static_cast<unsigned char>(*p)] == kHostLetter;
    if (*label_end != '.') return false;
    p = label_end + 1;
  }
}

bool is_scheme(std::string_view s) {
  if (s.empty() || !is_alpha(s[0])) return false;
  for (char c : s) {
    if (!is_alnum(c) && c != '+' && c != '-' && c != '.') return false;
  }
  return true;
}

// pname [ "=" pvalue ] with both made of `classes` (RFC 3261 uri-parameter; RFC 3966
// parameter uses a narrower pname, checked by the caller).
bool is_param(std::string_view item, std::uint8_t classes) {
  const std::size_t eq = item.find('=');
  const std::string_view name = item.substr(0, eq);
  if (name.empty() || !all_in_class(name, classes)) return false;
  if (eq == std::string_view::npos) return true;
  const std::string_view value = item.substr(eq + 1);
  return !value.empty() && all_in_class(value, classes);
}

// Iterates "sep item sep item ..." (sep is ';' for params, '&' for headers).
template <class F>
bool for_each_item(std::string_view list, char sep, F&& f) {
  std::size_t i = 0;
  if (!list.empty() && list[0] == sep) i = 1;
  while (i <= list.size()) {
    std::size_t end = list.find(sep, i);
    if (end == std::string_view::npos) end = list.size();
    if (!f(list.substr(i, end - i))) return false;
    if (end == list.size()) break;
    i = end + 1;
  }
  return true;
}

Error uri_error(std::string_view what) {
  return make_error(400, std::string(what));
}

Result<Uri> parse_sip_uri(Uri u, std::string_view rest) {
  // userinfo: neither user nor password may hold a raw '@', so the first '@' ends it.
  const std::size_t at = rest.find('@');
  if (at != std::string_view::npos) {
    const std::string_view userinfo = rest.substr(0, at);
    const std::size_t colon = userinfo.find(':');
    u.user = userinfo.substr(0, colon);
    if (u.user.empty()) return uri_error("empty user part");
    if (!all_in_class(u.user, kUnreserved | kUserExtra)) return uri_error("invalid user part");
    if (colon != std::string_view::npos) {
      u.password = userinfo.substr(colon + 1);
      if (!all_in_class(u.password, kUnreserved | kPasswordExtra)) {
        return uri_error("invalid password");
      }
    }
    rest = rest.substr(at + 1);
  }
  std::size_t i = 0;
  if (!rest.empty() && rest[0] == '[') {
    const std::size_t close = rest.find(']');
    if (close == std::string_view::npos) return uri_error("unterminated IPv6 reference");
    if (!is_ipv6_address(rest.substr(1, close - 1))) return uri_error("invalid IPv6 address");
    i = close + 1;
  } else {
    while (i < rest.size() && kHostChars[static_cast<unsigned char>(rest[i])] != kHostBad)
      ++i;
    if (i == 0) return uri_error("missing host");
    if (!is_valid_host(rest.substr(0, i))) return uri_error("invalid host");
  }
  u.host = rest.substr(0, i);
  if (i < rest.size() && rest[i] == ':') {
    ++i;
    const std::size_t start = i;
    unsigned port = 0;
    while (i < rest.size() && is_digit(rest[i])) {
      port = port * 10 + static_cast<unsigned>(rest[i] - '0');
      if (port > 65535) return uri_error("port out of range");
      ++i;
    }
    if (i == start) return uri_error("invalid port");
    u.port = static_cast<std::uint16_t>(port);
  }
  if (i < rest.size() && rest[i] == ';') {
    const std::size_t start = i;
    while (i < rest.size() && rest[i] != '?')
      ++i;
    u.params = rest.substr(start, i - start);
    const bool ok = for_each_item(u.params, ';', [](std::string_view item) {
      return is_param(item, kUnreserved | kParamExtra);
    });
    if (!ok) return uri_error("invalid URI parameter");
  }
  if (i < rest.size() && rest[i] == '?') {
    u.headers = rest.substr(i + 1);
    const bool ok = for_each_item(u.headers, '&', [](std::string_view item) {
      // header = hname "=" hvalue; hvalue may be empty.
      const std::size_t eq = item.find('=');
      if (eq == 0 || eq == std::string_view::npos) return false;
      return all_in_class(item.substr(0, eq), kUnreserved | kHeaderExtra) &&
             all_in_class(item.substr(eq + 1), kUnreserved | kHeaderExtra);
    });
    if (!ok) return uri_error("invalid URI header");
    i = rest.size();
  }
  if (i != rest.size()) return uri_error("unexpected character after host");
  return u;
}

bool is_visual_separator(char c) {
  return c == '-' || c == '.' || c == '(' || c == ')';
}

// RFC 3966 §3 telephone-subscriber.
Result<Uri> parse_tel_uri(Uri u, std::string_view rest) {
  const std::size_t semi = rest.find(';');
  u.user = rest.substr(0, semi);
  if (u.user.empty()) return uri_error("empty telephone number");
  const bool global = u.user[0] == '+';
  bool has_digit = false;
  for (std::size_t k = global ? 1 : 0; k < u.user.size(); ++k) {
    const char c = u.user[k];
    if (is_digit(c) || (!global && (hex_value(c) >= 0 || c == '*' || c == '#'))) {
      has_digit = true;
    } else if (!is_visual_separator(c)) {
      return uri_error("invalid character in telephone number");
    }
  }
  if (!has_digit) return uri_error("telephone number without digits");
  if (semi != std::string_view::npos) {
    u.params = rest.substr(semi);
    const bool ok = for_each_item(u.params, ';', [](std::string_view item) {
      const std::string_view name = item.substr(0, item.find('='));
      for (char c : name) {
        if (!is_alnum(c) && c != '-') return false;
      }
      return is_param(item, kUnreserved | kParamExtra);
    });
    if (!ok) return uri_error("invalid tel URI parameter");
  }
  // RFC 3966 §5.1.5: a local number must say where it is local.
  if (!global && !u.param("phone-context")) return uri_error("local number without phone-context");
  return u;
}

// Yields the octets of URI text with %HH escapes resolved. Parsed URIs only hold
// well-formed escapes; a stray '%' is taken literally.
class Decoder {
 public:
  explicit Decoder(std::string_view s) : s_(s) {}
  bool next(char& c) {
    if (i_ >= s_.size()) return false;
    if (s_[i_] == '%' && i_ + 2 < s_.size() && hex_value(s_[i_ + 1]) >= 0 &&
        hex_value(s_[i_ + 2]) >= 0) {
      c = static_cast<char>(hex_value(s_[i_ + 1]) * 16 + hex_value(s_[i_ + 2]));
      i_ += 3;
      return true;
    }
    c = s_[i_++];
    return true;
  }

 private:
  std::string_view s_;
  std::size_t i_ = 0;
};

bool decoded_equal(std::string_view a, std::string_view b, bool ignore_case) {
  Decoder da(a), db(b);
  char ca = 0, cb = 0;
  while (true) {
    const bool ha = da.next(ca);
    const bool hb = db.next(cb);
    if (ha != hb) return false;
    if (!ha) return true;
    if (ignore_case ? ascii_lower(ca) != ascii_lower(cb) : ca != cb) return false;
  }
}

struct Item {
  std::string_view name;
  std::optional<std::string_view> value;
};
Item split_item(std::string_view item) {
  const std::size_t eq = item.find('=');
  if (eq == std::string_view::npos) return {item, std::nullopt};
  return {item.substr(0, eq), item.substr(eq + 1)};
}

// First item of `list` whose (unescaped) name matches `name` case-insensitively.
std::optional<Item> find_item(std::string_view list, char sep, std::string_view name) {
  std::optional<Item> found;
  for_each_item(list, sep, [&](std::string_view item) {
    const Item it = split_item(item);
    if (decoded_equal(it.name, name, true)) {
      found = it;
      return false;
    }
    return true;
  });
  return found;
}

// Whether `item` is the first in `list` with its name (later duplicates are shadowed, which
// keeps the comparison reflexive for URIs like ";a=1;a=2").
bool is_first_of_name(std::string_view list, char sep, std::string_view item) {
  const Item it = split_item(item);
  const auto first = find_item(list, sep, it.name);
  return first && first->name.data() == it.name.data();
}

bool values_equal(const Item& a, const Item& b, bool ignore_case) {
  return decoded_equal(a.value.value_or(std::string_view{}), b.value.value_or(std::string_view{}),
                       ignore_case);
}

// RFC 3261 §19.1.4: these parameters make a URI unequal to one that lacks them.
bool is_strict_param(std::string_view name) {
  for (std::string_view p : {"user", "ttl", "method", "maddr", "transport"}) {
    if (decoded_equal(name, p, true)) return true;
  }
  return false;
}

bool params_equal(std::string_view a, std::string_view b) {
  auto one_way = [](std::string_view x, std::string_view y) {
    return for_each_item(x, ';', [&](std::string_view item) {
      if (!is_first_of_name(x, ';', item)) return true;
      const Item ix = split_item(item);
      const auto iy = find_item(y, ';', ix.name);
      if (!iy) return !is_strict_param(ix.name);
      return values_equal(ix, *iy, true);
    });
  };
  return one_way(a, b) && one_way(b, a);
}

// URI headers are never ignored (§19.1.4): the same set on both sides.
bool headers_equal(std::string_view a, std::string_view b) {
  auto one_way = [](std::string_view x, std::string_view y) {
    return for_each_item(x, '&', [&](std::string_view item) {
      if (item.empty() || !is_first_of_name(x, '&', item)) return true;
      const Item ix = split_item(item);
      const auto iy = find_item(y, '&', ix.name);
      return iy && values_equal(ix, *iy, false);
    });
  };
  return one_way(a, b) && one_way(b, a);
}

bool hosts_equal(std::string_view a, std::string_view b) {
  if (a.size() > 2 && b.size() > 2 && a.front() == '[' && b.front() == '[') {
    std::array<std::uint8_t, 16> x{}, y{};
    if (ipv6_octets(a.substr(1, a.size() - 2), &x) && ipv6_octets(b.substr(1, b.size() - 2), &y)) {
      return x == y;
    }
  }
  return iequals(a, b);
}

// RFC 3966 §4: numbers compare digit by digit, visual separators ignored.
bool tel_numbers_equal(std::string_view a, std::string_view b) {
  std::size_t i = 0, j = 0;
  while (true) {
    while (i < a.size() && is_visual_separator(a[i]))
      ++i;
    while (j < b.size() && is_visual_separator(b[j]))
      ++j;
    if (i == a.size() || j == b.size()) return i == a.size() && j == b.size();
    if (ascii_lower(a[i]) != ascii_lower(b[j])) return false;
    ++i;
    ++j;
  }
}

bool all_params_equal(std::string_view a, std::string_view b) {
  auto one_way = [](std::string_view x, std::string_view y) {
    return for_each_item(x, ';', [&](std::string_view item) {
      if (!is_first_of_name(x, ';', item)) return true;
      const Item ix = split_item(item);
      const auto iy = find_item(y, ';', ix.name);
      return iy && values_equal(ix, *iy, true);
    });
  };
  return one_way(a, b) && one_way(b, a);
}

}  // namespace

bool is_ipv4_address(std::string_view text) {
  return ipv4_octets(text, nullptr);
}
bool is_ipv6_address(std::string_view text) {
  return ipv6_octets(text, nullptr);
}

bool is_valid_host(std::string_view host) {
  if (host.empty()) return false;
  if (host.front() == '[') {
    return host.size() > 2 && host.back() == ']' &&
           is_ipv6_address(host.substr(1, host.size() - 2));
  }
  // A name's top label starts with a letter, so no text is both a hostname and an IPv4address.
  // Try the likelier form first: either check gives up early on the other kind.
  if (is_digit(host.front())) return is_ipv4_address(host) || is_hostname(host);
  return is_hostname(host);
}

std::optional<std::string_view> Uri::param(std::string_view name) const {
  if (params.empty()) return std::nullopt;
  return find_param(params, name);
}

std::string_view Uri::transport() const {
  const auto t = param("transport");
  if (!t || t->empty()) return scheme == Scheme::sips ? "tls" : "udp";
  for (std::string_view known : {"udp", "tcp", "tls", "sctp", "ws", "wss"}) {
    if (iequals(*t, known)) return known;
  }
  return *t;
}

Result<Uri> parse_uri(std::string_view text) {
  Uri u;
  u.text = text;
  const std::size_t colon = text.find(':');
  if (colon == std::string_view::npos) return uri_error("missing scheme");
  u.scheme_text = text.substr(0, colon);
  if (!is_scheme(u.scheme_text)) return uri_error("invalid scheme");
  const std::string_view rest = text.substr(colon + 1);
  if (iequals(u.scheme_text, "sip")) {
    u.scheme = Uri::Scheme::sip;
    return parse_sip_uri(u, rest);
  }
  if (iequals(u.scheme_text, "sips")) {
    u.scheme = Uri::Scheme::sips;
    return parse_sip_uri(u, rest);
  }
  if (iequals(u.scheme_text, "tel")) {
    u.scheme = Uri::Scheme::tel;
    return parse_tel_uri(u, rest);
  }
  // RFC 3261 §25.1 absoluteURI: hier-part or opaque-part, both made of uric (plus '#' for a
  // fragment, which some schemes carry).
  u.scheme = Uri::Scheme::other;
  if (rest.empty()) return uri_error("empty URI after scheme");
  for (std::size_t i = 0; i < rest.size(); ++i) {
    if (rest[i] == '#') continue;
    if (rest[i] == '%') {
      if (i + 2 >= rest.size() || hex_value(rest[i + 1]) < 0 || hex_value(rest[i + 2]) < 0) {
        return uri_error("malformed escape");
      }
      i += 2;
    } else if (!in_class(rest[i], kUnreserved | kReserved)) {
      return uri_error("invalid character in URI");
    }
  }
  return u;
}

bool uri_equal(const Uri& a, const Uri& b) {
  if (a.scheme != b.scheme) return false;
  switch (a.scheme) {
    case Uri::Scheme::sip:
    case Uri::Scheme::sips:
      // §19.1.4: userinfo is case-sensitive, host is not; escapes compare as their octets.
      return decoded_equal(a.user, b.user, false) && decoded_equal(a.password, b.password, false) &&
             a.user.empty() == b.user.empty() && hosts_equal(a.host, b.host) && a.port == b.port &&
             params_equal(a.params, b.params) && headers_equal(a.headers, b.headers);
    case Uri::Scheme::tel:
      return tel_numbers_equal(a.user, b.user) && all_params_equal(a.params, b.params);
    case Uri::Scheme::other: {
      if (!iequals(a.scheme_text, b.scheme_text)) return false;
      const std::string_view ra = a.text.substr(a.scheme_text.size());
      const std::string_view rb = b.text.substr(b.scheme_text.size());
      return decoded_equal(ra, rb, false);
    }
  }
  return false;
}

Result<std::string> unescape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out.push_back(text[i]);
      continue;
    }
    if (i + 2 >= text.size() || hex_value(text[i + 1]) < 0 || hex_value(text[i + 2]) < 0) {
      return make_error(400, "malformed %-escape");
    }
    out.push_back(static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2])));
    i += 2;
  }
  return out;
}

}  // namespace dzvin::sip
