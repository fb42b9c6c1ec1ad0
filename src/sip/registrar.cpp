#include "sip/registrar.hpp"

#include <algorithm>
#include <ctime>

#include "base/log.hpp"
#include "sip/header_values.hpp"
#include "sip/name_addr.hpp"
#include "sip/uri.hpp"

namespace dzvin::sip {

namespace {

constexpr std::uint32_t kMaxUserAgentBytes = 256;

// qvalue (RFC 3261 §25.1): "0" ["." 0*3DIGIT] / "1" ["." 0*3("0")], as thousandths.
// Malformed values keep the default priority.
std::uint16_t parse_q(std::string_view text) {
  if (text.empty() || (text[0] != '0' && text[0] != '1')) return 1000;
  std::uint32_t v = static_cast<std::uint32_t>(text[0] - '0') * 1000;
  if (text.size() > 1) {
    if (text[1] != '.' || text.size() > 5) return 1000;
    std::uint32_t scale = 100;
    for (std::size_t i = 2; i < text.size(); ++i, scale /= 10) {
      if (text[i] < '0' || text[i] > '9') return 1000;
      v += static_cast<std::uint32_t>(text[i] - '0') * scale;
    }
  }
  return static_cast<std::uint16_t>(std::min<std::uint32_t>(v, 1000));
}

bool user_matches(std::string_view uri_user, std::string_view username) {
  if (uri_user == username) return true;
  if (uri_user.find('%') == std::string_view::npos) return false;
  auto unescaped = unescape(uri_user);  // rare: escaped user parts
  return unescaped && *unescaped == username;
}

}  // namespace

Registrar::Registrar(const AccountDirectory& accounts, DigestAuthenticator& authenticator,
                     LocationService& locations, const Clock& clock, RegistrarConfig config)
    : accounts_(accounts),
      authenticator_(authenticator),
      locations_(locations),
      clock_(clock),
      config_(config) {
  aor_.reserve(128);
}

const RegisterReply& Registrar::finish(int status, std::string_view reason) {
  reply_.status = status;
  reply_.reason = reason;
  return reply_;
}

void Registrar::add_date() {
  // RFC 3261 §20.17: rfc1123-date, always GMT. Formatted once per second.
  const auto seconds =
      std::chrono::duration_cast<std::chrono::seconds>(clock_.wall_now().time_since_epoch())
          .count();
  if (seconds != date_second_) {
    const std::time_t t = static_cast<std::time_t>(seconds);
    std::tm tm{};
    gmtime_r(&t, &tm);
    date_size_ =
        std::strftime(date_text_.data(), date_text_.size(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
    date_second_ = seconds;
  }
  reply_.headers.add("Date", std::string_view(date_text_.data(), date_size_));
}

void Registrar::add_current_contacts(std::string_view aor) {
  const SteadyTime now = clock_.now();
  for (const LocationEntry& e : locations_.find(aor)) {
    if (e.expires <= now) continue;  // due for expiry, timer not yet run
    const auto left = std::chrono::ceil<std::chrono::seconds>(e.expires - now).count();
    // RFC 3261 §10.3 step 8: every current binding, with its expires parameter.
    if (!reply_.headers.begin("Contact")) return;
    reply_.headers.append("<");
    reply_.headers.append(e.binding.contact);
    reply_.headers.append(">;expires=");
    reply_.headers.append_number(static_cast<std::uint64_t>(left));
    reply_.headers.commit();
  }
}

const RegisterReply& Registrar::handle_register(const SipMessage& request, const Peer& from) {
  reply_.headers.clear();
  reply_.account = nullptr;

  // §10.3 step 1: the Request-URI names the domain, which picks the tenant and realm.
  auto request_uri = parse_uri(request.request_uri());
  if (!request_uri ||
      (request_uri->scheme != Uri::Scheme::sip && request_uri->scheme != Uri::Scheme::sips)) {
    return finish(400, "Bad Request-URI");
  }
  const std::string_view realm = accounts_.realm_for_host(request_uri->host);
  if (realm.empty()) return finish(404, "Domain not served here");

  // §10.3 step 3 and §22: authenticate.
  const AuthResult auth = authenticator_.authenticate(request, realm);
  switch (auth.outcome) {
    case AuthOutcome::authenticated:
      break;
    case AuthOutcome::challenge:
      authenticator_.add_challenges(reply_.headers, realm, false);
      return finish(401, "Unauthorized");
    case AuthOutcome::stale:
      authenticator_.add_challenges(reply_.headers, realm, true);
      return finish(401, "Unauthorized");
    case AuthOutcome::malformed:
      return finish(400, "Malformed Authorization header");
    case AuthOutcome::bad_credentials:
      if (log_enabled(LogLevel::info)) {
        log(LogLevel::info, "sip.auth_failed",
            {{"realm", realm}, {"source", from.remote.to_string()}, {"method", "REGISTER"}});
      }
      // The same answer for an unknown user and a wrong password (see digest_authenticator.hpp).
      return finish(403, "Bad credentials");
  }
  const SipAccount& account = *auth.account;
  reply_.account = &account;

  // §10.3 step 4-5: the To header holds the AoR; the authenticated user may register only
  // its own.
  auto to = parse_name_addr(request.header(HeaderId::to));
  if (!to) return finish(400, "Malformed To header");
  if (to->uri.scheme != Uri::Scheme::sip && to->uri.scheme != Uri::Scheme::sips) {
    return finish(404, "Address-of-record is not a SIP URI");
  }
  if (!user_matches(to->uri.user, account.username) ||
      !iequals(accounts_.realm_for_host(to->uri.host), realm)) {
    return finish(403, "To does not match the authenticated user");
  }
  aor_.assign(account.username);
  aor_.push_back('@');
  aor_.append(account.realm);

  // §10.3 step 6-7: Contacts and their expiry.
  const std::string_view expires_header = request.header(HeaderId::expires);
  const bool has_expires_header = request.find(HeaderId::expires) != nullptr;
  const std::uint32_t header_expires =
      has_expires_header ? parse_delta_seconds(expires_header, config_.default_expires)
                         : config_.default_expires;
  std::size_t contact_count = 0;
  bool wildcard = false;
  for (const Header& h : request.headers()) {
    if (h.id != HeaderId::contact) continue;
    for (std::string_view element : CommaList(h.value)) {
      if (element == "*") {
        wildcard = true;
        continue;
      }
      if (contact_count == kMaxContactsPerRequest) return finish(403, "Too many contacts");
      auto contact = parse_name_addr(element);
      if (!contact) return finish(400, "Malformed Contact header");
      ContactUpdate& c = contacts_[contact_count++];
      c.uri = contact->uri_text;
      const auto expires_param = contact->param("expires");
      c.expires = expires_param ? parse_delta_seconds(*expires_param, config_.default_expires)
                                : header_expires;
      c.q_milli = parse_q(contact->param("q").value_or(std::string_view{}));
      if (c.expires != 0 && c.expires < config_.min_expires) {
        // §10.3 step 7 with §21.4.17 and §20.23: say the shortest interval we accept.
        reply_.headers.add("Min-Expires", config_.min_expires);
        return finish(423, "Interval Too Brief");
      }
      c.expires = std::min(c.expires, config_.max_expires);
    }
  }
  // §10.3 step 6: "*" only alone and only with Expires: 0.
  if (wildcard && (contact_count != 0 || !has_expires_header || header_expires != 0)) {
    return finish(400, "Contact * needs Expires: 0 and no other Contact");
  }

  std::string_view user_agent = request.header(HeaderId::user_agent);
  user_agent = user_agent.substr(0, kMaxUserAgentBytes);
  RegisterUpdate update;
  update.tenant_id = account.tenant_id;
  update.aor = aor_;
  update.call_id = request.core().call_id;
  update.cseq = request.core().cseq;
  update.source = &from;
  update.user_agent = user_agent;
  update.remove_all = wildcard;
  update.contacts = std::span<const ContactUpdate>(contacts_.data(), contact_count);
  switch (locations_.apply(update)) {
    case UpdateError::none:
      break;
    case UpdateError::out_of_order:
      // §10.3 step 7: same Call-ID, CSeq not higher than the stored one.
      return finish(500, "Out of order request");
    case UpdateError::too_many_contacts:
      return finish(403, "Too many contacts");
  }

  add_current_contacts(aor_);
  add_date();
  return finish(200, "OK");
}

}  // namespace dzvin::sip
