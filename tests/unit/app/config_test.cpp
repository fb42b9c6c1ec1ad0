#include "app/config.hpp"

#include <gtest/gtest.h>

#include "pbx/routing_document.hpp"

namespace dzvin::app {
namespace {

TEST(ConfigTest, EmptyFileGivesDefaults) {
  auto cfg = parse_config("", "x.toml");
  ASSERT_TRUE(cfg.ok()) << cfg.error().message;
  EXPECT_EQ(cfg->data_dir, "/var/lib/dzvin");
  EXPECT_EQ(cfg->log_level, LogLevel::info);
  ASSERT_EQ(cfg->sip.listen.size(), 2u);
  EXPECT_EQ(cfg->sip.listen[0].kind, sip::TransportKind::udp);
  EXPECT_EQ(cfg->sip.listen[1].kind, sip::TransportKind::tcp);
  EXPECT_EQ(cfg->sip.listen[0].endpoint.port, 5060);
  EXPECT_FALSE(cfg->company.has_value());
}

TEST(ConfigTest, FullFile) {
  auto cfg = parse_config(R"(
[server]
data_dir = "/tmp/d"
log_level = "debug"

[sip]
listen = ["udp:127.0.0.1:5070", "tcp:[::1]:5071"]
t1_ms = 250
min_expires = 30

[company]
name = "Acme"
sip_domain = "acme.example"

[[company.users]]
username = "1001"
display_name = "Olena"
password = "secret-1001"
)",
                          "x.toml");
  ASSERT_TRUE(cfg.ok()) << cfg.error().message;
  EXPECT_EQ(cfg->data_dir, "/tmp/d");
  EXPECT_EQ(cfg->log_level, LogLevel::debug);
  ASSERT_EQ(cfg->sip.listen.size(), 2u);
  EXPECT_EQ(cfg->sip.listen[1].kind, sip::TransportKind::tcp);
  EXPECT_TRUE(cfg->sip.listen[1].endpoint.address.v6);
  EXPECT_EQ(cfg->sip.listen[1].endpoint.port, 5071);
  EXPECT_EQ(cfg->sip.t1, std::chrono::milliseconds(250));
  EXPECT_EQ(cfg->sip.min_expires, 30u);
  ASSERT_TRUE(cfg->company.has_value());
  EXPECT_EQ(cfg->company->sip_domain, "acme.example");
  ASSERT_EQ(cfg->company->users.size(), 1u);
  EXPECT_EQ(cfg->company->users[0].display_name, "Olena");
}

TEST(ConfigTest, UnknownKeyNamesFileAndLine) {
  auto cfg = parse_config("[sip]\n\nlisen = [\"udp:0.0.0.0:5060\"]\n", "dzvin.toml");
  ASSERT_FALSE(cfg.ok());
  EXPECT_EQ(cfg.error().message, "dzvin.toml:3: unknown key 'lisen' in [sip]");
}

TEST(ConfigTest, SyntaxErrorNamesLine) {
  auto cfg = parse_config("[server]\ndata_dir = \n", "a.toml");
  ASSERT_FALSE(cfg.ok());
  EXPECT_TRUE(cfg.error().message.starts_with("a.toml:2: ")) << cfg.error().message;
}

TEST(ConfigTest, WrongTypeAndRange) {
  auto t = parse_config("[sip]\nt1_ms = \"fast\"\n", "a.toml");
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error().message, "a.toml:2: 't1_ms' must be an integer");
  auto r = parse_config("[sip]\nmin_expires = 0\n", "a.toml");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "a.toml:2: 'min_expires' must be between 1 and 86400, got 0");
}

TEST(ConfigTest, BadListenAddress) {
  auto cfg =
      parse_config("[sip]\nlisten = [\"udp:127.0.0.1:5060\",\n \"sctp:1.2.3.4:5\"]\n", "a.toml");
  ASSERT_FALSE(cfg.ok());
  EXPECT_TRUE(cfg.error().message.starts_with("a.toml:3: unknown transport"))
      << cfg.error().message;
  auto port = parse_config("[sip]\nlisten = [\"udp:127.0.0.1:99999\"]\n", "a.toml");
  ASSERT_FALSE(port.ok());
  EXPECT_NE(port.error().message.find("bad port"), std::string::npos) << port.error().message;
}

