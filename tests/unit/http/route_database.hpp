#pragma once
// A migrated SQLite file in a temporary folder: the base of the route tests' fixtures, which
// seed it with their companies and users and hand `path_` to the routes.
#include <gtest/gtest.h>

#include <string>

#include "store/database.hpp"
#include "store/migrations.hpp"
#include "temp_dir.hpp"

namespace dzvin::http::testing {

class RouteDatabaseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = dir_.file("dzvin.db");
    auto opened = store::Database::open(path_);
    ASSERT_TRUE(opened) << opened.error().message;
    db_ = std::move(*opened);
    auto migrated = store::migrate(db_);
    ASSERT_TRUE(migrated) << migrated.error().message;
  }

  TempDir dir_;
  std::string path_;
  store::Database db_;
};

}  // namespace dzvin::http::testing
