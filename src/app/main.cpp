// dzvin: the command line. Start-up failures and bad input end in one clear line on stderr.
#include <cstdio>
#include <ctime>
#include <exception>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "app/command_line.hpp"
#include "app/config.hpp"
#include "app/demo_company.hpp"
#include "app/server.hpp"
#include "base/clock.hpp"
#include "notify/mail_outbox.hpp"
#include "store/call_record_writer.hpp"
#include "store/database.hpp"
#include "store/registration_store.hpp"
#include "store/voicemail_list.hpp"

namespace {

using dzvin::app::CommandLine;

// The data directory's database, read-only, or nullopt after printing why.
std::optional<dzvin::store::Database> open_read_only(const std::string& data_dir) {
  const std::string path = data_dir + "/dzvin.db";
  if (!std::filesystem::exists(path)) {
    std::fprintf(stderr, "dzvin: no database at %s\n", path.c_str());
    return std::nullopt;
  }
  dzvin::store::DatabaseOptions options;
  options.read_only = true;
  auto db = dzvin::store::Database::open(path, options);
  if (!db) {
    std::fprintf(stderr, "dzvin: %s: %s\n", path.c_str(), db.error().message.c_str());
    return std::nullopt;
  }
  return std::move(*db);
}

std::string format_ms(std::int64_t unix_ms) {
  const std::time_t t = static_cast<std::time_t>(unix_ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S", &tm);
  char out[48];
  std::snprintf(out, sizeof out, "%s.%03lldZ", text, static_cast<long long>(unix_ms % 1000));
  return out;
}

int print_calls(const std::string& data_dir, std::size_t limit) {
  auto db = open_read_only(data_dir);
  if (!db) return 1;
  auto calls = dzvin::store::list_call_records(*db, limit);
  if (!calls) {
    std::fprintf(stderr, "dzvin: %s\n", calls.error().message.c_str());
    return 1;
  }
  for (const auto& c : *calls) {
    std::printf("%s  %s -> %s  %s%s%s  talk %.1f s  [%s]\n", format_ms(c.started_at_ms).c_str(),
                c.caller.c_str(), c.called.c_str(),
                c.outcome.empty() ? "in progress" : c.outcome.c_str(),
                c.answered_by.empty() ? "" : "  answered by ", c.answered_by.c_str(),
                static_cast<double>(c.talk_ms) / 1000.0, c.id.c_str());
    for (const auto& e : c.timeline) {
      std::printf("    +%7.3f s  %-8s %-24s %s%s\n",
                  static_cast<double>(e.at_ms - c.started_at_ms) / 1000.0, e.kind.c_str(),
                  e.target.c_str(), e.detail.c_str(),
                  e.sip_status != 0 ? (" (" + std::to_string(e.sip_status) + ")").c_str() : "");
    }
  }
  std::printf("%zu call%s%s\n", calls->size(), calls->size() == 1 ? "" : "s",
              calls->size() == limit ? " (the newest; --limit N shows more)" : "");
  return 0;
}

int print_voicemails(const std::string& data_dir, std::size_t limit) {
  auto db = open_read_only(data_dir);
  if (!db) return 1;
  auto list = dzvin::store::list_voicemails(*db, limit);
  if (!list) {
    std::fprintf(stderr, "dzvin: %s\n", list.error().message.c_str());
    return 1;
  }
  for (const auto& v : *list) {
    std::printf("%s  %-16s %s -> %s  %.1f s  %s%s  [%s]\n", format_ms(v.recorded_at_ms).c_str(),
                v.box.c_str(), v.caller.c_str(), v.called.c_str(),
                static_cast<double>(v.duration_ms) / 1000.0, v.path.c_str(),
                v.heard ? "" : "  (new)", v.call_id.c_str());
  }
  std::printf("%zu message%s\n", list->size(), list->size() == 1 ? "" : "s");
  return 0;
}

int print_emails(const std::string& data_dir, std::size_t limit) {
  auto db = open_read_only(data_dir);
  if (!db) return 1;
  auto list = dzvin::notify::list_email_deliveries(*db, limit);
  if (!list) {
    std::fprintf(stderr, "dzvin: %s\n", list.error().message.c_str());
    return 1;
  }
  for (const auto& d : *list) {
    std::printf("%s  %-10s %-8s %-32s attempts %d%s%s\n", format_ms(d.created_at_ms).c_str(),
                d.kind.c_str(), d.state.c_str(), d.recipient.c_str(), d.attempts,
                d.last_error.empty() ? "" : "  last error: ", d.last_error.c_str());
  }
  std::printf("%zu deliver%s\n", list->size(), list->size() == 1 ? "y" : "ies");
  return 0;
}

int print_registrations(const std::string& data_dir) {
  auto db = open_read_only(data_dir);
  if (!db) return 1;
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
    case Cmd::registrations:
    case Cmd::voicemails:
    case Cmd::emails:
    case Cmd::calls: {
      std::string data_dir = cl.data_dir;
      if (!cl.config_path.empty()) {
        auto cfg = dzvin::app::load_config_file(cl.config_path);
        if (!cfg) {
          std::fprintf(stderr, "%s\n", cfg.error().message.c_str());
          return 1;
        }
        data_dir = cfg->data_dir;
      }
      switch (cl.command) {
        case Cmd::calls:
          return print_calls(data_dir, cl.limit);
        case Cmd::voicemails:
          return print_voicemails(data_dir, cl.limit);
        case Cmd::emails:
          return print_emails(data_dir, cl.limit);
        default:
          return print_registrations(data_dir);
      }
    }
    case Cmd::serve: {
      auto cfg = dzvin::app::load_config_file(cl.config_path);
      if (!cfg) {
        std::fprintf(stderr, "%s\n", cfg.error().message.c_str());
        return 1;
      }
      if (cl.log_level) cfg->log_level = *cl.log_level;
      if (cl.http_listen) cfg->http.listen = *cl.http_listen;
      return dzvin::app::serve(*cfg, {});
    }
    case Cmd::demo: {
      dzvin::app::Config cfg;
      std::error_code ec;
      cfg.data_dir = std::filesystem::absolute(cl.data_dir, ec).lexically_normal().string();
      if (cl.log_level) cfg.log_level = *cl.log_level;
      if (cl.http_listen) {
        cfg.http.listen = *cl.http_listen;
        const std::string host = cl.http_listen->address.is_unspecified()
                                     ? std::string("127.0.0.1")
                                     : cl.http_listen->host_for_uri();
        cfg.web_url = "http://" + host + ":" + std::to_string(cl.http_listen->port) + "/";
      }
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
      for (const auto& l : cfg.sip.listen) {
        if (l.kind == dzvin::sip::TransportKind::udp) {
          dzvin::app::add_demo_telephony(cfg, l.endpoint);
          break;
        }
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
