#pragma once
// Requests Dzvin starts outside a dialog (an INVITE to a callee, a REGISTER to a trunk) and
// the CANCEL of one of them.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "sip/message_writer.hpp"
#include "sip/method.hpp"
#include "sip/sip_message.hpp"
#include "sip/transport.hpp"

namespace dzvin::sip {

struct OutgoingRequest {
  Method method = Method::invite;
  std::string_view request_uri;
  std::string_view from;  // name-addr without tag, e.g. "\"Olena\" <sip:1001@pbx.example>"
  std::string_view from_tag;
  std::string_view to;  // name-addr without tag
  std::string_view call_id;
  std::uint32_t cseq = 1;
  // A B2BUA passes the caller's Max-Forwards minus one, so a routing loop (a number forwarded
  // to itself through a trunk) ends with 483 instead of calling forever.
  std::uint32_t max_forwards = 70;
  std::string_view contact;  // our Contact URI (without <>); empty: no Contact header
  std::span<const ExtraHeader> extra;
  std::string_view body;
  std::string_view content_type;
};

// Builds the request with a Via for `via_peer` (see via_value) and `branch`.
void build_request(std::string& out, const Peer& via_peer, std::string_view branch,
                   const OutgoingRequest& request);

// The CANCEL of a request we sent (RFC 3261 §9.1): its Request-URI, Call-ID, From, To and CSeq
// number, its top Via only (so the CANCEL matches the same server transaction), Route headers
// copied, method CANCEL, no body.
void build_cancel(std::string& out, const SipMessage& request);

}  // namespace dzvin::sip
