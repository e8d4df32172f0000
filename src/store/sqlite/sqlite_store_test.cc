// SQLite-specific behaviour: pragmas, migrations, downgrade protection, group-commit batching and
// the queue bound. The backend-independent contract is in store/store_contract_test.cc.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "store/sqlite/checkpointer.h"
#include "store/sqlite/connection.h"
#include "store/sqlite/migrations.h"
#include "store/sqlite/sqlite_tx.h"
#include "store/store.h"
#include "support/temp_dir.h"

namespace omniline::store::sqlite {
namespace {

using omniline::testing::TempDir;

class SqliteStoreTest : public ::testing::Test {
 protected:
  std::unique_ptr<Store> open(SqliteOptions options = {}) {
    options.path = db_;
    auto s = open_sqlite(options);
    EXPECT_TRUE(s.ok()) << s.error().message;
    return s.ok() ? std::move(*s) : nullptr;
  }

  // Runs constant SQL on a plain connection of our own, outside any store.
  void raw_exec(const char* sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(db_.c_str(), &db), SQLITE_OK);
    char* err = nullptr;
    int rc = sqlite3_exec(db, sql, nullptr, nullptr, &err);
    EXPECT_EQ(rc, SQLITE_OK) << (err ? err : "");
    sqlite3_free(err);
    sqlite3_close(db);
  }

  static Status insert(WriteTx& tx, const std::string& email) {
    domain::Employee e;
    e.name = "N";
    e.email = email;
    e.password_hash = "h";
    auto id = tx.insert_employee(e);
    if (!id.ok()) return id.error();
    return {};
  }

  TempDir dir_;
  std::string db_ = dir_.file("test.db");
};

// A job that holds the writer thread until released, so that later submissions queue up.
class WriterGate {
 public:
  Store::WriteFn job() {
    return [this](WriteTx&) -> Status {
      entered_.set_value();
      released_.get_future().wait();
      return {};
    };
  }
  void wait_entered() { entered_.get_future().wait(); }
  void release() { released_.set_value(); }

 private:
  std::promise<void> entered_;
  std::promise<void> released_;
};

TEST_F(SqliteStoreTest, PragmasAreSetOnWriterAndReaders) {
  auto store = open();
  ASSERT_TRUE(store);
  Status w = store->write([](WriteTx& tx) -> Status {
    Connection& c = static_cast<SqliteWriteTx&>(tx).connection();
    EXPECT_EQ(*c.pragma_text("PRAGMA journal_mode"), "wal");
    EXPECT_EQ(*c.pragma_text("PRAGMA synchronous"), "2");  // FULL
    EXPECT_EQ(*c.pragma_text("PRAGMA foreign_keys"), "1");
    EXPECT_EQ(*c.pragma_text("PRAGMA busy_timeout"), "5000");
    EXPECT_EQ(*c.pragma_text("PRAGMA query_only"), "0");
    return {};
  });
  ASSERT_TRUE(w.ok()) << w.error().message;
  Status r = store->read([](ReadTx& tx) -> Status {
    Connection& c = static_cast<SqliteReadTx&>(tx).connection();
    EXPECT_EQ(*c.pragma_text("PRAGMA journal_mode"), "wal");
    EXPECT_EQ(*c.pragma_text("PRAGMA synchronous"), "2");
    EXPECT_EQ(*c.pragma_text("PRAGMA foreign_keys"), "1");
    EXPECT_EQ(*c.pragma_text("PRAGMA query_only"), "1");
    return {};
  });
  ASSERT_TRUE(r.ok()) << r.error().message;
}

TEST_F(SqliteStoreTest, SchemaVersionIsTheLatestMigration) {
  auto store = open();
  ASSERT_TRUE(store);
  EXPECT_EQ(store->schema_version(), latest_schema_version());
  EXPECT_EQ(latest_schema_version(), migrations().back().version);
  for (std::size_t i = 1; i < migrations().size(); ++i) {
    EXPECT_LT(migrations()[i - 1].version, migrations()[i].version);
  }
}

TEST_F(SqliteStoreTest, MigrateOnAFreshPathCreatesTheSchema) {
  auto v = migrate_sqlite(db_);
  ASSERT_TRUE(v.ok()) << v.error().message;
  EXPECT_EQ(*v, latest_schema_version());
  auto again = migrate_sqlite(db_);  // nothing pending: same version
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *v);

