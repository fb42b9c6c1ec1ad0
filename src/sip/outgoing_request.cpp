#include "sip/outgoing_request.hpp"

#include <string>

#include "sip/dialog.hpp"
#include "sip/header_values.hpp"

namespace dzvin::sip {

void build_request(std::string& out, const Peer& via_peer, std::string_view branch,
                   const OutgoingRequest& r) {
  const std::string_view name = to_string(r.method);
  MessageWriter w(out);
  w.request_line(name, r.request_uri);
  w.header("Via", via_value(via_peer, branch));
  w.header("Max-Forwards", r.max_forwards);
  w.header("From", std::string(r.from) + ";tag=" + std::string(r.from_tag));
  w.header("To", r.to);
  w.header("Call-ID", r.call_id);
  w.header("CSeq", std::to_string(r.cseq) + " " + std::string(name));
  if (!r.contact.empty()) w.header("Contact", "<" + std::string(r.contact) + ">");
  for (const ExtraHeader& h : r.extra)
    w.header(h.name, h.value);
  w.finish(r.body, r.content_type);
}

void build_cancel(std::string& out, const SipMessage& request) {
  MessageWriter w(out);
  w.request_line("CANCEL", request.request_uri());
  w.header("Via", request.core().top_via.text);
  w.header("Max-Forwards", 70);
  for (const Header& h : request.headers()) {
    if (h.id == HeaderId::route) w.header("Route", h.value);
  }
  w.header("From", request.header(HeaderId::from));
  w.header("To", request.header(HeaderId::to));
  w.header("Call-ID", request.core().call_id);
  w.header("CSeq", std::to_string(request.core().cseq) + " CANCEL");
  w.finish();
}

}  // namespace dzvin::sip
