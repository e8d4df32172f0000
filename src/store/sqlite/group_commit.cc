#include "store/sqlite/group_commit.h"

#include <algorithm>
#include <chrono>
#include <exception>
#include <string>
#include <utility>

#include "store/sqlite/sqlite_tx.h"

namespace omniline::store::sqlite {

GroupCommitWriter::GroupCommitWriter(std::unique_ptr<Connection> conn, std::size_t max_batch,
                                     std::size_t max_queue)
    : max_batch_(std::max<std::size_t>(max_batch, 1)),
      max_queue_(std::max<std::size_t>(max_queue, 1)),
      conn_(std::move(conn)) {
  thread_ = std::thread([this] { run(); });
}

GroupCommitWriter::~GroupCommitWriter() {
  close();
}

void GroupCommitWriter::submit(Store::WriteFn fn, Store::DoneFn done) {
  if (!done) done = [](Status) {};
  bool closed = false;
  {
    std::lock_guard lock(mu_);
    closed = stopping_;
    if (!closed && queue_.size() < max_queue_) {
      queue_.push_back(Job{std::move(fn), std::move(done)});
      cv_.notify_one();
      return;
    }
  }
  // Rejected: done runs outside the lock, on the calling thread.
  done(closed ? Error::unavailable("store is closed")
              : Error::unavailable("write queue is full (" + std::to_string(max_queue_) + ")"));
}

bool GroupCommitWriter::accepting() const {
  std::lock_guard lock(mu_);
  return !stopping_;
}

StoreStats GroupCommitWriter::stats() const {
  StoreStats s;
  s.batches = batches_.load(std::memory_order_relaxed);
  s.transactions = transactions_.load(std::memory_order_relaxed);
  std::lock_guard lock(mu_);
  s.queue_depth = queue_.size();
  return s;
}

void GroupCommitWriter::set_commit_observer(CommitObserver observer) {
  auto p = observer ? std::make_shared<const CommitObserver>(std::move(observer)) : nullptr;
  std::lock_guard lock(mu_);
  observer_ = std::move(p);
}

void GroupCommitWriter::close() {
  std::lock_guard close_lock(close_mu_);
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();  // the writer drains the queue before it exits
  if (conn_) {
    // Folds the WAL back into the database file so that a closed database is one file. Failure
    // only leaves a WAL that the next open replays.
    (void)conn_->exec("PRAGMA wal_checkpoint(TRUNCATE)");
    conn_.reset();
  }
}

void GroupCommitWriter::run() {
  std::vector<Job> batch;
  batch.reserve(std::min<std::size_t>(max_batch_, 1024));
  for (;;) {
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and everything queued has been committed
      std::size_t n = std::min(max_batch_, queue_.size());
      for (std::size_t i = 0; i < n; ++i) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    run_batch(batch);
    batch.clear();
  }
}

Status GroupCommitWriter::run_job(Job& job) {
  if (Status s = conn_->exec("SAVEPOINT job"); !s.ok()) return s;
  Status result;
  try {
    SqliteWriteTx tx(*conn_);
    result = job.fn(tx);
  } catch (const std::exception& e) {
    result = Error::internal(std::string("write transaction threw: ") + e.what());
  } catch (...) {
    result = Error::internal("write transaction threw a non-standard exception");
  }
  if (!conn_->in_transaction()) return result;  // SQLite aborted the batch; run_batch reports it
  if (!result.ok()) (void)conn_->exec("ROLLBACK TO job");
  if (Status s = conn_->exec("RELEASE job"); !s.ok()) {
    (void)conn_->exec("ROLLBACK TO job");
    (void)conn_->exec("RELEASE job");
    if (result.ok()) result = std::move(s);
  }
  return result;
}

void GroupCommitWriter::run_batch(std::vector<Job>& batch) {
  const auto start = std::chrono::steady_clock::now();
  std::vector<Status> statuses;
  statuses.reserve(batch.size());
  bool committed = false;

  if (Status begin = conn_->exec("BEGIN IMMEDIATE"); !begin.ok()) {
    statuses.assign(batch.size(), begin);
  } else {
    for (Job& job : batch) {
      statuses.push_back(run_job(job));
      if (!conn_->in_transaction()) break;
    }
    if (!conn_->in_transaction()) {
      // An I/O error, a full disk or out of memory made SQLite roll back the whole transaction:
      // every job of the batch is lost, including those that succeeded.
      Error err = Error::internal("batch rolled back by SQLite");
      if (!statuses.back().ok()) err.message += ": " + statuses.back().error().message;
      statuses.assign(batch.size(), err);
    } else if (Status commit = conn_->exec("COMMIT"); !commit.ok()) {
      (void)conn_->exec("ROLLBACK");
      statuses.assign(batch.size(), commit);
    } else {
      committed = true;
    }
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  if (committed) batches_.fetch_add(1, std::memory_order_relaxed);
  transactions_.fetch_add(batch.size(), std::memory_order_relaxed);

  std::shared_ptr<const CommitObserver> observer;
  {
    std::lock_guard lock(mu_);
    observer = observer_;
  }
  // The observer first, so that metrics already include the batch when a waiter wakes up.
  if (observer) {
    try {
      (*observer)(batch.size(), seconds);
    } catch (...) {  // metrics must not stop the writer
    }
  }
  for (std::size_t i = 0; i < batch.size(); ++i) {
    try {
      batch[i].done(std::move(statuses[i]));
    } catch (...) {
      // A throwing done must not leave the other waiters of the batch hanging forever.
    }
  }
}

}  // namespace omniline::store::sqlite
