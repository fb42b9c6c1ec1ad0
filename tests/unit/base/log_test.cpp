#include "base/log.hpp"

#include <gtest/gtest.h>

#include <string>

namespace dzvin {
namespace {

std::string g_captured;
void capture(std::string_view line) {
  g_captured += line;
}

class LogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    g_captured.clear();
    set_log_sink(&capture);
    saved_ = log_level();
  }
  void TearDown() override {
    set_log_sink(nullptr);
    set_log_level(saved_);
  }
  LogLevel saved_{};
};

TEST_F(LogTest, WritesLogfmtWithQuoting) {
  set_log_level(LogLevel::info);
  log(LogLevel::info, "sip.registered", {{"user", "1001"}, {"ua", "baresip 1.0 \"x\""}, {"n", 3}});
  EXPECT_NE(g_captured.find(
                " level=info event=sip.registered user=1001 ua=\"baresip 1.0 \\\"x\\\"\" n=3\n"),
            std::string::npos)
      << g_captured;
  EXPECT_TRUE(g_captured.starts_with("ts=")) << g_captured;
}

TEST_F(LogTest, FiltersByLevelAndEscapesControlBytes) {
  set_log_level(LogLevel::warn);
  log(LogLevel::info, "hidden");
  EXPECT_TRUE(g_captured.empty());
  log(LogLevel::error, "shown", {{"raw", std::string_view("a\r\nb\x01", 5)}});
  EXPECT_NE(g_captured.find("raw=\"a\\r\\nb\\x01\""), std::string::npos) << g_captured;
}

TEST_F(LogTest, ParsesLevels) {
  EXPECT_EQ(*parse_log_level("debug"), LogLevel::debug);
  EXPECT_FALSE(parse_log_level("verbose").ok());
}

}  // namespace
}  // namespace dzvin