TEST(ConfigTest, BadLogLevel) {
  auto cfg = parse_config("[server]\nlog_level = \"loud\"\n", "a.toml");
  ASSERT_FALSE(cfg.ok());
  EXPECT_EQ(cfg.error().message,
            "a.toml:2: unknown log level 'loud' (expected trace, debug, info, warn, error or off)");
}

TEST(ConfigTest, CompanyUserChecks) {
  const char* base = "[company]\nname = \"A\"\nsip_domain = \"a.example\"\n";
  auto no_pass =
      parse_config(std::string(base) + "[[company.users]]\nusername = \"1001\"\n", "a.toml");
  ASSERT_FALSE(no_pass.ok());
  EXPECT_EQ(no_pass.error().message, "a.toml:4: a user needs a 'password'");
  auto short_pass = parse_config(
      std::string(base) + "[[company.users]]\nusername = \"1001\"\npassword = \"abc\"\n", "a.toml");
  ASSERT_FALSE(short_pass.ok());
  EXPECT_EQ(short_pass.error().message,
            "a.toml:6: password of '1001' is shorter than 8 characters");
  auto dup = parse_config(std::string(base) +
                              "[[company.users]]\nusername = \"1001\"\npassword = \"abcdefgh\"\n"
                              "[[company.users]]\nusername = \"1001\"\npassword = \"abcdefgh\"\n",
                          "a.toml");
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().message, "a.toml:8: duplicate username '1001'");
  auto bad_name = parse_config(
      std::string(base) + "[[company.users]]\nusername = \"a b\"\npassword = \"abcdefgh\"\n",
      "a.toml");
  ASSERT_FALSE(bad_name.ok());
  EXPECT_NE(bad_name.error().message.find("a.toml:5: 'username' must be"), std::string::npos)
      << bad_name.error().message;
}

TEST(ConfigTest, ParseListenAddress) {
  auto a = parse_listen_address("127.0.0.1:5080");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->kind, sip::TransportKind::udp);
  EXPECT_EQ(a->endpoint.port, 5080);
  auto b = parse_listen_address("tcp:[::]:5060");
  ASSERT_TRUE(b.ok()) << b.error().message;
  EXPECT_EQ(b->kind, sip::TransportKind::tcp);
  EXPECT_TRUE(b->endpoint.address.is_unspecified());
  EXPECT_FALSE(parse_listen_address("udp:localhost:5060").ok());
}

}  // namespace
}  // namespace dzvin::app

namespace dzvin::app {
namespace {

TEST(ConfigTest, DigestAlgorithms) {
  auto def = parse_config("", "a.toml");
  ASSERT_TRUE(def.ok());
  EXPECT_EQ(def->sip.digest_algorithms, (std::vector<std::string>{"MD5"}));
  auto sha = parse_config("[sip]\ndigest_algorithms = [\"SHA-256\", \"MD5\"]\n", "a.toml");
  ASSERT_TRUE(sha.ok()) << sha.error().message;
  EXPECT_EQ(sha->sip.digest_algorithms.front(), "SHA-256");
  auto bad = parse_config("[sip]\ndigest_algorithms = [\"MD5\", \"SHA-512\"]\n", "a.toml");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message,
            "a.toml:2: unknown digest algorithm 'SHA-512' (expected MD5 or SHA-256)");
  auto dup = parse_config("[sip]\ndigest_algorithms = [\"MD5\", \"MD5\"]\n", "a.toml");
  ASSERT_FALSE(dup.ok());
  auto empty = parse_config("[sip]\ndigest_algorithms = []\n", "a.toml");
  ASSERT_FALSE(empty.ok());
}

// TOML inline tables are one line each; arrays may span lines.
constexpr const char* kRouting = R"(
[routing.schedules.office]
time_zone = "Europe/Kyiv"
weekly = { mon = ["09:00-18:00"], fri = ["09:00-17:00"] }

[routing.schemes.sales]
steps = [
  { type = "when", schedule = "office", open = [ { type = "ring", targets = ["user:1001"], timeout = 20 } ], closed = [ { type = "voicemail", box = "sales" } ] },
]

[routing.numbers]
"500" = "sales"
"+380441234567" = "sales"
)";