  auto store = open();
  ASSERT_TRUE(store);
  Status r = store->read([](ReadTx& tx) -> Status {
    Connection& c = static_cast<SqliteReadTx&>(tx).connection();
    auto n = c.pragma_text(
        "SELECT count(*) FROM sqlite_schema WHERE name IN "
        "('employees', 'auth_tokens', 'auth_tokens_employee_kind', 'schema_migrations')");
    EXPECT_EQ(*n, "4");
    auto rows = c.pragma_text("SELECT count(*) FROM schema_migrations");
    EXPECT_EQ(*rows, std::to_string(migrations().size()));
    return {};
  });
  ASSERT_TRUE(r.ok());
}

TEST_F(SqliteStoreTest, NewerSchemaRefusesToOpen) {
  { ASSERT_TRUE(open()); }
  raw_exec("INSERT INTO schema_migrations (version, applied_at) VALUES (9999, 0)");
  SqliteOptions options;
  options.path = db_;
  auto s = open_sqlite(options);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("9999"), std::string::npos) << s.error().message;
  auto m = migrate_sqlite(db_);
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.error().message.find("newer"), std::string::npos) << m.error().message;
}

TEST_F(SqliteStoreTest, UnopenableFileFailsCleanly) {
  SqliteOptions options;
  options.path = dir_.file("no/such/dir/test.db");
  auto s = open_sqlite(options);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("no/such/dir"), std::string::npos) << s.error().message;

  std::ofstream(dir_.file("garbage.db")) << std::string(8192, 'x');
  options.path = dir_.file("garbage.db");
  auto g = open_sqlite(options);
  ASSERT_FALSE(g.ok());
  EXPECT_EQ(g.error().code, ErrorCode::kInternal);
}

TEST_F(SqliteStoreTest, QueuedTransactionsCommitInOneBatch) {
  auto store = open();
  ASSERT_TRUE(store);
  std::mutex mu;
  std::vector<std::size_t> batch_sizes;
  store->set_commit_observer([&](std::size_t n, double) {
    std::lock_guard lock(mu);
    batch_sizes.push_back(n);
  });
  WriterGate gate;
  std::promise<Status> first;
  store->submit_write(gate.job(), [&](Status st) { first.set_value(st); });
  gate.wait_entered();

  constexpr int kJobs = 10;
  std::vector<std::promise<Status>> done(kJobs);
  for (int i = 0; i < kJobs; ++i) {
    std::string email = "b" + std::to_string(i) + "@x.com";
    store->submit_write(
        [email, i](WriteTx& tx) -> Status {
          Status st = insert(tx, email);
          if (i % 2) return Error::conflict("odd ones fail");
          return st;
        },
        [&done, i](Status st) { done[i].set_value(st); });
  }
  EXPECT_EQ(store->stats().queue_depth, static_cast<std::uint64_t>(kJobs));
  gate.release();
  EXPECT_TRUE(first.get_future().get().ok());
  for (int i = 0; i < kJobs; ++i) EXPECT_EQ(done[i].get_future().get().ok(), i % 2 == 0) << i;

  std::lock_guard lock(mu);
  EXPECT_EQ(batch_sizes, (std::vector<std::size_t>{1, kJobs}));
  StoreStats stats = store->stats();
  EXPECT_EQ(stats.batches, 2u);
  EXPECT_EQ(stats.transactions, kJobs + 1u);
  auto n = store->read_value<std::int64_t>([](ReadTx& tx) { return tx.count_employees(); });
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, kJobs / 2);
  store->set_commit_observer(nullptr);
}

