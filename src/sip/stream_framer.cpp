#include "sip/stream_framer.hpp"

#include <cstdint>

#include "sip/header_id.hpp"
#include "sip/header_values.hpp"

namespace dzvin::sip {
namespace {

constexpr bool is_wsp(char c) {
  return c == ' ' || c == '\t';
}

// Finds Content-Length (or its compact form "l") in a complete header section that ends with
// CRLFCRLF. Folded lines are followed; the start line is skipped.
Result<std::size_t> content_length_of(std::string_view headers) {
  std::optional<std::size_t> length;
  std::size_t pos = headers.find("\r\n");
  if (pos == std::string_view::npos) return make_error(400, "Malformed message: no start line");
  pos += 2;
  while (pos < headers.size()) {
    // One logical header line: up to a CRLF not followed by whitespace.
    std::size_t end = pos;
    while (true) {
      end = headers.find("\r\n", end);
      if (end == std::string_view::npos) {
        end = headers.size();
        break;
      }
      if (end + 2 < headers.size() && is_wsp(headers[end + 2])) {
        end += 2;
        continue;
      }
      break;
    }
    const std::string_view line = headers.substr(pos, end - pos);
    pos = end + 2;
    if (line.empty()) break;  // the blank line
    std::size_t n = 0;
    while (n < line.size() && is_token_char(line[n]))
      ++n;
    if (lookup_header_id(line.substr(0, n)) != HeaderId::content_length) continue;
    std::size_t colon = n;
    while (colon < line.size() && is_wsp(line[colon]))
      ++colon;
    if (colon >= line.size() || line[colon] != ':') continue;  // the parser will reject it
    const std::string_view value = trim_lws(line.substr(colon + 1));
    if (length) return make_error(400, "Bad Content-Length: header repeated");
    if (value.empty()) return make_error(400, "Bad Content-Length header: empty");
    std::uint64_t v = 0;
    for (char c : value) {
      if (c < '0' || c > '9') return make_error(400, "Bad Content-Length header: not a number");
      v = v * 10 + static_cast<std::uint64_t>(c - '0');
      if (v > 0xffffffffu) return make_error(400, "Bad Content-Length header: value too large");
    }
    length = static_cast<std::size_t>(v);
  }
  // RFC 3261 §18.3: on a stream the header is mandatory; without it framing is impossible.
  if (!length) return make_error(400, "Missing Content-Length header (required on streams)");
  return *length;
}

}  // namespace

void StreamFramer::feed(std::string_view bytes) {
  if (start_ == buf_.size()) {
    buf_.clear();
    start_ = 0;
  } else if (start_ > 4096 && start_ > buf_.size() / 2) {
    // Drop consumed bytes once they dominate, so the buffer does not grow with the stream.
    buf_.erase(0, start_);
    start_ = 0;
  }
  buf_.append(bytes);
}

Result<std::optional<std::string>> StreamFramer::next() {
  // RFC 5626 §3.5.1 keep-alives: CRLFCRLF is a ping, a lone CRLF a pong; RFC 3261 §7.5
  // lets CRLFs precede a start-line anyway.
  while (true) {
    const std::size_t avail = buf_.size() - start_;
    const char* p = buf_.data() + start_;
    if (avail < 2 || p[0] != '\r' || p[1] != '\n') break;
    if (avail >= 4 && p[2] == '\r' && p[3] == '\n') {
      ++pings_;
      start_ += 4;
      scanned_ = 0;
      continue;
    }
    if (avail == 2 || (avail == 3 && p[2] == '\r')) return std::optional<std::string>{};
    start_ += 2;
    scanned_ = 0;
  }
  const std::size_t avail = buf_.size() - start_;
  if (avail == 0) return std::optional<std::string>{};

  // Resume the search where the previous call stopped (less 3 bytes a split CRLFCRLF may use).
  const std::size_t from = start_ + (scanned_ >= 3 ? scanned_ - 3 : 0);
  const std::size_t blank = buf_.find("\r\n\r\n", from);
  if (blank == std::string::npos) {
    scanned_ = avail;
    if (avail > limits_.max_message_bytes) {
      return make_error(513, "Message too large: header section exceeds " +
                                 std::to_string(limits_.max_message_bytes) + " bytes");
    }
    return std::optional<std::string>{};
  }
  const std::size_t header_len = blank + 4 - start_;
  if (header_len > limits_.max_message_bytes) {
    return make_error(513, "Message too large: header section exceeds " +
                               std::to_string(limits_.max_message_bytes) + " bytes");
  }
  auto length = content_length_of(std::string_view(buf_).substr(start_, header_len));
  if (!length) return length.error();
  if (*length > limits_.max_body_bytes) {
    return make_error(413, "Body too large: Content-Length " + std::to_string(*length) +
                               ", limit " + std::to_string(limits_.max_body_bytes));
  }
  const std::size_t total = header_len + *length;
  if (total > limits_.max_message_bytes) {
    return make_error(513, "Message too large: " + std::to_string(total) + " bytes, limit " +
                               std::to_string(limits_.max_message_bytes));
  }
  if (avail < total) {
    scanned_ = blank - start_ + 3;  // the next search finds the same blank line at once
    return std::optional<std::string>{};
  }
  std::string message = buf_.substr(start_, total);
  start_ += total;
  scanned_ = 0;
  return std::optional<std::string>{std::move(message)};
}

std::size_t StreamFramer::take_pings() {
  const std::size_t n = pings_;
  pings_ = 0;
  return n;
}

}  // namespace dzvin::sip