TEST(ConfigTest, RoutingTablesBecomeTheRoutingDocument) {
  auto cfg = parse_config(kRouting, "x.toml");
  ASSERT_TRUE(cfg.ok()) << cfg.error().message;
  auto document = pbx::parse_routing_document(cfg->routing_json);
  ASSERT_TRUE(document.ok()) << document.error().message << "\n" << cfg->routing_json;
  ASSERT_EQ(document->schemes.size(), 1u);
  EXPECT_EQ(document->schemes[0].name, "sales");
  ASSERT_EQ(document->schedules.size(), 1u);
  EXPECT_EQ(document->schedules[0].name(), "office");
  ASSERT_EQ(cfg->routing_numbers.size(), 2u);
  EXPECT_EQ(cfg->routing_numbers[0].second, "sales");
}

TEST(ConfigTest, RoutingErrorsNameTheLineAndThePath) {
  auto unknown = parse_config(
      "[routing.schemes.a]\nsteps = [ { type = \"hangup\" } ]\n[routing.numbers]\n"
      "\"5\" = \"b\"\n",
      "x.toml");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().message,
            "x.toml:4: number '5' uses scheme 'b', which [routing.schemes] does not define");

  auto bad_step = parse_config(
      "[routing.schemes.a]\nsteps = [ { type = \"ring\", targets = [\"user:x\"], timeout = -1 } "
      "]\n",
      "x.toml");
  ASSERT_FALSE(bad_step.ok());
  EXPECT_NE(bad_step.error().message.find("schemes.a.steps[0].timeout"), std::string::npos)
      << bad_step.error().message;
  EXPECT_EQ(bad_step.error().message.rfind("x.toml:", 0), 0u) << bad_step.error().message;
}

TEST(ConfigTest, TrunksAreReadAndNumbersNormalised) {
  auto cfg = parse_config(R"(
[[trunks]]
name = "provider"
address = "sip.provider.example:5080"
username = "380441110000"
password = "trunk-pass"
caller_id = "044 111 00 00"
number_format = "national"
dids = ["044 111 00 00", "+380 44 111 00 01"]
inbound = ["203.0.113.0/24", "198.51.100.7:5060"]
register = true
register_expires = 120

[[trunks]]
name = "backup"
address = "192.0.2.50"
transport = "tcp"

[routing.schemes.main]
steps = [ { type = "forward", to = "number:050 111 22 33" } ]

[routing.numbers]
"044 111 00 00" = "main"
"500" = "main"
)",
                          "x.toml");
  ASSERT_TRUE(cfg.ok()) << cfg.error().message;
  ASSERT_EQ(cfg->trunks.size(), 2u);
  const TrunkSettings& t = cfg->trunks[0];
  EXPECT_EQ(t.name, "provider");
  EXPECT_EQ(t.host, "sip.provider.example");
  EXPECT_EQ(t.port, 5080);
  EXPECT_EQ(t.domain, "sip.provider.example");
  EXPECT_EQ(t.caller_id, "+380441110000");
  EXPECT_EQ(t.number_format, pbx::TrunkNumberFormat::national);
  EXPECT_EQ(t.dids, (std::vector<std::string>{"+380441110000", "+380441110001"}));
  ASSERT_EQ(t.inbound.size(), 2u);
  EXPECT_EQ(t.inbound[0].prefix_bits, 24u);
  EXPECT_EQ(t.inbound[1].port, 5060);
  EXPECT_TRUE(t.register_with_provider);
  EXPECT_EQ(t.register_expires, 120u);
  EXPECT_EQ(cfg->trunks[1].host, "192.0.2.50");
  EXPECT_EQ(cfg->trunks[1].port, 5060);
  EXPECT_EQ(cfg->trunks[1].transport, sip::TransportKind::tcp);
  ASSERT_EQ(cfg->routing_numbers.size(), 2u);
  EXPECT_EQ(cfg->routing_numbers[0].first, "+380441110000") << "a DID key is stored as E.164";
  EXPECT_EQ(cfg->routing_numbers[1].first, "500") << "an extension stays as written";
}

