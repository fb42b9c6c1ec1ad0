#include "app/demo_company.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

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

}  // namespace
}  // namespace dzvin::app
