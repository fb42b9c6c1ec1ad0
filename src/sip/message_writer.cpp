#include "sip/message_writer.hpp"

#include <charconv>
#include <cstddef>

#include "sip/header_values.hpp"

namespace dzvin::sip {
namespace {

constexpr bool is_ctl(unsigned char c) {
  return (c < 0x20 && c != '\t') || c == 0x7f;
}

// Appends text that came from elsewhere (a header value, a reason phrase) with CR, LF and
// other controls turned into spaces: nothing may end a line early or inject a header. A
// control escaped by a backslash (RFC 3261 quoted-pair, e.g. a quoted NUL) is kept when
// `allow_quoted_pairs`, as the parser accepts it: copied headers stay byte-identical.
void append_line_safe(std::string& out, std::string_view text, bool allow_quoted_pairs = true) {
  std::size_t clean = 0;
  while (clean < text.size() && !is_ctl(static_cast<unsigned char>(text[clean])))
    ++clean;
  out.append(text.data(), clean);
  for (std::size_t i = clean; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    const bool quoted =
        allow_quoted_pairs && c != '\r' && c != '\n' && i > 0 && text[i - 1] == '\\';
    out.push_back(is_ctl(c) && !quoted ? ' ' : static_cast<char>(c));
  }
}

void append_number(std::string& out, std::uint64_t value) {
  char digits[24];
  const auto r = std::to_chars(digits, digits + sizeof digits, value);
  out.append(digits, r.ptr);
}

bool same_host(std::string_view via_host, std::string_view source_ip) {
  if (via_host.size() > 2 && via_host.front() == '[' && via_host.back() == ']') {
    via_host = via_host.substr(1, via_host.size() - 2);
  }
  return iequals(via_host, source_ip);
}

// The top via-parm with received/rport set from where the request came from
// (RFC 3261 §18.2.1, RFC 3581 §4). Other parameters are kept in order.
void append_top_via(std::string& out, const Via& via, const ResponseContext& ctx) {
  const std::size_t head_len = via.params.empty()
                                   ? via.text.size()
                                   : static_cast<std::size_t>(via.params.data() - via.text.data());
  out.append(trim_lws(via.text.substr(0, head_len)));
  ParamList params(via.params);
  std::string_view item, name;
  std::optional<std::string_view> value;
  while (params.next(item)) {
    ParamList::split(item, name, value);
    if (!ctx.source_ip.empty() && (iequals(name, "received") || iequals(name, "rport"))) continue;
    out.push_back(';');
    out.append(item);
  }
  if (ctx.source_ip.empty()) return;
  // §18.2.1 requires received when sent-by differs from the source; RFC 3581 §4 requires it
  // whenever rport was asked for.
  if (via.rport || !same_host(via.host, ctx.source_ip)) {
    out.append(";received=");
    out.append(ctx.source_ip);
  }
  if (via.rport) {
    out.append(";rport");
    if (ctx.source_port != 0) {
      out.push_back('=');
      append_number(out, ctx.source_port);
    } else if (via.rport_value != 0) {
      out.push_back('=');
      append_number(out, via.rport_value);
    }
  }
}

}  // namespace

void MessageWriter::request_line(std::string_view method, std::string_view request_uri) {
  append_line_safe(out_, method);
  out_.push_back(' ');
  append_line_safe(out_, request_uri);
  out_.append(" SIP/2.0\r\n");
}

void MessageWriter::status_line(int status, std::string_view reason) {
  out_.append("SIP/2.0 ");
  // A status outside 100-699 is a programming error; 500 keeps the message parseable.
  append_number(out_, static_cast<std::uint64_t>(status >= 100 && status <= 699 ? status : 500));
  out_.push_back(' ');
  append_line_safe(out_, reason, false);
  out_.append("\r\n");
}

void MessageWriter::header(std::string_view name, std::string_view value) {
  append_line_safe(out_, name);
  out_.append(": ");
  append_line_safe(out_, value);
  out_.append("\r\n");
}

void MessageWriter::header(std::string_view name, std::uint64_t value) {
  append_line_safe(out_, name);
  out_.append(": ");
  append_number(out_, value);
  out_.append("\r\n");
}

void MessageWriter::finish(std::string_view body, std::string_view content_type) {
  if (!body.empty() && !content_type.empty()) header("Content-Type", content_type);
  header("Content-Length", static_cast<std::uint64_t>(body.size()));
  out_.append("\r\n");
  out_.append(body);
}

std::string_view default_reason(int status) {
  switch (status) {
    // RFC 3261 §21 and the extensions registered with IANA that a PBX meets.
    case 100:
      return "Trying";
    case 180:
      return "Ringing";
    case 181:
      return "Call Is Being Forwarded";
    case 182:
      return "Queued";
    case 183:
      return "Session Progress";
    case 199:
      return "Early Dialog Terminated";  // RFC 6228
    case 200:
      return "OK";
    case 202:
      return "Accepted";  // RFC 3265
    case 204:
      return "No Notification";  // RFC 5839
    case 300:
      return "Multiple Choices";
    case 301:
      return "Moved Permanently";
    case 302:
      return "Moved Temporarily";
    case 305:
      return "Use Proxy";
    case 380:
      return "Alternative Service";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 402:
      return "Payment Required";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 406:
      return "Not Acceptable";
    case 407:
      return "Proxy Authentication Required";
    case 408:
      return "Request Timeout";
    case 410:
      return "Gone";
    case 412:
      return "Conditional Request Failed";  // RFC 3903
    case 413:
      return "Request Entity Too Large";
    case 414:
      return "Request-URI Too Long";
    case 415:
      return "Unsupported Media Type";
    case 416:
      return "Unsupported URI Scheme";
    case 417:
      return "Unknown Resource-Priority";  // RFC 4412
    case 420:
      return "Bad Extension";
    case 421:
      return "Extension Required";
    case 422:
      return "Session Interval Too Small";  // RFC 4028
    case 423:
      return "Interval Too Brief";
    case 424:
      return "Bad Location Information";  // RFC 6442
    case 428:
      return "Use Identity Header";  // RFC 4474
    case 429:
      return "Provide Referrer Identity";  // RFC 3892
    case 430:
      return "Flow Failed";  // RFC 5626
    case 433:
      return "Anonymity Disallowed";  // RFC 5079
    case 436:
      return "Bad Identity-Info";
    case 437:
      return "Unsupported Certificate";
    case 438:
      return "Invalid Identity Header";
    case 439:
      return "First Hop Lacks Outbound Support";  // RFC 5626
    case 440:
      return "Max-Breadth Exceeded";  // RFC 5393
    case 469:
      return "Bad Info Package";  // RFC 6086
    case 470:
      return "Consent Needed";  // RFC 5360
    case 480:
      return "Temporarily Unavailable";
    case 481:
      return "Call/Transaction Does Not Exist";
    case 482:
      return "Loop Detected";
    case 483:
      return "Too Many Hops";
    case 484:
      return "Address Incomplete";
    case 485:
      return "Ambiguous";
    case 486:
      return "Busy Here";
    case 487:
      return "Request Terminated";
    case 488:
      return "Not Acceptable Here";
    case 489:
      return "Bad Event";  // RFC 3265
    case 491:
      return "Request Pending";
    case 493:
      return "Undecipherable";
    case 494:
      return "Security Agreement Required";  // RFC 3329
    case 500:
      return "Server Internal Error";
    case 501:
      return "Not Implemented";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Server Time-out";
    case 505:
      return "Version Not Supported";
    case 513:
      return "Message Too Large";
    case 555:
      return "Push Notification Service Not Supported";  // RFC 8599
    case 580:
      return "Precondition Failure";  // RFC 3312
    case 600:
      return "Busy Everywhere";
    case 603:
      return "Decline";
    case 604:
      return "Does Not Exist Anywhere";
    case 606:
      return "Not Acceptable";
    case 607:
      return "Unwanted";  // RFC 8197
    case 608:
      return "Rejected";  // RFC 8688
    default:
      return "Unknown";
  }
}

void build_response(std::string& out, const SipMessage& request, const ResponseContext& ctx,
                    int status, std::string_view reason, std::string_view to_tag,
                    std::span<const ExtraHeader> extra, std::string_view body,
                    std::string_view content_type) {
  MessageWriter w(out);
  out.reserve(request.raw().size() - request.body().size() + body.size() + 256);
  w.status_line(status, reason.empty() ? default_reason(status) : reason);

  // §8.2.6.2: every Via, in order. Should the request have so many Via lines that the
  // response would exceed the header limit of the parser, the surplus lines are joined into
  // the last one (a comma list means the same, §7.3.1).
  const CoreHeaders& core = request.core();
  const bool timestamp = status == 100 && request.find(HeaderId::timestamp) != nullptr;
  const std::size_t other_headers =
      5 + (timestamp ? 1 : 0) + extra.size() + (!body.empty() && !content_type.empty() ? 1 : 0);
  const std::size_t via_budget = kMaxHeaders > other_headers ? kMaxHeaders - other_headers : 1;
  std::size_t written = 0;
  bool top = true;
  for (const Header& h : request.headers()) {
    if (h.id != HeaderId::via) continue;
    const bool join = written >= via_budget && written > 0;
    if (join) {
      out.resize(out.size() - 2);  // drop CRLF of the previous Via line
      out.append(", ");
    } else {
      out.append("Via: ");
    }
    if (top && core.has_via) {
      append_top_via(out, core.top_via, ctx);
      // The rest of the first Via line after the top via-parm.
      auto it = CommaList(h.value).begin();
      ++it;
      if (it != CommaList(h.value).end()) {
        out.append(", ");
        append_line_safe(out,
                         h.value.substr(static_cast<std::size_t>((*it).data() - h.value.data())));
      }
    } else {
      append_line_safe(out, h.value);
    }
    out.append("\r\n");
    top = false;
    ++written;
  }

  if (const Header* from = request.find(HeaderId::from)) w.header("From", from->value);
  if (const Header* to = request.find(HeaderId::to)) {
    if (!to_tag.empty() && core.to_tag.empty()) {
      // §8.2.6.2: the UAS adds its tag unless the request already had one (in-dialog).
      out.append("To: ");
      append_line_safe(out, to->value);
      out.append(";tag=");
      append_line_safe(out, to_tag);
      out.append("\r\n");
    } else {
      w.header("To", to->value);
    }
  }
  if (const Header* call_id = request.find(HeaderId::call_id)) w.header("Call-ID", call_id->value);
  if (const Header* cseq = request.find(HeaderId::cseq)) w.header("CSeq", cseq->value);
  // §8.2.6.1: a 100 Trying echoes the request's Timestamp.
  if (timestamp) w.header("Timestamp", request.header(HeaderId::timestamp));
  for (const ExtraHeader& h : extra)
    w.header(h.name, h.value);
  w.finish(body, content_type);
}

}  // namespace dzvin::sip
