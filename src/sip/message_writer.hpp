#pragma once
// Building SIP messages into a caller-owned buffer (reused across messages on hot paths).
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "sip/sip_message.hpp"

namespace dzvin::sip {

class MessageWriter {
 public:
  explicit MessageWriter(std::string& out) : out_(out) { out_.clear(); }
  void request_line(std::string_view method, std::string_view request_uri);
  void status_line(int status, std::string_view reason);
  void header(std::string_view name, std::string_view value);
  void header(std::string_view name, std::uint64_t value);
  // Finishes the message: Content-Type (when body is non-empty), Content-Length, blank line,
  // body.
  void finish(std::string_view body = {}, std::string_view content_type = {});

 private:
  std::string& out_;
};

// The reason phrase RFC 3261 §21 gives a status ("Not Found"); "Unknown" for others.
std::string_view default_reason(int status);

struct ExtraHeader {
  std::string_view name;
  std::string_view value;
};

// Where a response must carry received/rport for the top Via (RFC 3261 §18.2.1, RFC 3581 §4):
// the source the request came from.
struct ResponseContext {
  std::string_view source_ip;  // as text, no brackets
  std::uint16_t source_port = 0;
};

// Builds a response to `request` per RFC 3261 §8.2.6: copies Via (adding received/rport to
// the top one from ctx), From, To (adding to_tag when the request's To has none and
// to_tag is non-empty), Call-ID, CSeq; then the extra headers, then the body.
void build_response(std::string& out, const SipMessage& request, const ResponseContext& ctx,
                    int status, std::string_view reason, std::string_view to_tag = {},
                    std::span<const ExtraHeader> extra = {}, std::string_view body = {},
                    std::string_view content_type = {});

}  // namespace dzvin::sip
