// GroupCommitWriter: the single writer thread of the SQLite store.
//
// submit() queues {fn, done} (bounded by max_queue). The writer takes up to max_batch queued jobs,
// runs them in one BEGIN IMMEDIATE ... COMMIT, each inside its own SAVEPOINT so that a failing
// (or throwing) fn is rolled back alone, and syncs once for the whole batch. Then it calls every
// done with its job's status (or the COMMIT's error for all of them) and the CommitObserver.
// Thread-safe. `fn` and `done` run on the writer thread and must not call back into the store
// (in particular not close(), which joins the writer thread).
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "store/sqlite/connection.h"
#include "store/store.h"

namespace omniline::store::sqlite {

class GroupCommitWriter {
 public:
  // Takes the writer connection (WAL, outside any transaction) and starts the thread.
  GroupCommitWriter(std::unique_ptr<Connection> conn, std::size_t max_batch, std::size_t max_queue);
  ~GroupCommitWriter();  // close()
  GroupCommitWriter(const GroupCommitWriter&) = delete;
  GroupCommitWriter& operator=(const GroupCommitWriter&) = delete;

  // Queues the job, or calls done(kUnavailable) at once (on the calling thread) when closed or
  // when max_queue jobs are already waiting.
  void submit(Store::WriteFn fn, Store::DoneFn done);

  StoreStats stats() const;
  void set_commit_observer(CommitObserver observer);
  bool accepting() const;

  // Stops accepting, commits everything already queued, joins the thread, checkpoints the WAL
  // (TRUNCATE) and closes the connection. Idempotent; must not be called on the writer thread.
  void close();

 private:
  struct Job {
    Store::WriteFn fn;
    Store::DoneFn done;
  };

  void run();
  void run_batch(std::vector<Job>& batch);
  Status run_job(Job& job);

  const std::size_t max_batch_;
  const std::size_t max_queue_;
  std::unique_ptr<Connection> conn_;  // used by the writer thread only, until it is joined

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Job> queue_;                           // guarded by mu_
  bool stopping_ = false;                           // guarded by mu_
  std::shared_ptr<const CommitObserver> observer_;  // guarded by mu_

  std::atomic<std::uint64_t> batches_{0};
  std::atomic<std::uint64_t> transactions_{0};

  std::mutex close_mu_;  // serialises close()
  std::thread thread_;
};

}  // namespace omniline::store::sqlite
