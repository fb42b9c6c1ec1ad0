#pragma once
// The `dzvin` command line: serve, demo, check-config, registrations, calls, voicemails, emails,
// version, help.
#include <optional>
#include <string>
#include <vector>

#include "app/config.hpp"
#include "base/result.hpp"

namespace dzvin::app {

struct CommandLine {
  enum class Command {
    help,
    version,
    serve,
    demo,
    check_config,
    registrations,
    calls,
    voicemails,
    emails
  };
  Command command = Command::help;
  std::string config_path;                // serve, check-config, registrations, calls
  std::string data_dir;                   // demo, registrations, calls
  std::optional<LogLevel> log_level;      // overrides the config file
  std::vector<ListenAddress> sip_listen;  // demo: --sip-listen (repeatable)
  std::optional<std::uint16_t> sip_port;  // demo: --sip-port
  std::optional<IpEndpoint> http_listen;  // serve, demo: --http-listen (over [http] listen)
  std::size_t limit = 50;                 // calls, voicemails, emails: --limit (newest first)
};

Result<CommandLine> parse_command_line(const std::vector<std::string>& args);
const char* usage_text();

}  // namespace dzvin::app
