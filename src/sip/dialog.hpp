#pragma once
// A dialog (RFC 3261 §12): the peer-to-peer relationship an INVITE sets up, and the requests
// sent within it (§12.2.1.1). Dzvin is a B2BUA: every call has one dialog per leg, a UAS
// dialog towards the caller and a UAC dialog towards each callee.
//
// Requests within a dialog go to the address the dialog was set up with (the caller's source
// address, or the address the INVITE was sent to), not to a DNS lookup of the remote target:
// phones behind NAT are only reachable where their packets come from (RFC 3581 in spirit),
// and every target here is an IP literal.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "sip/message_writer.hpp"
#include "sip/sip_message.hpp"
#include "sip/transport.hpp"

namespace dzvin::sip {

struct DialogId {
  std::string call_id;
  std::string local_tag;
  std::string remote_tag;
  bool operator==(const DialogId&) const = default;
};

struct Dialog {
  DialogId id;
  std::string local_uri;               // the URI in our From (UAC) / To (UAS), with <>, without tag
  std::string remote_uri;              // the peer's, likewise
  std::string remote_target;           // the peer's Contact URI (Request-URI of our requests)
  std::vector<std::string> route_set;  // Record-Route, in the order our requests use it
  std::string local_contact;           // our Contact URI, without <>
  std::uint32_t local_cseq = 0;
  std::uint32_t remote_cseq = 0;  // 0 until the peer sends a request in the dialog
  Peer peer;                      // where requests of this dialog go
  // Our Via sent-by when peer.local is a wildcard address (the advertised address); port 0:
  // peer.local is used.
  IpEndpoint via_sent_by;
};

// The UAS side of a dialog, from the INVITE we answer with a 2xx (or a 1xx with a tag),
// §12.1.1. `from` is where the INVITE came from.
Result<Dialog> dialog_as_uas(const SipMessage& invite, std::string_view local_tag,
                             std::string_view local_contact, const Peer& from);

// The UAC side, from the INVITE we sent and a response carrying a To tag, §12.1.2.
Result<Dialog> dialog_as_uac(const SipMessage& our_invite, const SipMessage& response,
                             std::string_view local_contact, const Peer& to);

// A request within the dialog (§12.2.1.1): Request-URI = remote target (route set: loose
// routing only), From/To/Call-ID from the dialog, a new CSeq (local_cseq + 1) except for ACK,
// which reuses `ack_cseq` (the INVITE's, §13.2.2.4). `via_branch` must be fresh (ACK for a
// 2xx is a new transaction-less request with its own branch).
void build_dialog_request(std::string& out, Dialog& dialog, Method method,
                          std::string_view via_branch, std::span<const ExtraHeader> extra = {},
                          std::string_view body = {}, std::string_view content_type = {},
                          std::uint32_t ack_cseq = 0);

// Checks an incoming request against the dialog's CSeq rules (§12.2.2): lower than the last
// one seen -> 500; records it otherwise. ACK and CANCEL are not checked.
Result<void> accept_remote_cseq(Dialog& dialog, const SipMessage& request);

// The Via sent-by for requests leaving through `peer` ("udp 192.0.2.1:5060" -> "SIP/2.0/UDP
// 192.0.2.1:5060").
std::string via_value(const Peer& peer, std::string_view branch);

}  // namespace dzvin::sip
