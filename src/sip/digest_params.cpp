#include "sip/digest_params.hpp"

#include "sip/header_values.hpp"

namespace dzvin::sip {

namespace {

bool is_lws(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

// RFC 7235 §2.1 token68 may also hold '/', which is not a token octet.
bool starts_token68(char c) {
  return is_token_char(c) || c == '/';
}

}  // namespace

Error AuthParamReader::error(std::string_view what) const {
  std::string message(header_);
  message += ": ";
  message += what;
  return make_error(400, std::move(message));
}

void AuthParamReader::skip_lws() {
  while (!done() && is_lws(peek()))
    ++pos_;
}

std::string_view AuthParamReader::token() {
  const std::size_t start = pos_;
  while (!done() && is_token_char(peek()))
    ++pos_;
  return text_.substr(start, pos_ - start);
}

bool AuthParamReader::at_end() {
  for (;;) {
    skip_lws();
    if (done()) return true;
    if (peek() != ',') return false;
    ++pos_;
    after_comma_ = true;
  }
}

std::string_view AuthParamReader::scheme() {
  at_end();
  const std::string_view scheme = token();
  const std::size_t end = pos_;
  skip_lws();
  space_after_scheme_ = pos_ > end;
  params_ = 0;
  after_comma_ = false;
  return scheme;
}

bool AuthParamReader::scheme_ends_here(std::size_t token_end) const {
  return done() || peek() == ',' || (pos_ > token_end && starts_token68(peek()));
}

bool AuthParamReader::starts_challenge() {
  const std::size_t start = pos_;
  if (token().empty()) return false;
  const std::size_t end = pos_;
  skip_lws();
  const bool challenge = scheme_ends_here(end);
  pos_ = start;
  return challenge;
}

void AuthParamReader::skip_quoted() {
  const std::size_t end = quoted_string_end(text_.substr(pos_));
  pos_ = end == std::string_view::npos ? text_.size() : pos_ + end;
}

Result<bool> AuthParamReader::next(AuthParam& param, UnescapeStorage& storage) {
  if (at_end()) return false;
  const std::size_t element = pos_;
  const std::string_view name = token();
  if (name.empty()) return error("malformed parameter name");
  const std::size_t name_end = pos_;
  skip_lws();
  if (done() || peek() != '=') {
    // Not "name=": after a comma, the scheme of another challenge.
    if (after_comma_ && scheme_ends_here(name_end)) {
      pos_ = element;
      return false;
    }
    return error("parameter without value");
  }
  if (++params_ > limits_.max_params) return error("too many parameters");
  ++pos_;
  skip_lws();
  if (done()) return error("parameter without value");

  std::string_view value;
  if (peek() == '"') {
    ++pos_;
    const std::size_t open = pos_;
    bool escaped = false;
    for (;;) {
      if (done()) return error("unterminated quoted string");
      const char c = peek();
      if (c == '"') break;
      if (c == '\\') {
        escaped = true;
        ++pos_;
        if (done()) return error("unterminated quoted string");
        const char e = peek();
        if (e == '\r' || e == '\n') return error("bad escape in quoted string");
      } else if ((static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7f) {
        return error("control character in quoted string");
      }
      ++pos_;
    }
    value = text_.substr(open, pos_ - open);
    ++pos_;  // closing quote
    if (escaped) {
      // RFC 3261 §25.1 quoted-pair: "\x" stands for x.
      if (!storage.buffer) storage.buffer = std::make_unique<char[]>(text_.size());
      char* out = storage.buffer.get() + storage.used;
      std::size_t n = 0;
      for (std::size_t i = 0; i < value.size(); ++i) {
        if (value[i] == '\\') ++i;
        out[n++] = value[i];
      }
      value = std::string_view(out, n);
      storage.used += n;
    }
  } else {
    value = token();
    if (value.empty()) return error("malformed value of " + std::string(name));
  }
  if (value.size() > limits_.max_value_bytes) {
    return error("value of " + std::string(name) + " too long");
  }
  skip_lws();
  if (!done() && peek() != ',') return error("expected ',' between parameters");
  after_comma_ = false;
  param = AuthParam{name, value};
  return true;
}

void AuthParamReader::skip_challenge() {
  after_comma_ = false;
  for (;;) {
    if (at_end()) return;
    if (after_comma_ && starts_challenge()) return;
    after_comma_ = false;
    // One element (the token68, or an auth-param): up to the next comma outside quotes.
    while (!done() && peek() != ',') {
      if (peek() == '"') {
        skip_quoted();
      } else {
        ++pos_;
      }
    }
  }
}

Result<void> KnownAuthParams::read(AuthParamReader& in, UnescapeStorage& storage) {
  AuthParam param;
  for (;;) {
    auto more = in.next(param, storage);
    if (!more) return more.error();
    if (!*more) return {};
    std::size_t i = 0;
    while (i < names_.size() && !iequals(param.name, names_[i]))
      ++i;
    if (i == names_.size()) continue;
    if (seen_[i]) return in.error("duplicate parameter " + std::string(names_[i]));
    seen_[i] = true;
    values_[i] = param.value;
  }
}

}  // namespace dzvin::sip