TEST(ConfigTest, TrunkErrorsNameTheLine) {
  const auto error = [](const std::string& text) {
    auto cfg = parse_config(text, "t.toml");
    return cfg.ok() ? std::string("ok") : cfg.error().message;
  };
  EXPECT_EQ(error("[[trunks]]\naddress = \"192.0.2.1\"\n"),
            "t.toml:1: a trunk needs a 'name' (1-64 characters)");
  EXPECT_EQ(error("[[trunks]]\nname = \"p\"\n"), "t.toml:1: trunk 'p' needs an 'address'");
  EXPECT_EQ(error("[[trunks]]\nname = \"p\"\naddress = \"bad host!\"\n"),
            "t.toml:3: 'address' of trunk 'p' must be HOST or HOST:PORT, got 'bad host!'");
  EXPECT_EQ(error("[[trunks]]\nname = \"p\"\naddress = \"h:99999\"\n"),
            "t.toml:3: bad port in 'address' of trunk 'p'");
  EXPECT_EQ(error("[[trunks]]\nname = \"p\"\naddress = \"h\"\ncaller_id = \"office\"\n"),
            "t.toml:4: 'caller_id' of trunk 'p' must be a phone number, got 'office'");
  EXPECT_EQ(error("[[trunks]]\nname = \"p\"\naddress = \"h\"\ndids = [\"12\"]\n"),
            "t.toml:4: 'dids' of trunk 'p': '12' is not a phone number");
  EXPECT_EQ(error("[[trunks]]\nname = \"p\"\naddress = \"h\"\ninbound = [\"h\"]\n")
                .rfind("t.toml:4: 'inbound' of trunk 'p': bad source address 'h' (expected IP, "
                       "IP:PORT or IP/PREFIX)",
                       0),
            0u);
  EXPECT_EQ(error("[[trunks]]\nname = \"p\"\naddress = \"h\"\nnumber_format = \"local\"\n"),
            "t.toml:4: 'number_format' of trunk 'p' must be \"e164\", \"e164_digits\" or "
            "\"national\"");
  EXPECT_EQ(error("[[trunks]]\nname = \"p\"\naddress = \"h\"\nregister = true\n"),
            "t.toml:1: trunk 'p' registers with the provider: it needs 'username' and "
            "'password'");
  EXPECT_EQ(error("[[trunks]]\nname = \"p\"\naddress = \"h\"\n[[trunks]]\nname = \"p\"\n"
                  "address = \"g\"\n"),
            "t.toml:4: duplicate trunk name 'p'");
  EXPECT_EQ(error("[[trunks]]\nname = \"p\"\naddress = \"h\"\nport = 5\n"),
            "t.toml:4: unknown key 'port' in [trunks]");
  EXPECT_EQ(error("trunks = 5\n"), "t.toml:1: 'trunks' must be an array of tables ([[trunks]])");
}

TEST(ConfigTest, PromptsAreCheckedAtConfigurationTime) {
  auto cfg = parse_config(R"([routing.prompts.hours]
text = "Наші робочі години з дев'ятої до шостої"
language = "uk"

[routing.schemes.s]
steps = [ { type = "play", prompt = "hours" } ]
)",
                          "p.toml");
  ASSERT_TRUE(cfg.ok()) << cfg.error().message;
  auto document = pbx::parse_routing_document(cfg->routing_json);
  ASSERT_TRUE(document.ok());
  ASSERT_EQ(document->prompts.size(), 1u);
  EXPECT_EQ(document->prompts[0].language, "uk");

  auto bad =
      parse_config("[routing.prompts.hours]\ntext = \"Hallo\"\nlanguage = \"de\"\n", "p.toml");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message,
            "p.toml:1: [routing] prompts.hours.language: unknown prompt language \"de\" (uk, ru, "
            "en)");
}

