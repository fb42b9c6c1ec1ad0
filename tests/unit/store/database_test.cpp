// The connection's statement cache: statements compiled once, reset when their lease ends so a
// connection never keeps an old snapshot, and a bounded number of them. The SQL function
// casefold() every connection has; transactions begun inside transactions (savepoints).
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

// One value of one row, as text ("<null>" for NULL).
std::string scalar(Database& db, const std::string& sql) {
  auto s = db.prepare(sql);
  EXPECT_TRUE(s) << (s ? "" : s.error().message);
  if (!s) return "<error>";
  auto row = s->step();
  EXPECT_TRUE(row && *row) << sql;
  if (!row || !*row) return "<no row>";
  return s->column_is_null(0) ? "<null>" : s->column_text(0);
}

TEST_F(DatabaseCacheTest, CasefoldFoldsCyrillicWhereLowerDoesNot) {
  EXPECT_EQ(scalar(db_, "SELECT lower('ОЛЕНА Koval')"), "ОЛЕНА koval");
  EXPECT_EQ(scalar(db_, "SELECT casefold('ОЛЕНА Koval Їжак')"), "олена koval їжак");
  EXPECT_EQ(scalar(db_, "SELECT casefold(NULL)"), "<null>");
  EXPECT_EQ(scalar(db_, "SELECT casefold(42)"), "42");
  EXPECT_EQ(scalar(db_, "SELECT casefold('')"), "");
  // Longer than the function's stack buffer.
  std::string long_name;
  std::string long_folded;
  for (int i = 0; i < 400; ++i) {
    long_name += "ЖA";
    long_folded += "жa";
  }
  EXPECT_EQ(scalar(db_, "SELECT casefold('" + long_name + "')"), long_folded);
  EXPECT_EQ(scalar(db_, "SELECT instr(casefold('Олена Коваль'), casefold('КОВАЛЬ')) > 0"), "1");
}

TEST_F(DatabaseCacheTest, EveryConnectionHasCasefoldReadOnlyOnesToo) {
  DatabaseOptions read_only;
  read_only.read_only = true;
  auto reader = Database::open(path_, read_only);
  ASSERT_TRUE(reader);
  EXPECT_EQ(scalar(*reader, "SELECT casefold(v) FROM t WHERE k = 1"), "one");
  EXPECT_EQ(scalar(*reader, "SELECT casefold('ҐАНОК')"), "ґанок");
}

TEST_F(DatabaseCacheTest, CasefoldCanBeIndexed) {
  // Deterministic: allowed in an index on an expression.
  ASSERT_TRUE(db_.execute("CREATE INDEX t_folded ON t (casefold(v))"));
  ASSERT_TRUE(db_.execute("INSERT INTO t VALUES (4, 'ЧОТИРИ')"));
  EXPECT_EQ(scalar(db_, "SELECT k FROM t WHERE casefold(v) = 'чотири'"), "4");
}

TEST_F(DatabaseCacheTest, ATransactionInATransactionIsASavepoint) {
  auto outer = Transaction::begin(db_);
  ASSERT_TRUE(outer);
  EXPECT_TRUE(db_.in_transaction());
  ASSERT_TRUE(db_.execute("INSERT INTO t VALUES (10, 'kept')"));
  {
    auto inner = Transaction::begin(db_);
    ASSERT_TRUE(inner) << inner.error().message;
    ASSERT_TRUE(db_.execute("INSERT INTO t VALUES (11, 'undone')"));
  }  // not committed: only its own row goes
  EXPECT_TRUE(db_.in_transaction());
  {
    auto inner = Transaction::begin(db_);
    ASSERT_TRUE(inner);
    ASSERT_TRUE(db_.execute("INSERT INTO t VALUES (12, 'released')"));
    ASSERT_TRUE(inner->commit());
  }
  EXPECT_EQ(scalar(db_, "SELECT group_concat(k) FROM t WHERE k >= 10"), "10,12");
  ASSERT_TRUE(outer->commit());
  EXPECT_FALSE(db_.in_transaction());
  EXPECT_EQ(scalar(db_, "SELECT group_concat(k) FROM t WHERE k >= 10"), "10,12");
}

TEST_F(DatabaseCacheTest, RollingBackTheOuterTransactionUndoesCommittedSavepoints) {
  {
    auto outer = Transaction::begin(db_);
    ASSERT_TRUE(outer);
    auto inner = Transaction::begin(db_);
    ASSERT_TRUE(inner);
    ASSERT_TRUE(db_.execute("INSERT INTO t VALUES (20, 'gone')"));
    ASSERT_TRUE(inner->commit());
  }  // the outer one rolls back
  EXPECT_FALSE(db_.in_transaction());
  EXPECT_EQ(scalar(db_, "SELECT count(*) FROM t WHERE k = 20"), "0");
  // A plain transaction again afterwards.
  auto again = Transaction::begin(db_);
  ASSERT_TRUE(again);
  ASSERT_TRUE(db_.execute("INSERT INTO t VALUES (21, 'here')"));
  ASSERT_TRUE(again->commit());
  EXPECT_EQ(scalar(db_, "SELECT count(*) FROM t WHERE k = 21"), "1");
}

}  // namespace
}  // namespace dzvin::store
