#include "store/database.hpp"

#include <sqlite3.h>

#include <array>
#include <utility>

#include "base/text_fold.hpp"

namespace dzvin::store {

namespace {

Error sqlite_error(sqlite3* db, int rc, std::string_view context) {
  std::string message(context);
  message += ": ";
  message += db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  const int primary = rc & 0xff;
  const bool unique = rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY;
  return make_error(unique ? kConflict : (primary == SQLITE_CONSTRAINT ? kInvalid : kDatabaseError),
                    std::move(message));
}

// SQL casefold(text): base/text_fold.hpp's fold_case, for case-insensitive search in any
// script (SQLite's lower() folds ASCII only). NULL stays NULL; numbers fold as their text.
void sql_casefold(sqlite3_context* context, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
    sqlite3_result_null(context);
    return;
  }
  const auto* text = reinterpret_cast<const char*>(sqlite3_value_text(argv[0]));
  if (text == nullptr) {  // a value that is not NULL has no text only when memory ran out
    sqlite3_result_error_nomem(context);
    return;
  }
  const auto size = static_cast<std::size_t>(sqlite3_value_bytes(argv[0]));
  // Names and search terms fit the stack; SQLite copies the result into the row's value,
  // whose buffer it reuses from row to row. Longer text gets a buffer SQLite takes over.
  std::array<char, 512> small;
  if (size <= small.size()) {
    const std::size_t n = fold_case({text, size}, small.data());
    sqlite3_result_text64(context, small.data(), n, SQLITE_TRANSIENT, SQLITE_UTF8);
    return;
  }
  auto* large = static_cast<char*>(sqlite3_malloc64(size));
  if (large == nullptr) {
    sqlite3_result_error_nomem(context);
    return;
  }
  const std::size_t n = fold_case({text, size}, large);
  sqlite3_result_text64(context, large, n, sqlite3_free, SQLITE_UTF8);
}

// The functions of ours every connection has. SQLITE_DETERMINISTIC: usable in indexes and
// computed once for constant arguments; SQLITE_INNOCUOUS (3.31+): allowed in views and
// triggers under trusted_schema=OFF.
int add_functions(sqlite3* db) {
#ifdef SQLITE_INNOCUOUS
  constexpr int kInnocuous = SQLITE_INNOCUOUS;
#else
  constexpr int kInnocuous = 0;
#endif
  return sqlite3_create_function_v2(db, "casefold", 1,
                                    SQLITE_UTF8 | SQLITE_DETERMINISTIC | kInnocuous, nullptr,
                                    sql_casefold, nullptr, nullptr, nullptr);
}

}  // namespace

Statement::~Statement() {
  sqlite3_finalize(stmt_);
}

Statement::Statement(Statement&& o) noexcept
    : stmt_(std::exchange(o.stmt_, nullptr)),
      db_(std::exchange(o.db_, nullptr)),
      bind_error_(std::move(o.bind_error_)),
      bind_failed_(o.bind_failed_) {}

Statement& Statement::operator=(Statement&& o) noexcept {
  if (this != &o) {
    sqlite3_finalize(stmt_);
    stmt_ = std::exchange(o.stmt_, nullptr);
    db_ = std::exchange(o.db_, nullptr);
    bind_error_ = std::move(o.bind_error_);
    bind_failed_ = o.bind_failed_;
  }
  return *this;
}

Statement& Statement::bind(int index, std::int64_t value) {
  const int rc = sqlite3_bind_int64(stmt_, index, value);
  if (rc != SQLITE_OK && !bind_failed_) {
    bind_failed_ = true;
    bind_error_ = sqlite_error(db_, rc, "bind");
  }
  return *this;
}

Statement& Statement::bind(int index, std::string_view text) {
  // A default string_view has no data: SQLite would bind NULL, and `?1 = ''` would be false.
  const char* data = text.data() != nullptr ? text.data() : "";
  const int rc =
      sqlite3_bind_text64(stmt_, index, data, text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  if (rc != SQLITE_OK && !bind_failed_) {
    bind_failed_ = true;
    bind_error_ = sqlite_error(db_, rc, "bind");
  }
  return *this;
}

Statement& Statement::bind_null(int index) {
  const int rc = sqlite3_bind_null(stmt_, index);
  if (rc != SQLITE_OK && !bind_failed_) {
    bind_failed_ = true;
    bind_error_ = sqlite_error(db_, rc, "bind");
  }
  return *this;
}

Result<bool> Statement::step() {
  if (bind_failed_) return bind_error_;
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  // sqlite3_step returns the extended code since 3.7.x with extended codes enabled.
  return sqlite_error(db_, sqlite3_extended_errcode(db_), sqlite3_sql(stmt_));
}

Result<void> Statement::run() {
  for (;;) {
    auto r = step();
    if (!r) return r.error();
    if (!*r) return {};
  }
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  bind_failed_ = false;
}

std::int64_t Statement::column_int(int index) const {
  return sqlite3_column_int64(stmt_, index);
}

std::string Statement::column_text(int index) const {
  const auto* text = sqlite3_column_text(stmt_, index);
  if (text == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(text),
                     static_cast<std::size_t>(sqlite3_column_bytes(stmt_, index)));
}

bool Statement::column_is_null(int index) const {
  return sqlite3_column_type(stmt_, index) == SQLITE_NULL;
}

Result<Database> Database::open(const std::string& path, DatabaseOptions options) {
  sqlite3* raw = nullptr;
  const int flags =
      (options.read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) |
      SQLITE_OPEN_NOMUTEX;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  Database db;
  db.db_ = raw;  // closed by the destructor even when open failed
  db.path_ = path;
  if (rc != SQLITE_OK) return sqlite_error(raw, rc, "cannot open database " + path);
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, options.busy_timeout_ms);
  if (const int added = add_functions(raw); added != SQLITE_OK)
    return sqlite_error(raw, added, "cannot add SQL functions to " + path);
  // WAL lets readers (the CLI, the HTTP thread) proceed while the writer commits; NORMAL sync
  // is durable across application crashes and loses at most the last commits on power loss.
  const char* pragmas =
      options.read_only
          ? "PRAGMA foreign_keys=ON;"
          : "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;";
  if (auto r = db.execute(pragmas); !r)
    return make_error(r.error().code, path + ": " + r.error().message);
  return db;
}

