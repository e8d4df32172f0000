#include "store/sqlite/read_pool.h"

#include <utility>

namespace omniline::store::sqlite {

Result<std::unique_ptr<ReadPool>> ReadPool::open(const std::string& path, int size,
                                                 int busy_timeout_ms) {
  if (size < 1) return Error::invalid("read_connections must be at least 1");
  std::vector<std::unique_ptr<Connection>> conns;
  conns.reserve(static_cast<std::size_t>(size));
  for (int i = 0; i < size; ++i) {
    auto conn = Connection::open(path, Connection::Mode::kReader, busy_timeout_ms);
    if (!conn.ok()) return std::move(conn).take_error();
    conns.push_back(std::move(*conn));
  }
  return std::unique_ptr<ReadPool>(new ReadPool(std::move(conns)));
}

ReadPool::ReadPool(std::vector<std::unique_ptr<Connection>> conns) : all_(std::move(conns)) {
  for (auto& c : all_) free_.push_back(c.get());
}

ReadPool::~ReadPool() {
  close();
}

ReadPool::Lease::Lease(Lease&& other) noexcept
    : pool_(std::exchange(other.pool_, nullptr)), conn_(std::exchange(other.conn_, nullptr)) {}

ReadPool::Lease::~Lease() {
  if (pool_ != nullptr) pool_->give_back(conn_);
}

Result<ReadPool::Lease> ReadPool::borrow(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  bool ready = cv_.wait_for(lock, timeout, [this] { return closed_ || !free_.empty(); });
  if (closed_) return Error::unavailable("store is closed");
  if (!ready) return Error::unavailable("no read connection became free in time");
  Connection* conn = free_.back();
  free_.pop_back();
  return Lease(this, conn);
}

void ReadPool::give_back(Connection* conn) {
  std::lock_guard lock(mu_);
  free_.push_back(conn);
  // notify_all: both borrowers and a closing thread may be waiting. Notify under the lock: once
  // it is released, close() may return and the pool be destroyed.
  cv_.notify_all();
}

void ReadPool::close() {
  std::vector<std::unique_ptr<Connection>> to_close;
  {
    std::unique_lock lock(mu_);
    closed_ = true;
    cv_.notify_all();  // borrowers waiting for a connection give up
    cv_.wait(lock, [this] { return free_.size() == all_.size(); });
    free_.clear();
    to_close = std::move(all_);
    all_.clear();
  }
  // Connections close outside the lock; to_close's destructor does it.
}

}  // namespace omniline::store::sqlite
