#include "sip/error_response.hpp"

#include <functional>
#include <vector>

#include "sip/header_values.hpp"

namespace dzvin::sip {

namespace {

constexpr std::size_t kMaxScanBytes = 32 * 1024;  // the header section we look at
constexpr std::size_t kMaxValueBytes = 1024;      // per copied header value
constexpr std::size_t kMaxVias = 16;
constexpr std::size_t kMaxReasonBytes = 128;

enum class Wanted : std::uint8_t { none, via, from, to, call_id, cseq };

// Header names as RFC 3261 §7.3.3 allows them, compact forms included.
Wanted classify(std::string_view name) {
  name = trim_lws(name);
  if (iequals(name, "Via") || iequals(name, "v")) return Wanted::via;
  if (iequals(name, "From") || iequals(name, "f")) return Wanted::from;
  if (iequals(name, "To") || iequals(name, "t")) return Wanted::to;
  if (iequals(name, "Call-ID") || iequals(name, "i")) return Wanted::call_id;
  if (iequals(name, "CSeq")) return Wanted::cseq;
  return Wanted::none;
}

bool is_control(unsigned char c) {
  return (c < 0x20 && c != '\t') || c == 0x7f;
}

// Appends `v` with control characters replaced, keeping `out` within kMaxValueBytes.
void append_clean(std::string& out, std::string_view v) {
  for (char ch : v) {
    if (out.size() >= kMaxValueBytes) return;
    out += is_control(static_cast<unsigned char>(ch)) ? ' ' : ch;
  }
}

std::string trimmed(std::string s) {
  const std::string_view t = trim_lws(s);
  return std::string(t);
}

// Case-insensitive search.
std::size_t ifind(std::string_view hay, std::string_view needle, std::size_t from = 0) {
  if (needle.size() > hay.size()) return std::string_view::npos;
  for (std::size_t i = from; i + needle.size() <= hay.size(); ++i) {
    if (iequals(hay.substr(i, needle.size()), needle)) return i;
  }
  return std::string_view::npos;
}

// §18.2.1 and RFC 3581 §4 on the first via-parm of the top Via: rport gets the source port,
// received the source IP.
std::string stamp_top_via(std::string via, const ResponseContext& ctx) {
  std::size_t end = via.find(',');
  if (end == std::string::npos) end = via.size();
  if (ctx.source_port != 0) {
    for (std::size_t at = ifind(std::string_view(via).substr(0, end), ";rport");
         at != std::string::npos;
         at = ifind(std::string_view(via).substr(0, end), ";rport", at + 1)) {
      const std::size_t after = at + 6;
      if (after == end || via[after] == ';' || via[after] == ' ' || via[after] == '\t') {
        const std::string value = "=" + std::to_string(ctx.source_port);
        via.insert(after, value);
        end += value.size();
        break;
      }
    }
  }
  if (!ctx.source_ip.empty() &&
      ifind(std::string_view(via).substr(0, end), ";received=") == std::string::npos) {
    std::size_t insert_at = end;
    while (insert_at > 0 && (via[insert_at - 1] == ' ' || via[insert_at - 1] == '\t')) {
      --insert_at;
    }
    via.insert(insert_at, ";received=" + std::string(ctx.source_ip));
  }
  return via;
}

// §8.2.6.2: a final response carries a To tag. Derived from the Call-ID and CSeq so that a
// retransmitted bad request gets the same answer.
std::string with_to_tag(std::string to, std::string_view call_id, std::string_view cseq) {
  const std::size_t close = to.rfind('>');
  const std::size_t params = close == std::string::npos ? 0 : close;
  if (ifind(to, ";tag=", params) != std::string::npos) return to;
  const std::size_t h =
      std::hash<std::string_view>{}(call_id)*31 + std::hash<std::string_view>{}(cseq);
  static constexpr char kHex[] = "0123456789abcdef";
  to += ";tag=e";
  for (int shift = 44; shift >= 0; shift -= 4)
    to += kHex[(h >> shift) & 0xf];
  return to;
}

}  // namespace

std::string sanitize_reason(std::string_view reason) {
  std::string out;
  out.reserve(std::min(reason.size(), kMaxReasonBytes + 4));
  for (char ch : reason) {
    const auto c = static_cast<unsigned char>(ch);
    char put = ch;
    if (is_control(c) || c == '\t') {
      put = ' ';
    } else if (c == 0xc0 || c == 0xc1 || c >= 0xf5) {
      put = '?';  // never valid in UTF-8
    }
    if (put == ' ' && (out.empty() || out.back() == ' ')) continue;
    out += put;
    if (out.size() > kMaxReasonBytes) break;
  }
  if (out.size() > kMaxReasonBytes) {
    std::size_t cut = kMaxReasonBytes;
    // Do not split a UTF-8 sequence: back off over continuation bytes.
    while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xc0) == 0x80)
      --cut;
    out.resize(cut);
  }
  while (!out.empty() && out.back() == ' ')
    out.pop_back();
  return out;
}

