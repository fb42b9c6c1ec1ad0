#pragma once
// A migrated SQLite file with two companies and their users, for the CRM's store tests.
//   tenant 1 (pbx.test):   1002 manager (id 1), 1001 admin (id 2), 1003 manager (id 3),
//                          1004 head (id 4)
//   tenant 2 (other.test): 2001 admin (id 5), 2002 manager (id 6)
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "base/clock.hpp"
#include "store/database.hpp"
#include "store/migrations.hpp"
#include "temp_dir.hpp"

namespace dzvin::crm::testing {

// Friday 2027-01-15T08:00:00Z (10:00 in Kyiv).
inline constexpr std::int64_t kStartSeconds = 1'800'000'000;
inline constexpr std::int64_t kStartMs = kStartSeconds * 1000;

class CrmDatabaseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = dir_.file("dzvin.db");
    auto opened = store::Database::open(path_);
    ASSERT_TRUE(opened) << opened.error().message;
    db_ = std::move(*opened);
    auto migrated = store::migrate(db_);
    ASSERT_TRUE(migrated) << migrated.error().message;
    ASSERT_TRUE(db_.execute(
        "INSERT INTO tenants (id, name, sip_domain, created_at) VALUES (1, 'A', 'pbx.test', 1), "
        "(2, 'B', 'other.test', 1);"
        "INSERT INTO users (id, tenant_id, username, display_name, ha1_md5, ha1_sha256, "
        "created_at, role) VALUES "
        "(1, 1, '1002', 'Anna', 'x', 'y', 1, 'manager'),"
        "(2, 1, '1001', 'Boss', 'x', 'y', 1, 'admin'),"
        "(3, 1, '1003', 'Olena', 'x', 'y', 1, 'manager'),"
        "(4, 1, '1004', 'Head', 'x', 'y', 1, 'head'),"
        "(5, 2, '2001', 'Admin B', 'x', 'y', 1, 'admin'),"
        "(6, 2, '2002', 'Manager B', 'x', 'y', 1, 'manager');"));
  }

  // Rows of a one-column query, as text.
  std::vector<std::string> column(const std::string& sql) {
    std::vector<std::string> out;
    auto s = db_.prepare(sql);
    EXPECT_TRUE(s) << (s ? "" : s.error().message);
    if (!s) return out;
    for (;;) {
      auto row = s->step();
      EXPECT_TRUE(row);
      if (!row || !*row) break;
      out.push_back(s->column_text(0));
    }
    return out;
  }

  TempDir dir_;
  std::string path_;
  store::Database db_;
  // FakeClock's steady time starts at 1h, and its wall time with it: wall_now() is kStartMs.
  FakeClock clock_{WallTime{std::chrono::seconds{kStartSeconds}} - std::chrono::hours{1}};
};

}  // namespace dzvin::crm::testing
