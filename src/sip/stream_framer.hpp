#pragma once
// Splits a byte stream (TCP) into SIP messages (RFC 3261 §18.3): the header section ends at
// the first CRLFCRLF, then exactly Content-Length body bytes follow (the header is mandatory
// on streams). CRLF keep-alives between messages (RFC 5626 §3.5.1) are skipped and reported
// so the transport can answer a double-CRLF ping with a single CRLF pong.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.hpp"
#include "sip/sip_message.hpp"

namespace dzvin::sip {

class StreamFramer {
 public:
  explicit StreamFramer(const MessageLimits& limits = {}) : limits_(limits) {}

  // Appends received bytes.
  void feed(std::string_view bytes);
  // Returns the next complete message's bytes, nothing when more input is needed, or an error
  // (413/513/400) after which the stream must be closed: framing is lost.
  Result<std::optional<std::string>> next();
  // Number of CRLFCRLF keep-alive pings seen since the last call (then reset).
  std::size_t take_pings();
  std::size_t buffered() const { return buf_.size() - start_; }

 private:
  MessageLimits limits_;
  std::string buf_;
  std::size_t start_ = 0;    // first byte of the next message in buf_
  std::size_t scanned_ = 0;  // bytes after start_ already searched for CRLFCRLF
  std::size_t pings_ = 0;
};

}  // namespace dzvin::sip
