#pragma once
// The process settings file (TOML). Company data lives in the database; the file may declare
// an initial company that is created on the first start with an empty database.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/ip_endpoint.hpp"
#include "base/log.hpp"
#include "base/result.hpp"
#include "crm/missed_call_policy.hpp"
#include "notify/webhook_outbox.hpp"
#include "pbx/trunk.hpp"
#include "sip/transport.hpp"

#ifndef DZVIN_WEB_ROOT
#define DZVIN_WEB_ROOT "web/dist"
#endif

namespace dzvin::app {

struct ListenAddress {
  sip::TransportKind kind = sip::TransportKind::udp;
  IpEndpoint endpoint;
};

struct InitialUser {
  std::string username;
  std::string display_name;
  std::string password;  // hashed into HA1 at import; never stored
  // Web login, set on the first start when both are given: e-mail and its own password
  // (argon2id), with the role (admin, head, manager, operator).
  std::string email;
  std::string role = "manager";
  std::string web_password;
};

struct InitialCompany {
  std::string name;
  std::string sip_domain;
  std::vector<InitialUser> users;
};

struct SipSettings {
  std::vector<ListenAddress> listen;
  std::chrono::milliseconds t1{500};
  std::chrono::milliseconds t2{4000};
  std::chrono::milliseconds t4{5000};
  std::uint32_t min_expires = 60;
  std::uint32_t max_expires = 3600;
  std::uint32_t default_expires = 3600;
  std::uint32_t nonce_ttl = 300;
  std::uint32_t max_contacts_per_user = 10;
  // Digest algorithms offered in 401 challenges, most preferred first. MD5 alone by default:
  // deployed stacks (libre/baresip 1.0, SIPp 3.6) reject a challenge set that contains any
  // algorithm they lack, even beside MD5. Credentials with SHA-256 are verified either way.
  std::vector<std::string> digest_algorithms{"MD5"};
  // Admission control: new requests get 503 + Retry-After while datagrams wait longer than
  // this in the receive queue (0 turns it off).
  std::chrono::milliseconds overload_queue_delay{100};
  std::uint32_t overload_retry_after = 2;
};

// [media]: the RTP relay that anchors every call's audio.
struct MediaSettings {
  bool anchor = true;  // false: SDP passes through and audio flows between the phones
  std::string bind_address = "0.0.0.0";
  std::string advertised_address;  // the address in our SDP; empty: the SIP listen address
  std::uint16_t port_min = 20000;
  std::uint16_t port_max = 30000;
  unsigned threads = 0;  // 0: one per core
};

// [[trunks]]: connections to telephone providers (docs/trunks.md).
struct TrunkSettings {
  std::string name;
  std::string host;  // IP address or host name (resolved at start-up)
  std::uint16_t port = 5060;
  sip::TransportKind transport = sip::TransportKind::udp;
  std::string domain;  // default: host
  std::string username;
  std::string password;
  std::string caller_id;  // E.164
  pbx::TrunkNumberFormat number_format = pbx::TrunkNumberFormat::e164;
  std::vector<pbx::TrunkSource> inbound;  // empty: the address the host resolves to, any port
  std::vector<std::string> dids;          // E.164
  bool register_with_provider = false;
  std::uint32_t register_expires = 300;
};

// [http]: the web server (links to voicemails now; the web app and REST API).
struct HttpServerSettings {
  bool enabled = true;
  IpEndpoint listen = *IpEndpoint::parse("0.0.0.0:8080", 8080);
  // The built web app (index.html and assets); default: web/dist of the source tree this
  // binary was built from.
  std::string web_root = DZVIN_WEB_ROOT;
};

// [smtp]: e-mail notifications (voicemail). No url: no e-mail is sent.
struct SmtpConfig {
  std::string url;  // smtp://host:port or smtps://host:465
  std::string from = "dzvin@localhost";
  std::string username;
  std::string password;
  bool require_tls = false;  // STARTTLS required
  std::chrono::seconds timeout{30};
  std::chrono::seconds first_retry{60};
  std::chrono::seconds max_retry{3600};
  int max_attempts = 8;
  std::uint32_t link_valid_days = 7;         // voicemail links in e-mails
  std::uint64_t attach_max_bytes = 1 << 20;  // audio larger than this is only linked
};

struct Config {
  std::string source;  // file name, for messages
  std::string data_dir = "/var/lib/dzvin";
  LogLevel log_level = LogLevel::info;
  SipSettings sip;
  MediaSettings media;
  std::string web_url = "http://127.0.0.1:8080/";
  std::optional<InitialCompany> company;
  // [routing]: schedules and schemes (docs/routing-schemes.md) as the JSON the store and the
  // web app use, converted from the TOML tables; empty when there is no [routing].
  std::string routing_json;
  // [routing.numbers]: dialled number or extension -> scheme name.
  // Numbers that read as phone numbers are normalised to E.164.
  std::vector<std::pair<std::string, std::string>> routing_numbers;
  std::vector<TrunkSettings> trunks;
  HttpServerSettings http;
  SmtpConfig smtp;
  // [crm]: the missed-call policy (docs/crm.md).
  crm::MissedCallSettings missed_calls;
  // [[webhooks]]: endpoints that get the company's events (docs/crm.md, "Webhooks").
  std::vector<notify::WebhookEndpoint> webhooks;
};

// Reads and validates a config file. Errors name the file and line: "dzvin.toml:12: unknown
// key 'lisen' in [sip]".
Result<Config> load_config_file(const std::string& path);
// The same from text (tests); `source` is the name used in messages.
Result<Config> parse_config(std::string_view text, const std::string& source);

// "udp:0.0.0.0:5060", "tcp:[::]:5060", or "0.0.0.0:5060" (UDP).
Result<ListenAddress> parse_listen_address(std::string_view text);

}  // namespace dzvin::app
