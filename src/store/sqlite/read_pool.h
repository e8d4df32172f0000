// ReadPool: a fixed set of read-only (query_only) connections lent to one thread at a time.
// Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/result.h"
#include "store/sqlite/connection.h"

namespace omniline::store::sqlite {

class ReadPool {
 public:
  // Opens `size` (>= 1) reader connections; fails when any cannot be opened.
  static Result<std::unique_ptr<ReadPool>> open(const std::string& path, int size,
                                                int busy_timeout_ms);
  ~ReadPool();  // closes (see close())

  // A borrowed connection, given back on destruction. Must not outlive the pool.
  class Lease {
   public:
    Lease(Lease&& other) noexcept;
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease();
    Connection& operator*() const { return *conn_; }
    Connection* operator->() const { return conn_; }

   private:
    friend class ReadPool;
    Lease(ReadPool* pool, Connection* conn) : pool_(pool), conn_(conn) {}
    ReadPool* pool_;
    Connection* conn_;
  };

  // Waits up to `timeout` for a free connection. kUnavailable when the pool is closed or none
  // became free in time (every connection busy for that long means the server is overloaded).
  Result<Lease> borrow(std::chrono::milliseconds timeout);

  // Refuses new borrows, waits until every lease has been given back, closes the connections.
  // Idempotent.
  void close();

 private:
  explicit ReadPool(std::vector<std::unique_ptr<Connection>> conns);
  void give_back(Connection* conn);

  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<Connection>> all_;  // guarded by mu_ (cleared by close)
  std::vector<Connection*> free_;                 // guarded by mu_
  bool closed_ = false;                           // guarded by mu_
};

}  // namespace omniline::store::sqlite
