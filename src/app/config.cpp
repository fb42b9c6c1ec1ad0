#include "app/config.hpp"

#include "pbx/routing_document.hpp"

#include <toml++/toml.h>
#include <algorithm>
#include <cctype>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>

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
      if (auto r = check_keys(cfg, *ut, "company.users", {"username", "display_name", "password"});
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
Result<void> read_routing(Config& cfg, const toml::table& t) {
  if (auto r = check_keys(cfg, t, "routing", {"schedules", "schemes", "numbers"}); !r) return r;
  toml::table document;
  for (std::string_view part : {"schedules", "schemes"}) {
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
      cfg.routing_numbers.emplace_back(std::string(number.str()), *name);
    }
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
  if (auto r = check_keys(cfg, root, "", {"server", "sip", "media", "company", "routing"}); !r) {
    return r.error();
  }
  for (std::string_view section : {"server", "sip", "media", "company", "routing"}) {
    auto* node = root.get(section);
    if (!node) continue;
    auto* table = node->as_table();
    if (!table) return config_error(cfg, *node, "'" + std::string(section) + "' must be a table");
    Result<void> r = section == "server"    ? read_server(cfg, *table)
                     : section == "sip"     ? read_sip(cfg, *table)
                     : section == "media"   ? read_media(cfg, *table)
                     : section == "company" ? read_company(cfg, *table)
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
