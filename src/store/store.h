// Store: the only way the rest of the server reaches durable state.
//
// Threading contract
//  - read(fn) runs fn on one of the store's pooled read connections, on the *calling* thread, inside
//    one read transaction (a consistent snapshot). It blocks: never call it from an I/O thread.
//  - submit_write(fn, done) queues fn for the single writer thread and returns at once. The writer
//    batches every queued transaction into one database transaction ("group commit"): each fn runs
//    inside its own savepoint, so an fn that returns an error is rolled back alone; then the batch
//    commits with one sync. `done` is called on the writer thread once the batch is durable (or has
//    failed), with fn's own status, or with the commit's error. Keep `done` short: post work away.
//  - write(fn) is submit_write + wait; it blocks the calling thread (never an I/O thread).
//  - fn must not block on anything but the database, and must not call read/write recursively.
//  - All methods are thread-safe. After close() every call fails with ErrorCode::kUnavailable.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/ids.h"
#include "common/result.h"
#include "domain/auth_token.h"
#include "domain/employee.h"

namespace omniline::store {

// A page of a list in id order. `after` is the exclusive lower bound (0: from the start).
struct PageRequest {
  std::int64_t after = 0;
  int limit = 50;
};

template <typename T>
struct Page {
  std::vector<T> items;
  bool has_more = false;  // true when more items follow the last one returned
};

struct EmployeeFilter {
  std::optional<bool> active;  // nullopt: both
};

// Read-only operations available inside read() and write().
class ReadTx {
 public:
  virtual ~ReadTx() = default;

  virtual Result<domain::Employee> employee_by_id(EmployeeId id) = 0;          // not_found
  virtual Result<domain::Employee> employee_by_email(std::string_view email) = 0;  // exact, lower-cased
  virtual Result<Page<domain::Employee>> list_employees(const EmployeeFilter& filter,
                                                        PageRequest page) = 0;
  virtual Result<std::int64_t> count_employees() = 0;
  // Active admins, for "never remove the last admin" checks.
  virtual Result<std::int64_t> count_active_admins() = 0;

  virtual Result<domain::AuthToken> token_by_hash(std::string_view token_hash) = 0;  // not_found
  // Tokens of one employee of one kind, newest first; revoked ones excluded.
  virtual Result<std::vector<domain::AuthToken>> list_tokens(EmployeeId employee,
                                                             domain::TokenKind kind) = 0;
};

// Read-write operations, available only inside write().
class WriteTx : public ReadTx {
 public:
  // Inserts and returns the new id; conflict when the e-mail is taken. Ignores e.id.
  virtual Result<EmployeeId> insert_employee(const domain::Employee& e) = 0;
  // Replaces every field of the row e.id; not_found, conflict (e-mail taken).
  virtual Status update_employee(const domain::Employee& e) = 0;

  virtual Result<TokenId> insert_token(const domain::AuthToken& t) = 0;  // conflict on same hash
  virtual Status touch_token(TokenId id, UnixMs used_at) = 0;
  // Marks revoked; not_found when no such unrevoked token of that employee.
  virtual Status revoke_token(EmployeeId employee, TokenId id, UnixMs at) = 0;
  // Revokes every token of an employee (deactivation, password change). Returns how many.
  virtual Result<std::int64_t> revoke_all_tokens(EmployeeId employee, UnixMs at) = 0;
  // Deletes tokens that expired or were revoked before `before`. Returns how many.
  virtual Result<std::int64_t> purge_tokens(UnixMs before) = 0;
};

struct StoreStats {
  std::uint64_t batches = 0;       // commits done
  std::uint64_t transactions = 0;  // transactions committed or rolled back inside batches
  std::uint64_t queue_depth = 0;   // transactions waiting for the writer now
};

// Observer of every commit, for metrics: the batch size and its commit latency (BEGIN→durable).
using CommitObserver = std::function<void(std::size_t batch_size, double seconds)>;

class Store {
 public:
  virtual ~Store() = default;

  using ReadFn = std::function<Status(ReadTx&)>;
  using WriteFn = std::function<Status(WriteTx&)>;
  using DoneFn = std::function<void(Status)>;

  virtual Status read(const ReadFn& fn) = 0;
  virtual void submit_write(WriteFn fn, DoneFn done) = 0;
  Status write(WriteFn fn);

  // Typed helpers: run fn and hand back its value.
  template <typename T>
  Result<T> read_value(const std::function<Result<T>(ReadTx&)>& fn);
  template <typename T>
  Result<T> write_value(const std::function<Result<T>(WriteTx&)>& fn);

  // The schema version the database is at, and whether it is open and migrated.
  virtual int schema_version() const = 0;
  virtual bool ready() const = 0;
  virtual StoreStats stats() const = 0;
  virtual void set_commit_observer(CommitObserver observer) = 0;

  // Finishes every queued write, stops the writer, closes connections. Idempotent.
  virtual void close() = 0;
};

struct SqliteOptions {
  std::string path;            // database file; created when missing
  int read_connections = 4;    // size of the read pool
  std::size_t max_batch = 512; // most transactions in one group commit
  std::size_t max_queue = 100000;  // submit_write beyond this fails with kUnavailable
  int busy_timeout_ms = 5000;
};

// Opens (creating if needed) an SQLite database with WAL, synchronous=FULL and foreign keys on,
// and applies pending migrations. Fails with the reason when the file cannot be opened/migrated.
Result<std::unique_ptr<Store>> open_sqlite(const SqliteOptions& options);

// Applies pending migrations only (for `omniline migrate`); returns the resulting version.
Result<int> migrate_sqlite(const std::string& path);

// --- template implementations ---
template <typename T>
Result<T> Store::read_value(const std::function<Result<T>(ReadTx&)>& fn) {
  std::optional<Result<T>> out;
  Status st = read([&](ReadTx& tx) -> Status {
    out.emplace(fn(tx));
    if (!out->ok()) return out->error();
    return {};
  });
  if (!st.ok()) return std::move(st).take_error();
  return std::move(*out);
}

template <typename T>
Result<T> Store::write_value(const std::function<Result<T>(WriteTx&)>& fn) {
  std::optional<Result<T>> out;
  Status st = write([&](WriteTx& tx) -> Status {
    out.emplace(fn(tx));
    if (!out->ok()) return out->error();
    return {};
  });
  if (!st.ok()) return std::move(st).take_error();
  return std::move(*out);
}

}  // namespace omniline::store
