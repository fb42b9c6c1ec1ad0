#include "app/command_line.hpp"

#include <gtest/gtest.h>

namespace dzvin::app {
namespace {

using Cmd = CommandLine::Command;

TEST(CommandLineTest, NoArgumentsIsHelp) {
  auto cl = parse_command_line({});
  ASSERT_TRUE(cl.ok());
  EXPECT_EQ(cl->command, Cmd::help);
}

TEST(CommandLineTest, Serve) {
  auto cl = parse_command_line({"serve", "--config", "/etc/dzvin.toml", "--log-level", "debug"});
  ASSERT_TRUE(cl.ok()) << cl.error().message;
  EXPECT_EQ(cl->command, Cmd::serve);
  EXPECT_EQ(cl->config_path, "/etc/dzvin.toml");
  EXPECT_EQ(cl->log_level, LogLevel::debug);
}

TEST(CommandLineTest, ServeNeedsConfig) {
  auto cl = parse_command_line({"serve"});
  ASSERT_FALSE(cl.ok());
  EXPECT_EQ(cl.error().code, 2);
  EXPECT_EQ(cl.error().message, "serve needs a config file (--config FILE)");
}

TEST(CommandLineTest, DemoDefaultsAndOptions) {
  auto d = parse_command_line({"demo"});
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->data_dir, "data/demo");
  EXPECT_TRUE(d->sip_listen.empty());
  auto cl = parse_command_line({"demo", "--data-dir", "/tmp/x", "--sip-listen", "tcp:[::1]:5070",
                                "--sip-listen", "udp:127.0.0.1:0", "--sip-port", "5080"});
  ASSERT_TRUE(cl.ok()) << cl.error().message;
  EXPECT_EQ(cl->data_dir, "/tmp/x");
  ASSERT_EQ(cl->sip_listen.size(), 2u);
  EXPECT_EQ(cl->sip_listen[0].kind, sip::TransportKind::tcp);
  EXPECT_EQ(cl->sip_listen[1].endpoint.port, 0);
  EXPECT_EQ(cl->sip_port, 5080);
}

TEST(CommandLineTest, Errors) {
  auto unknown = parse_command_line({"frobnicate"});
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().message, "unknown command 'frobnicate' (try: dzvin help)");
  auto opt = parse_command_line({"demo", "--config", "x"});
  ASSERT_FALSE(opt.ok());
  EXPECT_EQ(opt.error().message, "unknown option '--config' for demo (try: dzvin help)");
  auto missing = parse_command_line({"demo", "--data-dir"});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().message, "option --data-dir needs a value");
  auto port = parse_command_line({"demo", "--sip-port", "70000"});
  ASSERT_FALSE(port.ok());
  EXPECT_EQ(port.error().message, "--sip-port needs a port number, got '70000'");
  auto level = parse_command_line({"serve", "--config", "x", "--log-level", "chatty"});
  ASSERT_FALSE(level.ok());
  auto regs = parse_command_line({"registrations"});
  ASSERT_FALSE(regs.ok());
}

TEST(CommandLineTest, CallsLimit) {
  auto cl = parse_command_line({"calls", "--data-dir", "d"});
  ASSERT_TRUE(cl.ok());
  EXPECT_EQ(cl->limit, 50u);
  cl = parse_command_line({"calls", "--data-dir", "d", "--limit", "500"});
  ASSERT_TRUE(cl.ok());
  EXPECT_EQ(cl->limit, 500u);
  for (const char* bad : {"0", "x", "-1", "1000001"}) {
    auto r = parse_command_line({"calls", "--data-dir", "d", "--limit", bad});
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_NE(r.error().message.find("--limit needs a number"), std::string::npos);
  }
  EXPECT_FALSE(parse_command_line({"registrations", "--data-dir", "d", "--limit", "5"}).ok());
}

TEST(CommandLineTest, CheckConfigTakesAPath) {
  auto cl = parse_command_line({"check-config", "a.toml"});
  ASSERT_TRUE(cl.ok());
  EXPECT_EQ(cl->command, Cmd::check_config);
  EXPECT_EQ(cl->config_path, "a.toml");
}

TEST(CommandLineTest, HttpListenAndTheNewListings) {
  auto demo = parse_command_line({"demo", "--http-listen", "127.0.0.1:8181"});
  ASSERT_TRUE(demo.ok()) << demo.error().message;
  ASSERT_TRUE(demo->http_listen.has_value());
  EXPECT_EQ(demo->http_listen->port, 8181);
  auto bad = parse_command_line({"serve", "--config", "x.toml", "--http-listen", "here"});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message, "--http-listen needs HOST:PORT, got 'here'");
  EXPECT_FALSE(parse_command_line({"calls", "--data-dir", "d", "--http-listen", "1.2.3.4:1"}));

  auto voicemails = parse_command_line({"voicemails", "--data-dir", "d", "--limit", "5"});
  ASSERT_TRUE(voicemails.ok()) << voicemails.error().message;
  EXPECT_EQ(voicemails->command, Cmd::voicemails);
  EXPECT_EQ(voicemails->limit, 5u);
  auto emails = parse_command_line({"emails", "--config", "x.toml"});
  ASSERT_TRUE(emails.ok());
  EXPECT_EQ(emails->command, Cmd::emails);
  auto missing = parse_command_line({"emails"});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().message, "emails needs --config FILE or --data-dir DIR");
  EXPECT_FALSE(parse_command_line({"registrations", "--data-dir", "d", "--limit", "5"}));
}

}  // namespace
}  // namespace dzvin::app
