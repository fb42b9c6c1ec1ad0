#include "app/demo_company.hpp"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

namespace dzvin::app {

namespace {

struct DemoUser {
  const char* username;
  const char* display_name;
};
constexpr DemoUser kDemoUsers[] = {
    {"1001", "Duty manager"},
    {"1002", "Sales manager"},
    {"1003", "Secretary"},
};

// The routing document of the demo (docs/routing-schemes.md).
constexpr const char* kDemoRouting = R"({
  "prompts": {
    "hours": {"text": "Вітаємо! Зараз ми не працюємо. Наші робочі години: з понеділка по п'ятницю, з дев'ятої до шостої.",
              "language": "uk"},
    "choice": {"text": "Якщо у вас термінове питання, натисніть один. Щоб залишити повідомлення бухгалтерії, натисніть два: ми передзвонимо наступного робочого дня до десятої ранку.",
               "language": "uk"},
    "again": {"text": "Такого варіанту немає.", "language": "uk"},
    "accounting": {"text": "Ви зателефонували до бухгалтерії. Залиште, будь ласка, повідомлення після сигналу, і ми передзвонимо вам наступного робочого дня до десятої ранку.",
                   "language": "uk"}
  },
  "voicemail": {
    "accounting": {"greeting": "accounting", "emails": ["accounting@demo.dzvin.local"],
                   "max_length": 120, "silence": 5, "min_length": 1}
  },
  "recording": {"mode": "on_demand", "retention_days": 90},
  "schedules": {
    "office": {
      "time_zone": "Europe/Kyiv",
      "weekly": {"mon": ["09:00-18:00"], "tue": ["09:00-18:00"], "wed": ["09:00-18:00"],
                 "thu": ["09:00-18:00"], "fri": ["09:00-18:00"]}
    }
  },
  "schemes": {
    "main-line": {
      "description": "Duty manager 20 s, then two mobiles at once; after hours the hours and a menu",
      "steps": [{"type": "when", "schedule": "office",
        "open": [
          {"type": "ring", "targets": ["user:1001"], "timeout": 20},
          {"type": "ring", "targets": ["number:+380501110002", "number:+380501110003"],
           "strategy": "simultaneous", "timeout": 30},
          {"type": "voicemail", "box": "1001"}],
        "closed": [
          {"type": "play", "prompt": "hours"},
          {"type": "menu", "prompt": "choice", "invalid_prompt": "again", "options": {
            "1": [{"type": "ring", "targets": ["user:1001", "user:1002"],
                   "strategy": "simultaneous", "timeout": 30}],
            "2": [{"type": "voicemail", "box": "accounting"}]}},
          {"type": "voicemail", "box": "accounting"}]}]
    },
    "mobile-1002": {"description": "The Sales manager's mobile",
                    "steps": [{"type": "ring", "targets": ["user:1002"], "timeout": 60}]},
    "mobile-1003": {"description": "The Secretary's mobile",
                    "steps": [{"type": "ring", "targets": ["user:1003"], "timeout": 60}]}
  }
})";

}  // namespace

void add_demo_telephony(Config& config, const IpEndpoint& udp_listen) {
  IpEndpoint self = udp_listen;
  if (self.port == 0) return;  // a port picked at random: nothing to loop back to
  if (self.address.is_unspecified()) {
    self.address = self.address.v6 ? *IpAddress::parse("::1") : IpAddress::v4_loopback();
  }
  TrunkSettings trunk;
  trunk.name = "loopback";
  trunk.host = self.address.to_string();
  trunk.port = self.port;
  trunk.domain = "loopback.dzvin.local";
  trunk.caller_id = "+380441110000";
  trunk.inbound.push_back(pbx::TrunkSource{self.address, 0, self.port});
  trunk.dids = {"+380441110000", "+380501110002", "+380501110003"};
  config.trunks.push_back(std::move(trunk));
  config.routing_json = kDemoRouting;
  config.routing_numbers = {{"+380441110000", "main-line"},
                            {"+380501110002", "mobile-1002"},
                            {"+380501110003", "mobile-1003"}};
}

std::string generate_password(std::size_t length) {
  static constexpr char kAlphabet[] =
      "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";  // no 0/O, 1/l/I
  std::random_device rd("/dev/urandom");
  std::uniform_int_distribution<std::size_t> pick(0, sizeof(kAlphabet) - 2);
  std::string out;
  out.reserve(length);
  for (std::size_t i = 0; i < length; ++i)
    out += kAlphabet[pick(rd)];
  return out;
}

Result<InitialCompany> load_or_create_demo_company(const std::string& data_dir) {
  std::error_code ec;
  std::filesystem::create_directories(data_dir, ec);
  if (ec) return make_error(0, "cannot create data directory " + data_dir + ": " + ec.message());
  const std::string path = data_dir + "/demo-credentials.txt";

  InitialCompany company{kDemoCompanyName, kDemoSipDomain, {}};
  std::ifstream in(path);
  if (in) {
    // Format: one "username password display name" per line; '#' starts a comment.
    std::string line;
    int line_no = 0;
    while (std::getline(in, line)) {
      ++line_no;
      if (line.empty() || line[0] == '#') continue;
      std::istringstream fields(line);
      InitialUser u;
      fields >> u.username >> u.password;
      std::getline(fields >> std::ws, u.display_name);
      if (u.username.empty() || u.password.size() < 8) {
        return make_error(0, path + ":" + std::to_string(line_no) +
                                 ": expected 'username password display name'");
      }
      company.users.push_back(std::move(u));
    }
    if (!company.users.empty()) return company;
  }

  for (const auto& d : kDemoUsers) {
    company.users.push_back({d.username, d.display_name, generate_password(12), "", "manager", ""});
  }
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    if (!out) return make_error(0, "cannot write " + tmp);
    ::chmod(tmp.c_str(), 0600);
    out << "# Demo softphone accounts of `dzvin demo` (demo only: delete to regenerate).\n";
    for (const auto& u : company.users) {
      out << u.username << ' ' << u.password << ' ' << u.display_name << '\n';
    }
    if (!out.flush()) return make_error(0, "cannot write " + tmp);
  }
  std::filesystem::rename(tmp, path, ec);
  if (ec) return make_error(0, "cannot write " + path + ": " + ec.message());
  return company;
}

}  // namespace dzvin::app
