// The connection's statement cache: statements compiled once, reset when their lease ends so a
// connection never keeps an old snapshot, and a bounded number of them.
#include "store/database.hpp"

#include <gtest/gtest.h>

#include <string>

#include "temp_dir.hpp"

namespace dzvin::store {
namespace {

class DatabaseCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = dir_.file("cache.db");
    auto opened = Database::open(path_);
    ASSERT_TRUE(opened);
    db_ = std::move(*opened);
    ASSERT_TRUE(
        db_.execute("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT);"
                    "INSERT INTO t VALUES (1, 'one'), (2, 'two'), (3, 'three');"));
  }

  std::string value_of(Database& db, std::int64_t key) {
    auto lease = db.cached("SELECT v FROM t WHERE k = ?1");
    EXPECT_TRUE(lease);
    if (!lease) return "error";
    lease->bind(1, key);
    auto row = lease->step();
    return row && *row ? lease->column_text(0) : "none";
  }

  testing::TempDir dir_;
  std::string path_;
  Database db_;
};

TEST_F(DatabaseCacheTest, ALeaseIsResetWithFreshBindingsEachTime) {
  EXPECT_EQ(value_of(db_, 2), "two");
  EXPECT_EQ(value_of(db_, 3), "three");
  EXPECT_EQ(value_of(db_, 9), "none");
  // Stopped after the first of several rows: the next lease starts from the beginning.
  {
    auto all = db_.cached("SELECT v FROM t ORDER BY k");
    ASSERT_TRUE(all);
    ASSERT_TRUE(*all->step());
    EXPECT_EQ(all->column_text(0), "one");
  }
  auto again = db_.cached("SELECT v FROM t ORDER BY k");
  ASSERT_TRUE(again);
  ASSERT_TRUE(*again->step());
  EXPECT_EQ(again->column_text(0), "one");
}

TEST_F(DatabaseCacheTest, AFinishedLeaseSeesAnotherConnectionsWrites) {
  {
    // Read one row of two and stop: without the reset, this connection would keep its
    // snapshot (WAL) and never see the change below.
    auto partial = db_.cached("SELECT v FROM t ORDER BY k");
    ASSERT_TRUE(partial);
    ASSERT_TRUE(*partial->step());
  }
  auto writer = Database::open(path_);
  ASSERT_TRUE(writer);
  ASSERT_TRUE(writer->execute("UPDATE t SET v = 'uno' WHERE k = 1"));
  EXPECT_EQ(value_of(db_, 1), "uno");
}

TEST_F(DatabaseCacheTest, ManyDistinctStatementsStillWork) {
  for (std::size_t i = 0; i < Database::kMaxCachedStatements + 20; ++i) {
    auto lease = db_.cached("SELECT " + std::to_string(i) + " + k FROM t WHERE k = 1");
    ASSERT_TRUE(lease) << i;
    ASSERT_TRUE(*lease->step());
    EXPECT_EQ(lease->column_int(0), static_cast<std::int64_t>(i) + 1);
  }
  EXPECT_EQ(value_of(db_, 1), "one");
}

TEST_F(DatabaseCacheTest, BadSqlIsAnError) {
  auto lease = db_.cached("SELECT nothing FROM nowhere");
  EXPECT_FALSE(lease);
}

TEST_F(DatabaseCacheTest, AMovedConnectionKeepsItsStatements) {
  EXPECT_EQ(value_of(db_, 2), "two");
  Database moved = std::move(db_);
  EXPECT_EQ(value_of(moved, 2), "two");
}

}  // namespace
}  // namespace dzvin::store
