// dzvin: the command line. Start-up failures and bad input end in one clear line on stderr.
#include <cstdio>
#include <exception>
#include <filesystem>
#include <string>
#include <vector>

#include "app/command_line.hpp"
#include "app/config.hpp"
#include "app/demo_company.hpp"
#include "app/server.hpp"
#include "base/clock.hpp"
#include "store/database.hpp"
#include "store/registration_store.hpp"

namespace {

using dzvin::app::CommandLine;

int print_registrations(const std::string& data_dir) {
  const std::string path = data_dir + "/dzvin.db";
  if (!std::filesystem::exists(path)) {
    std::fprintf(stderr, "dzvin: no database at %s\n", path.c_str());
    return 1;
  }
  dzvin::store::DatabaseOptions options;
  options.read_only = true;
  auto db = dzvin::store::Database::open(path, options);
  if (!db) {
    std::fprintf(stderr, "dzvin: %s: %s\n", path.c_str(), db.error().message.c_str());
    return 1;
  }
  const auto now = std::chrono::system_clock::now();
  auto list = dzvin::store::list_registrations(*db, now);
  if (!list) {
    std::fprintf(stderr, "dzvin: %s\n", list.error().message.c_str());
    return 1;
  }
  std::printf("%-32s %-48s %-28s %8s  %s\n", "ADDRESS-OF-RECORD", "CONTACT", "SOURCE", "EXPIRES",
              "USER-AGENT");
  for (const auto& b : *list) {
    const auto left = std::chrono::duration_cast<std::chrono::seconds>(b.expires_at - now).count();
    std::printf("%-32s %-48s %-28s %7llds  %s\n", b.aor.c_str(), b.contact.c_str(),
                dzvin::store::format_source(b.source).c_str(), static_cast<long long>(left),
                b.user_agent.c_str());
  }
  std::printf("%zu registration%s\n", list->size(), list->size() == 1 ? "" : "s");
  return 0;
}

int run(const CommandLine& cl) {
  using Cmd = CommandLine::Command;
  switch (cl.command) {
    case Cmd::help:
      std::fputs(dzvin::app::usage_text(), stdout);
      return 0;
    case Cmd::version:
      std::printf("dzvin %s\n", DZVIN_VERSION);
      return 0;
    case Cmd::check_config: {
      auto cfg = dzvin::app::load_config_file(cl.config_path);
      if (!cfg) {
        std::fprintf(stderr, "%s\n", cfg.error().message.c_str());
        return 1;
      }
      std::printf("%s: ok\n", cl.config_path.c_str());
      return 0;
    }
    case Cmd::registrations: {
      std::string data_dir = cl.data_dir;
      if (!cl.config_path.empty()) {
        auto cfg = dzvin::app::load_config_file(cl.config_path);
        if (!cfg) {
          std::fprintf(stderr, "%s\n", cfg.error().message.c_str());
          return 1;
        }
        data_dir = cfg->data_dir;
      }
      return print_registrations(data_dir);
    }
    case Cmd::serve: {
      auto cfg = dzvin::app::load_config_file(cl.config_path);
      if (!cfg) {
        std::fprintf(stderr, "%s\n", cfg.error().message.c_str());
        return 1;
      }
      if (cl.log_level) cfg->log_level = *cl.log_level;
      return dzvin::app::serve(*cfg, {});
    }
    case Cmd::demo: {
      dzvin::app::Config cfg;
      std::error_code ec;
      cfg.data_dir = std::filesystem::absolute(cl.data_dir, ec).lexically_normal().string();
      if (cl.log_level) cfg.log_level = *cl.log_level;
      cfg.sip.listen = cl.sip_listen;
      if (cfg.sip.listen.empty()) {
        const std::uint16_t port = cl.sip_port.value_or(5060);
        const auto any = *dzvin::IpEndpoint::parse("0.0.0.0", port);
        cfg.sip.listen = {{dzvin::sip::TransportKind::udp, any},
                          {dzvin::sip::TransportKind::tcp, any}};
      }
      auto company = dzvin::app::load_or_create_demo_company(cfg.data_dir);
      if (!company) {
        std::fprintf(stderr, "dzvin: %s\n", company.error().message.c_str());
        return 1;
      }
      dzvin::app::ServeOptions options;
      options.demo = &*company;
      return dzvin::app::serve(cfg, options);
    }
  }
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  auto cl = dzvin::app::parse_command_line(args);
  if (!cl) {
    std::fprintf(stderr, "dzvin: %s\n", cl.error().message.c_str());
    return 2;
  }
  try {
    return run(*cl);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "dzvin: error: %s\n", e.what());
    return 1;
  }
}
