#include "app/demo_company.hpp"
#include "pbx/routing_document.hpp"

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <algorithm>

#include <filesystem>
#include <fstream>
#include <set>

namespace dzvin::app {
namespace {

class DemoCompanyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("dzvin-demo-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
};

TEST_F(DemoCompanyTest, CreatesThenReusesCredentials) {
  auto first = load_or_create_demo_company(dir_.string() + "/data");
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ(first->sip_domain, kDemoSipDomain);
  ASSERT_EQ(first->users.size(), 3u);
  std::set<std::string> passwords;
  for (const auto& u : first->users) {
    EXPECT_EQ(u.password.size(), 12u);
    passwords.insert(u.password);
  }
  EXPECT_EQ(passwords.size(), 3u) << "generated passwords must differ";

  const auto file = dir_ / "data" / "demo-credentials.txt";
  struct stat st {};
  ASSERT_EQ(::stat(file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  auto second = load_or_create_demo_company(dir_.string() + "/data");
  ASSERT_TRUE(second.ok());
  ASSERT_EQ(second->users.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(second->users[i].username, first->users[i].username);
    EXPECT_EQ(second->users[i].password, first->users[i].password);
    EXPECT_EQ(second->users[i].display_name, first->users[i].display_name);
  }
}

TEST_F(DemoCompanyTest, BrokenCredentialsFileNamesTheLine) {
  std::filesystem::create_directories(dir_);
  std::ofstream(dir_ / "demo-credentials.txt") << "# comment\n1001 short\n";
  auto r = load_or_create_demo_company(dir_.string());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("demo-credentials.txt:2:"), std::string::npos)
      << r.error().message;
}

TEST(GeneratePasswordTest, LengthAndAlphabet) {
  const auto p = generate_password(32);
  EXPECT_EQ(p.size(), 32u);
  for (char c : p)
    EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c))) << c;
  EXPECT_NE(generate_password(32), p);
}

TEST(DemoTelephonyTest, LoopbackTrunkWithTheCompanyNumberAndItsScheme) {
  Config cfg;
  add_demo_telephony(cfg, IpEndpoint::parse("0.0.0.0:5070", 5060).value());
  ASSERT_EQ(cfg.trunks.size(), 1u);
  const TrunkSettings& trunk = cfg.trunks[0];
  EXPECT_EQ(trunk.host, "127.0.0.1") << "a wildcard listen address loops back over 127.0.0.1";
  EXPECT_EQ(trunk.port, 5070);
  ASSERT_EQ(trunk.inbound.size(), 1u);
  EXPECT_TRUE(trunk.inbound[0].matches(IpEndpoint::parse("127.0.0.1:5070", 0).value()));
  EXPECT_FALSE(trunk.inbound[0].matches(IpEndpoint::parse("127.0.0.1:5071", 0).value()))
      << "phones on the same host are not the trunk";
  auto document = pbx::parse_routing_document(cfg.routing_json);
  ASSERT_TRUE(document.ok()) << document.error().message;
  for (const auto& [number, scheme] : cfg.routing_numbers) {
    EXPECT_NE(std::find(trunk.dids.begin(), trunk.dids.end(), number), trunk.dids.end()) << number;
    EXPECT_TRUE(std::any_of(document->schemes.begin(), document->schemes.end(),
                            [&](const pbx::RoutingScheme& s) { return s.name == scheme; }))
        << scheme;
  }
  EXPECT_EQ(cfg.routing_numbers.front(),
            (std::pair<std::string, std::string>{"+380441110000", "main-line"}));

  Config random_port;
  add_demo_telephony(random_port, IpEndpoint::parse("0.0.0.0:0", 0).value());
  EXPECT_TRUE(random_port.trunks.empty()) << "no loop back to a port not known yet";
}

}  // namespace
}  // namespace dzvin::app