TEST_F(SqliteStoreTest, BatchesAreBoundedByMaxBatch) {
  SqliteOptions options;
  options.max_batch = 3;
  auto store = open(options);
  ASSERT_TRUE(store);
  std::mutex mu;
  std::vector<std::size_t> batch_sizes;
  store->set_commit_observer([&](std::size_t n, double) {
    std::lock_guard lock(mu);
    batch_sizes.push_back(n);
  });
  WriterGate gate;
  store->submit_write(gate.job(), nullptr);
  gate.wait_entered();
  std::atomic<int> ok{0};
  for (int i = 0; i < 10; ++i) {
    store->submit_write([i](WriteTx& tx) { return insert(tx, "m" + std::to_string(i) + "@x.com"); },
                        [&ok](Status st) { ok += st.ok(); });
  }
  gate.release();
  store->close();  // drains the queue
  EXPECT_EQ(ok.load(), 10);
  std::lock_guard lock(mu);
  EXPECT_EQ(batch_sizes, (std::vector<std::size_t>{1, 3, 3, 3, 1}));
}

TEST_F(SqliteStoreTest, FullQueueRejectsWithUnavailable) {
  SqliteOptions options;
  options.max_queue = 2;
  auto store = open(options);
  ASSERT_TRUE(store);
  WriterGate gate;
  store->submit_write(gate.job(), nullptr);
  gate.wait_entered();  // the gate job has left the queue: two more fit

  std::atomic<int> ok{0};
  for (int i = 0; i < 2; ++i) {
    store->submit_write([i](WriteTx& tx) { return insert(tx, "q" + std::to_string(i) + "@x.com"); },
                        [&ok](Status st) { ok += st.ok(); });
  }
  std::optional<Status> rejected;
  store->submit_write([](WriteTx&) -> Status { return {}; },
                      [&](Status st) { rejected = std::move(st); });
  ASSERT_TRUE(rejected.has_value());  // called at once, on this thread
  ASSERT_FALSE(rejected->ok());
  EXPECT_EQ(rejected->error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(store->stats().queue_depth, 2u);

  gate.release();
  store->close();
  EXPECT_EQ(ok.load(), 2);
}

TEST_F(SqliteStoreTest, InvalidOptionsAreRejected) {
  SqliteOptions options;
  options.path = db_;
  options.read_connections = 0;
  auto s = open_sqlite(options);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kInvalid);
  options.read_connections = 1;
  options.max_batch = 0;
  s = open_sqlite(options);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kInvalid);
}

TEST_F(SqliteStoreTest, ReadsSeeASnapshot) {
  SqliteOptions options;
  options.read_connections = 1;
  auto store = open(options);
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->write([](WriteTx& tx) { return insert(tx, "first@x.com"); }).ok());
  Status r = store->read([&](ReadTx& tx) -> Status {
    auto before = tx.count_employees();
    // A write committed while this read is open is not visible to it.
    EXPECT_TRUE(store->write([](WriteTx& w) { return insert(w, "second@x.com"); }).ok());
    auto after = tx.count_employees();
    EXPECT_EQ(*before, 1);
    EXPECT_EQ(*after, 1);
    return {};
  });
  ASSERT_TRUE(r.ok());
  auto n = store->read_value<std::int64_t>([](ReadTx& tx) { return tx.count_employees(); });
  EXPECT_EQ(*n, 2);
}

TEST_F(SqliteStoreTest, ReadConnectionsAreQueryOnly) {
  auto store = open();
  ASSERT_TRUE(store);
  Status r = store->read([](ReadTx& tx) -> Status {
    return static_cast<SqliteReadTx&>(tx).connection().exec(
        "INSERT INTO schema_migrations (version, applied_at) VALUES (500, 0)");
  });
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInternal);
}

TEST_F(SqliteStoreTest, CloseTruncatesTheWal) {
  {
    auto store = open();
    ASSERT_TRUE(store);
    ASSERT_TRUE(store->write([](WriteTx& tx) { return insert(tx, "w@x.com"); }).ok());
    store->close();
  }
  std::error_code ec;
  auto wal_size = std::filesystem::file_size(db_ + "-wal", ec);
  EXPECT_TRUE(ec || wal_size == 0) << wal_size;
}

