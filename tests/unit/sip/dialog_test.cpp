#include "sip/dialog.hpp"

#include <gtest/gtest.h>

#include <string>

#include "sip/outgoing_request.hpp"

namespace dzvin::sip {
namespace {

IpEndpoint ep(std::string_view text) {
  return IpEndpoint::parse(text, 5060).value();
}

const Peer kPhone{TransportKind::udp, ep("192.0.2.10:5070"), ep("192.0.2.1:5060"), 0};

SipMessage parse(std::string text) {
  auto m = parse_message(std::move(text));
  EXPECT_TRUE(m.ok()) << (m.ok() ? "" : m.error().message);
  return m.ok() ? std::move(m).value() : SipMessage{};
}

const std::string kInvite =
    "INVITE sip:1002@pbx.test SIP/2.0\r\n"
    "Via: SIP/2.0/UDP 192.0.2.10:5070;branch=z9hG4bKa1\r\n"
    "Record-Route: <sip:p1.example;lr>, <sip:p2.example;lr>\r\n"
    "Max-Forwards: 70\r\n"
    "From: \"Olena K\" <sip:1001@pbx.test>;tag=abc;x=1\r\n"
    "To: Bob <sip:1002@pbx.test>\r\n"
    "Call-ID: c1@192.0.2.10\r\n"
    "CSeq: 7 INVITE\r\n"
    "Contact: <sip:1001@192.0.2.10:5070;transport=udp>\r\n"
    "Content-Length: 0\r\n\r\n";

TEST(Dialog, UasSideTakesTheCallersIdentityTargetAndRoutes) {
  const SipMessage invite = parse(kInvite);
  auto d = dialog_as_uas(invite, "ourtag", "sip:dzvin@192.0.2.1:5060", kPhone);
  ASSERT_TRUE(d.ok()) << d.error().message;
  EXPECT_EQ(d->id.call_id, "c1@192.0.2.10");
  EXPECT_EQ(d->id.local_tag, "ourtag");
  EXPECT_EQ(d->id.remote_tag, "abc");
  EXPECT_EQ(d->remote_uri, "\"Olena K\" <sip:1001@pbx.test>;x=1") << "tag removed, rest kept";
  EXPECT_EQ(d->local_uri, "Bob <sip:1002@pbx.test>");
  EXPECT_EQ(d->remote_target, "sip:1001@192.0.2.10:5070;transport=udp");
  ASSERT_EQ(d->route_set.size(), 2u);
  EXPECT_EQ(d->route_set[0], "<sip:p1.example;lr>") << "§12.1.1: request order";
  EXPECT_EQ(d->remote_cseq, 7u);
}

TEST(Dialog, ByeWithinTheDialogFollowsRfc3261_12_2_1_1) {
  const SipMessage invite = parse(kInvite);
  Dialog d = dialog_as_uas(invite, "ourtag", "sip:dzvin@192.0.2.1:5060", kPhone).value();
  d.local_cseq = 100;
  std::string out;
  build_dialog_request(out, d, Method::bye, "z9hG4bKbye1");
  const SipMessage bye = parse(out);
  EXPECT_EQ(bye.method(), Method::bye);
  EXPECT_EQ(bye.request_uri(), "sip:1001@192.0.2.10:5070;transport=udp");
  EXPECT_EQ(bye.core().from_tag, "ourtag");
  EXPECT_EQ(bye.core().to_tag, "abc");
  EXPECT_EQ(bye.core().cseq, 101u);
  EXPECT_EQ(bye.core().top_via.branch, "z9hG4bKbye1");
  EXPECT_EQ(bye.core().top_via.host, "192.0.2.1") << "our side of the socket";
  EXPECT_EQ(bye.count(HeaderId::route), 2u);
  EXPECT_EQ(bye.find(HeaderId::contact), nullptr) << "no Contact in a BYE";
  EXPECT_TRUE(validate_request(bye).ok());

  // An ACK keeps the INVITE's CSeq number and does not advance ours.
  build_dialog_request(out, d, Method::ack, "z9hG4bKack1", {}, {}, {}, 42);
  const SipMessage ack = parse(out);
  EXPECT_EQ(ack.core().cseq, 42u);
  EXPECT_EQ(ack.core().cseq_method, Method::ack);
  EXPECT_EQ(d.local_cseq, 101u);
}

TEST(Dialog, UacSideFromOurInviteAndTheAnswer) {
  std::string out;
  OutgoingRequest req;
  req.request_uri = "sip:1002@192.0.2.20:5060";
  req.from = "<sip:1001@pbx.test>";
  req.from_tag = "mytag";
  req.to = "<sip:1002@pbx.test>";
  req.call_id = "leg1@dzvin";
  req.contact = "sip:dzvin@192.0.2.1:5060";
  const Peer callee{TransportKind::udp, ep("192.0.2.20:5060"), ep("192.0.2.1:5060"), 0};
  build_request(out, callee, "z9hG4bKinv1", req);
  const SipMessage invite = parse(out);
  EXPECT_TRUE(validate_request(invite).ok());
  const SipMessage ok = parse(
      "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKinv1\r\n"
      "Record-Route: <sip:p1.example;lr>\r\nRecord-Route: <sip:p2.example;lr>\r\n"
      "From: <sip:1001@pbx.test>;tag=mytag\r\nTo: <sip:1002@pbx.test>;tag=theirs\r\n"
      "Call-ID: leg1@dzvin\r\nCSeq: 1 INVITE\r\nContact: <sip:1002@192.0.2.20:5062>\r\n"
      "Content-Length: 0\r\n\r\n");
  auto d = dialog_as_uac(invite, ok, "sip:dzvin@192.0.2.1:5060", callee);
  ASSERT_TRUE(d.ok()) << d.error().message;
  EXPECT_EQ(d->id.local_tag, "mytag");
  EXPECT_EQ(d->id.remote_tag, "theirs");
  EXPECT_EQ(d->remote_target, "sip:1002@192.0.2.20:5062");
  ASSERT_EQ(d->route_set.size(), 2u);
  EXPECT_EQ(d->route_set[0], "<sip:p2.example;lr>") << "§12.1.2: reversed";
  EXPECT_EQ(d->local_cseq, 1u);

  const SipMessage no_tag = parse(
      "SIP/2.0 180 Ringing\r\nVia: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKinv1\r\n"
      "From: <sip:1001@pbx.test>;tag=mytag\r\nTo: <sip:1002@pbx.test>\r\n"
      "Call-ID: leg1@dzvin\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n");
  EXPECT_FALSE(dialog_as_uac(invite, no_tag, "sip:x@y", callee).ok());
}

TEST(Dialog, CancelCopiesWhatMatchesTheInviteTransaction) {
  const SipMessage invite = parse(kInvite);
  std::string out;
  build_cancel(out, invite);
  const SipMessage cancel = parse(out);
  EXPECT_EQ(cancel.method(), Method::cancel);
  EXPECT_EQ(cancel.request_uri(), invite.request_uri());
  EXPECT_EQ(cancel.core().top_via.branch, "z9hG4bKa1");
  EXPECT_EQ(cancel.core().cseq, 7u);
  EXPECT_EQ(cancel.core().cseq_method, Method::cancel);
  EXPECT_EQ(cancel.core().from_tag, "abc");
  EXPECT_EQ(cancel.core().call_id, invite.core().call_id);
  EXPECT_TRUE(validate_request(cancel).ok());
}

TEST(Dialog, RemoteCSeqMustNotGoBackwards) {
  Dialog d = dialog_as_uas(parse(kInvite), "t", "sip:x@y", kPhone).value();
  const SipMessage older = parse(
      "BYE sip:x@y SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.10:5070;branch=z9hG4bKb\r\n"
      "From: <sip:1001@pbx.test>;tag=abc\r\nTo: <sip:1002@pbx.test>;tag=t\r\n"
      "Call-ID: c1@192.0.2.10\r\nCSeq: 6 BYE\r\nContent-Length: 0\r\n\r\n");
  const auto r = accept_remote_cseq(d, older);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, 500);
  const SipMessage newer = parse(
      "BYE sip:x@y SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.10:5070;branch=z9hG4bKb\r\n"
      "From: <sip:1001@pbx.test>;tag=abc\r\nTo: <sip:1002@pbx.test>;tag=t\r\n"
      "Call-ID: c1@192.0.2.10\r\nCSeq: 8 BYE\r\nContent-Length: 0\r\n\r\n");
  EXPECT_TRUE(accept_remote_cseq(d, newer).ok());
  EXPECT_EQ(d.remote_cseq, 8u);
}

}  // namespace
}  // namespace dzvin::sip
