// Connection: one sqlite3* with the project's pragmas and a bounded cache of prepared statements.
// Statement: a prepared statement borrowed from that cache for one use.
//
// Neither is thread-safe: a Connection is used by one thread at a time (the writer thread, or the
// thread that borrowed it from the read pool). Values only ever reach SQL as bound parameters;
// every SQL text handed to exec()/prepare() is a constant of the program.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/result.h"

struct sqlite3;
struct sqlite3_stmt;

namespace omniline::store::sqlite {

// Maps an SQLite result code to an Error: UNIQUE/PRIMARY KEY violations are kConflict, anything
// else kInternal. The message is "<context>: <sqlite3_errmsg>".
Error sqlite_error(sqlite3* db, int rc, std::string_view context);

class Connection;

// A prepared statement for one execution. On destruction it is reset, its bindings are cleared
// and it goes back to the connection's cache (or is finalized when it was not cached). Must not
// outlive its Connection.
class Statement {
 public:
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&&) = delete;
  Statement(const Statement&) = delete;
  ~Statement();

  // Parameters are 1-based. Text and blobs are copied by SQLite. A failed bind is reported by the
  // next step().
  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, std::optional<std::int64_t> value);  // nullopt binds NULL
  Statement& bind_text(int index, std::string_view value);
  Statement& bind_blob(int index, std::string_view bytes);
  Statement& bind_null(int index);

  // true when a row is available, false when the statement is done.
  Result<bool> step();
  // Steps a statement that returns no rows (INSERT/UPDATE/DELETE).
  Status run();
  // The last result code of step(), e.g. to tell a foreign-key violation apart.
  int last_rc() const { return last_rc_; }

  // Columns are 0-based; valid after step() returned true.
  std::int64_t column_int(int index) const;
  std::optional<std::int64_t> column_optional_int(int index) const;
  std::string column_text(int index) const;
  std::optional<std::string> column_optional_text(int index) const;  // nullopt for NULL
  std::string column_blob(int index) const;

 private:
  friend class Connection;
  Statement(Connection* conn, sqlite3_stmt* stmt, bool* in_use);

  Connection* conn_;
  sqlite3_stmt* stmt_;
  bool* in_use_;  // the cache slot's flag; nullptr when this statement is not cached
  int bind_rc_ = 0;
  int last_rc_ = 0;
};

class Connection {
 public:
  enum class Mode {
    kWriter,  // journal_mode=WAL is set (and verified) here
    kReader,  // query_only=ON
  };

  // Opens (creating when missing) the database file and sets synchronous=FULL, foreign_keys=ON,
  // busy_timeout and the mode's pragmas. Fails with the reason when any of it fails.
  static Result<std::unique_ptr<Connection>> open(const std::string& path, Mode mode,
                                                  int busy_timeout_ms);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs constant SQL (one or more statements, no parameters, rows ignored).
  Status exec(const char* sql);
  // Returns the cached prepared statement for `sql`, preparing it on first use.
  Result<Statement> prepare(const char* sql);
  // Reads a single-value pragma such as "journal_mode" as text; `pragma` is a constant.
  Result<std::string> pragma_text(const char* pragma_sql);

  std::int64_t changes() const;
  std::int64_t last_insert_rowid() const;
  bool in_transaction() const;
  sqlite3* handle() const { return db_; }

 private:
  explicit Connection(sqlite3* db) : db_(db) {}

  struct CachedStatement {
    sqlite3_stmt* stmt = nullptr;
    bool in_use = false;
  };
  // The program has a fixed set of SQL texts; the bound only guards against a caller that builds
  // SQL dynamically: beyond it, statements are prepared per use and finalized.
  static constexpr std::size_t kMaxCachedStatements = 512;

  sqlite3* db_;
  std::unordered_map<std::string, CachedStatement> cache_;
};

}  // namespace omniline::store::sqlite