// Migration 10 tallies the dialogs a database already holds: the table and its triggers are
// dropped and the migration unrecorded (a v9 database with dialogs), then the store reopens.
TEST_F(SqliteStoreTest, MigrationTenTalliesTheDialogsAlreadyStored) {
  auto exec = [](Store& store, const char* sql) {
    return store.write(
        [sql](WriteTx& tx) { return static_cast<SqliteWriteTx&>(tx).connection().exec(sql); });
  };
  {
    auto store = open();
    ASSERT_TRUE(store);
    // Dialog 1 waits on line 1, 2 is operator 7's on line 1, 3 is closed on line 2, 4 (line 2)
    // has no session.
    ASSERT_TRUE(
        exec(*store,
             "INSERT INTO lines (id, name, routing, created_at, updated_at)"
             " VALUES (1, 'A', '{}', 0, 0), (2, 'B', '{}', 0, 0);"
             "INSERT INTO channels (id, line_id, kind, name, secret, created_at, updated_at)"
             " VALUES (1, 1, 'api', 'c', 's', 0, 0);"
             "INSERT INTO customers (id, channel_id, external_id, created_at, updated_at)"
             " VALUES (1, 1, 'a', 0, 0), (2, 1, 'b', 0, 0), (3, 1, 'c', 0, 0),"
             " (4, 1, 'd', 0, 0);"
             "INSERT INTO dialogs (id, line_id, channel_id, customer_id, created_at)"
             " VALUES (1, 1, 1, 1, 0), (2, 1, 1, 2, 0), (3, 2, 1, 3, 0), (4, 2, 1, 4, 0);"
             "INSERT INTO sessions (id, dialog_id, line_id, status, operator_id, created_at)"
             " VALUES (1, 1, 1, 'new', 0, 0), (2, 2, 1, 'in_work', 7, 0),"
             " (3, 3, 2, 'closed', 7, 0);"
             "UPDATE dialogs SET session_id = id WHERE id <= 3;")
            .ok());
    ASSERT_TRUE(exec(*store,
                     "DROP TRIGGER dialogs_tally_insert; DROP TRIGGER dialogs_tally_update;"
                     " DROP TRIGGER dialogs_tally_delete; DROP TABLE dialog_tallies;"
                     " DELETE FROM schema_migrations WHERE version = 10;")
                    .ok());
  }
  auto store = open();
  ASSERT_TRUE(store);
  Status r = store->read([](ReadTx& tx) -> Status {
    auto rows = static_cast<SqliteReadTx&>(tx).connection().pragma_text(
        "SELECT group_concat(line_id || ':' || operator_id || ':' || class || ':' || n, ' ')"
        " FROM (SELECT * FROM dialog_tallies ORDER BY line_id, operator_id, class)");
    EXPECT_TRUE(rows.ok());
    if (rows.ok()) {
      EXPECT_EQ(*rows, "1:0:1:1 1:7:2:1 2:0:2:1 2:7:3:1");
    }
    DialogQuery q;
    q.viewer = EmployeeId(99);
    q.viewer_sees_all = true;
    q.view = DialogView::kAll;
    EXPECT_EQ(*tx.count_dialogs(q), 4);
    q.view = DialogView::kUnanswered;
    EXPECT_EQ(*tx.count_dialogs(q), 1);
    q.viewer = EmployeeId(7);
    q.view = DialogView::kMine;
    EXPECT_EQ(*tx.count_dialogs(q), 1);
    return {};
  });
  ASSERT_TRUE(r.ok()) << r.error().message;
}

TEST(SqliteConnection, StatementsAreCachedAndReusable) {
  TempDir dir;
  auto conn = Connection::open(dir.file("c.db"), Connection::Mode::kWriter, 100);
  ASSERT_TRUE(conn.ok()) << conn.error().message;
  Connection& c = **conn;
  ASSERT_TRUE(c.exec("CREATE TABLE t (v TEXT)").ok());
  for (int i = 0; i < 3; ++i) {
    auto st = c.prepare("INSERT INTO t (v) VALUES (?1)");
    ASSERT_TRUE(st.ok());
    st->bind_text(1, "it's; DROP TABLE t; --");  // a value is data, never SQL
    ASSERT_TRUE(st->run().ok());
  }
  {
    // The same SQL while a first use is still active: a second, uncached statement.
    auto outer = c.prepare("SELECT v FROM t");
    auto inner = c.prepare("SELECT v FROM t");
    ASSERT_TRUE(outer.ok() && inner.ok());
    ASSERT_TRUE(*outer->step());
    ASSERT_TRUE(*inner->step());
    EXPECT_EQ(outer->column_text(0), "it's; DROP TABLE t; --");
  }
  EXPECT_EQ(*c.pragma_text("SELECT count(*) FROM t"), "3");
  auto bad = c.prepare("SELECT nope FROM t");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::kInternal);
}

}  // namespace
}  // namespace omniline::store::sqlite

