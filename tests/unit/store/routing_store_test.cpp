// The stored routing: round trip, the version moving on, and a stale editor refused.
#include "store/routing_store.hpp"

#include <gtest/gtest.h>

#include "store/migrations.hpp"
#include "temp_dir.hpp"

namespace dzvin::store {
namespace {

class RoutingStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = Database::open(dir.file("dzvin.db"));
    ASSERT_TRUE(opened);
    db = std::move(*opened);
    ASSERT_TRUE(migrate(db));
  }
  testing::TempDir dir;
  Database db;
};

TEST_F(RoutingStoreTest, NothingStoredIsVersionZero) {
  auto loaded = load_routing(db, 1);
  ASSERT_TRUE(loaded);
  EXPECT_FALSE(loaded->has_value());
}

TEST_F(RoutingStoreTest, SavesAndLoadsWithIncreasingVersions) {
  StoredRouting r{R"({"schemes":{}})", {{"+380441110000", "main"}, {"500", "sales"}}, 0};
  auto v1 = save_routing(db, 1, r, 0, 7, 1000);
  ASSERT_TRUE(v1) << v1.error().message;
  EXPECT_EQ(*v1, 1);
  auto loaded = load_routing(db, 1);
  ASSERT_TRUE(loaded && loaded->has_value());
  EXPECT_EQ((*loaded)->document, R"({"schemes":{}})");
  EXPECT_EQ((*loaded)->numbers, r.numbers);
  EXPECT_EQ((*loaded)->version, 1);
  auto v2 = save_routing(db, 1, r, 1, 7, 2000);
  ASSERT_TRUE(v2);
  EXPECT_EQ(*v2, 2);
  EXPECT_FALSE(load_routing(db, 2)->has_value()) << "another company has none";
}

TEST_F(RoutingStoreTest, AStaleVersionIsAConflictAndChangesNothing) {
  StoredRouting first{"{}", {{"500", "a"}}, 0};
  ASSERT_TRUE(save_routing(db, 1, first, 0, 7, 1000));
  ASSERT_TRUE(save_routing(db, 1, first, 1, 7, 2000));  // now version 2
  StoredRouting stale{"{}", {{"500", "b"}}, 0};
  auto refused = save_routing(db, 1, stale, 1, 8, 3000);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, kConflict);
  EXPECT_EQ(refused.error().message.rfind("version: ", 0), 0u);
  EXPECT_EQ((*load_routing(db, 1))->numbers, first.numbers);
  // The config file at start replaces whatever is there.
  auto forced = save_routing(db, 1, stale, std::nullopt, std::nullopt, 4000);
  ASSERT_TRUE(forced);
  EXPECT_EQ(*forced, 3);
  EXPECT_EQ((*load_routing(db, 1))->numbers, stale.numbers);
}

}  // namespace
}  // namespace dzvin::store
