#include "store/sqlite/sqlite_store.h"

#include <chrono>
#include <exception>
#include <string>
#include <utility>

#include "store/sqlite/migrations.h"
#include "store/sqlite/sqlite_tx.h"

namespace omniline::store {

namespace sqlite {

Result<std::unique_ptr<Store>> SqliteStore::open(const SqliteOptions& options) {
  if (options.path.empty()) return Error::invalid("sqlite: no database path");
  if (options.max_batch < 1 || options.max_queue < 1 || options.busy_timeout_ms < 0) {
    return Error::invalid("sqlite: max_batch and max_queue must be at least 1");
  }
  auto writer_conn =
      Connection::open(options.path, Connection::Mode::kWriter, options.busy_timeout_ms);
  if (!writer_conn.ok()) return std::move(writer_conn).take_error();
  auto version = apply_migrations(**writer_conn);
  if (!version.ok()) return std::move(version).take_error();
  auto readers = ReadPool::open(options.path, options.read_connections, options.busy_timeout_ms);
  if (!readers.ok()) return std::move(readers).take_error();
  auto checkpointer = Checkpointer::start(options.path, options.busy_timeout_ms);
  if (!checkpointer.ok()) return std::move(checkpointer).take_error();
  (*checkpointer)->attach(**writer_conn);
  auto writer = std::make_unique<GroupCommitWriter>(std::move(*writer_conn), options.max_batch,
                                                    options.max_queue);
  return std::unique_ptr<Store>(new SqliteStore(*version, options.busy_timeout_ms,
                                                std::move(*readers), std::move(*checkpointer),
                                                std::move(writer)));
}

SqliteStore::SqliteStore(int schema_version, int busy_timeout_ms, std::unique_ptr<ReadPool> readers,
                         std::unique_ptr<Checkpointer> checkpointer,
                         std::unique_ptr<GroupCommitWriter> writer)
    : schema_version_(schema_version),
      busy_timeout_ms_(busy_timeout_ms),
      readers_(std::move(readers)),
      checkpointer_(std::move(checkpointer)),
      writer_(std::move(writer)) {}

SqliteStore::~SqliteStore() {
  close();
}

Status SqliteStore::read(const ReadFn& fn) {
  // Waiting longer than the busy timeout for a pooled connection means the pool is exhausted.
  auto conn = readers_->borrow(std::chrono::milliseconds(busy_timeout_ms_));
  if (!conn.ok()) return std::move(conn).take_error();
  // A deferred BEGIN: the snapshot is taken at the first read and holds until COMMIT.
  if (Status s = (*conn)->exec("BEGIN"); !s.ok()) return s;
  Status result;
  try {
    SqliteReadTx tx(**conn);
    result = fn(tx);
  } catch (const std::exception& e) {
    result = Error::internal(std::string("read transaction threw: ") + e.what());
  } catch (...) {
    result = Error::internal("read transaction threw a non-standard exception");
  }
  if (Status s = (*conn)->exec(result.ok() ? "COMMIT" : "ROLLBACK"); !s.ok()) {
    if ((*conn)->in_transaction()) (void)(*conn)->exec("ROLLBACK");
    if (result.ok()) result = std::move(s);
  }
  return result;
}

void SqliteStore::submit_write(WriteFn fn, DoneFn done) {
  writer_->submit(std::move(fn), std::move(done));
}

bool SqliteStore::ready() const {
  return writer_->accepting();
}

StoreStats SqliteStore::stats() const {
  return writer_->stats();
}

void SqliteStore::set_commit_observer(CommitObserver observer) {
  writer_->set_commit_observer(std::move(observer));
}

void SqliteStore::close() {
  // Readers first: the WAL checkpoint at the writer's close must not wait for open snapshots.
  readers_->close();
  // The checkpointer next (its hook on the writer's connection then does nothing), so that the
  // writer's closing checkpoint runs alone; the object itself outlives the writer (members).
  checkpointer_->stop();
  writer_->close();
}

}  // namespace sqlite

Result<std::unique_ptr<Store>> open_sqlite(const SqliteOptions& options) {
  return sqlite::SqliteStore::open(options);
}

Result<int> migrate_sqlite(const std::string& path) {
  if (path.empty()) return Error::invalid("sqlite: no database path");
  auto conn = sqlite::Connection::open(path, sqlite::Connection::Mode::kWriter, 5000);
  if (!conn.ok()) return std::move(conn).take_error();
  auto version = sqlite::apply_migrations(**conn);
  if (version.ok()) (void)(*conn)->exec("PRAGMA wal_checkpoint(TRUNCATE)");
  return version;
}

}  // namespace omniline::store