std::optional<std::string> build_error_response(std::string_view raw, int status,
                                                std::string_view reason,
                                                const ResponseContext& ctx) {
  raw = raw.substr(0, kMaxScanBytes);
  // Skip leading CRLFs (RFC 3261 §7.5 lets a stream carry them before a message).
  while (!raw.empty() && (raw.front() == '\r' || raw.front() == '\n'))
    raw.remove_prefix(1);
  if (raw.empty() || raw.starts_with("SIP/")) return std::nullopt;  // a response
  const std::size_t first_nl = raw.find('\n');
  const std::string_view request_line = raw.substr(0, first_nl);
  const std::size_t sp = request_line.find(' ');
  if (sp == std::string_view::npos || sp == 0) return std::nullopt;
  if (request_line.substr(0, sp) == "ACK") return std::nullopt;  // §17.2.1: never answered

  std::vector<std::string> vias;
  std::string from, to, call_id, cseq;
  bool have_from = false, have_to = false, have_call_id = false, have_cseq = false;
  std::string* current = nullptr;  // the value a folded continuation line extends

  std::size_t pos = first_nl == std::string_view::npos ? raw.size() : first_nl + 1;
  while (pos < raw.size()) {
    std::size_t nl = raw.find('\n', pos);
    if (nl == std::string_view::npos) nl = raw.size();
    std::string_view line = raw.substr(pos, nl - pos);
    pos = nl + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) break;  // end of the header section
    if (line.front() == ' ' || line.front() == '\t') {
      if (current != nullptr) {
        current->push_back(' ');
        append_clean(*current, trim_lws(line));
      }
      continue;
    }
    current = nullptr;
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    const std::string_view value = trim_lws(line.substr(colon + 1));
    switch (classify(line.substr(0, colon))) {
      case Wanted::via:
        if (vias.size() < kMaxVias) {
          vias.emplace_back();
          current = &vias.back();
        }
        break;
      case Wanted::from:
        if (!have_from) {
          current = &from;
          have_from = true;
        }
        break;
      case Wanted::to:
        if (!have_to) {
          current = &to;
          have_to = true;
        }
        break;
      case Wanted::call_id:
        if (!have_call_id) {
          current = &call_id;
          have_call_id = true;
        }
        break;
      case Wanted::cseq:
        if (!have_cseq) {
          current = &cseq;
          have_cseq = true;
        }
        break;
      case Wanted::none:
        break;
    }
    if (current != nullptr) append_clean(*current, value);
  }
  for (auto& v : vias)
    v = trimmed(std::move(v));
  std::erase_if(vias, [](const std::string& v) { return v.empty(); });
  call_id = trimmed(std::move(call_id));
  cseq = trimmed(std::move(cseq));
  if (vias.empty() || call_id.empty() || cseq.empty()) return std::nullopt;

  if (status < 400 || status > 699) status = 400;
  std::string phrase = sanitize_reason(reason);
  if (phrase.empty()) phrase = std::string(default_reason(status));
  vias.front() = stamp_top_via(std::move(vias.front()), ctx);

  std::string out;
  MessageWriter w(out);
  w.status_line(status, phrase);
  for (const auto& v : vias)
    w.header("Via", v);
  if (have_from) w.header("From", trimmed(std::move(from)));
  if (have_to) w.header("To", with_to_tag(trimmed(std::move(to)), call_id, cseq));
  w.header("Call-ID", call_id);
  w.header("CSeq", cseq);
  w.finish();
  return out;
}

}  // namespace dzvin::sip