namespace omniline::store::sqlite {
namespace {

// Writes `n` transactions of one 4 KiB blob each through `c` (at least one WAL page each).
void write_blobs(Connection& c, int n) {
  for (int i = 0; i < n; ++i) {
    auto st = c.prepare("INSERT INTO blobs (v) VALUES (zeroblob(4096))");
    ASSERT_TRUE(st.ok());
    ASSERT_TRUE(st->run().ok());
  }
}

std::uintmax_t file_size_or_zero(const std::string& path) {
  std::error_code ec;
  auto n = std::filesystem::file_size(path, ec);
  return ec ? 0 : n;
}

// A writer connection on a fresh database with a table of blobs, and a Checkpointer attached to
// it that wakes at `wake_pages` and lets the writer step in at `inline_pages`.
struct CheckpointedWriter {
  CheckpointedWriter(int wake_pages, int inline_pages) {
    auto w = Connection::open(path, Connection::Mode::kWriter, 1000);
    EXPECT_TRUE(w.ok()) << w.error().message;
    if (!w.ok()) return;
    writer = std::move(*w);
    EXPECT_TRUE(writer->exec("CREATE TABLE blobs (id INTEGER PRIMARY KEY, v BLOB)").ok());
    auto c = Checkpointer::start(path, 1000, wake_pages, inline_pages);
    EXPECT_TRUE(c.ok()) << c.error().message;
    if (!c.ok()) return;
    checkpointer = std::move(*c);
    checkpointer->attach(*writer);
    db_before = file_size_or_zero(path);
  }
  bool ready() const { return writer && checkpointer; }

  TempDir dir;
  std::string path = dir.file("c.db");
  std::unique_ptr<Connection> writer;
  std::unique_ptr<Checkpointer> checkpointer;
  std::uintmax_t db_before = 0;
};

TEST(SqliteCheckpointer, CopiesTheWalIntoTheDatabaseOffTheWritersThread) {
  // Wakes at 10 WAL pages; the writer itself would only step in at a million.
  CheckpointedWriter t(10, 1'000'000);
  ASSERT_TRUE(t.ready());
  write_blobs(*t.writer, 60);
  for (int i = 0; i < 500 && t.checkpointer->checkpoints() == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_GE(t.checkpointer->checkpoints(), 1u);
  // The pages reached the database file, although the writer never checkpointed.
  for (int i = 0; i < 500 && file_size_or_zero(t.path) < t.db_before + 40 * 4096; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_GE(file_size_or_zero(t.path), t.db_before + 40 * 4096);
  // Writes go on while it runs and after it stopped (its hook then does nothing); stop twice.
  write_blobs(*t.writer, 20);
  t.checkpointer->stop();
  write_blobs(*t.writer, 20);
  t.checkpointer->stop();
  auto n = t.writer->prepare("SELECT count(*) FROM blobs");
  ASSERT_TRUE(n.ok());
  auto row = n->step();
  ASSERT_TRUE(row.ok() && *row);
  EXPECT_EQ(n->column_int(0), 100);
}

TEST(SqliteCheckpointer, TheWriterCheckpointsItselfWhenTheWalRunsAway) {
  // Never woken (a million pages), but the writer steps in past 20.
  CheckpointedWriter t(1'000'000, 20);
  ASSERT_TRUE(t.ready());
  write_blobs(*t.writer, 60);
  EXPECT_EQ(t.checkpointer->checkpoints(), 0u);
  EXPECT_GE(file_size_or_zero(t.path), t.db_before + 20 * 4096);
}

}  // namespace
}  // namespace omniline::store::sqlite
