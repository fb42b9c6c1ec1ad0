#include "store/migrations.hpp"

#include <gtest/gtest.h>

#include "store/database.hpp"
#include "temp_dir.hpp"

namespace dzvin::store {
namespace {

TEST(Database, OpensInWalModeWithForeignKeys) {
  testing::TempDir dir;
  auto db = Database::open(dir.file("a.db"));
  ASSERT_TRUE(db) << db.error().message;
  auto mode = db->prepare("PRAGMA journal_mode");
  ASSERT_TRUE(mode);
  ASSERT_TRUE(*mode->step());
  EXPECT_EQ(mode->column_text(0), "wal");
  auto fk = db->prepare("PRAGMA foreign_keys");
  ASSERT_TRUE(fk);
  ASSERT_TRUE(*fk->step());
  EXPECT_EQ(fk->column_int(0), 1);
}

TEST(Database, ErrorsCarrySqliteMessage) {
  testing::TempDir dir;
  auto db = Database::open(dir.file("a.db"));
  ASSERT_TRUE(db);
  auto bad = db->prepare("SELEKT 1");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("syntax error"), std::string::npos);
  auto missing = Database::open(dir.file("no/such/dir/x.db"));
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("no/such/dir"), std::string::npos);
}

TEST(Database, TransactionRollsBackUnlessCommitted) {
  testing::TempDir dir;
  auto db = Database::open(dir.file("a.db"));
  ASSERT_TRUE(db);
  ASSERT_TRUE(db->execute("CREATE TABLE t (x INTEGER)"));
  {
    auto tx = Transaction::begin(*db);
    ASSERT_TRUE(tx);
    ASSERT_TRUE(db->execute("INSERT INTO t VALUES (1)"));
  }
  {
    auto tx = Transaction::begin(*db);
    ASSERT_TRUE(tx);
    ASSERT_TRUE(db->execute("INSERT INTO t VALUES (2)"));
    ASSERT_TRUE(tx->commit());
  }
  auto s = db->prepare("SELECT group_concat(x) FROM t");
  ASSERT_TRUE(s);
  ASSERT_TRUE(*s->step());
  EXPECT_EQ(s->column_text(0), "2");
}

TEST(Migrations, FreshDatabaseReachesLatestAndIsIdempotent) {
  testing::TempDir dir;
  auto db = Database::open(dir.file("a.db"));
  ASSERT_TRUE(db);
  EXPECT_EQ(*schema_version(*db), 0);
  auto v = migrate(*db);
  ASSERT_TRUE(v) << v.error().message;
  EXPECT_EQ(*v, latest_schema_version());
  auto again = migrate(*db);
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(*again, latest_schema_version());
  auto rows = db->prepare("SELECT COUNT(*) FROM schema_migrations");
  ASSERT_TRUE(rows);
  ASSERT_TRUE(*rows->step());
  EXPECT_EQ(rows->column_int(0), latest_schema_version());
  // The tables of migration 1 exist.
  for (const char* table : {"tenants", "users", "registrations"}) {
    auto t = db->prepare(std::string("SELECT COUNT(*) FROM ") + table);
    EXPECT_TRUE(t) << table;
  }
}

TEST(Migrations, RefusesANewerDatabase) {
  testing::TempDir dir;
  auto db = Database::open(dir.file("a.db"));
  ASSERT_TRUE(db);
  ASSERT_TRUE(migrate(*db));
  ASSERT_TRUE(db->execute("INSERT INTO schema_migrations (version, applied_at) VALUES (999, 0)"));
  auto v = migrate(*db);
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().code, kTooNew);
  EXPECT_NE(v.error().message.find("999"), std::string::npos);
  EXPECT_EQ(*schema_version(*db), 999);
}

TEST(Migrations, SurvivesReopen) {
  testing::TempDir dir;
  {
    auto db = Database::open(dir.file("a.db"));
    ASSERT_TRUE(db);
    ASSERT_TRUE(migrate(*db));
  }
  auto db = Database::open(dir.file("a.db"));
  ASSERT_TRUE(db);
  EXPECT_EQ(*schema_version(*db), latest_schema_version());
}

}  // namespace
}  // namespace dzvin::store
