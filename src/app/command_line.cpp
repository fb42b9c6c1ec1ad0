#include "app/command_line.hpp"

#include <charconv>

namespace dzvin::app {

const char* usage_text() {
  return R"(usage: dzvin COMMAND [OPTIONS]

commands:
  serve --config FILE [--log-level LEVEL] [--http-listen HOST:PORT]
      Run the PBX with the settings in FILE (TOML, see docs/configuration.md).
  demo [--data-dir DIR] [--sip-port PORT] [--sip-listen ADDR]... [--http-listen HOST:PORT]
       [--log-level LEVEL]
      Create a demo company in DIR (default ./data/demo) on first start, print the softphone
      accounts and serve. ADDR is udp:HOST:PORT or tcp:HOST:PORT (default: UDP and TCP on
      0.0.0.0:5060, or PORT with --sip-port). The web server listens on 0.0.0.0:8080 unless
      --http-listen says otherwise.
  check-config FILE
      Validate a config file and exit (0 when valid).
  registrations (--config FILE | --data-dir DIR)
      List the phones registered now.
  calls (--config FILE | --data-dir DIR) [--limit N]
      List the last N (default 50) calls with their timelines (newest first).
  voicemails (--config FILE | --data-dir DIR) [--limit N]
      List the last N voicemail messages (box, caller, length, file).
  emails (--config FILE | --data-dir DIR) [--limit N]
      The e-mail delivery log: recipient, state (pending, sent, failed), attempts, last error.
  version
  help

LEVEL is trace, debug, info, warn, error or off.
)";
}

namespace {

Result<std::string> value_of(const std::vector<std::string>& args, std::size_t& i) {
  if (i + 1 >= args.size()) return make_error(2, "option " + args[i] + " needs a value");
  return args[++i];
}

}  // namespace

Result<CommandLine> parse_command_line(const std::vector<std::string>& args) {
  CommandLine cl;
  if (args.empty()) return cl;
  const std::string& cmd = args[0];
  if (cmd == "help" || cmd == "--help" || cmd == "-h") return cl;
  if (cmd == "version" || cmd == "--version") {
    cl.command = CommandLine::Command::version;
    return cl;
  }
  if (cmd == "serve") {
    cl.command = CommandLine::Command::serve;
  } else if (cmd == "demo") {
    cl.command = CommandLine::Command::demo;
    cl.data_dir = "data/demo";
  } else if (cmd == "check-config") {
    cl.command = CommandLine::Command::check_config;
  } else if (cmd == "registrations") {
    cl.command = CommandLine::Command::registrations;
  } else if (cmd == "calls") {
    cl.command = CommandLine::Command::calls;
  } else if (cmd == "voicemails") {
    cl.command = CommandLine::Command::voicemails;
  } else if (cmd == "emails") {
    cl.command = CommandLine::Command::emails;
  } else {
    return make_error(2, "unknown command '" + cmd + "' (try: dzvin help)");
  }
  // Commands that read the database of a data directory (or a config file's).
  const bool lists = cl.command == CommandLine::Command::registrations ||
                     cl.command == CommandLine::Command::calls ||
                     cl.command == CommandLine::Command::voicemails ||
                     cl.command == CommandLine::Command::emails;
  for (std::size_t i = 1; i < args.size(); ++i) {
    const std::string& a = args[i];
    const bool demo = cl.command == CommandLine::Command::demo;
    if (a == "--config" && !demo) {
      auto v = value_of(args, i);
      if (!v) return v.error();
      cl.config_path = *v;
    } else if (a == "--data-dir" && (demo || lists)) {
      auto v = value_of(args, i);
      if (!v) return v.error();
      cl.data_dir = *v;
    } else if (a == "--log-level" && cl.command != CommandLine::Command::check_config) {
      auto v = value_of(args, i);
      if (!v) return v.error();
      auto level = parse_log_level(*v);
      if (!level) return make_error(2, level.error().message);
      cl.log_level = *level;
    } else if (a == "--sip-listen" && demo) {
      auto v = value_of(args, i);
      if (!v) return v.error();
      auto addr = parse_listen_address(*v);
      if (!addr) return make_error(2, addr.error().message);
      cl.sip_listen.push_back(*addr);
    } else if (a == "--http-listen" && (demo || cl.command == CommandLine::Command::serve)) {
      auto v = value_of(args, i);
      if (!v) return v.error();
      auto endpoint = IpEndpoint::parse(*v, 8080);
      if (!endpoint) return make_error(2, "--http-listen needs HOST:PORT, got '" + *v + "'");
      cl.http_listen = *endpoint;
    } else if (a == "--sip-port" && demo) {
      auto v = value_of(args, i);
      if (!v) return v.error();
      unsigned port = 0;
      auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), port);
      if (ec != std::errc{} || p != v->data() + v->size() || port > 65535) {
        return make_error(2, "--sip-port needs a port number, got '" + *v + "'");
      }
      cl.sip_port = static_cast<std::uint16_t>(port);
    } else if (a == "--limit" && lists && cl.command != CommandLine::Command::registrations) {
      auto v = value_of(args, i);
      if (!v) return v.error();
      std::size_t limit = 0;
      auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), limit);
      if (ec != std::errc{} || p != v->data() + v->size() || limit == 0 || limit > 100'000) {
        return make_error(2, "--limit needs a number from 1 to 100000, got '" + *v + "'");
      }
      cl.limit = limit;
    } else if (cl.command == CommandLine::Command::check_config && cl.config_path.empty() &&
               !a.starts_with("-")) {
      cl.config_path = a;
    } else {
      return make_error(2, "unknown option '" + a + "' for " + cmd + " (try: dzvin help)");
    }
  }
  if ((cl.command == CommandLine::Command::serve ||
       cl.command == CommandLine::Command::check_config) &&
      cl.config_path.empty()) {
    return make_error(
        2, cmd + " needs a config file (" +
               (cl.command == CommandLine::Command::serve ? "--config FILE" : "FILE") + ")");
  }
  if (lists && cl.config_path.empty() && cl.data_dir.empty()) {
    return make_error(2, cmd + " needs --config FILE or --data-dir DIR");
  }
  return cl;
}

}  // namespace dzvin::app
