#pragma once
// Versioned schema migrations. Each migration is a numbered SQL script applied in its own
// transaction together with its row in schema_migrations(version, applied_at), so a crash
// leaves the schema at a whole version. A database whose version is newer than the binary
// knows is refused (an older binary must not write a newer schema).
//
// SQL is kept to what SQLite and PostgreSQL both accept (BIGINT, TEXT, INTEGER PRIMARY KEY
// becomes an identity column in the PostgreSQL dialect), so a PostgreSQL migration list can
// follow the same numbering.
#include <span>
#include <string_view>

#include "base/result.hpp"
#include "store/database.hpp"

namespace dzvin::store {

struct Migration {
  int version;
  std::string_view description;
  std::string_view sql;
};

// All migrations in order (versions 1..N).
std::span<const Migration> sqlite_migrations();
int latest_schema_version();

// The applied version, 0 for a fresh database.
Result<int> schema_version(Database& db);

// Applies every pending migration; returns the version reached. Running it again is a no-op.
// Fails with kTooNew for a database from a newer release.
Result<int> migrate(Database& db);

}  // namespace dzvin::store
