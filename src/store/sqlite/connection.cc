#include "store/sqlite/connection.h"

#include "domain/text.h"

#include <sqlite3.h>

#include <mutex>
#include <utility>

namespace omniline::store::sqlite {
namespace {

// Once per process, before SQLite initialises itself: without memory statistics, SQLite's
// every malloc and free no longer takes a process-wide mutex (a tenth of the writer thread's
// CPU during ingest, docs/PERFORMANCE.md). Nothing here reads sqlite3_memory_used().
void configure_sqlite_once() {
  static std::once_flag once;
  std::call_once(once, [] { (void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
}

}  // namespace

Error sqlite_error(sqlite3* db, int rc, std::string_view context) {
  std::string message(context);
  message += ": ";
  message += db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY) {
    return Error::conflict(std::move(message));
  }
  return Error::internal(std::move(message));
}

// --- Statement ---

Statement::Statement(Connection* conn, sqlite3_stmt* stmt, bool* in_use)
    : conn_(conn), stmt_(stmt), in_use_(in_use) {}

Statement::Statement(Statement&& other) noexcept
    : conn_(other.conn_),
      stmt_(std::exchange(other.stmt_, nullptr)),
      in_use_(std::exchange(other.in_use_, nullptr)),
      bind_rc_(other.bind_rc_),
      last_rc_(other.last_rc_) {}

Statement::~Statement() {
  if (stmt_ == nullptr) return;
  if (in_use_ != nullptr) {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    *in_use_ = false;
  } else {
    sqlite3_finalize(stmt_);
  }
}

Statement& Statement::bind(int index, std::int64_t value) {
  int rc = sqlite3_bind_int64(stmt_, index, value);
  if (bind_rc_ == SQLITE_OK) bind_rc_ = rc;
  return *this;
}

Statement& Statement::bind(int index, std::optional<std::int64_t> value) {
  return value ? bind(index, *value) : bind_null(index);
}

Statement& Statement::bind_text(int index, std::string_view value) {
  // A null data pointer would bind NULL; an empty string_view may have one.
  const char* data = value.data() != nullptr ? value.data() : "";
  int rc = sqlite3_bind_text64(stmt_, index, data, value.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  if (bind_rc_ == SQLITE_OK) bind_rc_ = rc;
  return *this;
}

Statement& Statement::bind_blob(int index, std::string_view bytes) {
  int rc = bytes.empty()
               ? sqlite3_bind_zeroblob(stmt_, index, 0)
               : sqlite3_bind_blob64(stmt_, index, bytes.data(), bytes.size(), SQLITE_TRANSIENT);
  if (bind_rc_ == SQLITE_OK) bind_rc_ = rc;
  return *this;
}

Statement& Statement::bind_null(int index) {
  int rc = sqlite3_bind_null(stmt_, index);
  if (bind_rc_ == SQLITE_OK) bind_rc_ = rc;
  return *this;
}

Result<bool> Statement::step() {
  if (bind_rc_ != SQLITE_OK) {
    last_rc_ = bind_rc_;
    return sqlite_error(conn_->handle(), bind_rc_, "bind");
  }
  last_rc_ = sqlite3_step(stmt_);
  if (last_rc_ == SQLITE_ROW) return true;
  if (last_rc_ == SQLITE_DONE) return false;
  return sqlite_error(conn_->handle(), last_rc_, "step");
}

Status Statement::run() {
  auto r = step();
  if (!r.ok()) return std::move(r).take_error();
  if (*r) return Error::internal("statement unexpectedly returned a row");
  return {};
}

std::int64_t Statement::column_int(int index) const {
  return sqlite3_column_int64(stmt_, index);
}

std::optional<std::int64_t> Statement::column_optional_int(int index) const {
  if (sqlite3_column_type(stmt_, index) == SQLITE_NULL) return std::nullopt;
  return sqlite3_column_int64(stmt_, index);
}

std::string Statement::column_text(int index) const {
  const auto* p = sqlite3_column_text(stmt_, index);
  int n = sqlite3_column_bytes(stmt_, index);  // after the pointer, as SQLite requires
  if (p == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(n));
}

std::optional<std::string> Statement::column_optional_text(int index) const {
  if (sqlite3_column_type(stmt_, index) == SQLITE_NULL) return std::nullopt;
  return column_text(index);
}

std::string Statement::column_blob(int index) const {
  const void* p = sqlite3_column_blob(stmt_, index);
  int n = sqlite3_column_bytes(stmt_, index);
  if (p == nullptr) return {};
  return std::string(static_cast<const char*>(p), static_cast<std::size_t>(n));
}

// --- Connection ---

Result<std::unique_ptr<Connection>> Connection::open(const std::string& path, Mode mode,
                                                     int busy_timeout_ms) {
  configure_sqlite_once();
  sqlite3* db = nullptr;
  // NOMUTEX: a connection is only ever used by one thread at a time (see the header).
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    Error err = sqlite_error(db, rc, "cannot open database '" + path + "'");
    sqlite3_close_v2(db);  // a handle is allocated even when the open fails
    return Error::internal(std::move(err.message));
  }
  std::unique_ptr<Connection> conn(new Connection(db));
  sqlite3_extended_result_codes(db, 1);
  // omni_lower(text): Unicode-aware lower case for search (SQLite's lower() is ASCII only).
  sqlite3_create_function_v2(
      db, "omni_lower", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, nullptr,
      [](sqlite3_context* ctx, int, sqlite3_value** argv) {
        const auto* t = reinterpret_cast<const char*>(sqlite3_value_text(argv[0]));
        if (!t) {
          sqlite3_result_null(ctx);
          return;
        }
        std::string folded = domain::text::fold_case(
            std::string_view(t, static_cast<std::size_t>(sqlite3_value_bytes(argv[0]))));
        sqlite3_result_text(ctx, folded.data(), static_cast<int>(folded.size()), SQLITE_TRANSIENT);
      },
      nullptr, nullptr, nullptr);
  sqlite3_busy_timeout(db, busy_timeout_ms);

  if (mode == Mode::kWriter) {
    auto journal = conn->pragma_text("PRAGMA journal_mode=WAL");
    if (!journal.ok()) return std::move(journal).take_error();
    if (*journal != "wal") {
      return Error::internal("cannot enable WAL on '" + path + "' (journal_mode is " + *journal +
                             ")");
    }
    // Every job of a group commit runs in its own SAVEPOINT, so SQLite copies each page a job
    // changes into the sub-journal; past 64 KiB that journal spills to a temporary file, and a
    // batch then cost about a thousand pwrite calls (docs/PERFORMANCE.md). In memory it is a
    // memcpy. Temporary tables and sort b-trees of the writer's own statements stay small.
    if (Status st = conn->exec("PRAGMA temp_store=MEMORY"); !st.ok()) return st.error();
  }
  // Touch the schema so that a file that is not a database fails here, not at the first query.
  if (Status st = conn->exec("PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; "
                             "SELECT count(*) FROM sqlite_schema;");
      !st.ok()) {
    return Error::internal("cannot configure database '" + path + "': " + st.error().message);
  }
  if (mode == Mode::kReader) {
    // Readers map the file (up to SQLite's 2 GiB cap) instead of copying each page through
    // pread into a 2 MB page cache of their own: the list's counts and searches touch many
    // pages (docs/PERFORMANCE.md, read paths).
    if (Status st = conn->exec("PRAGMA query_only=ON; PRAGMA mmap_size=2147418112"); !st.ok())
      return st.error();
  }
  return conn;
}

Connection::~Connection() {
  for (auto& [sql, cached] : cache_) sqlite3_finalize(cached.stmt);
  sqlite3_close_v2(db_);
}

Status Connection::exec(const char* sql) {
  char* errmsg = nullptr;
  int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &errmsg);
  sqlite3_free(errmsg);  // sqlite3_errmsg(db_) carries the same text
  if (rc != SQLITE_OK) {
    std::string_view context(sql);
    return sqlite_error(db_, rc, context.substr(0, 60));
  }
  return {};
}

Result<Statement> Connection::prepare(const char* sql) {
  auto it = cache_.find(sql);
  if (it != cache_.end() && !it->second.in_use) {
    it->second.in_use = true;
    return Statement(this, it->second.stmt, &it->second.in_use);
  }
  // Cache the statement unless the same SQL is already in use (nested use) or the cache is full.
  bool cache = it == cache_.end() && cache_.size() < kMaxCachedStatements;
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql, -1, cache ? SQLITE_PREPARE_PERSISTENT : 0, &stmt, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(stmt);
    return sqlite_error(db_, rc, std::string("prepare: ") + sql);
  }
  if (!cache) return Statement(this, stmt, nullptr);
  auto [slot, inserted] = cache_.emplace(sql, CachedStatement{stmt, true});
  return Statement(this, stmt, &slot->second.in_use);
}

Result<std::string> Connection::pragma_text(const char* pragma_sql) {
  auto st = prepare(pragma_sql);
  if (!st.ok()) return std::move(st).take_error();
  auto row = st->step();
  if (!row.ok()) return std::move(row).take_error();
  if (!*row) return Error::internal(std::string("no value from ") + pragma_sql);
  return st->column_text(0);
}

std::int64_t Connection::changes() const {
  return sqlite3_changes64(db_);
}

std::int64_t Connection::last_insert_rowid() const {
  return sqlite3_last_insert_rowid(db_);
}

bool Connection::in_transaction() const {
  return sqlite3_get_autocommit(db_) == 0;
}

}  // namespace omniline::store::sqlite