TEST(ConfigTest, HttpAndSmtpSections) {
  auto cfg = parse_config(R"(
[http]
listen = "127.0.0.1:8181"

[smtp]
url = "smtp://mail.example.ua:587"
from = "pbx@example.ua"
username = "pbx@example.ua"
password = "secret"
first_retry = 30
max_attempts = 3
link_valid_days = 14
attach_max_bytes = 0
)",
                          "x.toml");
  ASSERT_TRUE(cfg.ok()) << cfg.error().message;
  EXPECT_TRUE(cfg->http.enabled);
  EXPECT_EQ(cfg->http.listen.port, 8181);
  EXPECT_EQ(cfg->http.listen.address.to_string(), "127.0.0.1");
  EXPECT_EQ(cfg->smtp.url, "smtp://mail.example.ua:587");
  EXPECT_TRUE(cfg->smtp.require_tls) << "a password over smtp:// needs STARTTLS by default";
  EXPECT_EQ(cfg->smtp.first_retry, std::chrono::seconds(30));
  EXPECT_EQ(cfg->smtp.max_attempts, 3);
  EXPECT_EQ(cfg->smtp.link_valid_days, 14u);
  EXPECT_EQ(cfg->smtp.attach_max_bytes, 0u);

  auto defaults = parse_config("", "x.toml");
  ASSERT_TRUE(defaults.ok());
  EXPECT_TRUE(defaults->smtp.url.empty());
  EXPECT_FALSE(defaults->smtp.require_tls);
  EXPECT_EQ(defaults->http.listen.port, 8080);
}

TEST(ConfigTest, BadHttpAndSmtpValuesNameTheLine) {
  const std::pair<const char*, const char*> cases[] = {
      {"[http]\nlisten = \"nowhere\"\n", "x.toml:2: 'listen' must be ADDRESS:PORT"},
      {"[smtp]\nurl = \"http://mail\"\n", "x.toml:2: 'url' must start with smtp:// or smtps://"},
      {"[smtp]\nfrom = \"pbx\"\n", "x.toml:2: 'from' must be an e-mail address"},
      {"[smtp]\nmax_attempts = 0\n", "x.toml:2: 'max_attempts' must be between 1 and 100"},
      {"[smtp]\nport = 25\n", "x.toml:2: unknown key 'port' in [smtp]"},
  };
  for (const auto& [text, want] : cases) {
    auto cfg = parse_config(text, "x.toml");
    ASSERT_FALSE(cfg.ok()) << text;
    EXPECT_EQ(cfg.error().message.rfind(want, 0), 0u) << cfg.error().message;
  }
}

TEST(ConfigTest, VoicemailBoxesAndRecordingPolicyReachTheRoutingDocument) {
  auto cfg = parse_config(R"(
[routing.voicemail.accounting]
emails = ["acc@example.ua"]
max_length = 60

[routing.recording]
mode = "all"
users = { "1001" = "none" }
)",
                          "x.toml");
  ASSERT_TRUE(cfg.ok()) << cfg.error().message;
  auto document = pbx::parse_routing_document(cfg->routing_json);
  ASSERT_TRUE(document.ok()) << document.error().message;
  ASSERT_EQ(document->voicemail_boxes.size(), 1u);
  EXPECT_EQ(document->voicemail_boxes[0].max_length, std::chrono::seconds(60));
  EXPECT_EQ(document->recording.mode, pbx::RecordingMode::all);
  EXPECT_EQ(document->recording.users.at("1001"), pbx::RecordingMode::none);

  auto bad = parse_config("[routing.voicemail.x]\nmax_length = 2\n", "x.toml");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("voicemail.x.max_length: 2 is outside 5..3600 s"),
            std::string::npos)
      << bad.error().message;
}

TEST(ConfigTest, GroupsReachTheRoutingDocument) {
  auto cfg = parse_config(R"(
[routing.groups.sales]
description = "Sales"
members = ["1002", "1003"]
)",
                          "x.toml");
  ASSERT_TRUE(cfg.ok()) << cfg.error().message;
  auto document = pbx::parse_routing_document(cfg->routing_json);
  ASSERT_TRUE(document.ok()) << document.error().message;
  ASSERT_EQ(document->groups.size(), 1u);
  EXPECT_EQ(document->groups[0].members, (std::vector<std::string>{"1002", "1003"}));

  auto bad = parse_config("[routing.groups.sales]\nmembers = [\"1002\", \"1002\"]\n", "x.toml");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("groups.sales.members[1]: \"1002\" is listed twice"),
            std::string::npos)
      << bad.error().message;
}

}  // namespace
}  // namespace dzvin::app
