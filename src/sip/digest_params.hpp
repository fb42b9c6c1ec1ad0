#pragma once
// The auth-param lists of the Digest scheme, read the same way for credentials (Authorization,
// digest_credentials.hpp) and challenges (WWW-Authenticate, digest_challenge.hpp): RFC 7235
// §2.1 (auth-scheme, then a token68 or #auth-param; several challenges may share one header
// value, comma-separated, §4.1), RFC 7616 §3.3/§3.4, RFC 3261 §25.1 (token, quoted-string,
// quoted-pair). Only the two digest parsers use it.
#include <array>
#include <cassert>
#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "base/result.hpp"
#include "sip/digest_credentials.hpp"

namespace dzvin::sip {

struct AuthParam {
  std::string_view name;   // as written
  std::string_view value;  // without its quotes, \-escapes resolved
};

// Where quoted values that contain \-escapes are unescaped: one buffer the size of the whole
// header value (unescaped text is never longer), allocated on first need and owned by the parsed
// object, so that its views stay valid when it moves.
struct UnescapeStorage {
  std::unique_ptr<char[]>& buffer;
  std::size_t used = 0;
};

// Reads one header value element by element. Errors are 400 and start with `header`, e.g.
// "Authorization: unterminated quoted string". Every call advances or reports the end: safe on
// any byte sequence.
class AuthParamReader {
 public:
  AuthParamReader(std::string_view text, std::string_view header, const DigestLimits& limits)
      : text_(text), header_(header), limits_(limits) {}

  // True when only LWS and empty list elements are left.
  bool at_end();
  // The auth-scheme that starts the next challenge or credentials, with LWS and empty list
  // elements before it skipped; empty when the next octet cannot start a token.
  std::string_view scheme();
  // Whether LWS followed the last scheme() (parameters must be separated from it).
  bool space_after_scheme() const { return space_after_scheme_; }

  // The next auth-param of the current challenge. False at the end of the value, or where a
  // list element starts another challenge (after a comma, a token followed by the end, a comma,
  // or LWS and another token: "Digest realm=.., Basic realm=.."); scheme() reads it next. A
  // token that is neither is "parameter without value". Values longer than
  // limits.max_value_bytes and more than limits.max_params parameters are errors.
  Result<bool> next(AuthParam& param, UnescapeStorage& storage);

  // Skips what follows the scheme of a challenge this parser does not read (a token68 or
  // auth-params of another scheme), up to the next challenge or the end.
  void skip_challenge();

  // A 400 whose message is "<header>: <what>".
  Error error(std::string_view what) const;

 private:
  bool done() const { return pos_ >= text_.size(); }
  char peek() const { return text_[pos_]; }
  void skip_lws();
  std::string_view token();
  // After a comma, at the start of a list element: whether it begins another challenge. Leaves
  // the position at the element either way.
  bool starts_challenge();
  // Past a token and the LWS after it (the token ended at token_end): whether that token was an
  // auth-scheme, i.e. the end, a comma, or LWS and a token68/auth-param follow.
  bool scheme_ends_here(std::size_t token_end) const;
  // Past a quoted-string starting at pos_ (or to the end when it is unterminated).
  void skip_quoted();

  std::string_view text_;
  std::string_view header_;
  const DigestLimits& limits_;
  std::size_t pos_ = 0;
  std::size_t params_ = 0;
  bool space_after_scheme_ = false;
  bool after_comma_ = false;  // a comma was read since the last parameter or scheme
};

// The parameters a parser knows, by their index in its list of names: RFC 7616 §3.3/§3.4 allow
// each at most once (a repeat is an error) and say unknown ones are ignored.
class KnownAuthParams {
 public:
  static constexpr std::size_t kMaxNames = 16;
  explicit KnownAuthParams(std::span<const std::string_view> names) : names_(names) {
    assert(names.size() <= kMaxNames);
  }
  // Reads the parameters of the current challenge or credentials (up to the end of the value or
  // the next challenge).
  Result<void> read(AuthParamReader& in, UnescapeStorage& storage);
  bool has(std::size_t index) const { return seen_[index]; }
  std::string_view operator[](std::size_t index) const { return values_[index]; }

 private:
  std::span<const std::string_view> names_;
  std::array<std::string_view, kMaxNames> values_{};
  std::array<bool, kMaxNames> seen_{};
};

}  // namespace dzvin::sip
