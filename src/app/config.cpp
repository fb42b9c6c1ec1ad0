#include "app/config.hpp"

#include "pbx/phone_number.hpp"
#include "pbx/routing_document.hpp"

#include <toml++/toml.h>
#include <algorithm>
#include <cctype>
#include <charconv>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>
#include <tuple>

namespace dzvin::app {

namespace {

std::string where(const Config& cfg, const toml::source_region& src) {
  return cfg.source + ":" + std::to_string(src.begin.line);
}

Error config_error(const Config& cfg, const toml::node& node, const std::string& message) {
  return make_error(0, where(cfg, node.source()) + ": " + message);
}

// Fails on keys outside `known`, naming the first unknown one.
Result<void> check_keys(const Config& cfg, const toml::table& table, std::string_view section,
                        std::initializer_list<std::string_view> known) {
  for (const auto& [key, node] : table) {
    bool ok = false;
    for (auto k : known)
      ok = ok || k == key.str();
    if (!ok) {
      std::string msg = "unknown key '" + std::string(key.str()) + "'";
      if (!section.empty()) msg += " in [" + std::string(section) + "]";
      return make_error(0, where(cfg, key.source()) + ": " + msg);
    }
  }
  return {};
}

Result<std::string> get_string(const Config& cfg, const toml::node& node, std::string_view key) {
  if (auto v = node.value<std::string>()) return *v;
  return config_error(cfg, node, "'" + std::string(key) + "' must be a string");
}

Result<std::int64_t> get_int(const Config& cfg, const toml::node& node, std::string_view key,
                             std::int64_t min, std::int64_t max) {
  auto v = node.value<std::int64_t>();
  if (!v) return config_error(cfg, node, "'" + std::string(key) + "' must be an integer");
  if (*v < min || *v > max) {
    return config_error(cfg, node,
                        "'" + std::string(key) + "' must be between " + std::to_string(min) +
                            " and " + std::to_string(max) + ", got " + std::to_string(*v));
  }
  return *v;
}

Result<void> read_server(Config& cfg, const toml::table& t) {
  if (auto r = check_keys(cfg, t, "server", {"data_dir", "log_level", "web_url"}); !r) return r;
  if (auto* n = t.get("data_dir")) {
    auto s = get_string(cfg, *n, "data_dir");
    if (!s) return s.error();
    if (s->empty()) return config_error(cfg, *n, "'data_dir' must not be empty");
    cfg.data_dir = *s;
  }
  if (auto* n = t.get("log_level")) {
    auto s = get_string(cfg, *n, "log_level");
    if (!s) return s.error();
    auto level = parse_log_level(*s);
    if (!level) return config_error(cfg, *n, level.error().message);
    cfg.log_level = *level;
  }
  if (auto* n = t.get("web_url")) {
    auto s = get_string(cfg, *n, "web_url");
    if (!s) return s.error();
    cfg.web_url = *s;
  }
  return {};
}

Result<void> read_sip(Config& cfg, const toml::table& t) {
  if (auto r = check_keys(
          cfg, t, "sip",
          {"listen", "t1_ms", "t2_ms", "t4_ms", "min_expires", "max_expires", "default_expires",
           "nonce_ttl", "max_contacts_per_user", "digest_algorithms"});
      !r) {
    return r;
  }
  if (auto* n = t.get("listen")) {
    auto* arr = n->as_array();
    if (!arr) return config_error(cfg, *n, "'listen' must be an array of strings");
    cfg.sip.listen.clear();
    for (const auto& item : *arr) {
      auto s = get_string(cfg, item, "listen");
      if (!s) return s.error();
      auto addr = parse_listen_address(*s);
      if (!addr) return config_error(cfg, item, addr.error().message);
      cfg.sip.listen.push_back(*addr);
    }
    if (cfg.sip.listen.empty()) return config_error(cfg, *n, "'listen' must name an address");
  }
  if (auto* n = t.get("digest_algorithms")) {
    auto* arr = n->as_array();
    if (!arr || arr->empty()) {
      return config_error(cfg, *n, "'digest_algorithms' must be a non-empty array of strings");
    }
    cfg.sip.digest_algorithms.clear();
    for (const auto& item : *arr) {
      auto s = get_string(cfg, item, "digest_algorithms");
      if (!s) return s.error();
      if (*s != "MD5" && *s != "SHA-256") {
        return config_error(cfg, item,
                            "unknown digest algorithm '" + *s + "' (expected MD5 or SHA-256)");
      }
      if (std::find(cfg.sip.digest_algorithms.begin(), cfg.sip.digest_algorithms.end(), *s) !=
          cfg.sip.digest_algorithms.end()) {
        return config_error(cfg, item, "digest algorithm '" + *s + "' listed twice");
      }
      cfg.sip.digest_algorithms.push_back(*s);
    }
  }
  struct IntKey {
    std::string_view key;
    std::int64_t min, max;
    std::function<void(std::int64_t)> set;
  };
  const IntKey ints[] = {
      {"t1_ms", 10, 60'000, [&](auto v) { cfg.sip.t1 = std::chrono::milliseconds(v); }},
      {"t2_ms", 100, 600'000, [&](auto v) { cfg.sip.t2 = std::chrono::milliseconds(v); }},
      {"t4_ms", 100, 600'000, [&](auto v) { cfg.sip.t4 = std::chrono::milliseconds(v); }},
      {"min_expires", 1, 86'400,
       [&](auto v) { cfg.sip.min_expires = static_cast<std::uint32_t>(v); }},
      {"max_expires", 1, 604'800,
       [&](auto v) { cfg.sip.max_expires = static_cast<std::uint32_t>(v); }},
      {"default_expires", 1, 604'800,
       [&](auto v) { cfg.sip.default_expires = static_cast<std::uint32_t>(v); }},
      {"nonce_ttl", 10, 86'400, [&](auto v) { cfg.sip.nonce_ttl = static_cast<std::uint32_t>(v); }},
      {"overload_queue_delay_ms", 0, 10'000,
       [&](auto v) { cfg.sip.overload_queue_delay = std::chrono::milliseconds(v); }},
      {"overload_retry_after", 1, 3600,
       [&](auto v) { cfg.sip.overload_retry_after = static_cast<std::uint32_t>(v); }},
      {"max_contacts_per_user", 1, 100,
       [&](auto v) { cfg.sip.max_contacts_per_user = static_cast<std::uint32_t>(v); }},
  };
  for (const auto& k : ints) {
    if (auto* n = t.get(k.key)) {
      auto v = get_int(cfg, *n, k.key, k.min, k.max);
      if (!v) return v.error();
      k.set(*v);
    }
  }
  if (cfg.sip.min_expires > cfg.sip.max_expires) {
    return make_error(0, where(cfg, t.source()) + ": min_expires (" +
                             std::to_string(cfg.sip.min_expires) + ") exceeds max_expires (" +
                             std::to_string(cfg.sip.max_expires) + ")");
  }
  if (cfg.sip.t1 > cfg.sip.t2) {
    return make_error(0, where(cfg, t.source()) + ": t1_ms must not exceed t2_ms");
  }
  cfg.sip.default_expires =
      std::clamp(cfg.sip.default_expires, cfg.sip.min_expires, cfg.sip.max_expires);
  return {};
}

bool valid_username(std::string_view u) {
  if (u.empty() || u.size() > 64) return false;
  for (char c : u) {
    // RFC 3261 user: unreserved characters are enough for account names.
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' ||
          c == '!' || c == '~' || c == '+'))
      return false;
  }
  return true;
}

bool valid_domain(std::string_view d) {
  if (d.empty() || d.size() > 253) return false;
  for (char c : d) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.')) return false;
  }
  return true;
}

Result<void> read_company(Config& cfg, const toml::table& t) {
  if (auto r = check_keys(cfg, t, "company", {"name", "sip_domain", "users"}); !r) return r;
  InitialCompany company;
  auto* name = t.get("name");
  if (!name) return config_error(cfg, t, "[company] needs a 'name'");
  auto s = get_string(cfg, *name, "name");
  if (!s) return s.error();
  company.name = *s;
  auto* domain = t.get("sip_domain");
  if (!domain) return config_error(cfg, t, "[company] needs a 'sip_domain'");
  s = get_string(cfg, *domain, "sip_domain");
  if (!s) return s.error();
  if (!valid_domain(*s)) {
    return config_error(cfg, *domain, "'sip_domain' must be a host name, got '" + *s + "'");
  }
  company.sip_domain = *s;
  if (auto* users = t.get("users")) {
    auto* arr = users->as_array();
    if (!arr)
      return config_error(cfg, *users, "'users' must be an array of tables ([[company.users]])");
    std::set<std::string> seen;
    for (const auto& item : *arr) {
      auto* ut = item.as_table();
      if (!ut) return config_error(cfg, item, "each of [[company.users]] must be a table");
      if (auto r =
              check_keys(cfg, *ut, "company.users",
                         {"username", "display_name", "password", "email", "role", "web_password"});
          !r)
        return r;
      InitialUser user;
      auto* un = ut->get("username");
      auto* pw = ut->get("password");
      if (!un) return config_error(cfg, item, "a user needs a 'username'");
      if (!pw) return config_error(cfg, item, "a user needs a 'password'");
      auto uname = get_string(cfg, *un, "username");
      if (!uname) return uname.error();
      if (!valid_username(*uname)) {
        return config_error(
            cfg, *un, "'username' must be 1-64 letters, digits or -_.!~+, got '" + *uname + "'");
      }
      if (!seen.insert(*uname).second) {
        return config_error(cfg, *un, "duplicate username '" + *uname + "'");
      }
      auto pass = get_string(cfg, *pw, "password");
      if (!pass) return pass.error();
      if (pass->size() < 8) {
        return config_error(cfg, *pw, "password of '" + *uname + "' is shorter than 8 characters");
      }
      user.username = *uname;
      user.password = *pass;
      if (auto* dn = ut->get("display_name")) {
        auto d = get_string(cfg, *dn, "display_name");
        if (!d) return d.error();
        user.display_name = *d;
      }
      // The web login (first start): e-mail, role and its own password.
      for (auto [key, field] : {std::pair{"email", &user.email}, std::pair{"role", &user.role},
                                std::pair{"web_password", &user.web_password}}) {
        if (auto* n = ut->get(key)) {
          auto v = get_string(cfg, *n, key);
          if (!v) return v.error();
          *field = *v;
        }
      }
      if (user.role != "admin" && user.role != "head" && user.role != "manager" &&
          user.role != "operator") {
        return config_error(
            cfg, *ut->get("role"),
            "'role' must be admin, head, manager or operator, got '" + user.role + "'");
      }
      if (!user.web_password.empty() && user.email.empty()) {
        return config_error(cfg, *ut->get("web_password"),
                            "a 'web_password' needs an 'email' to log in with");
      }
      if (!user.web_password.empty() && user.web_password.size() < 8) {
        return config_error(cfg, *ut->get("web_password"),
                            "web_password of '" + *uname + "' is shorter than 8 characters");
      }
      company.users.push_back(std::move(user));
    }
  }
  cfg.company = std::move(company);
  return {};
}

Result<void> read_media(Config& cfg, const toml::table& t) {
  if (auto r = check_keys(
          cfg, t, "media",
          {"anchor", "bind_address", "advertised_address", "port_min", "port_max", "threads"});
      !r) {
    return r;
  }
  MediaSettings& m = cfg.media;
  if (auto* n = t.get("anchor")) {
    auto v = n->value<bool>();
    if (!v) return config_error(cfg, *n, "'anchor' must be true or false");
    m.anchor = *v;
  }
  for (auto [key, field] : {std::pair{"bind_address", &m.bind_address},
                            std::pair{"advertised_address", &m.advertised_address}}) {
    if (auto* n = t.get(key)) {
      auto v = get_string(cfg, *n, key);
      if (!v) return v.error();
      if (!IpAddress::parse(*v)) {
        return config_error(cfg, *n,
                            "'" + std::string(key) + "' must be an IP address, got '" + *v + "'");
      }
      *field = *v;
    }
  }
  for (auto [key, field] :
       {std::pair{"port_min", &m.port_min}, std::pair{"port_max", &m.port_max}}) {
    if (auto* n = t.get(key)) {
      auto v = get_int(cfg, *n, key, 1024, 65534);
      if (!v) return v.error();
      *field = static_cast<std::uint16_t>(*v);
    }
  }
  if (m.port_max < m.port_min + 3) {
    return config_error(cfg, t,
                        "[media] port_max must be at least port_min + 3 (one call "
                        "needs two RTP/RTCP port pairs)");
  }
  if (auto* n = t.get("threads")) {
    auto v = get_int(cfg, *n, "threads", 0, 256);
    if (!v) return v.error();
    m.threads = static_cast<unsigned>(*v);
  }
  return {};
}

// [routing]: the schedules and schemes tables become the routing document's JSON (toml++
// writes it), checked here for syntax so that `check-config` catches mistakes; references to
// users are checked at start-up against the database.
Result<void> read_http(Config& cfg, const toml::table& t) {
  if (auto r = check_keys(cfg, t, "http", {"enabled", "listen", "web_root"}); !r) return r;
  if (auto* n = t.get("web_root")) {
    auto v = get_string(cfg, *n, "web_root");
    if (!v) return v.error();
    cfg.http.web_root = *v;
  }
  if (auto* n = t.get("enabled")) {
    auto v = n->value<bool>();
    if (!v) return config_error(cfg, *n, "'enabled' must be true or false");
    cfg.http.enabled = *v;
  }
  if (auto* n = t.get("listen")) {
    auto v = get_string(cfg, *n, "listen");
    if (!v) return v.error();
    auto endpoint = IpEndpoint::parse(*v, 8080);
    if (!endpoint) {
      return config_error(cfg, *n, "'listen' must be ADDRESS:PORT, got '" + *v + "'");
    }
    cfg.http.listen = *endpoint;
  }
  return {};
}

// "10:00" -> 600 minutes.
std::optional<int> parse_hh_mm(std::string_view text) {
  if (text.size() != 5 || text[2] != ':') return std::nullopt;
  const auto digit = [&](std::size_t i) { return text[i] >= '0' && text[i] <= '9'; };
  if (!digit(0) || !digit(1) || !digit(3) || !digit(4)) return std::nullopt;
  const int h = (text[0] - '0') * 10 + (text[1] - '0');
  const int m = (text[3] - '0') * 10 + (text[4] - '0');
  if (h > 23 || m > 59) return std::nullopt;
  return h * 60 + m;
}

Result<void> read_crm(Config& cfg, const toml::table& t) {
  if (auto r = check_keys(cfg, t, "crm",
                          {"missed_call_tasks", "head", "call_back_within", "after_hours_by",
                           "schedule", "internal_callers"});
      !r) {
    return r;
  }
  crm::MissedCallSettings& m = cfg.missed_calls;
  for (auto [key, field] : {std::pair{"missed_call_tasks", &m.enabled},
                            std::pair{"internal_callers", &m.internal_callers}}) {
    if (auto* n = t.get(key)) {
      auto v = n->value<bool>();
      if (!v) return config_error(cfg, *n, "'" + std::string(key) + "' must be true or false");
      *field = *v;
    }
  }
  for (auto [key, field] : {std::pair{"head", &m.head}, std::pair{"schedule", &m.schedule}}) {
    if (auto* n = t.get(key)) {
      auto v = get_string(cfg, *n, key);
      if (!v) return v.error();
      *field = *v;
    }
  }
  if (auto* n = t.get("call_back_within")) {
    auto v = get_int(cfg, *n, "call_back_within", 1, 7 * 24 * 60);
    if (!v) return v.error();
    m.deadline.within_working = std::chrono::minutes(*v);
  }
  if (auto* n = t.get("after_hours_by")) {
    auto v = get_string(cfg, *n, "after_hours_by");
    if (!v) return v.error();
    const auto minutes = parse_hh_mm(*v);
    if (!minutes) {
      return config_error(cfg, *n,
                          "'after_hours_by' must be HH:MM (e.g. \"10:00\"), got '" + *v + "'");
    }
    m.deadline.next_day_by = std::chrono::minutes(*minutes);
  }
  return {};
}

Result<void> read_smtp(Config& cfg, const toml::table& t) {
  if (auto r = check_keys(
          cfg, t, "smtp",
          {"url", "from", "username", "password", "require_tls", "timeout", "first_retry",
           "max_retry", "max_attempts", "link_valid_days", "attach_max_bytes"});
      !r) {
    return r;
  }
  SmtpConfig& m = cfg.smtp;
  for (auto [key, field] :
       {std::pair{"url", &m.url}, std::pair{"from", &m.from}, std::pair{"username", &m.username},
        std::pair{"password", &m.password}}) {
    if (auto* n = t.get(key)) {
      auto v = get_string(cfg, *n, key);
      if (!v) return v.error();
      *field = *v;
    }
  }
  if (!m.url.empty() && m.url.rfind("smtp://", 0) != 0 && m.url.rfind("smtps://", 0) != 0) {
    return config_error(cfg, *t.get("url"),
                        "'url' must start with smtp:// or smtps://, got '" + m.url + "'");
  }
  if (m.from.find('@') == std::string::npos ||
      m.from.find_first_of("\r\n<> ") != std::string::npos) {
    return config_error(cfg, t.get("from") ? *t.get("from") : static_cast<const toml::node&>(t),
                        "'from' must be an e-mail address, got '" + m.from + "'");
  }
  // A password goes out only encrypted unless the file says otherwise.
  m.require_tls = !m.username.empty() && m.url.rfind("smtp://", 0) == 0;
  if (auto* n = t.get("require_tls")) {
    auto v = n->value<bool>();
    if (!v) return config_error(cfg, *n, "'require_tls' must be true or false");
    m.require_tls = *v;
  }
  for (auto [key, field, lo, hi] : {std::tuple{"timeout", &m.timeout, 1, 600},
                                    std::tuple{"first_retry", &m.first_retry, 1, 86400},
                                    std::tuple{"max_retry", &m.max_retry, 1, 86400}}) {
    if (auto* n = t.get(key)) {
      auto v = get_int(cfg, *n, key, lo, hi);
      if (!v) return v.error();
      *field = std::chrono::seconds(*v);
    }
  }
  if (auto* n = t.get("max_attempts")) {
    auto v = get_int(cfg, *n, "max_attempts", 1, 100);
    if (!v) return v.error();
    m.max_attempts = static_cast<int>(*v);
  }
  if (auto* n = t.get("link_valid_days")) {
    auto v = get_int(cfg, *n, "link_valid_days", 1, 365);
    if (!v) return v.error();
    m.link_valid_days = static_cast<std::uint32_t>(*v);
  }
  if (auto* n = t.get("attach_max_bytes")) {
    auto v = get_int(cfg, *n, "attach_max_bytes", 0, 20 * 1024 * 1024);
    if (!v) return v.error();
    m.attach_max_bytes = static_cast<std::uint64_t>(*v);
  }
  return {};
}

Result<void> read_routing(Config& cfg, const toml::table& t) {
  if (auto r = check_keys(cfg, t, "routing",
                          {"schedules", "schemes", "numbers", "prompts", "voicemail", "groups",
                           "caller_lists", "recording"});
      !r) {
    return r;
  }
  toml::table document;
  for (std::string_view part :
       {"schedules", "schemes", "prompts", "voicemail", "groups", "caller_lists", "recording"}) {
    if (auto* n = t.get(part)) {
      if (!n->is_table()) {
        return config_error(cfg, *n, "'routing." + std::string(part) + "' must be a table");
      }
      document.insert(part, *n->as_table());
    }
  }
  std::ostringstream json;
  json << toml::json_formatter{document};
  cfg.routing_json = json.str();
  auto parsed = pbx::parse_routing_document(cfg.routing_json);
  if (!parsed) return config_error(cfg, t, "[routing] " + parsed.error().message);
  if (auto* n = t.get("numbers")) {
    auto* numbers = n->as_table();
    if (!numbers) return config_error(cfg, *n, "'routing.numbers' must be a table");
    for (const auto& [number, scheme] : *numbers) {
      auto name = get_string(cfg, scheme, number.str());
      if (!name) return name.error();
      const bool known = std::any_of(parsed->schemes.begin(), parsed->schemes.end(),
                                     [&](const pbx::RoutingScheme& s) { return s.name == *name; });
      if (!known) {
        return config_error(cfg, scheme,
                            "number '" + std::string(number.str()) + "' uses scheme '" + *name +
                                "', which [routing.schemes] does not define");
      }
      // A DID in any national or international form is kept as E.164; extensions as written.
      std::string key(number.str());
      if (auto e164 = pbx::normalize_phone_number(key); e164) key = e164->text;
      cfg.routing_numbers.emplace_back(std::move(key), *name);
    }
  }
  return {};
}

Result<std::vector<std::string>> get_strings(const Config& cfg, const toml::node& node,
                                             std::string_view key) {
  auto* arr = node.as_array();
  if (!arr)
    return config_error(cfg, node, "'" + std::string(key) + "' must be an array of strings");
  std::vector<std::string> out;
  for (const auto& item : *arr) {
    auto s = get_string(cfg, item, key);
    if (!s) return s.error();
    out.push_back(std::move(*s));
  }
  return out;
}

Result<TrunkSettings> read_trunk(const Config& cfg, const toml::table& t) {
  if (auto r =
          check_keys(cfg, t, "trunks",
                     {"name", "address", "transport", "domain", "username", "password", "caller_id",
                      "number_format", "inbound", "dids", "register", "register_expires"});
      !r) {
    return r.error();
  }
  TrunkSettings trunk;
  const auto text = [&](std::string_view key, std::string& out) -> Result<void> {
    if (auto* n = t.get(key)) {
      auto v = get_string(cfg, *n, key);
      if (!v) return v.error();
      out = std::move(*v);
    }
    return {};
  };
  for (auto [key, field] :
       {std::pair{"name", &trunk.name}, std::pair{"domain", &trunk.domain},
        std::pair{"username", &trunk.username}, std::pair{"password", &trunk.password}}) {
    if (auto r = text(key, *field); !r) return r.error();
  }
  if (auto r = pbx::check_routing_name(trunk.name, "name", "trunk"); !r || !t.get("name")) {
    return config_error(cfg, t, "a trunk needs a 'name' (1-64 characters)");
  }
  const std::string of = " of trunk '" + trunk.name + "'";
  auto* address = t.get("address");
  if (!address) return config_error(cfg, t, "trunk '" + trunk.name + "' needs an 'address'");
  std::string address_text;
  if (auto r = text("address", address_text); !r) return r.error();
  {
    // "host", "host:port", "192.0.2.1:5060", "[2001:db8::1]:5060".
    std::string_view host = address_text;
    std::uint16_t port = 5060;
    if (auto ep = IpEndpoint::parse(address_text, 5060)) {
      trunk.host = ep->address.to_string();
      port = ep->port;
    } else {
      if (const auto colon = host.rfind(':'); colon != std::string_view::npos) {
        const std::string_view digits = host.substr(colon + 1);
        unsigned value = 0;
        const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
        if (ec != std::errc() || end != digits.data() + digits.size() || value == 0 ||
            value > 65535) {
          return config_error(cfg, *address, "bad port in 'address'" + of);
        }
        port = static_cast<std::uint16_t>(value);
        host = host.substr(0, colon);
      }
      if (!valid_domain(host)) {
        return config_error(
            cfg, *address,
            "'address'" + of + " must be HOST or HOST:PORT, got '" + address_text + "'");
      }
      trunk.host = std::string(host);
    }
    trunk.port = port;
  }
  if (auto* n = t.get("transport")) {
    auto v = get_string(cfg, *n, "transport");
    if (!v) return v.error();
    if (*v == "udp") {
      trunk.transport = sip::TransportKind::udp;
    } else if (*v == "tcp") {
      trunk.transport = sip::TransportKind::tcp;
    } else {
      return config_error(cfg, *n, "'transport'" + of + " must be \"udp\" or \"tcp\"");
    }
  }
  if (trunk.domain.empty()) trunk.domain = trunk.host;
  if (auto* n = t.get("domain");
      n && !valid_domain(trunk.domain) && !IpAddress::parse(trunk.domain)) {
    return config_error(cfg, *n, "'domain'" + of + " must be a host name");
  }
  if (!trunk.username.empty() && !valid_username(trunk.username)) {
    return config_error(cfg, *t.get("username"),
                        "'username'" + of + " must be 1-64 letters, digits or -_.!~+");
  }
  if (auto* n = t.get("caller_id")) {
    auto v = get_string(cfg, *n, "caller_id");
    if (!v) return v.error();
    auto number = pbx::normalize_phone_number(*v);
    if (!number || number->kind != pbx::NumberKind::e164) {
      return config_error(cfg, *n,
                          "'caller_id'" + of + " must be a phone number, got '" + *v + "'");
    }
    trunk.caller_id = number->text;
  }
  if (auto* n = t.get("number_format")) {
    auto v = get_string(cfg, *n, "number_format");
    if (!v) return v.error();
    auto format = pbx::parse_trunk_number_format(*v);
    if (!format) {
      return config_error(
          cfg, *n, "'number_format'" + of + " must be \"e164\", \"e164_digits\" or \"national\"");
    }
    trunk.number_format = *format;
  }
  if (auto* n = t.get("inbound")) {
    auto list = get_strings(cfg, *n, "inbound");
    if (!list) return list.error();
    for (std::size_t i = 0; i < list->size(); ++i) {
      auto source = pbx::parse_trunk_source((*list)[i]);
      if (!source) return config_error(cfg, *n, "'inbound'" + of + ": " + source.error().message);
      trunk.inbound.push_back(*source);
    }
  }
  if (auto* n = t.get("dids")) {
    auto list = get_strings(cfg, *n, "dids");
    if (!list) return list.error();
    for (const std::string& did : *list) {
      auto number = pbx::normalize_phone_number(did);
      if (!number || number->kind != pbx::NumberKind::e164) {
        return config_error(cfg, *n, "'dids'" + of + ": '" + did + "' is not a phone number");
      }
      trunk.dids.push_back(number->text);
    }
  }
  if (auto* n = t.get("register")) {
    auto v = n->value<bool>();
    if (!v) return config_error(cfg, *n, "'register'" + of + " must be true or false");
    trunk.register_with_provider = *v;
  }
  if (auto* n = t.get("register_expires")) {
    auto v = get_int(cfg, *n, "register_expires", 30, 86'400);
    if (!v) return v.error();
    trunk.register_expires = static_cast<std::uint32_t>(*v);
  }
  if (trunk.register_with_provider && (trunk.username.empty() || trunk.password.empty())) {
    return config_error(cfg, t,
                        "trunk '" + trunk.name +
                            "' registers with the provider: it needs 'username' and "
                            "'password'");
  }
  return trunk;
}

Result<void> read_trunks(Config& cfg, const toml::node& node) {
  auto* arr = node.as_array();
  if (!arr) return config_error(cfg, node, "'trunks' must be an array of tables ([[trunks]])");
  for (const auto& item : *arr) {
    auto* t = item.as_table();
    if (!t) return config_error(cfg, item, "each of [[trunks]] must be a table");
    auto trunk = read_trunk(cfg, *t);
    if (!trunk) return trunk.error();
    for (const TrunkSettings& other : cfg.trunks) {
      if (other.name == trunk->name) {
        return config_error(cfg, item, "duplicate trunk name '" + trunk->name + "'");
      }
    }
    cfg.trunks.push_back(std::move(*trunk));
  }
  return {};
}

// The events an endpoint gets when its table names none (the list).
const std::vector<std::string> kDefaultWebhookEvents = {"call.started", "call.answered",
                                                        "call.ended",   "voicemail.recorded",
                                                        "task.created", "task.closed"};
const std::vector<std::string> kWebhookEvents = {
    "call.started",         "call.ringing",       "call.attempt",      "call.answered",
    "call.ended",           "voicemail.recorded", "recording.started", "recording.finished",
    "registration.changed", "task.created",       "task.updated",      "task.closed",
    "task.overdue"};

Result<void> read_webhooks(Config& cfg, const toml::node& node) {
  auto* arr = node.as_array();
  if (!arr) return config_error(cfg, node, "'webhooks' must be an array of tables ([[webhooks]])");
  for (const auto& item : *arr) {
    auto* t = item.as_table();
    if (!t) return config_error(cfg, item, "each of [[webhooks]] must be a table");
    if (auto r = check_keys(cfg, *t, "webhooks", {"name", "url", "secret", "events", "timeout"});
        !r) {
      return r;
    }
    notify::WebhookEndpoint e;
    for (auto [key, field] :
         {std::pair{"name", &e.name}, std::pair{"url", &e.url}, std::pair{"secret", &e.secret}}) {
      auto* n = t->get(key);
      if (n == nullptr)
        return config_error(cfg, item, "[[webhooks]] needs '" + std::string(key) + "'");
      auto v = get_string(cfg, *n, key);
      if (!v) return v.error();
      *field = *v;
    }
    if (e.url.rfind("http://", 0) != 0 && e.url.rfind("https://", 0) != 0) {
      return config_error(cfg, *t->get("url"), "'url' must start with http:// or https://");
    }
    if (e.secret.size() < 16) {
      return config_error(cfg, *t->get("secret"), "'secret' must be at least 16 characters");
    }
    e.events = kDefaultWebhookEvents;
    if (auto* n = t->get("events")) {
      auto* list = n->as_array();
      if (!list) return config_error(cfg, *n, "'events' must be a list of event types");
      e.events.clear();
      for (const auto& v : *list) {
        auto type = v.value<std::string>();
        if (!type || std::find(kWebhookEvents.begin(), kWebhookEvents.end(), *type) ==
                         kWebhookEvents.end()) {
          return config_error(cfg, v,
                              "unknown event type in 'events' (call.started, "
                              "call.answered, call.ended, voicemail.recorded, "
                              "task.created, task.closed, ...)");
        }
        e.events.push_back(*type);
      }
    }
    if (auto* n = t->get("timeout")) {
      auto v = get_int(cfg, *n, "timeout", 1, 60);
      if (!v) return v.error();
      e.timeout = std::chrono::seconds(*v);
    }
    for (const auto& other : cfg.webhooks) {
      if (other.name == e.name) {
        return config_error(cfg, item, "duplicate webhook name '" + e.name + "'");
      }
    }
    cfg.webhooks.push_back(std::move(e));
  }
  return {};
}

}  // namespace

Result<ListenAddress> parse_listen_address(std::string_view text) {
  ListenAddress out;
  std::string_view rest = text;
  if (rest.starts_with("udp:")) {
    rest.remove_prefix(4);
  } else if (rest.starts_with("tcp:")) {
    out.kind = sip::TransportKind::tcp;
    rest.remove_prefix(4);
  } else if (rest.find("://") != std::string_view::npos ||
             (rest.find(':') != std::string_view::npos && rest.find(':') < rest.find('.') &&
              rest.front() != '[' && std::isalpha(static_cast<unsigned char>(rest.front())))) {
    return make_error(0, "unknown transport in listen address '" + std::string(text) +
                             "' (expected udp:HOST:PORT or tcp:HOST:PORT)");
  }
  auto ep = IpEndpoint::parse(rest, 5060);
  if (!ep) {
    return make_error(0, "bad listen address '" + std::string(text) + "': " + ep.error().message);
  }
  out.endpoint = *ep;
  return out;
}

Result<Config> parse_config(std::string_view text, const std::string& source) {
  Config cfg;
  cfg.source = source;
  toml::table root;
  try {
    root = toml::parse(text, source);
  } catch (const toml::parse_error& e) {
    return make_error(0, source + ":" + std::to_string(e.source().begin.line) + ": " +
                             std::string(e.description()));
  }
  if (auto r = check_keys(cfg, root, "",
                          {"server", "sip", "media", "company", "routing", "trunks", "http", "smtp",
                           "crm", "webhooks"});
      !r) {
    return r.error();
  }
  if (auto* trunks = root.get("trunks")) {
    if (auto r = read_trunks(cfg, *trunks); !r) return r.error();
  }
  if (auto* webhooks = root.get("webhooks")) {
    if (auto r = read_webhooks(cfg, *webhooks); !r) return r.error();
  }
  for (std::string_view section :
       {"server", "sip", "media", "company", "routing", "http", "smtp", "crm"}) {
    auto* node = root.get(section);
    if (!node) continue;
    auto* table = node->as_table();
    if (!table) return config_error(cfg, *node, "'" + std::string(section) + "' must be a table");
    Result<void> r = section == "server"    ? read_server(cfg, *table)
                     : section == "sip"     ? read_sip(cfg, *table)
                     : section == "media"   ? read_media(cfg, *table)
                     : section == "company" ? read_company(cfg, *table)
                     : section == "http"    ? read_http(cfg, *table)
                     : section == "smtp"    ? read_smtp(cfg, *table)
                     : section == "crm"     ? read_crm(cfg, *table)
                                            : read_routing(cfg, *table);
    if (!r) return r.error();
  }
  if (cfg.sip.listen.empty()) {
    cfg.sip.listen.push_back({sip::TransportKind::udp, *IpEndpoint::parse("0.0.0.0:5060", 5060)});
    cfg.sip.listen.push_back({sip::TransportKind::tcp, *IpEndpoint::parse("0.0.0.0:5060", 5060)});
  }
  return cfg;
}

Result<Config> load_config_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(0, path + ": cannot open config file");
  std::ostringstream text;
  text << in.rdbuf();
  return parse_config(text.str(), path);
}

}  // namespace dzvin::app
