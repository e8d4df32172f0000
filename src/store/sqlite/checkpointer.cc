#include "store/sqlite/checkpointer.h"

#include <sqlite3.h>

#include <utility>

namespace omniline::store::sqlite {

Result<std::unique_ptr<Checkpointer>> Checkpointer::start(const std::string& path,
                                                          int busy_timeout_ms, int wal_pages,
                                                          int inline_pages) {
  auto conn = Connection::open(path, Connection::Mode::kWriter, busy_timeout_ms);
  if (!conn.ok()) return std::move(conn).take_error();
  return std::unique_ptr<Checkpointer>(new Checkpointer(std::move(*conn), wal_pages, inline_pages));
}

Checkpointer::Checkpointer(std::unique_ptr<Connection> conn, int wal_pages, int inline_pages)
    : conn_(std::move(conn)),
      wal_pages_(wal_pages < 1 ? 1 : wal_pages),
      inline_pages_(inline_pages < 1 ? 1 : inline_pages) {
  // This connection never checkpoints on its own commits (it makes none) nor on close: the
  // writer's close folds the WAL back.
  sqlite3_wal_autocheckpoint(conn_->handle(), 0);
  thread_ = std::thread([this] { run(); });
}

Checkpointer::~Checkpointer() {
  stop();
}

void Checkpointer::attach(Connection& writer) {
  // Replaces SQLite's automatic checkpoint (which is itself a WAL hook) on that connection.
  sqlite3_wal_hook(writer.handle(), &Checkpointer::on_commit, this);
}

int Checkpointer::on_commit(void* self, sqlite3* db, const char* schema, int wal_pages) {
  auto* c = static_cast<Checkpointer*>(self);
  if (wal_pages >= c->inline_pages_) {
    // Far behind: the writer helps, as SQLite's own automatic checkpoint would.
    (void)sqlite3_wal_checkpoint_v2(db, schema, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
  } else if (wal_pages >= c->wal_pages_) {
    c->wake();
  }
  return SQLITE_OK;
}

void Checkpointer::wake() {
  {
    std::lock_guard lock(mu_);
    if (stopping_ || requested_) return;
    requested_ = true;
  }
  cv_.notify_one();
}

void Checkpointer::run() {
  for (;;) {
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || requested_; });
      if (stopping_) return;
      requested_ = false;
    }
    int log = 0, copied = 0;
    int rc = sqlite3_wal_checkpoint_v2(conn_->handle(), nullptr, SQLITE_CHECKPOINT_PASSIVE, &log,
                                       &copied);
    if (rc == SQLITE_OK) checkpoints_.fetch_add(1, std::memory_order_relaxed);
    // SQLITE_BUSY or an I/O error: the next commit past the threshold wakes us again.
  }
}

void Checkpointer::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  conn_.reset();
}

}  // namespace omniline::store::sqlite
