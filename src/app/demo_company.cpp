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

}  // namespace

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
    company.users.push_back({d.username, d.display_name, generate_password(12)});
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
