#include "sip/dialog.hpp"

#include <algorithm>
#include <string>

#include "sip/header_values.hpp"
#include "sip/name_addr.hpp"

namespace dzvin::sip {

namespace {

Error dialog_error(std::string message) {
  return make_error(400, std::move(message));
}

// A From/To value without its tag parameter, the way the dialog keeps it (§12.1.1: the
// remote URI is the From's URI; its other parameters travel along unchanged).
Result<std::string> without_tag(std::string_view header_value) {
  auto na = split_name_addr(header_value);
  if (!na) return na.error();
  std::string out;
  if (!na->display_name.empty()) {
    out.append(na->display_name);
    out.push_back(' ');
  }
  out.push_back('<');
  out.append(na->uri_text);
  out.push_back('>');
  ParamList params(na->params);
  std::string_view item, name;
  std::optional<std::string_view> value;
  while (params.next(item)) {
    ParamList::split(item, name, value);
    if (iequals(name, "tag")) continue;
    out.push_back(';');
    out.append(item);
  }
  return out;
}

// The first Contact URI of a message (the remote target, §12.1.1).
Result<std::string> contact_uri(const SipMessage& message) {
  const Header* contact = message.find(HeaderId::contact);
  if (contact == nullptr) return dialog_error("no Contact header");
  const CommaList list(contact->value);
  if (list.begin() == list.end()) return dialog_error("empty Contact header");
  auto na = parse_name_addr(*list.begin());
  if (!na) return dialog_error("bad Contact header: " + na.error().message);
  return std::string(na->uri_text);
}

// Record-Route values in message order (each header may hold a comma list).
std::vector<std::string> record_routes(const SipMessage& message) {
  std::vector<std::string> routes;
  for (const Header& h : message.headers()) {
    if (h.id != HeaderId::record_route) continue;
    for (std::string_view r : CommaList(h.value))
      routes.emplace_back(r);
  }
  return routes;
}

}  // namespace

std::string via_value(const Peer& peer, std::string_view branch) {
  std::string out = "SIP/2.0/";
  out += to_string(peer.kind);
  out.push_back(' ');
  out += peer.local.host_for_uri();
  out.push_back(':');
  out += std::to_string(peer.local.port);
  out += ";branch=";
  out += branch;
  out += ";rport";
  return out;
}

Result<Dialog> dialog_as_uas(const SipMessage& invite, std::string_view local_tag,
                             std::string_view local_contact, const Peer& from) {
  Dialog d;
  d.id.call_id = std::string(invite.core().call_id);
  d.id.local_tag = std::string(local_tag);
  d.id.remote_tag = std::string(invite.core().from_tag);
  auto local = without_tag(invite.header(HeaderId::to));
  if (!local) return local.error();
  auto remote = without_tag(invite.header(HeaderId::from));
  if (!remote) return remote.error();
  auto target = contact_uri(invite);
  if (!target) return target.error();
  d.local_uri = std::move(*local);
  d.remote_uri = std::move(*remote);
  d.remote_target = std::move(*target);
  d.route_set = record_routes(invite);  // §12.1.1: in the order of the request
  d.local_contact = std::string(local_contact);
  d.remote_cseq = invite.core().cseq;
  d.peer = from;
  return d;
}

Result<Dialog> dialog_as_uac(const SipMessage& our_invite, const SipMessage& response,
                             std::string_view local_contact, const Peer& to) {
  if (response.core().to_tag.empty()) return dialog_error("response without a To tag");
  Dialog d;
  d.id.call_id = std::string(our_invite.core().call_id);
  d.id.local_tag = std::string(our_invite.core().from_tag);
  d.id.remote_tag = std::string(response.core().to_tag);
  auto local = without_tag(our_invite.header(HeaderId::from));
  if (!local) return local.error();
  auto remote = without_tag(response.header(HeaderId::to));
  if (!remote) return remote.error();
  d.local_uri = std::move(*local);
  d.remote_uri = std::move(*remote);
  // §12.1.2: a 1xx may lack a Contact; the target is then updated by the 2xx.
  if (auto target = contact_uri(response); target) {
    d.remote_target = std::move(*target);
  } else {
    d.remote_target = std::string(our_invite.request_uri());
  }
  d.route_set = record_routes(response);
  std::reverse(d.route_set.begin(), d.route_set.end());  // §12.1.2: reverse order
  d.local_contact = std::string(local_contact);
  d.local_cseq = our_invite.core().cseq;
  d.peer = to;
  return d;
}

void build_dialog_request(std::string& out, Dialog& dialog, Method method,
                          std::string_view via_branch, std::span<const ExtraHeader> extra,
                          std::string_view body, std::string_view content_type,
                          std::uint32_t ack_cseq) {
  const bool is_ack = method == Method::ack;
  const std::uint32_t cseq = is_ack ? ack_cseq : ++dialog.local_cseq;
  const std::string_view name = to_string(method);
  MessageWriter w(out);
  w.request_line(name, dialog.remote_target);
  Peer via = dialog.peer;
  if (dialog.via_sent_by.port != 0) via.local = dialog.via_sent_by;
  w.header("Via", via_value(via, via_branch));
  w.header("Max-Forwards", 70);
  for (const std::string& route : dialog.route_set)
    w.header("Route", route);
  std::string from = dialog.local_uri + ";tag=" + dialog.id.local_tag;
  std::string to = dialog.remote_uri;
  if (!dialog.id.remote_tag.empty()) to += ";tag=" + dialog.id.remote_tag;
  w.header("From", from);
  w.header("To", to);
  w.header("Call-ID", dialog.id.call_id);
  w.header("CSeq", std::to_string(cseq) + " " + std::string(name));
  if (method == Method::invite || method == Method::update) {
    w.header("Contact", "<" + dialog.local_contact + ">");
  }
  for (const ExtraHeader& h : extra)
    w.header(h.name, h.value);
  w.finish(body, content_type);
}

Result<void> accept_remote_cseq(Dialog& dialog, const SipMessage& request) {
  const Method m = request.method();
  if (m == Method::ack || m == Method::cancel) return {};
  const std::uint32_t cseq = request.core().cseq;
  // §12.2.2: lower than the remote sequence number is out of order (500).
  if (dialog.remote_cseq != 0 && cseq < dialog.remote_cseq) {
    return make_error(500, "CSeq lower than the last request of this dialog");
  }
  dialog.remote_cseq = cseq;
  return {};
}

}  // namespace dzvin::sip
