#pragma once
// Pieces shared by every header value grammar of RFC 3261 §25: comma-separated lists
// (commas inside quoted strings and <...> do not split), ;params, quoted strings.
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.hpp"

namespace dzvin::sip {

// Iterates the comma-separated elements of one header value, each trimmed of LWS.
//   for (std::string_view v : CommaList(value)) ...
class CommaList {
 public:
  explicit CommaList(std::string_view value) : value_(value) {}
  class iterator {
   public:
    using value_type = std::string_view;
    using difference_type = std::ptrdiff_t;
    iterator() = default;
    iterator(std::string_view rest, bool end);
    std::string_view operator*() const { return current_; }
    iterator& operator++();
    iterator operator++(int) {
      auto copy = *this;
      ++*this;
      return copy;
    }
    bool operator==(const iterator& o) const {
      return end_ == o.end_ && (end_ || rest_.data() == o.rest_.data());
    }

   private:
    void advance();
    std::string_view rest_;
    std::string_view current_;
    bool end_ = true;
  };
  iterator begin() const { return iterator(value_, false); }
  iterator end() const { return iterator({}, true); }

 private:
  std::string_view value_;
};

// Iterates the ";name[=value]" items of a parameter list (";branch=z9hG4bK1 ; rport"), each
// trimmed of LWS and without its ';'. A ';' inside a quoted value does not split. Empty items
// (";;") are yielded as empty views so that grammar checks can reject them.
class ParamList {
 public:
  explicit ParamList(std::string_view params);
  // Next item into `item`; false at the end.
  bool next(std::string_view& item);
  // Splits an item into its trimmed name and value (nullopt when there is no '=').
  static void split(std::string_view item, std::string_view& name,
                    std::optional<std::string_view>& value);

 private:
  std::string_view rest_;
  bool done_ = false;
};

// Finds a ;name[=value] parameter in a parameter list such as ";branch=z9hG4bK1;rport".
// Names compare case-insensitively. Present without value -> empty view. A quoted value is
// returned with its quotes.
std::optional<std::string_view> find_param(std::string_view params, std::string_view name);

// Strips the quotes of a quoted-string and resolves its \-escapes (RFC 3261 §25.1
// quoted-pair). An error when the quotes are unbalanced or text follows the closing quote.
// Text that does not start with a quote is returned unchanged (trimmed): token display names
// and parameter values need no unquoting.
Result<std::string> unquote(std::string_view quoted);

// The reverse: `value` as a quoted-string, '"', '\' and controls as quoted-pairs, so that the
// text reads back as the same octets (the message writer keeps quoted-pairs).
void append_quoted(std::string& out, std::string_view value);

// RFC 3261 §25.1 token: 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~").
namespace detail {
constexpr std::array<bool, 256> make_token_table() {
  std::array<bool, 256> t{};
  for (int c = '0'; c <= '9'; ++c)
    t[static_cast<std::size_t>(c)] = true;
  for (int c = 'a'; c <= 'z'; ++c)
    t[static_cast<std::size_t>(c)] = true;
  for (int c = 'A'; c <= 'Z'; ++c)
    t[static_cast<std::size_t>(c)] = true;
  for (char c : std::string_view("-.!%*_+`'~"))
    t[static_cast<unsigned char>(c)] = true;
  return t;
}
inline constexpr std::array<bool, 256> kTokenChars = make_token_table();
}  // namespace detail
// Inline: it runs for every octet of every header name.
inline bool is_token_char(char c) {
  return detail::kTokenChars[static_cast<unsigned char>(c)];
}
// The first index at or after i (i <= n) whose octet is not in `table`, or n. Four octets a
// step while all four are in: header names, Call-IDs and branches are runs of 10-50 such
// octets, and a step per octet costs a compare and a branch each.
inline std::size_t span_of(const std::array<bool, 256>& table, const char* p, std::size_t i,
                           std::size_t n) {
  // As int, so that the four tests below combine without branches ('&', not '&&').
  auto in = [&](std::size_t k) {
    return static_cast<int>(table[static_cast<unsigned char>(p[k])]);
  };
  while (i + 4 <= n && (in(i)&in(i + 1) & in(i + 2) & in(i + 3)) != 0)
    i += 4;
  while (i < n && in(i) != 0)
    ++i;
  return i;
}

inline bool is_token(std::string_view s) {
  for (char c : s) {
    if (!is_token_char(c)) return false;
  }
  return !s.empty();
}

// Trims SP/HTAB (and CR/LF left from folding) at both ends. Inline, like iequals: both run
// several times per header on the parsing hot path.
inline std::string_view trim_lws(std::string_view s) {
  auto lws = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && lws(s.front()))
    s.remove_prefix(1);
  while (!s.empty() && lws(s.back()))
    s.remove_suffix(1);
  return s;
}

// ASCII case-insensitive equality (header names, parameter names, schemes).
inline bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const char x = a[i], y = b[i];
    if (x == y) continue;
    if ((x | 0x20) != (y | 0x20)) return false;
    const char lower = static_cast<char>(x | 0x20);
    if (lower < 'a' || lower > 'z') return false;
  }
  return true;
}

// The end of the quoted-string that starts at quoted[0] == '"': the index just past the closing
// quote, or npos when it is unterminated (quoted-pair escapes are skipped).
std::size_t quoted_string_end(std::string_view quoted);

// delta-seconds (RFC 3261 §25.1: Expires, Min-Expires, the Contact expires param); values
// beyond 2^32-1 saturate. Malformed values give `fallback` (§20.10, §20.19 say a malformed value
// is treated as the default).
std::uint32_t parse_delta_seconds(std::string_view text, std::uint32_t fallback);

}  // namespace dzvin::sip
