#pragma once
// Pieces shared by every header value grammar of RFC 3261 §25: comma-separated lists
// (commas inside quoted strings and <...> do not split), ;params, quoted strings.
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
    bool operator==(const iterator& o) const { return end_ == o.end_ && (end_ || rest_.data() == o.rest_.data()); }

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

// Finds a ;name[=value] parameter in a parameter list such as ";branch=z9hG4bK1;rport".
// Names compare case-insensitively. Present without value -> empty view. A quoted value is
// returned with its quotes.
std::optional<std::string_view> find_param(std::string_view params, std::string_view name);

// Strips the quotes of a quoted-string and resolves its \-escapes (RFC 3261 §25.1
// quoted-pair). An error when the quotes are unbalanced.
Result<std::string> unquote(std::string_view quoted);

// Trims SP/HTAB (and CR/LF left from folding) at both ends.
std::string_view trim_lws(std::string_view s);

bool iequals(std::string_view a, std::string_view b);

}  // namespace dzvin::sip
