#include "sip/header_values.hpp"

#include <algorithm>
#include <array>

namespace dzvin::sip {
namespace {

// Octets CommaList must look at; everything else is skipped in a tight loop.
constexpr std::array<bool, 256> make_list_special() {
  std::array<bool, 256> t{};
  t['"'] = t['<'] = t['>'] = t[','] = true;
  return t;
}
constexpr std::array<bool, 256> kListSpecial = make_list_special();

}  // namespace

std::size_t quoted_string_end(std::string_view quoted) {
  if (quoted.empty() || quoted[0] != '"') return std::string_view::npos;
  for (std::size_t i = 1; i < quoted.size(); ++i) {
    if (quoted[i] == '\\') {
      ++i;  // RFC 3261 §25.1 quoted-pair: the next octet is literal, even a quote
    } else if (quoted[i] == '"') {
      return i + 1;
    }
  }
  return std::string_view::npos;
}

CommaList::iterator::iterator(std::string_view rest, bool end) : rest_(rest), end_(end) {
  if (!end_) advance();
}

CommaList::iterator& CommaList::iterator::operator++() {
  advance();
  return *this;
}

// Takes the next non-empty element off rest_. Commas inside a quoted-string (RFC 3261 §25.1)
// or inside <...> (a URI may carry escaped commas but also, in the wild, raw ones in its
// parameters) do not split. Empty elements (",,") are skipped.
void CommaList::iterator::advance() {
  // Most values are a single element: without a comma there is nothing to split (memchr is
  // much faster than the quote-aware scan below).
  if (!rest_.empty() && rest_.find(',') == std::string_view::npos) {
    current_ = trim_lws(rest_);
    rest_ = {};
    if (!current_.empty()) return;
  }
  while (!rest_.empty()) {
    std::size_t i = 0;
    bool in_angle = false;
    while (i < rest_.size()) {
      while (i < rest_.size() && !kListSpecial[static_cast<unsigned char>(rest_[i])])
        ++i;
      if (i >= rest_.size()) break;
      const char c = rest_[i];
      if (c == '"' && !in_angle) {
        const std::size_t end = quoted_string_end(rest_.substr(i));
        if (end == std::string_view::npos) {
          i = rest_.size();  // unterminated: the rest is one element, its parser will complain
          break;
        }
        i += end;
        continue;
      }
      if (c == '<') in_angle = true;
      if (c == '>') in_angle = false;
      if (c == ',' && !in_angle) break;
      ++i;
    }
    const std::string_view element = trim_lws(rest_.substr(0, i));
    rest_ = i < rest_.size() ? rest_.substr(i + 1) : std::string_view{};
    if (!element.empty()) {
      current_ = element;
      return;
    }
  }
  end_ = true;
  current_ = {};
}

ParamList::ParamList(std::string_view params) : rest_(trim_lws(params)) {
  if (rest_.empty()) {
    done_ = true;
  } else if (rest_.front() == ';') {
    rest_.remove_prefix(1);
  }
}

bool ParamList::next(std::string_view& item) {
  if (done_) return false;
  std::size_t end = 0;
  while (end < rest_.size() && rest_[end] != ';') {
    if (rest_[end] == '"') {
      const std::size_t q = quoted_string_end(rest_.substr(end));
      if (q == std::string_view::npos) {
        end = rest_.size();  // unterminated: the rest is one item, its checker will complain
        break;
      }
      end += q;
    } else {
      ++end;
    }
  }
  item = trim_lws(rest_.substr(0, end));
  if (end >= rest_.size()) {
    done_ = true;
  } else {
    rest_.remove_prefix(end + 1);
  }
  return true;
}

void ParamList::split(std::string_view item, std::string_view& name,
                      std::optional<std::string_view>& value) {
  const std::size_t eq = item.find('=');
  name = trim_lws(item.substr(0, eq));
  if (eq == std::string_view::npos) {
    value.reset();
  } else {
    value = trim_lws(item.substr(eq + 1));
  }
}

std::optional<std::string_view> find_param(std::string_view params, std::string_view name) {
  // Fast path: the first parameter is the one asked for and written plainly (";tag=1a2b"),
  // as nearly every UA writes a tag or a branch. Anything else takes the general scan.
  const std::size_t n = name.size();
  if (params.size() > n + 2 && params[0] == ';' && params[n + 1] == '=' &&
      iequals(params.substr(1, n), name)) {
    const std::size_t end = span_of(detail::kTokenChars, params.data(), n + 2, params.size());
    if (end > n + 2 && (end == params.size() || params[end] == ';')) {
      return params.substr(n + 2, end - n - 2);
    }
  }
  ParamList list(params);
  std::string_view item, item_name;
  std::optional<std::string_view> value;
  while (list.next(item)) {
    ParamList::split(item, item_name, value);
    if (iequals(item_name, name)) return value ? *value : std::string_view{};
  }
  return std::nullopt;
}

Result<std::string> unquote(std::string_view quoted) {
  quoted = trim_lws(quoted);
  if (quoted.empty() || quoted.front() != '"') return std::string(quoted);
  std::string out;
  out.reserve(quoted.size());
  for (std::size_t i = 1; i < quoted.size(); ++i) {
    const char c = quoted[i];
    if (c == '\\') {
      if (i + 1 >= quoted.size()) break;
      out.push_back(quoted[++i]);
    } else if (c == '"') {
      if (i + 1 != quoted.size()) {
        return make_error(400, "text after the closing quote of a quoted string");
      }
      return out;
    } else {
      out.push_back(c);
    }
  }
  return make_error(400, "unterminated quoted string");
}

std::uint32_t parse_delta_seconds(std::string_view text, std::uint32_t fallback) {
  text = trim_lws(text);
  if (text.empty() || text.size() > 20) return fallback;
  std::uint64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return fallback;
    v = std::min<std::uint64_t>(v * 10 + static_cast<std::uint64_t>(c - '0'), 0xffffffffULL);
  }
  return static_cast<std::uint32_t>(v);
}

void append_quoted(std::string& out, std::string_view value) {
  out.push_back('"');
  for (char c : value) {
    const auto octet = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\' || (octet < 0x20 && c != '\t') || octet == 0x7f) out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('"');
}

}  // namespace dzvin::sip