Database::~Database() {
  cached_.clear();
  sqlite3_close_v2(db_);
}

Database::Database(Database&& o) noexcept
    : db_(std::exchange(o.db_, nullptr)),
      path_(std::move(o.path_)),
      cached_(std::move(o.cached_)) {}

Database& Database::operator=(Database&& o) noexcept {
  if (this != &o) {
    cached_.clear();
    sqlite3_close_v2(db_);
    db_ = std::exchange(o.db_, nullptr);
    path_ = std::move(o.path_);
    cached_ = std::move(o.cached_);
  }
  return *this;
}

Result<StatementLease> Database::cached(std::string_view sql) {
  auto it = cached_.find(sql);
  if (it == cached_.end()) {
    auto compiled = prepare(sql);
    if (!compiled) return compiled.error();
    if (cached_.size() >= kMaxCachedStatements) return StatementLease(std::move(*compiled));
    it = cached_.emplace(std::string(sql), std::move(*compiled)).first;
  }
  return StatementLease(&it->second);
}

Result<Statement> Database::prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  const int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
  if (rc != SQLITE_OK)
    return sqlite_error(db_, rc, "prepare \"" + std::string(sql.substr(0, 80)) + "\"");
  return Statement(stmt, db_);
}

Result<void> Database::execute(std::string_view sql) {
  const std::string text(sql);
  char* message = nullptr;
  const int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &message);
  if (rc != SQLITE_OK) {
    std::string what = message != nullptr ? message : sqlite3_errstr(rc);
    sqlite3_free(message);
    return make_error(kDatabaseError, "execute \"" + text.substr(0, 80) + "\": " + what);
  }
  return {};
}

Result<void> Database::begin() {
  return execute("BEGIN IMMEDIATE");
}
Result<void> Database::commit() {
  return execute("COMMIT");
}
void Database::rollback() noexcept {
  if (db_ != nullptr && sqlite3_get_autocommit(db_) == 0)
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
}

std::int64_t Database::last_insert_id() const {
  return sqlite3_last_insert_rowid(db_);
}
int Database::changes() const {
  return sqlite3_changes(db_);
}

bool Database::in_transaction() const {
  return db_ != nullptr && sqlite3_get_autocommit(db_) == 0;
}

namespace {
// Savepoints nest under one name: RELEASE and ROLLBACK TO act on the innermost of that name.
constexpr std::string_view kSavepoint = "SAVEPOINT dzvin_nested";
constexpr std::string_view kRelease = "RELEASE dzvin_nested";
constexpr std::string_view kRollBackTo = "ROLLBACK TO dzvin_nested; RELEASE dzvin_nested";
}  // namespace

Result<Transaction> Transaction::begin(Database& db) {
  if (db.in_transaction()) {
    if (auto r = db.execute(kSavepoint); !r) return r.error();
    return Transaction(&db, true);
  }
  if (auto r = db.begin(); !r) return r.error();
  return Transaction(&db, false);
}

void Transaction::roll_back() noexcept {
  if (!nested_) {
    db_->rollback();
    return;
  }
  // ROLLBACK TO undoes the savepoint's changes and keeps it open; RELEASE then ends it. When
  // the outer transaction is gone already (SQLite rolled it back on an error), neither runs.
  if (!db_->in_transaction()) return;
  (void)db_->execute(kRollBackTo);
}

Transaction::~Transaction() {
  if (db_ != nullptr) roll_back();
}

Result<void> Transaction::commit() {
  if (db_ == nullptr) return make_error(kDatabaseError, "commit: the transaction has ended");
  auto r = nested_ ? db_->execute(kRelease) : db_->commit();
  if (!r) roll_back();
  db_ = nullptr;
  return r;
}

}  // namespace dzvin::store
