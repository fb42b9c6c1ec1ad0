#include "sip/digest_credentials.hpp"
#include "sip/header_values.hpp"

#include <array>
#include <string>

namespace dzvin::sip {

namespace {

constexpr int kBadRequest = 400;

bool token_char(char c) {
  // RFC 3261 §25.1 token.
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  switch (c) {
    case '-':
    case '.':
    case '!':
    case '%':
    case '*':
    case '_':
    case '+':
    case '`':
    case '\'':
    case '~':
      return true;
    default:
      return false;
  }
}

bool is_lws(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

enum Field : std::uint8_t {
  kUsername,
  kRealm,
  kNonce,
  kUri,
  kResponse,
  kAlgorithm,
  kCnonce,
  kOpaque,
  kQop,
  kNc,
  kUserhash,
  kFieldCount,
  kUnknown = kFieldCount,
};

constexpr std::array<std::string_view, kFieldCount> kFieldNames = {
    "username", "realm",  "nonce", "uri", "response", "algorithm",
    "cnonce",   "opaque", "qop",   "nc",  "userhash"};

Field lookup_field(std::string_view name) {
  for (std::size_t i = 0; i < kFieldNames.size(); ++i) {
    if (iequals(name, kFieldNames[i])) return static_cast<Field>(i);
  }
  return kUnknown;
}

Error bad(std::string message) {
  return make_error(kBadRequest, std::move(message));
}

class Cursor {
 public:
  explicit Cursor(std::string_view s) : s_(s) {}
  bool done() const { return pos_ >= s_.size(); }
  char peek() const { return s_[pos_]; }
  void skip_lws() {
    while (!done() && is_lws(s_[pos_]))
      ++pos_;
  }
  std::string_view token() {
    const std::size_t start = pos_;
    while (!done() && token_char(s_[pos_]))
      ++pos_;
    return s_.substr(start, pos_ - start);
  }
  std::size_t pos() const { return pos_; }
  void advance(std::size_t n = 1) { pos_ += n; }
  std::string_view text() const { return s_; }

 private:
  std::string_view s_;
  std::size_t pos_ = 0;
};

}  // namespace

std::string_view to_string(DigestAlgorithm algorithm) {
  return algorithm == DigestAlgorithm::md5 ? "MD5" : "SHA-256";
}

Result<DigestCredentials> parse_digest_credentials(std::string_view header_value,
                                                   const DigestLimits& limits) {
  if (header_value.size() > limits.max_header_bytes) return bad("Authorization header too long");
  Cursor in(header_value);
  in.skip_lws();
  if (!iequals(in.token(), "Digest")) return bad("Authorization scheme is not Digest");
  if (in.done() || !is_lws(in.peek())) return bad("Authorization: no parameters after Digest");

  DigestCredentials creds;
  std::array<std::string_view, kFieldCount> values{};
  std::array<bool, kFieldCount> seen{};
  std::size_t params = 0;
  std::size_t storage_used = 0;

  for (;;) {
    in.skip_lws();
    if (in.done()) break;
    if (in.peek() == ',') {  // empty list element (RFC 7230 §7 #rule)
      in.advance();
      continue;
    }
    if (++params > limits.max_params) return bad("Authorization: too many parameters");
    const std::string_view name = in.token();
    if (name.empty()) return bad("Authorization: malformed parameter name");
    in.skip_lws();
    if (in.done() || in.peek() != '=') return bad("Authorization: parameter without value");
    in.advance();
    in.skip_lws();
    if (in.done()) return bad("Authorization: parameter without value");

    std::string_view value;
    if (in.peek() == '"') {
      in.advance();
      const std::size_t start = in.pos();
      bool escaped = false;
      for (;;) {
        if (in.done()) return bad("Authorization: unterminated quoted string");
        const char c = in.peek();
        if (c == '"') break;
        if (c == '\\') {
          escaped = true;
          in.advance();
          if (in.done()) return bad("Authorization: unterminated quoted string");
          const char e = in.peek();
          if (e == '\r' || e == '\n') return bad("Authorization: bad escape in quoted string");
        } else if ((static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7f) {
          return bad("Authorization: control character in quoted string");
        }
        in.advance();
      }
      value = in.text().substr(start, in.pos() - start);
      in.advance();  // closing quote
      if (escaped) {
        // RFC 3261 §25.1 quoted-pair: "\x" stands for x. Unescaped text is never longer than
        // the header, so one buffer of that size holds every value.
        if (!creds.storage_) creds.storage_ = std::make_unique<char[]>(header_value.size());
        char* out = creds.storage_.get() + storage_used;
        std::size_t n = 0;
        for (std::size_t i = 0; i < value.size(); ++i) {
          if (value[i] == '\\') ++i;
          out[n++] = value[i];
        }
        value = std::string_view(out, n);
        storage_used += n;
      }
    } else {
      value = in.token();
      if (value.empty()) return bad("Authorization: malformed value of " + std::string(name));
    }
    if (value.size() > limits.max_value_bytes)
      return bad("Authorization: value of " + std::string(name) + " too long");

    const Field field = lookup_field(name);
    if (field != kUnknown) {
      if (seen[field])
        return bad("Authorization: duplicate parameter " + std::string(kFieldNames[field]));
      seen[field] = true;
      // qop and nc are tokens in the grammar; some clients quote them anyway, which is
      // harmless to accept, so quoted and token values are treated alike.
      values[field] = value;
    }

    in.skip_lws();
    if (in.done()) break;
    if (in.peek() != ',') return bad("Authorization: expected ',' between parameters");
    in.advance();
  }

  static constexpr std::array<Field, 5> kRequired = {kUsername, kRealm, kNonce, kUri, kResponse};
  for (Field f : kRequired) {
    if (!seen[f]) return bad("Authorization: missing " + std::string(kFieldNames[f]));
  }
  creds.username = values[kUsername];
  creds.realm = values[kRealm];
  creds.nonce = values[kNonce];
  creds.uri = values[kUri];
  creds.response = values[kResponse];
  creds.opaque = values[kOpaque];
  if (creds.nonce.empty()) return bad("Authorization: empty nonce");
  // digest-uri is the Request-URI (RFC 7616 §3.4): it enters HA2 and cannot be empty.
  if (creds.uri.empty()) return bad("Authorization: empty uri");
  if (creds.response.empty()) return bad("Authorization: empty response");

  if (seen[kAlgorithm]) {
    const std::string_view a = values[kAlgorithm];
    if (iequals(a, "MD5")) {
      creds.algorithm = DigestAlgorithm::md5;
    } else if (iequals(a, "SHA-256")) {
      creds.algorithm = DigestAlgorithm::sha256;
    } else {
      creds.algorithm_supported = false;
    }
  }

  if (seen[kQop]) {
    creds.qop = iequals(values[kQop], "auth") ? DigestQop::auth : DigestQop::other;
    if (!seen[kCnonce] || values[kCnonce].empty()) return bad("Authorization: qop without cnonce");
    if (!seen[kNc]) return bad("Authorization: qop without nc");
    const std::string_view nc = values[kNc];
    if (nc.size() != 8) return bad("Authorization: nc must be 8 hex digits");
    std::uint32_t count = 0;
    for (char c : nc) {
      std::uint32_t digit = 0;
      if (c >= '0' && c <= '9') {
        digit = static_cast<std::uint32_t>(c - '0');
      } else if (c >= 'a' && c <= 'f') {
        digit = static_cast<std::uint32_t>(c - 'a' + 10);
      } else if (c >= 'A' && c <= 'F') {
        digit = static_cast<std::uint32_t>(c - 'A' + 10);
      } else {
        return bad("Authorization: nc must be 8 hex digits");
      }
      count = count * 16 + digit;
    }
    if (count == 0) return bad("Authorization: nc must not be 0");
    creds.nc = count;
    creds.nc_text = nc;
    creds.cnonce = values[kCnonce];
  } else if (seen[kNc] || seen[kCnonce]) {
    // RFC 2617 §3.2.2: cnonce and nc MUST NOT be sent without qop.
    return bad("Authorization: cnonce/nc without qop");
  }
  return creds;
}

}  // namespace dzvin::sip
