#include "base/result.hpp"

#include <gtest/gtest.h>

#include <memory>

namespace dzvin {
namespace {

Result<int> half(int x) {
  if (x % 2 != 0) return make_error(400, "odd: " + std::to_string(x));
  return x / 2;
}

TEST(ResultTest, ValueAndError) {
  auto a = half(10);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(*a, 5);
  auto b = half(3);
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.error().code, 400);
  EXPECT_EQ(b.error().message, "odd: 3");
}

TEST(ResultTest, MoveOnlyValue) {
  Result<std::unique_ptr<int>> r = std::make_unique<int>(7);
  ASSERT_TRUE(r);
  std::unique_ptr<int> p = std::move(r).value();
  EXPECT_EQ(*p, 7);
}

TEST(ResultTest, Void) {
  Result<void> ok;
  EXPECT_TRUE(ok.ok());
  Result<void> bad = make_error(1, "x");
  EXPECT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message, "x");
}

}  // namespace
}  // namespace dzvin
