#pragma once
// A response to a request the strict parser refused (RFC 3261 §8.2, §21.4.1 400 Bad Request
// with a reason phrase naming the problem). The message could not be parsed, so the headers a
// response must echo (Via, From, To, Call-ID, CSeq; §8.2.6.2) are copied leniently, line by
// line, out of the raw bytes.
#include <optional>
#include <string>
#include <string_view>

#include "sip/message_writer.hpp"

namespace dzvin::sip {

// Builds "SIP/2.0 <status> <reason>" for the request in `raw`, echoing its Via headers (the
// top one gets received/rport from ctx, §18.2.1 and RFC 3581 §4), From, To (a tag added when
// absent, §8.2.6.2), Call-ID and CSeq. Returns nullopt when `raw` is not a request (a response,
// or an ACK, which is never answered, §17.2.1), or lacks a Via, a CSeq or a Call-ID (the peer
// could not match the answer to anything). Any bytes are safe: control characters in copied
// values and in the reason become spaces, lengths are bounded, a status outside 400-699
// becomes 400, an empty reason the status' default one.
std::optional<std::string> build_error_response(std::string_view raw, int status,
                                                std::string_view reason,
                                                const ResponseContext& ctx);

// The reason phrase made safe for a status line (RFC 3261 §25.1 Reason-Phrase): control
// characters become spaces, runs of spaces collapse, at most 128 bytes (cut on a UTF-8
// boundary), trimmed.
std::string sanitize_reason(std::string_view reason);

}  // namespace dzvin::sip
