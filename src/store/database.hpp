#pragma once
// A thin RAII wrapper over one SQLite connection. Errors are Results carrying SQLite's
// message and the statement or file they concern. SQLite's header stays out of this header.
// A Database and its Statements belong to one thread at a time.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

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

// A statement of Database::cached(): the same methods as Statement; when the lease ends the
// statement is reset (its read finished, bindings cleared) and stays compiled for the next.
class StatementLease {
 public:
  explicit StatementLease(Statement* statement) : statement_(statement) {}
  // A statement of its own (the cache was full): finalized when the lease ends.
  explicit StatementLease(Statement&& owned)
      : owned_(std::make_unique<Statement>(std::move(owned))), statement_(owned_.get()) {}
  ~StatementLease() {
    if (statement_ != nullptr) statement_->reset();
  }
  StatementLease(StatementLease&& o) noexcept
      : owned_(std::move(o.owned_)), statement_(std::exchange(o.statement_, nullptr)) {}
  StatementLease& operator=(StatementLease&&) = delete;
  StatementLease(const StatementLease&) = delete;
  StatementLease& operator=(const StatementLease&) = delete;

  StatementLease& bind(int index, std::int64_t value) {
    statement_->bind(index, value);
    return *this;
  }
  StatementLease& bind(int index, std::string_view text) {
    statement_->bind(index, text);
    return *this;
  }
  StatementLease& bind_null(int index) {
    statement_->bind_null(index);
    return *this;
  }
  // NULL when empty.
  StatementLease& bind_optional(int index, const std::optional<std::int64_t>& value) {
    return value ? bind(index, *value) : bind_null(index);
  }
  StatementLease& bind_optional(int index, const std::optional<std::string>& value) {
    return value ? bind(index, std::string_view(*value)) : bind_null(index);
  }
  Result<bool> step() { return statement_->step(); }
  Result<void> run() { return statement_->run(); }
  void reset() { statement_->reset(); }
  std::int64_t column_int(int index) const { return statement_->column_int(index); }
  std::string column_text(int index) const { return statement_->column_text(index); }
  bool column_is_null(int index) const { return statement_->column_is_null(index); }
  Statement& statement() { return *statement_; }

 private:
  std::unique_ptr<Statement> owned_;
  Statement* statement_;
};

class Database {
 public:
  // Opens (creating when absent, unless read_only) with WAL journal, synchronous=NORMAL,
  // foreign_keys=ON, a busy timeout and the SQL function casefold(text): Unicode simple case
  // folding (base/text_fold.hpp) for case-insensitive search beyond ASCII, where lower() is
  // ASCII only.
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
  // The statement for `sql`, compiled on first use and kept with the connection (for queries
  // run on every request). One lease per SQL text at a time. Past kMaxCachedStatements
  // distinct texts a statement is compiled for the lease alone.
  static constexpr std::size_t kMaxCachedStatements = 256;
  Result<StatementLease> cached(std::string_view sql);
  // Runs one or more statements without results (schema, pragmas).
  Result<void> execute(std::string_view sql);

  Result<void> begin();  // BEGIN IMMEDIATE: take the write lock up front
  Result<void> commit();
  void rollback() noexcept;
  // Between begin() and commit() or rollback().
  bool in_transaction() const;

  std::int64_t last_insert_id() const;
  int changes() const;

 private:
  sqlite3* db_ = nullptr;
  std::string path_;
  // Finalized before the connection closes (declared after db_: destroyed first).
  std::map<std::string, Statement, std::less<>> cached_;
};

// Commits on commit(), rolls back when destroyed without it. One begun while the connection
// is already in a transaction is a savepoint of it (SAVEPOINT, RELEASE, ROLLBACK TO): rolled
// back, it undoes only its own changes; committed, it leaves them to the outer transaction,
// which commits or rolls back everything (an import writes row after row with the store's
// own writes, each of which may fail alone, and a dry run rolls the whole import back).
class Transaction {
 public:
  static Result<Transaction> begin(Database& db);
  ~Transaction();
  Transaction(Transaction&& o) noexcept : db_(o.db_), nested_(o.nested_) { o.db_ = nullptr; }
  Transaction& operator=(Transaction&&) = delete;
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  Result<void> commit();

 private:
  Transaction(Database* db, bool nested) : db_(db), nested_(nested) {}
  void roll_back() noexcept;
  Database* db_ = nullptr;
  bool nested_ = false;
};

}  // namespace dzvin::store
