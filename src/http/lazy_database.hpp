#pragma once
// A route's own SQLite connection, opened on first use (the HTTP thread; the database was
// migrated at start). One statement at a time: the HTTP thread runs one handler at a time.
#include <string>

#include "base/result.hpp"
#include "store/database.hpp"

namespace dzvin::http {

class LazyDatabase {
 public:
  LazyDatabase(std::string path, bool read_only) : path_(std::move(path)), read_only_(read_only) {}

  // The connection, or the error of opening it (tried again on the next call).
  Result<store::Database*> get() {
    if (!db_.is_open()) {
      store::DatabaseOptions options;
      options.read_only = read_only_;
      auto opened = store::Database::open(path_, options);
      if (!opened) return opened.error();
      db_ = std::move(*opened);
    }
    return &db_;
  }

 private:
  std::string path_;
  bool read_only_;
  store::Database db_;
};

}  // namespace dzvin::http
