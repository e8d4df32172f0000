// Versioned schema migrations for the SQLite backend.
//
// The applied versions are rows of schema_migrations(version, applied_at). Migrations are applied
// in version order, each in its own IMMEDIATE transaction together with its schema_migrations row,
// so a crash leaves the database at a whole version. Versions are never edited once released:
// a change to the schema is a new migration at the end of the list.
#pragma once

#include <span>

#include "common/result.h"
#include "store/sqlite/connection.h"

namespace omniline::store::sqlite {

struct Migration {
  int version;
  const char* sql;  // constant DDL, possibly several statements
};

// Every migration this binary knows, in increasing version order.
std::span<const Migration> migrations();

// The version of the last migration in migrations().
int latest_schema_version();

// Applies the pending migrations on `conn` (a writer connection, outside any transaction) and
// returns the resulting version. Fails with kInternal, applying nothing, when the database is at a
// version newer than this binary knows (downgrade protection).
Result<int> apply_migrations(Connection& conn);

}  // namespace omniline::store::sqlite
