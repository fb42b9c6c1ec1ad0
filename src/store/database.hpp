#pragma once
// A thin RAII wrapper over one SQLite connection. Errors are Results carrying SQLite's
// message and the statement or file they concern. SQLite's header stays out of this header.
// A Database and its Statements belong to one thread at a time.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace dzvin::store {

// Error codes of store Results (Error::code).
enum StoreError : int {
  kDatabaseError = 1,  // SQLite failed; the message says why
  kNotFound = 2,
  kConflict = 3,  // a UNIQUE constraint (duplicate tenant domain, username)
  kInvalid = 4,   // bad input (empty name, bad characters)
  kTooNew = 5,    // database schema newer than this binary
};

class Database;

class Statement {
 public:
  Statement() = default;
  ~Statement();
  Statement(Statement&& o) noexcept;
  Statement& operator=(Statement&& o) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Parameters are 1-based, as in SQL "?1". Text is copied by SQLite (SQLITE_TRANSIENT).
  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, std::string_view text);
  Statement& bind_null(int index);

  // true: a row is available; false: done. Errors come back as Error.
  Result<bool> step();
  // Runs to completion (INSERT/UPDATE/DELETE).
  Result<void> run();
  // Resets for another execution with new bindings (keeps the compiled statement).
  void reset();

  std::int64_t column_int(int index) const;
  std::string column_text(int index) const;
  bool column_is_null(int index) const;

 private:
  friend class Database;
  Statement(sqlite3_stmt* stmt, sqlite3* db) : stmt_(stmt), db_(db) {}
  sqlite3_stmt* stmt_ = nullptr;
  sqlite3* db_ = nullptr;
  Error bind_error_;
  bool bind_failed_ = false;
};

struct DatabaseOptions {
  int busy_timeout_ms = 5000;
  bool read_only = false;
};

class Database {
 public:
  // Opens (creating when absent, unless read_only) with WAL journal, synchronous=NORMAL,
  // foreign_keys=ON and a busy timeout.
  static Result<Database> open(const std::string& path, DatabaseOptions options = {});

  Database() = default;
  ~Database();
  Database(Database&& o) noexcept;
  Database& operator=(Database&& o) noexcept;
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  bool is_open() const { return db_ != nullptr; }
  const std::string& path() const { return path_; }

  Result<Statement> prepare(std::string_view sql);
  // Runs one or more statements without results (schema, pragmas).
  Result<void> execute(std::string_view sql);

  Result<void> begin();  // BEGIN IMMEDIATE: take the write lock up front
  Result<void> commit();
  void rollback() noexcept;

  std::int64_t last_insert_id() const;
  int changes() const;

 private:
  sqlite3* db_ = nullptr;
  std::string path_;
};

// Commits on commit(), rolls back when destroyed without it.
class Transaction {
 public:
  static Result<Transaction> begin(Database& db);
  ~Transaction();
  Transaction(Transaction&& o) noexcept : db_(o.db_) { o.db_ = nullptr; }
  Transaction& operator=(Transaction&&) = delete;
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  Result<void> commit();

 private:
  explicit Transaction(Database* db) : db_(db) {}
  Database* db_ = nullptr;
};

}  // namespace dzvin::store
