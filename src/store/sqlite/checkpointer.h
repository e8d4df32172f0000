// Checkpointer: copies the WAL back into the database file on a thread of its own.
//
// SQLite's automatic checkpoint runs inside the COMMIT that crosses 1,000 WAL pages, on the
// writer thread: every few hundred messages one batch paid for reading the WAL, writing the pages
// into the database and syncing it (8% of the writer's time during ingest, and the batch's
// latency). attach() replaces that with a WAL hook that only wakes this thread, which runs a
// PASSIVE checkpoint (it never blocks the writer or the readers) over its own connection. SQLite
// restarts the WAL from its start at a later write once a checkpoint has copied all of it.
// Under a steady stream of commits a PASSIVE checkpoint never quite reaches the end of the WAL
// (new frames arrive while it copies), and SQLite restarts the WAL only once one has. So when
// the WAL reaches `inline_pages` the writer checkpoints inline as before: by then the thread has
// copied all but the newest frames, so that is cheap, and the WAL starts over (it stays near
// 16 MB instead of growing). The same covers a checkpointer that cannot keep up. Thread-safe.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "common/result.h"
#include "store/sqlite/connection.h"

namespace omniline::store::sqlite {

class Checkpointer {
 public:
  // Opens its own connection to `path` and starts the thread.
  static Result<std::unique_ptr<Checkpointer>> start(const std::string& path, int busy_timeout_ms,
                                                     int wal_pages = 1000, int inline_pages = 4000);
  ~Checkpointer();  // stop()
  Checkpointer(const Checkpointer&) = delete;
  Checkpointer& operator=(const Checkpointer&) = delete;

  // Installs the WAL hook on the writer's connection (before the writer thread uses it). The
  // Checkpointer must outlive that connection's last commit.
  void attach(Connection& writer);

  // Stops the thread (a checkpoint under way finishes) and closes the connection. Later wake-ups
  // from the hook are ignored. Idempotent.
  void stop();

  // Checkpoints completed by this thread (for tests and metrics).
  std::uint64_t checkpoints() const { return checkpoints_.load(std::memory_order_relaxed); }

 private:
  Checkpointer(std::unique_ptr<Connection> conn, int wal_pages, int inline_pages);
  static int on_commit(void* self, sqlite3* db, const char* schema, int wal_pages);
  void wake();
  void run();

  std::unique_ptr<Connection> conn_;  // used by the thread only
  const int wal_pages_;
  const int inline_pages_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool requested_ = false;  // guarded by mu_
  bool stopping_ = false;   // guarded by mu_
  std::atomic<std::uint64_t> checkpoints_{0};
  std::thread thread_;
};

}  // namespace omniline::store::sqlite
