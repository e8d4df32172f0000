#include "store/sqlite/migrations.h"

#include <array>
#include <string>

#include "common/clock.h"

namespace omniline::store::sqlite {
namespace {

constexpr std::array kMigrations{
    Migration{1, R"sql(
CREATE TABLE employees (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  email TEXT NOT NULL UNIQUE,
  role TEXT NOT NULL CHECK (role IN ('admin', 'supervisor', 'operator')),
  avatar_url TEXT NOT NULL DEFAULT '',
  active INTEGER NOT NULL DEFAULT 1,
  password_hash TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE TABLE auth_tokens (
  id INTEGER PRIMARY KEY,
  employee_id INTEGER NOT NULL REFERENCES employees(id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (kind IN ('session', 'personal')),
  name TEXT NOT NULL DEFAULT '',
  token_hash BLOB NOT NULL UNIQUE,
  created_at INTEGER NOT NULL,
  expires_at INTEGER,
  last_used_at INTEGER,
  revoked_at INTEGER
);
CREATE INDEX auth_tokens_employee_kind ON auth_tokens (employee_id, kind);
)sql"},
};

Error too_new(int version) {
  return Error::internal("database schema version " + std::to_string(version) +
                         " is newer than this binary supports (" +
                         std::to_string(latest_schema_version()) +
                         "); refusing to open it with an older omniline");
}

Result<int> current_version(Connection& conn) {
  auto st = conn.prepare("SELECT coalesce(max(version), 0) FROM schema_migrations");
  if (!st.ok()) return std::move(st).take_error();
  auto row = st->step();
  if (!row.ok()) return std::move(row).take_error();
  return static_cast<int>(st->column_int(0));
}

// Applies `m` if the database is still below its version; returns the version afterwards.
Result<int> apply_one(Connection& conn, const Migration& m) {
  // IMMEDIATE: two processes migrating the same file serialise here instead of both applying.
  if (Status st = conn.exec("BEGIN IMMEDIATE"); !st.ok()) return std::move(st).take_error();
  auto fail = [&conn](Error e) -> Result<int> {
    (void)conn.exec("ROLLBACK");
    return e;
  };
  auto version = current_version(conn);
  if (!version.ok()) return fail(version.error());
  if (*version > latest_schema_version()) {
    return fail(too_new(*version));
  }
  if (*version >= m.version) {  // another process applied it meanwhile
    (void)conn.exec("ROLLBACK");
    return *version;
  }
  if (Status st = conn.exec(m.sql); !st.ok()) {
    return fail(Error::internal("migration " + std::to_string(m.version) +
                                " failed: " + st.error().message));
  }
  auto insert = conn.prepare("INSERT INTO schema_migrations (version, applied_at) VALUES (?1, ?2)");
  if (!insert.ok()) return fail(insert.error());
  insert->bind(1, std::int64_t{m.version}).bind(2, now_ms());
  if (Status st = insert->run(); !st.ok()) return fail(st.error());
  if (Status st = conn.exec("COMMIT"); !st.ok()) return fail(st.error());
  return m.version;
}

}  // namespace

std::span<const Migration> migrations() {
  return kMigrations;
}

int latest_schema_version() {
  return kMigrations.back().version;
}

Result<int> apply_migrations(Connection& conn) {
  if (Status st = conn.exec("CREATE TABLE IF NOT EXISTS schema_migrations ("
                            "version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)");
      !st.ok()) {
    return std::move(st).take_error();
  }
  auto version = current_version(conn);
  if (!version.ok()) return version;
  if (*version > latest_schema_version()) {
    return too_new(*version);
  }
  for (const Migration& m : kMigrations) {
    if (m.version <= *version) continue;
    auto applied = apply_one(conn, m);
    if (!applied.ok()) return applied;
    version = *applied;
  }
  return version;
}

}  // namespace omniline::store::sqlite
